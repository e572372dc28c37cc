"""A gift (the case fact `gift`, policy wrong_item_gift) and a bundle (one button, two grants).

The wrong dress LK-10421 (Maya's, ordered navy, sent red) bought for her mum: the policy
for a gift is chosen from her words, the bundle "the right dress as a gift, plus a credit"
is offered as one button, and taking it records the replacement and the credit once each,
with the bundle's confirmation said only once both are done.
"""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List

import pytest
import sqlalchemy as sa
from rasa_sdk.events import SlotSet

from actions.apply_alternative import ActionApplyAlternative
from actions.case import gather_facts
from actions.explain_policy import ActionExplainPolicy
from actions.offer_alternatives import ActionOfferAlternatives
from gracious import stores
from gracious.signals import said_it_was_a_gift
from gracious.stores.company_schema import outbox
from tests.actions import message, run_action, tracker_from

GIFT_WORDS = "the dress i bought for my mum's birthday came in red, i ordered navy. LK-10421"
BUNDLE = "gift_replacement_and_credit"
CLICK = '/choose_alternative{"alternative": "%s"}'


@pytest.mark.parametrize(
    "said",
    [
        GIFT_WORDS,
        "It was a gift and you sent the wrong colour",
        "a birthday present for my sister, wrong size sent",
        "I ordered it for my dad, and it's not what I ordered",
        "bought this for someone else and the wrong one came",
    ],
)
def test_words_of_a_gift_make_the_gift_fact(said: str):
    assert said_it_was_a_gift(said)


@pytest.mark.parametrize(
    "said",
    [
        "you sent me the wrong dress, its red i ordered navy",
        "my gift card won't scan at the till",
        "i want to return a gift someone bought me",
        "I need it for a wedding on saturday",
        "at present the order shows delivered",
    ],
)
def test_other_words_are_no_gift(said: str):
    assert not said_it_was_a_gift(said)


def facts_for(said: str) -> Dict[str, Any]:
    tracker = tracker_from("report_wrong_item", slots={"case_type": "report_wrong_item"}, text=said)
    return asyncio.run(gather_facts(tracker))


def test_the_gift_fact_comes_from_the_words_and_picks_the_gift_policy(domain):
    assert facts_for(GIFT_WORDS)["gift"] is True
    assert "gift" not in facts_for("I ordered a navy dress and you sent me a red one, order LK-10421")

    tracker = tracker_from("report_wrong_item", slots={"case_type": "report_wrong_item"}, text=GIFT_WORDS)
    dispatcher, events = run_action(ActionExplainPolicy(), tracker, domain)

    assert SlotSet("policy_id", "wrong_item_gift") in events
    assert [m["response"] for m in dispatcher.messages][:1] == ["utter_policy_wrong_item_gift"]


def test_the_same_mistake_without_a_gift_keeps_its_own_policy(domain):
    tracker = tracker_from("report_wrong_item", slots={"case_type": "report_wrong_item"})
    _, events = run_action(ActionExplainPolicy(), tracker, domain)
    assert SlotSet("policy_id", "wrong_item_company_error") in events


def offered_tracker(alternative: str = BUNDLE, facts: Dict[str, Any] | None = None, sender: str = "maya-gift"):
    facts = facts or facts_for(GIFT_WORDS)
    return tracker_from(
        "report_wrong_item",
        slots={
            "case_type": "report_wrong_item",
            "case_details": GIFT_WORDS,
            "policy_id": "wrong_item_gift",
            "case_facts": facts,
            "offered_alternatives": [BUNDLE, "gift_replacement", "refund"],
            "alternative": alternative,
        },
        intent="choose_alternative",
        text=CLICK % alternative,
        sender_id=sender,
    )


def test_the_bundle_is_one_button_with_its_credit_amount(domain):
    tracker = tracker_from(
        "report_wrong_item",
        slots={"case_type": "report_wrong_item", "policy_id": "wrong_item_gift", "case_facts": facts_for(GIFT_WORDS)},
    )
    dispatcher, events = run_action(ActionOfferAlternatives(), tracker, domain)

    titles = [b["title"] for b in dispatcher.messages[0]["buttons"]]
    assert titles[:3] == [
        "Send the right dress as a gift, plus a $10.00 credit for you",
        "Send the right dress as a gift, no price on the slip",
        "A full refund",
    ]
    assert SlotSet("offered_alternatives", [BUNDLE, "gift_replacement", "refund"]) in events


