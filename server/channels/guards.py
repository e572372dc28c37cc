"""The Rasa server's guards against bad input and abuse, installed once per app.

- **Body size**: every request body is limited to ``GRACIOUS_MAX_BODY_BYTES``
  (64 KiB) before a byte of it is read; only requests to Rasa's HTTP API that
  carry its token may send up to ``GRACIOUS_MAX_API_BODY_BYTES`` (512 MiB, for
  model and training-data uploads). Too large: 413 with a JSON explanation.
  Sanic enforces ``request.stream.request_max_size`` when the body is read: a
  ``Content-Length`` above it is refused at once, a chunked body as soon as the
  chunks pass it. Every request starts at the small limit (``http.lifecycle.handle``,
  before routing, so a request to an unknown route is not drained up to the
  app-wide limit either), and the API's limit is raised once the route is known
  (``http.routing.after``, just before the body is read). The app-wide
  ``REQUEST_MAX_SIZE`` is the larger of the two. WebSocket frames (the widget's
  socket.io) are held to the small limit too.
- **Framing**: a ``Content-Length`` that is not a plain number, two of them, or a
  ``Transfer-Encoding`` other than chunked get a 400 (Sanic would answer 500 or
  guess).
- **Cross-site requests**: a request whose ``Origin`` is another website may read
  (GET/HEAD, which browsers cannot read the answer of without CORS headers, and
  this server sends none to other sites) but not change anything: POST, PUT,
  DELETE, PATCH and CORS preflights (OPTIONS) get 403, and so does socket.io
  (a WebSocket is not covered by CORS, so a foreign page could otherwise talk
  to the widget's channel with the customer's cookie). Same-origin requests,
  requests without an ``Origin`` (servers, curl) and the origins listed in
  ``GRACIOUS_ALLOWED_ORIGINS`` pass.
- **Messages per sender**: a token bucket per conversation
  (``GRACIOUS_SENDER_BURST`` messages at once, refilled at
  ``GRACIOUS_SENDER_PER_MINUTE``), in this process, or in Redis when
  ``GRACIOUS_REDIS_URL`` is set so the limit holds across instances; the
  channels ask it before anything is stored (429 with Retry-After over REST).

Customer text is never logged here; ``log_failure`` logs an exception without
its message, which may quote the customer.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import math
import os
import sys
import time
import traceback
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional, Text, Tuple

from sanic import Blueprint, response
from sanic.exceptions import PayloadTooLarge, SanicException
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

KIB = 1024
DEFAULT_MAX_BODY_BYTES = 64 * KIB
DEFAULT_MAX_API_BODY_BYTES = 512 * KIB * KIB
DEFAULT_SENDER_BURST = 60
DEFAULT_SENDER_PER_MINUTE = 60.0

# Paths (as Sanic's router spells them, without the leading slash) that customers
# and agents use: never the large limit, whatever token they carry.
CUSTOMER_PATHS = ("webhooks", "socket.io", "desk", "demo")
UNSAFE_METHODS = frozenset({"POST", "PUT", "DELETE", "PATCH", "OPTIONS"})
# socket.io refuses foreign origins for every method: the WebSocket upgrade is a GET.
ALWAYS_SAME_ORIGIN_PATHS = ("/socket.io",)

TOO_MANY_MESSAGES_TEXT = (
    "We've received a lot of messages in this conversation in a short time, so we "
    "couldn't take that last one. Please wait a few seconds and send it again."
)


# -- settings ---------------------------------------------------------------


def _int_setting(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {raw!r}") from None
    if value <= 0:
        raise ValueError(f"{name} must be greater than zero, not {raw!r}")
    return value


def _float_setting(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number, not {raw!r}") from None
    if not value > 0 or math.isinf(value):
        raise ValueError(f"{name} must be a number greater than zero, not {raw!r}")
    return value


@dataclass(frozen=True)
class Settings:
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    max_api_body_bytes: int = DEFAULT_MAX_API_BODY_BYTES
    allowed_origins: Tuple[str, ...] = ()
    api_token: Optional[str] = None

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> "Settings":
        env = os.environ if env is None else env
        origins = tuple(
            o.strip().rstrip("/").lower() for o in env.get("GRACIOUS_ALLOWED_ORIGINS", "").split(",") if o.strip()
        )
        return cls(
            max_body_bytes=_int_setting(env, "GRACIOUS_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES),
            max_api_body_bytes=_int_setting(env, "GRACIOUS_MAX_API_BODY_BYTES", DEFAULT_MAX_API_BODY_BYTES),
            allowed_origins=origins,
            api_token=env.get("RASA_AUTH_TOKEN") or None,
        )


# -- answers ----------------------------------------------------------------


def refusal(status: int, error: Text, message: Text, **headers: Text) -> HTTPResponse:
    """A JSON refusal in the channels' shape: {"error": ..., "message": ...}."""
    reply = response.json({"error": error, "message": message}, status=status, headers=headers)
    reply.headers["Cache-Control"] = "no-store"
    return reply


