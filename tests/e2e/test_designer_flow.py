"""A designer adds a complaint scenario; the running assistant uses it without a restart.

The real servers run from a copy of the project, taking their model from the
model server (as `make run` does). While a customer is mid-conversation, the
edits in docs/example-scenario/ go into the copy, the playbook check passes, the
real `scripts.model` (what `make train` runs) retrains, and the server swaps the
model under the ongoing conversation. Timings go to results/hot_reload.json.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Dict

import pytest

from launch.launcher import ROOT, Servers
from tests.e2e.conftest import Bot, assert_gracious, model_path, server_env

EXAMPLE = ROOT / "docs" / "example-scenario"
SWAP_TIMEOUT = 120


def section(text: str, name: str) -> str:
    """The indented lines under a top-level key of a YAML snippet, as text."""
    lines = text.splitlines(keepends=True)
    start = lines.index(f"{name}:\n") + 1
    end = next((i for i in range(start, len(lines)) if lines[i][:1] not in (" ", "-", "\n")), len(lines))
    return "".join(lines[start:end]).rstrip("\n") + "\n"


def insert_after(path: Path, anchor: str, text: str) -> None:
    content = path.read_text(encoding="utf-8")
    assert anchor in content
    path.write_text(content.replace(anchor, anchor + text, 1), encoding="utf-8")


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n" + text, encoding="utf-8")


def add_example_scenario(project: Path) -> None:
    """The edits the README's "Adding a complaint scenario" asks of a designer."""
    shutil.copy(EXAMPLE / "nlu.yml", project / "data" / "nlu" / "loyalty.yml")
    shutil.copy(EXAMPLE / "rules.yml", project / "data" / "rules" / "loyalty.yml")
    domain = (EXAMPLE / "domain.yml").read_text(encoding="utf-8")
    insert_after(project / "domain.yml", "\nintents:\n", section(domain, "intents"))
    append(project / "domain.yml", section(domain, "responses"))
    policy = (EXAMPLE / "policy.yml").read_text(encoding="utf-8")
    catalog = project / "catalog" / "policies.yml"
    insert_after(catalog, "\nalternatives:\n", section(policy, "alternatives"))
    append(catalog, "\n" + section(policy, "policies"))
    story = (EXAMPLE / "test_story.yml").read_text(encoding="utf-8")
    append(project / "tests" / "stories" / "test_orders.yml", "\n" + section(story, "stories"))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    copy = tmp_path / "project"
    for name in ("data", "catalog", "tests/stories"):
        shutil.copytree(ROOT / name, copy / name)
    for name in ("config.yml", "domain.yml"):
        shutil.copy(ROOT / name, copy / name)
    (copy / "models").mkdir()
    shutil.copy(model_path(), copy / "models" / model_path().name)
    return copy


def model_id(bot: Bot) -> str:
    status, body = bot.get("/status")
    assert status == 200, body
    return body["model_id"]


def test_a_new_scenario_reaches_the_running_assistant_without_a_restart(project: Path, tmp_path: Path) -> None:
    var = tmp_path / "var"
    var.mkdir()
    env = server_env(var, GRACIOUS_CATALOG=str(project / "catalog" / "policies.yml"))
    servers = Servers(model_path(), env, log_dir=var / "logs", live_models=project / "models")
    servers.start()
    try:
        bot = Bot(servers, env)
        before = model_id(bot)
        ongoing = f"e2e-{uuid.uuid4().hex[:12]}"
        assert_gracious(bot.say(ongoing, "hello"))
        asked = bot.say(ongoing, "my phone bill is wrong, the volume discount is missing")
        assert any("bill" in r.get("text", "").lower() for r in asked), asked

        add_example_scenario(project)
        check = subprocess.run(
            [sys.executable, "-m", "studio.check", "--root", str(project)], cwd=ROOT, capture_output=True, text=True
        )
        assert check.returncode == 0, check.stdout

        started = time.monotonic()
        training = subprocess.Popen(
            [sys.executable, "-m", "scripts.model", "--root", str(project)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=dict(os.environ, RASA_CACHE_DIRECTORY=str(ROOT / ".rasa" / "cache")),
        )
        # The customer carries on while the model trains: the old model answers.
        explained = bot.say(ongoing, "it's BL-30017")
        assert_gracious(explained)
        assert any(r.get("buttons") for r in explained), explained
        assert training.wait(timeout=900) == 0
        trained = time.monotonic()

        # While the new model loads, the old one keeps answering (no frozen server).
        while model_id(bot) == before:
            assert time.monotonic() - trained < SWAP_TIMEOUT, "the running server never loaded the new model"
            assert_gracious(bot.say(f"e2e-{uuid.uuid4().hex[:12]}", "hello"))
            time.sleep(0.5)
        swapped = time.monotonic()

        # A new customer with the new complaint gets the new empathy, policy and alternative.
        newcomer = f"e2e-{uuid.uuid4().hex[:12]}"
        replies = bot.say(newcomer, "i bought a lamp last week and my loyalty points never showed up")
        assert_gracious(replies)
        said = " ".join(r.get("text", "") for r in replies)
        assert "within 48 hours of a purchase" in said, replies
        titles = [b["title"] for r in replies for b in r.get("buttons", [])]
        assert "Add my missing points now" in titles, replies
        assert bot.tracker(newcomer)["slots"]["policy_id"] == "loyalty_points_delay"

        # The conversation that began on the old model goes on where it was.
        done = bot.say(ongoing, '/choose_alternative{"alternative": "goodwill_credit"}')
        assert any("goodwill credit is on your account" in r.get("text", "") for r in done), done
        tracker = bot.tracker(ongoing)
        customer_lines = [e["text"] for e in tracker["events"] if e["event"] == "user"]
        assert customer_lines[:3] == [
            "hello",
            "my phone bill is wrong, the volume discount is missing",
            "it's BL-30017",
        ]
        assert tracker["slots"]["policy_id"] == "volume_discount_domestic"

        figures: Dict[str, float] = {
            "training_after_adding_a_scenario_s": round(trained - started, 1),
            "model_live_after_training_s": round(swapped - trained, 1),
        }
        (ROOT / "results").mkdir(exist_ok=True)
        (ROOT / "results" / "hot_reload.json").write_text(json.dumps(figures, indent=2) + "\n")
        print(figures)
    finally:
        servers.stop()
