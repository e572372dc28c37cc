"""An agent's message, cleaned on the server before it reaches the tracker or the widget.

The widget renders Markdown, so an agent's words could carry a link the customer
never meant to follow: ``[your refund](javascript:...)``, ``<data:text/html,...>``,
an HTML anchor, a reference definition, a link whose words name another address,
or a right-to-left override that disguises one. What is kept is plain text with
its safe http(s) addresses written out, so the customer always sees where a link
goes:

- a Markdown link or image becomes its words, followed by its address in
  brackets when that is http(s) (``[our returns page](https://...)`` reads
  "our returns page (https://...)"); any other address is dropped;
- an autolink ``<https://...>`` becomes the bare address; ``<javascript:...>`` its text;
- HTML tags are taken out (their words stay); "<3" and "a < b" stay as they are;
- control characters and invisible direction overrides are taken out.

``plain`` is the text kept in the transcript; ``for_widget`` escapes what is left
of Markdown's link syntax, so nothing in it can become a link in the widget.
"""

from __future__ import annotations

import re
from typing import Match, Optional

# Control characters (but tab and newline), zero-width characters and direction overrides.
INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
SAFE_URL = re.compile(r"https?://[^\s<>\"'`\\]+", re.IGNORECASE)
# [words](address "title") and ![words](address).
LINK = re.compile(r"!?\[([^\[\]]*)\]\(((?:[^()]|\([^()]*\))*)\)")
# [name]: address "title", on a line of its own.
DEFINITION = re.compile(r"^[ \t]{0,3}\[([^\[\]]+)\]:[ \t]*(\S*).*$", re.MULTILINE)
AUTOLINK = re.compile(r"<([a-z][a-z0-9+.-]{1,31}:[^<>\s]*|[^<>\s@]+@[^<>\s@]+)>", re.IGNORECASE)
TAG = re.compile(r"<!--.*?-->|</?[a-z][^<>]*>|<[!?][^<>]*>", re.IGNORECASE | re.DOTALL)
# What could start a link, an image or HTML in Markdown, and the escape itself.
MARKDOWN_LINK_SYNTAX = re.compile(r"([\\\[\]<>])")


def safe_url(address: str) -> Optional[str]:
    """The address if it is a plain http(s) one; None for javascript:, data: and the rest."""
    address = address.strip().strip("<>")
    return address if SAFE_URL.fullmatch(address) else None


def _link(found: Match[str]) -> str:
    words = found.group(1).strip()
    target = (found.group(2).split() or [""])[0]
    address = safe_url(target)
    if address is None:
        return words
    return address if not words or words == address else f"{words} ({address})"


def _definition(found: Match[str]) -> str:
    address = safe_url(found.group(2))
    return f"{found.group(1)}: {address}" if address else found.group(1)


def _autolink(found: Match[str]) -> str:
    return safe_url(found.group(1)) or found.group(1)


def plain(text: str) -> str:
    """The agent's words as plain text: links written out when safe, tags and tricks taken out."""
    text = INVISIBLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = DEFINITION.sub(_definition, text)
    # Repeated: an inner link's brackets may hide an outer one ("[[a](b)](javascript:x)").
    for _ in range(5):
        cleaned = TAG.sub("", AUTOLINK.sub(_autolink, LINK.sub(_link, text)))
        if cleaned == text:
            break
        text = cleaned
    return text.strip()


def for_widget(text: str) -> str:
    """Cleaned text with Markdown's link syntax escaped: nothing in it can become a link or HTML."""
    return MARKDOWN_LINK_SYNTAX.sub(r"\\\1", plain(text))
