"""One patch to Rasa: what it replaces, checked before it is applied.

A patch names the object and attribute it replaces and the replacement. Applying
it checks that the running Rasa is a version the patch was written against and
that the attribute still exists, so an upgrade that moves or renames a target
stops the server at start with a plain message instead of silently running
without the change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Tuple

import rasa

# The Rasa versions every override here was written and tested against: [low, high).
SUPPORTED = ((3, 6, 0), (3, 7, 0))


class OverrideError(RuntimeError):
    """An override cannot be applied to the Rasa that is installed."""


def rasa_version(text: str = rasa.__version__) -> Tuple[int, ...]:
    """``"3.6.21"`` as ``(3, 6, 21)`` (a suffix such as ``rc1`` is dropped)."""
    found = re.match(r"(\d+)\.(\d+)(?:\.(\d+))?", text)
    if not found:
        raise OverrideError(f"Cannot read the Rasa version {text!r}")
    return tuple(int(part or 0) for part in found.groups())


def check_version(text: str = rasa.__version__) -> None:
    low, high = SUPPORTED
    if not low <= rasa_version(text) < high:
        raise OverrideError(
            f"Rasa {text} is installed; the overrides in overrides/ are written for "
            f"{'.'.join(map(str, low))} up to (not including) {'.'.join(map(str, high))}. "
            "Install the pinned version (`make install`) or port the overrides."
        )


@dataclass(frozen=True)
class Patch:
    """Replace ``owner.name`` with ``replacement``."""

    owner: Any
    name: str
    replacement: Any

    @property
    def target(self) -> str:
        return (
            f"{getattr(self.owner, '__module__', '')}.{getattr(self.owner, '__name__', self.owner)}.{self.name}".lstrip(
                "."
            )
        )

    def apply(self) -> None:
        if not hasattr(self.owner, self.name):
            raise OverrideError(
                f"{self.target} does not exist in Rasa {rasa.__version__}: the override that replaces it "
                f"({getattr(self.replacement, '__module__', '?')}) must be ported."
            )
        setattr(self.owner, self.name, self.replacement)

    def applied(self) -> bool:
        current = getattr(self.owner, self.name, None)
        # A function is in place when it is ours; a value (the action timeout) when it is equal.
        return current is self.replacement if callable(self.replacement) else current == self.replacement
