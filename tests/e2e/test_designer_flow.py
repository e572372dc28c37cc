"""A designer adds a complaint scenario, or rewords a response; the running assistant uses it without a restart.

The real servers run from a copy of the project, taking their model from the
model server (as `make run` does). While a customer is mid-conversation, the
edits in docs/example-scenario/ go into the copy, the playbook check passes, the
real `scripts.model` (what `make train` runs) retrains, and the server swaps the
model under the ongoing conversation. A wording edit to the copy's domain.yml
reaches new conversations within seconds with no training at all, and a broken save
is refused while customers keep the last good words. Timings go to
results/hot_reload.json.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any, Dict, List

import pytest

from launch.launcher import ROOT, Servers
from server.desk.store import DeskStore
from tests.e2e.conftest import PASSWORD, Bot, DeskClient, assert_gracious, model_path, server_env

EXAMPLE = ROOT / "docs" / "example-scenario"
SWAP_TIMEOUT = 120
# A wording edit reaches customers within this many seconds (docs/designers.md promises it).
WORDING_LIVE_S = 5.0
FIGURES = ROOT / "results" / "hot_reload.json"


def record(figures: Dict[str, float]) -> None:
    """Merge ``figures`` into results/hot_reload.json, keeping the other tests' figures."""
    FIGURES.parent.mkdir(exist_ok=True)
    try:
        kept = json.loads(FIGURES.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        kept = {}
    FIGURES.write_text(json.dumps({**kept, **figures}, indent=2) + "\n", encoding="utf-8")


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
        record(figures)
        print(figures)
    finally:
        servers.stop()


def reword(domain: Path, name: str, words: str) -> int:
    """Give response ``name`` in ``domain`` the one variation ``words``, as a designer would; its line."""
    lines = domain.read_text(encoding="utf-8").splitlines(keepends=True)
    start = lines.index(f"  {name}:\n")
    end = start + 1
    while end < len(lines) and lines[end].startswith("    "):
        end += 1
    lines[start + 1 : end] = [f'    - text: "{words}"\n']
    domain.write_text("".join(lines), encoding="utf-8")
    return start + 2


def texts(replies: List[Dict[str, Any]]) -> str:
    return " ".join(r.get("text") or "" for r in replies)


def until_said(bot: Bot, messages: List[str], words: str, since: float) -> float:
    """New conversations until one hears ``words``; seconds from ``since``."""
    while True:
        sender = f"e2e-{uuid.uuid4().hex[:12]}"
        bot.sign_in(sender, None)  # a guest: asked for the bill, with the sympathy that carries the sorry
        replies: List[Dict[str, Any]] = []
        for message in messages:
            replies = bot.say(sender, message)
        if words in texts(replies):
            return time.monotonic() - since
        assert time.monotonic() - since < WORDING_LIVE_S, f"still not said after {WORDING_LIVE_S} s: {replies}"
        time.sleep(0.1)


GREETING = "Hello and welcome to Larkspur & Co. I'm Gracious, and I'm all ears. What can I do for you?"
EMPATHY = "I'm sorry the bill looks wrong; that's a real worry, and I'm glad you brought it to me."
COMPLAINT = ["hello", "my phone bill is wrong, the volume discount is missing"]


def wording_refusals(bot: Bot) -> List[Dict[str, Any]]:
    """The refused wording edits the desk's banner shows an agent."""
    desk = DeskClient(bot.base)
    desk.sign_in("sam")
    status, body = desk.call("/desk/api/edits")
    assert status == 200, body
    return [r for r in body["rejected"] if r["file"] == "domain.yml"]


def test_new_wording_reaches_customers_in_seconds_without_training(project: Path, tmp_path: Path) -> None:
    var = tmp_path / "var"
    var.mkdir()
    domain = project / "domain.yml"
    env = server_env(var, GRACIOUS_DOMAIN=str(domain))
    servers = Servers(model_path(), env, log_dir=var / "logs", live_models=project / "models")
    servers.start()
    try:
        bot = Bot(servers, env)
        store = DeskStore(env["GRACIOUS_RECORDS_DB_URL"])
        asyncio.run(store.add_agent("sam", "Sam Lee", PASSWORD))
        store.engine.dispose()
        before = model_id(bot)
        first = bot.say(f"e2e-{uuid.uuid4().hex[:12]}", "hello")
        assert_gracious(first)
        assert GREETING not in texts(first)
        models = sorted(p.name for p in (project / "models").iterdir())

        # The designer rewords the greeting (said by Rasa) and the bill empathy (read from the
        # domain by actions/empathize.py) and saves: no `make train`.
        reword(domain, "utter_greet", GREETING)
        reword(domain, "utter_empathy_dispute_charge_sorry", EMPATHY)  # sympathy and sorry in one
        saved = time.monotonic()
        greeting_live = until_said(bot, ["hello"], GREETING, saved)
        empathy_live = until_said(bot, COMPLAINT, EMPATHY, saved)
        assert_gracious(bot.say(f"e2e-{uuid.uuid4().hex[:12]}", "hello"))
        # Nothing was trained: the same model answers, and no new one was made.
        assert model_id(bot) == before
        assert sorted(p.name for p in (project / "models").iterdir()) == models

        # A broken save (a tab where YAML wants spaces, with new words in it) is refused:
        # customers keep the last good words, and the log says where and what to do.
        text = domain.read_text(encoding="utf-8")
        broken_line = reword(domain, "utter_greet", "Broken words nobody should read.")
        domain.write_text(
            domain.read_text(encoding="utf-8").replace(
                '    - text: "Broken words nobody should read."', '\t- text: "Broken words nobody should read."'
            ),
            encoding="utf-8",
        )
        refused = time.monotonic()
        log = var / "logs" / "bot.log"
        # The file is looked at when a response is said: customers keep talking meanwhile.
        while f"domain.yml:{broken_line}: " not in log.read_text(errors="replace"):
            assert time.monotonic() - refused < WORDING_LIVE_S, log.read_text(errors="replace")[-3000:]
            assert GREETING in texts(bot.say(f"e2e-{uuid.uuid4().hex[:12]}", "hello"))
            time.sleep(0.1)
        warning = next(
            line for line in log.read_text(errors="replace").splitlines() if f"domain.yml:{broken_line}: " in line
        )
        assert "YAML needs spaces" in warning, warning
        assert "domain.yml: the new wording is live" in log.read_text(errors="replace")
        for _ in range(3):
            replies = bot.say(f"e2e-{uuid.uuid4().hex[:12]}", "hello")
            assert GREETING in texts(replies) and "Broken words" not in texts(replies), replies
        # The desk's banner says it too (GET /desk/api/edits, gracious/edits.py).
        assert [(r["file"], r["line"]) for r in wording_refusals(bot)] == [("domain.yml", broken_line)]
        assert wording_refusals(bot)[0]["banner"].startswith("Wording edit rejected: a tab or bad indentation")
        guest = f"e2e-{uuid.uuid4().hex[:12]}"
        bot.sign_in(guest, None)  # asked for the bill, with the sympathy that carries the sorry
        assert EMPATHY in texts([r for m in COMPLAINT for r in bot.say(guest, m)])
        assert model_id(bot) == before

        # Fixed: the fixed words go live too.
        domain.write_text(text.replace(GREETING, "Hi, I'm Gracious. How can I help today?"), encoding="utf-8")
        until_said(bot, ["hello"], "Hi, I'm Gracious. How can I help today?", time.monotonic())
        assert wording_refusals(bot) == []

        figures = {
            "wording_live_after_save_s": round(greeting_live, 2),
            "action_wording_live_after_save_s": round(empathy_live, 2),
        }
        record(figures)
        print(figures)
    finally:
        servers.stop()
