"""YAML read with the line of every key and list item, so a mistake can be named where it is.

``MarkedLoader`` is yaml.SafeLoader whose mappings and lists remember their lines (and
which refuses a key given twice in one mapping, which would silently replace the
first); ``line_of(container, key)`` is the line of a key or item, else of the container.
"""

from __future__ import annotations

from typing import Any, Dict, List

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, SequenceNode


class _Mapping(dict):
    """A mapping that knows its line and the line of each of its keys."""

    line = 1
    lines: Dict[Any, int] = {}


class _List(list):
    """A list that knows its line and the line of each of its items."""

    line = 1
    lines: List[int] = []


class MarkedLoader(yaml.SafeLoader):
    """yaml.SafeLoader whose mappings and lists remember their lines, refusing a repeated key."""


def _mapping(loader: MarkedLoader, node: MappingNode) -> _Mapping:
    loader.flatten_mapping(node)
    result = _Mapping()
    result.line, result.lines = node.start_mark.line + 1, {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            first = result.lines[key]
            raise ConstructorError(None, None, f"'{key}' is written twice (first at line {first})", key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = key_node.start_mark.line + 1
    return result


def _sequence(loader: MarkedLoader, node: SequenceNode) -> _List:
    result = _List(loader.construct_object(item, deep=True) for item in node.value)
    result.line, result.lines = node.start_mark.line + 1, [item.start_mark.line + 1 for item in node.value]
    return result


MarkedLoader.add_constructor("tag:yaml.org,2002:map", _mapping)
MarkedLoader.add_constructor("tag:yaml.org,2002:seq", _sequence)


def line_of(container: Any, key: Any = None) -> int:
    """The line of ``key`` in a mapping or list read from the file (else the container's own line)."""
    lines = getattr(container, "lines", None)
    if key is not None and lines:
        try:
            return int(lines[key])
        except (KeyError, IndexError, TypeError):
            pass
    return int(getattr(container, "line", 1) or 1)
