"""Keep the action server running under `make run`: restart it when it stops by itself.

A crashed action server used to stop everything (the widget, REST and the desk with
it). Now the launcher starts it again after 1 s, then 2, 4, 8 ... up to 30 s while
it keeps crashing soon after starting, and says so in its output. A server that ran
for a minute has its count start over. After ``GIVE_UP_AFTER`` quick crashes in a row
the launcher stops trying (something needs a person: a broken action module, a port
taken), and the Rasa server stays up: customers get the apology, their messages are
kept, and an email or phone they give goes to a handoff (server/channels/message_guard.py).
"""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path
from typing import Callable, List, Optional

# The restart delays: FIRST_DELAY, doubling up to LONGEST_DELAY.
FIRST_DELAY = 1.0
LONGEST_DELAY = 30.0
# A server that ran this long before stopping was not crashing in a loop.
STEADY_SECONDS = 60.0
GIVE_UP_AFTER = 10


def restart_delay(crashes: int, first: float = FIRST_DELAY, longest: float = LONGEST_DELAY) -> float:
    """Seconds to wait before restart number ``crashes`` (1, 2, 4 ... up to ``longest``)."""
    return min(first * 2 ** max(crashes - 1, 0), longest)


class ActionServerKeeper:
    """Watches the action server of a ``launch.launcher.Servers`` and restarts it with backoff.

    ``tend()`` is called every half second by the launcher's loop; ``exited()`` lists
    the other servers that stopped (those still stop everything).
    """

    name = "actions"

    def __init__(
        self,
        servers: object,
        say: Callable[[str], None] = lambda line: print(line, flush=True),
        clock: Callable[[], float] = time.monotonic,
        first: float = FIRST_DELAY,
        give_up_after: int = GIVE_UP_AFTER,
    ) -> None:
        self.servers = servers
        self.say = say
        self.clock = clock
        self.first = first
        self.give_up_after = give_up_after
        self.crashes = 0
        self.restarts = 0
        self.started_at = clock()
        self.restart_at: Optional[float] = None
        self.given_up = False

    def tend(self) -> None:
        """Restart the action server if it stopped and its wait is over."""
        if self.given_up:
            return
        now = self.clock()
        if self.restart_at is not None:
            if now >= self.restart_at:
                self._start(now)
            return
        process = self.servers.processes.get(self.name)
        if process is None:
            return
        if process.poll() is None:
            if self.crashes and now - self.started_at >= STEADY_SECONDS:
                self.crashes = 0
            return
        self.crashes = self.crashes + 1 if now - self.started_at < STEADY_SECONDS else 1
        if self.crashes > self.give_up_after:
            self.given_up = True
            self.say(
                f"The action server stopped {self.crashes - 1} times in a row soon after starting; not restarting it "
                "again. The assistant stays up and apologises to customers, keeping their messages; see the action "
                "server's output above, then restart `make run`."
            )
            return
        delay = restart_delay(self.crashes, self.first)
        self.say(
            f"The action server stopped unexpectedly (exit code {process.returncode}); "
            f"restarting it in {delay:g} s (attempt {self.crashes} of {self.give_up_after})."
        )
        self.restart_at = now + delay

    def _start(self, now: float) -> None:
        from launch.launcher import server_commands

        self.restart_at = None
        self.started_at = now
        self.restarts += 1
        self.servers.start_process(self.name, server_commands(self.servers.model, self.servers.env)["actions"])
        self.say("The action server is starting again.")

    def exited(self) -> List[str]:
        """The servers other than the action server that have stopped by themselves."""
        return [
            f"The {name} server"
            for name, process in self.servers.processes.items()
            if name != self.name and process.poll() is not None
        ]


def tighten_var(var: Path) -> None:
    """Make the secrets and SQLite files already in ``var`` readable by their owner only (0600)."""
    if not var.is_dir():
        return
    for path in var.iterdir():
        private = path.name.endswith(("secret", ".db", ".db-wal", ".db-shm", ".db-journal"))
        try:
            if private and path.is_file() and stat.S_IMODE(path.stat().st_mode) != 0o600:
                os.chmod(path, 0o600)
        except FileNotFoundError:
            continue
