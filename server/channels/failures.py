"""Logging a failure without the customer's words.

Exception messages can quote the customer (an action server's error echoing the
tracker, a parser quoting its input); the types and the code lines of the
traceback are enough to find the fault. A designer's mistake in a data file is the
exception: its message is the file, the line and the fix (never a customer's words),
so it is logged whole, as one line with no traceback (the fault is in the file, not the
code), and once per process for the same mistake: a broken catalog with no good version
fails every complaint until it is fixed, and the log says so once, not once per message.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from typing import Optional, Set, Text

from gracious.catalog_model import CatalogError
from gracious.yaml_errors import YamlMistake

# Exceptions whose message is a designer's file, line and fix, with no customer text in it.
DESIGNERS_MISTAKES = (CatalogError, YamlMistake)
# The action server's error for an action that failed on one (overrides/turn.py logs it in one line).
DESIGNERS_MISTAKE = "designers_mistake"

# The designers' mistakes already logged by this process (their whole message: file, line, fix).
_said: Set[str] = set()
_lock = threading.Lock()


def log_failure(log: logging.Logger, what: Text, error: Optional[BaseException] = None) -> None:
    """Log an exception (by default the one being handled): its type and where, never its message
    (but for a designer's mistake in a data file, whose message is where and how to fix it)."""
    if error is None:
        error = sys.exc_info()[1]
    chain = []
    while error is not None and error not in chain:
        chain.append(error)
        error = error.__cause__ or (None if error.__suppress_context__ else error.__context__)
    mistake = next((exc for exc in chain if isinstance(exc, DESIGNERS_MISTAKES)), None)
    if mistake is not None:
        with _lock:
            first = str(mistake) not in _said
            _said.add(str(mistake))
        if first:
            log.error(f"{what} {mistake}")
        return
    lines = [what]
    for exc in reversed(chain):
        lines.append(f"{type(exc).__module__}.{type(exc).__qualname__} (message not logged), at:")
        lines.append("".join(traceback.format_tb(exc.__traceback__)).rstrip())
    log.error("\n".join(lines))


def forget_mistakes_logged() -> None:
    """Log each designer's mistake again when next met (tests start afresh)."""
    with _lock:
        _said.clear()
