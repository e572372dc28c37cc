"""Against the real servers (issue #17, the desk queue's second panel): thanks with the stars after
the rating question is a rating, and asking for it logs no ERROR (the buttons' payloads were taken
for placeholders by Rasa's interpolator)."""

from __future__ import annotations

import uuid
from pathlib import Path

from tests.e2e.conftest import Bot, texts
from tests.e2e.test_rating_words import closed_by_an_agent, closing_bot, rows  # noqa: F401 (the servers)
from tests.helpers.domain import variations


def bot_log(bot: Bot) -> str:
    log_dir = bot.servers.log_dir
    assert isinstance(log_dir, Path)
    return (log_dir / "bot.log").read_text(encoding="utf-8", errors="replace")


def test_thanks_with_five_stars_is_the_rating_and_no_error_is_logged(closing_bot: Bot) -> None:  # noqa: F811
    sender = f"rate-stars-{uuid.uuid4().hex[:8]}"
    before = len(bot_log(closing_bot))
    handoff = closed_by_an_agent(closing_bot, sender)

    said = texts(closing_bot.say(sender, "Wonderful, thank you. 5 stars."))

    assert variations("utter_rating_recorded_words")[0].replace("{rating}", "5") in said
    assert [(r["rating"], r["handoff_id"]) for r in rows(closing_bot, "ratings") if r["sender_id"] == sender] == [
        (5, handoff)
    ]
    logged = bot_log(closing_bot)[before:]
    assert "interpolator" not in logged and "ERROR" not in logged, logged[-3000:]
