"""A typed reply to buttons is read as the button it means, before the policies see it.

Rasa reads "the first one" or "refund pls" with the intent classifier alone, which
knows nothing of the buttons just shown, so a customer who types their choice is
told the option isn't available. Here the message is read against the buttons of
the assistant's last turn first (`gracious.choices.resolve`, words in
catalog/choice_words.yml); when it names one, the message is parsed as that
button's payload, exactly as a click, keeping the customer's own words as its text.
Anything else is read for a conversation repair (server/dialogue/repair.py), then for a
second problem in the same message (server/dialogue/two_problems.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from gracious import repair, saying_no
from gracious.answers import answers
from gracious.choices import (
    ARRANGEMENTS,
    ASKING,
    CHOOSING,
    QUESTION,
    REQUEST_ASKED,
    WHICH,
    Option,
    acknowledges,
    also_named,
    options_from,
    resolve,
    yes_to_the_one_asked,
)
from gracious.dropped_call import drops_the_call
from gracious.references import size_change
from gracious.signals import about_staff_conduct, asks_to_stop_updates, asks_without_end, wants_it_cancelled
from overrides import nlu_process
from server.dialogue import first_part, form_rest, in_hand, rating_answer, two_problems, waiting
from server.dialogue.offers import (
    LATER_IF,
    NOT_TAKING,
    OFFER_PAYLOAD,
    TAKES,
    THE_PERSON_ONLY,
    answered_instead,
    answers_beside,
    asked_about,
    call_at_a_time,
    case_item_words,
    choice_words,
    just_granted,
    last_buttons,
    new_order_or_bill,
    not_choosing,
    offers_in,
    ordered_variant,
    sized_exchange,
    still_open,
    takes_another,
)
from server.dialogue.payloads import payload_parse
from server.dialogue.readings import (
    FOUND_IN_MAIL,
    STATUS,
    entities_of,
    not_the_top,
    person_asked,
    person_by_email,
    read_as,
    upset_no,
    wants_more,
)
from server.dialogue.repair import reread
from server.nlu import tone

_rasa_graph_parse = MessageProcessor.parse_message


async def _rasa_parse_message(
    self: MessageProcessor,
    message: UserMessage,
    tracker: Optional[DialogueStateTracker] = None,
    only_output_properties: bool = True,
) -> Dict[str, Any]:
    """Rasa's parse (in a worker process when one is ready: overrides/nlu_process.py); a button's payload
    unpacked without the model, as Rasa's handler would (server/dialogue/payloads.py)."""
    parsed = payload_parse(self, message) if only_output_properties else None
    return parsed if parsed is not None else await nlu_process.parse(self, message, tracker, only_output_properties)


@dataclass(frozen=True)
class Reader:
    """Rasa's own parsing, for this message's sender, tracker and output."""

    processor: MessageProcessor
    sender_id: Optional[str]
    tracker: Optional[DialogueStateTracker]
    only_output_properties: bool

    async def parse(self, text: str, tracker: Optional[DialogueStateTracker] = None) -> Dict[str, Any]:
        return await _rasa_parse_message(
            self.processor, UserMessage(text, sender_id=self.sender_id), tracker, self.only_output_properties
        )

    async def as_click(self, payload: str, **keep: Any) -> Dict[str, Any]:
        """``payload`` parsed as a click in this conversation, with ``keep`` on top (the customer's text)."""
        parsed = await self.parse(payload, self.tracker)
        parsed.update(keep)
        return parsed


# The actions that answer a question and show the options again (actions/digression.py).
ANSWERING = {"action_answer_why", "action_answer_also_asked"}


# "what if the jacket ships before they call me tomorrow": a call supposed, in a question about something else, never one
# asked for.
CALL_SUPPOSED = re.compile(
    r"\b(?:what\s+if|before|after|once|until|till|by\s+the\s+time)\b[^.?!]{0,30}\b(?:call|ring|phone)\b"
    r"|\bwhen\s+(?:they|you|someone|somebody|u)\s+(?:call|ring|phone)\b",
    re.I,
)


# A question that answers itself ("why would i ...", "who would ...", "as if i'd ..."), then a short sentence of its own.
RHETORICAL_THEN = re.compile(
    r"^\W*(?:(?:ok|so|um+|erm|hmm+)\W+)?(?:why\s+(?:would|should|on\s+earth\s+would)\s+(?:i|anyone|any\s*one)|"
    r"who\s+(?:would|wouldn'?t)|as\s+if\s+i'?d?)\b[^.!?]*[.!?]+\s*(?P<choice>[^.!?]{1,40}?)[\s.!]*$",
    re.I,
)


def staff_told_beside(text: str, tracker: Optional[DialogueStateTracker]) -> Optional[str]:
    """The sentence of a choice's message that tells how the staff treated them, in a case about something else
    ("the credit i guess. but honestly the barista was really dismissive when i said it was cold, she just shrugged");
    None when there is none, or the case is that already."""
    if tracker is None or tracker.get_slot("case_type") in (None, "complain_service"):
        return None
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]
    if len(sentences) < 2:
        return None
    told = [s for s in sentences if about_staff_conduct(s)]
    if not told or told == sentences:
        return None
    return LEADING_JOINERS.sub("", " ".join(told)) or None


# "but honestly the barista was...": the words that joined it to the choice, not quoted back.
LEADING_JOINERS = re.compile(r"^(?:(?:but|and|also|plus|oh|honestly|tbh|though|anyway)\b[\s,]*)+", re.I)


def kept_with_a_choice(parsed: Dict[str, Any]) -> List[Dict[str, Any]]:
    """The references, numbers and addresses said with a choice, kept with it."""
    return [e for e in parsed.get("entities") or [] if e.get("entity") in ("order_id", "coupon_code", "phone", "email")]


