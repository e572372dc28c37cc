"""action_empathize: the feeling named in fitting words, then an apology."""

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet

from actions.case import CASE_SLOTS
from actions.empathize import ActionEmpathize
from gracious import stores
from tests.actions import run_action, texts, tracker_from, tracker_state, variations

WRONG_ITEM_TEXT = "I ordered a navy dress and you sent me a red one, order LK-10421"


def new_case(case_type, details):
    """The events that open a case: every case slot cleared, then type and details."""
    return [SlotSet(slot, None) for slot in CASE_SLOTS] + [
        SlotSet("case_type", case_type),
        SlotSet("case_details", details),
    ]


def test_new_case_resets_case_slots_and_records_type_and_details(domain):
    dispatcher, events = run_action(ActionEmpathize(), tracker_from("dispute_charge"), domain)

    assert events == new_case("dispute_charge", "Why wasn't the discount applied to my bill BL-30017?") + [
        SlotSet("frustration", 0.0),
        SlotSet("company_at_fault", False),
    ]
    # The volume-discount explanation that follows in this turn says sorry itself: one apology a turn.
    assert texts(dispatcher) == [
        "Nobody likes opening a bill and finding a number they didn't expect, so of course you want it checked.",
    ]


def test_wrong_colour_sent_on_lk_10421_owns_the_mistake(domain):
    dispatcher, events = run_action(ActionEmpathize(), tracker_from("report_wrong_item"), domain)

    assert events == new_case("report_wrong_item", WRONG_ITEM_TEXT) + [
        SlotSet("frustration", 0.0),
        SlotSet("company_at_fault", True),
    ]
    # The feeling and the sorry in one sentence (issue #17 and blind panel p36: nothing stacked); the policy that
    # follows says "That mistake is ours", so the mistake is owned there, not twice (blind panel p48 05).
    assert texts(dispatcher) == [
        "I'm sorry it isn't what you chose; you deserve to enjoy your order, not sort out a mix-up.",
    ]
    assert texts(dispatcher)[0] in variations(domain, "utter_empathy_report_wrong_item_sorry")


def test_kind_words_before_what_went_wrong_are_thanked_for_first(domain):
    # "the staff were friendly but my latte was cold" (server/dialogue/first_part.py marks the kind words).
    tracker = tracker_from("report_wrong_item", text="the staff were friendly but my latte was cold")
    tracker.latest_message["kind_words"] = "the staff were friendly"
    dispatcher, _ = run_action(ActionEmpathize(), tracker, domain)
    assert texts(dispatcher)[0] in variations(domain, "utter_kind_words_first")
    assert len(texts(dispatcher)) == 2  # then the sympathy, as for the case alone


@pytest.mark.parametrize("said_before", [True, False])
def test_the_same_case_told_again_gets_no_second_sympathy(domain, said_before):
    # A conversation of our own, 5 December: "yes twice, i can see two payments of 120 on my card" after "i was charged
    # twice" got "I'm sorry this bill isn't what you planned for" on top of "I'm sorry the bill has come as a shock".
    first = "I'm sorry the bill has come as a shock; a number you didn't expect deserves a proper look."
    before = [
        {"event": "action", "name": "action_empathize"},
        *([{"event": "bot", "text": first}] if said_before else []),
        {"event": "slot", "name": "case_type", "value": "dispute_charge"},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "yes twice, i can see two payments of 120 on my card"},
    ]
    tracker = tracker_from(
        "dispute_charge",
        slots={"case_type": "dispute_charge", "order_id": "BL-30017"},
        events=before,
        text="yes twice, i can see two payments of 120 on my card",
        entities=[],
    )
    dispatcher, _ = run_action(ActionEmpathize(), tracker, domain)
    if said_before:
        assert texts(dispatcher) == []
    else:
        assert texts(dispatcher)  # never said for this case: said now


