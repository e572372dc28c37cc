"""The outbox table: a promise written once per key, claimed by one worker, retried, never dropped."""

import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from gracious.outbox import mail, promises, signing, table
from gracious.stores import company_schema
from gracious.stores.records import metadata as records_metadata
from gracious.stores.records import outbox
from gracious.stores.sqlite import make_engine

T0 = datetime(2026, 12, 1, 14, 0, 0)


@pytest.fixture
def engine(tmp_path: Path) -> sa.engine.Engine:
    made = make_engine(f"sqlite:///{tmp_path / 'promises.db'}")
    records_metadata.create_all(made)
    return made


def _email(conn, key="thank-you:s1", due_at=None):
    return promises.email(
        conn,
        outbox,
        key=key,
        topic="thank_you",
        template="thank_you",
        to="maya.okafor@example.com",
        name="Maya Okafor",
        variables={"summary": "We credited $5.00 to BL-30017."},
        sender_id="s1",
        due_at=due_at,
    )


def test_the_same_promise_made_twice_is_one_row(engine):
    with engine.begin() as conn:
        first = _email(conn)
        again = _email(conn)
    with engine.begin() as conn:
        rows = table.rows(conn, outbox)
    assert first == again
    assert len(rows) == 1
    row = rows[0]
    assert (row["kind"], row["topic"], row["recipient"], row["status"], row["attempts"]) == (
        "email",
        "thank_you",
        "maya.okafor@example.com",
        "pending",
        0,
    )
    assert row["payload"]["subject"] == "Thank you for talking to us, Maya"
    assert "We credited $5.00 to BL-30017." in row["payload"]["text"]
    assert row["payload"]["message_id"] == promises.message_id("thank-you:s1")
    assert re.fullmatch(r"<thank-you\.s1\.[0-9a-f]{12}@gracious>", row["payload"]["message_id"])
    assert promises.message_id("thank-you:s1") != promises.message_id("thank-you.s1")


def test_a_promise_rolled_back_with_its_decision_is_not_kept(engine):
    with pytest.raises(RuntimeError):
        with engine.begin() as conn:
            _email(conn)
            raise RuntimeError("the decision failed")
    with engine.begin() as conn:
        assert table.rows(conn, outbox) == []


def test_a_row_is_claimed_once_and_not_before_it_is_due(engine):
    with engine.begin() as conn:
        _email(conn, due_at=T0 + timedelta(hours=1))
    with engine.begin() as conn:
        assert table.claim_due(conn, outbox, T0) == []
    with engine.begin() as conn:
        claimed = table.claim_due(conn, outbox, T0 + timedelta(hours=1))
    with engine.begin() as conn:
        second = table.claim_due(conn, outbox, T0 + timedelta(hours=1, seconds=1))
    assert [r["status"] for r in claimed] == ["sending"]
    assert second == []


def test_a_claim_whose_worker_died_is_taken_again_after_the_lease(engine):
    with engine.begin() as conn:
        _email(conn, due_at=T0)
        table.claim_due(conn, outbox, T0)
    with engine.begin() as conn:
        assert table.claim_due(conn, outbox, T0 + table.LEASE - timedelta(seconds=1)) == []
        again = table.claim_due(conn, outbox, T0 + table.LEASE + timedelta(seconds=1))
    assert len(again) == 1


def test_a_failed_try_is_counted_kept_and_due_again(engine):
    with engine.begin() as conn:
        row_id = _email(conn, due_at=T0)
        table.claim_due(conn, outbox, T0)
        table.mark_failed(conn, outbox, row_id, "connection refused", T0 + timedelta(seconds=10))
    with engine.begin() as conn:
        assert table.claim_due(conn, outbox, T0 + timedelta(seconds=9)) == []
        retried = table.claim_due(conn, outbox, T0 + timedelta(seconds=10))
        table.mark_delivered(conn, outbox, row_id, T0 + timedelta(seconds=11))
        (row,) = table.rows(conn, outbox)
    assert retried[0]["attempts"] == 1 and retried[0]["last_error"] == "connection refused"
    assert (row["status"], row["attempts"], row["last_error"]) == ("delivered", 1, None)
    assert row["delivered_at"] == T0 + timedelta(seconds=11)


