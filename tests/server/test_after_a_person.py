"""server/dialogue/after_a_person.py: once a person has helped, endings are endings (issue #17, panel P3:
a rating, a goodbye or a remark re-queued the customer, re-opened a safety case or pressed goodwill)."""

from __future__ import annotations

from typing import Any, Dict

import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from server.dialogue.rating_answer import reading


def helped(*last: str, safety: bool = False) -> DialogueStateTracker:
    """A person took the case (a handoff), then the actions ``last`` (a hand-back, the rating question)."""
    state = DialogueStateTracker("helped", [])
    state.update(UserUttered("my child has a rash", parse_data={"safety": True} if safety else {}))
    state.update(ActionExecuted("action_handoff"))
    for name in last:
        state.update(ActionExecuted(name))
        state.update(BotUttered("..."))
    state.update(ActionExecuted("action_listen"))
    return state


def parsed(text: str, intent: str, **extra: Any) -> Dict[str, Any]:
    ranking = [{"name": intent, "confidence": 0.6}]
    return {"text": text, "intent": ranking[0], "intent_ranking": ranking, "entities": [], **extra}


def rating_of(result: Dict[str, Any]) -> Any:
    return next((e["value"] for e in result["entities"] if e["entity"] == "rating"), None)


@pytest.mark.parametrize(
    "text, intent, rating",
    [
        ("no, I've just had a person! it's fine. that's all, thanks. 4 out of 5, Sam was kind", "request_human", "4"),
        ("no. bye. 1 star for making me come back three times", "demand_compensation", "1"),
        ("That will be all. Rather laborious, I must say. Three out of five.", "demand_compensation", "3"),
        ("for the record: Sam 5 stars, the robot 2", "give_feedback", "5"),
        ("no. 2/5, the humans were fine, you weren't", "complain_service", "2"),
    ],
)
def test_a_rating_in_any_words_after_a_hand_back_is_the_rating(text, intent, rating):
    result = reading(parsed(text, intent), helped("action_handback"))
    assert result is not None and result["intent"]["name"] == "give_feedback"
    assert rating_of(result) == rating


@pytest.mark.parametrize(
    "text, rating",
    [("Rating? Two. Ana was lovely, the process is a maze.", "2"), ("Rating? Two. The wait was too long.", "2")],
)
def test_the_answer_to_the_rating_question_in_words_is_the_rating(text, rating):
    result = reading(parsed(text, "ask_why"), helped("action_close_conversation", "utter_ask_rating"))
    assert result is not None and result["intent"]["name"] == "give_feedback" and rating_of(result) == rating


def test_a_bare_number_after_a_remark_to_the_rating_question_is_still_the_rating():
    state = helped("action_close_conversation", "utter_ask_rating")
    state.update(UserUttered("the process is a maze", parse_data={"entities": []}))
    state.update(ActionExecuted("action_record_feedback"))
    state.update(ActionExecuted("action_listen"))
    result = reading(parsed("2", "request_human"), state)
    assert result is not None and rating_of(result) == "2"


def test_a_remark_after_the_rating_question_is_feedback_and_a_goodbye_after_a_hand_back_is_a_goodbye():
    remark = reading(parsed("Ana was lovely, the process is a maze.", "ask_why"), helped("utter_ask_rating"))
    assert remark is not None and remark["intent"]["name"] == "give_feedback" and rating_of(remark) is None
    bye = reading(
        parsed("what? no, I don't want to wait for anyone. I'm done, bye", "request_human"), helped("action_handback")
    )
    assert bye is not None and bye["intent"]["name"] == "goodbye"


def test_a_safety_cases_after_remark_is_heard_not_a_new_emergency():
    remark = "No. Sam was kind. The rest felt like filling in forms while my son was swelling up."
    result = reading(parsed(remark, "request_human", safety=True), helped("action_handback", safety=True))
    assert result is not None and result["intent"]["name"] == "give_feedback" and "safety" not in result
    # A new emergency, said now, is the safety move again.
    again = "he is swelling up again, help"
    assert reading(parsed(again, "request_human", safety=True), helped("action_handback", safety=True)) is None