def option_just_told(text: str, tracker: Optional[DialogueStateTracker], options: List[Option]) -> Optional[Option]:
    """The option whose news the assistant's last answer gave (catalog/answers.yml `option`), when the message takes
    "that" plainly; None otherwise."""
    if tracker is None or not in_hand.takes_that(text) or not just_answered(tracker):
        return None
    asked = next((e for e in reversed(tracker.events) if isinstance(e, UserUttered)), None)
    said = set((asked.parse_data or {}).get("answers") or []) if asked is not None else set()
    keys = {a.option for a in answers() if a.option and a.response in said}
    told = [o for o in options if o.key in keys]
    return told[0] if len(told) == 1 else None


def just_answered(tracker: Optional[DialogueStateTracker]) -> bool:
    """Whether the assistant's last move before this message answered a question."""
    if tracker is None:
        return False
    for event in reversed(tracker.events):
        if isinstance(event, ActionExecuted) and event.action_name not in ("action_listen", None):
            return event.action_name in ANSWERING
    return False


async def parse_with_choices(
    self: MessageProcessor,
    message: UserMessage,
    tracker: Optional[DialogueStateTracker] = None,
    only_output_properties: bool = True,
) -> Dict[str, Any]:
    parsed = not_the_top(await _rasa_parse_message(self, message, tracker, only_output_properties), tracker)
    text = message.text or ""
    read = Reader(self, message.sender_id, tracker, only_output_properties)
    if not text.startswith("/") and len(text.split()) > 6 and repair.closes_with_thanks(text):
        # "Alright, I will wait for the email then. No thank you, that is everything." (blind panel p59 F03): a close,
        # never the email follow-up named in it taken again (server/dialogue/repair.py reads it). ("no thanks" alone
        # under an offer is the offer turned down, read below.)
        return await _in_context(read, parsed)
    if not text.startswith("/") and repair.passes_on_then_closes(text):
        # "no need, just tell the manager please. thank you, that is all" (blind panel p71 AC-11): a close, never the
        # "Talk to a person" button the manager reads as (server/dialogue/repair.py).
        return await _in_context(read, parsed)
    if parsed.get("mocked_choice") or (not text.startswith("/") and tone.mocks(text) and last_buttons(tracker)):
        # "oh the CEOs office team, how wonderful. very personal." (blind panel p69 Y-07: the case sent to that team):
        # an option named in plainly sarcastic words is not chosen (server/nlu/tone.py); what the staff did is the case.
        if about_staff_conduct(text):
            kept = [e for e in parsed.get("entities") or [] if e.get("entity") not in ("item", "alternative")]
            return read_as(parsed, "complain_service", "staff", kept)
        return await _in_context(read, parsed)
    parsed = await first_part.reading(parsed, tracker, read.parse)  # "the shoes are too small. also how long..."
    parsed = await _thanks_then(parsed, text, read)  # "Thank you. And the fifteen per cent?"
    rated = rating_answer.reading(parsed, tracker)
    if rated is not None:
        return rated  # "1. two weeks is not ok" just after the rating question (server/dialogue/rating_answer.py)
    left = waiting.leaving(parsed, tracker)
    if left is not None:
        return left  # "never mind" while waiting for a person: leaving the queue (server/dialogue/waiting.py)
    again = in_hand.reference_again(parsed, tracker)
    if again is not None:
        return again  # "LK-10422" for the order already in hand: that's the one
    emailed = person_by_email(parsed, tracker)
    if emailed is not None:
        # "Talk to a person. By email please.": the person who writes, the email button when one is offered.
        button = next((o for o in last_buttons(tracker) if o.key == "email_followup"), None)
        return await read.as_click(button.payload, text=text, typed_choice=button.title) if button else emailed
    person = person_asked(parsed, tracker)
    if person is not None:
        # "i asked to be connected. please just connect me": a person, whatever else it reads as;
        # the "Talk to a person" button when one is offered.
        button = next((o for o in last_buttons(tracker) if o.key == "human"), None)
        return await read.as_click(button.payload, text=text, typed_choice=button.title) if button else person
    offered = two_problems.offered_next(tracker.events) if tracker else None
    pending = offered or (tracker.get_slot("pending_problem") if tracker else None)
    if not pending and tracker is not None and two_problems.asks_for_the_other_one(text):
        if two_problems.second_problem_told(tracker.events):
            # "what was the other one" once it was offered or taken to a person (blind panel p54 A06): named again.
            return read_as(parsed, STATUS, "other_one")
    opening = two_problems.moving_on(text, pending, offered=offered is not None)
    if opening is not None:
        return await read.as_click(opening, text=text, repair="moving_on")  # "no its fine. now the bill"
    asked_for = next((str(e.get("value")) for e in entities_of(parsed, "alternative")), None)
    if (
        pending
        and (parsed.get("intent") or {}).get("name") == "choose_alternative"
        and asked_for not in {o.key for o in last_buttons(tracker)}
        # "the credit please" with the bill's missing-discount credit on offer is that credit.
        and resolve(text, last_buttons(tracker), choice_words(), question=False) is None
        and two_problems.remedy_of_pending(asked_for, pending)
    ):
        # "remake pls" with the eye roll's options on offer and the cold latte noted: the latte's case, now (its
        # options follow), never "I can't offer that one".
        return await read.as_click(two_problems.opening(pending), text=text, repair="moving_on")
    more = wants_more(parsed, tracker)
    if more is not None:
        return more  # "i want 50 off" with a $10 credit on offer: a demand for more, not a choice or a question
    changed = await _changed_choice(read, text, parsed)
    if changed is not None:
        return changed
    taken_instead = await _choice_after_a_change_of_mind(read, text, parsed)
    if taken_instead is not None:
        return taken_instead
    timed = await form_rest.split(parsed, tracker, read.parse)
    if timed is not None:
        # "they can call at 8:30 then. will the ceo actually see this" (blind panel p47 18): the time for the call
        # taken first, the question answered beside it, never an earlier offer's button read into it.
        return timed
    if asks_to_stop_updates(text):
        # "can u stop the tracking emails now" with "Email me tracking updates" on offer (blind panel p54 B12): the
        # emails stopped (server/dialogue/repair.py), never the sign-up taken.
        return await _in_context(read, parsed)
    if in_hand.resend_asked(text, tracker):
        # "can you just resend the return label email please" (blind panel p50 24): our email sent again, never the
        # email follow-up on offer taken (server/dialogue/repair.py reads it).
        return await _in_context(read, parsed)
    options = last_buttons(tracker)
    asked_leave = OK_TO_ASK.search(text)
    if asked_leave and options and not parsed.get("safety") and CHOOSING.search(text[: asked_leave.start()].lower()):
        # "I think I'd rather just have my money back than another pair, is that ok?" (blind panel p67 V-10: "I'd rather
        # not guess"): a choice, with leave asked for it.
        wanted = text[: asked_leave.start()]
        pick = resolve(wanted, options, choice_words(), question=False, loose=False)
        if plainly_picked(wanted, options, pick) and not in_hand.is_question(wanted):
            return await read.as_click(options[pick].payload, text=text, typed_choice=options[pick].title)
    rhetorical = RHETORICAL_THEN.match(text)
    if rhetorical and options and not parsed.get("safety"):
        # "why would i take 10 when u just offered 15. the spring one" (blind panel p73b AH-03: the "why" answered with
        # a lecture, nothing taken): a question that answers itself, then the choice said plainly.
        wanted = rhetorical.group("choice")
        pick = resolve(wanted, options, choice_words(), question=False, loose=False)
        if plainly_picked(wanted, options, pick) and not in_hand.is_question(wanted):
            return await read.as_click(options[pick].payload, text=text, typed_choice=options[pick].title)
    ringing = next((o for o in options if o.key == "callback"), None)
    if (
        ringing is not None
        and tracker is not None
        and not tracker.get_slot("callback_id")  # "will someone call me at 3 like you said?" asks after that call
        and not text.startswith("/")
        and not parsed.get("safety")
        and repair.asks_for_a_call(text)
        and not drops_the_call(text)
        and not LATER_IF.search(text)
        and not CALL_SUPPOSED.search(text)
    ):
        # "Could one of your specialists ring me when they have a moment?" under "Call me back at a time that suits
        # me" (blind panel p73 AG-05: "I'd rather not guess"): the call asked for, that option, with any time said.
        call = await read.as_click(ringing.payload, text=text, typed_choice=ringing.title)
        # The number given with it kept, never asked again ("ok get someone to call me. 555 340 1122, sunday at 9pm
        # only", callbacks_kept.yml).
        call["entities"] = [*(call.get("entities") or []), *kept_with_a_choice(parsed)]
        if repair.NAMES_WHEN.search(text):  # "tomorrow at 3", never "when they have a moment"
            call["entities"] = [*call["entities"], in_hand.time_entity(text)]
        return call
    named_only = ONLY_NAMED.match(text)
    if named_only and options and not parsed.get("safety"):
        # "Thank you. And the fifteen per cent?", "and the credit??" (a blind panel of 7 December, R): an option on
        # offer named as a question and nothing more asked, taken, never "I'd rather not guess".
        pick = resolve(named_only.group("name"), options, choice_words(), question=False, loose=False)
        if plainly_picked(text, options, pick):
            return await read.as_click(options[pick].payload, text=text, typed_choice=options[pick].title)
    intent = (parsed.get("intent") or {}).get("name")
    plain = not text.startswith("/") and not parsed.get("safety") and intent not in ("thank", "goodbye")
    # "the international calling add on. how much is it" after the offer was settled:
    # information offered in this case is still given when asked about.
    # Only a question can ask about an option; the earlier offers are read only then.
    asking = plain and bool(QUESTION.search(" ".join(text.lower().split())) or ASKING.search(text.lower()))
    offers = ([options] if options else (options_from(b) for b in offers_in(tracker))) if asking else []
    shown = None
    for offer in offers:
        asked = asked_about(text, offer)
        if asked is not None:
            # "ok take the 10 dollar credit. and can you turn the add on on": the credit taken first.
            # "can you switch it on or not": the designers' answer to that, never the price again.
            # "why are you offering me more credit lol. can i USE the credit i have": asks, takes nothing (p35 23).
            answered = answered_instead(text, tracker, besides=offer[asked].key)
            aside = takes_another(text, offer, asked) or answered or not_choosing(text)
            shown = None if aside else offer[asked]
            break
    if shown is not None:
        return await read.as_click(shown.payload, text=text, typed_choice=shown.title, asked_about=shown.key)
    if not options and not text.startswith("/") and not parsed.get("safety") and tracker is not None:
        # "and the 10 dollar credit?" after taking the tracking updates: another option of
        # the same offer, named in words, is still there to take.
        still = still_open(tracker)
        leaving = repair.ends_with_closing(text) or repair.ends_with_goodbye(text)
        shared = case_item_words(tracker)
        named = (
            resolve(text, still, choice_words(), question=False, loose=False, shared=shared)
            if still and not leaving
            else None
        )
        if (
            named is not None
            and named != WHICH
            and not still[named].declines
            and not not_choosing(text)
            # "hello?? the addon. can you switch it on or not" (blind panel p49 02): a question the designers answer
            # about the option, never the option's own news again.
            and not answered_instead(text, tracker, besides=still[named].key)
        ):
            options = still
    if (
        not options
        or text.startswith("/")
        or parsed.get("safety")
        or repair.says("goodbye", text)
        or (repair.closes_with_thanks(text) and not any(o.key == "deny" for o in options))
    ):
        # "no, nothing else. bye" is leaving, not "none of these"; "ok. thats all" under a lone "Talk to a person" is
        # a close, never that button (blind panel p61 J04: the call form reopened after "no call"). Under an offer
        # with "None of these", "no thanks" is still that.
        # Health or danger (server/nlu/safety.py) is never read as a choice.
        return await _in_context(read, parsed)
    offered = any(o.payload.startswith(OFFER_PAYLOAD) for o in options)
    if acknowledges(text) and just_answered(tracker) and offered:
        # "ok cool" once "how long will that take?" was answered, the options shown again (a conversation of our
        # own, 5 December): taken in, nothing chosen; asked which, never the first option granted on an "ok".
        return await read.as_click(OFFER_PAYLOAD, text=text, typed_choice="", acknowledged=True)
    told = option_just_told(text, tracker, options)
    if told is not None:
        return await read.as_click(told.payload, text=text, typed_choice=told.title)
    by_phone = next((o for o in options if o.key == "callback"), None)
    if by_phone is not None and in_hand.only_a_time(text):
        # "monday 10am" under "Call me back at a time that suits me" (a conversation of our own, 5 December): the call,
        # at that time; never "I've set out above what I can see on this".
        call = await read.as_click(by_phone.payload, text=text, typed_choice=by_phone.title)
        call["entities"] = [*(call.get("entities") or []), in_hand.time_entity(text)]
        return call
    beside = form_rest.time_beside_questions(text, tracker) if by_phone is not None and tracker is not None else None
    if by_phone is not None and beside:
        # "tomorrow, hmm, would the specialist have my whole three months in front of them? maybe 10am" (blind panel
        # p70 AB-02): the call at that time, and the question answered once the time is taken (actions/second_problem.py
        # kept_aside), never "I'd rather not guess" with the time lost.
        call = await read.as_click(by_phone.payload, text=text, typed_choice=by_phone.title, repair="form_rest")
        call["entities"] = [*(call.get("entities") or []), in_hand.time_entity(form_rest.the_time_told(text))]
        call["answers"] = beside
        return call
    stopper = next((o for o in options if o.key == "human"), None)
    if stopper is not None and stops_the_order(text, tracker):
        # "its late and i dont want it anymore" about an order still on its way, a person offered (blind panel p54 B12):
        # the person who turns it back, never "never mind" closing the case.
        return await read.as_click(stopper.payload, text=text, typed_choice=stopper.title)
    taking = CHOOSING.search(re.sub(r"\byes or no\b", " ", text.lower()))  # "...yes or no" demands an answer
    no_offer = not any(o.payload.startswith(OFFER_PAYLOAD) for o in options)
    # "ok english. my coupon SUMMER20 doesnt work" under a lone "Talk to a person" (a conversation of our own, 5
    # December: it brought a person and a call): a case told, clearly, is the case.
    sure = float((parsed.get("intent") or {}).get("confidence") or 0.0)
    case_told = no_offer and intent in two_problems.case_types() and sure >= CASE_TOLD
    if (new_order_or_bill(parsed, tracker) or case_told) and no_offer:
        # "ok english. my bill BL-30018 no discount" under a lone "Talk to a person": the case, told now.
        taking = None
    if new_order_or_bill(parsed, tracker) and FOUND_IN_MAIL.search(text):
        # "omg. fine found it in my email BL-30018" (blind panel p49 03): where the number was found, never the email
        # follow-up chosen.
        taking = None
    by_email = next((o for o in options if o.key == "email_followup"), None)
    if by_email is not None and repair.wants_email_instead(text) and not LATER_IF.search(text):
        # "i dont want another callback, you clearly cant do those. email me instead" (blind panel p45 15): the
        # email offered, never the call it turns down.
        return await read.as_click(by_email.payload, text=text, typed_choice=by_email.title)
    reached = [o for o in options if o.key in ("human", "callback")]
    if by_email is None and reached and PERSON_TO_EMAIL.search(text) and not LATER_IF.search(text):
        # "ok have the person email me about the refund" under "Talk to a person" and a call, no email on offer (blind
        # panel p54 B11): the team's email follow-up (always open: actions/apply_alternative.py), never the person
        # the words name nor a call.
        email = '/choose_alternative{"alternative": "email_followup"}'
        domain = getattr(read.processor, "domain", None)
        said = domain.responses.get("utter_offer_email_followup") if domain is not None else None
        offer = (said or [{}])[0].get("text") or ""
        return await read.as_click(email, text=text, typed_choice=offer)
    today = await todays_code_taken(text, parsed, options)
    if today is not None:
        # "fine whatever ill use welcome10" under "Use today's offer instead" (a conversation of our own, 5 December):
        # today's code, named to use it, is that option; never a new coupon case for it.
        return await read.as_click(today.payload, text=text, typed_choice=today.title)
    later = bool(LATER_IF.search(text))  # "if it's not here by friday I want a refund": nothing taken now
    if (
        ((new_order_or_bill(parsed, tracker) or case_told or not_choosing(text)) and not taking)
        or drops_the_call(text)
        or later
    ):
        # "oh wait found it in my email. bl30018" gives a record, it doesn't pick the email;
        # "$20 credit on a $60 lamp is a joke" refuses the credit it names; "cancel the 3pm call please"
        # (however politely) drops the call booked, never picks the call button.
        return await _in_context(read, parsed)
    # "ill take the credit. and thanks for explaining properly": thanks, with a choice in it.
    by_words = intent not in ("thank", "goodbye") or bool(TAKES.search(text))
    # The item the case is about names no option ("no?? the DRESS" is not the replacement).
    shared = case_item_words(tracker)
    question = intent != "choose_alternative"
    chosen = resolve(text, options, choice_words(), question=question, by_words=by_words, shared=shared)
    lead = YES_LEAD.match(text) or FIRST_SENTENCE.match(text)
    # Only a short lead that says nothing against an option and asks nothing: "i didnt ask about a credit, i asked where
    # the grinder is." takes no credit, and "so will the 4pm person know about it or not." brings no person.
    plain_lead = lead is not None and (
        len(lead.group("named").split()) <= 6
        and not re.fullmatch(r"\W*(?:yes|yeah|yep|yup|ok|okay|sure|fine|right|alright)\W*", lead.group("named"), re.I)
        and not NEGATED_LEAD.search(lead.group("named"))
        and not in_hand.is_question(lead.group("named"))
        # A first sentence chooses only with a word of choosing ("refund, like I said", "the credit please"): "its
        # WELCOME10." repeats the code, it takes nothing.
        and (
            lead.re is YES_LEAD
            or bool(CHOOSING.search(lead.group("named").lower()))
            or bool(SAID_SO.search(lead.group(0)))
        )
    )
    if chosen is None and lead and plain_lead and question and by_words and "?" not in lead.group(0):
        # "yes remake it, but how will the barista know? do i show her this chat?" (blind panel p51 10): the yes
        # that opens it takes the option it names; the question after is answered beside the choice.
        # The words after the yes must name the option themselves: "ok in english then. my coupon..." under a lone
        # "Talk to a person" takes nothing.
        named = lead.group("named")
        chosen = resolve(named, options, choice_words(), question=False, by_words=by_words, shared=shared)
        chosen = None if chosen == WHICH else chosen
    tail = repair.after_a_change_of_mind(text)
    if chosen is not None and tail != text:
        # "yes remake it. oh wait actually no, im in a rush, can i just get my money back instead" (blind panel p50
        # 21): only what follows the change of mind is chosen, never the option turned down in the same breath.
        chosen = resolve(tail, options, choice_words(), question=question, by_words=by_words, shared=shared)
    if chosen in (None, WHICH) and (asked := yes_to_the_one_asked(text, options, choice_words(), shared)) is not None:
        chosen = asked  # "wait you can still apply it? yes please do that" (blind panel p50 07)
    if chosen not in (None, WHICH) and _only_the_code(text, tracker, options, chosen, shared):
        # "its WELCOME10. says invalid" (a panel of our own, 4 December): the code said again, nothing chosen.
        chosen = None
    if chosen is None and by_words:
        chosen = sized_exchange(text, options, tracker)  # "just send me the 10": the exchange, in that size
    if chosen is None and by_words:
        chosen = ordered_variant(text, options, tracker)  # "send the navy one": the right one, sent
    if (chosen is None or chosen == WHICH or options[chosen].declines) and answered_instead(text, tracker):
        return await _in_context(read, parsed)  # "neither really. I'd just like the money back": answered
    if chosen is not None and chosen != WHICH and options[chosen].key == "ceo_office" and THE_PERSON_ONLY.search(text):
        chosen = None  # "i want the CEO himself": not the office
    if chosen is not None and chosen != WHICH and options[chosen].key == "deny" and call_at_a_time(text):
        # "none of that, i want a human to ring me. tomorrow at 2": the call, at that time.
        return await read.as_click("/request_callback", text=text, entities=[in_hand.time_entity(text)])
    if chosen not in (None, WHICH) and options[chosen].key == "callback" and STILL_ON.search(text):
        # "and the CALL. is it still on thursday" in a new chat (blind panel p64 O-04, which booked a second call at
        # 10am beside the 11am one): the call asked after, never another booked.
        return await _in_context(read, parsed)
    if chosen not in (None, WHICH) and asks_without_end(text):
        # "i want free coffee for a year for this" under "$5.00 in store credit" (blind panel p64 O-07): a demand past
        # anything on offer, answered as one, never the $5 granted.
        return await _in_context(read, parsed)
    if chosen not in (None, WHICH) and other_sum(text, options[chosen].title):
        # "ok whatever ill take the 20 store credit" under "A $15.00 goodwill credit" (blind panel p46 22): another
        # sum is another option, never this one granted.
        return await _in_context(read, parsed)
    if chosen not in (None, WHICH) and (
        saying_no.refuses(text, [options[chosen]], choice_words()) or NOT_TAKING.search(text)
    ):
        # 'no. I said the CEO. I dont want some "office team" fobbing me off' names the option to refuse it
        # (blind panel p44 11); "a credit is nice but i just want to know WHEN" wants something else (p45 02):
        # never taken, whatever kind of option it is.
        return await _in_context(read, parsed)
    if chosen not in (None, WHICH) and only_asks(text):
        # "just out of curiosity, if I went for the refund instead, how long does that take?", "the credit, would that go
        # on my card?", "wait so the 9.5 exchange is already off?" (blind panel p66 T-01, T-02, T-12: each granted or
        # switched a remedy): asked about, never taken, however sure the classifier is of a choice.
        return await _in_context(read, parsed)
    if chosen is None and (upset := upset_no(parsed, tracker, options, intent)) is not None:
        return upset  # "NO. I NEEDED IT FOR SATURDAY": the feeling answered, the offer put again
    if chosen is None or (chosen == WHICH and "?" in text):
        # Nothing named, or "if I take the credit, do I keep the lamp?": not a choice yet.
        return await _in_context(read, parsed)
    if (
        chosen == WHICH
        and tracker is not None
        and tracker.get_slot("entitled")
        and options[0].payload.startswith(OFFER_PAYLOAD)
    ):
        # "Yes, do that please." when the customer is owed something: the first option is
        # what they are owed ("Here's how I'll put it right"), so yes means that one.
        chosen = 0
    granting = chosen not in (None, WHICH) and options[chosen].payload.startswith(OFFER_PAYLOAD)
    if granting and options[chosen].key not in ARRANGEMENTS:
        if saying_no.doubtful(text, options, choice_words(), options[chosen].key):
            # "I DONT WANT A REFUND I WANT THE DRESS" names the replacement less than clearly:
            # asked which (a grant cannot be taken back), never granted on a guess.
            chosen = WHICH
    if chosen == WHICH:
        # "yes please" to several offers: a choice without an option, so the
        # assistant asks which one (action_apply_alternative).
        if not any(o.payload.startswith(OFFER_PAYLOAD) for o in options):
            return parsed
        payload, title = OFFER_PAYLOAD, ""
    else:
        payload, title = options[chosen].payload, options[chosen].title
    as_click = await read.as_click(payload, text=text, typed_choice=title)
    # "fine pass it to the ceo office. its about my dress, LK-10421": the order is kept, never asked again; so is a
    # number or an address given with the choice ("ok get someone to call me. 555 340 1122, weekdays after 6pm only":
    # blind panel p54 B10 was asked "Which number should we call you on?").
    as_click["entities"] = list(as_click.get("entities") or []) + kept_with_a_choice(parsed)
    if chosen != WHICH:
        # "the refund pls. do i need the original box?": the choice, and the question answered.
        as_click["answers"] = answers_beside(text, tracker, options[chosen].key)
        if (conduct := staff_told_beside(text, tracker)) is not None:
            as_click["second_problem"] = {"intent": "complain_service", "text": conduct[:300], "entities": {}}
        # "the credit pls and also email me the tracking": each option taken, one after the other.
        more = [
            options[i].key
            # Only after a change of mind: "refund pls. actually no wait, ill take the credit" (blind panel p64 P-07,
            # granted both) takes the credit alone.
            for i in also_named(tail, options, choice_words(), chosen, shared)
            if options[i].payload.startswith(OFFER_PAYLOAD)
        ]
        if more and options[chosen].payload.startswith(OFFER_PAYLOAD):
            as_click["also_choose"] = more
    if chosen != WHICH and options[chosen].key == "callback" and repair.mentions_time(text):
        # "a call would be good. tomorrow morning, before 10": the time comes with the choice.
        as_click["entities"] = list(as_click.get("entities") or []) + [in_hand.time_entity(text)]
    return as_click


