"""The local mail sink: an SMTP server on loopback that keeps every email in var/mail/.

``make run`` starts one in the launcher's process when ``GRACIOUS_SMTP_URL`` is
unset, and hands the servers its address, so every email Gracious sends lands
here (``gracious/outbox/mailbox.py``) and the desk's Outbox page shows it. Nothing
is relayed anywhere. Run it alone with

    python -m launch.mail_sink [--port 2525] [--folder var/mail]

or use it in a test: ``with MailSink(folder) as sink: ... sink.url ...``.
"""

from __future__ import annotations

import argparse
import logging
import signal
import socket
import threading
from pathlib import Path
from types import TracebackType
from typing import Any, List, Optional, Type

from aiosmtpd.controller import Controller

from gracious.outbox import mailbox

logger = logging.getLogger(__name__)

HOST = "127.0.0.1"
# The largest message kept; a larger one is refused at the SMTP level (552).
MAX_MESSAGE_BYTES = 10 * 1024 * 1024


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


class KeepEveryMessage:
    """aiosmtpd's handler: each message received is kept in the folder, nothing relayed."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.kept: List[str] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        try:
            self.kept.append(mailbox.keep(self.folder, raw))
        except Exception:
            logger.exception("The mail sink could not keep a message.")
            return "451 Could not keep the message just now; please try again"
        return "250 Message kept"


class MailSink:
    """The sink on ``HOST`` (a free port unless one is given), as a context manager too."""

    def __init__(self, folder: Optional[Path] = None, port: int = 0) -> None:
        self.folder = Path(folder) if folder is not None else mailbox.default_folder()
        self.port = port or _free_port()
        self.handler = KeepEveryMessage(self.folder)
        self.controller: Optional[Controller] = None

    @property
    def url(self) -> str:
        """What GRACIOUS_SMTP_URL is set to for the servers."""
        return f"smtp://{HOST}:{self.port}"

    def start(self) -> "MailSink":
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.controller = Controller(
            self.handler,
            hostname=HOST,
            port=self.port,
            data_size_limit=MAX_MESSAGE_BYTES,
            enable_SMTPUTF8=True,
        )
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def __enter__(self) -> "MailSink":
        return self.start()

    def __exit__(
        self, kind: Optional[Type[BaseException]], error: Optional[BaseException], trace: Optional[TracebackType]
    ) -> None:
        self.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="the port to listen on (default: a free one)")
    parser.add_argument("--folder", type=Path, default=None, help="where to keep mail (default: var/mail/)")
    args = parser.parse_args()
    stopping = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stopping.set())
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    with MailSink(args.folder, args.port) as sink:
        print(f"Mail sink on {sink.url}, keeping every email in {sink.folder}/. Ctrl-C stops it.", flush=True)
        stopping.wait()
    print("Stopped.", flush=True)


if __name__ == "__main__":
    main()
