"""The policy catalog against the rest: every response it names exists, every policy is reached.

Whether every policy is reached, and why not, is studio/check_reach.py (its
``unreached_problems`` is the check's, from here).
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator, Mapping, Optional, Tuple

from yaml.nodes import Node

from studio.check_reach import reached_policies, unreached_problems
from studio.yamlnodes import get, items, line, seq, text

__all__ = ["reached_policies", "response_problems", "unreached_problems"]

# Where a problem is and what it is: (file, line, problem).
Problem = Tuple[Path, int, str]


def response_problems(path: Path, catalog: Optional[Node], responses: Mapping[str, object]) -> Iterator[Problem]:
    """Responses the catalog at ``path`` names that domain.yml lacks."""
    for alt_key, spec in items(get(catalog, "alternatives")):
        for role in ("offer", "confirm"):
            node = get(spec, role)
            if node is None or text(node) not in responses:
                yield (
                    path,
                    line(node or alt_key),
                    f"alternative '{text(alt_key)}' has no {role} response"
                    + (f" ('{text(node)}' is not in domain.yml)" if node is not None else ""),
                )
    for policy in seq(get(catalog, "policies")):
        for role, node in items(get(policy, "responses")):
            if text(node) not in responses:
                yield (
                    path,
                    line(node),
                    f"policy '{text(get(policy, 'id'))}': response '{text(node)}' ({text(role)}) is not in domain.yml",
                )
