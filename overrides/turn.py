"""One deadline for a whole turn, and a turn that stops at its first failed action call.

Rasa 3.6 runs a turn's actions one after another, each call to the action server
with its own timeout, and carries on after a call fails: with the action server
frozen, a customer waited for every action to time out in turn and then heard
only the last, smallest part of the answer. Here the channel opens a ``Turn``
(server/channels/message_guard.py) with a deadline for all of it:

- every action call gets only the time left in the turn (never more than
  GRACIOUS_ACTION_TIMEOUT, overrides/remote_actions.py);
- the first call that fails (too slow, refused, an error) marks the turn failed,
  and Rasa predicts nothing more in it: nothing else is said or called, the
  conversation waits for the customer again (an ``action_listen``), and the channel
  replaces the half-finished turn with one apology;
- a call that failed on a mistake in a designer's file (the catalog refused with no good
  version to serve) is one line in the log, not Rasa's traceback per message: the
  action server's log has the file, the line and the fix.

Outside a turn (Rasa's HTTP API, the tests that call Rasa directly) Rasa runs as it
always has.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from contextvars import ContextVar
from typing import Any, Awaitable, Iterator, List, Optional

from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.processor import MessageProcessor
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted
from rasa.shared.exceptions import RasaException
from rasa.utils.endpoints import ClientResponseError

from overrides import in_process
from overrides.patch import Patch
from server.channels.failures import DESIGNERS_MISTAKE

logger = logging.getLogger(__name__)


class Turn:
    """A customer's message being handled: its deadline, and whether it has failed."""

    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds
        self.failed = False
        self.timed_out = False

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def over(self) -> bool:
        """Failed, or out of time: nothing more should be called or said in it."""
        return self.failed or self.remaining() <= 0


_current: ContextVar[Optional[Turn]] = ContextVar("gracious_turn", default=None)


def current() -> Optional[Turn]:
    """The turn this code runs in, if a channel opened one."""
    return _current.get()


@contextlib.contextmanager
def opened(seconds: float) -> Iterator[Turn]:
    """A turn with ``seconds`` to run, current for the code (and the tasks it starts) inside."""
    turn = Turn(seconds)
    token = _current.set(turn)
    try:
        yield turn
    finally:
        _current.reset(token)


_rasa_remote_run = RemoteAction.run
_rasa_should_handle_message = MessageProcessor._should_handle_message


def call(self: RemoteAction, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> Awaitable[List[Any]]:
    """The action run in this process or called on the action server, as GRACIOUS_ACTIONS says."""
    run = in_process.run_here if in_process.in_process() else _rasa_remote_run
    return run(self, output_channel, nlg, tracker, domain)


async def _run_within_turn(self: RemoteAction, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> List[Any]:
    """Rasa's action call, given only the time left in the turn; a failure fails the turn."""
    turn = current()
    if turn is None:
        return await call(self, output_channel, nlg, tracker, domain)
    if turn.over():
        turn.failed = True
        raise RasaException(f"Action '{self.name()}' not called: its turn has failed or run out of time.")
    try:
        return await asyncio.wait_for(call(self, output_channel, nlg, tracker, domain), turn.remaining())
    except ActionExecutionRejection:
        raise  # a form's "not this slot": part of a normal turn
    except asyncio.TimeoutError:
        turn.failed = turn.timed_out = True
        logger.warning("Action '%s' gave up at the turn's deadline.", self.name())
        raise
    except Exception as error:
        turn.failed = True
        if designers_mistake(error):
            # The action's log has the file, line and fix once: no traceback here per message.
            logger.warning(
                "Action '%s' could not run: a designer's file has a mistake (see the action log).", self.name()
            )
            return []  # what Rasa keeps of a failed action; the turn is over and gets its apology
        raise


def designers_mistake(error: BaseException) -> bool:
    """Whether an action call failed on a designer's file (launch/action_server.py answers DESIGNERS_MISTAKE)."""
    if isinstance(error, in_process.ActionFailed):
        return error.designers_mistake
    cause = error.__cause__
    if not isinstance(cause, ClientResponseError):
        return False
    body = cause.text.decode("utf-8", "replace") if isinstance(cause.text, bytes) else str(cause.text or "")
    return DESIGNERS_MISTAKE in body


def _should_handle_message(self: MessageProcessor, tracker: Any) -> bool:
    """Rasa's check before each prediction, and no further prediction in a turn that is over."""
    turn = current()
    if turn is not None and turn.over():
        if tracker.latest_action_name != ACTION_LISTEN_NAME:
            # The customer has the apology and the next word: their next message starts
            # a turn of its own instead of resuming the steps this one could not finish.
            tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
        return False
    return _rasa_should_handle_message(tracker)


PATCHES = [
    Patch(RemoteAction, "run", _run_within_turn),
    Patch(MessageProcessor, "_should_handle_message", _should_handle_message),
]
