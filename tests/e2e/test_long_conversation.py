"""A long conversation: a case opened early is still there after the windows move on.

The policy predicts on the recent turns (server/dialogue/policies.py) and the action server
gets the recent events (overrides/remote_actions.py); the case's slots must carry
across both, and nothing the customer said may be lost from the tracker.
"""

from __future__ import annotations

import yaml

from launch.launcher import ROOT
from overrides.remote_actions import PAYLOAD_EVENTS
from server.dialogue.policies import WINDOW_ACTIONS
from tests.e2e.conftest import Bot, assert_gracious, choose, texts

SMALL_TALK = ["hello again", "thanks"]


def test_a_case_opened_forty_turns_ago_is_still_put_right(bot: Bot, sender: str) -> None:
    opened = bot.say(sender, "my phone bill BL-30017 is wrong, I didn't get the volume discount I expected")
    assert_gracious(opened)
    for turn in range(80):
        assert_gracious(bot.say(sender, SMALL_TALK[turn % 2]))
    events = bot.tracker(sender)["events"]
    assert len(events) > PAYLOAD_EVENTS
    assert sum(e["event"] == "action" for e in events) > 2 * WINDOW_ACTIONS

    credited = choose(bot, sender, opened, "goodwill_credit")
    assert "goodwill credit is on your account" in texts(credited)
    closing = bot.say(sender, "no that's all, thanks")
    thanks = yaml.safe_load((ROOT / "domain.yml").read_text())["responses"]["utter_thank_for_chance"]
    assert any(v["text"] in texts(closing) for v in thanks), closing

    tracker = bot.tracker(sender)
    said = [e["text"] for e in tracker["events"] if e["event"] == "user"]
    assert len(said) == 83 and said[0].startswith("my phone bill BL-30017")
    assert tracker["slots"]["policy_id"] == "volume_discount_domestic"
    assert tracker["slots"]["concern_logged"] is True
