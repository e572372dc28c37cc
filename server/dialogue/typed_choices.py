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
from functools import lru_cache
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence

import yaml
from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from server.dialogue import two_problems
from server.dialogue.repair import reread
from gracious import repair
from gracious.answers import find_answers
from gracious.choices import ARRANGEMENTS, ASKING, CHOOSING, QUESTION, WHICH, Option, also_named, options_from, resolve
from gracious.wordlists import changed_at
from gracious.settings import ROOT

WORDS_FILE = ROOT / "catalog" / "choice_words.yml"
_rasa_parse_message = MessageProcessor.parse_message


@lru_cache(maxsize=4)
def _file(modified_ns: int) -> Mapping[str, Any]:
    return yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8")) or {}


def choice_words() -> Mapping[str, Sequence[str]]:
    """The designers' choice words, read again when the file changes."""
    return _file(changed_at(WORDS_FILE)).get("words") or {}


def answers_questions() -> Sequence[str]:
    """Options that are information: asking about one gives it ("what does the add-on cost?")."""
    return _file(changed_at(WORDS_FILE)).get("answers_questions") or []


OFFER_PAYLOAD = "/choose_alternative"
TAKES = re.compile(r"\b(?:i'?ll take|ill take|i'?ll have|ill have|i'?ll go with|give me the|yes (?:to )?the)\b", re.I)
# "i want the CEO himself": only that person will do, so the office offered is not chosen.
THE_PERSON_ONLY = re.compile(r"\b(?:himself|herself|themselves|in person|personally)\b", re.I)



def last_buttons(tracker: Optional[DialogueStateTracker]) -> List[Option]:
    """The buttons the customer can answer now.

    Those the assistant showed since the customer's last message; else, while a case's
    offer is still open (alternatives offered, none accepted yet), that offer's buttons:
    an option offered earlier in the case stays choosable after a question in between.
    """
    if tracker is None:
        return []
    buttons: List[Dict[str, Any]] = []
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, BotUttered):
            buttons = list((event.data or {}).get("buttons") or []) + buttons
    offer_open = bool(tracker.get_slot("offered_alternatives")) and not tracker.get_slot("accepted_alternative")
    if buttons and not any(str(b.get("payload", "")).startswith(OFFER_PAYLOAD) for b in buttons) and offer_open:
        # A person offered beside a question ("I'd rather not guess"): the open offer's
        # options are still there to choose from, with the person.
        return options_from(buttons + next(_offers(tracker), []))
    if buttons:
        return options_from(buttons)
    if not offer_open:
        return []
    return next((options_from(offer) for offer in _offers(tracker)), [])


