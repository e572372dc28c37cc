"""A slot filled from an entity takes the first one the customer named, not the last.

"my flat white was cold and the croissant was stale" has two ``item`` entities; Rasa 3.6's
``ActionExtractSlots.run`` keeps ``value[-1]`` of what
``extract_slot_value_from_predefined_mapping`` returns, so the case became the croissant's. The
first named is what the message is about (a second problem is read on its own:
server/dialogue/two_problems.py), so the values are handed back latest-named first, by where they
start in the text (extractors append their entities in their own order). Only text and categorical
slots are filled from entities here; a list slot would get them in that order too, and
tests/overrides/test_first_named.py checks the domain has none.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.core.actions import action as rasa_action
from rasa.shared.core.slot_mappings import SlotMappingType

from overrides.patch import Patch

_extract = rasa_action.extract_slot_value_from_predefined_mapping


def first_named_last(mapping_type: SlotMappingType, mapping: Dict[str, Any], tracker: Any) -> List[Any]:
    """Rasa's values for the mapping, ordered so that the one its caller keeps (the last) is the first named."""
    values = _extract(mapping_type, mapping, tracker)
    if mapping_type != SlotMappingType.FROM_ENTITY or not values or len(values) < 2:
        return values
    found = [
        entity
        for entity in (tracker.latest_message.entities if tracker.latest_message else None) or []
        if entity.get("entity") == mapping.get("entity")
        and entity.get("role") == mapping.get("role")
        and entity.get("group") == mapping.get("group")
    ]
    # The very entities Rasa read, each with its place in the text; anything else is left as Rasa had it.
    if [entity.get("value") for entity in found] != list(values):
        return values
    if not all(isinstance(entity.get("start"), int) for entity in found):
        return values
    return [entity.get("value") for entity in sorted(found, key=lambda entity: entity["start"], reverse=True)]


PATCHES = [Patch(rasa_action, "extract_slot_value_from_predefined_mapping", first_named_last)]