def test_nothing_changes_before_a_person_or_once_queued_again():
    text = "no. bye. 1 star for making me come back three times"
    state = helped("action_handback")
    state.update(ActionExecuted("action_handoff"))
    assert reading(parsed("I'm done, bye", "goodbye"), state) is None  # queued again: the waiting reading's
    # Without a person, a rating with scale and a goodbye is still the rating, never a demand.
    assert (
        rating_of(reading(parsed(text, "demand_compensation"), DialogueStateTracker("x", [])) or {"entities": []})
        == "1"
    )
    assert reading(parsed("where is my order LK-10422?", "ask_status"), helped("action_handback")) is None
    assert reading(parsed("2", "choose_alternative"), helped("action_handback")) is None  # a button, not a rating


def test_a_question_about_what_the_person_arranged_is_where_things_stand():
    """P3 c01: "will the credit definitely be on my next bill?" after Sam's credit was "I'd rather not guess"."""
    from rasa.shared.core.events import SlotSet
    from rasa.shared.core.slots import AnySlot

    state = DialogueStateTracker("credited", [AnySlot("settled", mappings=[{"type": "custom"}])])
    state.update(ActionExecuted("action_handoff"))
    state.update(ActionExecuted("action_handback"))
    state.update(SlotSet("settled", [{"alternative": "goodwill_credit", "kind": "credit", "status": "done"}]))
    state.update(ActionExecuted("action_listen"))
    asked = reading(parsed("no that's it. will the credit definitely be on my next bill?", "ask_why"), state)
    assert asked is not None and asked["intent"]["name"] == "ask_status"
    # A record named is a case of its own, not what stands.
    assert reading(parsed("it's an order, not a bill. where is order LK-10422?", "ask_why"), state) is None
    # Nothing arranged: nothing to say it from.
    assert reading(parsed("will the credit be on my next bill?", "ask_why"), helped("action_handback")) is None


def test_an_email_asked_for_after_a_hand_back_is_the_teams_email_not_the_queue():
    """P3 w1: "a person just sent me back to you! can someone just email me about the trace" was queued again."""
    text = "a person just sent me back to you! can someone just email me about the trace"
    result = reading(parsed(text, "request_human"), helped("action_handback"))
    assert result is not None and result["intent"]["name"] == "choose_alternative"
    assert [(e["entity"], e["value"]) for e in result["entities"]] == [("alternative", "email_followup")]
    assert reading(parsed(text, "request_human"), DialogueStateTracker("x", [])) is None  # no person yet


def test_a_new_case_beside_a_short_im_fine_is_not_a_goodbye():
    text = "I'm fine. but my order LK-10423 hasn't come"
    assert reading(parsed(text, "check_order_status"), helped("action_handback")) is None


def test_an_order_named_with_the_bill_in_hand_is_the_orders_case():
    """P3 c07: after the hand-back, "it's an order, not a bill. where is order LK-10422?" was answered as the
    bill twice ("Without the bill in front of me I can't check the lines myself")."""
    from rasa.shared.core.events import SlotSet
    from rasa.shared.core.slots import AnySlot

    state = DialogueStateTracker("c07", [AnySlot("order_id", mappings=[{"type": "custom"}])])
    state.update(ActionExecuted("action_handoff"))
    state.update(ActionExecuted("action_handback"))
    state.update(SlotSet("order_id", "BL-30018"))
    state.update(ActionExecuted("action_listen"))
    for text in (
        "it's an order, not a bill. where is order LK-10422?",
        "and the parcel. LK-10422. I did say two things",
    ):
        result = reading(parsed(text, "dispute_charge"), state)
        assert result is not None and result["intent"]["name"] == "check_order_status", text
    state.update(SlotSet("order_id", "LK-10422"))  # the order in hand already: read as usual
    assert reading(parsed("where is order LK-10422?", "check_order_status"), state) is None


@pytest.mark.parametrize(
    "text, intent",
    [
        ("I waited a solid 4 hours for nothing", "complain_service"),
        ("7/10 of my items were missing", "report_missing_item"),
        ("I was quoted 3 out of 5 days", "check_order_status"),
    ],
)
def test_a_complaint_with_a_number_of_things_after_a_hand_back_is_no_rating(text, intent):
    # Review of the third panel's fixes: each was read as a rating (4, 4, 3) and the complaint swallowed.
    assert reading(parsed(text, intent), helped("action_handback")) is None
