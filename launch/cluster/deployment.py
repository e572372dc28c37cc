"""Several Rasa instances on PostgreSQL and Redis behind nginx, on one machine, loopback only.

    customers, agents ──> nginx 127.0.0.1:5080 ──┬─> Rasa instance 1 ─┐
       (sticky by the browser cookie)            ├─> Rasa instance 2 ─┼─> action server (127.0.0.1, token)
                                                 └─> ...             ─┘
    every instance: tracker store, desk and records on PostgreSQL; lock store,
    socket.io messages between instances and the per-sender limit on Redis;
    models from the one model server.

`make cluster` runs `python -m launch.cluster`; the cluster tests use the same class.
"""

from __future__ import annotations

import os
import secrets
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Dict, List, Optional

import yaml

from launch.cluster.nginx import nginx_config
from launch.cluster.services import Nginx, Postgres, Redis
from launch.launcher import MODEL_PULL_SECONDS, ROOT, Servers, free_port, runtime_env, server_commands, wait_for
from launch.model_server import ModelServer

DATABASES = {"tracker": "gracious_tracker", "records": "gracious_records", "company": "gracious_company"}


def create_tables(env: Dict[str, str]) -> None:
    """Every table, made once before the instances start (side by side, they would race)."""
    from gracious.stores.company import CompanyData
    from gracious.stores.records import ensure_schema
    from gracious.stores.sqlite import make_engine
    from server.desk import store as desk_store
    from server.stores.tracker_store import UrlSQLTrackerStore

    assert desk_store.agents is not None  # imported for its tables, on the records' MetaData
    UrlSQLTrackerStore(host=env["GRACIOUS_TRACKER_DB_URL"]).engine.dispose()
    records = make_engine(env["GRACIOUS_RECORDS_DB_URL"])
    ensure_schema(records)
    records.dispose()
    company = CompanyData(env["GRACIOUS_COMPANY_DB_URL"])
    company.ensure_ready()
    company.engine.dispose()


