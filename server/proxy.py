"""Our own nginx's word on where a request came from, and nobody else's.

Behind `make cluster`'s nginx every request comes from nginx's address. nginx
names the client in a ``Forwarded`` header carrying a secret only it and the
instances know (``GRACIOUS_PROXY_SECRET``; launch/cluster/nginx.py). Sanic's
``request.remote_addr`` and ``request.scheme`` believe a ``Forwarded`` header only
when it carries ``FORWARDED_SECRET``, so a header a client wrote itself (a
``Forwarded``, an ``X-Forwarded-For``, an ``X-Forwarded-Proto``) is ignored, and
without the setting every request is its peer's (server.http.client_address).
"""

from __future__ import annotations

from typing import Any

from gracious.settings import settings


def trust_our_proxy(app: Any) -> None:
    """Believe the Forwarded header our nginx adds (with the proxy secret), and no other."""
    app.config.FORWARDED_SECRET = settings().proxy_secret
    # Never X-Forwarded-For or X-Real-IP, whatever SANIC_* variables say: anyone can write those.
    app.config.REAL_IP_HEADER = None
    app.config.PROXIES_COUNT = None