def test_a_record_with_a_credit_already_is_not_offered_the_bundle(domain):
    facts = {**facts_for(GIFT_WORDS), "granted_kinds": ["credit"]}
    tracker = tracker_from(
        "report_wrong_item",
        slots={"case_type": "report_wrong_item", "policy_id": "wrong_item_gift", "case_facts": facts},
    )
    _, events = run_action(ActionOfferAlternatives(), tracker, domain)
    offered = next(e["value"] for e in events if e.get("name") == "offered_alternatives")
    assert BUNDLE not in offered and "gift_replacement" in offered


def grants() -> List[Dict[str, Any]]:
    rows = asyncio.run(stores.company().grants_for("LK-10421"))
    return [{k: row[k] for k in ("kind", "amount", "note")} for row in rows]


def gift_emails() -> List[str]:
    engine = stores.company().engine
    with engine.connect() as conn:
        rows = conn.execute(sa.select(outbox.c.topic).where(outbox.c.kind == "email")).all()
    return [r.topic for r in rows]


CONFIRM = {"amount": "$10.00", "item": "dress", "reference": "LK-10421", "coupon_code": "", "coupon_percent": ""}


def test_taking_the_bundle_grants_both_once_and_confirms_both_after(domain):
    dispatcher, events = run_action(ActionApplyAlternative(), offered_tracker(), domain)

    assert grants() == [
        {
            "kind": "replacement",
            "amount": None,
            "note": "gift_replacement in gift_replacement_and_credit under wrong_item_gift",
        },
        {
            "kind": "credit",
            "amount": 10.0,
            "note": "goodwill_credit in gift_replacement_and_credit under wrong_item_gift",
        },
    ]
    assert gift_emails() == ["return_label_gift"]  # the label the confirmation speaks of, queued with the grant
    assert dispatcher.messages == [message(response="utter_confirm_gift_replacement_and_credit", **CONFIRM)]
    assert SlotSet("accepted_alternative", BUNDLE) in events
    assert SlotSet("granted_alternatives", [BUNDLE, "gift_replacement", "goodwill_credit"]) in events
    settled = next(e["value"] for e in events if e.get("name") == "settled")
    assert [(s["alternative"], s["kind"], s["state"]) for s in settled] == [
        ("gift_replacement", "replacement", "done"),
        ("goodwill_credit", "credit", "done"),
    ]

    # The same bundle from another conversation: nothing new, and each part said as it stands.
    again, _ = run_action(ActionApplyAlternative(), offered_tracker(sender="maya-gift-2"), domain)
    assert len(grants()) == 2 and gift_emails() == ["return_label_gift"]
    assert [m["response"] for m in again.messages] == ["utter_bundle_part_before", "utter_bundle_part_before"]


def test_a_part_in_place_already_is_said_so_and_the_bundle_confirmation_is_not(domain):
    asyncio.run(stores.company().grant("credit", "LK-10421", "C001", 10.0, note="from the desk"))

    dispatcher, _ = run_action(ActionApplyAlternative(), offered_tracker(), domain)

    assert [g["kind"] for g in grants()] == ["credit", "replacement"]
    assert [m["response"] for m in dispatcher.messages] == [
        "utter_confirm_gift_replacement",
        "utter_bundle_part_before",
    ]
    assert dispatcher.messages[1]["part"] == "a $10.00 goodwill credit"
    assert dispatcher.messages[1]["reference"] == "LK-10421"


