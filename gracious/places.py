"""Which café or shop a case is about, in the customer's words, and a correction of it.

"found a hair in my sandwich at the station cafe" names the Station café; "wait sorry it was riverside not station"
corrects it (blind panel p54 A12: the correction was read as frustration, and "which cafe did you write down?" got
"I'd rather not guess"). The names are the customer's: nothing here lists our cafés, so a new one needs no change.
"""

from __future__ import annotations

import re
from typing import Optional, Tuple

_KIND = r"(?:caf[eé]|coffee\s+shop|shop|store|branch)"
# "at the station cafe", "from your riverside café", "at the elm street branch": up to three words before the kind.
PLACE_NAMED = re.compile(
    rf"\b(?:at|from|in)\s+(?:your|the|ur)\s+(?P<place>(?:[a-z][\w'&-]*\s+){{1,3}}?){_KIND}\b",
    re.I,
)
# "it was riverside not station", "i meant the harbour cafe, not market square", "riverside, not station".
PLACE_CORRECTED = re.compile(
    rf"\b(?:it\s+was|it'?s|its|i\s+meant|meant|actually)\s+(?:at\s+)?(?:the\s+)?(?P<new>(?:[a-z][\w'&-]*\s+){{0,2}}?[a-z][\w'&-]*)"
    rf"(?:\s+{_KIND})?\s*,?\s+(?:and\s+)?not\s+(?:at\s+)?(?:the\s+)?(?P<old>(?:[a-z][\w'&-]*\s+){{0,2}}?[a-z][\w'&-]*)\b",
    re.I,
)
# "which cafe did you write down?", "what cafe have you got down", "which one did you put".
PLACE_ASKED = re.compile(
    rf"\b(?:which|what)\s+(?:{_KIND}|one|location)\s+(?:did|have|has|do)\s+(?:you|u)\s+"
    r"(?:write|put|note|record|got|get|have|log|mark)\w*\b",
    re.I,
)
_NOT_A_PLACE = {"it", "that", "this", "me", "mine", "a", "the", "my", "your", "ok", "okay"}


def place_named(text: str) -> Optional[str]:
    """The café or shop ``text`` names ("station" in "at the station cafe"), as typed, or None."""
    found = PLACE_NAMED.search(text or "")
    place = found.group("place").strip() if found else ""
    return place if place and place.lower() not in _NOT_A_PLACE else None


def place_corrected(text: str, told: str) -> Optional[Tuple[str, str]]:
    """(new, old) when ``text`` corrects the place the case told (``told``, the customer's words) names."""
    found = PLACE_CORRECTED.search(text or "")
    if found is None:
        return None
    new, old = re.sub(r"\s+one$", "", found.group("new").strip(), flags=re.I), found.group("old").strip()
    before = place_named(told) or ""
    said = old.lower().split()
    if not before or new.lower().split()[0] in _NOT_A_PLACE or said[0] in _NOT_A_PLACE:
        return None
    # "not station" of "the station cafe": a word of the place told, never "not a bug" of it.
    return (new, before) if said[0] in before.lower().split() else None


def corrected_details(told: str, old: str, new: str) -> str:
    """The case told with the place put right, every time it is named: "...at the riverside cafe..." for "...at the
    station cafe...", and "the station one" later on too."""
    return re.sub(rf"\b{re.escape(old)}\b", new, told, flags=re.I)


def spoken(place: str) -> str:
    """ "riverside" as "Riverside", "elm street" as "Elm Street"."""
    return " ".join(w[:1].upper() + w[1:] for w in place.split())
