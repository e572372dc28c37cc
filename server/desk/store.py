"""Agent accounts, desk sessions and the work on handoffs, in the records database.

Agents sign in with a name and a password (only scrypt hashes are kept), hold a
session token (only its SHA-256 is kept) and work the handoffs the assistant
opened: claim, note, transfer, finish. The tables share the records store's
MetaData, so one ``create_all`` makes the assistant's tables and the desk's.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import math
import re
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Dict, List, Optional, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from gracious.stores.records import _now, agent_presence, ensure_schema, handoffs, metadata
from gracious.stores.sqlite import make_engine

T = TypeVar("T")

agents = sa.Table(
    "agents",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(40), nullable=False, unique=True),
    sa.Column("display_name", sa.String(80), nullable=False),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
)
desk_sessions = sa.Table(
    "desk_sessions",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("agent_id", sa.Integer, sa.ForeignKey("agents.id"), nullable=False, index=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("expires_at", sa.DateTime, nullable=False),
)
login_failures = sa.Table(
    "login_failures",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(80), nullable=False, index=True),
    sa.Column("client", sa.String(255), nullable=False, index=True),
    sa.Column("at", sa.DateTime, nullable=False, index=True),
)
handoff_notes = sa.Table(
    "handoff_notes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("handoff_id", sa.Integer, sa.ForeignKey("handoffs.id"), nullable=False, index=True),
    sa.Column("agent", sa.String(80), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

NAME_PATTERN = re.compile(r"[a-z0-9._-]{2,40}")
MIN_PASSWORD_LENGTH = 10
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
SESSION_LIFETIME = timedelta(hours=12)
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
MAX_NOTE_LENGTH = 2000
OUTCOMES = ("resolved", "credit", "replacement", "refund", "callback_booked")
URGENT_REASONS = ("strong_frustration", "executive_escalation")
# Health or danger (server/nlu/safety.py) goes before everyone else.
SAFETY_REASON = "safety"
LARGE_AMOUNT = 100


@dataclass(frozen=True)
class Agent:
    """A person who works the desk; ``name`` is the lowercase login."""

    id: int
    name: str
    display_name: str


class AccountError(ValueError):
    """A name or password that can't be used, or an account that doesn't fit."""


class Throttled(Exception):
    """Too many failed sign-ins lately for this name or this client."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Too many failed sign-ins; try again in {retry_after} s.")
        self.retry_after = retry_after


def _normal_name(name: str) -> str:
    return (name or "").strip().lower()


def valid_name(name: str) -> str:
    """The lowercase login for ``name``; AccountError if it isn't one."""
    name = _normal_name(name)
    if not NAME_PATTERN.fullmatch(name):
        raise AccountError("An agent name is 2-40 characters of a-z, 0-9, '.', '_' or '-'.")
    return name


def _valid_password(password: str) -> str:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AccountError(f"A password needs at least {MIN_PASSWORD_LENGTH} characters.")
    return password


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    # surrogatepass: JSON can carry lone surrogates, which must fail the login, not crash it.
    secret = password.encode("utf-8", "surrogatepass")
    return hashlib.scrypt(secret, salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024, dklen=length)


def hash_password(password: str) -> str:
    """``scrypt$n$r$p$salthex$hashhex`` with a fresh 16-byte salt."""
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, 32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: Optional[str]) -> bool:
    """Whether ``password`` matches ``stored``; with nothing stored, hash anyway and say no.

    Hashing for unknown names too keeps a sign-in from revealing which names exist.
    """
    try:
        scheme, n, r, p, salt_hex, hash_hex = (stored or "").split("$")
        params = int(n), int(r), int(p)
        salt, expected = bytes.fromhex(salt_hex), bytes.fromhex(hash_hex)
        usable = scheme == "scrypt" and bool(expected)
    except ValueError:
        usable = False
    if not usable:
        _scrypt(password, bytes(16), SCRYPT_N, SCRYPT_R, SCRYPT_P, 32)
        return False
    return hmac.compare_digest(_scrypt(password, salt, *params, len(expected)), expected)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def _iso(moment: Optional[datetime]) -> Optional[str]:
    # With the offset, so browsers and fromisoformat both read it as UTC, not local time.
    return moment.replace(tzinfo=timezone.utc).isoformat(timespec="seconds") if moment else None


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def priority(reason: str, summary: Dict[str, Any]) -> int:
    """Who should be helped first: safety, then frustration counting double, big money, urgent reasons."""
    score = 2 * int(_number(summary.get("frustration")))
    amounts = summary.get("amounts")
    if isinstance(amounts, dict) and any(_number(v) >= LARGE_AMOUNT for v in amounts.values()):
        score += 1
    if reason in URGENT_REASONS:
        score += 2
    if reason == SAFETY_REASON:
        score += 100
    return score


