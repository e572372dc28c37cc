"""The per-address limit's message says only what is true: the limit counts conversations from the
connection that asked for a person within the hour (gracious/stores/handoff_queue.py), not requests
still in the queue, which may all be closed."""

from __future__ import annotations

from datetime import timedelta

from gracious.stores import handoff_queue


def test_the_limit_message_speaks_of_the_hours_requests_not_the_queue(domain):
    [variation] = domain["responses"]["utter_handoff_limited"]
    text = variation["text"]
    assert "queue" not in text and "holding" not in text  # they may all be finished or left
    assert "several conversations from this connection have already asked for a person within the last hour" in text
    assert handoff_queue.WINDOW == timedelta(hours=1)  # what "within the last hour" stands on
    assert "call" in text and "email" in text and "saved" in text
