"""The Rasa server's guards against bad input and abuse, put on its app once.

Each guard's rule lives in its own module; this one wires them into Sanic:

- **Body size** (server/channels/limits.py): Sanic enforces
  ``request.stream.request_max_size`` when the body is read: a ``Content-Length``
  above it is refused at once, a chunked body as soon as the chunks pass it.
  Every request starts at the small limit (``http.lifecycle.handle``, before
  routing, so a request to an unknown route is not drained up to the app-wide
  limit either), and the API's limit is raised once the route is known
  (``http.routing.after``, just before the body is read). The app-wide
  ``REQUEST_MAX_SIZE`` is the larger of the two. Too large: 413. WebSocket frames
  (the widget's socket.io) may be up to ``SOCKET_FRAME_BYTES`` (1 MB), so that the
  channel can read a message over the small limit and answer it politely
  (server/channels/socketio.py) instead of dropping the socket; a larger frame
  still closes it.
- **Framing** (server/channels/limits.py): an untrustworthy length gets a 400,
  checked before Sanic reads ``Content-Length`` itself.
- **Cross-site requests** (server/channels/origins.py): refused with a 403 ahead
  of every other middleware.
- **Text to parse** (server/channels/limits.py): ``/model/parse`` refuses a text
  longer than a customer's message may be (413), before Rasa reads it.
- **Messages per sender** (server/channels/rate_limits.py): asked by the channels
  themselves, before anything is stored.

The settings come from gracious/settings.py; the refusals' wording from
domain.yml (server/channels/refusals.py). Customer text is never logged
(server/channels/failures.py).
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Text

from sanic import Blueprint
from sanic.exceptions import PayloadTooLarge
from sanic.request import Request
from sanic.response import HTTPResponse

from gracious.settings import settings
from server.channels import refusals
from server.channels.limits import BadFraming, body_limit, framing_problem, parse_text_length, token_matches
from server.channels.origins import cross_site_refused
from server.channels.rate_limits import sender_limiter
from server.proxy import trust_our_proxy

# The largest WebSocket frame read: a message over the body limit is read and answered politely.
SOCKET_FRAME_BYTES = 1024 * 1024


def socket_frame_bytes(config: Any) -> int:
    return max(SOCKET_FRAME_BYTES, config.max_body_bytes)


def _agent(request: Request) -> Optional[Any]:
    """The Rasa agent serving this request, whose domain words the refusals."""
    return getattr(request.app.ctx, "agent", None)


def install(app: Any, sio: Any = None) -> None:
    """Put the guards on the Rasa server's Sanic app (once), and on its socket.io server."""
    config = settings()
    if sio is not None:
        # engine.io's own limit on WebSocket messages (long-polling bodies have the small limit).
        sio.eio.max_http_buffer_size = socket_frame_bytes(config)
    if getattr(app.ctx, "gracious_guards", None) is not None:
        return
    app.ctx.gracious_guards = config
    trust_our_proxy(app)  # the client's address: the peer's, or our own nginx's word (server/proxy.py)
    sender_limiter()  # a bad GRACIOUS_REDIS_URL stops the start, not a customer's message
    app.config.REQUEST_MAX_SIZE = max(config.max_api_body_bytes, config.max_body_bytes)
    app.config.WEBSOCKET_MAX_SIZE = socket_frame_bytes(config)

    @app.signal("http.lifecycle.request")
    async def check_framing(request: Request, **_: Any) -> None:
        # Before Sanic reads Content-Length itself (it would answer "abc" with a 500).
        problem = framing_problem(request.headers)
        if problem:
            raise BadFraming(problem)

    @app.signal("http.lifecycle.handle")
    async def small_by_default(request: Request, **_: Any) -> None:
        if request.stream is not None:
            request.stream.request_max_size = min(request.stream.request_max_size, config.max_body_bytes)

    @app.signal("http.routing.after")
    async def limit_for_route(request: Request, route: Any, **_: Any) -> None:
        if request.stream is None:
            return
        authorized = token_matches(request.args.get("token"), config.api_token) or bool(
            app.config.get("USE_JWT") and request.headers.get("authorization")
        )
        request.stream.request_max_size = body_limit(route.path, authorized, config)

    async def refuse_cross_site(request: Request) -> Optional[HTTPResponse]:
        if cross_site_refused(
            request.method, request.path, request.headers.get("origin"), request.host, config.allowed_origins
        ):
            return refusals.cross_site(_agent(request))
        return None

    @app.listener("before_server_start")
    async def first_in_line(app: Any, _: Any) -> None:
        # Ahead of every other request middleware, Sanic-CORS's included (it answers
        # preflights itself, and adds its own at server start, hence here).
        app.request_middleware.appendleft(refuse_cross_site)

    async def limit_parse_text(request: Request) -> Optional[HTTPResponse]:
        length = parse_text_length(request.method, request.path, request.body)
        limit = config.max_message_chars
        return refusals.text_too_long(limit, length) if length > limit else None

    app.register_middleware(limit_parse_text, "request")

    async def on_too_large(request: Request, exception: Exception) -> HTTPResponse:
        if "header" in str(exception).lower():
            return refusals.headers_too_large(_agent(request))
        limit = getattr(getattr(request, "stream", None), "request_max_size", config.max_body_bytes)
        return refusals.too_large(int(min(limit, app.config.REQUEST_MAX_SIZE)), _agent(request))

    async def on_bad_framing(request: Request, exception: BadFraming) -> HTTPResponse:
        return refusals.bad_request(str(exception))

    app.error_handler.add(PayloadTooLarge, on_too_large)
    app.error_handler.add(BadFraming, on_bad_framing)


class GuardedBlueprint(Blueprint):
    """A Blueprint that installs the guards on the app it is registered with."""

    def register(self, app: Any, options: Dict[Text, Any]) -> None:
        install(app)
        super().register(app, options)
