"""When a response's {placeholders} can leave it with nothing whole to send: the one rule for live and `make check`.

server/dialogue/whole_words.py sends a variation only when all its placeholders have
a value, and falls back to a variation with no placeholders, condition or channel.
A response with no such fallback, using a placeholder that may be empty, can end
up sending nothing. Which placeholders may be empty is in catalog/placeholders.yml:
a `samples:` list with "" or ~ in it, unless `known:` says the value is always there
for that response. gracious/response_checks.py refuses such a saved domain.yml (the
last good one keeps serving); studio/placeholders.py reports it at `make check`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Mapping, Sequence, Set

import yaml

SAMPLES_FILE = Path("catalog") / "placeholders.yml"
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


def is_fallback(variation: Any) -> bool:
    """A variation any customer can be sent: no placeholders, no condition, no channel."""
    return (
        isinstance(variation, Mapping)
        and not needed(variation)
        and not variation.get("condition")
        and not variation.get("channel")
    )


@dataclass
class SampleValues:
    """catalog/placeholders.yml as both checks read it: each placeholder's samples, and the `known` ones."""

    values: Dict[str, List[Any]] = field(default_factory=dict)
    known: Dict[str, Set[str]] = field(default_factory=dict)
    raw: Dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, root: Path) -> "SampleValues":
        """The samples file under ``root``; none (nothing may be empty) when it is missing or unreadable."""
        path = root / SAMPLES_FILE
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
        except (yaml.YAMLError, UnicodeDecodeError):
            raw = None  # the YAML check reports the file's own mistake
        raw = raw if isinstance(raw, dict) else {}
        samples = raw.get("samples")
        samples = samples if isinstance(samples, dict) else {}
        known = raw.get("known")
        known = known if isinstance(known, dict) else {}
        return cls(
            values={str(k): list(v) if isinstance(v, list) else [v] for k, v in samples.items()},
            known={str(k): {str(n) for n in v or []} for k, v in known.items()},
            raw=raw,
        )

    def left_empty(self, response: str, variations: Sequence[Any]) -> List[str]:
        """The placeholders that can be empty in ``response`` with no variation to fall back on."""
        if any(is_fallback(v) for v in variations):
            return []
        used = set().union(*(needed(v) for v in variations if isinstance(v, Mapping)))
        known = self.known.get(response, set())
        return sorted(n for n in used if n not in known and any(is_empty(s) for s in self.values.get(n, [])))
