"""Secrets kept in var/: made once, readable by their owner only (0600)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Optional


def load_secret(var_dir: Path, configured: Optional[str], name: str) -> bytes:
    """``configured`` (from the environment), or a random secret kept in ``var_dir / name`` across restarts."""
    if configured:
        return configured.encode()
    path = var_dir / name
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it at the same moment
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
    return path.read_text().strip().encode()
