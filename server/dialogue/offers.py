"""What the assistant offered in this conversation, and what a message says about it.

The buttons of the last turn and of the case's open offer, the designers' choice words
(catalog/choice_words.yml), and the small readings server/dialogue/typed_choices.py
makes of a message beside them: a question about an option, a new record given, an
option named to push back on it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Dict, FrozenSet, Iterator, List, Mapping, Optional, Sequence

import yaml
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from gracious import repair
from gracious.answers import earlier, find_answers
from gracious.catalog import CatalogError, current_catalog
from gracious.choices import ARRANGEMENTS, ASKING, CHOOSING, QUESTION, WHICH, Option, as_requests, options_from, resolve
from gracious.dropped_call import drops_the_call
from gracious.references import size_change, size_wanted
from gracious.settings import CATALOG_DIR
from gracious.wordlists import changed_at
from server.dialogue import in_hand

WORDS_FILE = CATALOG_DIR / "choice_words.yml"


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
# "yeah apply it thanks" (blind panel p37): thanks with a choice in it, so read against the options.
TAKES = re.compile(
    # "fair enough, ill stick with the 15. thanks" read as thanks by the classifier: a choice all the same.
    r"\b(?:i'?ll take|ill take|i'?ll have|ill have|i'?ll go with|i'?ll go for|i'?ll stick with|stick with the"
    r"|give me the|yes (?:to )?the"
    # "I shall accept the ten dollars, and then that will be all" (blind panel p63 N06: read as frustration).
    r"|i (?:shall|will|would|'?ll) (?:gladly |happily )?accept|i accept|happy to (?:take|accept)"
    r"|apply it|apply that|put it on|put that on|go ahead and)\b",
    re.I,
)
# "i want the CEO himself": only that person will do, so the office offered is not chosen.
THE_PERSON_ONLY = re.compile(
    r"\b(?:himself|herself|themselves|in person|personally)\b"
    # "CEO. Not 'a person'. Can you put me through to the CEO, yes or no?" (blind panel p51 12): the CEO asked for
    # (never "put me through to the CEO office thing then": the office is what is asked for)
    r"|\bput\s+me\s+(?:through|thru)\s+to\s+(?:the|your)\s+ceo\b(?!'?s?\s+office)|\bthe\s+ceo\s+directly\b|\bnot\s+the\s+office\b",
    re.I,
)


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
    # "the last one i guess" under "Which of these is closest?" (blind panel p58 D11: the open offer's email follow-up
    # taken): a menu of its own is answered alone; only a person offered beside a question keeps the offer beside it.
    beside = all(o.key in ("human", "request_human", "deny") for o in options_from(buttons))
    if (
        buttons
        and not any(str(b.get("payload", "")).startswith(OFFER_PAYLOAD) for b in buttons)
        and offer_open
        and beside
    ):
        # A person offered beside a question ("I'd rather not guess"): the open offer's
        # options are still there to choose from, with the person.
        return options_from(buttons + next(offers_in(tracker), []))
    if buttons:
        return options_from(buttons)
    if not offer_open:
        return []
    return next((options_from(offer) for offer in offers_in(tracker)), [])


def case_item_words(tracker: Optional[DialogueStateTracker]) -> FrozenSet[str]:
    """The words of the item the case is about ("dress"): every option is about it, so saying it
    chooses none ("no?? the DRESS. it was a present for my mum" is not the replacement)."""
    facts = (tracker.get_slot("case_facts") if tracker is not None else None) or {}
    named = [facts.get(k) for k in ("order_item", "item_named", "item_asked_for")]
    named.append(tracker.get_slot("item") if tracker is not None else None)
    return frozenset(w for item in named if isinstance(item, str) for w in re.findall(r"[a-z][a-z'-]+", item.lower()))


def said_in_chat(tracker: DialogueStateTracker) -> List[str]:
    """What the customer has typed in this chat so far, oldest first."""
    return [str(e.text or "") for e in tracker.events if isinstance(e, UserUttered)]


def named_in_chat(tracker: DialogueStateTracker, text: str) -> bool:
    """ "hello?? the JACKET. where is it": an item the chat's earlier messages named, named again."""
    items = {
        str(e.get("value") or "").lower()
        for event in tracker.events
        if isinstance(event, UserUttered)
        for e in (event.parse_data or {}).get("entities") or []
        if e.get("entity") == "item"
    }
    return any(item and re.search(rf"\b{re.escape(item)}\b", text, re.I) for item in items)


