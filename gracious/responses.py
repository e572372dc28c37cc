"""The responses customers read, live from domain.yml: a wording edit reaches them in seconds.

The running model carries the responses of the domain it was trained on; a designer's
edit to a response's words needs no training (scripts/model.py keys the model on the
response names only). So the Rasa server's response generator
(server/dialogue/live_words.py) and the domain sent to the action server
(overrides/remote_actions.py) take their responses from here:

- the file (GRACIOUS_DOMAIN, domain.yml by default) is read once, and again whenever
  its modification time, size or inode changes: a daemon thread per file looks every
  half second (so the first message after a save, however quiet the hour, gets the new
  words), and a ``stat`` per call starts a reading too; the reading and checking
  (about 30 ms) never hold up the event loop: the previous version serves meanwhile;
- a version is served only when gracious/response_checks.py finds no problem and the
  file still has every response the running model has (its rules may say any of them);
- each good version is kept on disk (``<GRACIOUS_VAR_DIR>/domain-responses-last-good-<hash>.yml``,
  gracious/last_good.py); a rejected version leaves the last good one serving (at start-up
  that kept copy, else the model's own responses; a model loaded again keeps the words
  already served), is logged once as ``domain.yml:412: <what is wrong> — <the fix>``, and is
  what ``responses_rejection()`` tells the desk's banner (gracious/edits.py);
- responses in the file but not in the model are served (actions can say them), with a
  note that rules and stories need `make train` to use them.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
import weakref
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from gracious import last_good
from gracious.edits import Rejection
from gracious.response_checks import Problem, Responses, missing_from_file, read_responses
from gracious.settings import ROOT, settings
from gracious.whole_values import SampleValues

logger = logging.getLogger(__name__)
# Rasa's server logs only its own loggers' INFO; a designer reads these ("the new wording is live",
# "needs `make train`") in `make run`'s log, so they are shown too (a level set elsewhere stays).
if logger.level == logging.NOTSET:
    logger.setLevel(logging.INFO)

Stamp = Optional[Tuple[int, int, int]]
# The kept copy's name (gracious/last_good.py) and how often a save is looked for between messages.
KIND = "domain-responses"
WATCH = 0.5


def shown_path(path: Path) -> str:
    """The file as a designer names it: relative to the project, or its name."""
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return path.name


class LiveResponses:
    """One domain file's responses: the last good version, refreshed when the file changes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._good: Responses = {}
        self._model: Optional[List[str]] = None
        self._stamp: Stamp = None
        self._read_once = False
        self._loader: Optional[threading.Thread] = None
        self._lock = threading.Lock()
        self._rejection: Optional[Rejection] = None
        self._warned: Optional[str] = None
        self._told_new: Optional[str] = None
        self._kept: Optional[str] = None
        self._watcher: Optional[threading.Thread] = None

    @property
    def rejection(self) -> Optional[Rejection]:
        """Why the file's current version is not served, or None when it is."""
        return self._rejection

    @property
    def bound(self) -> bool:
        """Whether a running model's responses are known (the first good version)."""
        return self._model is not None

    def bind_model(self, responses: Responses) -> None:
        """A newly loaded model's responses: the names the file must keep, and the words to fall back on.

        Called when a model loads (off the event loop, overrides/live_model.py, or
        before the server takes messages), so the file is read here, at once: a good
        file goes on serving (never the model's older words, not even for a moment). A
        refused one leaves serving, in this order, the words already served (a model
        pulled again), the last good version kept on disk (a restart), and only then
        the model's own words: each only if it has every response the model has.
        """
        with self._lock:
            self._model = list(responses)
        self.refresh(fallback=responses)
        self._start_watching()

    def _fallback(self, model: Responses) -> Tuple[Responses, str]:
        """The words to serve while the file is refused, and where they come from (for the log)."""
        names = self._model or []
        if self._good and all(name in self._good for name in names):
            return self._good, "the wording already served"
        text = last_good.kept(KIND, self.path)
        if text is not None:
            reading = read_responses(text)
            if not reading.problems and not missing_from_file(reading, names):
                return reading.responses, f"the last good wording, kept in {last_good.copy_path(KIND, self.path)}"
        return model, "the running model's own wording"

    def current(self) -> Responses:
        """The responses to serve now; a changed file is read in the background meanwhile."""
        self._start_watching()
        stamp = self._stat()
        if (stamp != self._stamp or not self._read_once) and not self.loading:
            self._stamp = stamp
            self._read_once = True
            self._loader = threading.Thread(target=self._refresh_quietly, name="gracious-responses", daemon=True)
            self._loader.start()
        return self._good

    def _start_watching(self) -> None:
        """One daemon thread per file reads a save within WATCH seconds, before the next message needs it."""
        watcher = self._watcher
        if watcher is None or not watcher.is_alive():
            self._watcher = threading.Thread(
                target=_watch, args=(weakref.ref(self),), name="gracious-responses-watch", daemon=True
            )
            self._watcher.start()

    def _changed(self) -> bool:
        return self._stat() != self._stamp and not self.loading

    @property
    def loading(self) -> bool:
        return self._loader is not None and self._loader.is_alive()

    def settle(self, timeout: float = 10.0) -> None:
        """Wait for a reading in progress (the tests, and the desk outside a Rasa server)."""
        loader = self._loader
        if loader is not None:
            loader.join(timeout)

    def refresh(self, fallback: Optional[Responses] = None) -> None:
        """Read and check the file now, in this thread; serve it if it is good, else ``fallback`` if given."""
        with self._lock:
            stamp = self._stat()
            self._stamp, self._read_once = stamp, True
            try:
                text = self.path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                text, reading = "", None
                problems = [Problem(1, f"the file cannot be read ({error}) — save it again as UTF-8 text")]
            else:
                # A placeholder that may be empty needs a variation to fall back on (catalog/placeholders.yml).
                reading = read_responses(text, SampleValues.load(self.path.parent))
                problems = reading.problems or missing_from_file(reading, self._model or [])
            version = hashlib.sha1(text.encode("utf-8")).hexdigest() if text else ""
            if problems or reading is None:
                if fallback is not None:
                    self._good, source = self._fallback(fallback)
                    logger.warning("%s is refused: customers are served %s.", shown_path(self.path), source)
                self._reject(problems, version)
                return
            if version != self._kept:
                last_good.keep(KIND, self.path, text)  # never a refused version: a restart serves this one
                self._kept = version
            changed = reading.responses != self._good
            self._good = reading.responses
            self._rejection = None
            self._warned = None
        if changed and self._model is not None and fallback is None:
            logger.info("%s: the new wording is live (%d responses).", shown_path(self.path), len(self._good))
        self._tell_new(version)

    def _refresh_quietly(self) -> None:
        try:
            self.refresh()
        except Exception:  # noqa: BLE001 (a bug here must never stop the wording being served)
            logger.exception("Reading %s failed; the last good responses stay in use.", self.path)

    def _stat(self) -> Stamp:
        try:
            found = os.stat(self.path)
        except OSError:
            return None
        return found.st_mtime_ns, found.st_size, found.st_ino

    def _reject(self, problems: List[Problem], version: str) -> None:
        name = shown_path(self.path)
        first = problems[0]
        more = f" (and {len(problems) - 1} more problem{'s' if len(problems) > 2 else ''})" if len(problems) > 1 else ""
        self._rejection = Rejection(file=name, line=first.line, problem=first.problem + more)
        if version and version == self._warned:
            return
        self._warned = version
        logger.warning(
            "%s was not taken up: customers keep the last good wording until it is fixed.\n%s",
            name,
            "\n".join(f"{name}:{p.line}: {p.problem}" for p in problems),
        )

    def _tell_new(self, version: str) -> None:
        if self._model is None or version == self._told_new:
            return
        self._told_new = version
        model = set(self._model)
        new = sorted(name for name in self._good if name not in model)
        if new:
            logger.info(
                "%s: %s not in the running model: actions can say %s now; rules and stories need `make train` "
                "to use %s.",
                shown_path(self.path),
                ", ".join(new),
                "it" if len(new) == 1 else "them",
                "it" if len(new) == 1 else "them",
            )