def too_large(limit: int) -> HTTPResponse:
    return refusal(
        413, "too_large",
        f"That request is larger than we can accept here (at most {_size(limit)}). "
        "Please send something shorter.",
    )


def too_many_messages(retry_after: float) -> HTTPResponse:
    seconds = max(1, math.ceil(retry_after))
    return refusal(
        429, "too_many_messages",
        "We've received a lot of messages in this conversation in a short time, so we "
        f"couldn't take this one. Please wait {seconds} second{'s' if seconds != 1 else ''} "
        "and send it again.",
        **{"Retry-After": str(seconds)},
    )


def cross_site() -> HTTPResponse:
    return refusal(
        403, "cross_site_refused",
        "This request came from another website, so it was refused. Please use this site's own pages.",
    )


def _size(limit: int) -> str:
    if limit % (KIB * KIB) == 0:
        return f"{limit // (KIB * KIB)} MB"
    if limit % KIB == 0:
        return f"{limit // KIB} KB"
    return f"{limit} bytes"


class BadFraming(SanicException):
    """A request whose length can't be trusted."""

    status_code = 400
    quiet = True


# -- the pieces, as plain functions ----------------------------------------


def framing_problem(headers: Any) -> Optional[Text]:
    """What is wrong with a request's Content-Length / Transfer-Encoding, if anything."""
    lengths = headers.getall("content-length", [])
    encodings = headers.getall("transfer-encoding", [])
    if len(lengths) > 1:
        return "Send one Content-Length header, not several."
    if lengths and not (lengths[0].strip().isascii() and lengths[0].strip().isdigit()):
        return "The Content-Length header must be a whole number of bytes."
    if encodings:
        if len(encodings) > 1 or encodings[0].strip().lower() != "chunked":
            return "Only chunked Transfer-Encoding is supported."
        if lengths:
            return "Send either Content-Length or Transfer-Encoding, not both."
    return None


def origin_allowed(origin: Optional[Text], host: Optional[Text], allowed: Tuple[str, ...] = ()) -> bool:
    """Whether a request with this Origin comes from this site (or one we trust)."""
    if origin is None:
        return True  # not from a browser page: servers, curl, the tests
    origin = origin.strip().rstrip("/").lower()
    if origin in allowed:
        return True
    if "://" not in origin or not host:
        return False  # "null" (sandboxed pages, files) and anything odd
    return origin.split("://", 1)[1] == host.strip().lower()


def cross_site_refused(method: Text, path: Text, origin: Optional[Text], host: Optional[Text],
                       allowed: Tuple[str, ...] = ()) -> bool:
    """Whether to refuse a request as cross-site."""
    if origin_allowed(origin, host, allowed):
        return False
    return method.upper() in UNSAFE_METHODS or path.startswith(ALWAYS_SAME_ORIGIN_PATHS)


def api_route(route_path: Text) -> bool:
    """Whether a route is Rasa's HTTP API (not a customer or desk route)."""
    path = route_path.lstrip("/")
    return not any(path == p or path.startswith(p + "/") for p in CUSTOMER_PATHS)


def token_matches(given: Optional[Text], expected: Optional[Text]) -> bool:
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())


def body_limit(route_path: Text, authorized: bool, settings: Settings) -> int:
    """The body limit for a request to this route."""
    if authorized and api_route(route_path):
        return max(settings.max_api_body_bytes, settings.max_body_bytes)
    return settings.max_body_bytes


def log_failure(log: logging.Logger, what: Text, error: Optional[BaseException] = None) -> None:
    """Log an exception (by default the one being handled): its type and where, never its message.

    Exception messages can quote the customer (an action server's error echoing
    the tracker, a parser quoting its input); the types and the code lines of
    the traceback are enough to find the fault.
    """
    if error is None:
        error = sys.exc_info()[1]
    chain = []
    while error is not None and error not in chain:
        chain.append(error)
        error = error.__cause__ or (None if error.__suppress_context__ else error.__context__)
    lines = [what]
    for exc in reversed(chain):
        lines.append(f"{type(exc).__module__}.{type(exc).__qualname__} (message not logged), at:")
        lines.append("".join(traceback.format_tb(exc.__traceback__)).rstrip())
    log.error("\n".join(lines))