def test_a_kind_that_cannot_be_delivered_is_refused(engine):
    with engine.begin() as conn, pytest.raises(ValueError):
        table.enqueue(conn, outbox, kind="pigeon", key="k", topic="t", payload={})


def test_a_commitment_carries_its_key_as_its_id(engine):
    with engine.begin() as conn:
        promises.commitment(conn, outbox, key="grant:7", event="credit", data={"reference": "BL-30017", "amount": 5.0})
        (row,) = table.rows(conn, outbox)
    assert row["kind"] == "webhook"
    assert row["payload"]["id"] == "grant:7"
    assert row["payload"]["event"] == "credit"
    assert row["payload"]["data"] == {"reference": "BL-30017", "amount": 5.0}


def test_both_databases_have_the_same_outbox():
    assert [c.name for c in company_schema.outbox.c] == [c.name for c in outbox.c]


def test_an_email_with_a_value_missing_is_never_composed():
    with pytest.raises(mail.MailTemplateError, match="summary"):
        mail.compose("thank_you", "a@example.com", {"summary": ""}, name="Maya")
    with pytest.raises(mail.MailTemplateError, match="no email template"):
        mail.compose("no_such_email", "a@example.com", {})


def test_the_html_part_shows_what_a_customer_typed_as_text():
    composed = mail.compose("thank_you", "a@example.com", {"summary": "<script>x</script>"}, name="<b>Al</b>")
    assert "<script>" not in composed["html"] and "&lt;script&gt;" in composed["html"]
    assert "&lt;b&gt;Al&lt;/b&gt;" in composed["html"]
    assert "<script>x</script>" in composed["text"]


def test_a_signature_checks_the_exact_body():
    secret = b"s3cret"
    body = signing.body({"id": "grant:1", "event": "credit"})
    header = signing.sign(body, secret)
    assert header.startswith("sha256=") and len(header) == 7 + 64
    assert signing.verify(body, header, secret)
    assert not signing.verify(body + b" ", header, secret)
    assert not signing.verify(body, header, b"other")
    assert not signing.verify(body, None, secret)


def test_a_signature_header_in_other_characters_is_simply_wrong():
    assert not signing.verify(b"{}", "sha256=é" + "0" * 63, b"s3cret")


def test_the_thank_you_delay_and_the_late_check_may_be_zero_but_never_negative():
    from gracious.settings import from_env

    zero = from_env({"GRACIOUS_THANK_YOU_DELAY_SECONDS": "0", "GRACIOUS_LATE_CHECK_SECONDS": "0"})
    assert (zero.thank_you_delay_seconds, zero.late_check_seconds) == (0, 0)
    assert from_env({}).thank_you_delay_seconds == 3600
    with pytest.raises(ValueError, match="GRACIOUS_THANK_YOU_DELAY_SECONDS must be a number zero or more"):
        from_env({"GRACIOUS_THANK_YOU_DELAY_SECONDS": "-5"})
    with pytest.raises(ValueError, match="GRACIOUS_OUTBOX_POLL_SECONDS must be a number greater than zero"):
        from_env({"GRACIOUS_OUTBOX_POLL_SECONDS": "0"})


@pytest.mark.parametrize(
    "module", ["gracious.outbox.table", "gracious.outbox.promises", "server.desk.queue", "server.company.notify"]
)
def test_each_module_that_makes_promises_imports_on_its_own(module):
    """The stores' package loads the outbox table while it loads: a script that imports a
    promising module first must not meet a half-loaded one."""
    import subprocess
    import sys

    from gracious.settings import ROOT

    done = subprocess.run([sys.executable, "-c", f"import {module}"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