def test_another_remedy_on_the_order_grants_nothing_of_the_bundle(domain):
    asyncio.run(stores.company().grant("refund", "LK-10421", "C001", None, note="refund under wrong_item_gift"))

    dispatcher, events = run_action(ActionApplyAlternative(), offered_tracker(), domain)

    assert [g["kind"] for g in grants()] == ["refund"]  # no credit either: a bundle is all or nothing here
    assert [m["response"] for m in dispatcher.messages] == ["utter_remedy_already_chosen"]
    assert SlotSet("alternative", None) in events
    assert not any(e.get("name") == "accepted_alternative" for e in events)


def test_nothing_of_a_bundle_on_a_record_the_customer_is_not_verified_for(domain):
    facts = {**facts_for(GIFT_WORDS), "verification_needed": True}
    dispatcher, _ = run_action(ActionApplyAlternative(), offered_tracker(facts=facts), domain)
    assert grants() == []
    assert [m["response"] for m in dispatcher.messages] == ["utter_alternative_nothing_offered"]


def re_offered_tracker(alternative: str = BUNDLE):
    """Offered again without the bundle (the record has a credit), and the old bundle button pressed."""
    facts = {**facts_for(GIFT_WORDS), "granted_kinds": ["credit"]}
    tracker = offered_tracker(alternative, facts=facts)
    tracker.slots["offered_alternatives"] = ["gift_replacement", "refund"]
    buttons = [{"title": "Send the right dress as a gift", "payload": CLICK % "gift_replacement"}]
    tracker.events.insert(0, {"event": "bot", "text": "", "data": {"buttons": buttons}})
    return tracker


def test_an_old_bundle_button_with_only_its_credit_in_place_is_not_said_to_be_done(domain):
    asyncio.run(stores.company().grant("credit", "LK-10421", "C001", 10.0, note="from the desk"))

    dispatcher, events = run_action(ActionApplyAlternative(), re_offered_tracker(), domain)

    # Not "this was already arranged": no replacement was; the options there are, as buttons.
    assert [g["kind"] for g in grants()] == ["credit"]
    assert [m["response"] for m in dispatcher.messages] == ["utter_alternative_not_available"]
    assert [b["payload"] for b in dispatcher.messages[0]["buttons"]] == [CLICK % "gift_replacement"]
    assert not any(e.get("name") in ("granted_alternatives", "accepted_alternative") for e in events)


def test_an_old_bundle_button_with_every_part_in_place_is_said_to_be_done(domain):
    asyncio.run(stores.company().grant("credit", "LK-10421", "C001", 10.0, note="from the desk"))
    asyncio.run(stores.company().grant("replacement", "LK-10421", "C001", None, note="from the desk"))
    tracker = re_offered_tracker()
    tracker.slots["case_facts"]["granted_kinds"] = ["credit", "replacement"]

    dispatcher, events = run_action(ActionApplyAlternative(), tracker, domain)

    assert [m["response"] for m in dispatcher.messages] == ["utter_alternative_granted_before"]
    assert SlotSet("accepted_alternative", BUNDLE) in events


def test_a_failure_on_the_second_part_makes_neither(domain):
    # The database refuses the credit (a real failure, in the real store): the replacement written
    # before it in the same bundle must not stand while the customer hears the outage apology.
    assert grants() == []  # (the tables are made on first use)
    with stores.company().engine.begin() as conn:
        conn.execute(
            sa.text(
                "CREATE TRIGGER f1_no_credit BEFORE INSERT ON grants WHEN NEW.kind = 'credit' "
                "BEGIN SELECT RAISE(ABORT, 'disk full'); END"
            )
        )
    try:
        with pytest.raises(sa.exc.DatabaseError):
            run_action(ActionApplyAlternative(), offered_tracker(), domain)
    finally:
        with stores.company().engine.begin() as conn:
            conn.execute(sa.text("DROP TRIGGER f1_no_credit"))
    assert grants() == [] and gift_emails() == []


def test_a_part_in_place_is_worded_with_the_amount_on_record(domain):
    asyncio.run(stores.company().grant("credit", "LK-10421", "C001", 5.0, note="from the desk"))

    dispatcher, _ = run_action(ActionApplyAlternative(), offered_tracker(), domain)

    assert [m["response"] for m in dispatcher.messages] == [
        "utter_confirm_gift_replacement",
        "utter_bundle_part_before",
    ]
    assert dispatcher.messages[1]["part"] == "a $5.00 goodwill credit"  # the desk's $5.00, not the bundle's $10.00