# A question after the reason: "why isnt international included", "how come roaming costs extra".
# "sure why not, the refund" agrees.
REASON_ASKED = re.compile(r"^\W*(?:\w+\W+){0,2}?(?:why(?!\s+not\s*(?:[,.!]|$))|how come)\b")
# A remedy wanted only if something happens later: "if it's not here by friday I want a refund" (p36 22).
LATER_IF = re.compile(
    r"\b(?:only\s+)?if\s+(?:it|they|that|the\s+\w+)\b[^.?!]{0,25}?\b(?:not|never|hasn'?t|hasnt|haven'?t|havent|"
    r"doesn'?t|doesnt|isn'?t|isnt|don'?t|dont|won'?t|wont|still)\b"
    # "and if these ones break too can i get a refund then" (blind panel p49 08): only if it happens again.
    r"|\bif\s+(?:it|they|these|those|this|that|the\s+\w+|the new\s+\w+)(?:\s+\w+)?\s+(?:break|breaks|broke|fail|fails|"
    r"stop|stops|crackle|crackles|do the same|does the same|happen|happens|go wrong|goes wrong)\b",
    re.I,
)


def not_choosing(text: str) -> bool:
    """'$20 credit on a $60 lamp is a joke', 'i want the CEO himself': an option named to
    push back on it, not to take it (catalog/repair.yml `pushback`); "cancel the 3pm call please"
    beside the call's button drops the call booked, it doesn't ask for one (gracious/dropped_call.py);
    "why isnt international included" asks the reason, it takes nothing; "if it's not here by friday
    I want a refund" wants it later, not now."""
    reason = any(REASON_ASKED.search(s) for s in re.split(r"(?<=[.!?,])\s+", " ".join(text.lower().split())))
    return (
        repair.says("pushback", text)
        or drops_the_call(text)
        or reason
        or bool(LATER_IF.search(text))
        or bool(NOT_TAKING.search(text))
    )


# "a credit is nice but i actually just want to know WHEN it will arrive", "i just want to know if a
# confirmation email is coming. yes or no" (blind panel p45 02, 01): an option named beside what they
# want instead, or in a question about it; never granted.
NOT_TAKING = re.compile(
    r"\b(?:is|sounds|would be|seems)\s+(?:nice|good|great|fine|ok|okay|kind|lovely)\s*,?\s+but\b"
    r"|\bi\s+(?:just\s+|only\s+|really\s+)?(?:want|wanted|wanna|need)\s+to\s+know\b"
    r"|\b(?:just|only)\s+asking\b"
    # "if i exchange do i have to pay the difference?" (blind panel p46 15): asks what would happen, takes nothing.
    r"|\bif\s+i\s+(?:\w+\s+)?(?:exchange|swap|take|get|go with|go for|choose|chose|pick|do|did|want)\b[^.!]*\?"
    r"|\bwhat'?s\s+the\s+difference\b"
    # "could i have that 7.60 back on my card instead of as account credit?" (blind panel p60 H10): the option named as
    # what they don't want.
    r"|\b(?:instead\s+of|rather\s+than)\s+(?:as\s+|an?\s+|the\s+|my\s+)?(?:account\s+|store\s+)?credit\b",
    re.I,
)


def new_order_or_bill(parsed: Dict[str, Any], tracker: Optional[DialogueStateTracker]) -> bool:
    """An order or bill number other than the one in hand: a record given, not a choice."""
    given = [str(e.get("value") or "") for e in parsed.get("entities") or [] if e.get("entity") == "order_id"]
    held = re.sub(r"\D", "", str(tracker.get_slot("order_id") or "")) if tracker is not None else ""
    return any(re.sub(r"\D", "", g) != held for g in given if g)


def still_open(tracker: DialogueStateTracker) -> List[Option]:
    """The latest offer's options not taken yet, in a case something was taken in."""
    if not tracker.get_slot("accepted_alternative") or not tracker.get_slot("offered_alternatives"):
        return []
    taken = (
        set(tracker.get_slot("granted_alternatives") or [])
        | {tracker.get_slot("accepted_alternative")}
        | {e.get("alternative") for e in tracker.get_slot("settled") or [] if isinstance(e, dict)}
    )
    offer = next(offers_in(tracker), [])
    # A call, a person or an email is arranged, not taken: "ill ask on the call" names it, it doesn't ask for one.
    return [o for o in options_from(offer) if o.key not in taken | ARRANGEMENTS and o.payload.startswith(OFFER_PAYLOAD)]


