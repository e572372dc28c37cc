"""The outbox survives a restart mid-delivery: a worker process killed (SIGKILL) while the SMTP server holds
its message in DATA leaves the row claimed; a fresh worker, its clock past the lease, sends it, and the
customer gets exactly one email."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
from datetime import timedelta

import pytest

from gracious.outbox import promises, table
from gracious.outbox.worker import OutboxWorker
from gracious.settings import ROOT, environment
from gracious.stores import clock
from tests.outbox.servers import Inbox, SmtpServer, raw_header
from tests.outbox.test_mail import Clock, outbox_rows, promise_thank_you


def test_a_worker_killed_mid_delivery_loses_nothing_and_sends_nothing_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    promise_thank_you()
    start = clock.now()
    inbox = Inbox(stall=True)
    with SmtpServer(inbox) as server:
        monkeypatch.setenv("GRACIOUS_SMTP_URL", server.url)
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.outbox.worker_process", start.isoformat()],
            cwd=ROOT,
            env=environment(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            held = inbox.stalled.wait(timeout=60)
            assert held, process.stderr.read().decode() if process.poll() is not None and process.stderr else ""
            [row] = outbox_rows()
            assert row["status"] == "sending" and row["lease_until"] == start + table.LEASE
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
        assert process.returncode == -signal.SIGKILL

        # The held message was never accepted: from here on the server takes mail.
        inbox.stall = False
        inbox.release.set()
        now = Clock(start + timedelta(seconds=60))
        worker = OutboxWorker(now=now)
        assert asyncio.run(worker.run_once()) == 0  # the dead worker's lease still holds the row
        assert inbox.accepted == []
        now.moment = start + table.LEASE + timedelta(seconds=1)
        assert asyncio.run(worker.run_once()) == 1
        now.step(7200)
        assert asyncio.run(worker.run_once()) == 0

    [message] = inbox.messages()
    assert raw_header(message, "Message-ID") == promises.message_id("thank-you:case-7")
    [row] = outbox_rows()
    assert (row["status"], row["attempts"], row["last_error"]) == ("delivered", 0, None)