def test_item_sent_as_ordered_gets_a_plain_apology(domain):
    tracker = tracker_from(
        "report_wrong_item",
        slots={"order_id": "LK-10422"},
        text="These shoes from LK-10422 don't fit",
    )
    dispatcher, events = run_action(ActionEmpathize(), tracker, domain)

    assert events[-2:] == [SlotSet("frustration", 0.0), SlotSet("company_at_fault", False)]
    # Playbook move 4: sorry even when nothing of ours went wrong, once, and no mistake claimed.
    assert texts(dispatcher) == ["I'm sorry it didn't turn out as you expected; let's sort it out."]
    assert texts(dispatcher)[0] in variations(domain, "utter_empathy_report_wrong_item_fit_sorry")
    assert "mistake" not in texts(dispatcher)[0]


def test_an_order_asked_to_be_cancelled_gets_words_for_a_change_of_plan(domain):
    # A panel of our own (2 December): "i want to cancel it" heard "It's natural to want to know where things stand".
    tracker = tracker_from(
        "report_wrong_item",
        slots={"order_id": "LK-10424"},
        intent="check_order_status",
        text="my jacket order LK-10424, i want to cancel it",
    )
    dispatcher, _ = run_action(ActionEmpathize(), tracker, domain)

    assert texts(dispatcher)[0] in variations(domain, "utter_empathy_check_order_status_cancel")


def test_after_a_safety_report_the_apology_is_care_not_inconvenience(domain):
    # Third panel c14: after Sam's hand-back, a parent whose child had a reaction read "Please accept my
    # apologies for the inconvenience." The apology there is about what they went through.
    state = tracker_state(
        "report_wrong_item", slots={"order_id": "LK-10422"}, text="These shoes from LK-10422 don't fit"
    )
    told = {"event": "user", "text": "my son came out in a rash after the cake", "parse_data": {"safety": True}}
    state["events"] = [told] + state["events"]
    dispatcher, _ = run_action(ActionEmpathize(), Tracker.from_dict(state), domain)

    assert texts(dispatcher)[1] in variations(domain, "utter_apology_safety")
    for text in variations(domain, "utter_apology_safety"):
        assert not any(word in text.lower() for word in ("inconvenience", "trouble", "hassle")), text


def test_never_repeats_a_sentence_already_sent_in_the_conversation(domain):
    state = tracker_state("report_wrong_item")
    # Earlier in this conversation the bot already used both first-choice sentences, one of them
    # inside a longer message.
    state["events"][3:3] = [
        {
            "event": "bot",
            "timestamp": 1700000001.0,
            "text": variations(domain, "utter_empathy_report_wrong_item_sorry")[1] + " Let's get started.",
        },
        {"event": "bot", "timestamp": 1700000001.1, "text": variations(domain, "utter_own_it")[1]},
    ]
    dispatcher, _ = run_action(ActionEmpathize(), Tracker.from_dict(state), domain)

    # The policy that follows owns the mistake ("That mistake is ours"), so no second owning here.
    assert texts(dispatcher) == [
        "I'm sorry the wrong thing turned up; opening a parcel to find that is a real letdown.",
    ]


def test_shouting_exclamations_and_swearing_lead_with_strong_empathy(domain):
    dispatcher, events = run_action(ActionEmpathize(), tracker_from("angry_customer"), domain)

    assert events == new_case("check_order_status", "WHERE THE HELL IS MY ORDER!!! THIS IS RIDICULOUS") + [
        SlotSet("frustration", 3.0),
        SlotSet("strong_frustration_turns", 1.0),
    ]
    # The feeling named once, the strongest way that fits, with the one apology in the same sentence.
    assert texts(dispatcher) == [
        "I'm sorry; I can hear how angry this has made you, and you have every right to feel that way.",
    ]
    assert texts(dispatcher)[0] in variations(domain, "utter_empathy_strong_sorry")


