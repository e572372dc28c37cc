"""The answers a request is refused with: JSON, ``{"error": ..., "message": ...}``.

``error`` is a code for programs; ``message`` is for the customer, worded in
domain.yml (server/channels/wording.py), except the answers to malformed requests,
which only a developer's program sends.
"""

from __future__ import annotations

import math
from typing import Any, Optional, Text

from sanic import response
from sanic.response import HTTPResponse

from server.channels.wording import text

KIB = 1024
TOO_LARGE = "utter_refused_too_large"
HEADERS_TOO_LARGE = "utter_refused_headers_too_large"
TOO_MANY_MESSAGES = "utter_refused_too_many_messages"
CROSS_SITE = "utter_refused_cross_site"
# Every response this module says, for the test that renders each.
KEYS = (TOO_LARGE, HEADERS_TOO_LARGE, TOO_MANY_MESSAGES, CROSS_SITE)


def refusal(status: int, error: Text, message: Text, **headers: Text) -> HTTPResponse:
    """A JSON refusal in the channels' shape, never cached."""
    reply = response.json({"error": error, "message": message}, status=status, headers=headers)
    reply.headers["Cache-Control"] = "no-store"
    return reply


def bad_request(problem: Text) -> HTTPResponse:
    """A malformed request, explained to the developer who sent it."""
    return refusal(400, "bad_request", problem)


def size_words(limit: int) -> Text:
    """64 * 1024 as "64 KB"."""
    if limit % (KIB * KIB) == 0:
        return f"{limit // (KIB * KIB)} MB"
    if limit % KIB == 0:
        return f"{limit // KIB} KB"
    return f"{limit} bytes"


def too_large(limit: int, agent: Optional[Any] = None) -> HTTPResponse:
    return refusal(413, "too_large", text(TOO_LARGE, agent, max_size=size_words(limit)))


def headers_too_large(agent: Optional[Any] = None) -> HTTPResponse:
    return refusal(413, "too_large", text(HEADERS_TOO_LARGE, agent))


def too_many_messages(retry_after: float, agent: Optional[Any] = None) -> HTTPResponse:
    seconds = max(1, math.ceil(retry_after))
    wait = f"{seconds} second{'s' if seconds != 1 else ''}"
    return refusal(429, "too_many_messages", text(TOO_MANY_MESSAGES, agent, wait=wait), **{"Retry-After": str(seconds)})


def cross_site(agent: Optional[Any] = None) -> HTTPResponse:
    return refusal(403, "cross_site_refused", text(CROSS_SITE, agent))


# -- REST access (server/channels/rest_access.py); read by an integrator's developer --


def token_needed() -> HTTPResponse:
    return refusal(
        401,
        "token_required",
        "This service needs an integration token: send it as 'Authorization: Bearer <token>'.",
        **{"WWW-Authenticate": 'Bearer realm="gracious"'},
    )


def not_your_conversation() -> HTTPResponse:
    return refusal(
        403,
        "conversation_of_another_caller",
        "This conversation was started by another caller, so it can't be continued from here. "
        "Please start a conversation with a sender id of your own.",
    )


def widget_session() -> HTTPResponse:
    return refusal(
        403,
        "widget_conversation",
        "This sender id belongs to a chat on our website, which continues only in that chat. "
        "Please use a sender id of your own.",
    )


def message_id_reused() -> HTTPResponse:
    return refusal(
        409,
        "message_id_reused",
        "This message_id was already used for another message. "
        "Please give each new message a message_id of its own, and repeat one only to resend the same message.",
    )


def text_too_long(limit: int, length: int) -> HTTPResponse:
    return refusal(
        413,
        "text_too_long",
        f"The text is {length} characters long; we read at most {limit} at a time. Please send a shorter text.",
    )
