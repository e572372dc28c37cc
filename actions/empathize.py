"""action_empathize: acknowledge the feeling and the situation, then apologize."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.case import (
    CASE_SLOTS,
    case_intents,
    catalog,
    gather_facts,
    latest_intent,
    pick_variation,
    reference_kind,
)
from actions.closing import said_safety
from actions.digression import resume
from actions.explain_policy import apologetic, apologises, apology_said, explain_role, owns_it
from actions.gift_case import new_case_words, with_gift_added
from actions.granted_before import PUT_RIGHT
from actions.second_problem import noted
from actions.verification import known_customer
from gracious.signals import (
    NOT_FITTING,
    asks_about_a_code,
    calls_never_came,
    frustration_signals,
    said_at_the_cafe,
    says_it_is_their_own_change,
    wants_an_exchange,
)
from gracious.stores import company

# The apologies, and what is said instead once the reply has said sorry (an empathy line such as
# "I'm sorry you're feeling this way"): our own mistake still owned (utter_own_it), a plain apology left out.
AFTER_SYMPATHY = {"utter_apology_own_it": "utter_own_it", "utter_apology": None}
# Turns of strong frustration (two or more signals) before a person takes over.
STRONG_TURNS_FOR_PERSON = 2


# The cost felt: "a lot of money", "so expensive", "daylight robbery".
COST_FELT = re.compile(
    r"\b(?:(?:a\s+lot\s+of|so\s+much|that\s+much)\s+money|expensive|a\s+fortune|daylight\s+robbery|rip\s*-?\s*off|"
    r"extortionate|costs?\s+(?:me\s+)?(?:so\s+much|a\s+lot))\b",
    re.I,
)


# "its me again", "hello again", "from before", "i'm back": a customer who says they have been here before.
RETURNING = re.compile(
    r"\b(?:hello|hi|hey|hiya)\s+again\b|\b(?:it'?s|its|it\s+is)\s+me\s+again\b|\bme\s+again\b|\bback\s+again\b"
    r"|\b(?:i'?m|im|i\s+am)\s+back\b|\bfrom\s+(?:before|earlier)\b|\b(?:earlier|last|other|previous)\s+chat\b"
    r"|\bspoke\s+(?:to|with)\s+you\b|\bcoming\s+back\s+(?:to|about)\b",
    re.I,
)


def returning(tracker: Tracker, text: Text) -> bool:
    """Whether the customer says, in the first message of a new chat, that they have been here before, and the website
    vouches for who they are (a stranger's "its me again" tells us nothing of theirs)."""
    said = [e for e in tracker.events if e.get("event") == "user"]
    return len(said) == 1 and bool(RETURNING.search(text)) and bool(known_customer(tracker))


class ActionEmpathize(Action):
    """Names the customer's feeling in words fitted to what they said.

    The wording depends on the kind of complaint, how frustrated the customer
    sounds (capitals, repeated '!', swearing, raising the same thing again) and
    whether the records show the company was at fault. No sentence is repeated
    within a conversation. Strong frustration a second time hands the
    conversation to a person.
    """

    def name(self) -> Text:
        return "action_empathize"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        intent = latest_intent(tracker) or ""
        text = tracker.latest_message.get("text") or ""
        if (tracker.latest_message or {}).get("repair") == "reference_changed":
            # A corrected reference (server/dialogue/repair.py): the case starts over from its facts,
            # without a second round of sympathy.
            kept = {"case_type", "case_details", "frustration", "strong_frustration_turns"}
            dispatcher.utter_message(response="utter_reference_changed")
            return [SlotSet(slot, None) for slot in CASE_SLOTS if slot not in kept]
        if (tracker.latest_message or {}).get("repair") == "gift_said":
            # A gift said once the case was under way (server/dialogue/gift_said.py): kept in the
            # case's words, said so, and the case explained and offered again with it.
            details = with_gift_added(tracker.get_slot("case_details") or "", text)
            before = tracker.get_slot("policy_id")
            tracker.slots["case_details"] = details
            policy = catalog().select(tracker.get_slot("case_type"), await gather_facts(tracker))
            if before and (policy is None or policy.id == before):
                return [SlotSet("case_details", details)]  # kept, but it changes nothing: nothing to say
            dispatcher.utter_message(response="utter_gift_noted")
            kept = {"case_type", "frustration", "strong_frustration_turns", "account_check", "granted_alternatives"}
            return [SlotSet(slot, None) for slot in CASE_SLOTS if slot not in kept] + [SlotSet("case_details", details)]
        if (tracker.latest_message or {}).get("repair") == "account_details_later":
            return []  # the same case, now with the account's details: no second round of sympathy
        events: List[EventType] = []
        if returning(tracker, text):
            # "hey its me again, actually the BL-30018 discount still isnt showing" in a new chat (blind panels p64
            # P-01, O-04, O-10: no welcome back): welcomed back first; what was done before follows from the records.
            dispatcher.utter_message(response="utter_welcome_back_new_chat")
        is_case = intent in case_intents()
        words = new_case_words(tracker, text)  # a gift said earlier about the same order is kept
        # "yeah. it was 8.50 twice" taking up "the cafe charged my card twice for one sandwich", kept for later (blind
        # panel p49 18): the problem's own words are this case's, so a café's till is never the customer's phone bill.
        taken_up = _taken_up(tracker, intent)
        if taken_up and taken_up not in words:
            words = f"{taken_up} {words}"
        policy_says_sorry = policy_owns_it = impossible = cafe = hygiene = cafe_item = fit = faulty = cancel = (
            on_track
        ) = taken = False
        own_change = says_it_is_their_own_change(text) or (intent == "request_refund" and wants_an_exchange(text))
        looked_up: List[EventType] = []
        code_named: List[EventType] = []
        # The code the case's explanation was about (the slot may hold the one just named already).
        facts_before = tracker.get_slot("case_facts") if isinstance(tracker.get_slot("case_facts"), dict) else {}
        code_before = str(facts_before.get("coupon_code") or tracker.get_slot("coupon_code") or "").upper()
        other_code = next(
            (
                str(e.get("value") or "").upper()
                for e in (tracker.latest_message or {}).get("entities") or []
                if e.get("entity") == "coupon_code" and str(e.get("value") or "").upper() != code_before
            ),
            None,
        )
        if is_case and intent == "coupon_problem" and other_code and code_before:
            # "ok then can i use SUMMER20 on a different order next week" in SPRING15's case (a conversation of our own,
            # 6 December: "Thank you, that helps"): the code named is the one looked at now.
            tracker.slots["coupon_code"] = other_code
            # Its rule explained afresh for this code, never "Thank you, that helps" as if it were more of the same.
            explained = [
                str(p)
                for p in tracker.get_slot("explained_policies") or []
                if "coupon_problem" not in getattr(catalog().policy(str(p)), "case_types", ())
            ]
            code_named = [SlotSet("coupon_code", other_code), SlotSet("explained_policies", explained)]
        if is_case:
            # The kind of case follows the facts ("a small coffee, not a large" is a
            # café remake whatever the words; a bill number given to a refund is a bill).
            if intent != tracker.get_slot("case_type"):
                tracker.slots["case_details"] = words  # the facts of this case, not the last one's
                # The order the known customer named, found before the facts, so the sympathy and the
                # one apology fit what its policy will say.
                kind = "bill" if catalog().case_needs(intent) == "bill" else "order"
                # The problem kept for later names its own order ("my headphones crackle AND my grinder still hasnt
                # shown up", blind panel p48 24): only this problem's words find this one's.
                later = ((tracker.latest_message or {}).get("second_problem") or {}).get("text") or ""
                this_one = f"{taken_up} {text.replace(later, ' ') if later else text}".strip()
                looked_up = await _order_named(tracker, this_one, kind, tracker.get_slot("order_id"))
                if looked_up:
                    tracker.slots["order_id"] = looked_up[0]["value"]
            stale_item = _stale_item(tracker, text, intent)
            if stale_item:
                # An item from an earlier case says nothing about this one.
                tracker.slots["item"] = None
                events.append(SlotSet("item", None))
            facts = await gather_facts(tracker)
            reference = tracker.get_slot("order_id")
            earlier = (
                bool(reference)
                and not looked_up
                and not _mentions(text, reference)
                and intent != tracker.get_slot("case_type")
            )
            if earlier:
                # A reference from an earlier case says nothing about this one's kind.
                facts.pop("reference_kind", None)
                if said_at_the_cafe(words):
                    # "the cafe charged my card twice", taken up after the lamp's case (blind panel p49 18): the café's
                    # till, never the lamp's order; its policy is known from the words, so its sorry counts.
                    facts["item_category"] = "cafe"
                    earlier = False
            intent = catalog().follow(intent, facts)
            impossible = bool(facts.get("impossible_request"))
            cafe = facts.get("item_category") == "cafe"
            hygiene = bool(facts.get("hygiene"))  # "a hair in my sandwich"
            taken = bool(facts.get("taken"))  # "someone took my flat white off the counter"
            cafe_item = bool(facts.get("cafe_item"))
            faulty = bool(facts.get("faulty"))  # "it crackles": it doesn't work, whoever's mistake
            cancel = bool(facts.get("cancel_wanted"))  # "i want to cancel it": not "where is my order"
            found = bool(facts.get("reference_found"))
            # Sent as ordered: a size or colour that didn't suit, not the wrong thing.
            # Before the record is found, the customer's words may say so ("they dont fit, way too tight").
            fit = intent == "report_wrong_item" and (
                facts.get("company_error") is False
                if found
                # "Can you just sort the shoes now?" after "...my shoes not fitting" (server/dialogue/repair.py fit_told).
                else bool(NOT_FITTING.search(text)) or (tracker.latest_message or {}).get("repair") == "fit_told"
            )
            # An order on its way and on time: nothing went wrong to apologise for.
            on_track = (
                intent == "check_order_status"
                and found
                and not facts.get("order_late")
                and not facts.get("order_delivered")
            )
            # One apology a turn: when the policy that will follow says sorry, we don't here.
            policy = catalog().select(intent, facts)
            explained = tracker.get_slot("explained_policies") or []
            # (Not the earlier case's record: what follows is about this one, whose record isn't in yet.)
            policy_says_sorry = (
                policy is not None
                and not earlier
                and apologises(policy.responses[explain_role(policy, facts, explained)], domain)
            )
            # "That mistake is ours" in the policy that follows (blind panel p48 05): the sorry here doesn't own it too.
            policy_owns_it = (
                policy is not None
                and not earlier
                and owns_it(policy.responses[explain_role(policy, facts, explained)], domain)
            )
        new_case = is_case and intent != tracker.get_slot("case_type")
        if new_case:
            events += [SlotSet(slot, None) for slot in CASE_SLOTS]
            events += [SlotSet("case_type", intent), SlotSet("case_details", words)]
            reference = tracker.get_slot("order_id")
            wanted = "bill" if catalog().case_needs(intent) == "bill" else "order"
            # A demand follows the record in hand: "give me all the bill free" after BL-30017's case keeps it, so its
            # credit is the bill's one credit (blind panel p64 O-10: $25 twice beside the bill's $10, none tied to it).
            follows = intent == "demand_compensation"
            # A café visit after an order's case ("...and also at the Park Lane cafe I got a black americano", taken up
            # as the second problem, blind panel p69 Z-10) has no order: never the grinder's LK-10423 explained for it.
            other_kind = reference_kind(reference or "") != wanted or await _at_the_cafe(f"{words} {text}")
            if reference and not follows and other_kind and not _mentions(text, reference):
                events.append(SlotSet("order_id", None))
            events += looked_up
        events += code_named

        signals = frustration_signals(text, _earlier_intents(tracker), intent)
        level = min(3, len(signals))
        previous = tracker.get_slot("frustration") or 0
        events.append(SlotSet("frustration", float(max(level, previous))))

        fault = None
        remedied = False
        if is_case and _has_reference(events, tracker):
            facts = await gather_facts(tracker)
            fault = bool(facts.get("company_error") or facts.get("order_late"))
            events.append(SlotSet("company_at_fault", fault))
            # Its remedy already under way ("where is my order" once the replacement is arranged): no
            # "Let me fix it for you" for what is being fixed (blind panel p34 22); the case says what is under way.
            remedied = bool(facts.get("verified")) and any(k in PUT_RIGHT for k in facts.get("granted_kinds") or [])

        # One sympathy sentence, the one that fits best: having to say it again, then
        # strong feelings, then the kind of case. An apology follows for a case.
        topic_key = f"utter_empathy_{intent}"
        if "repeated" in signals:
            keys = ["utter_empathy_repeated"]
        elif "happened_again" in signals:
            keys = ["utter_empathy_happened_again"]
        elif intent == "coupon_problem" and asks_about_a_code(text) and level == 0:
            keys = ["utter_empathy_coupon_problem_asked"]  # "is spring15 still valid?": nothing failed yet
        elif level >= 2:
            keys = ["utter_empathy_strong"]
        elif impossible and facts.get("playful"):
            keys = []  # "can you make it stop? :)": a joke, answered with a smile, never sympathy
        elif impossible and cafe and facts.get("here_now"):
            keys = ["utter_empathy_impossible_now"]  # "i'm sitting on the terrace ... its pouring": now, not a plan
        elif impossible and cafe and not cafe_item:
            # "planning my mums 70th on your cafe terrace sunday. can you guarantee sunshine?": a plan still ahead,
            # never "Of course you wish it had gone differently" (blind panel p51 20).
            keys = ["utter_empathy_impossible_plans"]
        elif impossible:
            keys = ["utter_empathy_impossible"]
        else:
            # A café item gets café words ("what you came in for"), not a parcel's.
            cafe_key = f"{topic_key}_cafe" if cafe else ""
            taken_key = (
                f"{topic_key}_taken" if cafe and taken else ""
            )  # walked off with, never "not what you came in for"
            # Whatever was asked for, a hair in the food; or seen in the kitchen ("without washing their hands").
            hygiene_key = ("utter_empathy_hygiene" if cafe_item else "utter_empathy_hygiene_seen") if hygiene else ""
            fit_key = f"{topic_key}_fit" if fit else ""
            faulty_key = f"{topic_key}_faulty" if faulty else ""
            # "that's a lot of money for a week in toronto" (a conversation of our own, 5 December): the cost named,
            # never "things have really piled up".
            cost_key = f"{topic_key}_cost" if COST_FELT.search(text) else ""
            change_key = f"{topic_key}_change" if own_change else ""
            # Delivered already ("cancel my lamp order", 60 days on): a return, never "no point waiting on something".
            cancel_key = f"{topic_key}_cancel" if cancel and facts.get("order_delivered") is not True else ""
            # "can u cancel my coffee grinder order" days past its date (blind panel p54 B12): the wait, not plans changing.
            late_cancel_key = f"{topic_key}_cancel_late" if cancel and facts.get("order_late") else ""
            # "Ive been promised a call back twice and nobody has ever called" in a demand for the CEO (blind panel p54
            # A06): the calls we never made are why, and owned.
            calls_key = f"{topic_key}_calls" if calls_never_came(text) else ""
            keys = [
                next(
                    (
                        k
                        for k in (
                            calls_key,
                            hygiene_key,
                            taken_key,
                            cafe_key,
                            faulty_key,
                            cost_key,
                            late_cancel_key,
                            cancel_key,
                            change_key,
                            fit_key,
                            topic_key,
                        )
                        if k and k in domain.get("responses", {})
                    ),
                    "utter_empathy_general",
                )
            ]
        # Nothing to apologise for in the weather: the policy says plainly what we can't do.
        # On track and asked the first time: nothing to apologise for (asked again, there is).
        # Their own slip or change of mind ("i picked size S, i need M"): nothing of ours to be sorry for.
        # A calm "where is my order" before anything is known to be wrong: the sympathy, no apology yet (p34 13).
        sorry = not own_change or bool(fault) or faulty  # a faulty item swapped is still ours to be sorry for
        if (
            sorry
            and is_case
            and not policy_says_sorry
            and not impossible
            and not (on_track and not {"repeated", "happened_again"} & set(signals))
            and not remedied
            and not (intent == "check_order_status" and not fault and not signals)
        ):
            keys.append("utter_apology_own_it" if fault and not policy_owns_it else "utter_apology")

        # Strong frustration a second time: a person, not more of the assistant.
        strong_turns = int(tracker.get_slot("strong_frustration_turns") or 0) + (1 if level >= 2 else 0)
        escalate = level >= 2 and strong_turns >= STRONG_TURNS_FOR_PERSON and not tracker.get_slot("handoff_id")
        if level >= 2:
            events.append(SlotSet("strong_frustration_turns", float(strong_turns)))
        if escalate:
            # One sympathy sentence a turn: "you deserve a person" is it, and the handoff's own words
            # follow (actions/handoff.py), not "I can hear how angry this has made you" on top.
            keys = ["utter_bringing_a_person"]
        second = noted(tracker) if new_case else None
        pending = tracker.get_slot("pending_problem")
        if new_case and isinstance(pending, dict) and pending.get("intent") == intent and not second:
            events.append(SlotSet("pending_problem", None))  # "now the bill": the one kept for later, taken up now
            left = _left_unsettled(tracker)
            if left:
                # "the dress first" while the bill was still open (a panel of our own, 5 December): the bill kept
                # for after, never dropped.
                events.append(SlotSet("pending_problem", left))
        if second:
            # Two problems at once: this one first, the other kept for when it is settled.
            events.append(SlotSet("pending_problem", second))
            keys.append("utter_second_problem_noted")

        if (tracker.latest_message or {}).get("repair") == "more_of_the_case" and level < 2:
            # "the king st one, around 2pm today" (blind panel p48 16): a detail of the case told already; its
            # sympathy was said then, so only the detail is thanked for (action_explain_policy).
            keys = []
        elif is_case and not new_case and level < 2 and not {"repeated", "happened_again"} & set(signals):
            # "yes twice, i can see two payments of 120 on my card" after "i was charged twice" (a conversation of our
            # own, 5 December): the same case told again, its sympathy said already; never a second one ("I'm sorry
            # this bill isn't what you planned for"), unless it names another order of ours.
            named = [
                str(e.get("value") or "").upper()
                for e in (tracker.latest_message or {}).get("entities") or []
                if e.get("entity") == "order_id"
            ]
            if all(v == str(tracker.get_slot("order_id") or "").upper() for v in named) and _sympathy_said(
                tracker, domain
            ):
                keys = []
        # One apology a reply, the first (issue #17: stacked sympathy): after an empathy line that said
        # sorry, the apology is left out, or, for our own mistake, owned without a second "sorry".
        said_sorry = apology_said(tracker)
        keys = _in_one_sentence(keys, domain, said_sorry or said_safety(tracker))
        bubbles: List[Text] = []
        for key in keys:
            if said_sorry and key in AFTER_SYMPATHY:
                key = AFTER_SYMPATHY[key] or ""
            elif key == "utter_apology" and said_safety(tracker):
                key = "utter_apology_safety"  # third panel c14: "inconvenience" to a parent whose child had a reaction
            sentence = pick_variation(tracker, domain["responses"].get(key, [])) if key else None
            if sentence:
                said_sorry = said_sorry or apologetic(sentence)
                if key == "utter_own_it" and bubbles:
                    bubbles[-1] = f"{bubbles[-1]} {sentence}"  # owning it belongs with the sorry it follows
                else:
                    bubbles.append(sentence)
                # Later picks in this same turn must see this sentence as used too.
                tracker.events.append({"event": "bot", "text": sentence})
        if is_case and (tracker.latest_message or {}).get("kind_words"):
            # "the staff were friendly but my latte was cold" (server/dialogue/first_part.py): the kind words
            # thanked for first, then the sympathy.
            glad = pick_variation(tracker, domain["responses"].get("utter_kind_words_first", []))
            if glad:
                bubbles.insert(0, glad)
        care_said = (tracker.latest_message or {}).get("care")
        # Said beside the case in hand too: "no, i left. im lactose intolerant so im not feeling great either" to the
        # offer (safety.yml: "things have really piled up", the feeling unwell unheard).
        if (is_case or tracker.get_slot("case_type")) and care_said in ("intolerance", "intolerance_unwell"):
            # "im lactose intolerant", nothing said of drinking it or of feeling unwell (blind panel p48 14): a word
            # of care beside the case, never the emergency line (server/nlu/safety.py intolerance_only); "so im not
            # feeling great either" (p54 B08) is heard, never "if you start to feel unwell".
            care = pick_variation(tracker, domain["responses"].get(f"utter_{care_said}_care", []))
            if care:
                bubbles.append(care)
        for bubble in bubbles:
            dispatcher.utter_message(text=bubble)
        if escalate:
            events.append(FollowupAction("action_handoff"))
        elif not is_case and not tracker.active_loop.get("name") and told_already(tracker):
            # Venting once the story is told (an order opened, a person or a call arranged): never
            # "Tell me what happened" again (the rule's utter_ask_what_happened, report C12 and C19),
            # but the open offer's options again, or what would help now.
            shown = resume(dispatcher, tracker)
            if not shown:
                dispatcher.utter_message(response="utter_what_would_help")
            events += shown or [FollowupAction("action_listen")]
        return events


def _sympathy_said(tracker: Tracker, domain: Dict[Text, Any]) -> bool:
    """Whether a sympathy sentence (a variation of an ``utter_empathy_*`` response) was said since the case
    in hand was opened."""
    events = tracker.events
    set_at = max(
        (i for i, e in enumerate(events) if e.get("event") == "slot" and e.get("name") == "case_type"), default=-1
    )
    # The action that opened it said its words before its slots were set.
    opened = max(
        (
            i
            for i, e in enumerate(events[:set_at])
            if e.get("event") == "action" and e.get("name") == "action_empathize"
        ),
        default=set_at,
    )
    sympathy = {
        str(variation.get("text") or "")
        for key, variations in (domain.get("responses") or {}).items()
        if key.startswith("utter_empathy")
        for variation in variations or []
    }
    said = [str(e.get("text") or "") for e in events[opened + 1 :] if e.get("event") == "bot"]
    return any(text in sympathy or any(text.startswith(s) for s in sympathy if s) for text in said)


def _in_one_sentence(keys: List[Text], domain: Dict[Text, Any], said_sorry: bool) -> List[Text]:
    """The sympathy and the apology as one sentence where the domain has it (``<sympathy>_sorry``):
    "I'm sorry the wrong thing turned up; ...", not a sympathy line and then "I'm sorry for the
    trouble" before anything useful (blind panel p36). Our own mistake is still owned, without a
    second "sorry"."""
    if said_sorry or len(keys) < 2 or keys[1] not in AFTER_SYMPATHY:
        return keys
    merged = f"{keys[0]}_sorry"
    if merged not in domain.get("responses", {}):
        return keys
    owned = AFTER_SYMPATHY[keys[1]]
    return [merged] + ([owned] if owned else []) + keys[2:]


def told_already(tracker: Tracker) -> bool:
    """Whether the customer has told us what happened: a case in hand, a person or a call arranged."""
    return any(tracker.get_slot(slot) for slot in ("case_type", "case_details", "handoff_id", "callback_id"))


def _stale_item(tracker: Tracker, text: Text, intent: Text) -> bool:
    item = tracker.get_slot("item")
    entities = {e.get("entity") for e in tracker.latest_message.get("entities") or []}
    new_case = intent != tracker.get_slot("case_type") and bool(tracker.get_slot("case_type"))
    return bool(item) and new_case and "item" not in entities and item.lower() not in text.lower()


def _left_unsettled(tracker: Tracker) -> Optional[Dict[Text, Any]]:
    """The case in hand as a problem kept for later, when the customer moves on before anything was settled in it."""
    case_type = tracker.get_slot("case_type")
    if not case_type or tracker.get_slot("granted_alternatives") or tracker.get_slot("accepted_alternative"):
        return None
    # As they stood before this message (its click sets the other problem's reference).
    events = list(tracker.events)
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=len(events))
    before: Dict[Text, Any] = {}
    for event in events[:last_user]:
        if event.get("event") == "slot" and event.get("name") in ("order_id", "case_details"):
            before[event["name"]] = event.get("value")
    entities = {"order_id": before["order_id"]} if before.get("order_id") else {}
    return {"intent": case_type, "text": str(before.get("case_details") or "")[:300], "entities": entities}