# "is it still on thursday", "is my call still booked", "still on for 11?": a call asked after.
STILL_ON = re.compile(
    r"\b(?:is|are)\s+(?:it|that|they|my\s+(?:\w+\s+)?calls?|the\s+(?:\w+\s+)?calls?|that\s+call)\s+still\s+"
    r"(?:on|booked|happening|going\s+ahead|standing|there)\b|\bstill\s+(?:on|booked)\s+for\b",
    re.I,
)


# "yes remake it, but ...", "ok the refund. ...": a plain yes and what it takes, up to the first comma or stop.
# "refund, like I said. and the grinder??" (blind panel p51 07): a first sentence that asks nothing, and more after it;
# its words after any yes must name the option themselves.
FIRST_SENTENCE = re.compile(
    r"^\W*(?:(?:yes|yeah|yep|yup|ok|okay|sure)\b[\s,]*)?(?P<named>[^.!?]*[a-z][^.!?]*)[.!](?=\s+\S)", re.I
)
SAID_SO = re.compile(r"\b(?:like|as)\s+i\s+(?:said|told\s+you|asked)\b", re.I)
NEGATED_LEAD = re.compile(r"\b(?:not|no|never|nor|dont|didnt|doesnt|wont|isnt|wasnt|without)\b|n'?t\b", re.I)
YES_LEAD = re.compile(
    r"^\W*(?:yes|yeah|yep|yup|ok|okay|sure)\b(?:\s+please|\s+pls)?\s+(?P<named>[^,.;!?]+)(?=[,.;!]\s)", re.I
)


