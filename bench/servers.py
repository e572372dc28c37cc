"""The two bots under test as child processes: Rasa's starter bot and Gracious.

Gracious starts through launch.launcher.Servers exactly as `make run` starts it (action
server, Rasa server, SQLite tracker store), with fresh SQLite files in a temporary
var dir and free ports. The starter bot is what `rasa init --no-prompt` makes,
trained and served with its own defaults (in-memory tracker store, no action server).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional

from gracious.settings import environment, from_env
from launch.launcher import Servers, free_port, isolated_env, wait_for
from overrides.nlu_worker import READY

TOKEN = "bench-token"
START_TIMEOUT_S = 300
RASA = str(Path(sys.executable).parent / "rasa")


def quiet_env(checkout: bool = False, **extra: str) -> Dict[str, str]:
    """This environment without telemetry and library chatter, plus ``extra``.

    With ``checkout``, Rasa finds our components and policy in this checkout; the
    starter bot runs without it.
    """
    return environment(
        checkout=checkout,
        RASA_TELEMETRY_ENABLED="false",
        TF_CPP_MIN_LOG_LEVEL="2",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
        **extra,
    )


def timed_run(command: List[str], cwd: Path, env: Dict[str, str], log: Path) -> float:
    """Run a command to completion, output to ``log``; its wall time in seconds."""
    start = time.monotonic()
    with open(log, "ab") as out:
        subprocess.run(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, check=True)
    return time.monotonic() - start


def init_reference(folder: Path, log: Path) -> float:
    """`rasa init --no-prompt` into ``folder``: makes the starter bot and trains it.

    With --no-prompt, `rasa init` trains at once (rasa/cli/scaffold.py), so the time
    returned is the training time from scratch (a fresh cache in the folder) plus the
    copying of a dozen small files.
    """
    folder.mkdir(parents=True, exist_ok=True)
    env = quiet_env(RASA_CACHE_DIRECTORY=str(folder / ".rasa" / "cache"))
    return timed_run([RASA, "init", "--no-prompt", "--init-dir", str(folder)], folder, env, log)


class ReferenceServer:
    """`rasa run` in the starter bot's folder, REST channel from its credentials.yml."""

    def __init__(self, folder: Path, log: Path) -> None:
        self.folder = folder
        self.log = log
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: Optional[subprocess.Popen] = None

    def start(self) -> float:
        """Start it; seconds from process start to the REST channel answering (model loaded)."""
        command = [
            RASA,
            "run",
            "--model",
            str(self.folder / "models"),
            "--port",
            str(self.port),
            "--credentials",
            str(self.folder / "credentials.yml"),
            "--endpoints",
            str(self.folder / "endpoints.yml"),
            "--enable-api",
            "--auth-token",
            TOKEN,
        ]
        start = time.monotonic()
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(
                command,
                cwd=self.folder,
                env=quiet_env(),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        if not wait_for(f"{self.base}/webhooks/rest/", self.process, START_TIMEOUT_S):
            raise RuntimeError(f"The starter bot's server did not start; see {self.log}")
        return time.monotonic() - start

    def pids(self) -> Dict[str, int]:
        return {"server": self.process.pid} if self.process else {}

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


class GraciousServers:
    """Gracious's Rasa server (and action server, GRACIOUS_ACTIONS=server), as `make run` starts them."""

    def __init__(self, model: Path, var: Path) -> None:
        # The HTTP API, for /model/parse alone and the trackers (make run: when set).
        # The load sends far faster than a person types (200 turns of one conversation
        # in seconds): a per-sender message limit far above it (server/channels/rate_limits.py),
        # and handoffs per address too (all of it comes from 127.0.0.1).
        self.env = isolated_env(
            var,
            RASA_AUTH_TOKEN=TOKEN,
            GRACIOUS_SENDER_BURST="100000",
            GRACIOUS_SENDER_PER_MINUTE="100000",
            GRACIOUS_HANDOFFS_PER_ADDRESS="100000",
        )
        self.servers = Servers(model, self.env, log_dir=var / "logs")
        self.base = f"http://127.0.0.1:{self.env['BOT_PORT']}"

    def start(self) -> Dict[str, object]:
        """Start them; seconds from each process's start to its answering, and where the actions run."""
        started: Dict[str, object] = {"actions": "server" if self.servers.actions_apart() else "in-process"}
        if self.servers.actions_apart():
            start = time.monotonic()
            self.servers.start_actions(START_TIMEOUT_S)
            started["actions_s"] = round(time.monotonic() - start, 2)
        start = time.monotonic()
        self.servers.start_bot(START_TIMEOUT_S)
        started["bot_s"] = round(time.monotonic() - start, 2)
        if from_env(self.env).nlu_processes:
            started["nlu_processes_s"] = round(self._nlu_ready(start) - start, 2)
        return started

    def _nlu_ready(self, since: float) -> float:
        """When the Rasa server said its NLU processes parse (overrides/nlu_process.py), so no round
        is measured while they still load; the server parses itself until then."""
        log = self.servers.log_dir / "bot.log" if self.servers.log_dir else None
        while time.monotonic() - since < START_TIMEOUT_S:
            if log is not None and log.exists() and READY.encode() in log.read_bytes():
                return time.monotonic()
            time.sleep(0.5)
        raise RuntimeError(f"The NLU processes did not start; see {log}")

    def pids(self) -> Dict[str, int]:
        return {name: process.pid for name, process in self.servers.processes.items()}

    def stop(self) -> None:
        self.servers.stop()


def _children() -> Dict[int, List[int]]:
    children: Dict[int, List[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # The command name may hold spaces and parentheses: the ppid follows the last ')'.
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    return children


def _status_kb(pid: int, key: str) -> Optional[int]:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def peak_rss_mb(pid: int) -> Dict[str, object]:
    """Peak resident memory (VmHWM) of a process and of each of its descendants, in MB."""
    children = _children()
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(children.get(current, []))
    peaks = {p: _status_kb(p, "VmHWM") for p in tree}
    per_process = {str(p): round(kb / 1024, 1) for p, kb in peaks.items() if kb is not None}
    return {"total_mb": round(sum(per_process.values()), 1), "processes_mb": per_process}
