"""The emails Gracious sends, composed from the designers' file ``catalog/emails.yml``.

Each template has a ``subject`` and a ``text`` with ``{placeholders}``; the HTML
part is made from the text (each paragraph a ``<p>``, every value escaped), so a
designer writes each email once. ``compose`` renders a template into the payload
an outbox row keeps: what is in the outbox is exactly what is sent.
"""

from __future__ import annotations

import html
import string
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Mapping, Optional

import yaml

from gracious.settings import CATALOG_DIR

EMAILS_FILE = CATALOG_DIR / "emails.yml"


class MailTemplateError(ValueError):
    """A template is missing, or a placeholder it uses has no value."""


@lru_cache(maxsize=4)
def _load(path: Path, stamp: float) -> Dict[str, Dict[str, str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {str(name): dict(parts) for name, parts in data.items()}


def templates(path: Path = EMAILS_FILE) -> Dict[str, Dict[str, str]]:
    """Every template in ``path`` (read again when the file changes)."""
    return _load(path, path.stat().st_mtime)


def placeholders(text: str) -> set:
    """The ``{names}`` ``text`` uses."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _fill(text: str, values: Mapping[str, Any], escape: bool = False) -> str:
    missing = {name for name in placeholders(text) if values.get(name) in (None, "")}
    if missing:
        raise MailTemplateError(f"no value for {', '.join(sorted(missing))}")
    shown = {k: (html.escape(str(v)) if escape else str(v)) for k, v in values.items()}
    return text.format_map(shown)


def compose(
    template: str, to: str, variables: Mapping[str, Any], path: Path = EMAILS_FILE, name: Optional[str] = None
) -> Dict[str, Any]:
    """The outbox payload of one email: recipient, subject, plain text and HTML, all filled in.

    ``name`` (the customer's) is available to the template as ``{name}``, and
    ``{first_name}`` as its first word. Raises ``MailTemplateError`` for a missing
    template or value, so a broken email is never queued.
    """
    found = templates(path).get(template)
    if found is None:
        raise MailTemplateError(f"no email template {template!r} in {path.name}")
    values: Dict[str, Any] = {"name": name or "there", "first_name": (name or "there").split()[0], **variables}
    subject = _fill(found["subject"], values).strip()
    text = _fill(found["text"], values).strip() + "\n"
    paragraphs = [p.strip() for p in found["text"].strip().split("\n\n") if p.strip()]
    body = "\n".join("<p>" + _fill(p, values, escape=True).replace("\n", "<br>\n") + "</p>" for p in paragraphs)
    return {
        "to": to,
        "name": name,
        "template": template,
        "subject": subject,
        "text": text,
        "html": f'<!doctype html>\n<html><body style="font-family: sans-serif">\n{body}\n</body></html>\n',
    }
