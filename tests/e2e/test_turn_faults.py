"""Faults under `make run`: a frozen action server gets one apology within the turn's
deadline, the details in a message that could not be answered are saved, and a crashed
action server is started again while the assistant stays up.

These tests freeze and kill the action server, so they run the real launcher
(``python -m launch.launcher``, what `make run` starts) on ports of their own.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Iterator, List

import pytest
import yaml

from gracious.stores.records import Records
from launch.launcher import ROOT
from tests.e2e.conftest import Bot, assert_gracious, model_path, server_env, texts

DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
TROUBLE = DOMAIN["responses"]["utter_service_trouble"][0]["text"]
CONTACT_SAVED = DOMAIN["responses"]["utter_service_trouble_contact_saved"][0]["text"]
STILL_WORKING = DOMAIN["responses"]["utter_still_working"][0]["text"]
DEADLINE = 8.0
# Generous for a busy machine; the old behaviour took a minute or more.
DEADLINE_SLACK = 12.0
COMPLAINT = "my phone bill BL-30017 is wrong, I didn't get my volume discount"


class Launched(Bot):
    """The assistant as `make run` starts it, with the launcher's output at hand."""

    def __init__(self, process: subprocess.Popen, env: dict, log: Path) -> None:
        super().__init__(None, env)  # type: ignore[arg-type] - no Servers object: the launcher has them
        self.process = process
        self.log = log

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def action_server_group(self) -> int:
        """The process group of the action server the launcher started last."""
        port = self.env["ACTION_PORT"]
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                argv = (entry / "cmdline").read_bytes().split(b"\0")
                pid = int(entry.name)
                if b"launch.action_server" in argv and port.encode() in argv and os.getpgid(pid) == pid:
                    return pid
            except (OSError, ProcessLookupError):
                continue
        raise AssertionError("no action server is running")

    def action_server_up(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.env['ACTION_PORT']}/health", timeout=2) as reply:
                return reply.status == 200
        except OSError:
            return False

    def handoffs(self, sender: str) -> List[dict]:
        records = Records(self.env["GRACIOUS_RECORDS_DB_URL"])
        try:
            return asyncio.run(records.rows("handoffs", sender))
        finally:
            records.engine.dispose()


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Launched]:
    var = tmp_path_factory.mktemp("launched-var")
    env = server_env(
        var,
        GRACIOUS_TURN_DEADLINE_SECONDS=str(DEADLINE),
        GRACIOUS_PATIENCE_SECONDS="2",
        PYTHONUNBUFFERED="1",
        GRACIOUS_ACTIONS="server",  # an action server frozen and killed; in-process: tests/overrides/test_in_process.py
    )
    log = var / "launcher.log"
    with open(log, "ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "launch.launcher", "--model", str(model_path())],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    launched = Launched(process, env, log)
    try:
        started = time.monotonic()
        while "Gracious is running." not in launched.output():
            assert process.poll() is None, launched.output()[-3000:]
            assert time.monotonic() - started < 300, launched.output()[-3000:]
            time.sleep(0.5)
        yield launched
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def frozen(bot: Launched) -> "Frozen":
    return Frozen(bot.action_server_group())


class Frozen:
    """The action server stopped (SIGSTOP) as a hung process is: it accepts calls and never answers."""

    def __init__(self, group: int) -> None:
        self.group = group

    def __enter__(self) -> "Frozen":
        os.killpg(self.group, signal.SIGSTOP)
        return self

    def __exit__(self, *_: object) -> None:
        os.killpg(self.group, signal.SIGCONT)


def test_a_frozen_action_server_gets_one_apology_within_the_turn_deadline(bot: Launched, sender: str) -> None:
    bot.say(sender, "hello")
    with frozen(bot):
        started = time.monotonic()
        replies = bot.say(sender, COMPLAINT)
        took = time.monotonic() - started
    # One apology, nothing of a half-finished turn before it, and no minute of silence.
    assert [r.get("text") for r in replies] == [TROUBLE], replies
    assert took < DEADLINE + DEADLINE_SLACK, took
    assert COMPLAINT in [e.get("text") for e in bot.tracker(sender)["events"] if e["event"] == "user"]
    replies = bot.say(sender, "why not? I made lots of calls")  # service as usual once it answers again
    assert_gracious(replies)
    assert TROUBLE not in texts(replies), replies
    # `make review` shows the apology the customer read, and flags it at its turn.
    review = subprocess.run(
        [sys.executable, "-m", "studio.review", "--id", sender, "--long-wait", "120"],
        cwd=ROOT,
        env=bot.env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert review.returncode == 0, review.stderr
    lines = [line.strip() for line in review.stdout.splitlines()]
    complaint = next(i for i, line in enumerate(lines) if line.endswith("2. Customer: " + COMPLAINT))
    assert lines[complaint + 2] == "(outage apology)", lines
    assert lines[complaint + 3].endswith("Gracious: " + TROUBLE), lines
    assert "outage apology" in lines[2] and "(no reply)" not in lines, lines


def test_the_widget_hears_still_working_then_one_apology_never_silence(bot: Launched) -> None:
    from tests.cluster.conftest import WidgetCustomer

    customer = WidgetCustomer(bot.base)
    try:
        customer.connect()
        with frozen(bot):
            customer.say(COMPLAINT)
            assert customer.messages.get(timeout=10) == STILL_WORKING
            assert customer.messages.get(timeout=DEADLINE + DEADLINE_SLACK) == TROUBLE
            time.sleep(2)
        assert customer.messages.empty(), customer.messages.get()
    finally:
        customer.close()


def test_the_email_in_a_message_the_frozen_server_could_not_answer_is_saved(bot: Launched, sender: str) -> None:
    with frozen(bot):
        replies = bot.say(sender, COMPLAINT + ". You can write to me at maya.k@example.org")
    assert [r.get("text") for r in replies] == [CONTACT_SAVED], replies
    handoff = bot.handoffs(sender)[-1]
    assert handoff["reason"] == "service_outage"
    summary = json.loads(handoff["summary"])
    assert summary["contact"] == {"email": "maya.k@example.org"}
    assert "maya.k@example.org" in summary["what_happened"]  # on the agent's case card


def test_a_killed_action_server_is_restarted_and_the_next_message_answered(bot: Launched, sender: str) -> None:
    bot.say(sender, "hello")
    os.killpg(bot.action_server_group(), signal.SIGKILL)
    # Arriving while it is down, or before anyone noticed: kept, with the phone number the customer gave.
    replies = bot.say(sender, COMPLAINT + ", call me back on 555-014-2778 please")
    assert [r.get("text") for r in replies] == [CONTACT_SAVED], replies
    summary = json.loads(bot.handoffs(sender)[-1]["summary"])
    assert summary["contact"] == {"phone": "555-014-2778"}
    assert "555-014-2778" in summary["what_happened"]

    started = time.monotonic()
    while not bot.action_server_up():
        assert bot.process.poll() is None, bot.output()[-3000:]  # the assistant stays up
        assert time.monotonic() - started < 180, bot.output()[-3000:]
        time.sleep(0.5)
    assert "The action server stopped unexpectedly" in bot.output()
    assert "restarting it in 1 s" in bot.output()
    replies = bot.say(f"{sender}-after", COMPLAINT)
    assert_gracious(replies)
    assert "domestic calls only" in texts(replies), replies
