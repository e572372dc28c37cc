"""The soak's tally sums what became of each conversation's messages (no cluster needed)."""

from __future__ import annotations

from bench.soak import Conversation, Tally


def test_the_tally_sums_the_conversations_counts_and_problems() -> None:
    first = Conversation(sender="a", sent=3, answered=2, apologised=1, retried=1, unanswered=1)
    first.problem("status 502")
    second = Conversation(sender="b", sent=2, answered=2)
    second.problem("status 502")
    second.problem("TimeoutError")
    tally = Tally(conversations=2, seconds=1.0)

    tally.add(first)
    tally.add(second)

    assert (tally.sent, tally.answered, tally.apologised, tally.retried) == (5, 4, 1, 1)
    assert tally.problems == {"status 502": 2, "TimeoutError": 1}
    assert first.problems == {"status 502": 1}  # the conversation's own counts are left as they were
