"""Every promise the chat makes is in the outbox when it is said: grants' commitments, the emails
their replies promise, the thank-you note. Real SQLite files (one per test), the real catalog and
emails.yml; the clock injected where a due time is checked."""

import asyncio
import json
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
import yaml
from rasa_sdk.events import FollowupAction, SlotSet

from actions.apply_alternative import ActionApplyAlternative
from actions.closing import ActionCloseConversation
from gracious import stores
from gracious.outbox import grant_emails, mail
from gracious.outbox.mail import MailTemplateError
from gracious.outbox.table import rows as outbox_rows
from gracious.stores import clock, company_schema
from gracious.stores.grants import Mail, grant_key
from gracious.stores.records import outbox as records_outbox_table
from tests.actions import run_action, tracker_from

NOW = datetime(2025, 6, 11, 14, 0)  # UTC, as the stores keep it


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> datetime:
    monkeypatch.setattr(clock, "now", lambda: NOW)
    return NOW


def company_outbox():
    stores.company().ensure_ready()
    with stores.company().engine.connect() as conn:
        return outbox_rows(conn, company_schema.outbox)


def records_outbox():
    stores.records().ensure_ready()
    with stores.records().engine.connect() as conn:
        return outbox_rows(conn, records_outbox_table)


def grant_rows():
    stores.company().ensure_ready()
    with stores.company().engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(sa.select(company_schema.grants).order_by("id"))]


def choose(alternative, facts, policy, offered, sender_id="promises-chat", text=None, **slots):
    tracker = tracker_from(
        "alternatives_offered",
        slots={
            "case_facts": facts,
            "policy_id": policy,
            "offered_alternatives": offered,
            "alternative": alternative,
            **slots,
        },
        sender_id=sender_id,
        text=text,
    )
    return tracker


# As actions/case.py gathers them for a verified customer.
PRIYA = {"customer_id": "C003", "customer_name": "Priya", "customer_email": "priya.n@example.com", "verified": True}
PRIYA_HEADPHONES = {**PRIYA, "reference": "LK-10426", "order_item": "headphones"}


# -- grants and their commitments -------------------------------------------------------------


def test_a_credit_writes_one_grant_and_one_commitment(frozen):
    result = asyncio.run(
        stores.company().grant("credit", "BL-30018", "C002", 7.6, note="missing discount", sender_id="chat-1")
    )

    [grant] = grant_rows()
    assert (grant["kind"], grant["reference"], grant["customer_id"], grant["amount"]) == (
        "credit",
        "BL-30018",
        "C002",
        7.6,
    )
    [row] = company_outbox()
    assert (row["kind"], row["topic"], row["recipient"], row["sender_id"], row["status"]) == (
        "webhook",
        "credit",
        "credit",
        "chat-1",
        "pending",
    )
    assert row["key"] == grant_key(result.grant)
    assert row["payload"] == {
        "id": grant_key(result.grant),
        "event": "credit",
        "occurred_at": "2025-06-11T14:00:00Z",
        "data": {
            "grant_id": grant["id"],
            "reference": "BL-30018",
            "customer_id": "C002",
            "amount": 7.6,
            "note": "missing discount",
            "sender_id": "chat-1",
        },
    }


def test_a_credit_refused_as_done_before_writes_no_second_commitment(frozen):
    first = asyncio.run(stores.company().grant("credit", "BL-30018", "C002", 7.6, sender_id="chat-1"))
    again = asyncio.run(stores.company().grant("credit", "BL-30018", "C002", 7.6, sender_id="chat-2"))

    assert first.created and again.granted_before
    assert len(grant_rows()) == 1
    assert [(r["topic"], r["sender_id"]) for r in company_outbox()] == [("credit", "chat-1")]


def test_a_grant_and_its_promises_are_one_transaction(frozen):
    """An email that cannot be written takes the grant and its commitment with it."""
    broken = Mail("no_such_template", "priya.n@example.com", {})
    with pytest.raises(MailTemplateError):
        asyncio.run(stores.company().grant("refund", "LK-10426", "C003", None, mails=[broken]))

    assert grant_rows() == []
    assert company_outbox() == []


