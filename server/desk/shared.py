"""What the desk's modules share: a stored moment in ISO 8601, a request's JSON body, the routes' types.

Moments are stored as naive UTC (gracious/stores/clock.py); ``iso`` gives them
their offset, so browsers and ``datetime.fromisoformat`` both read them as UTC,
not local time. ``json_body`` is a request's JSON object, or ``{}`` for anything
else (no body, not JSON, not an object): each route then says what is missing.
A module that adds routes to the desk's blueprint (``routes(desk, api, store,
secure, error)``, called by web.py) types them with ``Guard``, ``Secure`` and
``Error``.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, Awaitable, Callable, Dict, Optional

from sanic.request import Request
from sanic.response import HTTPResponse

Handler = Callable[..., Awaitable[HTTPResponse]]
# web.py's ``api``: only signed-in agents, state changes only from the desk's own pages.
Guard = Callable[[Handler], Handler]
# web.py's ``_secure`` (the desk's headers on an answer) and ``_error`` (status, words).
Secure = Callable[[HTTPResponse], HTTPResponse]
Error = Callable[..., HTTPResponse]


def iso(moment: Optional[datetime]) -> Optional[str]:
    """A stored (naive UTC) moment as ISO 8601 with its offset: "2024-05-14T14:00:00+00:00"."""
    return moment.replace(tzinfo=timezone.utc).isoformat(timespec="seconds") if moment else None


def json_body(request: Request) -> Dict[str, Any]:
    """The request's JSON object; ``{}`` when the body is empty, not JSON or not an object."""
    try:
        found = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return {}
    return found if isinstance(found, dict) else {}
