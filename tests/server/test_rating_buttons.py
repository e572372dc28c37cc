"""The rating question's buttons reach the widget whole, with nothing logged as an ERROR.

Rasa fills {placeholders} in a response's button payloads too (rasa.core.nlg.interpolator), and
took '/give_feedback{"rating": "1"}' for one: an ERROR in the server's log after every close
(issue #17). In domain.yml the payloads' braces are doubled, as Python's formatting writes a
brace, so filling them gives the JSON back and logs nothing.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from structlog.testing import capture_logs

from server.dialogue import whole_words

ROOT = Path(__file__).resolve().parents[2]
CLICKS = [f'/give_feedback{{"rating": "{n}"}}' for n in "12345"]


@pytest.mark.parametrize("chosen_by", ["rasa", "whole_words"])
def test_the_rating_buttons_are_filled_without_an_error(monkeypatch: pytest.MonkeyPatch, chosen_by: str) -> None:
    if chosen_by == "whole_words":  # as the running assistant chooses (overrides/)
        monkeypatch.setattr(TemplatedNaturalLanguageGenerator, "generate_from_slots", whole_words.generate_whole)
    domain = Domain.load(str(ROOT / "domain.yml"))
    nlg = TemplatedNaturalLanguageGenerator(domain.responses)
    closed = DialogueStateTracker("rated", domain.slots)  # as a conversation has them: every slot, set or not

    with capture_logs() as logs:
        asked = asyncio.run(nlg.generate("utter_ask_rating", closed, "rest"))

    assert asked is not None
    assert [b["payload"] for b in asked["buttons"]] == CLICKS
    assert [entry for entry in logs if entry.get("log_level") in ("error", "critical", "exception")] == []