def test_a_withdrawn_grant_tells_the_company(frozen):
    made = asyncio.run(stores.company().grant("exchange", "LK-10422", "C002", None, sender_id="chat-1"))
    assert asyncio.run(stores.company().withdraw("exchange", "LK-10422", "C002", "chat-1"))

    assert grant_rows() == []
    withdrawn = company_outbox()[-1]
    assert (withdrawn["topic"], withdrawn["key"]) == ("grant_withdrawn", grant_key(made.grant) + ":withdrawn")
    assert withdrawn["payload"]["data"] == {
        "grant_id": made.grant.id,
        "kind": "exchange",
        "reference": "LK-10422",
        "customer_id": "C002",
        "amount": None,
        "withdraws": grant_key(made.grant),
        "sender_id": "chat-1",
    }


def test_a_new_grant_on_a_withdrawn_ones_id_has_a_key_of_its_own(frozen, monkeypatch):
    first = asyncio.run(stores.company().grant("exchange", "LK-10422", "C002", None))
    asyncio.run(stores.company().withdraw("exchange", "LK-10422", "C002"))
    second = asyncio.run(stores.company().grant("exchange", "LK-10422", "C002", None, note="size 10"))

    assert second.grant.id != first.grant.id  # a new database never gives an id again (AUTOINCREMENT)
    assert grant_key(second.grant) != grant_key(first.grant)
    assert [r["topic"] for r in company_outbox()] == ["exchange", "grant_withdrawn", "exchange"]


# -- the emails the replies promise ------------------------------------------------------------


def test_a_refund_reply_is_said_with_its_label_email_in_the_outbox(domain, frozen):
    tracker = choose("refund", PRIYA_HEADPHONES, "returns_window", ["refund", "exchange"])
    dispatcher, events = run_action(ActionApplyAlternative(), tracker, domain)

    assert dispatcher.messages[0]["response"] == "utter_confirm_refund"
    [grant] = grant_rows()
    commitment, label = company_outbox()
    assert (commitment["kind"], commitment["topic"]) == ("webhook", "refund")
    assert commitment["payload"]["data"]["alternative"] == "refund"
    assert (label["kind"], label["topic"], label["recipient"], label["sender_id"]) == (
        "email",
        "return_label_refund",
        "priya.n@example.com",
        "promises-chat",
    )
    payload = label["payload"]
    assert payload["to"] == "priya.n@example.com"
    assert payload["subject"] == "Your prepaid return label for LK-10426"
    assert (payload["name"], payload["text"].split("\n")[0]) == ("Priya Natarajan", "Hello Priya,")
    assert f"return code RT-{grant['id']:06d}" in payload["text"]
    assert "Pack the headphones in any box or bag" in payload["text"]
    assert label["due_at"] == NOW


def test_an_exchange_with_a_size_sends_the_size_label(domain, frozen):
    # Without the email in the facts: the one on file for the verified customer.
    facts = {"reference": "LK-10422", "customer_id": "C002", "customer_name": "Daniel", "order_item": "shoes"}
    tracker = choose(
        "exchange", facts, "exchange_customer_choice", ["exchange", "refund"], text="the exchange please, in a size 10"
    )
    dispatcher, _ = run_action(ActionApplyAlternative(), tracker, domain)

    assert dispatcher.messages[0]["response"] == "utter_confirm_exchange_size"
    label = company_outbox()[-1]
    assert (label["topic"], label["recipient"]) == ("return_label_exchange_size", "daniel.reyes@example.com")
    assert label["payload"]["subject"] == "Your exchange for LK-10422: size 10 is noted"


def test_no_label_is_claimed_for_a_customer_not_verified_for_the_record(domain, frozen):
    tracker = choose("refund", PRIYA_HEADPHONES, "returns_window", ["refund", "exchange"], verified_customers=[])
    dispatcher, events = run_action(ActionApplyAlternative(), tracker, domain)

    assert dispatcher.messages == []  # "a label is on its way to your email" is never said
    assert events == [SlotSet("alternative", "human"), FollowupAction("action_handoff")]
    assert grant_rows() == [] and company_outbox() == []


