"""The team's canned replies: stored, searchable, editable, with the playbook's suggestions as the defaults.

The first time the list is read, each of the playbook's suggested replies
(conversation.SUGGESTIONS, their words from the domain) becomes a reply with a
short title; ``seed_key`` remembers which response it came from, so it is seeded
once, also after an agent deleted it. The functions taking ``conn`` run inside
one of the desk store's transactions (server/desk/store.py).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

import sqlalchemy as sa

from gracious.stores import clock
from gracious.stores.base import add_row
from server.desk import conversation
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


def seeds(domain: Any) -> List[Tuple[str, str, str]]:
    """(response name, title, text) for each of the playbook's suggestions the domain has."""
    present = [key for key in conversation.SUGGESTIONS if key in domain.responses]
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


def _shown(row: Any) -> Dict[str, Any]:
    return {
        "id": row.id,
        "title": row.title,
        "text": row.text,
        "from_playbook": row.seed_key is not None,
        "created_by": row.created_by,
        "updated_by": row.updated_by,
        "created_at": iso(row.created_at),
        "updated_at": iso(row.updated_at),
    }


def _like(words: str) -> str:
    escaped = words.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search(conn: sa.engine.Connection, query: str = "") -> List[Dict[str, Any]]:
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
    return [_shown(row) for row in rows]


def add(conn: sa.engine.Connection, title: str, text: str, agent: str) -> Dict[str, Any]:
    reply_id = add_row(conn, canned_replies, title=title, text=text, created_by=agent)
    return one(conn, reply_id) or {}


def one(conn: sa.engine.Connection, reply_id: int) -> Optional[Dict[str, Any]]:
    row = conn.execute(
        sa.select(canned_replies).where(canned_replies.c.id == reply_id, canned_replies.c.deleted_at.is_(None))
    ).first()
    return _shown(row) if row else None


def update(conn: sa.engine.Connection, reply_id: int, title: str, text: str, agent: str) -> Optional[Dict[str, Any]]:
    """The reply with its new title and text; None when there is no such reply (or it was deleted)."""
    changed = conn.execute(
        canned_replies.update()
        .where(canned_replies.c.id == reply_id, canned_replies.c.deleted_at.is_(None))
        .values(title=title, text=text, updated_by=agent, updated_at=clock.now())
    ).rowcount
    return one(conn, reply_id) if changed else None


def delete(conn: sa.engine.Connection, reply_id: int, agent: str) -> bool:
    """Take a reply off the list; False when there is no such reply (or it was deleted already)."""
    now = clock.now()
    return (
        conn.execute(
            canned_replies.update()
            .where(canned_replies.c.id == reply_id, canned_replies.c.deleted_at.is_(None))
            .values(deleted_at=now, updated_by=agent, updated_at=now)
        ).rowcount
        == 1
    )
