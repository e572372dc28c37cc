"""The base of our pipeline components that need no training or state."""

from __future__ import annotations

from typing import Any, Dict, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage


class StatelessComponent(GraphComponent):
    """A component made afresh for every model: nothing to train or persist."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "StatelessComponent":
        return cls.made(config, execution_context)

    @classmethod
    def made(cls, config: Dict[Text, Any], execution_context: ExecutionContext) -> "StatelessComponent":
        """The component for ``config`` (by default it reads none)."""
        return cls()
