"""`make review` on conversations held with the real servers, and `rasa test` on its story."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest
import yaml

from launch.launcher import ROOT
from tests.e2e.conftest import Bot, model_path

# Gibberish is learned as out_of_scope here; a vague line is what falls back.
UNCLEAR = "and the other matter"


def review(bot: Bot, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "studio.review", *args],
        cwd=ROOT,
        env=bot.env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def conversations(bot: Bot) -> Dict[str, str]:
    """A full bill dispute and a conversation with a line the assistant didn't understand."""
    dispute, confused = f"review-dispute-{uuid.uuid4().hex[:8]}", f"review-fallback-{uuid.uuid4().hex[:8]}"
    bot.say(dispute, "hi")
    replies = bot.say(dispute, "my phone bill BL-30017 is wrong, I didn't get the volume discount I expected")
    assert any(b["payload"].endswith('"goodwill_credit"}') for r in replies for b in r.get("buttons", []))
    bot.say(dispute, '/choose_alternative{"alternative": "goodwill_credit"}')
    bot.say(dispute, "no that's all, thanks")
    bot.say(confused, "hello")
    bot.say(confused, UNCLEAR)
    assert "action_handle_misunderstanding" in bot.actions(confused)
    return {"dispute": dispute, "confused": confused}


def listed(output: str) -> Dict[str, str]:
    return {line.split()[0]: line for line in output.splitlines() if line.strip()}


def test_list_shows_both_conversations_with_their_flags(bot: Bot, conversations: Dict[str, str]) -> None:
    result = review(bot, "--limit", "200")
    assert result.returncode == 0, result.stderr
    rows = listed(result.stdout)
    dispute, confused = rows[conversations["dispute"]], rows[conversations["confused"]]
    assert "dispute_charge" in dispute and "fallback" not in dispute and "handoff" not in dispute
    assert " 4 " in dispute  # customer turns
    assert "fallback" in confused and "low confidence" in confused


def test_flagged_only_leaves_out_conversations_without_flags(bot: Bot, conversations: Dict[str, str]) -> None:
    # A busy machine may answer a turn slowly: the long-wait flag is not what this test is about.
    quiet = ("--limit", "200", "--min-confidence", "0", "--long-wait", "120")
    everything = listed(review(bot, *quiet).stdout)
    flagged = listed(review(bot, *quiet, "--flagged").stdout)
    assert conversations["confused"] in flagged
    assert conversations["dispute"] in everything and conversations["dispute"] not in flagged


def test_show_prints_the_conversation_as_a_transcript(bot: Bot, conversations: Dict[str, str]) -> None:
    result = review(bot, "--id", conversations["dispute"])
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "1. Customer: hi" in out
    assert "2. Customer: my phone bill BL-30017 is wrong" in out and "(dispute_charge " in out
    assert "Gracious: " in out and "[A $10.00 goodwill credit]" in out
    assert "-- form case_form started --" in out
    assert "$10.00 goodwill credit is on your account" in out


def test_unknown_conversation_is_refused_clearly(bot: Bot) -> None:
    result = review(bot, "--id", "nobody-ever-said-this")
    assert result.returncode == 1
    assert "no conversation with the id 'nobody-ever-said-this'" in result.stderr


def reviewed_stories(bot: Bot, conversations: Dict[str, str], tmp_path: Path) -> Tuple[Path, List[str]]:
    stories = tmp_path / "stories"
    shutil.copytree(ROOT / "tests" / "stories", stories)
    outputs = []
    for key in ("dispute", "confused"):
        result = review(bot, "--id", conversations[key], "--story", "--stories-dir", str(stories))
        assert result.returncode == 0, result.stderr
        outputs.append(result.stdout)
    return stories, outputs


def test_story_from_a_real_conversation_passes_rasa_test(
    bot: Bot, conversations: Dict[str, str], tmp_path: Path
) -> None:
    stories, outputs = reviewed_stories(bot, conversations, tmp_path)
    assert "to tests" not in outputs[0] and "test_billing.yml" in outputs[0]
    billing = (stories / "test_billing.yml").read_text()
    original = (ROOT / "tests" / "stories" / "test_billing.yml").read_text()
    assert billing.startswith(original)  # appended: comments and stories kept
    story = yaml.safe_load(billing)["stories"][-1]
    assert conversations["dispute"] in story["story"]
    steps = story["steps"]
    assert {
        "user": "my phone bill [BL-30017](order_id) is wrong, I didn't get the volume discount I expected\n",
        "intent": "dispute_charge",
    } in steps
    assert {"slot_was_set": [{"alternative": "goodwill_credit"}]} in steps
    assert steps[-1] == {"action": "action_close_conversation"}
    fallback = yaml.safe_load((stories / "test_reviewed.yml").read_text())["stories"][-1]["steps"]
    assert {"user": UNCLEAR + "\n", "intent": "nlu_fallback"} in fallback

    out = tmp_path / "results"
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "rasa"),
            "test",
            "core",
            "--model",
            str(model_path()),
            "--stories",
            str(stories),
            "--e2e",
            "--fail-on-prediction-errors",
            "--out",
            str(out),
        ],
        cwd=ROOT,
        env=bot.env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = json.loads((out / "story_report.json").read_text())
    assert report["accuracy"] == 1.0


def test_bad_intent_correction_writes_nothing(bot: Bot, conversations: Dict[str, str], tmp_path: Path) -> None:
    stories = tmp_path / "stories"
    stories.mkdir()
    result = review(
        bot, "--id", conversations["dispute"], "--story", "--intent", "2=not_an_intent", "--stories-dir", str(stories)
    )
    assert result.returncode == 1
    assert "'not_an_intent' is not an intent in domain.yml" in result.stderr
    assert not list(stories.iterdir())


def test_recorded_tracker_for_unit_tests_is_current(bot: Bot, conversations: Dict[str, str]) -> None:
    """The unit tests' fixture is this conversation as the store records it; refresh it when the flow changes."""
    fixture = ROOT / "tests" / "studio" / "fixtures" / "bill_dispute_tracker.json"
    events = bot.tracker(conversations["dispute"])["events"]
    recorded = json.loads(fixture.read_text())["events"]

    def kinds(evs: List[Dict[str, Any]]) -> List[Tuple[Any, ...]]:
        return [
            (e["event"], e.get("name"), (e.get("parse_data") or {}).get("intent", {}).get("name"))
            for e in evs
            if e["event"] in ("user", "action", "active_loop")
        ]

    assert kinds(recorded) == kinds(events)
