"""The people who work the desk: their accounts, and the rules for names and passwords.

The functions taking ``conn`` run inside one of the desk store's transactions
(server/desk/store.py); the store hashes passwords before it opens one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, List, Optional

import sqlalchemy as sa

from gracious.stores.base import add_row
from server.desk.tables import agents

NAME_PATTERN = re.compile(r"[a-z0-9._-]{2,40}")
MIN_PASSWORD_LENGTH = 10


@dataclass(frozen=True)
class Agent:
    """A person who works the desk; ``name`` is the lowercase login."""

    id: int
    name: str
    display_name: str
    # A lead sees every case; other agents the queue and the cases they hold or finished.
    lead: bool = False


class AccountError(ValueError):
    """A name or password that can't be used, or an account that doesn't fit."""


def normal_name(name: str) -> str:
    return (name or "").strip().lower()


def valid_name(name: str) -> str:
    """The lowercase login for ``name``; AccountError if it isn't one."""
    name = normal_name(name)
    if not NAME_PATTERN.fullmatch(name):
        raise AccountError("An agent name is 2-40 characters of a-z, 0-9, '.', '_' or '-'.")
    return name


def valid_display_name(display_name: str) -> str:
    display_name = (display_name or "").strip()
    if not 1 <= len(display_name) <= 80:
        raise AccountError("A display name is 1-80 characters.")
    return display_name


def valid_password(password: str) -> str:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AccountError(f"A password needs at least {MIN_PASSWORD_LENGTH} characters.")
    return password


LEAD = "lead"


def agent(row: Any) -> Agent:
    return Agent(id=row.id, name=row.name, display_name=row.display_name, lead=row.role == LEAD)


def exists(conn: sa.engine.Connection, name: str) -> bool:
    return conn.execute(sa.select(agents.c.id).where(agents.c.name == name)).first() is not None


def add(conn: sa.engine.Connection, name: str, display_name: str, password_hash: str, lead: bool = False) -> Agent:
    """A new account; AccountError if the name is taken."""
    if exists(conn, name):
        raise taken(name)
    role = LEAD if lead else None
    new_id = add_row(conn, agents, name=name, display_name=display_name, password_hash=password_hash, role=role)
    return Agent(id=new_id, name=name, display_name=display_name, lead=lead)


def set_lead(conn: sa.engine.Connection, name: str, lead: bool) -> None:
    """AccountError for an unknown agent."""
    changed = conn.execute(agents.update().where(agents.c.name == name).values(role=LEAD if lead else None)).rowcount
    if not changed:
        raise AccountError(f"There is no agent named '{name}'.")


def taken(name: str) -> AccountError:
    return AccountError(f"An agent named '{name}' already exists.")


def set_password_hash(conn: sa.engine.Connection, name: str, password_hash: str) -> None:
    """AccountError for an unknown agent."""
    changed = conn.execute(agents.update().where(agents.c.name == name).values(password_hash=password_hash)).rowcount
    if not changed:
        raise AccountError(f"There is no agent named '{name}'.")


def find(conn: sa.engine.Connection, name: str) -> Optional[Any]:
    """The account row for ``name`` (with its password hash), or None."""
    return conn.execute(sa.select(agents).where(agents.c.name == name)).first()


def everyone(conn: sa.engine.Connection) -> List[Agent]:
    """Every agent, by display name."""
    return [agent(row) for row in conn.execute(sa.select(agents).order_by(agents.c.display_name, agents.c.name))]
