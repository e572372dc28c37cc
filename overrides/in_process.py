"""Custom actions run inside the Rasa server's process: no HTTP call, no JSON of the tracker.

Rasa 3.6 runs every custom action as an HTTP call to an action server, carrying the
tracker and the domain as JSON both ways, and checks the answer against a JSON schema:
a complaint turn runs four of them. Rasa Pro offers ``actions_module`` to run them in
the assistant's own process instead; this is that, for Rasa Open Source 3.6, chosen by
``GRACIOUS_ACTIONS``:

- ``in-process`` (the default; `make run`, the tests, the benchmark): rasa_sdk's own
  ``ActionExecutor`` runs the same actions, with the same rasa_sdk API and the same
  events, called directly with the call Rasa would have sent (the recent events, the
  live responses: overrides/remote_actions.py). Nothing is serialised, sent or
  validated against a schema (rasa_sdk checks the events, as on the action server).
  The call is built fresh for each action, as for HTTP, so an action that changes what
  it was given (actions/empathize.py adds its own sentences to ``tracker.events``)
  changes only its copy; the one list Rasa shares, the latest message's entities, is
  copied here.
- ``server``: Rasa's HTTP call to launch/action_server.py, as before (`make cluster`
  keeps it, where the action servers are their own processes).

Actions never block the event loop: every action is a coroutine whose database work
runs on worker threads (gracious/stores/base.py), and an action written with a plain
``def run`` is run on a worker thread here. The turn's deadline (overrides/turn.py)
bounds an action here as it bounds an HTTP call. An action that fails is logged as the
action server logs it (no customer text; a designer's mistake as one line) and fails
the turn, which gets its apology.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import inspect
import logging
from typing import Any, Callable, List, Optional

from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.shared.core import events
from rasa.shared.exceptions import RasaException
from rasa_sdk import Action
from rasa_sdk import utils as sdk_utils
from rasa_sdk.executor import ActionExecutor
from rasa_sdk.interfaces import ActionExecutionRejection as SdkRejection

from gracious.settings import settings
from server.channels.failures import DESIGNERS_MISTAKES, log_failure

logger = logging.getLogger(__name__)

IN_PROCESS = "in-process"

# The package whose actions run here, as `launch.action_server --actions actions` serves it.
ACTIONS_PACKAGE = "actions"


class ActionFailed(RasaException):
    """An action raised while running in this process (logged already, without customer text)."""

    def __init__(self, name: str, designers_mistake: bool) -> None:
        super().__init__(f"Failed to execute custom action '{name}' in the Rasa server's process.")
        self.designers_mistake = designers_mistake


def mode() -> str:
    """How custom actions run: ``in-process`` or ``server`` (GRACIOUS_ACTIONS)."""
    return settings().actions_mode


def in_process() -> bool:
    return mode() == IN_PROCESS


def _on_a_thread(run: Callable[..., Any]) -> Callable[..., Any]:
    """A plain ``def run`` as a coroutine on a worker thread (with this task's context)."""

    @functools.wraps(run)
    async def threaded(*args: Any) -> Any:
        context = contextvars.copy_context()
        return await asyncio.get_running_loop().run_in_executor(None, functools.partial(context.run, run, *args))

    return threaded


def never_blocking(run: Callable[..., Any]) -> Callable[..., Any]:
    """An action's ``run`` as the executor calls it here: a coroutine as it is, a plain function on a thread."""
    return run if inspect.iscoroutinefunction(run) else _on_a_thread(run)


_executor: Optional[ActionExecutor] = None


def executor() -> ActionExecutor:
    """rasa_sdk's executor with every action of the package registered, made once per process."""
    global _executor
    if _executor is None:
        made = ActionExecutor()
        made._import_submodules(ACTIONS_PACKAGE)  # what register_package does, without exiting the server
        # Only the package's actions: rasa_sdk's own scan takes every Action class imported in the process.
        for action in sdk_utils.all_subclasses(Action):
            if action.__module__.partition(".")[0] == ACTIONS_PACKAGE and not inspect.isabstract(action):
                made.register_action(action)
        made.actions = {name: never_blocking(run) for name, run in made.actions.items()}
        _executor = made
    return _executor


def prepare() -> None:
    """Load the actions as the server starts (in-process mode), not on the first customer's turn."""
    if in_process():
        executor()


async def run_here(self: RemoteAction, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> List[Any]:
    """What ``RemoteAction.run`` does, with the action run in this process instead of over HTTP."""
    call = self._action_call_format(tracker, domain)
    latest = call["tracker"].get("latest_message") or {}
    if isinstance(latest.get("entities"), list):
        # Rasa hands over the tracker's own list here; over HTTP an action got a copy.
        latest["entities"] = [dict(entity) for entity in latest["entities"]]
    try:
        result = await executor().run(call)
    except SdkRejection as rejection:  # a form's "not this slot", as the action server answers 400
        raise ActionExecutionRejection(rejection.action_name, rejection.message) from None
    except asyncio.CancelledError:
        raise
    except Exception as error:
        mistake = isinstance(error, DESIGNERS_MISTAKES)
        log_failure(logger, f"The action '{self.name()}' failed (customer text not logged).", error)
        raise ActionFailed(self.name(), designers_mistake=mistake) from None
    result = result or {}
    bot_messages = await self._utter_responses(result.get("responses", []), output_channel, nlg, tracker)
    return [*bot_messages, *events.deserialise_events(result.get("events", []))]
