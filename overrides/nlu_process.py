"""Messages parsed in processes of their own, beside the Rasa server (issue #19).

Parsing is the largest share of a Gracious turn in the Rasa server (the sentence encoder,
the classifier, the CRF, and one parse per sentence of a long message, for a second
problem), and Rasa runs it on the event loop of one Python process: one core of two.
Rasa 3.6 can send parsing to another server (the ``nlu`` endpoint), but over HTTP as JSON.
Here the Rasa server starts ``GRACIOUS_NLU_PROCESSES`` worker processes (1 by default; 0
parses in the server, as Rasa does) that load the NLU part of the same model, and
``parse`` hands them the message's text: the event loop runs other conversations' turns
while a message is parsed, and the answer is the same parse, from the same model.

- **Start and new models:** the workers start when a model loads (``Agent.load_model``,
  at start and for each model `make train` makes), from a copy of the model archive, and
  load it in 10 to 20 seconds. Until they have, the server parses every message itself, so
  nobody waits for them; the workers of the model before are stopped at once.
- **Failures:** a message the workers cannot parse is parsed in the server, and a worker
  that died (killed, out of memory) is started again, at most once a minute.
- **Who turns it on:** only the server's launcher (``prepare()`` in launch/rasa_server.py);
  a test that loads a model in its own process parses in that process.
- Only the parse's output properties (the text, the intents, the entities) come back; a
  caller asking for everything Rasa's graph made (its features) is answered here.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import shutil
import tempfile
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, Dict, Optional, Text, Union

from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.model import get_latest_model

from gracious.settings import settings
from overrides import nlu_worker
from overrides.patch import OverrideError, Patch

logger = logging.getLogger(__name__)

# Rasa's own, which this wraps; captured before overrides/dialogue.py replaces parse_message.
_rasa_parse_message = MessageProcessor.parse_message
_rasa_load_model = Agent.load_model
if _rasa_parse_message.__module__ != "rasa.core.processor" or _rasa_load_model.__module__ != "rasa.core.agent":
    raise OverrideError("overrides/nlu_process.py must be imported before the overrides are installed.")

# Where a processor keeps its workers.
ATTRIBUTE = "gracious_nlu_workers"
RESTART_AFTER_SECONDS = 60.0

_enabled = False
_current: Optional["Workers"] = None


def prepare() -> None:
    """Parse in worker processes from now on (the Rasa server's launcher), as GRACIOUS_NLU_PROCESSES says."""
    global _enabled
    _enabled = settings().nlu_processes > 0


class Workers:
    """Worker processes parsing with one model, from their own copy of its archive."""

    def __init__(self, archive: Path, count: int) -> None:
        self.count = count
        self._folder = Path(tempfile.mkdtemp(prefix="gracious-nlu-"))
        self._archive = self._folder / archive.name
        shutil.copyfile(archive, self._archive)
        self._lock = threading.Lock()
        self.ready = False
        self.closed = False
        self._restarting = False
        self._started = 0.0
        self._pool: Optional[ProcessPoolExecutor] = None
        self._start()

    def _start(self) -> None:
        self.ready = False
        self._started = time.monotonic()
        context = multiprocessing.get_context("spawn")  # a fresh interpreter: no threads or sockets inherited
        pool = ProcessPoolExecutor(
            self.count, mp_context=context, initializer=nlu_worker.load, initargs=(str(self._archive),)
        )
        self._pool = pool
        waiting = [pool.submit(nlu_worker.loaded) for _ in range(self.count)]
        left = [len(waiting)]

        def loaded(future: "Future[int]") -> None:
            if future.cancelled() or future.exception() is not None:
                logger.warning("The NLU process could not load the model; messages are parsed in the Rasa server.")
                return
            with self._lock:
                left[0] -= 1
                if left[0] == 0 and self._pool is pool and not self.closed:
                    self.ready = True
                    logger.info(f"{nlu_worker.READY} {self.count} process(es) beside the Rasa server.")

        for future in waiting:
            future.add_done_callback(loaded)

    async def parse(self, message: UserMessage) -> Dict[Text, Any]:
        assert self._pool is not None
        future = self._pool.submit(nlu_worker.parse, message.text, message.message_id, message.metadata)
        return await asyncio.wrap_future(future)

    def failed(self, error: BaseException) -> None:
        """After a failed parse: a broken pool (a worker died) is started again, at most once a minute."""
        if not isinstance(error, BrokenProcessPool):
            return
        with self._lock:
            if self.closed or self._restarting:
                return
            self._restarting, self.ready = True, False  # parsed in the server until the restart
        wait = max(0.0, RESTART_AFTER_SECONDS - (time.monotonic() - self._started))
        timer = threading.Timer(wait, self._restart)
        timer.daemon = True
        timer.start()

    def _restart(self) -> None:
        with self._lock:
            if self.closed:
                return
            old, self._pool, self._restarting = self._pool, None, False
        if old is not None:
            old.shutdown(wait=False, cancel_futures=True)
        logger.warning("An NLU process stopped; starting it again.")
        self._start()

    def close(self) -> None:
        with self._lock:
            self.closed, self.ready = True, False
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
        shutil.rmtree(self._folder, ignore_errors=True)


def _archive(model_path: Union[Text, Path]) -> Optional[Path]:
    """The model archive Rasa loaded from ``model_path`` (a file, or the newest in a folder)."""
    path = Path(model_path)
    if path.is_file():
        return path
    latest = get_latest_model(path)
    return Path(latest) if latest else None


def load_model(self: Agent, model_path: Union[Text, Path], fingerprint: Optional[Text] = None) -> None:
    """Rasa's ``Agent.load_model``, then worker processes for the new model (when the launcher asked)."""
    global _current
    _rasa_load_model(self, model_path, fingerprint)
    if not _enabled or self.processor is None:
        return
    archive = _archive(model_path)
    if archive is None:
        return
    previous, _current = _current, Workers(archive, settings().nlu_processes)
    setattr(self.processor, ATTRIBUTE, _current)
    if previous is not None:
        previous.close()


async def parse(
    processor: MessageProcessor,
    message: UserMessage,
    tracker: Optional[Any] = None,
    only_output_properties: bool = True,
) -> Dict[Text, Any]:
    """Rasa's ``parse_message``, with the model's graph run in a worker process when one is ready."""
    workers: Optional[Workers] = getattr(processor, ATTRIBUTE, None)
    if workers is None or not workers.ready or not only_output_properties or processor.http_interpreter:
        return await _rasa_parse_message(processor, message, tracker, only_output_properties)
    try:
        parse_data = await workers.parse(message)
    except Exception as error:  # noqa: BLE001 (the message is parsed here instead; nothing is lost)
        logger.warning(f"A message could not be parsed in the NLU process ({type(error).__name__}); parsed here.")
        workers.failed(error)
        return await _rasa_parse_message(processor, message, tracker, only_output_properties)
    # What Rasa's parse_message does after its graph (both need the domain, which stays here).
    processor._update_full_retrieval_intent(parse_data)
    processor._check_for_unseen_features(parse_data)
    return parse_data


PATCHES = [Patch(Agent, "load_model", load_model)]
