"""A worker process of overrides/nlu_process.py: the NLU part of a model, parsing messages.

It imports only what parsing needs (no overrides, no dialogue, no stores), when a worker
starts; the Rasa server imports this module without loading anything.
"""

from __future__ import annotations

import ctypes
import signal
import tempfile
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

# What the Rasa server logs once its workers parse (the benchmark waits for it: bench/servers.py).
READY = "Messages are now parsed in"

_runner: Any = None
_target: Optional[str] = None


def _die_with_the_server() -> None:
    """Linux's parent-death signal: a worker never outlives the Rasa server that started it."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: the pool's own shutdown stops the workers


def load(archive: str) -> None:
    """A worker's start: the NLU part of the model's prediction graph, loaded as Rasa loads a model."""
    global _runner, _target
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C stops the server, which stops its workers
    _die_with_the_server()
    from rasa.engine.graph import ExecutionContext
    from rasa.engine.runner.dask import DaskGraphRunner
    from rasa.engine.storage.local_model_storage import LocalModelStorage

    with tempfile.TemporaryDirectory(prefix="gracious-nlu-model-") as storage:
        model_storage, metadata = LocalModelStorage.from_model_archive(Path(storage), Path(archive))
        schema = metadata.predict_schema.minimal_graph_schema([metadata.nlu_target])
        _runner = DaskGraphRunner.create(
            graph_schema=schema,
            model_storage=model_storage,
            execution_context=ExecutionContext(graph_schema=schema, model_id=metadata.model_id),
        )
    _target = metadata.nlu_target


def loaded() -> int:
    """Answered once the worker has loaded its model."""
    return 1


def parse(text: Optional[str], message_id: Optional[str], metadata: Optional[Dict[str, Any]]) -> Dict[Text, Any]:
    """Rasa's ``MessageProcessor._parse_message_with_graph``, output properties only."""
    from rasa.core.channels.channel import UserMessage
    from rasa.engine.constants import PLACEHOLDER_MESSAGE
    from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT

    message = UserMessage(text, message_id=message_id, metadata=metadata)
    results = _runner.run(inputs={PLACEHOLDER_MESSAGE: [message]}, targets=[_target])
    parsed: List[Any] = results[_target]
    parse_data: Dict[Text, Any] = {
        TEXT: "",
        INTENT: {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0},
        ENTITIES: [],
    }
    parse_data.update(parsed[0].as_dict(only_output_properties=True))
    return parse_data