def answers_beside(text: str, tracker: Optional[DialogueStateTracker], chosen: str) -> List[str]:
    """The designers' answers (catalog/answers.yml) to the questions asked beside a choice."""
    said = " ".join(text.lower().split())
    # "fine ill take the 10 dollars. and can you just turn on the addon for me" (blind panel p49 02): asked, led in.
    questions = " ".join(
        s
        for s in re.split(r"(?<=[.!?])\s+", said)
        if "?" in s or QUESTION.search(s) or in_hand.LED_IN_QUESTION.search(s)
    )
    if not questions or tracker is None:
        return []
    try:
        option = current_catalog().alternatives.get(chosen)
    except CatalogError:
        option = None
    confirm = option.confirm if option is not None else None
    return [
        a.response
        for a in find_answers(
            questions, tracker.get_slot("case_type"), granted(tracker) + [chosen], policy=tracker.get_slot("policy_id")
        )
        # "yes send it overnight please. do i have to send the red one back?" (blind panel p48 05): the confirmation
        # says so already (the answer's `told_by`), never "no rush" three times.
        # "why did nobody tell me about the addon before? fine ill keep the plan" taking the add-on's news (blind panel
        # p49 22): the option says it, never its answer too.
        if not (confirm and confirm in a.told_by) and a.option != chosen
    ]


def _kind(alternative: str) -> str:
    """The catalog's kind of ``alternative`` (handoff, credit...); "" when unknown or the catalog is broken."""
    try:
        found = current_catalog().alternatives.get(alternative)
    except CatalogError:
        return ""
    return found.kind if found is not None else ""


def granted(tracker: DialogueStateTracker) -> List[str]:
    """The alternatives settled in this chat (the slot `settled`), a call booked, a team the case was handed to
    ("so the CEO office will email me?" once it went to them, blind panel p36 17), and the options on offer
    (`offered_<id>`), for the answers that follow them."""
    settled = [e.get("alternative") for e in tracker.get_slot("settled") or [] if isinstance(e, dict)]
    taken = {e.value for e in tracker.events if isinstance(e, SlotSet) and e.key == "accepted_alternative"}
    # Taken in this chat though never "settled": the case handed to a team (catalog/policies.yml, kind handoff).
    handed = [a for a in sorted(t for t in taken if t) if _kind(a) == "handoff" and tracker.get_slot("handoff_id")]
    # A call booked in this chat, chosen or asked for ("can someone ring me at 2pm"): its form, not `settled`.
    booked = ["callback"] if tracker.get_slot("callback_id") and "callback" not in settled else []
    # On offer now, as `offered_<id>` ("whats the 10 dollar credit for" beside the store credit's button, a
    # conversation of our own, 6 December).
    offered = [f"offered_{a}" for a in tracker.get_slot("offered_alternatives") or [] if isinstance(a, str)]
    # Owed the policy's remedies (`entitled`): "can i swap it" within the window is no exchange past it.
    entitled = ["entitled"] if tracker.get_slot("entitled") else []
    return settled + handed + booked + offered + entitled + earlier(tracker.get_slot("case_facts"))


def call_at_a_time(text: str) -> bool:
    """'ring me tomorrow at 2': a call asked for, with its time."""
    return bool(re.search(r"\b(?:call|ring|phone)\s+me\b", text, re.I)) and repair.mentions_time(text)


def asked_about(text: str, options: List[Option]) -> Optional[int]:
    """The option a question asks about, when that option is information."""
    said = " ".join(text.lower().split())
    questions = [s for s in re.split(r"(?<=[.!?])\s+", said) if QUESTION.search(s) or ASKING.search(s)]
    if questions and all(REASON_ASKED.search(s) for s in questions):
        # "hm why isnt international included": the reason for the rule, not the add-on's price.
        return None
    for part in questions + ([said] if questions else []):
        # The question itself first: "tell me about that add on? i call london a lot".
        asked = resolve(part, options, choice_words(), question=False)
        if asked is not None and asked != WHICH:
            return asked if options[asked].key in answers_questions() else None
    return None


def takes_another(text: str, options: List[Option], asked: int) -> bool:
    """ "ok take the 10 dollar credit. and can you turn the add on on for me now?": a sentence that
    is no question takes another option than the one asked about, so the choice comes first."""
    said = " ".join(text.lower().split())
    for sentence in re.split(r"(?<=[.!?])\s+", said):
        if (
            QUESTION.search(sentence)
            or ASKING.search(sentence)
            or not (CHOOSING.search(sentence) or TAKES.search(sentence))
        ):
            continue  # "i call london a lot" names the call's button, but takes nothing
        taken = resolve(sentence, options, choice_words(), question=False)
        if taken not in (None, WHICH, asked) and not options[taken].declines:
            return True
    return False


