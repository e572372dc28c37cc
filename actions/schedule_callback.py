"""callback_form and action_schedule_callback: a call at a time that suits the customer."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional, Text
from zoneinfo import ZoneInfo

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import promised
from actions.callback_cancel import CANCEL_BOOKED, booked_calls, calls_elsewhere, cancel_named, move_beside
from actions.callback_escape import escape_in, instead_of_a_call, validate_email
from actions.callback_notice import notice_for, tell_email
from actions.callback_phone import account_phone, verified_phone
from actions.callback_relative import vaguely_later
from actions.callback_soonest import last_offer, offered_time
from actions.callback_time import (
    MAX_TIME_ATTEMPTS,
    NOT_TODAY,
    PART_OF_DAY,
    SOON,
    TODAY,
    parse_callback_time,
    said_with_the_ask,
)
from actions.case import catalog
from actions.digression import answers_heard
from actions.forms import FormValidation
from actions.hours import fit_to_hours, is_open, nearest_in_hours, our_clock, spoken_time
from actions.second_problem import come_back, kept_aside
from actions.verification import known_customer
from gracious import repair
from gracious.contact_details import contacts, number_only, without_phones
from gracious.dropped_call import clock_named, drops_the_call
from gracious.references import without_amounts
from gracious.repair import DAY_WORD
from gracious.settings import settings
from gracious.signals import (
    GETTING_HELP,
    REMEDY_ASKED,
    harm_from_food,
    says_it_is_faulty,
    says_it_is_late,
    says_they_are_all_right,
    told_of_harm,
)
from gracious.stores import handoff_queue, records
from gracious.stores.callback_changes import local_time
from gracious.times_abroad import in_english, with_clock_hours


def _tells_trouble(intent: Text) -> bool:
    """Whether a message read as ``intent`` tells a trouble of the kinds the catalog's cases are for (not a request
    for the top, which the call already is)."""
    return intent in catalog().case_types and intent != "request_executive"


def _safety_chat(tracker: Tracker) -> bool:
    """Whether a message of this chat was about health or danger (server/nlu/safety.py)."""
    return told_of_harm(e.get("parse_data") for e in tracker.events if e.get("event") == "user")


def _harm_from_food(tracker: Tracker) -> bool:
    """Whether a message of this chat about health or danger was about what a café served."""
    return harm_from_food((e.get("text"), e.get("parse_data")) for e in tracker.events if e.get("event") == "user")


def known_phone(tracker: Tracker) -> Optional[Text]:
    """A complete phone number the customer gave, or the one on their account."""
    given = tracker.get_slot("phone")
    if given and len(re.sub(r"\D", "", given)) >= 7:
        return given
    facts = tracker.get_slot("case_facts") or {}
    return facts.get("customer_phone")


# A time turned down ("10 is bad", "not 10"), and words that name the new one ("move my call to 4pm").
TURNED_DOWN = re.compile(
    r"\b(?:is|isn'?t|s)\s+(?:bad|no good|not good|wrong|too early|too late)\b|\b(?:doesn'?t|won'?t|does not|will not)"
    r"\s+work\b|\bcan'?t (?:do|make)\b|^\W*(?:not|pas|nicht)\s"  # "non, 9h, pas 10h" (blind panel p50 23)
    # "move that call to 7pm, at 10am im at work" (blind panel p58 D1): the hour they are busy, never the one wanted.
    r"|\b(?:i'?m|i am|ill be|i'?ll be|i will be)\s+(?:at work|busy|working|in a meeting|out|driving|asleep|away)\b",
    re.I,
)
MOVE_TO = re.compile(r"\b(?:move|change|switch|push|put|make)\b.*?\b(?:to|it|for)\s+(.+)$", re.I)


# The part of a correction that names the time wanted.
MEANT = re.compile(
    r"\b(?:i meant|i mean|meant to say|make it|instead|rather have|go with)\b"
    # "8:30 today. no actually 9, school run" (blind panel p72 AF-03: booked at 8:30): the time said after "actually".
    r"|^\W*(?:no|nope|wait|sorry|oh)?[\s,]*(?:actually|make\s+that|or\s+rather)\b",
    re.I,
)
# "tomorrows one", "todays call" (blind panel p72 AF-07: "make tomorrows one 4pm" was booked for 7 January).
_DAY_POSSESSIVE = re.compile(r"\b(tomorrow|today|tonight)s\b", re.I)
# "i work until 5", "busy till 3" (blind panel p72 AF-02: booked at 5pm, the minute she is still at work): when they
# are busy, never the time wanted.
_BUSY_UNTIL = re.compile(
    r"\b(?:i\s+|i'?m\s+|im\s+)?(?:work|working|at\s+work|busy|in\s+meetings?|out|away|driving)\s+(?:until|till|til)\s+"
    r"\d{1,2}(?:[:.]\d\d)?\s*(?:am|pm)?",
    re.I,
)


def wanted_time_text(said: Text) -> Text:
    """The part of a message that names the time wanted: "actually 10 is bad, move my call to
    4pm" is 4pm; a message with one time is itself."""
    # "tomorrow at 12:30, 555 0155. thanks": a number given with the time names no hour (blind panel p39 23).
    said = without_phones(said) if said and not said.startswith("/") else said
    said = with_clock_hours(said or "")  # "non, 9h, pas 10h" (blind panel p50 23): 9:00, not 10
    said = _BUSY_UNTIL.sub(" ", _DAY_POSSESSIVE.sub(r"\1", said)).strip(" ,;")
    # "4.30pm" is one time, not a sentence ending at 4.
    parts = [p for p in re.split(r"(?:[,;!?]|(?<!\d)\.|\.(?!\d))+|\s+but\s+|\s+-\s+", said or "") if p.strip()]
    # "as soon as possible please, today if you can" (blind panel p52 05): the soonest is part of the time wanted.
    timed = [p for p in parts if (repair.mentions_time(p) or SOON.search(p)) and not TURNED_DOWN.search(p)]
    meant = [p for p in timed if MEANT.search(p)]
    if meant and len(timed) > 1:
        # "i said 3 but i meant 2pm, i have a meeting at 3" (blind panel p48 03): the time meant, not the others;
        # on the day said before it ("tomorrow at 10, actually no make it 11").
        wanted = meant[-1]
        days = [d for d in (repair.A_DAY.search(p) for p in timed) if d] if not repair.A_DAY.search(wanted) else []
        return f"{days[-1].group(0)} {wanted}" if days else wanted
    if len(timed) == len(parts) or not timed:
        # "can you move my 11am call to 2pm": the call named by its hour, moved to the other.
        moved = MOVE_TO.search(said or "")
        if moved and clock_named(said[: moved.start(1)]) is not None and clock_named(moved.group(1)) is not None:
            return moved.group(1)
        return said
    wanted = timed[-1]
    before = parts[parts.index(wanted) - 1] if parts.index(wanted) > 0 else ""
    if not repair.A_DAY.search(wanted) and before in timed and repair.A_DAY.search(before):
        wanted = f"{before} {wanted}"  # "push it to Friday morning, say half nine": the day and the hour
    moved = MOVE_TO.search(wanted)
    return moved.group(1) if moved and repair.mentions_time(moved.group(1)) else wanted