class Cluster:
    """PostgreSQL, Redis, the action server, N Rasa instances and nginx, all on loopback."""

    def __init__(
        self,
        model: Path,
        workdir: Path,
        instances: int = 2,
        port: Optional[int] = None,
        extra_env: Optional[Dict[str, str]] = None,
        models_dir: Optional[Path] = None,
    ) -> None:
        self.model = model
        self.workdir = workdir
        self.count = instances
        self.port = port or free_port()
        self.extra_env = dict(extra_env or {})
        self.models_dir = models_dir
        self.redis = Redis(free_port(), workdir / "redis")
        self.postgres = Postgres(free_port(), workdir / "postgres")
        self.instance_ports = [free_port() for _ in range(instances)]
        # Known to nginx and the instances only: nginx names each client's address with it.
        self.proxy_secret = self.extra_env.get("GRACIOUS_PROXY_SECRET") or secrets.token_hex(32)
        self.nginx = Nginx(
            self.port,
            workdir / "nginx",
            nginx_config(self.port, self.instance_ports, workdir / "nginx", self.proxy_secret),
        )
        self.servers: Optional[Servers] = None
        self.model_server: Optional[ModelServer] = None
        self.env: Dict[str, str] = {}
        self.endpoints = ROOT / "endpoints.yml"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def instance_url(self, index: int) -> str:
        return f"http://127.0.0.1:{self.instance_ports[index]}"

    # -- starting -----------------------------------------------------------

    def _environment(self) -> Dict[str, str]:
        var = self.workdir / "var"
        action_port = free_port()
        return runtime_env(
            {
                "GRACIOUS_VAR_DIR": str(var),
                "ACTION_PORT": str(action_port),
                "BOT_PORT": str(self.instance_ports[0]),
                "GRACIOUS_ACTION_URL": f"http://127.0.0.1:{action_port}/webhook",
                "GRACIOUS_TRACKER_DB_URL": self.postgres.url(DATABASES["tracker"]),
                "GRACIOUS_RECORDS_DB_URL": self.postgres.url(DATABASES["records"]),
                "GRACIOUS_COMPANY_DB_URL": self.postgres.url(DATABASES["company"]),
                "GRACIOUS_REDIS_URL": self.redis.url,
                # One secret for all instances: a widget's session id is good on each.
                "GRACIOUS_SESSION_SECRET": secrets.token_hex(32),
                # The instances share one action server unless GRACIOUS_ACTIONS=in-process says otherwise.
                "GRACIOUS_ACTIONS": os.environ.get("GRACIOUS_ACTIONS") or "server",
                # Each instance parses its own messages unless GRACIOUS_NLU_PROCESSES says otherwise: with two instances
                # on two cores an NLU worker beside each has no core of its own (the soak at 200 conversations: 16.4
                # answers a second and messages lost with a worker each, 19.6 and none without; docs/speed.md).
                "GRACIOUS_NLU_PROCESSES": os.environ.get("GRACIOUS_NLU_PROCESSES") or "0",
                **self.extra_env,
                "GRACIOUS_PROXY_SECRET": self.proxy_secret,
            }
        )

    def _endpoints(self) -> Path:
        endpoints = yaml.safe_load((ROOT / "endpoints.yml").read_text(encoding="utf-8"))
        endpoints["lock_store"] = {"type": "server.stores.lock_store.RedisTicketLockStore", "url": self.redis.url}
        if self.model_server is not None:
            endpoints["models"] = {"url": self.model_server.url, "wait_time_between_pulls": MODEL_PULL_SECONDS}
        path = self.workdir / "endpoints.yml"
        path.write_text(yaml.safe_dump(endpoints, sort_keys=False), encoding="utf-8")
        return path

    def instance_command(self, index: int) -> List[str]:
        env = dict(self.env, BOT_PORT=str(self.instance_ports[index]))
        return server_commands(self.model, env, self.endpoints)["bot"] + ["--interface", "127.0.0.1"]

    def start_instance(self, index: int, timeout: float = 240) -> None:
        assert self.servers is not None
        name = f"rasa{index + 1}"
        process = self.servers.start_process(name, self.instance_command(index))
        if not wait_for(f"{self.instance_url(index)}/webhooks/rest/", process, timeout):
            raise RuntimeError(f"Rasa instance {index + 1} did not start; see {self.workdir / 'logs' / name}.log")

    def start(self) -> "Cluster":
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.redis.start()
        self.postgres.start()
        for database in DATABASES.values():
            self.postgres.create_database(database)
        self.env = self._environment()
        create_tables(self.env)
        if self.models_dir is not None:
            self.model_server = ModelServer(self.models_dir).start()
        self.endpoints = self._endpoints()
        self.servers = Servers(self.model, self.env, log_dir=self.workdir / "logs")
        if self.servers.actions_apart():
            self.servers.start_actions()
        # Instances load their models side by side.
        with ThreadPoolExecutor(self.count) as pool:
            list(pool.map(self.start_instance, range(self.count)))
        self.nginx.start()
        return self

    def stop(self) -> None:
        self.nginx.stop()
        if self.servers is not None:
            self.servers.stop()
        if self.model_server is not None:
            self.model_server.stop()
        self.redis.stop()
        self.postgres.remove()

    def exited(self) -> List[str]:
        """The parts that have stopped by themselves."""
        stopped = self.servers.exited() if self.servers is not None else []
        return stopped + [
            service.name
            for service in (self.postgres, self.redis, self.nginx)
            if service.process is not None and not service.running()
        ]

    # -- faults -------------------------------------------------------------

    def kill_instance(self, index: int) -> None:
        assert self.servers is not None
        self.servers.kill(f"rasa{index + 1}")

    def log(self, name: str) -> str:
        path = self.workdir / "logs" / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)