def _entry(row: Any, now: datetime) -> Dict[str, Any]:
    summary = json.loads(row.summary) if row.summary else {}
    if not isinstance(summary, dict):
        summary = {}
    return {
        "id": row.id,
        "sender_id": row.sender_id,
        "reason": row.reason,
        "team": row.team,
        "status": row.status,
        "agent": row.agent,
        "created_at": _iso(row.created_at),
        "waiting_seconds": max(0, int((now - row.created_at).total_seconds())),
        "summary": summary,
        "priority": priority(row.reason, summary),
    }


def _agent(row: Any) -> Agent:
    return Agent(id=row.id, name=row.name, display_name=row.display_name)


def _mark_present(conn: sa.engine.Connection, name: str) -> None:
    """Upsert the agent's presence row; the assistant counts these as agents on duty."""
    now = _now()
    dialect = conn.dialect.name
    if dialect in ("sqlite", "postgresql"):
        insert = (sqlite.insert if dialect == "sqlite" else postgresql.insert)(agent_presence)
        conn.execute(
            insert.values(agent=name, last_seen=now).on_conflict_do_update(
                index_elements=[agent_presence.c.agent], set_={"last_seen": now}
            )
        )
        return
    changed = conn.execute(
        agent_presence.update().where(agent_presence.c.agent == name).values(last_seen=now)
    ).rowcount
    if not changed:
        conn.execute(agent_presence.insert().values(agent=name, last_seen=now))


def _throttle_wait(conn: sa.engine.Connection, name: str, client: str) -> int:
    """Seconds until both this name and this client are under the failure limit; 0 if they are."""
    now = _now()
    wait = 0
    for column, value in ((login_failures.c.name, name), (login_failures.c.client, client)):
        newest = conn.execute(
            sa.select(login_failures.c.at)
            .where(column == value, login_failures.c.at > now - FAILURE_WINDOW)
            .order_by(login_failures.c.at.desc())
            .limit(MAX_FAILURES)
        ).scalars().all()
        if len(newest) >= MAX_FAILURES:
            # Allowed again once the oldest of the last MAX_FAILURES leaves the window.
            frees_at = newest[-1] + FAILURE_WINDOW
            wait = max(wait, 1, math.ceil((frees_at - now).total_seconds()))
    return wait


def _held_by(handoff_id: int, name: str) -> Any:
    """The handoff, if this agent holds it: claimed and not yet finished."""
    return sa.and_(
        handoffs.c.id == handoff_id,
        handoffs.c.agent == name,
        handoffs.c.status == "claimed",
        handoffs.c.finished_at.is_(None),
    )


