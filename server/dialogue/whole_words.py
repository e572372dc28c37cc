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
from typing import Any, Dict, Iterable, List, Mapping, Optional, Text

from rasa.core.nlg.generator import ResponseVariationFilter
from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator

# The rule is shared with the live and `make check` checks of domain.yml (gracious/whole_values.py).
from gracious.responses import serving, shown_path
from gracious.whole_values import FILLED_PARTS, PLACEHOLDER, is_empty, is_fallback, needed, placeholders

logger = logging.getLogger(__name__)


def is_whole(variation: Mapping[str, Any], values: Mapping[str, Any]) -> bool:
    """Every placeholder of the variation has a value to show."""
    return all(name in values and not is_empty(values[name]) for name in needed(variation))


__all__ = [
    "FILLED_PARTS",
    "PLACEHOLDER",
    "is_empty",
    "is_fallback",
    "needed",
    "placeholders",
    "is_whole",
    "whole_variations",
    "generate_whole",
]


def whole_variations(variations: Iterable[Dict[str, Any]], values: Mapping[str, Any]) -> List[Dict[str, Any]]:
    """The variations to choose from: those filled whole, valueless ones only as the fallback."""
    whole = [v for v in variations if is_whole(v, values)]
    with_values = [v for v in whole if needed(v)]
    return with_values or whole


def empty_placeholders(variations: Iterable[Mapping[str, Any]], values: Mapping[str, Any]) -> List[str]:
    return sorted({n for v in variations for n in needed(v) if n not in values or is_empty(values[n])})


def where(utter_action: Text) -> str:
    """ " (domain.yml:403)": the line the served file names the response on, when this process serves one."""
    reader = serving()
    if reader is None:
        return ""
    try:
        lines = reader.path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return ""
    key = f"{utter_action}:"
    at = next((n for n, line in enumerate(lines, 1) if line.strip() == key), None)
    return f" ({shown_path(reader.path)}:{at})" if at else ""


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
            "Response '%s'%s not sent: every variation has an empty placeholder (%s); "
            "add a variation with no placeholders to fall back on.",
            utter_action,
            where(utter_action),
            ", ".join(empty_placeholders(suitable, values)),
        )
        return None
    # The same random pick as Rasa's, over the whole variations.
    chosen = copy.deepcopy(np.random.choice(choices))
    return self._fill_response(chosen, filled_slots, **kwargs)
