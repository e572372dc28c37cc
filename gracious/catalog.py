"""The policy catalog in service: the file read again when it changes, a refused edit never served.

The catalog is data (``catalog/policies.yml``) that conversation designers edit
while the assistant runs (reading and validating it: gracious/catalog_parser.py;
what it holds: gracious/catalog_model.py). A saved edit reaches the running servers
without a restart. A saved edit with a mistake does not: the last good version goes
on serving every customer, one warning per refused version names the file, the line,
the field and the fix, and ``catalog_rejection()`` says so for the desk's banner
until a good version is saved.

Each good version is also kept on disk (``<GRACIOUS_VAR_DIR>/catalog-last-good-<hash>.yml``,
the hash of the catalog file's resolved path, so a copy stands in only for its own file:
gracious/last_good.py), so a server that starts, or restarts, while the file has a mistake serves the last
good version too, and says so. Only with no good version anywhere does a mistake raise.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Optional, Tuple

from gracious.catalog_model import (
    ALTERNATIVE_KINDS,
    CASE_NEEDS,
    HANDOFF_TRIGGERS,
    RESPONSE_ROLES,
    Alternative,
    Catalog,
    CatalogError,
    Offer,
    Policy,
)
from gracious.catalog_parser import load_catalog
from gracious.edits import Rejection, project_path
from gracious.last_good import copy_path
from gracious.settings import settings

__all__ = [
    "current_catalog",
    "keep_first_catalog",
    "catalog_rejection",
    "forget_catalog",
    "ALTERNATIVE_KINDS",
    "CASE_NEEDS",
    "HANDOFF_TRIGGERS",
    "RESPONSE_ROLES",
    "Alternative",
    "Catalog",
    "CatalogError",
    "Offer",
    "Policy",
    "load_catalog",
]

logger = logging.getLogger(__name__)

# A version of the file: its modification time and size (a save in two writes within one
# clock tick still changes the size).
Version = Tuple[int, int]


@dataclass(frozen=True)
class _Kept:
    """What this process made of the file's last version: the catalog in service, and the refusal."""

    version: Version
    good: Optional[Catalog]
    refused: Optional[CatalogError] = None


_kept: Dict[Path, _Kept] = {}
_lock = threading.Lock()


def _version(path: Path) -> Version:
    try:
        stat = path.stat()
    except OSError:
        return (-1, -1)
    return (stat.st_mtime_ns, stat.st_size)


def current_catalog() -> Catalog:
    """The catalog at the configured path, read once per version of the file.

    A stat per call is all it costs while the file stays the same. A changed file that
    is refused leaves the last good catalog in service (and is read again only when it
    changes again).

    Raises:
        CatalogError: only when no version of the file has been good yet in this process.
    """
    path = settings().catalog_path
    version = _version(path)
    kept = _kept.get(path)
    if kept is None or kept.version != version:
        with _lock:
            kept = _kept.get(path)
            if kept is None or kept.version != version:
                kept = _kept[path] = _read(path, version, kept)
    if kept.good is None:
        assert kept.refused is not None
        raise kept.refused.with_traceback(None)
    return kept.good


def _saved_copy(path: Optional[Path] = None) -> Path:
    """The copy kept of ``path`` (the configured catalog by default): named by its resolved path's hash."""
    return copy_path("catalog", path or settings().catalog_path)


def _save_good(path: Path, version: Version) -> None:
    """Keep the file, just read as good, for a server that starts while the file has a mistake."""
    saved = _saved_copy(path)
    try:
        text = path.read_text(encoding="utf-8")
        if _version(path) != version:
            return  # saved again since: the next reading keeps that version if it is good
        if saved.exists() and saved.read_text(encoding="utf-8") == text:
            return
        staging = saved.with_name(f".{saved.name}.{os.getpid()}")
        staging.write_text(text, encoding="utf-8")
        os.replace(staging, saved)  # another process reads a whole file, old or new
    except OSError as error:
        logger.warning(f"Could not keep a copy of the good catalog in {saved}: {error}")


def _saved_good(path: Path) -> Optional[Catalog]:
    """The last good version of ``path`` kept on disk, still good today, or None."""
    saved = _saved_copy(path)
    if not saved.exists():
        return None
    try:
        return load_catalog(saved)
    except CatalogError:
        return None


def _read(path: Path, version: Version, before: Optional[_Kept]) -> _Kept:
    last_good = before.good if before else None
    try:
        catalog = load_catalog(path)
    except CatalogError as error:
        if last_good is None:
            last_good = _saved_good(path)
            if last_good is not None:
                logger.warning(
                    f"The policy catalog is refused: {error}. Customers are served the last good version, "
                    f"kept in {_saved_copy(path)}, until {project_path(path)} is fixed and saved."
                )
                return _Kept(version, last_good, error)
            logger.error(f"The policy catalog is refused, and there is no good version to serve instead: {error}")
        else:
            logger.warning(
                f"A catalog edit is refused: {error}. Customers are still served the last good version "
                f"of {project_path(path)}; save the file again once it is fixed."
            )
        return _Kept(version, last_good, error)
    if before is not None and before.refused is not None:
        logger.info(f"{project_path(path)} is accepted again: customers are now served this version.")
    _save_good(path, version)
    return _Kept(version, catalog)


def keep_first_catalog() -> None:
    """Read the catalog as a server starts, so a save refused later has a good version to fall back on.

    Without it, the first complaint after a broken save would find no good version yet.
    A mistake already there is logged (by ``current_catalog``) and the server starts anyway.
    """
    try:
        current_catalog()
    except CatalogError:
        pass


def catalog_rejection() -> Optional[Rejection]:
    """The refused version of the catalog file, when the file as saved now is refused (it looks first)."""
    try:
        current_catalog()
    except CatalogError:
        pass  # no good version yet: the refusal below is all there is
    kept = _kept.get(settings().catalog_path)
    if kept is None or kept.refused is None:
        return None
    error = kept.refused
    return Rejection(project_path(error.path), error.line, error.detail, served_last_good=kept.good is not None)


def forget_catalog() -> None:
    """Drop the loaded catalogs and refusals (tests point the settings at another file)."""
    with _lock:
        _kept.clear()