def _only_the_code(text: str, tracker: Optional[DialogueStateTracker], options: Any, chosen: int, shared: Any) -> bool:
    """Whether the case's own coupon code, in the option's title, is all that named it: said without a word of
    choosing, the code told again, never "Apply WELCOME10 this time" taken."""
    code = str(((tracker.get_slot("case_facts") if tracker is not None else None) or {}).get("coupon_code") or "")
    if not code or code.lower() not in text.lower():
        return False
    rest = re.sub(re.escape(code), " ", text, flags=re.I)
    if CHOOSING.search(rest.lower()) or re.search(r"\bappl(?:y|ied)\b|\bhonou?r", rest, re.I):
        return False
    return resolve(rest, options, choice_words(), question=False, shared=shared) != chosen


# How sure the classifier must be that a message under a lone "Talk to a person" tells a case of its own.
CASE_TOLD = 0.8


# "ill use welcome10", "go with WELCOME10 then": a code named to use it. "welcome10 doesnt work either" or "is
# welcome10 valid?" tells of it or asks, and takes nothing.
USING_A_CODE = re.compile(r"\b(?:use|using|go\s+with|go\s+for|take|stick\s+with|try|then|instead)\b", re.I)
CODE_FAILED = re.compile(
    r"\b(?:not|no|never|doesnt|didnt|wont|isnt|cant|invalid|expired|error|fail(?:s|ed)?|broken)\b|n'?t\b|\?", re.I
)