def _watch(reader_ref: "weakref.ref[LiveResponses]") -> None:
    """Poll the file's stat every WATCH seconds; read it when it changed. Ends with its reader."""
    while True:
        time.sleep(WATCH)
        reader = reader_ref()
        if reader is None:
            return  # the reader is gone (a test's): so is its thread
        if reader._changed():
            reader._stamp = reader._stat()
            reader._refresh_quietly()
        del reader


_files: Dict[Path, LiveResponses] = {}
_files_lock = threading.Lock()
_serving: Optional[LiveResponses] = None


def live(path: Optional[Path] = None) -> LiveResponses:
    """The live responses of ``path`` (GRACIOUS_DOMAIN by default), one reader per file in a process."""
    path = (path or settings().domain_path).resolve()
    with _files_lock:
        if path not in _files:
            _files[path] = LiveResponses(path)
        return _files[path]


def serve(responses: Optional[LiveResponses]) -> None:
    """Mark ``responses`` as what this process's Rasa server says (server/dialogue/live_words.py); None: none."""
    global _serving
    _serving = responses


def serving() -> Optional[LiveResponses]:
    """The live responses this process's Rasa server says, once a model is loaded; else None."""
    return _serving if _serving is not None and _serving.bound else None


def responses_rejection() -> Optional[Rejection]:
    """Why the domain file's latest wording is not going to customers, or None (the desk's banner)."""
    running = serving()
    if running is not None:
        running.current()
        return running.rejection
    # No Rasa server in this process: read the file here (cheap; only when it changed).
    reader = live()
    reader.current()
    reader.settle()
    return reader.rejection


def spoken(domain: Any) -> Responses:
    """The responses to word things with now: the live ones once a model is loaded, else ``domain``'s.

    For the parts of the Rasa server that word things outside the response generator
    (the desk's suggestions and agent lines, the queue's buttons, the channels' refusals).
    """
    running = serving()
    if running is not None:
        return running.current()
    return dict(getattr(domain, "responses", None) or {})