# A gift said once the case is under way (p1 c01, c02, c03): server/dialogue/gift_said.py reads the
# message as the case marked `gift_said`; action_empathize keeps the words, says so, and starts the
# explanation again, now of the gift policy.
PLAIN_WORDS = "the dress i ordered turned up RED. i ordered navy!! order LK-10421"
LATER_GIFT = (
    "its a GIFT tho. can you send it gift wrapped without the price on it? and she cant be charged for anything"
)


def test_a_gift_said_after_the_options_is_kept_said_so_and_changes_the_policy(domain):
    from actions.empathize import ActionEmpathize

    offered = {
        "case_type": "report_wrong_item",
        "case_details": PLAIN_WORDS,
        "order_id": "LK-10421",
        "policy_id": "wrong_item_company_error",
        "explained_policies": ["wrong_item_company_error"],
        "offered_alternatives": ["replacement_overnight", "refund"],
    }
    tracker = tracker_from("report_wrong_item", slots=offered, text=LATER_GIFT)
    tracker.latest_message["repair"] = "gift_said"
    dispatcher, events = run_action(ActionEmpathize(), tracker, domain)

    assert [m["response"] for m in dispatcher.messages] == ["utter_gift_noted"]
    details = next(e["value"] for e in events if e["name"] == "case_details")
    assert details.startswith(PLAIN_WORDS) and "GIFT" in details
    for slot in ("policy_id", "explained_policies", "offered_alternatives"):
        assert SlotSet(slot, None) in events
    assert not any(e["name"] == "case_type" for e in events)

    # The next message's facts still hold the gift, and its policy is the gift's.
    slots = dict(offered, case_details=details, policy_id=None, explained_policies=None)
    later = tracker_from("report_wrong_item", slots=slots, text="ok")
    assert asyncio.run(gather_facts(later))["gift"] is True
    _, events = run_action(ActionExplainPolicy(), later, domain)
    assert SlotSet("policy_id", "wrong_item_gift") in events


def test_a_gift_packing_asked_for_alone_is_the_gift_fact():
    facts = facts_for("can it go straight to her gift wrapped, without the price on it? LK-10421")
    assert facts["gift"] is True


def test_a_gift_is_kept_when_the_case_changes_kind_on_the_same_order(domain):
    from actions.gift_case import new_case_words

    earlier = {
        "case_type": "check_order_status",
        "case_details": "LK-10421 - it was a birthday present for my daughter. Her birthday is on Friday.",
        "order_id": "LK-10421",
    }
    correction = "It arrived, that's not the problem. You sent the WRONG COLOUR. Red instead of navy."
    words = new_case_words(tracker_from("report_wrong_item", slots=earlier, text=correction), correction)
    assert words.startswith(correction) and said_it_was_a_gift(words) and "Friday" not in words

    other_order = "and LK-10422 came with the wrong shoes"
    words = new_case_words(tracker_from("report_wrong_item", slots=earlier, text=other_order), other_order)
    assert words == other_order


def test_a_gift_said_that_changes_no_policy_is_kept_without_saying_it_changes_things(domain):
    from actions.empathize import ActionEmpathize

    words = "I bought the wrong size shoes, order LK-10422, they dont fit"
    slots = {"case_type": "report_wrong_item", "case_details": words, "order_id": "LK-10422"}
    _, events = run_action(ActionExplainPolicy(), tracker_from("report_wrong_item", slots=slots, text=words), domain)
    policy = next(e["value"] for e in events if e["name"] == "policy_id")
    assert policy != "wrong_item_gift"

    later = "they were a present for my brother"
    tracker = tracker_from("report_wrong_item", slots=dict(slots, policy_id=policy), text=later)
    tracker.latest_message["repair"] = "gift_said"
    dispatcher, events = run_action(ActionEmpathize(), tracker, domain)
    assert dispatcher.messages == []
    assert events == [SlotSet("case_details", f"{words} {later}")]
