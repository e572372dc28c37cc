"""Where `make run` sends mail and the company's commitments, and the banner it prints once
everything is up: where to find each part, and where mail and commitments go."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Dict, Mapping, Optional
from urllib.parse import urlsplit

from gracious.outbox import signing
from gracious.secrets import load_secret
from gracious.settings import ROOT, from_env
from gracious.stores.company import is_demo_company
from launch.mail_sink import MailSink

# Where the demo company's own receiver listens on the Rasa server (server/company/receiver.py).
DEMO_RECEIVER_PATH = "/company/demo-receiver"


def demo_receiver_url(port: str) -> str:
    return f"http://127.0.0.1:{port}{DEMO_RECEIVER_PATH}"


def mail_and_company(env: Dict[str, str], sink: Callable[[Path], MailSink] = MailSink) -> Optional[MailSink]:
    """Where `make run`'s mail and commitments go, set in ``env`` for both servers.

    No ``GRACIOUS_SMTP_URL``: a local mail sink, started here (and returned, for stopping),
    keeps every email in var/mail/. No ``GRACIOUS_COMPANY_WEBHOOK_URL`` and the demo company
    (its records in var/company.db, no database of its own): the demo company's receiver on the
    Rasa server. The
    webhook's secret is made in var/ now, before either server reads it.
    """
    var = Path(env["GRACIOUS_VAR_DIR"])
    load_secret(var, env.get("GRACIOUS_COMPANY_WEBHOOK_SECRET"), signing.SECRET_FILE)
    started = None
    if not env.get("GRACIOUS_SMTP_URL"):
        started = sink(var / "mail").start()
        env["GRACIOUS_SMTP_URL"] = started.url
    if not env.get("GRACIOUS_COMPANY_WEBHOOK_URL") and is_demo_company(from_env(env)):
        env["GRACIOUS_COMPANY_WEBHOOK_URL"] = demo_receiver_url(env["BOT_PORT"])
    return started


def without_secrets(url: str) -> str:
    """``url`` as it may be printed: scheme, host, port and path, no user, password or query."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    where = f"{host}:{parts.port}" if parts.port else host
    return f"{parts.scheme}://{where}{parts.path}"


def shown(folder: Path) -> str:
    """A folder as a newcomer reads it: relative to the checkout when it is inside."""
    try:
        return f"{folder.resolve().relative_to(ROOT)}/"
    except ValueError:
        return f"{folder}/"


def mail_line(env: Mapping[str, str], mail_sink: bool) -> str:
    port = env.get("BOT_PORT", "5005")
    if mail_sink:
        folder = shown(Path(env.get("GRACIOUS_VAR_DIR") or ROOT / "var") / "mail")
        return (
            f"  Mail:            a local sink on {env.get('GRACIOUS_SMTP_URL', '')}, every email kept in {folder}\n"
            f"                   and shown at http://localhost:{port}/desk/outbox (nothing leaves this machine)\n"
        )
    relay = without_secrets(env.get("GRACIOUS_SMTP_URL", ""))
    return f"  Mail:            sent through {relay} (GRACIOUS_SMTP_URL)\n"


def company_line(env: Mapping[str, str]) -> str:
    url = env.get("GRACIOUS_COMPANY_WEBHOOK_URL") or ""
    port = env.get("BOT_PORT", "5005")
    if url and url == demo_receiver_url(port):
        return (
            f"  Company systems: the demo company's receiver at {url}\n"
            "                   (set GRACIOUS_COMPANY_WEBHOOK_URL for yours)\n"
        )
    if url:
        return f"  Company systems: each commitment POSTed, signed, to {without_secrets(url)}\n"
    return (
        "  Company systems: no webhook yet: commitments wait in the outbox until\n"
        "                   GRACIOUS_COMPANY_WEBHOOK_URL is set\n"
    )


def banner(env: Mapping[str, str], mail_sink: bool = False) -> str:
    """The banner for servers running with ``env``; ``mail_sink`` when the launcher runs the sink."""
    port = env.get("BOT_PORT", "5005")
    rest = (
        "                   with Authorization: Bearer <your integration's token>\n"
        if env.get("GRACIOUS_REST_TOKENS")
        else "                   (open for trying out; integrations set GRACIOUS_REST_TOKENS)\n"
    )
    api = (
        f"  HTTP API:        http://localhost:{port}/status?token=$RASA_AUTH_TOKEN\n"
        if env.get("RASA_AUTH_TOKEN")
        else "  HTTP API:        off (set RASA_AUTH_TOKEN to enable it)\n"
    )
    return (
        "\nGracious is running.\n"
        f"  Demo website:    http://localhost:{port}/demo/  (the chat is in the corner)\n"
        f"  Agent desk:      http://localhost:{port}/desk/  (add an agent: make agent NAME=sam)\n"
        f"  Chat over REST:  POST http://localhost:{port}/webhooks/rest/webhook "
        '{"sender": "you", "message": "hi"}\n'
        + rest
        + api
        + mail_line(env, mail_sink)
        + company_line(env)
        + "Retrain with `make train` in another terminal: the running assistant switches to\n"
        "the new model within seconds, and no conversation is lost.\n"
        "Press Ctrl-C to stop.\n"
    )
