"""Start every process Gracious needs, print where to find it, stop all on Ctrl-C.

    python -m launch.launcher [--model models/gracious-....tar.gz]

`make run` calls this after installing and training. Configuration comes from the
environment (see the README); defaults give a single-machine setup on SQLite. A
crashed action server is started again with backoff (launch/supervise.py); the Rasa
server stopping stops everything.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable, Dict, List, Optional

import yaml

from gracious.settings import ROOT, environment, from_env
from launch.banner import banner, mail_and_company
from launch.model_server import ModelServer
from launch.supervise import ActionServerKeeper, tighten_var

# Rasa's command line with our overrides installed (launch/rasa_server.py).
RASA = [sys.executable, "-m", "launch.rasa_server"]


def runtime_env(overrides: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    """The environment both servers run with, defaults filled in."""
    env = environment(**(overrides or {}))
    var = Path(env.setdefault("GRACIOUS_VAR_DIR", str(ROOT / "var")))
    var.mkdir(parents=True, exist_ok=True)
    tighten_var(var)  # secrets and databases made by older versions, 0600 like new ones
    env.setdefault("BOT_PORT", "5005")
    env.setdefault("ACTION_PORT", "5055")
    env.setdefault("GRACIOUS_ACTION_URL", f"http://127.0.0.1:{env['ACTION_PORT']}/webhook")
    # The action server answers only calls carrying this secret (launch/action_server.py);
    # the Rasa server sends it (endpoints.yml). Both processes get this same env.
    env.setdefault("GRACIOUS_ACTION_TOKEN", secrets.token_urlsafe(32))
    env.setdefault("GRACIOUS_TRACKER_DB_URL", f"sqlite:///{var / 'tracker.db'}")
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    return env


# How often the Rasa server asks the model server for a newer model (a 304 each
# time nothing changed): a `make train` is live within this many seconds of ending.
MODEL_PULL_SECONDS = 2


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def isolated_env(var: Path, **extra: str) -> Dict[str, str]:
    """The servers' environment on free loopback ports, with fresh SQLite files in ``var``.

    For the tests and the benchmark, which run beside a `make run` without touching it.
    """
    action_port = free_port()
    return runtime_env(
        {
            "GRACIOUS_VAR_DIR": str(var),
            "BOT_PORT": str(free_port()),
            "ACTION_PORT": str(action_port),
            "GRACIOUS_ACTION_URL": f"http://127.0.0.1:{action_port}/webhook",
            "GRACIOUS_TRACKER_DB_URL": f"sqlite:///{var / 'tracker.db'}",
            "GRACIOUS_RECORDS_DB_URL": f"sqlite:///{var / 'gracious.db'}",
            "GRACIOUS_COMPANY_DB_URL": f"sqlite:///{var / 'company.db'}",
            **extra,
        }
    )


def server_commands(model: Path, env: Dict[str, str], endpoints: Path = ROOT / "endpoints.yml") -> Dict[str, List[str]]:
    bot = [
        *RASA,
        "run",
        "--model",
        str(model),
        "--port",
        env["BOT_PORT"],
        "--credentials",
        str(ROOT / "credentials.yml"),
        "--endpoints",
        str(endpoints),
    ]
    token = env.get("RASA_AUTH_TOKEN")
    if token:
        # The HTTP API exists only with a token, and then always requires it.
        bot += ["--enable-api", "--auth-token", token]
    # rasa_sdk's server on loopback, refusing calls without GRACIOUS_ACTION_TOKEN.
    actions = [sys.executable, "-m", "launch.action_server", "--port", env["ACTION_PORT"], "--actions", "actions"]
    return {"actions": actions, "bot": bot}


def wait_for(url: str, process: subprocess.Popen, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:
                if reply.status == 200:
                    return True
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    return False


def live_endpoints(model_url: str, var: Path) -> Path:
    """endpoints.yml plus a model server, written beside the databases."""
    endpoints = yaml.safe_load((ROOT / "endpoints.yml").read_text(encoding="utf-8"))
    endpoints["models"] = {"url": model_url, "wait_time_between_pulls": MODEL_PULL_SECONDS}
    path = var / "endpoints.live.yml"
    path.write_text(yaml.safe_dump(endpoints, sort_keys=False), encoding="utf-8")
    return path


class Servers:
    """The action server and the Rasa server as child processes.

    With ``live_models``, the Rasa server takes its model from a model server over
    that folder, and so picks up each newly trained model without a restart.
    """

    def __init__(
        self,
        model: Path,
        env: Dict[str, str],
        log_dir: Optional[Path] = None,
        live_models: Optional[Path] = None,
    ) -> None:
        self.model = model
        self.env = env
        self.log_dir = log_dir
        self.live_models = live_models
        self.model_server: Optional[ModelServer] = None
        self.processes: Dict[str, subprocess.Popen] = {}

    def start_process(self, name: str, command: List[str]) -> subprocess.Popen:
        """Start ``command`` as ``name``, in its own session, its output in the log folder."""
        out = None
        if self.log_dir:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            out = open(self.log_dir / f"{name}.log", "ab")
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT if out else None,
            start_new_session=True,
        )
        self.processes[name] = process
        return process

    def start_actions(self, timeout: float = 180) -> None:
        actions = self.start_process("actions", server_commands(self.model, self.env)["actions"])
        if not wait_for(f"http://127.0.0.1:{self.env['ACTION_PORT']}/health", actions, timeout):
            raise RuntimeError("The action server did not start; see its output above.")

    def start_bot(self, timeout: float = 180) -> None:
        endpoints = ROOT / "endpoints.yml"
        if self.live_models is not None:
            if self.model_server is None:
                self.model_server = ModelServer(self.live_models).start()
            endpoints = live_endpoints(self.model_server.url, Path(self.env["GRACIOUS_VAR_DIR"]))
        bot = self.start_process("bot", server_commands(self.model, self.env, endpoints)["bot"])
        if not wait_for(f"http://127.0.0.1:{self.env['BOT_PORT']}/webhooks/rest/", bot, timeout):
            raise RuntimeError("The Rasa server did not start; see its output above.")

    def actions_apart(self) -> bool:
        """Whether the actions run on their own action server (GRACIOUS_ACTIONS=server), not in the Rasa server."""
        return from_env(self.env).actions_mode == "server"  # read (and checked) as the servers will

    def start(self, timeout: float = 180) -> None:
        if self.actions_apart():
            self.start_actions(timeout)
        self.start_bot(timeout)

    def stop_one(self, name: str) -> None:
        process = self.processes.pop(name, None)
        if process and process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def kill(self, name: str) -> None:
        """End ``name`` at once, as a crash would."""
        process = self.processes.pop(name, None)
        if process and process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def exited(self) -> List[str]:
        """The servers that have stopped by themselves."""
        return [f"The {name} server" for name, process in self.processes.items() if process.poll() is not None]

    def stop(self) -> None:
        # The Rasa servers before the action server they call: newest first.
        for name in reversed(list(self.processes)):
            self.stop_one(name)
        if self.model_server is not None:
            self.model_server.stop()
            self.model_server = None


def newest_model() -> Path:
    models = sorted((ROOT / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        raise SystemExit("No trained model in models/: run `make train` first.")
    return models[-1]


def serve(
    start: Callable[[], None],
    banner: str,
    exited: Callable[[], List[str]],
    stop: Callable[[], None],
    tend: Callable[[], None] = lambda: None,
) -> None:
    """Start, print the banner, run until Ctrl-C or until a part stops by itself, then stop all.

    ``tend`` runs every half second first: it may restart a part (the action server)
    that ``exited`` then leaves out.
    """
    stopping = False

    def on_signal(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        start()
        print(banner, flush=True)
        while not stopping:
            tend()
            for name in exited():
                print(f"{name} stopped unexpectedly; stopping everything.", flush=True)
                stopping = True
            time.sleep(0.5)
    finally:
        stop()
        print("Stopped.", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="model file (default: the newest in models/)")
    args = parser.parse_args()
    env = runtime_env()
    servers = Servers(args.model or newest_model(), env, live_models=ROOT / "models")
    sink = mail_and_company(env)
    text = banner(env, mail_sink=sink is not None)
    parts = "the action server and the Rasa server" if servers.actions_apart() else "the Rasa server"
    print(f"Starting {parts} (about half a minute)...", flush=True)
    keeper = ActionServerKeeper(servers)

    def stop() -> None:
        servers.stop()
        if sink is not None:
            sink.stop()  # after the servers, so a mail sent as they stop is still kept

    serve(servers.start, text, keeper.exited, stop, keeper.tend)


if __name__ == "__main__":
    main()