class DeskStore:
    """Async access to the desk's accounts and the handoffs agents work. One per process."""

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        self._ready = False
        self._ready_lock = threading.Lock()

    def _sync(self, fn: Callable[..., T], *args: Any) -> T:
        with self._ready_lock:
            if not self._ready:
                ensure_schema(self.engine)
                self._ready = True
        with self.engine.begin() as conn:
            return fn(conn, *args)

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(conn, *args)`` in one transaction, on a worker thread."""
        return await asyncio.to_thread(self._sync, fn, *args)

    # Accounts

    async def add_agent(self, name: str, display_name: str, password: str) -> Agent:
        """Create an account; AccountError for a bad name, password or display name, or a taken name."""
        name = valid_name(name)
        display_name = (display_name or "").strip()
        if not 1 <= len(display_name) <= 80:
            raise AccountError("A display name is 1-80 characters.")
        password_hash = await asyncio.to_thread(hash_password, _valid_password(password))
        taken = AccountError(f"An agent named '{name}' already exists.")

        def write(conn):
            if conn.execute(sa.select(agents.c.id).where(agents.c.name == name)).first():
                raise taken
            result = conn.execute(
                agents.insert().values(
                    name=name, display_name=display_name, password_hash=password_hash, created_at=_now()
                )
            )
            return Agent(id=int(result.inserted_primary_key[0]), name=name, display_name=display_name)

        try:
            return await self._run(write)
        except sa.exc.IntegrityError:  # added by someone else between the check and the insert
            raise taken from None

    async def set_password(self, name: str, password: str) -> None:
        """Replace an agent's password; AccountError for a short password or an unknown agent."""
        name = _normal_name(name)
        password_hash = await asyncio.to_thread(hash_password, _valid_password(password))

        def write(conn):
            changed = conn.execute(
                agents.update().where(agents.c.name == name).values(password_hash=password_hash)
            ).rowcount
            if not changed:
                raise AccountError(f"There is no agent named '{name}'.")

        await self._run(write)

    async def verify_login(self, name: str, password: str, client: str) -> Optional[Agent]:
        """The agent these credentials belong to, or None (and the failure is recorded).

        Raises Throttled, before looking at the password, once the name or the client
        has MAX_FAILURES failures within FAILURE_WINDOW.
        """
        name = _normal_name(name)[:80]
        client = (client or "")[:255]

        def find(conn):
            wait = _throttle_wait(conn, name, client)
            if wait:
                raise Throttled(wait)
            return conn.execute(sa.select(agents).where(agents.c.name == name)).first()

        row = await self._run(find)
        stored = row.password_hash if row else None
        if await asyncio.to_thread(check_password, password or "", stored):
            return _agent(row)

        def record_failure(conn):
            conn.execute(login_failures.insert().values(name=name, client=client, at=_now()))

        await self._run(record_failure)
        return None

    async def agents(self) -> List[Agent]:
        """Every agent, by display name."""

        def read(conn):
            query = sa.select(agents).order_by(agents.c.display_name, agents.c.name)
            return [_agent(row) for row in conn.execute(query)]

        return await self._run(read)

    # Sessions

    async def create_session(self, agent: Agent) -> str:
        """A new session token for the agent (only its hash is stored); marks them present."""
        token = secrets.token_urlsafe(32)

        def write(conn):
            now = _now()
            conn.execute(
                desk_sessions.insert().values(
                    token_hash=_token_hash(token), agent_id=agent.id, created_at=now,
                    expires_at=now + SESSION_LIFETIME,
                )
            )
            _mark_present(conn, agent.name)

        await self._run(write)
        return token

    async def agent_for_session(self, token: Optional[str]) -> Optional[Agent]:
        """The agent a live session belongs to, refreshing their presence; None otherwise."""
        if not token or not token.isascii() or len(token) > 200:
            return None

        def read(conn):
            row = conn.execute(
                sa.select(agents)
                .join(desk_sessions, desk_sessions.c.agent_id == agents.c.id)
                .where(desk_sessions.c.token_hash == _token_hash(token), desk_sessions.c.expires_at > _now())
            ).first()
            if row is None:
                return None
            _mark_present(conn, row.name)
            return _agent(row)

        return await self._run(read)

    async def end_session(self, token: Optional[str]) -> None:
        """Sign out: forget the session and take the agent off duty."""
        if not token or not token.isascii() or len(token) > 200:
            return

        def write(conn):
            token_hash = _token_hash(token)
            name = conn.execute(
                sa.select(agents.c.name)
                .join(desk_sessions, desk_sessions.c.agent_id == agents.c.id)
                .where(desk_sessions.c.token_hash == token_hash)
            ).scalar()
            conn.execute(desk_sessions.delete().where(desk_sessions.c.token_hash == token_hash))
            if name is not None:
                conn.execute(agent_presence.delete().where(agent_presence.c.agent == name))

        await self._run(write)

    # Handoffs

    async def queue(self) -> List[Dict[str, Any]]:
        """Unfinished handoffs, highest priority first, oldest first within a priority."""

        def read(conn):
            now = _now()
            rows = conn.execute(
                sa.select(handoffs)
                .where(handoffs.c.finished_at.is_(None))
                .order_by(handoffs.c.created_at, handoffs.c.id)
            )
            return [_entry(row, now) for row in rows]

        entries = await self._run(read)
        # A stable sort keeps the oldest-first order within each priority.
        return sorted(entries, key=lambda entry: -entry["priority"])

    async def handoff(self, handoff_id: int) -> Optional[Dict[str, Any]]:
        """One handoff as in the queue, plus its outcome, when it finished and its notes."""

        def read(conn):
            row = conn.execute(sa.select(handoffs).where(handoffs.c.id == handoff_id)).first()
            if row is None:
                return None
            notes = conn.execute(
                sa.select(handoff_notes)
                .where(handoff_notes.c.handoff_id == handoff_id)
                .order_by(handoff_notes.c.created_at, handoff_notes.c.id)
            )
            return {
                **_entry(row, _now()),
                "outcome": row.outcome,
                "finished_at": _iso(row.finished_at),
                "notes": [
                    {"agent": n.agent, "text": n.text, "created_at": _iso(n.created_at)} for n in notes
                ],
            }

        return await self._run(read)

    async def handoff_for_sender(self, sender_id: str) -> Optional[Dict[str, Any]]:
        """The conversation's newest unfinished handoff, as in the queue, or None."""

        def read(conn):
            row = conn.execute(
                sa.select(handoffs)
                .where(handoffs.c.sender_id == sender_id, handoffs.c.finished_at.is_(None))
                .order_by(handoffs.c.created_at.desc(), handoffs.c.id.desc())
                .limit(1)
            ).first()
            return _entry(row, _now()) if row else None

        return await self._run(read)

    async def claim(self, handoff_id: int, agent: Agent) -> bool:
        """Take a waiting handoff; False if someone else got there first or it is finished."""

        def write(conn):
            return conn.execute(
                handoffs.update()
                .where(
                    handoffs.c.id == handoff_id,
                    handoffs.c.status == "waiting",
                    handoffs.c.finished_at.is_(None),
                )
                .values(status="claimed", agent=agent.name, updated_at=_now())
            ).rowcount == 1

        return await self._run(write)

    async def transfer(self, handoff_id: int, from_agent: Agent, to_name: str) -> bool:
        """Hand a claimed handoff to another existing agent; only its holder may."""
        to_name = _normal_name(to_name)
        if to_name == from_agent.name:
            return False

        def write(conn):
            if not conn.execute(sa.select(agents.c.id).where(agents.c.name == to_name)).first():
                return False
            return conn.execute(
                handoffs.update()
                .where(_held_by(handoff_id, from_agent.name))
                .values(agent=to_name, updated_at=_now())
            ).rowcount == 1

        return await self._run(write)

    async def add_note(self, handoff_id: int, agent: Agent, text: str) -> int:
        """An internal note on a handoff (never shown to the customer); returns its id.

        ValueError for an empty or over-long note, or a handoff that doesn't exist.
        """
        text = (text or "").strip()
        if not 1 <= len(text) <= MAX_NOTE_LENGTH:
            raise ValueError(f"A note is 1-{MAX_NOTE_LENGTH} characters.")

        def write(conn):
            if not conn.execute(sa.select(handoffs.c.id).where(handoffs.c.id == handoff_id)).first():
                raise ValueError(f"There is no handoff {handoff_id}.")
            result = conn.execute(
                handoff_notes.insert().values(
                    handoff_id=handoff_id, agent=agent.name, text=text, created_at=_now()
                )
            )
            return int(result.inserted_primary_key[0])

        return await self._run(write)

    async def finish(self, handoff_id: int, agent: Agent, outcome: str) -> bool:
        """Close a handoff with its outcome; only its holder may. ValueError for an unknown outcome."""
        if outcome not in OUTCOMES:
            raise ValueError(f"Unknown outcome {outcome!r}; use one of: {', '.join(OUTCOMES)}.")

        def write(conn):
            now = _now()
            return conn.execute(
                handoffs.update()
                .where(_held_by(handoff_id, agent.name))
                .values(status="finished", outcome=outcome, finished_at=now, updated_at=now)
            ).rowcount == 1

        return await self._run(write)
