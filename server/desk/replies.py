"""The team's canned replies: stored, searchable, editable, with the playbook's suggestions as the defaults.

The first time the list is read, each of the playbook's suggested replies
(conversation.SUGGESTIONS, their words from the domain) becomes a reply with a
short title; ``seed_key`` remembers which response it came from, so it is seeded
once, also after a lead deleted it; a lead can ``restore`` the defaults missing.
Like a help desk's macros: every agent uses every reply and adds their own; an
agent edits and deletes the replies they added, a lead any reply (the playbook's
too). Each reply says who last changed it ("Updated by Ana Ruiz"). The functions
taking ``conn`` run inside one of the desk store's transactions (server/desk/store.py).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

import sqlalchemy as sa

from gracious.responses import spoken
from gracious.stores import clock
from gracious.stores.base import add_row
from server.desk import conversation
from server.desk.agents import Agent
from server.desk.history import display_names
from server.desk.shared import iso
from server.desk.tables import canned_replies

MAX_TITLE = 80
MAX_TEXT = 2000
# What each of the playbook's suggestions is called in the list.
SEED_TITLES = {
    "utter_desk_suggest_empathize": "Empathize",
    "utter_desk_suggest_apologize": "Apologize",
    "utter_desk_suggest_offer": "Offer",
}


class Invalid(ValueError):
    """A reply the desk refuses, in words for the agent (a 400)."""


class NotYours(PermissionError):
    """A reply this agent may not change (a 403)."""

    def __init__(self) -> None:
        super().__init__("Only the agent who added a canned reply, or a lead, can change it.")


def may_change(row: Any, agent: Agent) -> bool:
    """A lead changes any reply; an agent the replies they added."""
    return agent.lead or (row.created_by == agent.name and row.seed_key is None)


def seeds(domain: Any) -> List[Tuple[str, str, str]]:
    """(response name, title, text) for each of the playbook's suggestions the domain has."""
    said = spoken(domain)
    present = [key for key in conversation.SUGGESTIONS if key in said]
    texts = conversation.suggestions(domain)
    return [
        (key, SEED_TITLES.get(key) or key.rsplit("_", 1)[-1].capitalize(), text)
        for key, text in zip(present, texts, strict=True)
        if text
    ]


def valid(body: Dict[str, Any]) -> Tuple[str, str]:
    """The title and text as kept (trimmed); Invalid with what is wrong."""
    title, text = body.get("title"), body.get("text")
    title = title.strip() if isinstance(title, str) else ""
    text = text.strip() if isinstance(text, str) else ""
    problems = []
    if not 1 <= len(title) <= MAX_TITLE:
        problems.append(f"A title needs 1 to {MAX_TITLE} characters.")
    if not 1 <= len(text) <= MAX_TEXT:
        problems.append(f"A reply's text needs 1 to {MAX_TEXT} characters.")
    if problems:
        raise Invalid(" ".join(problems))
    return title, text


def seed(conn: sa.engine.Connection, domain_seeds: List[Tuple[str, str, str]]) -> int:
    """Add each playbook suggestion never seeded before; how many were added."""
    known = {row.seed_key for row in conn.execute(sa.select(canned_replies.c.seed_key))}
    added = 0
    for key, title, text in domain_seeds:
        if key not in known:
            add_row(conn, canned_replies, title=title, text=text, seed_key=key, created_by="playbook")
            added += 1
    return added


def missing_defaults(
    conn: sa.engine.Connection, domain_seeds: List[Tuple[str, str, str]]
) -> List[Tuple[str, str, str]]:
    """The playbook's replies not on the list (deleted, or never seeded)."""
    live = {
        row.seed_key
        for row in conn.execute(
            sa.select(canned_replies.c.seed_key).where(
                canned_replies.c.seed_key.isnot(None), canned_replies.c.deleted_at.is_(None)
            )
        )
    }
    return [playbook for playbook in domain_seeds if playbook[0] not in live]


