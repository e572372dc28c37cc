"""Mail over SMTP: the relay named by ``GRACIOUS_SMTP_URL``, with the standard library only.

    smtp://relay.example.com              port 25, STARTTLS when the server offers it
    smtp://user:pass@relay.example.com:587
    smtps://user:pass@relay.example.com   port 465, TLS from the first byte

Credentials are URL-encoded in the URL (``p%40ss`` for ``p@ss``). A password is
never sent over a connection that is not encrypted, unless the relay is on this
machine (loopback). The message is built with ``email.message.EmailMessage``: plain
text with the HTML as its alternative, From ``GRACIOUS_MAIL_FROM``, To the customer
by name, and the outbox row's Message-ID, so a repeat is recognisably the same mail.
``smtplib`` blocks, so each send runs on a thread of its own pool, within a total time
budget (each step may take what is left of it). A thread cannot be stopped, so a send
given up by its caller still says how it went: ``send`` waits for its thread (at most
the budget) and returns or raises as the relay answered, so a row is never marked
failed, and sent again, while its first send may still be accepted.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import smtplib
import socket
import ssl
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid
from typing import Any, Mapping, Optional
from urllib.parse import unquote, urlsplit

from gracious.settings import settings

VARIABLE = "GRACIOUS_SMTP_URL"
NO_URL = f"no {VARIABLE} set"
DEFAULT_PORTS = {"smtp": 25, "smtps": 465}
# Each blocking step (connect, a command, the message) may take this long...
TIMEOUT_SECONDS = 20.0
# ...and the whole send this long: below the worker's 40 s deadline (worker.py).
BUDGET_SECONDS = 35.0
# smtplib's threads, apart from the ones the stores share (asyncio.to_thread's), so a slow relay
# never keeps a customer's turn waiting for a thread; a send given up before it started never starts.
# Header lines up to RFC 5322's hard limit, so a subject is never folded: Python folds some
# ("...team: Tuesday at 1:45 am") onto a line of their own, which reads back with a space in front.
MAIL_POLICY = policy.default.clone(max_line_length=998)
SENDING_THREADS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="gracious-smtp")


class DeliveryError(RuntimeError):
    """A delivery that did not happen; its text is kept on the outbox row (``last_error``)."""


@dataclass(frozen=True)
class Relay:
    """Where mail goes, as ``GRACIOUS_SMTP_URL`` says."""

    host: str
    port: int
    implicit_tls: bool
    username: Optional[str] = None
    password: Optional[str] = None

    @property
    def local(self) -> bool:
        """Whether the relay is on this machine (a password may then go without TLS)."""
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False


def parse_url(url: str) -> Relay:
    """``smtp://[user:pass@]host[:port]`` or ``smtps://...``; a ValueError naming the variable otherwise."""
    hint = f'{VARIABLE} must read like "smtp://user:pass@host:587" or "smtps://host:465", not {url!r}'
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise ValueError(hint) from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname or parts.path not in ("", "/") or parts.query:
        raise ValueError(hint)
    return Relay(
        host=parts.hostname,
        port=port or DEFAULT_PORTS[scheme],
        implicit_tls=scheme == "smtps",
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
    )


def _one_line(text: Any) -> str:
    """A header's value on one line (a name or subject never carries a line break into the headers)."""
    return " ".join(str(text or "").split())


def build_message(payload: Mapping[str, Any], sender: str, now: Optional[datetime] = None) -> EmailMessage:
    """The email of an outbox row's payload: plain text, with the HTML as its alternative."""
    message = EmailMessage(policy=MAIL_POLICY)
    message["From"] = sender
    message["To"] = formataddr((_one_line(payload.get("name")), _one_line(payload["to"])))
    message["Subject"] = _one_line(payload["subject"])
    # As the outbox row has it, kept as written (the parsed header would cut "<thank-you:case-7@gracious>"
    # at the ':'), so every try of one promise carries the same Message-ID.
    message_id = _one_line(payload.get("message_id"))
    message.set_raw("Message-ID", message_id if message_id.isascii() and message_id else make_msgid(domain="gracious"))
    moment = now or datetime.now(timezone.utc)
    message["Date"] = format_datetime(moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc))
    message.set_content(str(payload["text"]))
    if payload.get("html"):
        message.add_alternative(str(payload["html"]), subtype="html")
    return message