def test_strong_frustration_a_second_time_brings_in_a_person(domain):
    tracker = tracker_from("angry_customer", slots={"strong_frustration_turns": 1.0, "frustration": 3.0})
    dispatcher, events = run_action(ActionEmpathize(), tracker, domain)

    assert events[-2:] == [SlotSet("strong_frustration_turns", 2.0), FollowupAction("action_handoff")]
    assert texts(dispatcher)[-1] in variations(domain, "utter_bringing_a_person")


def test_the_handoff_by_frustration_says_one_sympathy_sentence_not_three(domain):
    # Report C19: "I can hear how angry this has made you..." / "This has gone on long enough..." /
    # then the handoff's "I've passed everything you've told me...": one sentence of sympathy is enough.
    tracker = tracker_from("angry_customer", slots={"strong_frustration_turns": 1.0, "frustration": 3.0})
    dispatcher, _ = run_action(ActionEmpathize(), tracker, domain)

    assert texts(dispatcher) == ["This has gone on long enough, and you deserve a person."]
    # The handoff says what was passed on and where they stand: not promised here as well.
    assert "everything you've told me" not in texts(dispatcher)[0]


def test_no_second_handoff_while_one_is_open(domain):
    slots = {"strong_frustration_turns": 1.0, "frustration": 3.0, "handoff_id": "7"}
    dispatcher, events = run_action(ActionEmpathize(), tracker_from("angry_customer", slots=slots), domain)

    # The second strong turn is counted as ever, and the customer still hears strong
    # empathy; only the handoff (and the words announcing one) is left out.
    assert events[-1] == SlotSet("strong_frustration_turns", 2.0)
    assert not any(e.get("event") == "followup" for e in events)
    said = texts(dispatcher)
    assert said and said[0] in variations(domain, "utter_empathy_strong_sorry")
    assert not set(said) & set(variations(domain, "utter_bringing_a_person"))


def test_one_signal_alone_is_not_strong(domain):
    tracker = tracker_from("angry_customer", text="Where is my order!!")
    dispatcher, events = run_action(ActionEmpathize(), tracker, domain)

    assert events[-1] == SlotSet("frustration", 1.0)
    assert texts(dispatcher) == ["I'm sorry you're still waiting; not knowing where it is would annoy anyone."]


def test_raising_the_same_complaint_again_acknowledges_the_repeat_without_reopening_the_case(domain):
    dispatcher, events = run_action(ActionEmpathize(), tracker_from("repeated_complaint"), domain)

    # Same case type as before: nothing is reset; the order is on track, so not our fault.
    assert events == [SlotSet("frustration", 1.0), SlotSet("company_at_fault", False)]
    assert texts(dispatcher) == ["I'm sorry you've had to tell us again; I've got everything you've said now."]
    assert texts(dispatcher)[0] in variations(domain, "utter_empathy_repeated_sorry")


def test_express_frustration_uses_its_own_empathy_and_no_apology(domain):
    dispatcher, events = run_action(ActionEmpathize(), tracker_from("express_frustration"), domain)

    # LK-10423 was told already: what would help, not "tell me what happened" again (issue #17, C12/C19).
    assert events == [SlotSet("frustration", 1.0), FollowupAction("action_listen")]
    assert texts(dispatcher)[0] == "It sounds like things have really piled up."
    assert [m["response"] for m in dispatcher.messages] == [None, "utter_what_would_help"]
    assert texts(dispatcher)[0] in variations(domain, "utter_empathy_express_frustration")
    apologies = variations(domain, "utter_apology") + variations(domain, "utter_apology_own_it")
    assert not set(texts(dispatcher)) & set(apologies)


def test_frustration_never_drops_within_a_conversation(domain):
    tracker = tracker_from("express_frustration", slots={"frustration": 3.0})
    _, events = run_action(ActionEmpathize(), tracker, domain)

    assert events[0] == SlotSet("frustration", 3.0)