def _mentions(text: Text, reference: Text) -> bool:
    return reference.replace("-", "").lower() in re.sub(r"[\s#-]", "", text.lower())


def _has_reference(events: List[EventType], tracker: Tracker) -> bool:
    cleared = any(e.get("name") == "order_id" and e.get("value") is None for e in events)
    return bool(tracker.get_slot("order_id")) and not cleared


def _earlier_intents(tracker: Tracker) -> List[Text]:
    intents = [
        (e.get("parse_data") or {}).get("intent", {}).get("name") for e in tracker.events if e.get("event") == "user"
    ]
    return intents[:-1]


async def _at_the_cafe(text: Text) -> bool:
    """A café visit or a café item named: nothing on a phone bill."""
    if said_at_the_cafe(text):
        return True
    item = await company().product_in(text)
    return item is not None and await company().product_category(item) == "cafe"


def _taken_up(tracker: Tracker, intent: Optional[Text]) -> Text:
    """The words of the problem kept for later (``pending_problem``) when this message takes it up, else "": the one
    still kept, or the one just offered again ("Now, the other thing you mentioned...", actions/second_problem.py)."""
    if intent == tracker.get_slot("case_type"):
        return ""
    pending = tracker.get_slot("pending_problem")
    if not isinstance(pending, dict):
        bots = [e for e in tracker.events if e.get("event") == "bot"]
        offered = bool(bots) and (bots[-1].get("metadata") or {}).get("utter_action") == "utter_second_problem_next"
        kept = [
            e.get("value") for e in tracker.events if e.get("event") == "slot" and e.get("name") == "pending_problem"
        ]
        pending = next((v for v in reversed(kept) if isinstance(v, dict)), None) if offered else None
    if not isinstance(pending, dict) or pending.get("intent") != intent:
        return ""
    return str(pending.get("text") or "")


async def _order_named(tracker: Tracker, text: Text, wanted: Text, reference: Any) -> List[EventType]:
    """ "the shoes i got are too small" from a signed-in customer whose only shoes are LK-10422: that
    order, never "Could you share the order number?" (blind panels p35, p36). Only the known
    customer's own order, only when the item names one, and never over a reference typed now; for a bill,
    their only bill."""
    customer = known_customer(tracker)
    if not customer or any(e.get("entity") == "order_id" for e in (tracker.latest_message or {}).get("entities") or []):
        return []
    if wanted == "bill" and await _at_the_cafe(text):
        return []  # "a tiny cappuccino at the high st cafe, i paid for a large": the till, never their phone bill
    if wanted == "bill":
        # The signed-in customer's one bill (blind panel p45 04, 07, 19: asked for its number, then "we'll carry
        # on without it" and nothing could be checked). With more than one, they are asked which.
        only = await company().only_bill(customer)
        return [SlotSet("order_id", only)] if only and only != reference else []
    if wanted != "order":
        return []
    named = await company().order_named(customer, text)
    return [SlotSet("order_id", named)] if named and named != reference else []
