"""Every setting of every process, read from the environment here and nowhere else.

The table in docs/configuration.md lists each variable with its default. Code asks
``settings()`` (parsed once per set of values: a changed variable, as in the tests,
is seen at the next call), and a launcher that starts another process hands it ``environment(...)``.
A bad value stops the start with a message naming the variable.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Mapping, Optional, Tuple

ROOT = Path(__file__).resolve().parent.parent
# The designers' files: policies, answers, word lists.
CATALOG_DIR = ROOT / "catalog"

KIB = 1024


@dataclass(frozen=True)
class Settings:
    """Every setting, with its default; see docs/configuration.md."""

    # Where the SQLite files, logs and secrets live.
    var_dir: Path = ROOT / "var"
    catalog_path: Path = CATALOG_DIR / "policies.yml"
    # The domain whose responses customers read, live (gracious/responses.py).
    domain_path: Path = ROOT / "domain.yml"
    company_db_url: str = ""
    records_db_url: str = ""
    tracker_db_url: str = ""
    timezone: str = "America/New_York"
    # Care team hours, as "HH-HH" per weekday (Mon=0); a missing day is closed.
    care_hours: Dict[int, Tuple[int, int]] = field(default_factory=dict)
    # The number our calls come from, said to customers who ask.
    care_line: str = "555 0100"
    # The channels.
    max_message_chars: int = 2000
    patience_seconds: float = 5.0
    max_body_bytes: int = 64 * KIB
    max_api_body_bytes: int = 512 * KIB * KIB
    allowed_origins: Tuple[str, ...] = ()
    api_token: Optional[str] = None
    sender_burst: int = 60
    sender_per_minute: float = 60.0
    redis_url: Optional[str] = None
    session_secret: Optional[str] = None
    # Signs the identity a website vouches for (gracious/identity.py); random and kept in var/ when unset.
    site_secret: Optional[str] = None
    # The demo website's Demo sign-in (server/site/sign_in.py): on with the demo company, off with a real one.
    demo_sign_in: bool = False
    # REST integrations, "name:token" pairs; when set, REST asks each call for one of the tokens.
    rest_tokens: Dict[str, str] = field(default_factory=dict)
    # Custom actions: in the Rasa server's process ("in-process") or on the action server ("server").
    actions_mode: str = "in-process"
    # Processes that parse messages beside the Rasa server (overrides/nlu_process.py); 0 parses in it.
    nlu_processes: int = 1
    # Turns whose prediction loop runs at once (overrides/turns_at_once.py); the rest wait in order. 0: no limit.
    turns_at_once: int = 2
    # The action server and the calls to it.
    action_timeout: float = 20.0
    # One deadline for a whole turn (every action call in it): then one apology, never silence.
    turn_deadline_seconds: float = 15.0
    action_host: str = "127.0.0.1"
    action_token: str = ""
    # The desk: a new agent's password for `make agent` without a prompt.
    agent_password: Optional[str] = None
    # Shared with our own nginx only: a Forwarded header carrying it names the client's address.
    proxy_secret: Optional[str] = None
    # New handoffs (desk queue entries) one client address may open per hour: enough for an office or a
    # school behind one address (a panel of 20 customers on one address met 5), few enough to stop a flood.
    handoffs_per_address: int = 30
    # The desk's SLA: seconds a handoff may wait for its first reply from an agent (server/desk/shift.py).
    desk_first_reply_seconds: int = 300
    # The queue's watch (server/desk/waiting.py): how often it looks (0: off), a waiting customer's
    # position told every so often (0: never), the call-or-email offer after so long, gone after so long.
    queue_check_seconds: float = 5.0
    queue_update_seconds: float = 120.0
    queue_wait_limit_seconds: float = 600.0
    queue_left_seconds: float = 600.0
    # Failed account checks (the email or phone on an account) one address may make per hour.
    account_checks_per_address: int = 10
    # The launchers.
    # Mail (gracious/outbox/): the SMTP relay ("smtp://user:pass@host:587", "smtps://host:465");
    # unset, `make run` starts a local mail sink on loopback that keeps mail in var/mail/.
    smtp_url: Optional[str] = None
    mail_from: str = "Gracious care team <care@localhost>"
    # The thank-you note goes this long after a case closes (0: at once).
    thank_you_delay_seconds: float = 3600.0
    # The company's systems: each commitment is POSTed here, signed with the secret.
    company_webhook_url: Optional[str] = None
    company_webhook_secret: Optional[str] = None
    # How often the outbox is drained, and late orders looked for (0: the late check is off).
    outbox_poll_seconds: float = 1.0
    late_check_seconds: float = 300.0
    bot_port: int = 5005
    action_port: int = 5055
    instances: int = 2
    cluster_dir: Path = ROOT / "var" / "cluster"


def _actions_mode(value: Optional[str]) -> str:
    mode = (value or "in-process").strip().lower()
    if mode not in ("in-process", "server"):
        raise ValueError(f"GRACIOUS_ACTIONS must be in-process or server, not {value!r}")
    return mode


def _switch(value: Optional[str], default: bool) -> bool:
    """ "1", "on", "yes", "true" or their opposites; unset, ``default``."""
    if value is None or not value.strip():
        return default
    if value.strip().lower() in ("1", "on", "yes", "true"):
        return True
    if value.strip().lower() in ("0", "off", "no", "false"):
        return False
    raise ValueError(f"GRACIOUS_DEMO_SIGN_IN must be 1 or 0 (on or off), not {value!r}")


def parse_tokens(spec: str) -> Dict[str, str]:
    """Parse "shop:4f9c..., crm:a81b..." into {integration name: token}."""
    tokens: Dict[str, str] = {}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        name, _, token = part.partition(":")
        if not name.strip() or len(token.strip()) < 16:
            raise ValueError(
                'GRACIOUS_REST_TOKENS must read like "shop:<token>, crm:<token>", each token at least 16 characters'
            )
        tokens[name.strip()] = token.strip()
    return tokens


def parse_hours(spec: str) -> Dict[int, Tuple[int, int]]:
    """Parse "mon-fri 8-20, sat 9-17" into {weekday: (open_hour, close_hour)}."""
    days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    hours = {}
    for part in filter(None, (p.strip() for p in spec.lower().split(","))):
        try:
            day_part, time_part = part.split()
            first, _, last = day_part.partition("-")
            start, end = (int(x) for x in time_part.split("-"))
            first_i = days.index(first)
            last_i = days.index(last) if last else first_i
        except ValueError:
            raise ValueError(f'GRACIOUS_CARE_HOURS must read like "mon-fri 8-20, sat 9-17", not {spec!r}') from None
        for day in range(first_i, last_i + 1):
            hours[day] = (start, end)
    return hours


def _number(env: Mapping[str, str], name: str, default: float, kind: type = int, zero: bool = False) -> float:
    """``name``'s value: a number above zero (or zero too, with ``zero``)."""
    raw = env.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = kind(raw)
    except ValueError:
        what = "a whole number" if kind is int else "a number"
        raise ValueError(f"{name} must be {what}, not {raw!r}") from None
    if zero and value == 0:
        return value
    if not value > 0 or value == float("inf"):
        least = "zero or more" if zero else "greater than zero"
        raise ValueError(f"{name} must be a number {least}, not {raw!r}")
    return value


