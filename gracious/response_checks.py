"""What makes the `responses:` of domain.yml fit to go to customers, each problem with its line.

gracious/responses.py reads the file whenever it changes and serves it only when
``read_responses`` finds no problem. A problem reads as the designer would fix it:
its line, what is wrong, and what to do ("response 'utter_greet' variation 2 has no
text — give it a text: line").

The file is read with PyYAML's C parser (about 30 ms for our domain.yml) and the
YAML 1.2 booleans Rasa's own reader uses: ``text: yes`` stays the word "yes".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

import yaml

from gracious.whole_values import SampleValues
from gracious.yaml_errors import explain

# Rasa reads the domain as YAML 1.2 (ruamel): only true/false are booleans, "yes" and "on" are words.
_BOOL_1_2 = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BASE):  # type: ignore[misc, valid-type]
    """PyYAML's fastest safe loader, with YAML 1.2's booleans."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in _BASE.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", _BOOL_1_2, list("tTfF"))

# What a variation must have one of to say anything (the brief's and Rasa's own words for them).
SAYS = ("text", "custom", "image", "buttons")

Responses = Dict[str, List[Dict[str, Any]]]


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the file: its line (1-based), what is wrong and how to fix it."""

    line: int
    problem: str


@dataclass
class Reading:
    """The responses read from the file, and the problems that keep them from customers."""

    responses: Responses = field(default_factory=dict)
    problems: List[Problem] = field(default_factory=list)
    section_line: int = 1


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _yaml_problem(error: yaml.YAMLError, text: str) -> Problem:
    line, problem = explain(error, text)
    return Problem(line, problem)


def read_responses(text: str, samples: Optional[SampleValues] = None) -> Reading:
    """The `responses:` section of a domain file, checked; ``problems`` empty when it can be served.

    With ``samples`` (catalog/placeholders.yml), a response whose placeholders may be
    empty needs a variation with none to fall back on (gracious/whole_values.py).
    """
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.YAMLError as error:
        return Reading(problems=[_yaml_problem(error, text)])
    finally:
        loader.dispose()
    reading = Reading()
    section = _section(root)
    if not isinstance(data, dict) or section is None or not isinstance(data.get("responses"), dict):
        line = _line(section[0]) if section else 1
        reading.problems.append(
            Problem(
                line, "there is no responses: section of named responses — put `responses:` back, each name under it"
            )
        )
        return reading
    key, value = section
    reading.section_line = _line(key)
    seen: Dict[str, int] = {}
    for name_node, _ in value.value:
        name = name_node.value
        line = _line(name_node)
        if name in seen:
            reading.problems.append(
                Problem(line, f"response '{name}' is written twice (lines {seen[name]} and {line}) — keep one of them")
            )
        seen[name] = line
    responses = data["responses"]
    nodes = {name_node.value: variations_node for name_node, variations_node in value.value}
    for name, variations in responses.items():
        reading.problems += _check_response(str(name), variations, nodes.get(str(name)))
        if samples is not None and isinstance(variations, list):
            reading.problems += _check_fallback(str(name), variations, nodes.get(str(name)), samples)
    reading.responses = {str(name): variations for name, variations in responses.items()}
    return reading


def _section(root: Optional[yaml.Node]) -> Optional[Tuple[yaml.Node, yaml.Node]]:
    if not isinstance(root, yaml.MappingNode):
        return None
    for key, value in root.value:
        if key.value == "responses":
            return key, value
    return None


def _child(node: Optional[yaml.Node], key: str) -> Optional[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        for key_node, value in node.value:
            if key_node.value == key:
                return value
    return None


def _item_line(node: Optional[yaml.Node], index: int, default: int) -> int:
    """The line of a list's item ``index`` (0-based), or ``default``."""
    if isinstance(node, yaml.SequenceNode) and index < len(node.value):
        return _line(node.value[index])
    return default


