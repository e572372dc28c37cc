"""Reading YAML with line numbers, so every finding can say `file:line`.

PyYAML's composer keeps each node's position; these helpers walk the node tree
the way one would walk the plain data.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator, List, Optional, Tuple

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode


def compose(path: Path) -> Optional[Node]:
    """The node tree of a YAML file (None for an empty file)."""
    return yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)


def line(node: Node) -> int:
    """The 1-based line a node starts on."""
    return node.start_mark.line + 1


def items(node: Optional[Node]) -> Iterator[Tuple[Node, Node]]:
    if isinstance(node, MappingNode):
        yield from node.value


def get(node: Optional[Node], key: str) -> Optional[Node]:
    return next((value for k, value in items(node) if text(k) == key), None)


def seq(node: Optional[Node]) -> List[Node]:
    return list(node.value) if isinstance(node, SequenceNode) else []


def text(node: Optional[Node]) -> str:
    return str(node.value) if isinstance(node, ScalarNode) else ""


def plain(node: Optional[Node]) -> object:
    """The node as ordinary Python data, as yaml.safe_load would give it."""
    if node is None:
        return None
    return yaml.SafeLoader(yaml.serialize(node)).get_single_data()


def line_of_words(node: Node, said: str) -> int:
    """The line, inside a scalar that may run over several lines, where ``said`` starts.

    The words are looked for in the file's own text of the node (any spacing, line
    break, apostrophe or sign between them); the node's first line when they are not found.
    """
    buffer = node.start_mark.buffer
    words = re.findall(r"\w+", said)
    if not buffer or not words:
        return line(node)
    pattern = r"(?<!\w)" + r"\W*".join(re.escape(w) for w in words)
    raw = buffer[node.start_mark.index : node.end_mark.index]
    match = re.search(pattern, raw, re.IGNORECASE)
    return line(node) + raw.count("\n", 0, match.start()) if match else line(node)