def from_env(env: Mapping[str, str]) -> Settings:
    """The settings ``env`` asks for (unset or empty variables take the defaults)."""
    var = Path(env.get("GRACIOUS_VAR_DIR") or ROOT / "var")
    origins = tuple(
        o.strip().rstrip("/").lower() for o in env.get("GRACIOUS_ALLOWED_ORIGINS", "").split(",") if o.strip()
    )
    return Settings(
        var_dir=var,
        catalog_path=Path(env.get("GRACIOUS_CATALOG") or CATALOG_DIR / "policies.yml"),
        domain_path=Path(env.get("GRACIOUS_DOMAIN") or ROOT / "domain.yml"),
        company_db_url=env.get("GRACIOUS_COMPANY_DB_URL") or f"sqlite:///{var / 'company.db'}",
        records_db_url=env.get("GRACIOUS_RECORDS_DB_URL") or f"sqlite:///{var / 'gracious.db'}",
        tracker_db_url=env.get("GRACIOUS_TRACKER_DB_URL") or f"sqlite:///{var / 'tracker.db'}",
        timezone=env.get("GRACIOUS_TIMEZONE") or "America/New_York",
        care_hours=parse_hours(env.get("GRACIOUS_CARE_HOURS") or "mon-fri 8-20, sat 9-17"),
        care_line=env.get("GRACIOUS_CARE_LINE") or "555 0100",
        max_message_chars=int(_number(env, "GRACIOUS_MAX_MESSAGE_CHARS", 2000)),
        patience_seconds=_number(env, "GRACIOUS_PATIENCE_SECONDS", 5.0, float),
        max_body_bytes=int(_number(env, "GRACIOUS_MAX_BODY_BYTES", 64 * KIB)),
        max_api_body_bytes=int(_number(env, "GRACIOUS_MAX_API_BODY_BYTES", 512 * KIB * KIB)),
        allowed_origins=origins,
        api_token=env.get("RASA_AUTH_TOKEN") or None,
        sender_burst=int(_number(env, "GRACIOUS_SENDER_BURST", 60)),
        sender_per_minute=_number(env, "GRACIOUS_SENDER_PER_MINUTE", 60.0, float),
        redis_url=env.get("GRACIOUS_REDIS_URL") or None,
        session_secret=env.get("GRACIOUS_SESSION_SECRET") or None,
        site_secret=env.get("GRACIOUS_SITE_SECRET") or None,
        demo_sign_in=_switch(env.get("GRACIOUS_DEMO_SIGN_IN"), default=not env.get("GRACIOUS_COMPANY_DB_URL")),
        rest_tokens=parse_tokens(env.get("GRACIOUS_REST_TOKENS") or ""),
        actions_mode=_actions_mode(env.get("GRACIOUS_ACTIONS")),
        nlu_processes=int(_number(env, "GRACIOUS_NLU_PROCESSES", 1, zero=True)),
        turns_at_once=int(_number(env, "GRACIOUS_TURNS_AT_ONCE", 2, zero=True)),
        action_timeout=_number(env, "GRACIOUS_ACTION_TIMEOUT", 20.0, float),
        turn_deadline_seconds=_number(env, "GRACIOUS_TURN_DEADLINE_SECONDS", 15.0, float),
        action_host=env.get("GRACIOUS_ACTION_HOST") or "127.0.0.1",
        action_token=env.get("GRACIOUS_ACTION_TOKEN") or "",
        agent_password=env.get("GRACIOUS_AGENT_PASSWORD") or None,
        proxy_secret=env.get("GRACIOUS_PROXY_SECRET") or None,
        handoffs_per_address=int(_number(env, "GRACIOUS_HANDOFFS_PER_ADDRESS", 30)),
        desk_first_reply_seconds=int(_number(env, "GRACIOUS_DESK_FIRST_REPLY_SECONDS", 300)),
        queue_check_seconds=_number(env, "GRACIOUS_QUEUE_CHECK_SECONDS", 5.0, float, zero=True),
        queue_update_seconds=_number(env, "GRACIOUS_QUEUE_UPDATE_SECONDS", 120.0, float, zero=True),
        queue_wait_limit_seconds=_number(env, "GRACIOUS_QUEUE_WAIT_LIMIT_SECONDS", 600.0, float, zero=True),
        queue_left_seconds=_number(env, "GRACIOUS_QUEUE_LEFT_SECONDS", 600.0, float, zero=True),
        account_checks_per_address=int(_number(env, "GRACIOUS_ACCOUNT_CHECKS_PER_ADDRESS", 10)),
        smtp_url=env.get("GRACIOUS_SMTP_URL") or None,
        mail_from=env.get("GRACIOUS_MAIL_FROM") or "Gracious care team <care@localhost>",
        thank_you_delay_seconds=_number(env, "GRACIOUS_THANK_YOU_DELAY_SECONDS", 3600.0, float, zero=True),
        company_webhook_url=env.get("GRACIOUS_COMPANY_WEBHOOK_URL") or None,
        company_webhook_secret=env.get("GRACIOUS_COMPANY_WEBHOOK_SECRET") or None,
        outbox_poll_seconds=_number(env, "GRACIOUS_OUTBOX_POLL_SECONDS", 1.0, float),
        late_check_seconds=_number(env, "GRACIOUS_LATE_CHECK_SECONDS", 300.0, float, zero=True),
        bot_port=int(_number(env, "BOT_PORT", 5005)),
        action_port=int(_number(env, "ACTION_PORT", 5055)),
        instances=int(_number(env, "GRACIOUS_INSTANCES", 2)),
        cluster_dir=Path(env.get("GRACIOUS_CLUSTER_DIR") or var / "cluster"),
    )