def _check_response(name: str, variations: Any, node: Optional[yaml.Node]) -> List[Problem]:
    line = _line(node) if node is not None else 1
    if not isinstance(variations, list) or not variations:
        return [
            Problem(
                line,
                f"response '{name}' is not a list of variations — start each variation on its own line with `- text:`",
            )
        ]
    problems: List[Problem] = []
    for number, variation in enumerate(variations, start=1):
        item = node.value[number - 1] if isinstance(node, yaml.SequenceNode) else None
        at = _line(item) if item is not None else line
        problems += _check_variation(f"response '{name}' variation {number}", variation, item, at)
    return problems


def _check_variation(where: str, variation: Any, node: Optional[yaml.Node], line: int) -> List[Problem]:
    if not isinstance(variation, dict):
        return [Problem(line, f'{where} is not a variation — write it as `- text: "..."`')]
    if not any(variation.get(part) not in (None, "", [], {}) for part in SAYS):
        return [Problem(line, f"{where} has no text — give it a text: line")]
    problems = []
    text = variation.get("text")
    if text is not None and not isinstance(text, str):
        at = _line(_child(node, "text") or node) if node is not None else line
        problems.append(
            Problem(at, f"{where} has a text that YAML reads as {text!r}, not words — put the text in quotes")
        )
    problems += _check_buttons(where, variation.get("buttons"), _child(node, "buttons"), line)
    problems += _check_condition(where, variation.get("condition"), _child(node, "condition"), line)
    channel = variation.get("channel")
    if channel is not None and not isinstance(channel, str):
        problems.append(Problem(line, f"{where} has a channel that is not a name — write `channel: socketio`"))
    return problems


def _check_buttons(where: str, buttons: Any, node: Optional[yaml.Node], line: int) -> List[Problem]:
    if buttons is None:
        return []
    if not isinstance(buttons, list):
        at = _line(node) if node is not None else line
        return [Problem(at, f"{where} has buttons that are not a list — start each button with `- title:`")]
    problems = []
    for number, button in enumerate(buttons, start=1):
        at = _item_line(node, number - 1, line)
        if not isinstance(button, dict):
            problems.append(Problem(at, f"{where} button {number} is not a button — give it a title: and a payload:"))
            continue
        for part, example in (("title", 'title: "Yes, please"'), ("payload", "payload: /affirm")):
            if not isinstance(button.get(part), str) or not button[part].strip():
                problems.append(Problem(at, f"{where} button {number} has no {part} — give it a line like `{example}`"))
    return problems


def _check_condition(where: str, condition: Any, node: Optional[yaml.Node], line: int) -> List[Problem]:
    if condition is None:
        return []
    fix = "write each as `- type: slot`, `name: <slot>`, `value: <value>`"
    if not isinstance(condition, list) or not condition:
        at = _line(node) if node is not None else line
        return [Problem(at, f"{where} has a condition that is not a list of slot checks — {fix}")]
    for number, check in enumerate(condition, start=1):
        if (
            not isinstance(check, dict)
            or check.get("type") != "slot"
            or not isinstance(check.get("name"), str)
            or "value" not in check
        ):
            return [
                Problem(_item_line(node, number - 1, line), f"{where} condition {number} is not a slot check — {fix}")
            ]
    return []


def _check_fallback(
    name: str, variations: List[Any], node: Optional[yaml.Node], samples: SampleValues
) -> List[Problem]:
    """A placeholder that may be empty, in a response with no variation to send without it."""
    line = _item_line(node, 0, _line(node) if node is not None else 1)
    return [
        Problem(
            line,
            f"response '{name}' has no variation without {{{empty}}}, and {{{empty}}} can be empty — "
            "add a variation with no placeholders to fall back on",
        )
        for empty in samples.left_empty(name, variations)
    ]


def missing_from_file(reading: Reading, model_names: List[str]) -> List[Problem]:
    """Responses the running model has (its stories and rules may say them) that the file no longer has."""
    return [
        Problem(
            reading.section_line,
            f"response '{name}' is in the running model but no longer in the file (renamed or removed) — "
            "put it back, or run `make train` so the assistant stops using it",
        )
        for name in model_names
        if name not in reading.responses
    ]
