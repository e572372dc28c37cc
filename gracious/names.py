"""Catalog ids in words for people: ``late_delivery_goodwill`` is "Late delivery goodwill".

The catalog's policies have ids and no titles; the case card the assistant writes
(actions/handoff.py, actions/case_card.py) and the desk that shows it
(server/desk/readable.py) both name a policy with ``policy_name``.
"""

from __future__ import annotations

from typing import Any, Optional


def words(code: Any) -> str:
    """A code as words: ``dispute_charge`` is "dispute charge"."""
    return str(code or "").replace("_", " ").strip()


def policy_name(policy_id: Any) -> Optional[str]:
    """A policy's name for people, its id in words with a capital: "Late delivery goodwill"; None without an id."""
    said = words(policy_id)
    return said[:1].upper() + said[1:] if said else None