def restore(conn: sa.engine.Connection, domain_seeds: List[Tuple[str, str, str]], agent: str) -> List[str]:
    """Put each missing playbook reply back with the playbook's words; the titles put back."""
    missing = missing_defaults(conn, domain_seeds)
    seed(conn, missing)
    for key, title, text in missing:
        conn.execute(
            canned_replies.update()
            .where(canned_replies.c.seed_key == key, canned_replies.c.deleted_at.isnot(None))
            .values(title=title, text=text, deleted_at=None, updated_by=agent, updated_at=clock.now())
        )
    return [title for _, title, _ in missing]


def byline(row: Any, names: Dict[str, str]) -> str:
    """Who last changed the reply, in words: "Updated by Ana Ruiz", "Added by Sam Lee", "From the playbook"."""
    if row.updated_by:
        return f"Updated by {names.get(row.updated_by, row.updated_by)}"
    if row.seed_key is not None:
        return "From the playbook"
    return f"Added by {names.get(row.created_by, row.created_by)}"


def _shown(row: Any, agent: Agent, names: Dict[str, str]) -> Dict[str, Any]:
    return {
        "id": row.id,
        "title": row.title,
        "text": row.text,
        "from_playbook": row.seed_key is not None,
        "created_by": row.created_by,
        "updated_by": row.updated_by,
        "created_at": iso(row.created_at),
        "updated_at": iso(row.updated_at),
        "byline": byline(row, names),
        "can_change": may_change(row, agent),
    }


def _like(words: str) -> str:
    escaped = words.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search(conn: sa.engine.Connection, agent: Agent, query: str = "") -> List[Dict[str, Any]]:
    """Every reply not deleted whose title or text holds each word of ``query`` (any case), by title."""
    select = sa.select(canned_replies).where(canned_replies.c.deleted_at.is_(None))
    for word in (query or "").split()[:10]:
        pattern = _like(word)
        select = select.where(
            sa.or_(
                sa.func.lower(canned_replies.c.title).like(pattern, escape="\\"),
                sa.func.lower(canned_replies.c.text).like(pattern, escape="\\"),
            )
        )
    rows = conn.execute(select.order_by(sa.func.lower(canned_replies.c.title), canned_replies.c.id))
    names = display_names(conn)
    return [_shown(row, agent, names) for row in rows]


def add(conn: sa.engine.Connection, title: str, text: str, agent: Agent) -> Dict[str, Any]:
    reply_id = add_row(conn, canned_replies, title=title, text=text, created_by=agent.name)
    return one(conn, reply_id, agent) or {}


def _row(conn: sa.engine.Connection, reply_id: int) -> Any:
    return conn.execute(
        sa.select(canned_replies).where(canned_replies.c.id == reply_id, canned_replies.c.deleted_at.is_(None))
    ).first()


def one(conn: sa.engine.Connection, reply_id: int, agent: Agent) -> Optional[Dict[str, Any]]:
    row = _row(conn, reply_id)
    return _shown(row, agent, display_names(conn)) if row else None


def _changeable(conn: sa.engine.Connection, reply_id: int, agent: Agent) -> bool:
    """False when there is no such reply (or it was deleted); NotYours when it is not this agent's to change."""
    row = _row(conn, reply_id)
    if row is not None and not may_change(row, agent):
        raise NotYours()
    return row is not None


def update(conn: sa.engine.Connection, reply_id: int, title: str, text: str, agent: Agent) -> Optional[Dict[str, Any]]:
    """The reply with its new title and text; None when there is no such reply; NotYours."""
    if not _changeable(conn, reply_id, agent):
        return None
    conn.execute(
        canned_replies.update()
        .where(canned_replies.c.id == reply_id)
        .values(title=title, text=text, updated_by=agent.name, updated_at=clock.now())
    )
    return one(conn, reply_id, agent)


def delete(conn: sa.engine.Connection, reply_id: int, agent: Agent) -> bool:
    """Take a reply off the list; False when there is no such reply (or it was deleted already); NotYours."""
    if not _changeable(conn, reply_id, agent):
        return False
    now = clock.now()
    conn.execute(
        canned_replies.update()
        .where(canned_replies.c.id == reply_id)
        .values(deleted_at=now, updated_by=agent.name, updated_at=now)
    )
    return True
