"""The playbook check's look at bundles (catalog/policies.yml ``kind: bundle``).

Loading the catalog already refuses a bundle that can't work (gracious/catalog_bundles.py).
This finds one that works but reads wrong to a customer: a bundle with a credit whose
button or confirmation never says how much, a part whose own confirmation is missing
(said alone when the other part was in place already), and a bundle no policy offers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator, Mapping, Optional, Tuple

from yaml.nodes import Node

from studio.yamlnodes import get, items, line, seq, text

# Where a problem is and what it is: (file, line, problem).
Problem = Tuple[Path, int, str]


def _texts(responses: Mapping[str, Node], key: str) -> list:
    return [text(get(v, "text")) for v in seq(responses.get(key))]


def bundle_problems(path: Path, catalog: Optional[Node], responses: Mapping[str, Node]) -> Iterator[Problem]:
    """Bundles whose words leave out the amount, lack a part's confirmation, or that no policy offers."""
    alternatives = {text(k): spec for k, spec in items(get(catalog, "alternatives"))}
    offered = {text(get(o, "id")) for p in seq(get(catalog, "policies")) for o in seq(get(p, "alternatives"))}
    offered |= {text(get(o, "id")) for p in seq(get(catalog, "policies")) for o in seq(get(p, "entitled_alternatives"))}
    for name, spec in alternatives.items():
        if text(get(spec, "kind")) != "bundle":
            continue
        parts = [text(p) for p in seq(get(spec, "of"))]
        if any(text(get(alternatives.get(p), "kind")) == "credit" for p in parts):
            for role in ("offer", "confirm"):
                key = text(get(spec, role))
                said = _texts(responses, key)
                if said and not any("{amount}" in t for t in said):
                    yield (
                        path,
                        line(get(spec, role) or spec),
                        f"bundle '{name}' holds a credit, and its {role} response '{key}' never says "
                        "how much: put {amount} in it",
                    )
        for part in parts:
            confirm = text(get(alternatives.get(part), "confirm"))
            if part in alternatives and confirm and confirm not in responses:
                yield (
                    path,
                    line(get(spec, "of") or spec),
                    f"bundle '{name}': its part '{part}' has no confirm response in domain.yml ('{confirm}'), "
                    "said when the other part was in place already",
                )
        if name not in offered:
            yield (path, line(spec), f"bundle '{name}' is offered by no policy (add it to a policy's alternatives)")