async def todays_code_taken(text: str, parsed: Dict[str, Any], options: Any) -> Any:
    """The "Use today's offer instead" option, when the message names today's code to use it."""
    from gracious.stores import company

    option = next((o for o in options if o.key == "current_offer"), None)
    named = {
        str(e.get("value") or "").upper() for e in parsed.get("entities") or [] if e.get("entity") == "coupon_code"
    }
    if option is None or len(named) != 1 or not USING_A_CODE.search(text) or CODE_FAILED.search(text):
        return None
    code = str((await company().current_offer()).get("code") or "").upper()
    return option if code and named == {code} else None


# A sum as a customer or a button names one: "$20", "20 dollars", "the 20 store credit" (never "option 2" or "size 10").
_NAMED_SUM = re.compile(
    r"\$\s?(\d{1,4})(?:\.(\d\d))?\b"
    r"|\b(\d{1,4})(?:\.(\d\d))?\s?(?:dollars?|bucks|usd|in store credit|store credit|credit|goodwill|voucher)\b",
    re.I,
)


# "ok have the person email me about the refund" (blind panel p54 B11): a person asked to write, never "email me
# tracking updates" nor "whats the ceos email".
PERSON_TO_EMAIL = re.compile(
    r"\b(?:have|get|let|can|could|would|will|just)\s+(?:the|a|that|your|some)?\s*"
    r"(?:person|someone|somebody|one\s+of\s+you|team|agent|manager|them|they)\s+(?:just\s+)?e-?mail\s+me\b"
    r"(?!\s+(?:the\s+)?(?:tracking|updates|delivery))",
    re.I,
)


