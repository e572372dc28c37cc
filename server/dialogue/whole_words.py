"""Words that are always whole: no reply goes out with an empty, None or unfilled placeholder.

Rasa fills a response's {placeholders} from the slots and the values an action
passes, after picking one of the response's variations at random
(rasa.core.nlg.response.TemplatedNaturalLanguageGenerator). An empty value leaves a
gap ("your refund for  is under way"), None is written as "None" ("None days ago"),
and a value nobody passed stays "{reference}".

Here the pick, among the variations Rasa allows (channel and conditions exactly as
before), goes first to the variations whose placeholders all have a value. A
variation with no placeholders at all is the fallback: it is chosen only when no
variation with values can be filled whole (one without a condition or channel
also stands in for a conditional or channel variation that cannot), so a designer
adds one next to a response whose values can be empty ("Done: your refund is
under way."). When no variation can be filled whole, nothing is sent and a warning
names the empty placeholders (never their values). `make check` (studio/placeholders.py) finds a
response that can be left without a whole variation before a customer does.
"""

from __future__ import annotations

import copy
import logging
import re
from typing import Any, Dict, Iterable, List, Mapping, Optional, Set, Text

from rasa.core.nlg.generator import ResponseVariationFilter
from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator

logger = logging.getLogger(__name__)

# The parts of a response Rasa fills (TemplatedNaturalLanguageGenerator._fill_response),
# and its placeholder pattern (rasa.core.nlg.interpolator).
FILLED_PARTS = ("text", "image", "custom", "buttons", "attachment", "quick_replies")
PLACEHOLDER = re.compile(r"{([^\n{}]+?)}")
NAME = re.compile(r"\w+")


def placeholders(part: Any) -> Set[str]:
    """The {names} in one part of a response.

    A button's payload is for the assistant, not words for the customer: its JSON
    braces ('/give_feedback{"rating": "1"}') are no placeholders.
    """
    if isinstance(part, str):
        return {name for name in PLACEHOLDER.findall(part) if NAME.fullmatch(name)}
    if isinstance(part, Mapping):
        return set().union(*(placeholders(v) for k, v in part.items() if k != "payload"))
    if isinstance(part, (list, tuple)):
        return set().union(*(placeholders(v) for v in part))
    return set()


def needed(variation: Mapping[str, Any]) -> Set[str]:
    """The placeholders a variation needs values for."""
    return set().union(*(placeholders(variation.get(part)) for part in FILLED_PARTS))


def is_empty(value: Any) -> bool:
    """Nothing a customer should read: None, blank text, "None", an empty list."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() in ("", "None")
    if isinstance(value, (list, tuple, set, dict)):
        return not value
    return False


def is_whole(variation: Mapping[str, Any], values: Mapping[str, Any]) -> bool:
    """Every placeholder of the variation has a value to show."""
    return all(name in values and not is_empty(values[name]) for name in needed(variation))


def is_fallback(variation: Any) -> bool:
    """A variation any customer can be sent: no placeholders, no condition, no channel."""
    return (
        isinstance(variation, Mapping)
        and not needed(variation)
        and not variation.get("condition")
        and not variation.get("channel")
    )


def whole_variations(variations: Iterable[Dict[str, Any]], values: Mapping[str, Any]) -> List[Dict[str, Any]]:
    """The variations to choose from: those filled whole, valueless ones only as the fallback."""
    whole = [v for v in variations if is_whole(v, values)]
    with_values = [v for v in whole if needed(v)]
    return with_values or whole


def empty_placeholders(variations: Iterable[Mapping[str, Any]], values: Mapping[str, Any]) -> List[str]:
    return sorted({n for v in variations for n in needed(v) if n not in values or is_empty(values[n])})


def generate_whole(
    self: TemplatedNaturalLanguageGenerator,
    utter_action: Text,
    filled_slots: Dict[Text, Any],
    output_channel: Text,
    **kwargs: Any,
) -> Optional[Dict[Text, Any]]:
    """TemplatedNaturalLanguageGenerator.generate_from_slots, choosing only whole variations."""
    import numpy as np

    if utter_action not in self.responses:
        return None
    suitable = ResponseVariationFilter(self.responses).responses_for_utter_action(
        utter_action, output_channel, filled_slots
    )
    if not suitable:
        return None
    values = self._response_variables(filled_slots, kwargs)
    # What Rasa would choose from, filled whole; else a fallback any customer can be sent.
    choices = whole_variations(suitable, values) or [v for v in self.responses[utter_action] if is_fallback(v)]
    if not choices:
        logger.warning(
            "Response '%s' not sent: every variation has an empty placeholder (%s); "
            "add a variation with no placeholders to fall back on.",
            utter_action,
            ", ".join(empty_placeholders(suitable, values)),
        )
        return None
    # The same random pick as Rasa's, over the whole variations.
    chosen = copy.deepcopy(np.random.choice(choices))
    return self._fill_response(chosen, filled_slots, **kwargs)