def test_delivery_updates_are_confirmed_with_the_sign_up_email_queued(domain, frozen):
    facts = {**PRIYA, "reference": "LK-10423", "order_item": "coffee grinder"}
    tracker = choose("delivery_updates", facts, "late_order", ["delivery_updates", "callback"])
    dispatcher, _ = run_action(ActionApplyAlternative(), tracker, domain)

    assert dispatcher.messages[0]["response"] == "utter_confirm_delivery_updates"
    [row] = company_outbox()
    assert (row["key"], row["topic"], row["recipient"]) == (
        "delivery-updates:LK-10423:promises-chat",
        "delivery_updates",
        "priya.n@example.com",
    )
    assert row["payload"]["subject"] == "Updates for LK-10423 are on"


def a_guest_choosing_email():
    """A guest with no record, choosing the follow-up by email among the service complaint's options."""
    return choose(
        "email_followup",
        {"reference": None},
        "service_complaint",
        ["callback", "email_followup", "human"],
        verified_customers=[],
    )


def test_a_guest_with_no_address_is_asked_for_one_before_any_email_is_promised(domain, frozen):
    tracker = a_guest_choosing_email()
    tracker.latest_message["text"] = "email is fine"
    dispatcher, events = run_action(ActionApplyAlternative(), tracker, domain)

    assert dispatcher.messages == []  # the form asks "Which email address should our team write to?"
    assert events == [
        SlotSet("alternative", None),
        SlotSet("callback_escape", "email"),
        FollowupAction("callback_form"),
    ]
    assert grant_rows() == [] and company_outbox() == []


def test_a_follow_up_to_an_address_given_carries_nothing_of_the_account(domain, frozen):
    tracker = a_guest_choosing_email()
    tracker.latest_message["text"] = "email me at sam.guest@example.org please"
    dispatcher, _ = run_action(ActionApplyAlternative(), tracker, domain)

    assert dispatcher.messages[0]["response"] == "utter_confirm_email_followup"
    assert dispatcher.messages[0]["email"] == "sam.guest@example.org"
    commitment, note = company_outbox()
    assert (commitment["topic"], commitment["payload"]["data"]["email"]) == ("followup", "sam.guest@example.org")
    assert (note["topic"], note["recipient"]) == ("followup_confirmation", "sam.guest@example.org")
    assert note["payload"]["name"] is None
    assert note["payload"]["text"].startswith("Hello there,\n")


# -- the thank-you note ------------------------------------------------------------------------


def close(domain, **slots):
    tracker = tracker_from("case_resolved", slots={"concern_logged": None, **slots})
    return run_action(ActionCloseConversation(), tracker, domain)


def test_the_thank_you_note_is_due_the_delay_after_the_close(domain, frozen, monkeypatch):
    monkeypatch.setenv("GRACIOUS_THANK_YOU_DELAY_SECONDS", "5400")
    close(domain)

    [row] = records_outbox()
    assert (row["kind"], row["topic"], row["recipient"], row["status"]) == (
        "email",
        "thank_you",
        "maya.okafor@example.com",
        "pending",
    )
    assert row["key"] == "thank-you:maya-dress:report_wrong_item:LK-10421"
    assert row["due_at"] == NOW + timedelta(seconds=5400)
    payload = row["payload"]
    assert payload["subject"] == "Thank you for talking to us, Maya"
    # What stands, in the chat's own words (utter_status_replacement_overnight).
    assert "The replacement for LK-10421 goes out tonight by overnight delivery" in payload["text"]
    [note] = asyncio.run(stores.records().thank_you_notes())
    assert (note["status"], note["due_at"], note["outbox_key"]) == (
        "pending",
        NOW + timedelta(seconds=5400),
        row["key"],
    )


def test_a_delay_of_nought_makes_the_note_due_at_once(frozen):
    asyncio.run(
        stores.records().queue_thank_you(
            "chat-1",
            "C001",
            "dispute_charge:BL-30017",
            "maya.okafor@example.com",
            "Maya",
            {"summary": "Done."},
            timedelta(0),
        )
    )
    assert [r["due_at"] for r in records_outbox()] == [NOW]


def test_one_note_per_case_however_often_it_closes(domain, frozen):
    close(domain)
    close(domain)
    close(domain, case_type="dispute_charge", order_id="BL-30018", case_facts=None)  # no verified address: none

    assert len(records_outbox()) == 1
    assert len(asyncio.run(stores.records().thank_you_notes())) == 1


