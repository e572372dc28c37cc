"""Readings of words from the blind panels AC to AF (7 December), mended on 8 December."""

import pytest

from gracious import repair


@pytest.mark.parametrize(
    "text, closes",
    [
        ("no need, just tell the manager please. thank you, that is all", True),
        ("please let the manager know. that is everything, thanks", True),
        ("pass it on please. thanks thats all", True),
        # something more asked beside it: not a close
        ("just tell the manager and refund me. thanks, that is all", False),
        ("tell the manager. can you call me? thanks", False),
        ("no need to call, just tell the manager please. thank you, that is all", False),
        # no close after it
        ("ok tell your boss", False),
        ("tell the manager please", False),
    ],
)
def test_told_to_pass_it_on_then_a_close(text, closes):
    assert repair.passes_on_then_closes(text) is closes


@pytest.mark.parametrize(
    "text, asks",
    [
        ("honestly id rather someone just called me and told me whats going on with the courier", True),
        ("i'd much rather you phoned me", True),
        # a call told of, not asked for
        ("someone called me yesterday and hung up", False),
        ("nobody ever called me back", False),
    ],
)
def test_a_call_wished_for_as_what_they_would_rather(text, asks):
    assert repair.asks_for_a_call(text) is asks


@pytest.mark.parametrize(
    "text, choice",
    [
        ("why would i take 10 when u just offered 15. the spring one", "the spring one"),
        ("who would say no to that. the credit", "the credit"),
        # the question alone, or a question after it: nothing chosen here
        ("why would i take that?", None),
        ("why would i take 10. which is better?", None),
    ],
)
def test_a_choice_said_after_a_question_that_answers_itself(text, choice):
    from server.dialogue.typed_choices import RHETORICAL_THEN

    found = RHETORICAL_THEN.match(text)
    assert (found.group("choice") if found else None) == choice