# -- messages per sender ----------------------------------------------------


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: float = 0.0  # seconds until one more message would be taken


class SenderLimiter:
    """How many messages a conversation may send: ask before handling each one."""

    async def hit(self, sender: Text) -> Decision:  # pragma: no cover - interface
        raise NotImplementedError

    async def close(self) -> None:
        pass


class MemoryLimiter(SenderLimiter):
    """A token bucket per sender, in this process: ``burst`` at once, ``per_minute`` after."""

    def __init__(self, burst: int = DEFAULT_SENDER_BURST, per_minute: float = DEFAULT_SENDER_PER_MINUTE,
                 clock: Any = time.monotonic, max_senders: int = 100_000) -> None:
        self.burst = burst
        self.rate = per_minute / 60.0
        self.clock = clock
        self.max_senders = max_senders
        self._buckets: "OrderedDict[str, Tuple[float, float]]" = OrderedDict()

    def hit_now(self, sender: Text) -> Decision:
        now = self.clock()
        tokens, stamp = self._buckets.pop(sender, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + max(0.0, now - stamp) * self.rate)
        if tokens >= 1.0:
            decision = Decision(True)
            tokens -= 1.0
        else:
            decision = Decision(False, (1.0 - tokens) / self.rate)
        self._buckets[sender] = (tokens, now)  # most recent last
        while len(self._buckets) > self.max_senders:
            self._buckets.popitem(last=False)  # the longest quiet, whose bucket is fullest
        return decision

    async def hit(self, sender: Text) -> Decision:
        return self.hit_now(sender)


# KEYS[1]: the sender's bucket; ARGV: burst, tokens per second. Redis's own clock,
# so every instance counts alike. Returns {allowed (0/1), seconds to wait (string)}.
TOKEN_BUCKET_LUA = """
if redis.replicate_commands then pcall(redis.replicate_commands) end
local burst = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'stamp')
local tokens = tonumber(state[1]) or burst
local stamp = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - stamp) * rate)
local allowed = 0
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  wait = (1 - tokens) / rate
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'stamp', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst / rate) * 1000) + 1000)
return {allowed, tostring(wait)}
"""


class RedisLimiter(SenderLimiter):
    """The same token bucket in Redis, shared by every instance; in-process while Redis is away."""

    PREFIX = "gracious:rate:"
    RETRY_SECONDS = 5.0  # after a failure, how long to count in-process before asking Redis again

    def __init__(self, url: Text, burst: int = DEFAULT_SENDER_BURST,
                 per_minute: float = DEFAULT_SENDER_PER_MINUTE, timeout: float = 0.5,
                 fallback: Optional[SenderLimiter] = None) -> None:
        from redis.asyncio.connection import parse_url

        parse_url(url)  # a malformed GRACIOUS_REDIS_URL stops the start (ValueError), not a message
        self.url = url
        self.burst = burst
        self.rate = per_minute / 60.0
        self.timeout = timeout
        self.fallback = fallback or MemoryLimiter(burst, per_minute)
        self._client: Any = None
        self._script: Any = None
        self._down_until = 0.0
        self.down = False

    def _key(self, sender: Text) -> str:
        # Hashed: conversation ids can be personal (an email as sender id); Redis needn't see them.
        return self.PREFIX + hashlib.sha256(sender.encode()).hexdigest()[:32]

    def _connect(self) -> None:
        from redis import asyncio as aioredis

        self._client = aioredis.Redis.from_url(
            self.url, socket_timeout=self.timeout, socket_connect_timeout=self.timeout,
        )
        self._script = self._client.register_script(TOKEN_BUCKET_LUA)

    async def hit(self, sender: Text) -> Decision:
        from redis.exceptions import RedisError

        if time.monotonic() < self._down_until:
            return await self.fallback.hit(sender)
        try:
            if self._client is None:
                self._connect()
            allowed, wait = await asyncio.wait_for(
                self._script(keys=[self._key(sender)], args=[self.burst, repr(self.rate)]),
                timeout=self.timeout * 4,
            )
        except (RedisError, OSError, asyncio.TimeoutError) as error:
            self._down_until = time.monotonic() + self.RETRY_SECONDS
            if not self.down:
                logger.warning(
                    "Message rate limit: Redis unreachable (%s); limiting on this instance only until it is back.",
                    type(error).__name__,
                )
            self.down = True
            return await self.fallback.hit(sender)
        if self.down:
            logger.info("Message rate limit: Redis reachable again.")
            self.down = False
        wait = float(wait.decode() if isinstance(wait, bytes) else wait)
        return Decision(bool(int(allowed)), 0.0 if int(allowed) else wait)

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None


