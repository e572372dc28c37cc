"""The second problem a message told ("and my bill is wrong too"): kept in the message's parse data by the
server (server/dialogue/two_problems.py), read back by the server's repair and by the actions alike."""

from __future__ import annotations

from typing import Any, Dict, Iterable, Optional


def latest_told(parses: Iterable[Any]) -> Optional[Dict[str, Any]]:
    """The second problem of the first parse (given newest first) that told one, else None."""
    for parse in parses:
        problem = parse.get("second_problem") if isinstance(parse, dict) else None
        if isinstance(problem, dict) and problem.get("intent"):
            return problem
    return None
