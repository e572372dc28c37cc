"""`make run`'s mail and company set-up, without starting Rasa: which SMTP URL and which webhook
URL the servers get, that the secret is made once in var/, and what the banner says."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from pathlib import Path

from gracious.outbox import mailbox, signing
from gracious.settings import ROOT
from launch.banner import banner, mail_and_company, without_secrets
from launch.launcher import isolated_env, runtime_env


def env_for(tmp_path: Path, **values: str) -> dict:
    env = runtime_env({"GRACIOUS_VAR_DIR": str(tmp_path), "BOT_PORT": "5123", **values})
    for name in ("GRACIOUS_SMTP_URL", "GRACIOUS_COMPANY_WEBHOOK_URL", "GRACIOUS_COMPANY_DB_URL"):
        if name not in values:
            env.pop(name, None)
    return env


def test_without_a_relay_make_run_starts_a_sink_the_servers_send_to_and_the_banner_says_where(tmp_path: Path):
    env = env_for(tmp_path)
    sink = mail_and_company(env)
    assert sink is not None
    try:
        assert env["GRACIOUS_SMTP_URL"] == sink.url and sink.url.startswith("smtp://127.0.0.1:")
        message = EmailMessage()
        message["To"] = "maya.okafor@example.com"
        message["Subject"] = "Thank you"
        message["Message-ID"] = "<thank-you.1@gracious>"
        message.set_content("Thanks.\n")
        with smtplib.SMTP("127.0.0.1", sink.port, timeout=10) as client:
            client.send_message(message)
    finally:
        sink.stop()
    assert [m["subject"] for m in mailbox.messages(tmp_path / "mail")] == ["Thank you"]
    text = banner(env, mail_sink=True)
    assert f"Mail:            a local sink on {sink.url}, every email kept in " in text
    assert "http://localhost:5123/desk/outbox" in text


def test_the_demo_company_gets_its_own_receiver_and_the_secret_is_made_in_var(tmp_path: Path):
    env = env_for(tmp_path, GRACIOUS_SMTP_URL="smtp://relay.example.com:587")
    assert mail_and_company(env) is None
    assert env["GRACIOUS_COMPANY_WEBHOOK_URL"] == "http://127.0.0.1:5123/company/demo-receiver"
    secret = (tmp_path / signing.SECRET_FILE).read_text().strip()
    assert len(secret) == 64 and (tmp_path / signing.SECRET_FILE).stat().st_mode & 0o077 == 0
    assert signing.webhook_secret() == secret.encode()  # what both servers read (GRACIOUS_VAR_DIR is tmp_path)
    text = banner(env)
    assert "Company systems: the demo company's receiver at http://127.0.0.1:5123/company/demo-receiver" in text
    assert "(set GRACIOUS_COMPANY_WEBHOOK_URL for yours)" in text
    assert "Mail:            sent through smtp://relay.example.com:587 (GRACIOUS_SMTP_URL)" in text


def test_a_real_company_or_a_given_webhook_is_left_as_it_is(tmp_path: Path):
    real = env_for(tmp_path, GRACIOUS_SMTP_URL="smtp://a:b@h:25", GRACIOUS_COMPANY_DB_URL="postgresql://db/company")
    mail_and_company(real)
    assert "GRACIOUS_COMPANY_WEBHOOK_URL" not in real
    assert "commitments wait in the outbox until" in banner(real)
    theirs = tmp_path / "theirs"
    given = env_for(
        theirs,
        GRACIOUS_SMTP_URL="smtps://care:pa55@mail.example.com:465",
        GRACIOUS_COMPANY_WEBHOOK_URL="https://hooks.example.com/gracious?token=abc",
        GRACIOUS_COMPANY_WEBHOOK_SECRET="theirs",
    )
    mail_and_company(given)
    assert given["GRACIOUS_COMPANY_WEBHOOK_URL"] == "https://hooks.example.com/gracious?token=abc"
    assert not (theirs / signing.SECRET_FILE).exists()  # theirs is set: nothing made
    text = banner(given)
    assert "POSTed, signed, to https://hooks.example.com/gracious\n" in text
    assert "pa55" not in text and "token=abc" not in text
    assert "sent through smtps://mail.example.com:465" in text


def test_the_tests_isolated_servers_get_no_sink_and_no_demo_receiver_by_themselves(tmp_path: Path):
    env = isolated_env(tmp_path)
    assert "GRACIOUS_SMTP_URL" not in env and "GRACIOUS_COMPANY_WEBHOOK_URL" not in env


def test_printed_urls_keep_no_credentials():
    assert without_secrets("smtp://u:p@127.0.0.1:2525") == "smtp://127.0.0.1:2525"
    assert without_secrets("https://x.example.com/hook?key=1#f") == "https://x.example.com/hook"


def test_the_banner_names_the_folder_inside_the_checkout_plainly():
    env = {"BOT_PORT": "5005", "GRACIOUS_VAR_DIR": str(ROOT / "var"), "GRACIOUS_SMTP_URL": "smtp://127.0.0.1:2600"}
    assert "every email kept in var/mail/" in banner(env, mail_sink=True)
