"""overrides/first_named.py: a slot filled from an entity takes the first one the customer named."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Optional

import pytest
import yaml
from rasa.core.actions import action as rasa_action
from rasa.core.actions.action import ActionExtractSlots
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from gracious.settings import ROOT
from overrides import first_named

TEXT = "my flat white was cold and the croissant was stale"
DOMAIN = Domain.from_dict(
    {
        "intents": ["complain_product"],
        "entities": ["item"],
        "slots": {"item": {"type": "text", "mappings": [{"type": "from_entity", "entity": "item"}]}},
    }
)


def entity(value: str, extractor: str = "DIETClassifier") -> Dict[str, Any]:
    start = TEXT.index(value)
    return {"entity": "item", "value": value, "start": start, "end": start + len(value), "extractor": extractor}


def item_set(entities: List[Dict[str, Any]], monkeypatch: pytest.MonkeyPatch, patched: bool) -> Optional[str]:
    replacement = first_named.first_named_last if patched else first_named._extract
    monkeypatch.setattr(rasa_action, "extract_slot_value_from_predefined_mapping", replacement)
    tracker = DialogueStateTracker.from_events(
        "flat-white",
        [
            ActionExecuted("action_listen"),
            UserUttered(TEXT, {"name": "complain_product", "confidence": 0.9}, entities),
        ],
    )
    events = asyncio.run(
        ActionExtractSlots(None).run(CollectingOutputChannel(), TemplatedNaturalLanguageGenerator({}), tracker, DOMAIN)
    )
    return next((e.value for e in events if isinstance(e, SlotSet) and e.key == "item"), None)


def test_rasa_alone_keeps_the_last_named(monkeypatch: pytest.MonkeyPatch) -> None:
    # What the override is for: without it the case is the croissant's.
    assert item_set([entity("flat white"), entity("croissant")], monkeypatch, patched=False) == "croissant"


@pytest.mark.parametrize(
    "entities",
    [
        [entity("flat white"), entity("croissant")],
        # Extractors append their entities in their own order: the place in the text decides.
        [entity("croissant", "RegexEntityExtractor"), entity("flat white")],
    ],
)
def test_the_first_named_fills_the_slot(entities: List[Dict[str, Any]], monkeypatch: pytest.MonkeyPatch) -> None:
    assert item_set(entities, monkeypatch, patched=True) == "flat white"


def test_one_entity_is_taken_as_rasa_takes_it(monkeypatch: pytest.MonkeyPatch) -> None:
    assert item_set([entity("croissant")], monkeypatch, patched=True) == "croissant"


def test_no_list_slot_is_filled_from_an_entity() -> None:
    # The override hands a from_entity mapping's values latest-named first; a list slot would keep that order.
    slots = yaml.safe_load((ROOT / "domain.yml").read_text())["slots"]
    listed = [
        name
        for name, slot in slots.items()
        if slot.get("type") == "list" and any(m.get("type") == "from_entity" for m in slot.get("mappings") or [])
    ]
    assert listed == []
