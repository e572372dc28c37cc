"""Who sent a message: what both customer channels put in every message's metadata.

Every ``UserMessage`` from our channels carries
``metadata["gracious_client"] = {"address": ..., "channel": "rest" | "socketio",
"integration": <REST integration name or "">}``, written by the server over
anything the client sent under that key, so actions and the other guards can
trust it. ``address`` is the client's address (server/http.py ``client_address``;
for the widget, the address its socket connected from).
"""

from __future__ import annotations

import ipaddress
from typing import Any, Dict, Mapping, Optional, Text

from sanic.request import Request

from server.http import client_address

CLIENT_KEY = "gracious_client"


def normal_address(address: Optional[Text]) -> Text:
    """``address`` as one spelling: an IPv4 address mapped into IPv6 as itself, ::1 as 127.0.0.1."""
    address = (address or "").strip()
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        if parsed.is_loopback:
            return "127.0.0.1"
    return str(parsed)


def client(address: Optional[Text], channel: Text, integration: Text = "") -> Dict[Text, Text]:
    """The ``gracious_client`` entry for a message."""
    return {"address": normal_address(address), "channel": channel, "integration": integration or ""}


def request_address(request: Request) -> Text:
    return normal_address(client_address(request))


def socket_address(environ: Mapping[Text, Any]) -> Text:
    """The address a socket.io connection came from (python-socketio's sanic mode keeps the request)."""
    request = environ.get("sanic.request")
    if request is not None:
        return request_address(request)
    return normal_address(environ.get("REMOTE_ADDR"))


def with_client(metadata: Optional[Mapping[Text, Any]], who: Dict[Text, Text]) -> Dict[Text, Any]:
    """A copy of ``metadata`` (the client's own, passed through) with ``gracious_client`` set by us."""
    merged = dict(metadata or {})
    merged[CLIENT_KEY] = dict(who)
    return merged


def caller_key(who: Optional[Mapping[Text, Any]]) -> Optional[Text]:
    """Whom a conversation answers to: the integration over REST with tokens, else the address."""
    if not isinstance(who, Mapping):
        return None
    if who.get("integration"):
        return f"integration:{who['integration']}"
    if who.get("address"):
        return f"address:{who['address']}"
    return None