async def parse_with_choices(
    self: MessageProcessor,
    message: UserMessage,
    tracker: Optional[DialogueStateTracker] = None,
    only_output_properties: bool = True,
) -> Dict[str, Any]:
    parsed = await _rasa_parse_message(self, message, tracker, only_output_properties)
    text = message.text or ""
    changed = await _changed_choice(self, message, parsed, tracker, only_output_properties)
    if changed is not None:
        return changed
    options = last_buttons(tracker)
    intent = (parsed.get("intent") or {}).get("name")
    plain = not text.startswith("/") and not parsed.get("safety") and intent not in ("thank", "goodbye")
    # "the international calling add on. how much is it" after the offer was settled:
    # information offered in this case is still given when asked about.
    # Only a question can ask about an option; the earlier offers are read only then.
    asking = plain and bool(QUESTION.search(" ".join(text.lower().split())) or ASKING.search(text.lower()))
    offers = ([options] if options else (options_from(b) for b in _offers(tracker))) if asking else []
    shown = None
    for offer in offers:
        asked = _asked_about(text, offer)
        if asked is not None:
            shown = offer[asked]
            break
    if shown is not None:
        as_click = await _rasa_parse_message(
            self, UserMessage(shown.payload, sender_id=message.sender_id), tracker, only_output_properties)
        as_click.update(text=text, typed_choice=shown.title, asked_about=shown.key)
        return as_click
    if not options and not text.startswith("/") and not parsed.get("safety") and tracker is not None:
        # "and the 10 dollar credit?" after taking the tracking updates: another option of
        # the same offer, named in words, is still there to take.
        still = _still_open(tracker)
        leaving = repair.ends_with_closing(text) or repair.ends_with_goodbye(text)
        named = resolve(text, still, choice_words(), question=False, loose=False) if still and not leaving else None
        if named is not None and named != WHICH and not still[named].declines and not not_choosing(text):
            options = still
    if not options or text.startswith("/") or parsed.get("safety") or repair.says("goodbye", text):
        # "no, nothing else. bye" is leaving, not "none of these".
        # Health or danger (server/nlu/safety.py) is never read as a choice.
        return await _in_context(self, message, parsed, tracker, only_output_properties)
    taking = CHOOSING.search(text.lower())
    if (_new_order_or_bill(parsed, tracker) or not_choosing(text)) and not taking:
        # "oh wait found it in my email. bl30018" gives a record, it doesn't pick the email;
        # "$20 credit on a $60 lamp is a joke" refuses the credit it names.
        return await _in_context(self, message, parsed, tracker, only_output_properties)
    # "ill take the credit. and thanks for explaining properly": thanks, with a choice in it.
    by_words = intent not in ("thank", "goodbye") or bool(TAKES.search(text))
    chosen = resolve(text, options, choice_words(), question=intent != "choose_alternative", by_words=by_words)
    if chosen is not None and chosen != WHICH and options[chosen].key == "ceo_office" and THE_PERSON_ONLY.search(text):
        chosen = None  # "i want the CEO himself": not the office
    if chosen is not None and chosen != WHICH and options[chosen].key == "deny" and _call_at_a_time(text):
        # "none of that, i want a human to ring me. tomorrow at 2": the call, at that time.
        call = await _rasa_parse_message(self, UserMessage("/request_callback", sender_id=message.sender_id),
                                         tracker, only_output_properties)
        time = {"entity": "time", "value": text, "start": 0, "end": len(text), "extractor": "typed_choice"}
        call.update(text=text, entities=[time])
        return call
    if chosen is None or (chosen == WHICH and "?" in text):
        # Nothing named, or "if I take the credit, do I keep the lamp?": not a choice yet.
        return await _in_context(self, message, parsed, tracker, only_output_properties)
    if chosen == WHICH and tracker is not None and tracker.get_slot("entitled") and options[0].payload.startswith(OFFER_PAYLOAD):
        # "Yes, do that please." when the customer is owed something: the first option is
        # what they are owed ("Here's how I'll put it right"), so yes means that one.
        chosen = 0
    if chosen == WHICH:
        # "yes please" to several offers: a choice without an option, so the
        # assistant asks which one (action_apply_alternative).
        if not any(o.payload.startswith(OFFER_PAYLOAD) for o in options):
            return parsed
        payload, title = OFFER_PAYLOAD, ""
    else:
        payload, title = options[chosen].payload, options[chosen].title
    clicked = UserMessage(payload, sender_id=message.sender_id)
    as_click = await _rasa_parse_message(self, clicked, tracker, only_output_properties)
    as_click["text"] = text
    as_click["typed_choice"] = title
    # "fine pass it to the ceo office. its about my dress, LK-10421": the order is kept, never asked again.
    as_click["entities"] = list(as_click.get("entities") or []) + [
        e for e in parsed.get("entities") or [] if e.get("entity") in ("order_id", "coupon_code")]
    if chosen != WHICH:
        # "the refund pls. do i need the original box?": the choice, and the question answered.
        as_click["answers"] = _answers_beside(text, tracker, options[chosen].key)
        # "the credit pls and also email me the tracking": each option taken, one after the other.
        more = [options[i].key for i in also_named(text, options, choice_words(), chosen)
                if options[i].payload.startswith(OFFER_PAYLOAD)]
        if more and options[chosen].payload.startswith(OFFER_PAYLOAD):
            as_click["also_choose"] = more
    if chosen != WHICH and options[chosen].key == "callback" and repair.mentions_time(text):
        # "a call would be good. tomorrow morning, before 10": the time comes with the choice.
        time = {"entity": "time", "value": text, "start": 0, "end": len(text), "extractor": "typed_choice"}
        as_click["entities"] = list(as_click.get("entities") or []) + [time]
    return as_click


async def _changed_choice(
    self: MessageProcessor,
    message: UserMessage,
    parsed: Dict[str, Any],
    tracker: Optional[DialogueStateTracker],
    only_output_properties: bool,
) -> Optional[Dict[str, Any]]:
    """"actually I meant the refund" just after taking the exchange: the other option, as a change."""
    text = message.text or ""
    accepted = tracker.get_slot("accepted_alternative") if tracker else None
    if not accepted or text.startswith("/") or parsed.get("safety"):
        return None
    if repair.cancels_grant(text) or repair.asks_status(text):
        # "please cancel the credit", "is the refund cancelled?": a repair (server/dialogue/repair.py),
        # not the same choice again.
        return None
    changing = repair.says("change_choice", text)
    if not (changing or len(text.split()) <= 4) or not _just_granted(tracker):
        return None  # a change of mind is about what was just taken, not an old grant
    offer = next((options_from(b) for b in _offers(tracker)), [])
    chosen = resolve(text, offer, choice_words(), question=False) if offer else None
    if chosen is None or chosen == WHICH or offer[chosen].key == "deny":
        return None
    if offer[chosen].key == accepted:
        # "the refund" or "i meant the refund" just after the refund was done: the same
        # choice again, so the assistant says it's done (action_apply_alternative).
        clicked = UserMessage(offer[chosen].payload, sender_id=message.sender_id)
        as_click = await _rasa_parse_message(self, clicked, tracker, only_output_properties)
        as_click.update(text=text, typed_choice=offer[chosen].title)
        return as_click
    if not changing:
        return None
    clicked = UserMessage(offer[chosen].payload, sender_id=message.sender_id)
    as_click = await _rasa_parse_message(self, clicked, tracker, only_output_properties)
    as_click.update(text=text, typed_choice=offer[chosen].title, repair="choice_changed")
    return as_click