def stops_the_order(text: str, tracker: Optional[DialogueStateTracker]) -> bool:
    """ "i dont want it anymore", "cancel it" about the order of the case in hand, not yet delivered."""
    facts = (tracker.get_slot("case_facts") if tracker else None) or {}
    undelivered = facts.get("reference_kind") == "order" and facts.get("order_delivered") is False
    # "why cant you just cancel it yourself" asks; the reason is given (the policy's why), nothing chosen.
    return undelivered and wants_it_cancelled(text) and not QUESTION.search(" ".join(text.lower().split()))


def other_sum(text: str, title: str) -> bool:
    """The message names a sum and the option another ("the 20 store credit" for "A $15.00 goodwill credit")."""
    # "i never asked for 76 dollars wtf. just credit the damn discount" (blind panel p59 F02): a sum turned down names
    # no option.
    wanted = re.sub(
        r"\b(?:never|not|didn'?t|did not|don'?t|do not)\s+(?:\w+\s+){0,3}?(?:asked?|want(?:ed)?|need(?:ed)?)\s+(?:for\s+)?"
        r"(?:a\s+|the\s+)?\$?\d+(?:\.\d+)?\s*(?:dollars?|bucks)?",
        " ",
        text or "",
        flags=re.I,
    )
    named = {float(f"{a or c}.{b or d or '00'}") for a, b, c, d in _NAMED_SUM.findall(wanted)}
    offered = {float(f"{a or c}.{b or d or '00'}") for a, b, c, d in _NAMED_SUM.findall(title or "")}
    return bool(named and offered and not named & offered)


