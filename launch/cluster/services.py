"""PostgreSQL, Redis and nginx from Debian's packages, run by us on loopback.

Each is a child process in its own session, with its files in a folder of ours,
started and stopped here (never the system services the packages install), so
`make cluster` and the cluster tests can start, kill and restart them at will.
`scripts/ensure-cluster-packages` installs the packages.
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import List, Optional


def wait_port(port: int, process: subprocess.Popen, timeout: float, what: str) -> None:
    """Wait until something accepts connections on 127.0.0.1:port."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with code {process.returncode} while starting")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{what} did not accept connections on port {port} within {timeout:.0f} s")


class Service:
    """A server process we start, stop, kill and restart."""

    name = "service"

    def __init__(self, port: int, log: Path) -> None:
        self.port = port
        self.log = log
        self.process: Optional[subprocess.Popen] = None

    def command(self) -> List[str]:
        raise NotImplementedError

    def prepare(self) -> None:
        """One-time set-up before the first start."""

    def ready(self, timeout: float) -> None:
        assert self.process is not None
        wait_port(self.port, self.process, timeout, self.name)

    def start(self, timeout: float = 60) -> "Service":
        self.prepare()
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(
                self.command(),
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        self.ready(timeout)
        return self

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def _signal(self, sig: int) -> None:
        if self.running():
            assert self.process is not None
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                pass

    def stop(self, timeout: float = 20) -> None:
        """Ask it to stop; kill it if it won't."""
        if self.process is None:
            return
        self._signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self._signal(signal.SIGKILL)
            self.process.wait()

    def kill(self) -> None:
        """Die at once, as a crash would."""
        if self.process is not None:
            self._signal(signal.SIGKILL)
            self.process.wait()

    def restart(self, timeout: float = 60) -> None:
        self.stop()
        self.start(timeout)


class Redis(Service):
    """redis-server on 127.0.0.1, nothing written to disk."""

    name = "Redis"

    def __init__(self, port: int, workdir: Path) -> None:
        super().__init__(port, workdir / "redis.log")
        self.workdir = workdir

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def command(self) -> List[str]:
        self.workdir.mkdir(parents=True, exist_ok=True)
        return [
            shutil.which("redis-server") or "/usr/bin/redis-server",
            "--bind",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--protected-mode",
            "yes",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(self.workdir),
        ]


def _postgres_bin(tool: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{tool}"))
    if not found:
        raise RuntimeError("PostgreSQL is not installed: run scripts/ensure-cluster-packages")
    return found[-1]


class Postgres(Service):
    """A PostgreSQL server of our own: its data folder, 127.0.0.1 only, a password.

    PostgreSQL refuses to run as root; as root we run it as the ``postgres`` user
    the Debian package creates, with the data in a folder that user owns.
    """

    name = "PostgreSQL"
    USER = "gracious"

    def __init__(self, port: int, workdir: Path, password: Optional[str] = None) -> None:
        super().__init__(port, workdir / "postgres.log")
        self.workdir = workdir
        self.password = password or secrets.token_hex(16)
        self.data: Optional[Path] = None
        self._owner = "postgres" if os.geteuid() == 0 else None

    def url(self, database: str) -> str:
        return f"postgresql://{self.USER}:{self.password}@127.0.0.1:{self.port}/{database}"

    def _as_owner(self, command: List[str]) -> List[str]:
        return ["runuser", "-u", self._owner, "--", *command] if self._owner else command

    def prepare(self) -> None:
        if self.data is not None:
            return
        # Under /tmp, which every user can reach (a test's tmp_path may be root-only).
        self.data = Path(tempfile.mkdtemp(prefix="gracious-pg-"))
        pwfile = self.data / "pw"
        pwfile.write_text(self.password)
        if self._owner:
            owner = pwd.getpwnam(self._owner)
            for path in (self.data, pwfile):
                os.chown(path, owner.pw_uid, owner.pw_gid)
        cluster = self.data / "data"
        self.workdir.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as out:
            subprocess.run(
                self._as_owner(
                    [
                        _postgres_bin("initdb"),
                        "-D",
                        str(cluster),
                        "-U",
                        self.USER,
                        f"--pwfile={pwfile}",
                        "--auth-host=scram-sha-256",
                        "--auth-local=scram-sha-256",
                        "-E",
                        "UTF8",
                        "--locale=C.UTF-8",
                    ]
                ),
                check=True,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        pwfile.unlink()

    def command(self) -> List[str]:
        assert self.data is not None
        return self._as_owner(
            [
                _postgres_bin("postgres"),
                "-D",
                str(self.data / "data"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-k",
                str(self.data),
                "-c",
                "max_connections=200",
                "-c",
                "fsync=on",
            ]
        )

    def ready(self, timeout: float) -> None:
        super().ready(timeout)
        import psycopg2

        deadline = time.monotonic() + timeout
        while True:
            try:
                psycopg2.connect(self.url("postgres"), connect_timeout=2).close()
                return
            except psycopg2.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)

    def create_database(self, name: str) -> None:
        import psycopg2

        connection = psycopg2.connect(self.url("postgres"))
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
                if cursor.fetchone() is None:
                    cursor.execute(f'CREATE DATABASE "{name}"')
        finally:
            connection.close()

    def stop(self, timeout: float = 20) -> None:
        # SIGINT is PostgreSQL's "fast" shutdown: sessions end, everything committed stays.
        if self.running():
            self._signal(signal.SIGINT)
        super().stop(timeout)

    def remove(self) -> None:
        self.stop()
        if self.data is not None:
            shutil.rmtree(self.data, ignore_errors=True)
            self.data = None


class Nginx(Service):
    """nginx with a configuration file of ours, in the foreground."""

    name = "nginx"

    def __init__(self, port: int, workdir: Path, config: str) -> None:
        super().__init__(port, workdir / "nginx.log")
        self.workdir = workdir
        self.config = config

    def command(self) -> List[str]:
        self.workdir.mkdir(parents=True, exist_ok=True)
        for sub in ("client_body", "proxy", "logs"):
            (self.workdir / sub).mkdir(exist_ok=True)
        conf = self.workdir / "nginx.conf"
        conf.write_text(self.config, encoding="utf-8")
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        return [
            binary,
            "-p",
            str(self.workdir),
            "-c",
            str(conf),
            "-e",
            str(self.workdir / "logs" / "error.log"),
            "-g",
            "daemon off;",
        ]