def not_choosing(text: str) -> bool:
    """'$20 credit on a $60 lamp is a joke', 'i want the CEO himself': an option named to
    push back on it, not to take it (catalog/repair.yml `pushback`)."""
    return repair.says("pushback", text)


def _new_order_or_bill(parsed: Dict[str, Any], tracker: Optional[DialogueStateTracker]) -> bool:
    """An order or bill number other than the one in hand: a record given, not a choice."""
    given = [str(e.get("value") or "") for e in parsed.get("entities") or [] if e.get("entity") == "order_id"]
    held = re.sub(r"\D", "", str(tracker.get_slot("order_id") or "")) if tracker is not None else ""
    return any(re.sub(r"\D", "", g) != held for g in given if g)


def _still_open(tracker: DialogueStateTracker) -> List[Option]:
    """The latest offer's options not taken yet, in a case something was taken in."""
    if not tracker.get_slot("accepted_alternative") or not tracker.get_slot("offered_alternatives"):
        return []
    taken = set(tracker.get_slot("granted_alternatives") or []) | {tracker.get_slot("accepted_alternative")} | {
        e.get("alternative") for e in tracker.get_slot("settled") or [] if isinstance(e, dict)}
    offer = next(_offers(tracker), [])
    # A call, a person or an email is arranged, not taken: "ill ask on the call" names it, it doesn't ask for one.
    return [o for o in options_from(offer) if o.key not in taken | ARRANGEMENTS and o.payload.startswith(OFFER_PAYLOAD)]


def _answers_beside(text: str, tracker: Optional[DialogueStateTracker], chosen: str) -> List[str]:
    """The designers' answers (catalog/answers.yml) to the questions asked beside a choice."""
    said = " ".join(text.lower().split())
    questions = " ".join(s for s in re.split(r"(?<=[.!?])\s+", said) if "?" in s or QUESTION.search(s))
    if not questions or tracker is None:
        return []
    granted = [e.get("alternative") for e in tracker.get_slot("settled") or [] if isinstance(e, dict)]
    return [a.response for a in find_answers(questions, tracker.get_slot("case_type"), granted + [chosen],
                                             policy=tracker.get_slot("policy_id"))]


def _call_at_a_time(text: str) -> bool:
    """'ring me tomorrow at 2': a call asked for, with its time."""
    return bool(re.search(r"\b(?:call|ring|phone)\s+me\b", text, re.I)) and repair.mentions_time(text)


def _asked_about(text: str, options: List[Option]) -> Optional[int]:
    """The option a question asks about, when that option is information."""
    said = " ".join(text.lower().split())
    questions = [s for s in re.split(r"(?<=[.!?])\s+", said) if QUESTION.search(s) or ASKING.search(s)]
    for part in questions + ([said] if questions else []):
        # The question itself first: "tell me about that add on? i call london a lot".
        asked = resolve(part, options, choice_words(), question=False)
        if asked is not None and asked != WHICH:
            return asked if options[asked].key in answers_questions() else None
    return None


def _just_granted(tracker: Optional[DialogueStateTracker]) -> bool:
    """Whether an option was granted since the customer's previous message."""
    from rasa.shared.core.events import ActionExecuted

    for event in reversed(tracker.events if tracker else []):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, ActionExecuted) and event.action_name == "action_apply_alternative":
            return True
    return False


def _offers(tracker: Optional[DialogueStateTracker]) -> Iterator[List[Dict[str, Any]]]:
    """The buttons of each offer of alternatives in the conversation, latest first."""
    for event in reversed(tracker.events if tracker else []):
        buttons = list((event.data or {}).get("buttons") or []) if isinstance(event, BotUttered) else []
        if any(str(b.get("payload", "")).startswith(OFFER_PAYLOAD) for b in buttons):
            yield buttons


async def _in_context(
    self: MessageProcessor,
    message: UserMessage,
    parsed: Dict[str, Any],
    tracker: Optional[DialogueStateTracker],
    only_output_properties: bool,
) -> Dict[str, Any]:
    """A message that chose nothing: read for a repair, then for a second problem."""
    repaired = reread(parsed, tracker)
    if repaired is not parsed:
        return repaired

    async def alone(part: str) -> Dict[str, Any]:
        return await _rasa_parse_message(self, UserMessage(part, sender_id=message.sender_id), None, only_output_properties)

    return await two_problems.split(parsed, alone)