def plainly_picked(text: str, options: List[Option], pick: Optional[int]) -> bool:
    """Whether ``pick`` is an option ``text`` takes as it is: not "none of these", not refused in the same words, not
    another sum ("a 20 credit, is that ok?" under a $10 credit), not a demand past anything on offer."""
    if pick in (None, WHICH) or options[pick].declines:
        return False
    refused = saying_no.refuses(text, [options[pick]], choice_words()) or NOT_TAKING.search(text)
    return not (refused or other_sum(text, options[pick].title) or asks_without_end(text))


async def _choice_after_a_change_of_mind(read: Reader, text: str, parsed: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """ "ugh fine. call me then. actually no forget the call just credit it" (blind panel p67 U-01: "There's no call
    booked", the credit dropped): what follows the change of mind names an option on offer, plainly: that one."""
    tail = repair.after_a_change_of_mind(text)
    options = last_buttons(read.tracker)
    if tail == text or not options or text.startswith("/") or parsed.get("safety") or in_hand.is_question(tail):
        return None
    last = re.split(r"\b(?:just|only|instead)\b", tail)[-1] if re.search(r"\b(?:just|only)\b", tail) else tail
    chosen = resolve(last, options, choice_words(), question=False, loose=False)
    if not plainly_picked(tail, options, chosen) or not CHOOSING.search(tail.lower()):
        return None
    return await read.as_click(options[chosen].payload, text=text, typed_choice=options[chosen].title)


async def _changed_choice(read: Reader, text: str, parsed: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """ "actually I meant the refund" just after taking the exchange: the other option, as a change."""
    tracker = read.tracker
    accepted = tracker.get_slot("accepted_alternative") if tracker else None
    if not accepted or text.startswith("/") or parsed.get("safety"):
        return None
    if repair.cancels_grant(text) or repair.asks_status(text) or not_choosing(text):
        # "please cancel the credit", "is the refund cancelled?": a repair (server/dialogue/repair.py),
        # not the same choice again; nor "could i have that 7.60 back on my card instead of as account credit?"
        # (blind panel p60 H10), a question the designers answer.
        return None
    changing = repair.says("change_choice", text)
    if in_hand.is_question(text) and not CHOOSING.search(text.lower()):
        # "actually what was that international add on thing" just after the credit (blind panel p59 F01: the credit
        # undone): a question about another option, never a change of mind.
        return None
    if not (changing or len(text.split()) <= 4) or not just_granted(tracker):
        return None  # a change of mind is about what was just taken, not an old grant
    offer = next((options_from(b) for b in offers_in(tracker)), [])
    shared = case_item_words(tracker)
    chosen = resolve(text, offer, choice_words(), question=False, shared=shared) if offer else None
    if chosen is None or chosen == WHICH or offer[chosen].key == "deny":
        return None
    if offer[chosen].key == accepted == "exchange" and size_change(text):
        # "i want size 9.5 instead of size 10 for the exchange" just after it was started: the size changed
        # (server/dialogue/repair.py), never "That's already started for you".
        return None
    if offer[chosen].key == accepted:
        # "the refund" or "i meant the refund" just after the refund was done: the same
        # choice again, so the assistant says it's done (action_apply_alternative).
        return await read.as_click(offer[chosen].payload, text=text, typed_choice=offer[chosen].title)
    if not changing or saying_no.doubtful(text, offer, choice_words(), offer[chosen].key):
        return None  # "NO. I meant it, scrap the refund thing" is upset, not a clear change to another grant
    return await read.as_click(
        offer[chosen].payload, text=text, typed_choice=offer[chosen].title, repair="choice_changed"
    )


# Leave asked for a choice just said: "..., is that ok?", "... if that's alright?".
OK_TO_ASK = re.compile(
    r"[\s,.;-]*(?:is\s+that|would\s+that\s+be|if\s+that'?s|if\s+that\s+is|that)\s+(?:ok|okay|alright|all\s+right|fine|possible)"
    r"(?:\s+with\s+you)?\W*$",
    re.I,
)
# An option named as a question and nothing else asked: "And the fifteen per cent?", "and the credit??" ("what about the
# refund?" may ask what it would mean, and "so the credit is gone?" where things stand: read below).
ONLY_NAMED = re.compile(
    r"^\W*(?:(?:ok|okay|great|cool|right)\W+)?(?:(?:thanks?(?:\s+you)?|thx|ty|cheers)\W+)?"
    r"and\s+(?:the|that|my)\s+"
    # A name of a few words, no sentence: "and the credit is gone?" asks where things stand.
    r"(?P<name>(?:(?!(?:is|are|was|were|gone|done|still|back|there|cancell?ed|on|off|now|yet)\b)[a-z0-9$%.-]+\s*){1,4})"
    r"\?+\W*$",
    re.I,
)
# Asking what an option would mean, or how things stand, not taking one: "if I went for", "would that", "how long".
WONDERING = re.compile(
    r"\bif\s+(?:i|we)\b|\bwhat\s+if\b|\bcurio|\bhypothetic|\b(?:would|does|will|is|was)\s+(?:that|it|this|they)\b"
    r"|\bhow\s+(?:long|much|soon|quickly|does|do|would|will)\b|\bwhat\s+(?:happens|would|does)\b|\balready\b"
    r"|\b(?:is|are)\s+(?:the|my)\s+\w+(?:\s+\w+)?\s+(?:already|still|off|on|gone|cancell?ed)\b",
    re.I,
)


# A sentence that says nothing: "hm.", "ok.", "wait."
FILLER = re.compile(r"^\W*(?:hm+|um+|uh+|ah+|oh|ok|okay|wait|so|right|well)\W*$", re.I)


def only_asks(text: str) -> bool:
    """A message that is all question and wonders about an option rather than asking for it ("can i have the credit?"
    asks for it; a plain sentence before the question, "yes remake it. how long?", is read by its lead)."""
    if YES_LEAD.match(text):
        return False  # "yes remake it, but how will the barista know?": the yes takes it
    sentences = [p for p in re.split(r"(?<=[.!?])\s+", text.strip()) if p.strip() and not FILLER.match(p)]
    # "send the navy one. will it get here before saturday?", "exchange. i wore them once, is that a problem?": said
    # first, then asked.
    plain = [p for p in sentences if "?" not in p and not in_hand.is_question(p)]
    return (
        bool(sentences)
        and not plain
        and "?" in text
        and bool(WONDERING.search(text))
        and not REQUEST_ASKED.search(text)
    )


# Thanks first, then more: "Thank you. And the fifteen per cent?", "thanks! and when will the refund land?".
THANKS_THEN = re.compile(
    r"^\W*(?:(?:ok|okay|great|cool|right)\W+)?(?:thanks?(?:\s+you)?|thx|ty|cheers)(?:\s+(?:so\s+much|a\s+lot))?"
    r"[\s,.!;:-]+(?P<rest>\S.*)$",
    re.I | re.S,
)


async def _thanks_then(parsed: Dict[str, Any], text: str, read: Reader) -> Dict[str, Any]:
    """A message of thanks that goes on to ask something, read by what it asks (a blind panel of 7 December, R: "Thank
    you. And the fifteen per cent?" got "You're very welcome!"); the whole text stays the message's."""
    said = THANKS_THEN.match(text)
    if (parsed.get("intent") or {}).get("name") != "thank" or said is None:
        return parsed
    rest = said.group("rest")
    if len(rest.split()) < 2 or not ("?" in rest or in_hand.is_question(rest)) or repair.says("closing", rest):
        return parsed
    alone = await read.parse(rest, read.tracker)
    if (alone.get("intent") or {}).get("name") in ("thank", "goodbye", "affirm", "greet"):
        return parsed
    at = said.start("rest")
    entities = [
        dict(e, start=int(e.get("start", 0)) + at, end=int(e.get("end", 0)) + at) for e in alone.get("entities") or []
    ]
    return dict(
        parsed,
        intent=alone.get("intent"),
        intent_ranking=alone.get("intent_ranking") or [],
        entities=entities,
        repair="thanks_then",
    )


async def _in_context(read: Reader, parsed: Dict[str, Any]) -> Dict[str, Any]:
    """A message that chose nothing: read as a waiting customer's, for a repair, then for a second
    problem (each part alone)."""
    waited = waiting.reading(parsed, read.tracker)
    if waited is not None:
        return waited
    rest = await form_rest.split(parsed, read.tracker, read.parse)
    if rest is not None:
        return rest  # "tomorrow noon. and what about the free year of service": the time, the rest kept
    repaired = reread(parsed, read.tracker)
    return repaired if repaired is not parsed else await two_problems.split(parsed, read.parse)
