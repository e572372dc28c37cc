"""`make run` keeps the action server running (launch/supervise.py): a crashed one is
started again after 1, 2, 4 ... up to 30 s, said in the output; after many quick crashes
in a row the launcher stops trying and the rest stays up."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Dict, List

from launch.launcher import Servers
from launch.supervise import ActionServerKeeper, restart_delay


class Crashing(Servers):
    """Real processes: the Rasa server a long sleep, each action server one that exits at once."""

    def start_process(self, name: str, command: List[str]) -> subprocess.Popen:
        code = "import time; time.sleep(60)" if name == "bot" else "raise SystemExit(3)"
        process = subprocess.Popen([sys.executable, "-c", code], start_new_session=True)
        self.processes[name] = process
        return process


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_delays_double_up_to_thirty_seconds():
    assert [restart_delay(n) for n in range(1, 9)] == [1, 2, 4, 8, 16, 30, 30, 30]


def test_a_crashing_action_server_is_restarted_with_backoff_then_given_up_while_the_bot_stays(tmp_path: Path):
    servers = Crashing(tmp_path / "model.tar.gz", {"ACTION_PORT": "1", "BOT_PORT": "2"})
    said: List[str] = []
    clock = Clock()
    keeper = ActionServerKeeper(servers, said.append, clock)
    servers.start_process("actions", [])
    bot = servers.start_process("bot", [])
    waits: Dict[int, float] = {}
    try:
        for _ in range(200):
            servers.processes["actions"].wait()
            keeper.tend()  # notices the crash
            if keeper.given_up:
                break
            waits[keeper.crashes] = keeper.restart_at - clock.now
            clock.now = keeper.restart_at - 0.01
            keeper.tend()
            assert keeper.restart_at is not None  # not before its time
            clock.now = keeper.restart_at
            keeper.tend()  # starts it again
            clock.now += 0.5
        assert keeper.given_up and keeper.restarts == 10
        assert list(waits.values()) == [1, 2, 4, 8, 16, 30, 30, 30, 30, 30]
        assert "restarting it in 1 s (attempt 1 of 10)" in said[0]
        assert "not restarting it again" in said[-1]
        assert bot.poll() is None and keeper.exited() == []  # the Rasa server is up, nothing stops it
    finally:
        servers.stop()


def test_a_server_that_ran_steadily_starts_its_count_again(tmp_path: Path):
    servers = Crashing(tmp_path / "model.tar.gz", {"ACTION_PORT": "1", "BOT_PORT": "2"})
    clock = Clock()
    keeper = ActionServerKeeper(servers, lambda _: None, clock)
    servers.start_process("actions", []).wait()
    clock.now = 5
    keeper.tend()
    assert keeper.crashes == 1 and keeper.restart_at == 6
    clock.now = 6
    keeper.tend()
    servers.processes["actions"].wait()
    clock.now = 6 + 120  # it ran two minutes before stopping
    keeper.tend()
    assert keeper.crashes == 1 and keeper.restart_at == clock.now + 1
    servers.stop()


def test_the_rasa_server_stopping_still_stops_everything(tmp_path: Path):
    servers = Crashing(tmp_path / "model.tar.gz", {"ACTION_PORT": "1", "BOT_PORT": "2"})
    keeper = ActionServerKeeper(servers, lambda _: None)
    servers.processes["bot"] = subprocess.Popen([sys.executable, "-c", "pass"])
    servers.processes["bot"].wait()
    assert keeper.exited() == ["The bot server"]