def test_a_guest_gets_no_note(domain, frozen):
    dispatcher, _ = close(domain, verified_customers=[])

    assert dispatcher.messages[0]["response"] == "utter_thank_for_chance"
    assert records_outbox() == []
    assert asyncio.run(stores.records().thank_you_notes()) == []


def test_the_notes_status_is_the_outboxs(domain, frozen):
    close(domain)
    [row] = records_outbox()
    with stores.records().engine.begin() as conn:
        from gracious.outbox.table import mark_delivered

        mark_delivered(conn, records_outbox_table, row["id"], NOW + timedelta(hours=1))
    [note] = asyncio.run(stores.records().thank_you_notes())
    assert (note["status"], note["delivered_at"]) == ("delivered", NOW + timedelta(hours=1))


# -- the templates and the code that fills them ------------------------------------------------


def test_the_values_each_grant_email_is_given_are_the_ones_its_template_lists():
    listed = yaml.safe_load(mail.EMAILS_FILE.read_text(encoding="utf-8"))
    for template, values in grant_emails.FILLS.items():
        assert sorted(listed[template]["values"]) == sorted(values), template
    assert set(grant_emails.TEMPLATES.values()) | {"return_label_exchange_size"} == set(grant_emails.FILLS)


def test_every_grant_email_composes_with_what_the_code_gives_it():
    for alternative in grant_emails.TEMPLATES:
        for size in (None, "10"):
            for made in grant_emails.mails_for(
                alternative, to="a@example.com", name="Maya Okafor", reference="LK-1", item="shoes", size=size
            ):
                composed = mail.compose(made.template, made.to, {"return_code": "RT-000001", **made.variables})
                assert "{" not in composed["text"] + composed["subject"], made.template
                json.dumps(composed)


# -- an email instead of a call (actions/callback_escape.py) -----------------------------------


def test_an_email_instead_of_a_call_is_said_with_the_teams_note_queued(domain, frozen):
    from actions.schedule_callback import ActionScheduleCallback

    tracker = tracker_from(
        "callback_form",
        slots={"callback_escape": "email", "followup_email": "sam.guest@example.org", "verified_customers": []},
    )
    dispatcher, _ = run_action(ActionScheduleCallback(), tracker, domain)

    assert [m["response"] for m in dispatcher.messages] == ["utter_callback_email_instead"]
    commitment, note = company_outbox()
    assert (commitment["topic"], commitment["payload"]["data"]["email"]) == ("followup", "sam.guest@example.org")
    assert (note["topic"], note["recipient"], note["payload"]["name"]) == (
        "followup_confirmation",
        "sam.guest@example.org",
        None,
    )


def test_an_email_instead_of_a_call_with_nowhere_to_write_promises_none(domain, frozen):
    from actions.schedule_callback import ActionScheduleCallback

    tracker = tracker_from(
        "callback_form",
        # Someone on duty (with nobody, no person is offered: tests/actions/test_no_call_with_nobody_on_duty.py).
        slots={"callback_escape": "email", "case_facts": None, "verified_customers": [], "agent_available": True},
        text="no call please",
    )
    dispatcher, _ = run_action(ActionScheduleCallback(), tracker, domain)

    assert [m["response"] for m in dispatcher.messages] == ["utter_no_call_no_email"]
    assert grant_rows() == [] and company_outbox() == []


def test_a_guest_asking_what_an_email_option_is_is_told_not_handed_over(domain, frozen):
    """'what are delivery updates?' from a guest: an answer, nothing promised, no person needed."""
    tracker = choose(
        "delivery_updates",
        {"reference": "LK-10423"},
        "check_order_status",
        ["goodwill_credit", "delivery_updates", "refund"],
        verified_customers=[],
    )
    tracker.latest_message["text"] = "what are delivery updates?"
    tracker.latest_message["asked_about"] = "delivery_updates"
    dispatcher, events = run_action(ActionApplyAlternative(), tracker, domain)

    assert FollowupAction("action_handoff") not in events
    assert grant_rows() == [] and company_outbox() == []
