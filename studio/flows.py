"""Stories and rules as flat lists of steps, each with the line it is on."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from yaml.nodes import Node

from studio.yamlnodes import compose, get, line, plain, seq, text

# [shown text](entity) or [shown text]{"entity": ..., "value": ...}
ENTITY = re.compile(r"\[(?P<shown>[^\]]+)\](?:\((?P<name>\w+)\)|(?P<json>\{[^}]*\}))")
# /intent{"slot": "value"}, as the widget's buttons send it
BUTTON = re.compile(r"^/\w+(?P<json>\{.*\})?\s*$")


@dataclass(frozen=True)
class Step:
    """One step: an intent (with the customer's text), an action, a loop or slots."""

    kind: str  # intent, action, active_loop, slot
    names: Tuple[str, ...]
    line: int
    text: str = ""
    entities: Dict[str, str] = field(default_factory=dict)
    slots: Dict[str, Optional[str]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.names[0] if self.names else ""


@dataclass
class Flow:
    """A story or a rule."""

    path: Path
    kind: str  # story or rule
    name: str
    line: int
    steps: List[Step]
    condition_loop: Optional[str] = None


def entities_in(example: str) -> Dict[str, str]:
    """Entity values annotated in a training or test example."""
    found: Dict[str, str] = {}
    for match in ENTITY.finditer(example):
        if match.group("name"):
            found[match.group("name")] = match.group("shown")
        else:
            spec = json.loads(match.group("json"))
            found[spec["entity"]] = str(spec.get("value", match.group("shown")))
    button = BUTTON.match(example.strip())
    if button and button.group("json"):
        found.update({k: str(v) for k, v in json.loads(button.group("json")).items()})
    return found


def _steps(nodes: List[Node]) -> List[Step]:
    steps: List[Step] = []
    for node in nodes:
        at = line(node)
        if get(node, "intent") is not None:
            said = text(get(node, "user")).strip()
            steps.append(Step("intent", (text(get(node, "intent")),), at, said, entities_in(said)))
        elif get(node, "or") is not None:
            names = tuple(text(get(n, "intent")) for n in seq(get(node, "or")) if get(n, "intent"))
            steps.append(Step("intent", names, at))
        elif get(node, "action") is not None:
            steps.append(Step("action", (text(get(node, "action")),), at))
        elif get(node, "active_loop") is not None:
            steps.append(Step("active_loop", (text(get(node, "active_loop")) or "null",), at))
        elif get(node, "slot_was_set") is not None:
            slots: Dict[str, Optional[str]] = {}
            for entry in seq(get(node, "slot_was_set")):
                value = plain(entry)
                if isinstance(value, dict):
                    slots.update({k: None if v is None else str(v) for k, v in value.items()})
            steps.append(Step("slot", tuple(slots), at, slots=slots))
    return steps


def read_flows(path: Path) -> List[Flow]:
    """The stories and rules in one file (none for an NLU-only file)."""
    document = compose(path)
    flows = []
    for kind, section in (("story", "stories"), ("rule", "rules")):
        for entry in seq(get(document, section)):
            loop = next(
                (text(get(c, "active_loop")) for c in seq(get(entry, "condition")) if get(c, "active_loop")),
                None,
            )
            flows.append(Flow(path, kind, text(get(entry, kind)), line(entry), _steps(seq(get(entry, "steps"))), loop))
    return flows
