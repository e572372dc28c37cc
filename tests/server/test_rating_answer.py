"""server/dialogue/rating_answer.py: the answer to the rating question is the rating, whatever
the classifier read, and only just after the question was asked."""

from __future__ import annotations

from typing import Any, Dict

import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from server.dialogue.rating_answer import reading


def closed_and_asked() -> DialogueStateTracker:
    """As server/desk/conversation.close leaves it: the goodbye, the rating question, then listening."""
    state = DialogueStateTracker("rated", [])
    state.update(UserUttered("ok fine"))
    state.update(ActionExecuted("action_close_conversation"))
    state.update(BotUttered("Thanks for stopping by."))
    state.update(ActionExecuted("utter_ask_rating"))
    state.update(BotUttered("One last thing, if you have a second: how did we do today?"))
    state.update(ActionExecuted("action_listen"))
    return state


def parsed(text: str, intent: str) -> Dict[str, Any]:
    ranking = [{"name": intent, "confidence": 0.6}]
    return {"text": text, "intent": ranking[0], "intent_ranking": ranking, "entities": []}


@pytest.mark.parametrize(
    "text, intent, rating, words",
    [
        ("1. two weeks is not ok", "complain_service", "1", "two weeks is not ok"),
        ("2 - slow", "express_frustration", "2", "slow"),
        ("i'd say 4", "inform", "4", ""),
        ("five", "nlu_fallback", "5", ""),
        ("3/5", "inform", "3", ""),
        ("3, the handover was clunky", "give_feedback", "3", "the handover was clunky"),
        # The desk queue's second panel (#17): thanks with the stars after it was no rating.
        ("Wonderful, thank you. 5 stars.", "thank", "5", "Wonderful, thank you"),
        ("10/10", "nlu_fallback", "5", ""),
        ("\u2b50\u2b50\u2b50\u2b50", "nlu_fallback", "4", ""),
        ("a solid 4", "inform", "4", ""),
    ],
)
def test_the_answer_to_the_rating_question_is_the_rating(text, intent, rating, words):
    result = reading(parsed(text, intent), closed_and_asked())

    assert result is not None
    assert (result["intent"]["name"], result["repair"], result["rating_words"]) == ("give_feedback", "rating", words)
    assert [(e["entity"], e["value"]) for e in result["entities"]] == [("rating", rating)]
    assert result["text"] == text


def test_not_once_the_customer_has_moved_on():
    state = closed_and_asked()
    state.update(UserUttered("4"))
    state.update(ActionExecuted("action_record_feedback"))
    state.update(ActionExecuted("action_listen"))
    assert reading(parsed("1 more question about LK-10423", "check_order_status"), state) is None


def test_not_without_the_question_nor_without_a_number():
    fresh = DialogueStateTracker("fresh", [])
    fresh.update(UserUttered("hi"))
    assert reading(parsed("2 - slow", "express_frustration"), fresh) is None
    assert reading(parsed("it was fine thanks", "thank"), closed_and_asked()) is None
    assert reading(parsed('/give_feedback{"rating": "2"}', "give_feedback"), closed_and_asked()) is None
