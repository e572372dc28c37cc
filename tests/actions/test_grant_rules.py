"""Rules every grant keeps, whoever grants it: an id never given twice, a withdrawn grant's emails not
sent, one remedy per order. Real SQLite files (one per test), the real catalog and emails.yml."""

import asyncio
from datetime import timedelta

import pytest
import sqlalchemy as sa

from gracious import stores
from gracious.outbox import grant_emails, table
from gracious.stores import clock, company_schema
from gracious.stores.grants import grant_key
from server.desk import outbox as outbox_page
from tests.actions.test_promises import NOW, company_outbox, grant_rows

PRIYA = "priya.n@example.com"
WITHDRAWN = "not sent: the grant was withdrawn"


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: NOW)


def grant(kind, reference, customer, amount=None, alternative=None, **options):
    mails = (
        grant_emails.mails_for(
            alternative, to=PRIYA, reference=reference, item="headphones", size=options.pop("size", None)
        )
        if alternative
        else []
    )
    return asyncio.run(stores.company().grant(kind, reference, customer, amount, mails=mails, **options))


def withdraw(kind, reference, customer):
    assert asyncio.run(stores.company().withdraw(kind, reference, customer, "priya-chat"))


def states():
    return [(r["key"], r["status"], r["last_error"]) for r in company_outbox()]


def test_a_withdrawn_grants_id_is_never_given_to_the_next_grant(frozen):
    credit = grant("credit", "BL-30018", "C002", 7.6)
    withdraw("credit", "BL-30018", "C002")
    refund = grant("refund", "LK-10426", "C003")

    assert refund.grant.id != credit.grant.id
    assert grant_key(refund.grant) != grant_key(credit.grant)
    assert [g["id"] for g in grant_rows()] == [refund.grant.id]
    assert "AUTOINCREMENT" in str(sa.schema.CreateTable(company_schema.grants).compile(stores.company().engine))


def test_switching_a_refund_to_an_exchange_cancels_the_refunds_label_not_sent_yet(frozen):
    refund = grant("refund", "LK-10426", "C003", alternative="refund", sender_id="priya-chat")
    withdraw("refund", "LK-10426", "C003")
    exchange = grant("exchange", "LK-10426", "C003", alternative="exchange", sender_id="priya-chat")

    old, new = grant_key(refund.grant), grant_key(exchange.grant)
    assert states() == [
        (old, "pending", None),
        (f"{old}:return_label_refund", "cancelled", WITHDRAWN),
        (f"{old}:withdrawn", "pending", None),
        (new, "pending", None),
        (f"{new}:return_label_exchange", "pending", None),
    ]
    # The worker never takes a cancelled row: the customer gets the exchange's label only.
    with stores.company().engine.begin() as conn:
        claimed = table.claim_due(conn, company_schema.outbox, NOW + timedelta(days=1))
    assert [r["key"] for r in claimed] == [old, f"{old}:withdrawn", new, f"{new}:return_label_exchange"]


def test_a_new_size_cancels_the_old_label_unless_it_has_gone_or_is_going(frozen):
    first = grant("exchange", "LK-10426", "C003", alternative="exchange", size="9")
    first_label = f"{grant_key(first.grant)}:return_label_exchange_size"
    withdraw("exchange", "LK-10426", "C003")
    second = grant("exchange", "LK-10426", "C003", alternative="exchange", size="10")
    second_label = f"{grant_key(second.grant)}:return_label_exchange_size"
    with stores.company().engine.begin() as conn:
        # The second label is being sent (claimed) when the size changes again.
        taken = table.claim_due(conn, company_schema.outbox, NOW + timedelta(days=1), limit=50)
        others = [r["id"] for r in taken if r["key"] != second_label]
        conn.execute(
            company_schema.outbox.update().where(company_schema.outbox.c.id.in_(others)).values(status="pending")
        )
    withdraw("exchange", "LK-10426", "C003")
    third = grant("exchange", "LK-10426", "C003", alternative="exchange", size="10.5")
    third_label = f"{grant_key(third.grant)}:return_label_exchange_size"

    labels = {key: status for key, status, _ in states() if key.endswith("return_label_exchange_size")}
    assert labels == {first_label: "cancelled", second_label: "sending", third_label: "pending"}
    with stores.company().engine.connect() as conn:
        shown = {r.key: outbox_page.state(r) for r in conn.execute(sa.select(company_schema.outbox))}
    assert (shown[first_label], shown[third_label]) == ("cancelled", "waiting")  # as the desk's Outbox page says


def test_an_order_refunded_in_the_chat_gets_no_exchange_or_replacement_as_well(frozen):
    refund = grant("refund", "LK-10426", "C003", alternative="refund")
    before = states()

    for kind in ("exchange", "replacement"):
        refused = grant(kind, "LK-10426", "C003", alternative="exchange" if kind == "exchange" else None)
        assert (refused.created, refused.other_remedy, refused.grant) == (False, True, refund.grant)
    assert [g["kind"] for g in grant_rows()] == ["refund"]
    assert states() == before  # nothing promised either
    # A credit is not a remedy for the order: it stands beside the refund.
    assert grant("credit", "LK-10426", "C003", 5.0).created


def test_a_switch_of_remedy_takes_the_old_back_in_the_grants_own_transaction(frozen):
    # Blind panels p60 G01, p62 K05: a refund arranged in another chat, and the exchange chosen now.
    grant("refund", "LK-10426", "C003", alternative="refund", sender_id="first-chat")
    switched = grant("exchange", "LK-10426", "C003", alternative="exchange", sender_id="priya-chat", replaces="refund")
    assert switched.created and switched.switched and [g["kind"] for g in grant_rows()] == ["exchange"]
    assert any(key.endswith(":withdrawn") for key, _, _ in states())


def test_a_switch_refused_leaves_the_old_remedy_standing(frozen):
    grant("refund", "LK-10426", "C003", alternative="refund")
    # An exchange already on the order (as a racing chat's would be): the switch to it is refused, and the refund it
    # would have replaced is taken back by nobody.
    with stores.company().engine.begin() as conn:
        conn.execute(
            company_schema.grants.insert().values(
                kind="exchange", reference="LK-10426", customer_id="C003", note="racing", created_at=NOW
            )
        )
    before = states()
    refused = grant("exchange", "LK-10426", "C003", alternative="exchange", replaces="refund")
    assert refused.granted_before and refused.grant.note == "racing" and not refused.switched
    assert sorted(g["kind"] for g in grant_rows()) == ["exchange", "refund"]
    assert states() == before  # no withdrawal told, nothing promised