def just_granted(tracker: Optional[DialogueStateTracker]) -> bool:
    """Whether an option was granted since the customer's previous message."""
    for event in reversed(tracker.events if tracker else []):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, ActionExecuted) and event.action_name == "action_apply_alternative":
            return True
    return False


def offers_in(tracker: Optional[DialogueStateTracker]) -> Iterator[List[Dict[str, Any]]]:
    """The buttons of each offer of alternatives in the conversation, latest first."""
    for event in reversed(tracker.events if tracker else []):
        buttons = list((event.data or {}).get("buttons") or []) if isinstance(event, BotUttered) else []
        if any(str(b.get("payload", "")).startswith(OFFER_PAYLOAD) for b in buttons):
            yield buttons


# "just send me the 10": a size named by its number alone, after it was asked for ("can i swap for a 10").
_THE_NUMBER = re.compile(r"\bthe\s+(\d{1,2}(?:\.5)?)\b(?!\s*(?:%|\$|dollars?|bucks|percent|pm|am|o'?clock))", re.I)


def sized_exchange(text: str, options: Sequence[Option], tracker: Optional[DialogueStateTracker]) -> Optional[int]:
    """The exchange button, when a reply naming no button names a size: "a 10.5 please", "size 10",
    or "just send me the 10" when 10 is the size asked for earlier in the chat."""
    exchange = next((i for i, o in enumerate(options) if o.key == "exchange"), None)
    if exchange is None or tracker is None:
        return None
    said = as_requests(" ".join((text or "").lower().split()))
    sized = [s for s in re.findall(r"[^.!?]+[.!?]*", said) if re.search(r"\d", s)]
    if sized and all("?" in s and not CHOOSING.search(s) for s in sized):
        return None  # "should i just reorder them in a 10 or will that be too big too?" (blind panel p48 10): asked
    if size_change(text):
        return exchange
    number = _THE_NUMBER.search(text or "")
    asked = size_wanted(e.text or "" for e in tracker.events if isinstance(e, UserUttered))
    return exchange if number and asked and number.group(1).upper() == asked else None


# The options that send the one ordered in place of the one sent by mistake.
RIGHT_ONE = ("replacement_overnight", "gift_replacement", "gift_replacement_and_credit")
NOT_THE_RIGHT_ONE = re.compile(r"\b(?:refund|money back|credit|keep)\b|\?", re.I)


def ordered_variant(text: str, options: Sequence[Option], tracker: Optional[DialogueStateTracker]) -> Optional[int]:
    """The option that sends the right one, when a reply naming no button names what was ordered and not sent:
    "send the navy one" for a navy dress sent in red (blind panel p47 05)."""
    right = next((i for i, o in enumerate(options) if o.key in RIGHT_ONE), None)
    facts = tracker.get_slot("case_facts") if tracker is not None else None
    if right is None or not isinstance(facts, dict) or NOT_THE_RIGHT_ONE.search(text.split(".")[0]):
        return None
    ordered = set(re.findall(r"[a-z]+", str(facts.get("ordered") or "").lower()))
    shipped = set(re.findall(r"[a-z]+", str(facts.get("shipped") or "").lower()))
    wanted = {w for w in ordered - shipped if len(w) > 2 and w != "size"}
    said = set(re.findall(r"[a-z]+", text.lower()))
    return right if wanted and wanted & said else None


def answered_instead(text: str, tracker: Optional[DialogueStateTracker], besides: str = "") -> bool:
    """ "neither really. I'd just like the money back", "i dont want credit i want to know WHEN it
    arrives": beside the offer, something the designers answer (catalog/answers.yml), so the answer
    is given (server/dialogue/repair.py), never "none of those suit you" nor the offer alone."""
    if tracker is None or not tracker.get_slot("case_type"):
        return False
    said = " ".join(text.lower().split())
    asked = bool(QUESTION.search(said) or ASKING.search(said))
    case_type, policy = tracker.get_slot("case_type"), tracker.get_slot("policy_id")
    found = find_answers(text, case_type, granted(tracker), question=asked, policy=policy)
    # ``besides``: the option asked about, whose own news an answer marked with it is (`option`).
    return any(not besides or a.option != besides for a in found)