def test_venting_after_a_call_was_booked_is_not_asked_to_tell_it_again(domain):
    # Report C12: 'whatever' after booking a call about a coffee order told to the agent.
    booked = tracker_from(
        "empty_tracker", intent="express_frustration", text="whatever", slots={"handoff_id": "17", "callback_id": "4"}
    )
    dispatcher, events = run_action(ActionEmpathize(), booked, domain)

    assert [m["response"] for m in dispatcher.messages][1:] == ["utter_what_would_help"]
    assert events[-1] == FollowupAction("action_listen")


def test_venting_before_anything_was_told_is_asked_what_happened(domain):
    fresh = tracker_from("empty_tracker", intent="express_frustration", text="honestly I am so fed up with you people")
    dispatcher, events = run_action(ActionEmpathize(), fresh, domain)

    # No follow-up: the rule asks what happened (utter_ask_what_happened).
    assert events == [SlotSet("frustration", 1.0)]
    assert len(texts(dispatcher)) == 1


def test_venting_with_an_offer_open_shows_the_options_again_not_tell_me_what_happened(domain):
    # Report C19: LK-10423's options were on screen when the customer shouted.
    state = tracker_state("alternatives_offered")
    state["slots"].update(alternative=None, frustration=3.0)
    buttons = [
        {"title": "A $10.00 goodwill credit", "payload": '/choose_alternative{"alternative": "goodwill_credit"}'}
    ]
    offer = {"event": "bot", "text": "Here's what I can do for you:", "data": {"buttons": buttons}}
    said = "THIS IS RIDICULOUS!!! I'VE WAITED TWO WEEKS. SORT IT OUT"
    vented = {"text": said, "intent": {"name": "express_frustration", "confidence": 0.9}, "entities": []}
    state["events"] = [
        offer,
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": said, "parse_data": vented},
    ]
    state["latest_message"] = vented
    dispatcher, events = run_action(ActionEmpathize(), Tracker.from_dict(state), domain)

    assert [m["response"] for m in dispatcher.messages][1:] == ["utter_resume_offer"]
    assert dispatcher.messages[1]["buttons"] == buttons
    assert events[-1] == FollowupAction("action_listen")
    asks = set(variations(domain, "utter_ask_what_happened"))
    assert not asks & set(texts(dispatcher))


def test_new_order_case_forgets_a_bill_number_from_the_previous_case(domain):
    tracker = tracker_from(
        "report_wrong_item",
        slots={"order_id": "BL-30017", "case_type": "dispute_charge"},
        text="The shoes you sent are the wrong size",
    )
    dispatcher, events = run_action(ActionEmpathize(), tracker, domain)

    assert events == new_case("report_wrong_item", "The shoes you sent are the wrong size") + [
        SlotSet("order_id", None),
        SlotSet("frustration", 0.0),
    ]
    # Without the order in hand there is no record of our fault: a plain sorry, nothing owned.
    assert texts(dispatcher) == [texts(dispatcher)[0]]
    assert texts(dispatcher)[0] in variations(domain, "utter_empathy_report_wrong_item_sorry")


def test_an_order_on_its_way_and_on_time_gets_sympathy_but_no_apology(domain):
    tracker = tracker_from(
        "empty_tracker",
        slots={"order_id": "LK-10424"},
        intent="check_order_status",
        text="hi, where is my jacket LK-10424?",
    )
    dispatcher, _ = run_action(ActionEmpathize(), tracker, domain)
    said = texts(dispatcher)
    assert len(said) == 1 and said[0] in variations(domain, "utter_empathy_check_order_status")


def test_an_item_sent_as_ordered_that_does_not_fit_is_not_called_the_wrong_thing(domain):
    tracker = tracker_from(
        "empty_tracker",
        slots={"order_id": "LK-10422"},
        intent="report_wrong_item",
        text="the shoes from LK-10422 are too small, can i get a 9.5",
    )
    dispatcher, _ = run_action(ActionEmpathize(), tracker, domain)
    assert texts(dispatcher)[0] in variations(domain, "utter_empathy_report_wrong_item_fit_sorry")