async def _answer_values(tracker: Tracker, domain: Dict[Text, Any]) -> Dict[Text, Any]:
    """The placeholder values of the answers kept aside with the call's time (the care team's hours, a case's
    figures): looked up only when there are answers."""
    latest = tracker.latest_message or {}
    if latest.get("repair") != "form_rest" or not latest.get("answers"):
        return {}
    from actions.digression import fitted_answers

    return (await fitted_answers(tracker, domain, list(latest.get("answers") or [])))[1]


def _said_of_something_else(tracker: Tracker, said: Text) -> bool:
    """The time in hand came with an earlier message that was not about a call or being reached, and the form
    starts now with no time said in this one."""
    if tracker.get_slot("requested_slot"):
        return False  # the form is asking: the answer to it
    if any(e.get("entity") == "time" for e in tracker.latest_message.get("entities") or []):
        return False
    if repair.mentions_time(said):
        return False
    earlier = [e for e in tracker.events if e.get("event") == "user"][:-1]
    for event in reversed(earlier):
        parsed = event.get("parse_data") or {}
        if not any(e.get("entity") == "time" for e in parsed.get("entities") or []):
            continue
        text = str(event.get("text") or "")
        intent = (parsed.get("intent") or {}).get("name")
        return not (
            text.startswith("/")
            or intent == "request_callback"
            or repair.says("call_words", text)
            or repair.says("reach_words", text)
        )
    return False


