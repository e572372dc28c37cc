"""Every change we make to Rasa's own code, in one place, installed by one call.

``install()`` applies them all, after checking the Rasa version (overrides/patch.py).
Every process that runs Rasa calls it first: the Rasa server through
``python -m launch.rasa_server`` (`make run`, `make shell`, `make cluster`, the
benchmark) and the tests through tests/conftest.py. Each override is tested
against Rasa's own behaviour in tests/overrides/.

| override | replaces | why |
| --- | --- | --- |
| live_model | ``rasa.core.agent._update_model_from_server`` | a new model loads off the event loop |
| remote_actions | ``RemoteAction`` call format and result check | smaller, bounded calls to the action server; the domain they carry has the live responses (gracious/responses.py) |
| nlu_process | ``Agent.load_model`` (and the graph parse in server/dialogue/typed_choices.py) | messages parsed by the same model in worker processes beside the Rasa server (GRACIOUS_NLU_PROCESSES, 1 by default), on the other core |
| tracker_copy | ``DialogueStateTracker.copy`` | copies without replaying every event |
| applied_events | ``DialogueStateTracker.applied_events`` | a tracker folds only the events added since its last call, with Rasa's own steps, not all of them each time |
| durable | ``MessageProcessor.log_message`` | a message is stored when it arrives |
| turn (with in_process) | ``RemoteAction.run``, ``MessageProcessor._should_handle_message`` | the action run in this process by rasa_sdk's executor (GRACIOUS_ACTIONS=in-process, the default) or called on the action server; one deadline for a whole turn; a turn stops at its first failed action call; a call failed on a designer's file is one log line, not a traceback |
| first_named | ``rasa.core.actions.action.extract_slot_value_from_predefined_mapping`` | a slot filled from an entity takes the first one named ("my flat white was cold and the croissant stale" is the flat white's case) |
| turns_at_once | ``MessageProcessor._run_prediction_loop`` | with the actions in the server, at most GRACIOUS_TURNS_AT_ONCE turns (2 by default) are worked on at once, the others wait in the order they came (at most 2 s): a long turn no longer waits behind everyone at each of its steps |
| dialogue | ``MessageProcessor.parse_message``, ``TemplatedNaturalLanguageGenerator.generate_from_slots`` | typed replies read against the last buttons; no reply with an empty placeholder |

Training has one override of its own, installed only by `make train`'s launcher
(launch/train.py), never in the servers: overrides/training.py keeps the actions named in
rules out of the NLU training data (``E2EImporter._additional_training_data_from_stories``),
so a new action in a rule retrains the policy alone.
"""

from __future__ import annotations

from typing import List

from overrides.patch import OverrideError, Patch, check_version


def patches() -> List[Patch]:
    """Every override, in the order it is applied."""
    from overrides import (
        applied_events,
        dialogue,
        durable,
        first_named,
        live_model,
        nlu_process,
        remote_actions,
        tracker_copy,
        turn,
        turns_at_once,
    )

    return [
        *live_model.PATCHES,
        *nlu_process.PATCHES,
        *remote_actions.patches(),
        *tracker_copy.PATCHES,
        *applied_events.PATCHES,
        *durable.PATCHES,
        *first_named.PATCHES,
        *dialogue.PATCHES,
        *turn.PATCHES,
        *turns_at_once.PATCHES,
    ]


def install() -> None:
    """Check the Rasa version, then apply every override in this process (idempotent)."""
    check_version()
    for patch in patches():
        patch.apply()


def installed() -> bool:
    """Whether every override is in place in this process."""
    return all(patch.applied() for patch in patches())


def require_installed(what: str) -> None:
    """Refuse to run ``what`` in a Rasa that was started without the overrides."""
    if not installed():
        raise OverrideError(
            f"{what} needs Gracious's overrides to Rasa: start Rasa with `python -m launch.rasa_server` "
            "(as `make run` and `make cluster` do), not with the plain `rasa` command."
        )
