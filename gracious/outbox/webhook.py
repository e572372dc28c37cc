"""Commitments to the company's systems: a signed JSON POST to ``GRACIOUS_COMPANY_WEBHOOK_URL``.

The body is ``signing.body(message)`` (the exact bytes signed), with
``X-Gracious-Signature: sha256=<hex HMAC-SHA256 of the body>`` and an
``Idempotency-Key`` that is the message's id, the same on every retry, so the
company applies each commitment once however often it arrives. Any 2xx answer
means delivered; anything else is a failure the worker retries.
"""

from __future__ import annotations

import asyncio
from typing import Any, Mapping, Optional

import aiohttp

from gracious.outbox import signing
from gracious.outbox.smtp import DeliveryError
from gracious.settings import settings

VARIABLE = "GRACIOUS_COMPANY_WEBHOOK_URL"
NO_URL = f"no {VARIABLE} set"
TIMEOUT_SECONDS = 15.0


def headers(body: bytes, key: str, secret: bytes) -> dict:
    """The headers of one POST of ``body``."""
    return {
        "Content-Type": "application/json",
        signing.HEADER: signing.sign(body, secret),
        signing.KEY_HEADER: key,
    }


async def send(
    message: Mapping[str, Any],
    *,
    url: Optional[str] = None,
    secret: Optional[bytes] = None,
    timeout: float = TIMEOUT_SECONDS,
) -> None:
    """POST one commitment; a ``DeliveryError`` with a short reason unless the company answered 2xx."""
    url = url if url is not None else settings().company_webhook_url
    if not url:
        raise DeliveryError(NO_URL)
    body = signing.body(dict(message))
    sent_headers = headers(body, str(message["id"]), secret if secret is not None else signing.webhook_secret())
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as session:
            async with session.post(url, data=body, headers=sent_headers, allow_redirects=False) as reply:
                if 200 <= reply.status < 300:
                    return
                said = " ".join((await reply.text(errors="replace"))[:200].split())
    except aiohttp.ClientError as error:
        raise DeliveryError(f"could not reach the company's systems: {type(error).__name__} {error}"[:300]) from error
    except asyncio.TimeoutError as error:  # not the builtin TimeoutError before Python 3.11
        raise DeliveryError(f"the company's systems did not answer within {timeout:g} s") from error
    raise DeliveryError(f"the company's systems answered HTTP {reply.status}" + (f": {said}" if said else ""))
