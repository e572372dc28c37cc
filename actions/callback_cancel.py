"""A booked call cancelled in the customer's words: "cancel the 3pm call please", "scrap the phone
call", "dont call me after all".

Such a message can reach the callback form: typed while the call's button is offered again ("cancel
the 3pm call" reads like choosing the call, at 3pm), or read as asking for a call ("dont call me
after all"). Its validator then sets ``callback_escape`` to ``CANCEL_BOOKED`` and
action_schedule_callback calls ``cancel_named``, never booking or "moving" the call to the time it
already has. The call named (by its time, or the only one booked) is cancelled through the records
store as every cancel is: the desk's call list, the company's commitment and the customer's email,
in one transaction (gracious/stores/callback_changes.py).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Dict, List, Optional, Text, Tuple
from zoneinfo import ZoneInfo

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.callback_notice import notice_for, tell_email
from actions.hours import spoken_time
from actions.verification import known_customer
from gracious import repair
from gracious.dropped_call import answer_to_cancel, clock_named, days_named, dropped_part, moved_part
from gracious.dropped_call import meant as sentences_that_drop
from gracious.settings import settings
from gracious.stores import records
from gracious.stores.callback_changes import local_time

CANCEL_BOOKED = "cancel_booked"
# The calls "Shall I cancel that one?" asked about (their ids), until answered.
ASKED = "cancel_call_asked"


async def booked_calls(tracker: Tracker, elsewhere: bool = False) -> List[Dict[str, Any]]:
    """The calls of this conversation still booked, soonest first, each with its local time; with
    ``elsewhere``, the known customer's calls booked in their other chats too (blind panel p39 18:
    "just cancel the 2pm call please" heard there was none, with one booked an hour before)."""
    rows = await records().rows("callbacks", tracker.sender_id)
    mine = [r for r in rows if r.get("status") == "booked"] + (await calls_elsewhere(tracker) if elsewhere else [])
    calls = [dict(r, local=local_time(r["scheduled_for"])) for r in mine]
    return sorted(calls, key=lambda c: c["local"])


async def calls_elsewhere(tracker: Tracker) -> List[Dict[str, Any]]:
    """The calls booked for the known customer in their other chats, soonest first (blind panel p38: "no
    call tomorrow?" heard "nobody will ring you" with one booked). Only calls booked by a chat that
    knew them (signed in or checked), never one a guest booked on their number (blind panel p42 10, 19);
    none for a customer the chat doesn't know: a stranger never hears of, nor cancels, anyone's calls."""
    customer_id = known_customer(tracker)
    if not customer_id:
        return []
    return await records().booked_for(customer_id, "", besides=tracker.sender_id)


# What says a call booked in another chat stands.
ELSEWHERE_SAID = {
    "utter_status_call_booked_elsewhere_also",
    "utter_status_call_elsewhere_not_cancelled",
    "utter_callback_booked_others_stand",
    "utter_callback_moved_others_stand",
    # "Done: I've cancelled the call ... Still booked: tomorrow at 7:00 pm" (blind panel p62 K03: "cancel everything,
    # no calls" next heard there was none).
    "utter_callback_call_cancelled_others_stand",
    "utter_callback_calls_cancelled_others_stand",
}
# "cancel everything, no calls", "cancel all my calls", "i want zero calls": every call of theirs, in any chat.
EVERY_CALL = re.compile(
    r"\bcancel\s+(?:it\s+)?(?:all|everything|every\s+call|them\s+all|all\s+of\s+them)\b"
    r"(?!\s+(?:the\s+|my\s+|of\s+the\s+)?(?:tracking|e-?mails?|updates?|orders?|credits?|refunds?))"
    r"|\b(?:zero|no)\s+calls\s+(?:at\s+all|whatsoever|anywhere)\b|\bzero\s+calls\b"
    r"|\b(?:don'?t|dont|do\s+not)\s+(?:call|ring|phone)\s+(?:me\s+)?at\s+all\b",
    re.I,
)


def _elsewhere_said(tracker: Tracker) -> bool:
    """Whether this chat told the customer of a call booked in another chat of theirs."""
    return any(
        e.get("event") == "bot" and (e.get("metadata") or {}).get("utter_action") in ELSEWHERE_SAID
        for e in tracker.events
    )


def _phone_end(call: Dict[str, Any]) -> Text:
    return re.sub(r"\D", "", str(call.get("phone") or ""))[-4:]


def at_clock(local: datetime, named: Tuple[int, int]) -> bool:
    """Whether a call's local time is the clock time named; "4:30" with no am or pm (read as (4, 30)) is 4:30 pm too."""
    return (local.hour % 12, local.minute) == (named[0] % 12, named[1])


def _when(call: Dict[str, Any], now: datetime) -> Text:
    return spoken_time(call["local"].astimezone(now.tzinfo), now)


def named_time(named: Tuple[int, int]) -> Text:
    """(16, 0) as "4pm", (15, 30) as "3:30pm"."""
    hour, minute = named
    twelve = hour % 12 or 12
    return f"{twelve}{f':{minute:02d}' if minute else ''}{'pm' if hour >= 12 else 'am'}"


# The call of another chat meant: "the one from the earlier chat", "the other chat's call", "the first one i booked".
OTHER_CHATS = re.compile(
    r"\b(?:earlier|other|another|previous|last|first|old|older)\s+(?:chat|conversation|booking)\b"
    r"|\bfrom\s+(?:before|earlier|this morning)\b|\bthe\s+(?:old|older)\s+(?:one|call)\b",
    re.I,
)


async def cancel_named(dispatcher: CollectingDispatcher, tracker: Tracker, text: Text) -> List[EventType]:
    """Cancel the booked call the customer means, and say so; or, when the words fit no call or
    more than one, ask: "I can't see a call at 4pm: the one booked is today at 3pm. Shall I cancel
    that one?" (``cancel_call_asked`` holds the calls asked about; ``answer_asked`` takes the reply)."""
    if asks_every_call(text):
        return await cancel_every(dispatcher, tracker)
    calls = await booked_calls(tracker)
    now = datetime.now(ZoneInfo(settings().timezone))
    if OTHER_CHATS.search(text):
        # "Please cancel the one from the earlier chat" (a conversation of our own, 6 December: this chat's call was
        # the one cancelled): only the calls booked in their other chats.
        calls = [dict(c, local=local_time(c["scheduled_for"])) for c in await calls_elsewhere(tracker)]
        if len(calls) == 1:
            return await _cancel(dispatcher, tracker, calls[0], calls + await booked_calls(tracker), now)
    kept = EXCEPT.search(sentences_that_drop(text))
    kept_at = clock_named(kept.group("kept")) if kept else None
    if kept_at is not None:
        # "cancel everything except the 2pm one" (blind panel p54 A10, where the 2pm call was the one cancelled): every
        # other call of theirs, once the one kept is there to keep.
        everywhere = await booked_calls(tracker, elsewhere=True)
        going = [c for c in everywhere if not at_clock(c["local"], kept_at)]
        if going and len(going) < len(everywhere):
            return await _cancel_several(dispatcher, tracker, going, now)
    dropped = dropped_part(text)  # "then cancel the tomorrow one please. keep 8.15": not the 8:15 one
    named = clock_named(dropped)
    days = days_named(dropped, now.date())

    def is_named(call: Dict[str, Any]) -> bool:
        """ "the 3pm one", "the tomorrow one", or any when neither is said."""
        at_hour = named is None or (call["local"].hour, call["local"].minute) == named
        return at_hour and (not days or call["local"].date() in days)

    limit = time_limit(text)
    bounded = (calls or await booked_calls(tracker, elsewhere=True)) if limit is not None else []
    if limit is not None and bounded:
        # "dont call me at all before 5pm" beside a 6pm call (a re-read of our own, 7 December: "Shall I cancel that
        # one?"): a limit the calls keep already is said and nothing changes; a call that breaks it is asked about.
        breaking = [c for c in bounded if breaks_limit(c, limit)]
        said = f"{limit[0]} {named_time(limit[1])}"
        if not breaking:
            response = "utter_callback_keeps_limit" if len(bounded) == 1 else "utter_callback_calls_keep_limit"
            dispatcher.utter_message(response=response, callback_when=listed(bounded, now), limit=said)
            return [SlotSet(ASKED, None)]
        dispatcher.utter_message(
            response="utter_callback_breaks_limit", callback_when=listed(breaking, now), limit=said
        )
        return [SlotSet(ASKED, ",".join(str(c["id"]) for c in breaking)), FollowupAction("action_listen")]
    fits = [c for c in calls if is_named(c)]
    if not fits and (
        not repair.refuses_call(text) or (re.search(r"\bcancel", text, re.I) and _elsewhere_said(tracker))
    ):
        # (Refusing a call with "cancel" said, "i didnt book any call?? please cancel it, i said no calls" just after
        # another chat's call was said to stand, a conversation of our own, 6 December: that one, never "no call".
        # Only once this chat has said that call stands: "no cancel that, i dont want a call" to a new call never
        # cancels a call the customer booked elsewhere, blind panel p42 14.)
        # "just cancel the 2pm call please" with none that fits here: the customer's other chats' calls
        # too; never a bare "i dont want a call", which turns down a new call (blind panel p42 14).
        calls = await booked_calls(tracker, elsewhere=True)
    if not calls:
        dispatcher.utter_message(response="utter_callback_nothing_to_cancel")
        return [SlotSet("callback_id", None), SlotSet(ASKED, None)]
    meant = [c for c in calls if is_named(c)]
    meant = either_of_twins(meant, text)
    if len(meant) == 1:
        return await _cancel(dispatcher, tracker, meant[0], calls, now)
    if len(meant) > 1 and (SEVERAL.search(dropped) or (named is not None and _twins(meant))):
        # "cancel the 9:30 ones", "cancel both" (blind panel p54 A10): each call the words fit; two calls at the same
        # time on the same number are one call too many, never asked "which one".
        return await _cancel_several(dispatcher, tracker, meant, now)
    # "cancel the 4pm call" with one at 3pm, or "cancel my call" with two: asked, none cancelled yet.
    asked = [SlotSet(ASKED, ",".join(str(c["id"]) for c in calls)), FollowupAction("action_listen")]
    if len(calls) == 1 and named is not None:
        dispatcher.utter_message(
            response="utter_callback_cancel_which_time",
            named_time=named_time(named),
            callback_when=_when(calls[0], now),
        )
    elif len(calls) == 1:
        dispatcher.utter_message(
            response="utter_callback_cancel_that_one",
            callback_when=_when(calls[0], now),
            phone_end=_phone_end(calls[0]),
        )
    else:
        dispatcher.utter_message(response="utter_callback_cancel_which", count=len(calls), calls=listed(calls, now))
    return asked


# "dont call me before 5pm", "no calls after 7": when a call may be, not which call to cancel.
LIMIT = re.compile(
    r"\b(?P<side>before|after|earlier\s+than|later\s+than)\s+(?P<at>\d{1,2}(?:[:.]\d\d)?\s*(?:[ap]\.?m\.?)?)", re.I
)


def time_limit(text: Text) -> Optional[Tuple[Text, Tuple[int, int]]]:
    """ "dont call me at all before 5pm": ("before", (17, 0)); None when no limit is named."""
    found = LIMIT.search(text or "")
    at = clock_named(f"at {found.group('at')}") if found else None  # "after 7": a bare hour, as "at 7" reads
    if found is None or at is None:
        return None
    side = found.group("side").lower()
    return ("before" if side.startswith(("before", "earlier")) else "after"), at


def breaks_limit(call: Dict[str, Any], limit: Tuple[Text, Tuple[int, int]]) -> bool:
    """Whether ``call`` falls where the customer said no call may be."""
    side, at = limit
    when = (call["local"].hour, call["local"].minute)
    return when < at if side == "before" else when > at


# "cancel one of the two 4pm ones, i dont care which", "the second 4pm one" (blind panel p42 21).
EITHER = re.compile(
    r"\b(?:one\s+of\s+(?:the|them|those|these)|either(?:\s+one)?|whichever|any\s+one|"
    r"(?:don'?t|dont|do\s+not)\s+care\s+which|doesn'?t\s+matter\s+which|the\s+(?:second|other|extra|later|newer|new)\b|"
    r"duplicate|double)",
    re.I,
)


def either_of_twins(meant: List[Dict[str, Any]], text: Text) -> List[Dict[str, Any]]:
    """Calls at the same time on the same number, and the customer lets either go: the one booked
    last. Any other list as it was."""
    if len(meant) < 2 or not EITHER.search(text):
        return meant
    if len({(c["local"], _phone_end(c)) for c in meant}) != 1:
        return meant
    return [max(meant, key=lambda c: int(c["id"]))]


# "cancel everything except the 2pm one", "keep only the 2pm": the call kept, named after these words.
EXCEPT = re.compile(
    r"\b(?:except(?:\s+for)?|apart\s+from|other\s+than|besides|all\s+but|but\s+not|keep\s+only|only\s+keep|"
    r"just\s+keep|leave\s+only|keep\s+just)\s+(?P<kept>[^.!?]*)",
    re.I,
)
# "the 9:30 ones", "both 9:30 ones", "cancel them all": every call the words fit.
SEVERAL = re.compile(r"\b(?:both|all|ones|every|everything|each)\b", re.I)


def _twins(calls: List[Dict[str, Any]]) -> bool:
    """Calls at the same time on the same number: one call booked twice."""
    return len({(c["local"], _phone_end(c)) for c in calls}) == 1


def asks_every_call(text: Text) -> bool:
    """ "cancel everything, no calls", "dont call me at all": every call of theirs, unless one is kept ("cancel all of
    them except the 10am", EXCEPT) or a time is named ("dont call me at all before 5pm")."""
    return bool(EVERY_CALL.search(text)) and not EXCEPT.search(text) and not re.search(r"\b(?:before|after)\s+\d", text)


async def cancel_every(
    dispatcher: CollectingDispatcher, tracker: Tracker, everywhere: Optional[List[Dict[str, Any]]] = None
) -> List[EventType]:
    """Every call of theirs still booked, here and in their other chats (``everywhere``, when the caller has read
    them already), cancelled and said in one line."""
    now = datetime.now(ZoneInfo(settings().timezone))
    if everywhere is None:
        everywhere = await booked_calls(tracker, elsewhere=True)
    if len(everywhere) == 1:
        return await _cancel(dispatcher, tracker, everywhere[0], everywhere, now)
    return await _cancel_several(dispatcher, tracker, everywhere, now)


async def _cancel_several(
    dispatcher: CollectingDispatcher, tracker: Tracker, going: List[Dict[str, Any]], now: datetime
) -> List[EventType]:
    """Each call of ``going`` cancelled, said in one line with the calls that stand; one email said."""
    notice = await notice_for(tracker)
    done = [c for c in going if await records().cancel_callback(int(c["id"]), notice)]
    if not done:
        dispatcher.utter_message(response="utter_callback_nothing_to_cancel")
        return [SlotSet(ASKED, None)]
    if len(done) == 1:
        return await said_cancelled(dispatcher, tracker, done[0], now, notice)
    standing = await booked_calls(tracker, elsewhere=True)
    response = (
        _stand_or_move(standing, tracker, now, "utter_callback_calls_cancelled_others_stand")
        if standing
        else "utter_callback_calls_cancelled"
    )
    others = {"calls": listed(standing, now)} if standing else {}
    dispatcher.utter_message(response=response, cancelled=listed(done, now), **others)
    tell_email(dispatcher, notice, str(done[0].get("phone") or ""))
    still = await booked_calls(tracker)
    return [SlotSet("callback_id", str(still[0]["id"]) if still else None), SlotSet(ASKED, None)]


def _times_booked(count: int) -> Text:
    return "" if count == 1 else " (booked twice)" if count == 2 else f" (booked {count} times)"


def listed(calls: List[Dict[str, Any]], now: datetime) -> Text:
    """ "today at 3:00 pm and tomorrow at 10:00 am"; a time booked twice said once, as such (blind panel p54 A10:
    "today at 9:30 am, today at 9:30 am and today at 2:00 pm")."""
    said = [_when(c, now) for c in calls]
    whens = [w + _times_booked(said.count(w)) for w in dict.fromkeys(said)]
    return ", ".join(whens[:-1]) + " and " + whens[-1] if len(whens) > 1 else whens[0]


async def answer_asked(dispatcher: CollectingDispatcher, tracker: Tracker, text: Text) -> List[EventType]:
    """The reply to "Shall I cancel that one?" / "Which one shall I cancel?": a yes (or the call's time)
    cancels it, a no keeps it (and says so), a yes to two calls asks which again."""
    ids = set(str(tracker.get_slot(ASKED) or "").split(","))
    calls = [c for c in await booked_calls(tracker, elsewhere=True) if str(c["id"]) in ids]
    now = datetime.now(ZoneInfo(settings().timezone))
    if not calls:
        dispatcher.utter_message(response="utter_callback_nothing_to_cancel")
        return [SlotSet(ASKED, None)]
    answer = answer_to_cancel(text)
    named = clock_named(text)
    meant = either_of_twins([c for c in calls if named and (c["local"].hour, c["local"].minute) == named], text)
    if answer == "no":
        for call in calls:  # they stay: said, so they know each will happen
            dispatcher.utter_message(
                response="utter_callback_kept", callback_when=_when(call, now), phone_end=_phone_end(call)
            )
        return [SlotSet(ASKED, None)]
    if len(meant) == 1 or (answer == "yes" and len(calls) == 1):
        return await _cancel(dispatcher, tracker, (meant or calls)[0], calls, now)
    if len(meant) > 1 and (SEVERAL.search(text) or _twins(meant)):
        # "both 9:30 ones", "9:30" with two calls at 9:30 (blind panel p54 A10): each of them.
        return await _cancel_several(dispatcher, tracker, meant, now)
    if not named and len(calls) > 1 and SEVERAL.search(text) and answer != "no":
        return await _cancel_several(dispatcher, tracker, calls, now)  # "both", "all of them"
    dispatcher.utter_message(response="utter_callback_cancel_which_not_clear", calls=listed(calls, now))
    # Asked again: the next reply ("the 3pm one") is its answer (server/dialogue/cancel_answer.py).
    return [SlotSet(ASKED, ",".join(str(c["id"]) for c in calls)), FollowupAction("action_listen")]


async def _cancel(
    dispatcher: CollectingDispatcher, tracker: Tracker, call: Dict[str, Any], calls: List[Dict[str, Any]], now: datetime
) -> List[EventType]:
    notice = await notice_for(tracker)
    if not await records().cancel_callback(int(call["id"]), notice):
        dispatcher.utter_message(response="utter_callback_nothing_to_cancel")
        return [SlotSet(ASKED, None)]
    return await said_cancelled(dispatcher, tracker, call, now, notice, calls)


async def said_cancelled(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    call: Dict[str, Any],
    now: datetime,
    notice: Any,
    calls: Optional[List[Dict[str, Any]]] = None,
) -> List[EventType]:
    """The one call cancelled, said with the calls that still stand."""
    if calls is None:
        calls = [call] + await booked_calls(tracker)
    # "then cancel the tomorrow one please. keep the monday one" (blind panel p49 19): the calls that stand are said,
    # never "Nobody will ring you" with one still booked, here or in another chat.
    standing = [c for c in await booked_calls(tracker, elsewhere=True) if c["id"] != call["id"]]
    if standing:
        dispatcher.utter_message(
            response=_stand_or_move(standing, tracker, now, "utter_callback_call_cancelled_others_stand"),
            callback_when=_when(call, now),
            calls=listed(standing, now),
        )
    else:
        dispatcher.utter_message(response="utter_callback_call_cancelled", callback_when=_when(call, now))
    tell_email(dispatcher, notice, str(call.get("phone") or ""))
    still = [c for c in calls if c["id"] != call["id"]]
    # The slot names a call still booked, if any: "move my call" later moves that one.
    return [SlotSet("callback_id", str(still[0]["id"]) if still else None), SlotSet(ASKED, None)]


# "can they just email me instead", "about that call tomorrow ... email me instead": the words name a call,
# or put the email in its place.
CALL_MEANT = re.compile(r"\b(?:call(?:back)?s?|ring|phone|instead)\b", re.I)


# A call pointed at as such: "the call", "my call", "that callback", "the 2pm one".
THE_CALL = re.compile(r"\b(?:the|my|that|this|our)\s+(?:call(?:back)?|phone\s*call)\b", re.I)
# A chat about a call or a person, not a case of its own: an email there may well be meant for a call booked before.
ANY_CASE = {"callback requested", "request_callback", "request_human"}


async def call_an_email_replaces(tracker: Tracker) -> Tuple[Optional[Dict[str, Any]], List[Dict[str, Any]]]:
    """The call booked in another chat that an email asked for in this one replaces, and the customer's
    other calls booked elsewhere (blind panel p51 14, 23: "can they just email me instead?" in a new chat
    heard "Done" for the email while the call booked before stayed booked). The replaced call is the only
    one booked elsewhere, or the one whose time the message names; None when this chat has a call of its
    own (``no_call_after_all`` cancels that), when the words name no call, or when it can't be told which."""
    booked = tracker.get_slot("callback_id")
    own = await records().callback(int(booked)) if booked and str(booked).isdigit() else None
    text = (tracker.latest_message or {}).get("text") or ""
    if (own and own.get("status") == "booked") or not CALL_MEANT.search(text):
        return None, []
    elsewhere = [dict(c, local=local_time(c["scheduled_for"])) for c in await calls_elsewhere(tracker)]
    named = clock_named(text)
    case = tracker.get_slot("case_type")
    own_case = bool(case) and case not in ANY_CASE
    if own_case and not named and not THE_CALL.search(text) and all(c.get("reason") != case for c in elsewhere):
        # "can you just email me about it instead of calling" about a wrong dress, with a call about the bill booked
        # in another chat (a conversation of our own, 5 December; blind panel p53 A12): the email is about the dress,
        # and the bill's call stands, said so; never cancelled unasked.
        return None, elsewhere
    if len(elsewhere) == 1:
        return elsewhere[0], []
    meant = [c for c in elsewhere if named and at_clock(c["local"], named)]
    if len(meant) == 1:
        return meant[0], [c for c in elsewhere if c is not meant[0]]
    return None, elsewhere


# "make it 2pm not 12": the time meant, without the one it replaces.
_NOT_THAT_TIME = re.compile(r"\bnot\s+(?:at\s+)?\d{1,2}(?:[:.]\d\d)?\s*(?:am|pm|o'?clock)?", re.I)


# A cancel's line that says the call left, and the same cancel said before that call's move.
_ONE_MOVES = {
    "utter_callback_call_cancelled_others_stand": "utter_callback_call_cancelled_one_moves",
    "utter_callback_calls_cancelled_others_stand": "utter_callback_calls_cancelled_one_moves",
}


def _moved_to(text: Text, standing: List[Dict[str, Any]], now: datetime) -> Optional[datetime]:
    """The time a move said beside a cancel asks for the one call left ("wait no, make it 2pm not 12. and cancel the 5pm
    one"): None when no move is said, when it names no time we can book, or when more than one call is left."""
    from actions.callback_time import parse_callback_time

    moving = _NOT_THAT_TIME.sub("", moved_part(text))
    if not moving or len(standing) != 1:
        return None
    call = standing[0]
    when = parse_callback_time(moving, now)
    if when is None:
        return None
    if not days_named(moving, now.date()) and not re.search(r"\b(?:today|tonight)\b", moving, re.I):
        # "make it 2pm" about tomorrow's call: 2pm on that call's day.
        when = when.replace(year=call["local"].year, month=call["local"].month, day=call["local"].day)
    old = call["local"].astimezone(now.tzinfo)
    return None if when == old or when <= now else when


def _stand_or_move(standing: List[Dict[str, Any]], tracker: Tracker, now: datetime, response: str) -> str:
    """The cancel's line: with the calls that still stand, or, when a move of the one left is said beside it, only
    what it cancelled, the move saying where that call stands ("Still booked: 12:00 pm" just before "moved to 2:00 pm"
    was a re-read of p69 Y-06)."""
    text = str((tracker.latest_message or {}).get("text") or "")
    return _ONE_MOVES[response] if _moved_to(text, standing, now) is not None else response


async def move_beside(dispatcher: CollectingDispatcher, tracker: Tracker, text: Text) -> List[EventType]:
    """A move said beside the cancel ("wait no, make it 2pm not 12. and cancel the 5pm one, i only need one call": blind
    panel p69 Y-06, where 12 stayed and was emailed): the one call left is moved, and said so (the cancel's line said
    only what it cancelled: ``_stand_or_move``). Nothing when ``_moved_to`` finds no move."""
    standing = await booked_calls(tracker, elsewhere=True)
    now = datetime.now(ZoneInfo(settings().timezone))
    when = _moved_to(text, standing, now)
    if when is None:
        return []
    call = standing[0]
    old = call["local"].astimezone(now.tzinfo)
    if not await records().move_callback(
        int(call["id"]), when, str(call.get("phone") or ""), await notice_for(tracker)
    ):
        return []
    dispatcher.utter_message(
        response="utter_callback_moved",
        old_when=spoken_time(old, now),
        callback_when=spoken_time(when, now),
        phone_tail=re.sub(r"\D", "", str(call.get("phone") or ""))[-4:],
    )
    return [SlotSet("callback_id", str(call["id"]))]