def test_a_swap_wanted_gets_no_money_talk_and_no_apology(domain):
    # Panel p33 19: "i want exchange my shoes please" got "let's see about getting your money back"
    # and "I'm sorry for the trouble this has caused you".
    text = "i want exchange my shoes please"
    tracker = tracker_from("empty_tracker", text=text, intent="request_refund")
    dispatcher, _ = run_action(ActionEmpathize(), tracker, domain)
    change = [v["text"] for v in domain["responses"]["utter_empathy_request_refund_change"]]
    assert len(texts(dispatcher)) == 1 and texts(dispatcher)[0] in change


def test_with_its_replacement_under_way_the_record_gets_no_let_me_fix_it(domain):
    # Blind panel p34 22: "where is my order LK-10421" after its replacement was arranged got
    # "That's our mistake, and I apologise. Let me fix it for you." The case says what is under way.
    asyncio.run(stores.company().grant("replacement", "LK-10421", "C001", None, note="an earlier chat"))
    tracker = tracker_from(
        "report_wrong_item",
        slots={"order_id": "LK-10421"},
        intent="check_order_status",
        text="where is my order LK-10421",
    )
    dispatcher, _ = run_action(ActionEmpathize(), tracker, domain)
    said = texts(dispatcher)
    assert len(said) == 1
    assert said[0] not in variations(domain, "utter_apology_own_it") + variations(domain, "utter_apology")


def test_a_calm_where_is_my_order_before_anything_is_known_gets_no_apology_yet(domain):
    # Blind panel p34 13: "It's natural to want to know where things stand" then "I'm sorry for the
    # trouble this has caused you", before anything was looked at.
    tracker = tracker_from("empty_tracker", intent="check_order_status", text="hi where is my order please")
    dispatcher, _ = run_action(ActionEmpathize(), tracker, domain)
    said = texts(dispatcher)
    assert len(said) == 1 and said[0] in variations(domain, "utter_empathy_check_order_status")


@pytest.mark.parametrize(
    "who, text, order",
    [
        ("C002", "hey the shoes i got are too small, can i swap for a 10?", "LK-10422"),
        ("C003", "hi the headphones i got crackle in the left ear", "LK-10426"),
        ("C002", "the headphones i got crackle", None),  # not an order of hers
        ("C002", "something i ordered is wrong", None),  # no item named
    ],
)
def test_a_known_customer_naming_the_item_has_that_order_looked_up(domain, who, text, order):
    tracker = tracker_from("empty_tracker", intent="report_wrong_item", text=text, slots={"verified_customers": [who]})
    _, events = run_action(ActionEmpathize(), tracker, domain)
    found = [e["value"] for e in events if e.get("name") == "order_id" and e.get("value")]
    assert found == ([order] if order else [])


def test_a_stranger_naming_an_item_is_asked_for_the_number(domain):
    tracker = tracker_from(
        "empty_tracker",
        intent="report_wrong_item",
        text="the shoes i got are too small",
        slots={"verified_customers": []},
    )
    _, events = run_action(ActionEmpathize(), tracker, domain)
    assert not [e for e in events if e.get("name") == "order_id" and e.get("value")]


@pytest.mark.parametrize(
    "text, expected",
    [
        # Blind panel p51 07: two items named, the first sentence names the case's alone.
        ("the white headphones crackle, I'd like my money back. and has the grinder moved at all?", "LK-10426"),
        ("has the grinder moved at all? also my headphones crackle", "LK-10423"),
        ("my headphones and my grinder are both broken", None),
        ("my headphones crackle", "LK-10426"),
    ],
)
def test_an_order_named_by_its_item_is_the_first_sentences_own(text, expected):
    assert asyncio.run(stores.company().order_named("C003", text)) == expected