class _Budget:
    """What is left of a send's time: each step's socket timeout, never more than ``step``."""

    def __init__(self, total: float, step: float) -> None:
        self.ends = time.monotonic() + total
        self.step = step

    def left(self) -> float:
        left = self.ends - time.monotonic()
        if left <= 0:
            raise socket.timeout("the relay took longer than the time given to one send")
        return min(left, self.step)


class _Timed(smtplib.SMTP):
    """``smtplib.SMTP`` whose every read and write is held to what is left of the budget."""

    def __init__(self, budget: _Budget, **options: Any) -> None:
        self.budget = budget
        super().__init__(timeout=budget.left(), **options)

    def send(self, s: Any) -> None:
        if self.sock:
            self.sock.settimeout(self.budget.left())
        super().send(s)

    def getreply(self) -> Any:
        if self.sock:
            self.sock.settimeout(self.budget.left())
        return super().getreply()


class _TimedSSL(_Timed, smtplib.SMTP_SSL):
    """The same, TLS from the first byte."""


def _deliver(
    relay: Relay, message: EmailMessage, timeout: float, context: Optional[ssl.SSLContext], budget: float
) -> None:
    """Connect, secure, sign in, send, and say goodbye (blocking), within ``budget`` seconds in all."""
    context = context or ssl.create_default_context()
    limit = _Budget(budget, timeout)
    client: _Timed
    if relay.implicit_tls:
        client = _TimedSSL(limit, host=relay.host, port=relay.port, context=context)
    else:
        client = _Timed(limit, host=relay.host, port=relay.port)
    try:
        client.ehlo()
        secure = relay.implicit_tls
        if not secure and client.has_extn("starttls"):
            client.starttls(context=context)
            client.ehlo()
            secure = True
        if relay.username:
            if not secure and not relay.local:
                raise DeliveryError(
                    f"{relay.host} offers no STARTTLS, so its password was not sent; use smtps:// or a relay with TLS"
                )
            client.login(relay.username, relay.password or "")
        refused = client.send_message(message)
        if refused:
            raise DeliveryError(describe(smtplib.SMTPRecipientsRefused(refused)))
    except BaseException:
        client.close()
        raise
    try:
        client.quit()  # the relay has the message: a slow or failed goodbye changes nothing
    except (OSError, smtplib.SMTPException):
        client.close()


def _refusal(to: str, said: Any) -> str:
    code, text = said
    return f"{to} ({code} {_one_line(text.decode('utf-8', 'replace') if isinstance(text, bytes) else text)})"


def describe(error: BaseException) -> str:
    """A short text for ``last_error`` (what the desk shows)."""
    if isinstance(error, smtplib.SMTPResponseException):
        text = error.smtp_error.decode("utf-8", "replace") if isinstance(error.smtp_error, bytes) else error.smtp_error
        return f"SMTP {error.smtp_code}: {_one_line(text)}"[:300]
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return (
            "the relay refused " + "; ".join(_refusal(to, said) for to, said in sorted(error.recipients.items()))[:300]
        )
    return (_one_line(str(error)) or type(error).__name__)[:300]


async def send(
    payload: Mapping[str, Any],
    *,
    url: Optional[str] = None,
    sender: Optional[str] = None,
    timeout: float = TIMEOUT_SECONDS,
    budget: float = BUDGET_SECONDS,
    context: Optional[ssl.SSLContext] = None,
) -> None:
    """Send the email of an outbox row's ``payload``; a ``DeliveryError`` says why it was not sent.

    ``url`` and ``sender`` default to ``GRACIOUS_SMTP_URL`` and ``GRACIOUS_MAIL_FROM``;
    ``context`` is the TLS context (default: the system's trusted certificates). ``timeout``
    holds each step, ``budget`` the whole send. Cancelled (given up by the worker) while the
    relay still has the message, it waits for the relay's answer and says how it went.
    """
    config = settings()
    url = url if url is not None else config.smtp_url
    if not url:
        raise DeliveryError(NO_URL)
    relay = parse_url(url)
    message = build_message(payload, sender or config.mail_from)
    work = functools.partial(_deliver, relay, message, timeout, context, budget)
    sending = asyncio.get_running_loop().run_in_executor(SENDING_THREADS, work)
    try:
        try:
            await asyncio.shield(sending)
        except asyncio.CancelledError:
            if sending.cancelled():  # given up before its thread started: it never will
                raise
            await asyncio.wait({sending})  # the thread runs on: its outcome, not a guess
            sending.result()
    except DeliveryError:
        raise
    except (OSError, smtplib.SMTPException, ssl.SSLError) as error:
        raise DeliveryError(describe(error)) from error
