"""Cheaper calls to the action server, for the same results.

Two costs in Rasa 3.6's remote actions grow out of proportion to the work:

- Every answer from the action server is checked against Rasa's JSON schema with
  ``jsonschema.validate``, which first re-checks the schema itself: about three
  quarters of the Rasa server's time on a complaint turn. The same check runs
  here with a validator built once.
- Every call carries the whole tracker, every event of the session: at turn 200
  about a megabyte to build, send and parse, several times per message. The
  slots, the latest message and the active form travel as they are (they
  describe the conversation now); only the event list is cut to its last
  PAYLOAD_EVENTS events, which covers what the actions look back at (the
  sentences already said in this case, the customer's recent intents).

And Rasa waits up to five minutes for an action. No customer waits that long:
after GRACIOUS_ACTION_TIMEOUT seconds (20 by default) the call is given up, and
inside a customer's turn never later than the turn's own deadline (overrides/turn.py);
the turn ends, and the channel apologises (server/channels/message_guard.py) instead of
going silent.

The domain a call carries has the live responses (gracious/responses.py): the words the
customer reads now, not those of the domain the model was trained on, so an action that
reads a sentence from the domain (actions/empathize.py) says a wording edit at once. The
domain dict is Rasa's own (``Domain.as_dict`` returns it, not a copy): only its top level
is copied, a few keys.
"""

from __future__ import annotations

import itertools
from functools import lru_cache
from typing import Any, Dict, List, Text

from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions import action as rasa_action
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

from gracious import responses as live_responses
from gracious.settings import settings
from overrides.patch import Patch

# About twenty turns of a Gracious conversation.
PAYLOAD_EVENTS = 400

# Rasa's own, which the tests compare these with (tests/overrides/test_remote_actions.py).
_rasa_call_format = RemoteAction._action_call_format
_rasa_validate_action_result = RemoteAction._validate_action_result
_rasa_request_timeout = rasa_action.DEFAULT_REQUEST_TIMEOUT


@lru_cache(maxsize=1)
def _response_validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)  # once, as jsonschema.validate does on every call
    return cls(schema)


def _validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    """Rasa's check of an action server's answer (``jsonschema.validate``), with the validator built once."""
    error = best_match(_response_validator().iter_errors(result))
    if error is not None:
        error.message += (
            ". Failed to validate Action server response from API, "
            "make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise error
    return True


class _Recent:
    """What ``_action_call_format`` reads of a tracker, with the recent events only."""

    def __init__(self, tracker: DialogueStateTracker) -> None:
        self.tracker = tracker
        self.sender_id = tracker.sender_id

    def current_state(self, event_verbosity: EventVerbosity = EventVerbosity.NONE) -> Dict[str, Any]:
        state = self.tracker.current_state(EventVerbosity.NONE)
        events = self.tracker.events
        recent = itertools.islice(events, max(0, len(events) - PAYLOAD_EVENTS), None)
        state["events"] = [event.as_dict() for event in recent]
        return state


def with_live_responses(payload: Dict[str, Any]) -> Dict[str, Any]:
    """The call's domain with the responses the Rasa server says now, once a model is loaded."""
    live = live_responses.serving()
    if live is not None and isinstance(payload.get("domain"), dict):
        payload["domain"] = {**payload["domain"], "responses": live.current()}
    return payload


def _recent_call_format(self: RemoteAction, tracker: DialogueStateTracker, domain: Any) -> Dict[str, Any]:
    return with_live_responses(_rasa_call_format(self, _Recent(tracker), domain))


def patches() -> List[Patch]:
    """Every remote action call in the process: bounded in time, smaller, checked."""
    return [
        Patch(rasa_action, "DEFAULT_REQUEST_TIMEOUT", settings().action_timeout),
        Patch(RemoteAction, "_validate_action_result", _validate_action_result),
        Patch(RemoteAction, "_action_call_format", _recent_call_format),
    ]