# Every variable read above, in the order of docs/configuration.md.
NAMES = tuple(
    """
    GRACIOUS_VAR_DIR GRACIOUS_CATALOG GRACIOUS_DOMAIN GRACIOUS_COMPANY_DB_URL
    GRACIOUS_RECORDS_DB_URL GRACIOUS_TRACKER_DB_URL GRACIOUS_TIMEZONE GRACIOUS_CARE_HOURS
    GRACIOUS_CARE_LINE GRACIOUS_MAX_MESSAGE_CHARS GRACIOUS_PATIENCE_SECONDS GRACIOUS_MAX_BODY_BYTES
    GRACIOUS_MAX_API_BODY_BYTES GRACIOUS_ALLOWED_ORIGINS RASA_AUTH_TOKEN GRACIOUS_SENDER_BURST
    GRACIOUS_SENDER_PER_MINUTE GRACIOUS_REDIS_URL GRACIOUS_SESSION_SECRET GRACIOUS_SITE_SECRET
    GRACIOUS_DEMO_SIGN_IN GRACIOUS_REST_TOKENS GRACIOUS_ACTIONS GRACIOUS_NLU_PROCESSES GRACIOUS_TURNS_AT_ONCE GRACIOUS_ACTION_TIMEOUT
    GRACIOUS_TURN_DEADLINE_SECONDS GRACIOUS_ACTION_HOST GRACIOUS_ACTION_TOKEN
    GRACIOUS_AGENT_PASSWORD GRACIOUS_PROXY_SECRET GRACIOUS_HANDOFFS_PER_ADDRESS
    GRACIOUS_DESK_FIRST_REPLY_SECONDS GRACIOUS_QUEUE_CHECK_SECONDS GRACIOUS_QUEUE_UPDATE_SECONDS
    GRACIOUS_QUEUE_WAIT_LIMIT_SECONDS GRACIOUS_QUEUE_LEFT_SECONDS
    GRACIOUS_ACCOUNT_CHECKS_PER_ADDRESS GRACIOUS_SMTP_URL GRACIOUS_MAIL_FROM
    GRACIOUS_THANK_YOU_DELAY_SECONDS GRACIOUS_COMPANY_WEBHOOK_URL GRACIOUS_COMPANY_WEBHOOK_SECRET
    GRACIOUS_OUTBOX_POLL_SECONDS GRACIOUS_LATE_CHECK_SECONDS BOT_PORT ACTION_PORT GRACIOUS_INSTANCES
    GRACIOUS_CLUSTER_DIR
    """.split()
)


