"""Logging a failure without the customer's words.

Exception messages can quote the customer (an action server's error echoing the
tracker, a parser quoting its input); the types and the code lines of the
traceback are enough to find the fault. A designer's mistake in a data file is the
exception: its message is the file, the line and the fix (never a customer's words),
so it is logged whole.
"""

from __future__ import annotations

import logging
import sys
import traceback
from typing import Optional, Text

from gracious.catalog_model import CatalogError
from gracious.yaml_errors import YamlMistake

# Exceptions whose message is a designer's file, line and fix, with no customer text in it.
DESIGNERS_MISTAKES = (CatalogError, YamlMistake)


def log_failure(log: logging.Logger, what: Text, error: Optional[BaseException] = None) -> None:
    """Log an exception (by default the one being handled): its type and where, never its message
    (but for a designer's mistake in a data file, whose message is where and how to fix it)."""
    if error is None:
        error = sys.exc_info()[1]
    chain = []
    while error is not None and error not in chain:
        chain.append(error)
        error = error.__cause__ or (None if error.__suppress_context__ else error.__context__)
    lines = [what]
    for exc in reversed(chain):
        said = f": {exc}" if isinstance(exc, DESIGNERS_MISTAKES) else " (message not logged)"
        lines.append(f"{type(exc).__module__}.{type(exc).__qualname__}{said}, at:")
        lines.append("".join(traceback.format_tb(exc.__traceback__)).rstrip())
    log.error("\n".join(lines))