def limiter_from_env(env: Optional[Mapping[str, str]] = None) -> SenderLimiter:
    """The limiter the settings ask for: Redis with GRACIOUS_REDIS_URL, else in-process."""
    env = os.environ if env is None else env
    burst = _int_setting(env, "GRACIOUS_SENDER_BURST", DEFAULT_SENDER_BURST)
    per_minute = _float_setting(env, "GRACIOUS_SENDER_PER_MINUTE", DEFAULT_SENDER_PER_MINUTE)
    memory = MemoryLimiter(burst, per_minute)
    url = env.get("GRACIOUS_REDIS_URL")
    return RedisLimiter(url, burst, per_minute, fallback=memory) if url else memory


_limiter: Optional[SenderLimiter] = None


def sender_limiter() -> SenderLimiter:
    """This process's limiter (made from the environment on first use)."""
    global _limiter
    if _limiter is None:
        _limiter = limiter_from_env()
    return _limiter


async def refuse_if_too_fast(sender: Text) -> Optional[HTTPResponse]:
    """A 429 for a sender over its limit, else None (the message may be handled)."""
    decision = await sender_limiter().hit(sender)
    return None if decision.allowed else too_many_messages(decision.retry_after)


# -- installing it ----------------------------------------------------------


def install(app: Any, sio: Any = None) -> None:
    """Put the guards on the Rasa server's Sanic app (once), and on its socket.io server."""
    settings = Settings.from_env()
    if sio is not None:
        # engine.io's own limit on long-polling payloads and WebSocket messages.
        sio.eio.max_http_buffer_size = min(sio.eio.max_http_buffer_size, settings.max_body_bytes)
    if getattr(app.ctx, "gracious_guards", None) is not None:
        return
    app.ctx.gracious_guards = settings
    sender_limiter()  # a bad GRACIOUS_SENDER_* setting stops the start, not a customer's message
    app.config.REQUEST_MAX_SIZE = max(settings.max_api_body_bytes, settings.max_body_bytes)
    app.config.WEBSOCKET_MAX_SIZE = min(app.config.WEBSOCKET_MAX_SIZE, settings.max_body_bytes)

    @app.signal("http.lifecycle.request")
    async def check_framing(request: Request, **_: Any) -> None:
        # Before Sanic reads Content-Length itself (it would answer "abc" with a 500).
        problem = framing_problem(request.headers)
        if problem:
            raise BadFraming(problem)

    @app.signal("http.lifecycle.handle")
    async def small_by_default(request: Request, **_: Any) -> None:
        if request.stream is not None:
            request.stream.request_max_size = min(request.stream.request_max_size, settings.max_body_bytes)

    @app.signal("http.routing.after")
    async def limit_for_route(request: Request, route: Any, **_: Any) -> None:
        if request.stream is None:
            return
        authorized = token_matches(request.args.get("token"), settings.api_token) or bool(
            app.config.get("USE_JWT") and request.headers.get("authorization")
        )
        request.stream.request_max_size = body_limit(route.path, authorized, settings)

    async def refuse_cross_site(request: Request) -> Optional[HTTPResponse]:
        if cross_site_refused(request.method, request.path, request.headers.get("origin"), request.host,
                              settings.allowed_origins):
            return cross_site()
        return None

    @app.listener("before_server_start")
    async def first_in_line(app: Any, _: Any) -> None:
        # Ahead of every other request middleware, Sanic-CORS's included (it answers
        # preflights itself, and adds its own at server start, hence here).
        app.request_middleware.appendleft(refuse_cross_site)

    async def on_too_large(request: Request, exception: Exception) -> HTTPResponse:
        if "header" in str(exception).lower():
            return refusal(413, "too_large", "The request's headers are larger than we can accept here. "
                                             "Please send them shorter.")
        limit = getattr(getattr(request, "stream", None), "request_max_size", settings.max_body_bytes)
        return too_large(int(min(limit, app.config.REQUEST_MAX_SIZE)))

    async def on_bad_framing(request: Request, exception: BadFraming) -> HTTPResponse:
        return refusal(400, "bad_request", str(exception))

    app.error_handler.add(PayloadTooLarge, on_too_large)
    app.error_handler.add(BadFraming, on_bad_framing)


class GuardedBlueprint(Blueprint):
    """A Blueprint that installs the guards on the app it is registered with."""

    def register(self, app: Any, options: Dict[Text, Any]) -> None:
        install(app)
        super().register(app, options)