class ValidateCallbackForm(FormValidation):
    """Checks the time (parsed with dateparser) and the phone number."""

    form = "callback_form"

    async def needed(self, tracker: Tracker, domain_slots: List[Text]) -> List[Text]:
        escape = tracker.get_slot("callback_escape")
        if escape == "email" and not await promised.address_for("email_followup", tracker):
            return ["followup_email"]  # write instead: to which address?
        if escape:
            return []  # the customer would rather not be called: action_schedule_callback says what instead
        # The number of a call booked earlier in this chat counts as known: moving the
        # call ("no, make it 3pm") doesn't ask for it again.
        asked = [s for s in domain_slots if s != "followup_email"]
        # So does the number of a call booked and then cancelled ("book it again. tomorrow 9am").
        # And, for a verified customer ("ring me in an hour"), the number on their account.
        # Once asked, the answer is read as one ("its 555 0142 771" is the number, not the words).
        answering = tracker.get_slot("requested_slot") == "callback_phone"
        if not answering and (
            known_phone(tracker)
            or (_booked_before(tracker) and tracker.get_slot("callback_phone"))
            or await account_phone(tracker)
        ):
            return [s for s in asked if s != "callback_phone"]
        return asked

    async def validate_callback_time(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        said = tracker.latest_message.get("text") or ""
        language = tracker.latest_message.get("answered_in")
        if language:
            # "mañana a las 10, mi número es 555 0190" (blind panel p48 21): read in English words.
            said = in_english(without_phones(said), str(language))
            value = said
        if _said_of_something_else(tracker, said):
            # "can i get it remade tomorrow morning instead", then "ok fine, a person then" (blind panel p48 13): that
            # morning was the remake's, never the call's; the form asks for a time.
            return {"callback_time": None}
        text = value if isinstance(value, str) else said
        # The whole message, not only the part read as a time: "dont call me after all".
        words = said if said and not said.startswith("/") else text or ""
        if drops_the_call(words) and not repair.wants_email_instead(words):
            # "cancel the 3pm call please" typed at the call's button: the call booked is cancelled,
            # never booked again for the time it names (and with none booked, none is).
            # A new call turned down ("i dont want a call") never cancels a call of another chat (blind panel p42 14).
            calls = await booked_calls(tracker, elsewhere=not repair.refuses_call(words))
            return {"callback_time": None, "callback_escape": CANCEL_BOOKED if calls else "none"}
        now = datetime.now(ZoneInfo(settings().timezone))
        if GETTING_HELP.search(words) and repair.mentions_time(without_amounts(without_phones(words))):
            # "we have his epipen, my husband is driving us to urgent care. call me tonight around 8" (blind panel p51
            # 11): heard first, then the call's time taken as asked.
            dispatcher.utter_message(response="utter_safety_help_at_hand")
        elif (
            says_they_are_all_right(words)
            and repair.mentions_time(without_amounts(without_phones(words)))
            and _safety_chat(tracker)
        ):
            # Only after a worry for someone's health: "today 9:30 is fine" about a jacket (blind panel p54 A03) is a
            # time, never "I'm so glad to hear that" and 911.
            # "he's fine, he didnt drink much and we gave him his antihistamine. monday 10am for the call" (blind panel
            # p52 06): glad first, then the call's time taken as given.
            dispatcher.utter_message(response="utter_glad_all_right_then_call")
        elif (
            says_they_are_all_right(words)
            and not repair.mentions_time(without_amounts(without_phones(words)))
            and _safety_chat(tracker)
        ):
            # "im ok now, took an antihistamine. but this is serious" (server/dialogue/repair.py STILL_SERIOUS): glad,
            # and it is taken seriously; the call's time asked again, never counted as a time not understood.
            if REMEDY_ASKED.search(words):
                # "im fine now but i want my money back": glad, then how it is put right.
                food = "_food" if _harm_from_food(tracker) else ""
                dispatcher.utter_message(response="utter_glad_all_right_short")
                dispatcher.utter_message(response="utter_safety_remedy_on_call" + food)
            else:
                dispatcher.utter_message(response="utter_glad_all_right_still_serious")
            return {"callback_time": None}
        escape = escape_in(text or "") or (escape_in(words) if parse_callback_time(words, now) is None else None)
        latest = tracker.latest_message or {}
        later = str((latest.get("second_problem") or {}).get("text") or "")  # "... email me then", kept as another
        if not escape and (latest.get("repair") == "switch_channel" or escape_in(later)) and not CALL_ME.search(words):
            # "i told you im on a plane tomorrow morning. email me then" (a conversation of our own, 6 December: booked
            # for tomorrow at 10): the time says why not, never when to call.
            escape = escape_in(words)
            if escape and escape_in(later):
                # Its "email me then" is this answer, never another problem kept for later.
                return {"callback_time": None, "callback_escape": escape, "pending_problem": None}
        if escape:
            return {"callback_time": None, "callback_escape": escape}
        # The whole message says more than the entity ("tomorrow after lunch, maybe 2ish").
        # "actually 10 is bad, move my call to 4pm": the time wanted, not the one turned down.
        wanted = wanted_time_text(said)
        if _BUSY_UNTIL.search(said or ""):
            # "i work until 5" read as the time (blind panel p72 AF-02): only what the rest of the message says.
            text = _BUSY_UNTIL.sub(" ", said)
        chosen_at = [e.get("value") for e in latest.get("entities") or [] if e.get("extractor") == "typed_choice"]
        if chosen_at and latest.get("repair") == "form_rest" and isinstance(chosen_at[0], str):
            # "tomorrow, hmm, would the specialist have my whole three months...? maybe 10am" under the call's button
            # (server/dialogue/typed_choices.py): the time as told, its day from the question (blind panel p70 AB-02).
            wanted = chosen_at[0]
        moment = (parse_callback_time(wanted, now) if not said.startswith("/") else None) or parse_callback_time(
            text or "", now
        )
        if moment is None:
            # "yes please" to the soonest time offered (actions/callback_soonest.py): that time.
            moment = offered_time(tracker, said, now)
        # The time as said, before it was fitted to the team's hours.
        asked = parse_callback_time(wanted, now, fit=False) if moment is not None and not said.startswith("/") else None
        fitted_today = moment
        moment = await _on_booked_day(moment, text or "", tracker, asked)
        if asked is not None and moment is not None and fitted_today is not None and moment != fitted_today:
            # "move my call to 5pm" on a Saturday, about a call on Monday (a conversation of our own, 5 December): the
            # hour asked is on the call's day, never "our team isn't in on Saturday" for a day nobody asked for.
            asked = asked.replace(year=moment.year, month=moment.month, day=moment.day)
        elif asked is not None and moment is not None and await _hour_only_on_agreed_day(text or "", tracker, moment):
            # "sorry no, 3:30 not 4:30" on a Sunday, about a call booked for Monday at 4:30 (blind panel p55 C02): the
            # call's day kept, never "our team isn't in on Sunday" for a day nobody named.
            asked = asked.replace(year=moment.year, month=moment.month, day=moment.day)
        if SAME_TIME.search(text or "") and not clock_named(without_phones(text or "")):
            asked = None  # the hour agreed before, kept: nothing was asked outside the team's hours
        if asked is not None and moment is not None and asked.time() != moment.time():
            # "tonight at 8" when the team has gone home by then: said, not booked silently.
            # Before the time asked: the team's last call that evening; after it, the soonest they are in.
            outside = "utter_callback_outside_hours_earlier" if moment < asked else "utter_callback_outside_hours"
            clock = our_clock(now, settings().timezone)
            # Another hour than the one asked is offered, never booked unasked ("weekdays after 6pm only" was booked for
            # 8:00 am, blind panel p54 B10): a yes books it (action_ask_callback_time asks; callback_soonest.offered_time).
            # "as soon as possible" names no hour: the soonest is what was asked, and booked.
            named = bool(clock_named(without_phones(wanted)) or re.search(r"\d", without_phones(wanted)))
            dispatcher.utter_message(
                response=outside,
                callback_when=spoken_time(moment, now),
                our_clock=clock,
                **({"soonest_at": moment.isoformat()} if named else {}),
            )
            if named:
                return {"callback_time": None}
        elif (
            asked is not None
            and moment is not None
            and moment.date() > asked.date()
            and not is_open(asked, settings().care_hours)
        ):
            # "tomorrow at 11am" said on a Saturday, nobody in on Sunday: the hour kept on the next day they are in,
            # said so, never booked for Monday silently; the booking that follows names the time once (blind panel
            # p55: the time was said twice, here and in "You're booked").
            # "sunday" alone names no time to keep: the day is said, never "I've kept your time".
            closed = (
                "utter_callback_day_closed" if clock_named(without_phones(wanted)) else "utter_callback_day_closed_day"
            )
            heard = answers_heard(tracker)
            if {"utter_callback_day_closed", "utter_callback_day_closed_day"} & heard:
                # Said once in this chat already ("half 4?" after a booking on Sunday: blind panel p55 B05): shorter.
                closed = "utter_callback_day_closed_again"
            if "utter_ask_callback_time_not_today" not in heard:  # said with the question already
                dispatcher.utter_message(response=closed, closed_day=asked.strftime("%A"))
        elif (
            asked is not None
            and moment is not None
            and moment.date() > now.date()
            and TODAY.search(wanted)
            # "no i said MONDAY 4:45 not today" (blind panel p54 B10): today turned down, never "already gone by".
            and not NOT_TODAY.search(wanted)
        ):
            # "later today 6pm" said at 8pm: the day moved is said, never booked for tomorrow silently.
            clock = our_clock(now, settings().timezone)
            # "as soon as possible please, today if you can" at 9pm (blind panel p52 05): no time was named, so the
            # day is over for the team, never "that time has already gone by".
            gone = "utter_callback_today_gone" if re.search(r"\d", wanted) else "utter_callback_today_over"
            dispatcher.utter_message(response=gone, callback_when=spoken_time(moment, now), our_clock=clock)
        if moment is None and REMEDY_ASKED.search(words) and _safety_chat(tracker):
            # "its unplugged now. can i get a refund?" asked when to call, after a lamp sparked (a conversation of our
            # own, 5 December): the call is where it is put right, said so; never "I didn't catch a time".
            food = "_food" if _harm_from_food(tracker) else ""
            dispatcher.utter_message(response="utter_safety_remedy_on_call" + food)
            return {"callback_time": None}
        told = str((tracker.latest_message or {}).get("intent", {}).get("name") or "")
        if moment is None and _tells_trouble(told) and len(said.split()) >= 5 and not said.startswith("/"):
            # "fine. your cafe on market square charged me twice for one coffee" asked when to call, after "tell them
            # what it's about then, or tell me here first" (a conversation of our own, 5 December): heard, and kept
            # for the call; never "I didn't catch a time".
            dispatcher.utter_message(response="utter_callback_case_heard")
            return {"callback_time": None, "case_type": told}
        if moment is None and repair.says_no_number(said) and not said.startswith("/"):
            # "its about my order, i dont have the number on me" asked when to call (a conversation of our own, 5
            # December): no number is needed for the call, said so; never "I didn't catch a time".
            dispatcher.utter_message(response="utter_callback_no_number_needed")
            return {"callback_time": None}
        if moment is None and latest.get("repair") == "form_rest" and latest.get("answers"):
            # "hmm what hours are your people available? i work until 5" (blind panel p72 AF-02): the question answered,
            # and the time asked for again, never counted as a time not understood.
            kept_aside(dispatcher, tracker, domain, **(await _answer_values(tracker, domain)))
            return {"callback_time": None}
        if moment is None:
            attempts = int(tracker.get_slot("callback_attempts") or 0) + 1
            if attempts >= MAX_TIME_ATTEMPTS:
                # Asked twice already: no third time; offer a way on instead.
                return {"callback_time": None, "callback_attempts": float(attempts), "callback_escape": "stuck"}
            typed = str(tracker.latest_message.get("text") or "")
            phones = contacts(typed)[1]
            if phones and (language or not without_phones(typed).strip(" .,!-")):
                # "555 0111" asked for a time (blind panel p48 13): the number is thanked for, then the time asked.
                tail = re.sub(r"\D", "", phones[0])[-4:]
                dispatcher.utter_message(response="utter_callback_number_before_time", phone_tail=tail)
            elif not vaguely_later(wanted):
                # "later this afternoon" was heard: the question for a time comes without "I didn't catch".
                dispatcher.utter_message(response="utter_callback_time_unclear")
            return {"callback_time": None, "callback_attempts": float(attempts)}
        taken = {"callback_time": moment.isoformat(), "callback_attempts": None}
        values = await _answer_values(tracker, domain)
        return {**taken, **kept_aside(dispatcher, tracker, domain, **values)}  # what else the message said, kept

    async def extract_callback_time(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """ "ring me instead, in an hour?": the time said with the ask for a call, read before
        the form asks for one (the classifier finds no time in "in an hour")."""
        said = str(tracker.latest_message.get("text") or "")
        if tracker.get_slot("callback_time") or tracker.get_slot("requested_slot") or said.startswith("/"):
            return {}
        now = datetime.now(ZoneInfo(settings().timezone))
        return {"callback_time": said} if said_with_the_ask(wanted_time_text(said), now) else {}

    def validate_followup_email(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return validate_email(value, dispatcher, int(tracker.get_slot("callback_attempts") or 0))

    async def validate_callback_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        text = str(value or "")
        escape = escape_in(text)
        if escape:
            return {"callback_phone": None, "callback_escape": escape}
        digits = re.sub(r"\D", "", text)
        if not digits and repair.says("on_file", text) and (on_account := await verified_phone(tracker)):
            return {"callback_phone": on_account}  # "the one on my account", to a verified customer: that one
        if not digits and repair.has_no_reference(text):
            # "i dont have the number": no call without one, so another way on, at once.
            return {"callback_phone": None, "callback_escape": "no_phone"}
        if not 7 <= len(digits) <= 15:
            # "no, I said 2pm" while we ask for the number: the time is corrected.
            now = datetime.now(ZoneInfo(settings().timezone))
            # Digits alone are a number cut short ("0142"), not a time.
            said_time = repair.mentions_time(text) and re.search(r"[A-Za-z:]", text)
            moment = parse_callback_time(text, now) if said_time else None
            moment = await _on_booked_day(moment, text, tracker)
            if moment is not None:
                dispatcher.utter_message(response="utter_callback_time_changed", callback_when=spoken_time(moment, now))
                return {"callback_phone": None, "callback_time": moment.isoformat()}
            attempts = int(tracker.get_slot("callback_attempts") or 0) + 1
            if attempts >= MAX_TIME_ATTEMPTS:
                # Not asked a third time: a way on instead (action_schedule_callback).
                return {"callback_phone": None, "callback_attempts": float(attempts), "callback_escape": "stuck_phone"}
            # "the one on my account": we can't see it from here, and we say so.
            on_file = repair.says("on_file", text)
            dispatcher.utter_message(response="utter_phone_not_on_file" if on_file else "utter_phone_unclear")
            return {"callback_phone": None, "callback_attempts": float(attempts)}
        phone = number_only(text)  # "it's +1 555 0178": the number, not the words
        wanted = wanted_time_text(text)
        if repair.mentions_time(wanted) and repair.A_DAY.search(wanted) and not said_to_be_today(wanted):
            # "i just gave you the number. 555 340 1122. and i said weekdays, today is saturday. monday 4:45 then i
            # guess" (blind panel p54 B10): the number, and the time it names with a day, never the time asked for kept.
            now = datetime.now(ZoneInfo(settings().timezone))
            moment = parse_callback_time(wanted, now)
            if moment is not None:
                dispatcher.utter_message(response="utter_callback_time_changed", callback_when=spoken_time(moment, now))
                return {"callback_phone": phone, "callback_time": moment.isoformat()}
        return {"callback_phone": phone}


def said_to_be_today(text: Text) -> bool:
    """ "today is saturday": what day it is, said in passing, names no day for the call."""
    return bool(re.search(r"\btoday\s+(?:is|'s)\b", text or "", re.I)) and not re.search(
        r"\b(?:mon|tue|wed|thu|fri|sat|sun)\w*\s+(?:at\s+)?\d", text or "", re.I
    )


def _trouble_told_unheard(tracker: Tracker) -> bool:
    """Something of theirs gone wrong told in the chat (an item, an order or bill, faulty or late) with the ask for a
    call, and nothing said to it yet: no case opened (its empathy) and no "Thank you for telling me". "can someone ring
    me tomorrow at 11am about my lamp" tells nothing to be sorry for."""
    if any(e.get("event") == "action" and e.get("name") == "action_empathize" for e in tracker.events):
        return False
    if {"utter_callback_case_heard", "utter_callback_trouble_heard"} & answers_heard(tracker):
        return False
    return any(
        e.get("event") == "user"
        and not str(e.get("text") or "").startswith("/")
        and (says_it_is_faulty(_untimed(e)) or says_it_is_late(_untimed(e)))
        for e in tracker.events
    )


def _untimed(event: Dict[str, Any]) -> Text:
    """A message without the times it names: "call me late afternoon" tells nothing late. The thing need not be
    named as an item ("my grinder still hasnt come, can someone call me tomorrow at 11am", a conversation of our own,
    6 December: "grinder" alone is no item the model knows)."""
    text = str(event.get("text") or "")
    for found in sorted(
        (x for x in (event.get("parse_data") or {}).get("entities") or [] if x.get("entity") == "time"),
        key=lambda x: -int(x.get("start") or 0),
    ):
        if isinstance(found.get("start"), int) and isinstance(found.get("end"), int):
            text = text[: found["start"]] + " " + text[found["end"] :]
    return text


def _booked_before(tracker: Tracker) -> bool:
    """Whether a call was booked in this chat (it may since have been cancelled): its number was checked then."""
    return bool(tracker.get_slot("callback_id")) or any(
        e.get("event") == "slot" and e.get("name") == "callback_id" and e.get("value") for e in tracker.events
    )


async def _on_booked_day(
    moment: Optional[datetime], text: Text, tracker: Tracker, said: Optional[datetime] = None
) -> Optional[datetime]:
    """A new time said without a day ("no, I said 3pm") keeps the day already agreed:
    the one given earlier in the form, or the booked call's. ``said``: the time as said, before it was fitted to
    today's hours ("make it 8am" at 8:20 is 8am on the call's Monday, never the 9am a Saturday would give)."""
    if moment is None:
        return moment
    if SAME_TIME.search(text) and not clock_named(without_phones(text)):
        # "can we do wednesday instead, same time" about an 11am call (blind panel p52 11): 11am on Wednesday, never
        # the day's default hour.
        earlier = await _agreed_before(tracker)
        if earlier is None:
            return moment
        hour = earlier.astimezone(moment.tzinfo)
        kept = moment.replace(hour=hour.hour, minute=hour.minute, second=0, microsecond=0)
        return fit_to_hours(kept, settings().care_hours) if kept >= datetime.now(moment.tzinfo) else moment
    if repair.mentions_day(text):
        return moment
    earlier = await _agreed_before(tracker)
    if earlier is None:
        return moment
    day = earlier.astimezone(moment.tzinfo).date()
    clock = said if said is not None else moment
    # "can we push it to 5 instead of 4" on a Saturday whose team goes home at 5 (blind panel p52 14): the last call
    # that day, said so, never Monday morning.
    now = datetime.now(moment.tzinfo)
    same_day = nearest_in_hours(clock.replace(year=day.year, month=day.month, day=day.day), settings().care_hours, now)
    # "make it 4pm" on the day of a call booked for 5pm, after 4pm: the next 4pm, never a time gone by.
    return same_day if same_day >= now else moment


async def _hour_only_on_agreed_day(text: Text, tracker: Tracker, moment: datetime) -> bool:
    """A new hour said with no day, now on the day agreed before (the form's earlier answer or the call booked)."""
    if repair.mentions_day(text) or SAME_TIME.search(text):
        return False
    earlier = await _agreed_before(tracker)
    return earlier is not None and earlier.astimezone(moment.tzinfo).date() == moment.date()


async def _agreed_before(tracker: Tracker) -> Optional[datetime]:
    """The time agreed before this message: the form's earlier answer or the time just offered, the call booked in this
    chat, or (a move asked in a new chat) the one call booked in another."""
    # "hmm make it 11am" just after "the closest I can offer is Monday at 3:00 pm": the day offered.
    earlier = _earlier_time(tracker) or last_offer(tracker)
    booked = tracker.get_slot("callback_id")
    if earlier is None and booked:
        call = await records().callback(int(booked))
        earlier = call["scheduled_for"] if call else None
    if earlier is None and (tracker.latest_message or {}).get("repair") == "correction":
        # "can you move my 11am call to 2pm" in a new chat: the day of the one call booked in another.
        elsewhere = await calls_elsewhere(tracker)
        earlier = elsewhere[0]["scheduled_for"].replace(tzinfo=timezone.utc) if len(elsewhere) == 1 else None
    return earlier


def _earlier_time(tracker: Tracker) -> Optional[datetime]:
    """The time the form had agreed before the customer's latest message, if any."""
    events = list(tracker.events)
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=len(events))
    for event in reversed(events[:last_user]):
        if event.get("event") == "slot" and event.get("name") == "callback_time":
            try:
                return datetime.fromisoformat(event.get("value") or "")
            except ValueError:
                continue
    return None


def _typed_now(tracker: Tracker) -> Optional[Text]:
    """A whole phone number typed with the new time ("monday morning instead? call my cell 555-0222")."""
    typed = contacts(str((tracker.latest_message or {}).get("text") or ""))[1]
    return typed[-1] if typed else None


def _day_only_again(said: Text, booked: datetime, when: datetime) -> bool:
    """ "just make sure someone calls tomorrow" with the call booked for tomorrow at 2 pm (blind panel
    p38): the day of the call named again, with no hour nor part of the day, is the call as it stands,
    never moved to the morning."""
    spoken = without_phones(said)  # a phone number names no hour
    if clock_named(spoken) or re.search(r"\d", spoken) or any(part in said.lower() for part in PART_OF_DAY):
        return False  # "can you make it 3 instead", "tomorrow morning": a new hour
    if not DAY_WORD.search(said):
        return False
    return booked.astimezone(when.tzinfo).date() == when.date()


# "same time", "at the same time": the hour of the call agreed, on the day now named.
SAME_TIME = re.compile(r"\bsame\s+(?:time|hour)\b", re.I)


async def _call_at_that_time(tracker: Tracker, when: datetime, digits: Text) -> Optional[Dict[str, Any]]:
    """The customer's call booked in another chat for ``when`` on the number ending as ``digits`` does, if any."""
    for call in await calls_elsewhere(tracker):
        same_number = re.sub(r"\D", "", str(call.get("phone") or ""))[-4:] == digits[-4:]
        if same_number and local_time(call["scheduled_for"]) == when:  # aware times: the same moment
            return call
    return None


# A call asked for in so many words: "email me the details and call me at 10" still wants the call.
CALL_ME = re.compile(r"\b(?:call|ring|phone)\s+(?:me|us)\b|\bgive\s+me\s+a\s+(?:call|ring)\b", re.I)


class ActionScheduleCallback(Action):
    """Books the call (or moves the one already booked), and confirms time and number.

    When the customer would rather not be called (callback_escape), it says what
    happens instead: an email from the team, or a choice of email or a person.
    """

    def name(self) -> Text:
        return "action_schedule_callback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        escape = tracker.get_slot("callback_escape")
        done: List[EventType] = [
            SlotSet(name, None) for name in ("callback_escape", "callback_attempts", "callback_time")
        ]
        if escape == CANCEL_BOOKED:
            said = str(tracker.latest_message.get("text") or "")
            cancelled = await cancel_named(dispatcher, tracker, said)
            return done + [SlotSet("alternative", None)] + cancelled + await move_beside(dispatcher, tracker, said)
        if escape:
            return done + await instead_of_a_call(escape, dispatcher, tracker, domain)
        when = datetime.fromisoformat(tracker.get_slot("callback_time"))
        # The form asked for a number unless one was known (ValidateCallbackForm.needed).
        phone = str(_typed_now(tracker) or tracker.get_slot("callback_phone") or known_phone(tracker) or "")
        # A verified account's number: said as the account's, and another can be given.
        on_account = not phone and bool(phone := await account_phone(tracker) or "")
        now = datetime.now(when.tzinfo)
        digits = re.sub(r"\D", "", phone)
        booked = tracker.get_slot("callback_id")
        if not booked and (tracker.latest_message or {}).get("repair") == "correction":
            # "can you move my 11am call to 2pm" in a new chat: the one call booked in another chat of
            # theirs is moved, on its own number unless a new one is typed (blind panel p39 17).
            elsewhere = await calls_elsewhere(tracker)
            if len(elsewhere) == 1:
                booked = str(elsewhere[0]["id"])
                phone = str(_typed_now(tracker) or elsewhere[0].get("phone") or phone)
                digits = re.sub(r"\D", "", phone)
        earlier = await records().callback(int(booked)) if booked else None
        if (
            earlier
            and earlier["status"] == "booked"
            and (
                earlier["scheduled_for"] == when.astimezone(earlier["scheduled_for"].tzinfo)
                or (
                    re.sub(r"\D", "", str(earlier.get("phone") or "")) == digits
                    and _day_only_again(
                        str((tracker.latest_message or {}).get("text") or ""), earlier["scheduled_for"], when
                    )
                )
            )
        ):
            when = earlier["scheduled_for"].astimezone(when.tzinfo)
            # The time it already has: nothing to move.
            dispatcher.utter_message(
                response="utter_callback_already_then", callback_when=spoken_time(when, now), phone_tail=digits[-4:]
            )
            return done + [SlotSet("callback_phone", phone), SlotSet("alternative", None)]
        notice = await notice_for(tracker)
        same_time = (
            await _call_at_that_time(tracker, when, digits) if earlier and earlier["status"] == "booked" else None
        )
        if earlier and same_time is not None and await records().cancel_callback(int(booked), notice):
            # "can you make it 2pm instead of 12? And then one call is plenty" with another chat's call at 2pm on that
            # number (a conversation of our own, 6 December: two calls at 2pm): this chat's call goes onto that one.
            typed = [str(e.get("text")) for e in tracker.events if e.get("event") == "user" and e.get("text")]
            await records().note_on_call(int(same_time["id"]), "\n".join(t for t in typed if not t.startswith("/")))
            dispatcher.utter_message(
                response="utter_callback_moved_onto_other",
                old_when=spoken_time(earlier["scheduled_for"].astimezone(when.tzinfo), now),
                callback_when=spoken_time(when, now),
                phone_tail=digits[-4:],
            )
            tell_email(dispatcher, notice, phone)
            return done + [
                SlotSet("callback_id", str(same_time["id"])),
                SlotSet("callback_phone", phone),
                SlotSet("alternative", None),
            ]
        if earlier and await records().move_callback(int(booked), when, phone, notice):
            # A new time for the call already booked: moved, never a second call.
            old_when = spoken_time(earlier["scheduled_for"].astimezone(when.tzinfo), now)
            # Another call still booked in another chat (blind panel p50 18): never "still just the one call".
            others = [c for c in await calls_elsewhere(tracker) if str(c["id"]) != str(booked)]
            dispatcher.utter_message(
                response="utter_callback_moved_others_stand" if others else "utter_callback_moved",
                old_when=old_when,
                callback_when=spoken_time(when, now),
                phone_tail=digits[-4:],
                **(
                    {"other_when": spoken_time(local_time(others[0]["scheduled_for"]).astimezone(now.tzinfo), now)}
                    if others
                    else {}
                ),
            )
            tell_email(dispatcher, notice, phone)
            adopted = [SlotSet("callback_id", booked)] if booked != tracker.get_slot("callback_id") else []
            return done + adopted + [SlotSet("callback_phone", phone), SlotSet("alternative", None)]
        joined = (
            await _call_at_that_time(tracker, when, digits) if not earlier or earlier["status"] != "booked" else None
        )
        if joined is not None:
            # A call already booked in another chat for that very time on that number (blind panel p54 A09 booked a
            # second 9:30 call): this case goes on its notes, one call for both, never the phone rung twice.
            # What this chat was about, in the customer's words (the time itself said nothing of it).
            typed = [str(e.get("text")) for e in tracker.events if e.get("event") == "user" and e.get("text")]
            typed = [t for t in typed if not t.startswith("/")]
            await records().note_on_call(int(joined["id"]), "\n".join(typed[:-1] or typed))
            dispatcher.utter_message(
                response="utter_callback_joined_call", callback_when=spoken_time(when, now), phone_tail=digits[-4:]
            )
            left: List[EventType] = []
            if tracker.get_slot("in_queue"):
                # The call takes the case out of the queue, as a call booked does (callback_changes.book).
                await records().run(handoff_queue.leave_for_sender, tracker.sender_id, handoff_queue.CALLBACK_BOOKED)
                dispatcher.utter_message(response="utter_queue_left_for_call", callback_when=spoken_time(when, now))
                left = [SlotSet("in_queue", None)]
            return (
                done
                + left
                + [
                    SlotSet("callback_id", str(joined["id"])),
                    SlotSet("callback_phone", phone),
                    SlotSet("alternative", None),
                ]
                + come_back(dispatcher, tracker, domain)
            )
        handoff = tracker.get_slot("handoff_id")
        reason = tracker.get_slot("case_type") or "callback requested"
        # The call, its confirmation email and its commitment for the company: one transaction.
        callback_id = await records().book_callback(
            tracker.sender_id,
            when,
            phone,
            reason,
            int(handoff) if handoff else None,
            notice,
            customer_id=known_customer(tracker),
        )
        if _trouble_told_unheard(tracker):
            # "my lamp LK-10425 keeps flickering and honestly im fed up, can someone phone me tmrw morning" (a
            # conversation of our own, 6 December): booked with no word for the lamp; heard first.
            dispatcher.utter_message(response="utter_callback_trouble_heard")
        booked_line = "utter_callback_booked_account" if on_account else "utter_callback_booked"
        dispatcher.utter_message(response=booked_line, callback_when=spoken_time(when, now), phone_tail=digits[-4:])
        others = [c for c in await calls_elsewhere(tracker) if str(c["id"]) != str(callback_id)]
        if others:
            # A call booked in another chat stands too (blind panel p55 B05: calls piled up unsaid): said, and how to
            # keep only one.
            other_when = spoken_time(local_time(others[0]["scheduled_for"]).astimezone(now.tzinfo), now)
            dispatcher.utter_message(response="utter_callback_booked_others_stand", other_when=other_when)
        tell_email(dispatcher, notice, phone)
        events: List[EventType] = done + [
            SlotSet("callback_id", str(callback_id)),
            # Kept, so a new time later ("no, make it 3pm") moves the call without asking again.
            SlotSet("callback_phone", phone),
            SlotSet("alternative", None),
        ]
        if tracker.get_slot("in_queue"):
            events.append(SlotSet("in_queue", None))  # the call took the case out of the queue (callback_changes.book)
            dispatcher.utter_message(response="utter_queue_left_for_call", callback_when=spoken_time(when, now))
        events += [SlotSet("accepted_alternative", "callback")] if tracker.get_slot("alternative") == "callback" else []
        back = come_back(dispatcher, tracker, domain)  # the other thing they raised, offered next
        if not back and repair.closes_after(str((tracker.latest_message or {}).get("text") or "")):
            # "tomorrow 9am. and thats all" (blind panel p64 O-06): booked and closed, never "anything else?".
            from actions.closing import close_after  # (it imports actions that import this one)

            return await close_after(dispatcher, tracker, domain, events)
        return events + back