@lru_cache(maxsize=8)
def _settings_for(values: Tuple[Optional[Any], ...]) -> Settings:
    decode = os.environ.decodevalue if _RAW is not None else str
    return from_env({name: decode(value) for name, value in zip(NAMES, values, strict=True) if value is not None})


# os.environ's own table (encoded names to encoded values), looked up without decoding each
# value: settings() is asked many times a turn, and reading 47 variables the usual way cost
# about 2 ms a turn (bench/profile.py).
_RAW = getattr(os.environ, "_data", None)
_RAW_NAMES = tuple(os.environ.encodekey(name) for name in NAMES) if _RAW is not None else NAMES


def settings() -> Settings:
    """This process's settings: parsed once per set of values, so a changed variable is seen."""
    return _settings_for(tuple(map((_RAW if _RAW is not None else os.environ).get, _RAW_NAMES)))


def var_dir() -> Path:
    """The folder for SQLite files, logs and secrets, made if missing."""
    folder = settings().var_dir
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def environment(checkout: bool = True, **extra: str) -> Dict[str, str]:
    """What a launcher hands a child process: this environment, ``extra`` on top.

    With ``checkout``, this checkout goes first on PYTHONPATH: Rasa imports our
    components, policy, stores and channels by name, also when it runs a copy of
    the project elsewhere (the benchmark's starter bot runs without it).
    """
    env = {**os.environ, **extra}
    if checkout:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env
