"""The last good version of a file designers edit live, kept on disk for a server that starts on a broken save.

Kept in ``<GRACIOUS_VAR_DIR>/<kind>-last-good-<hash>.yml``, the hash a short one of the
source file's resolved path: a copy is only ever served in place of the very file it
was taken from (a test's or another project's file never stands in for ours). Each good
version replaces the copy atomically (``os.replace``: another process reads a whole
file, old or new); a refused version never does.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path
from typing import Optional

from gracious.settings import var_dir

logger = logging.getLogger(__name__)


def copy_path(kind: str, source: Path) -> Path:
    """Where the last good version of ``source`` is kept."""
    digest = hashlib.sha1(str(source.resolve()).encode("utf-8")).hexdigest()[:10]
    return var_dir() / f"{kind}-last-good-{digest}.yml"


def keep(kind: str, source: Path, text: str) -> None:
    """Keep ``text``, just read from ``source`` as good; a copy already the same is left alone."""
    saved = copy_path(kind, source)
    try:
        if saved.exists() and saved.read_text(encoding="utf-8") == text:
            return
        staging = saved.with_name(f".{saved.name}.{os.getpid()}")
        staging.write_text(text, encoding="utf-8")
        os.replace(staging, saved)
    except OSError as error:
        logger.warning("Could not keep a copy of the good %s in %s: %s", kind, saved, error)


def kept(kind: str, source: Path) -> Optional[str]:
    """The last good version of ``source`` kept on disk, or None."""
    try:
        return copy_path(kind, source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
