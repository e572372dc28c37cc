"""The local mail sink's store on disk: every email it receives, one ``.eml`` file each.

``make run`` without ``GRACIOUS_SMTP_URL`` starts a mail sink on loopback
(``launch/mail_sink.py``) whose handler calls ``keep``; the desk's Outbox page reads
the mails back with ``messages`` and ``message``. Each file is named
``<UTC time received>-<short hash>.eml`` (so names sort by time), written 0600 and
renamed into place whole, so a reader never sees half a message. The hash is of
the Message-ID with the recipient, subject and words (of the whole message when it
has no Message-ID): a message kept once is not kept again when a retry sends it a
second time.
"""

from __future__ import annotations

import hashlib
import os
import re
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any, Dict, List, Optional

from gracious.settings import settings
from gracious.stores import clock

SUFFIX = ".eml"
STAMP = "%Y%m%dT%H%M%S.%fZ"
# An id is a file's name without ".eml": the time it came, then the hash.
ID = re.compile(r"^(\d{8}T\d{6}\.\d{6}Z)-([0-9a-f]{12})$")


def default_folder() -> Path:
    """Where ``make run``'s sink keeps mail: ``var/mail/``."""
    return settings().var_dir / "mail"


def _parse(raw: bytes) -> EmailMessage:
    # policy.default makes an EmailMessage (get_body, get_content).
    return BytesParser(policy=policy.default).parsebytes(raw)


def _message_id(message: EmailMessage) -> Optional[str]:
    """The Message-ID as written (the parsed header drops what follows a character RFC 5322
    does not allow there, such as the ':' in "<thank-you:case-7@gracious>")."""
    for name, value in message.raw_items():
        if name.lower() == "message-id":
            found = " ".join(str(value).split())
            return found or None
    return None


def _digest(raw: bytes, message: EmailMessage) -> str:
    """What makes a message the same one sent again: its Message-ID with its recipient, subject
    and words (a retry carries a new Date, so the bytes differ). The recipient, subject and words
    are in it because Python's email package cuts an id short at a character RFC 5322 does not
    allow there ("<thank-you:case-7@gracious>" goes out as "<thank-you"), and two different mails
    must not pass for one. A message without a Message-ID is told apart by its bytes."""
    found = _message_id(message)
    if not found:
        return hashlib.sha256(raw).hexdigest()[:12]
    parts = (found, str(message.get("To") or ""), str(message.get("Subject") or ""), _part(message, "plain") or "")
    return hashlib.sha256("\x00".join(parts).encode("utf-8", "replace")).hexdigest()[:12]


def _existing(folder: Path, digest: str) -> Optional[str]:
    for path in folder.glob(f"*-{digest}{SUFFIX}"):
        if ID.match(path.stem):
            return path.stem
    return None


def keep(folder: Path, raw: bytes) -> str:
    """Keep one received message in ``folder``; its id (the id it already had, if kept before)."""
    folder = Path(folder)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    digest = _digest(raw, _parse(raw))
    found = _existing(folder, digest)
    if found is not None:
        return found
    name = f"{clock.now().strftime(STAMP)}-{digest}"
    temporary = folder / f".{name}.tmp"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as out:
            out.write(raw)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, folder / f"{name}{SUFFIX}")
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return name


def _part(message: EmailMessage, kind: str) -> Optional[str]:
    part = message.get_body(preferencelist=(kind,))
    if part is None or part.get_content_subtype() != kind:
        return None
    content = part.get_content()
    # Over SMTP every line ends in CRLF; read back, a line ends as a Python string's does.
    return content.replace("\r\n", "\n") if isinstance(content, str) else None


def _read(path: Path) -> Dict[str, Any]:
    message = _parse(path.read_bytes())
    stamp = ID.match(path.stem)
    received = datetime.strptime(stamp.group(1), STAMP) if stamp else None
    return {
        "id": path.stem,
        "received_at": received,
        "from": str(message.get("From") or ""),
        "to": str(message.get("To") or ""),
        "subject": str(message.get("Subject") or ""),
        "text": _part(message, "plain") or "",
        "html": _part(message, "html"),
        "message_id": _message_id(message),
    }


def messages(folder: Optional[Path] = None, limit: Optional[int] = None) -> List[Dict[str, Any]]:
    """The kept messages, newest first: ``{id, received_at (UTC), from, to, subject, text, html, message_id}``.

    ``html`` is None for a message with no HTML part. A missing folder holds none.
    """
    folder = Path(folder) if folder is not None else default_folder()
    if not folder.is_dir():
        return []
    paths = sorted((p for p in folder.glob(f"*{SUFFIX}") if ID.match(p.stem)), key=lambda p: p.name, reverse=True)
    return [_read(path) for path in paths[:limit]]


def message(folder: Optional[Path], message_id: str) -> Optional[Dict[str, Any]]:
    """One kept message by its id (as ``messages`` gives it), or None; an id that is not one is None."""
    if not ID.match(message_id or ""):
        return None
    path = (Path(folder) if folder is not None else default_folder()) / f"{message_id}{SUFFIX}"
    return _read(path) if path.is_file() else None
