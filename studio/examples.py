"""Training examples as NLU reads them: where each one is, and how two are compared.

`make check` flags an example that is under two intents, and `make review TRAIN=1`
refuses to add one that is already under another intent; both read the examples
and compare them here, so the review never adds what the check would flag.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List, Tuple

from rasa.shared.nlu.training_data.entities_parser import replace_entities

from studio.flows import read_flows
from studio.yamlnodes import compose, get, line, seq, text


@dataclass(frozen=True)
class Example:
    """One training example and the line it is on."""

    path: Path
    line: int
    intent: str
    text: str
    # The customer's words in a story in data/, which Rasa also trains on, not an NLU block.
    in_story: bool = False


def normal_text(value: str) -> str:
    """Words compared as a reader sees them: case and curly apostrophes aside."""
    return value.casefold().replace("\u2019", "'").replace("\u2018", "'")


def normal_example(example: str) -> str:
    """An example as NLU sees it: entity annotations, case, spacing and end punctuation aside."""
    plain = normal_text(replace_entities(example))
    return re.sub(r"\s+", " ", plain).strip().rstrip(".!?").strip()


def nlu_examples(path: Path) -> Iterator[Example]:
    """The examples of the ``nlu:`` section of one file."""
    for entry in seq(get(compose(path), "nlu")):
        intent, block = get(entry, "intent"), get(entry, "examples")
        if intent is None or block is None:
            continue
        # A block scalar's lines follow the line of its '|' one to one.
        first = line(block) + (1 if block.style == "|" else 0)
        for offset, raw in enumerate(text(block).splitlines()):
            example = raw.strip()
            if example.startswith("- "):
                yield Example(path, first + offset, text(intent), example[2:].strip())


def training_examples(data_dir: Path) -> Iterator[Example]:
    """Every example under ``data_dir``: the NLU files', then the customer's words in stories."""
    files = [p for p in sorted(data_dir.rglob("*.yml")) if p.is_file()]
    for path in files:
        yield from nlu_examples(path)
    for path in files:
        for flow in read_flows(path):
            for step in flow.steps:
                if step.kind == "intent" and step.text:
                    yield Example(flow.path, step.line, step.name, step.text, in_story=True)


def intent_blocks(data_dir: Path) -> Dict[str, List[Tuple[Path, int, int]]]:
    """Where each intent's examples are: (file, line of its ``- intent:``, how many) per NLU block."""
    blocks: Dict[str, List[Tuple[Path, int, int]]] = {}
    for path in (p for p in sorted(data_dir.rglob("*.yml")) if p.is_file()):
        for entry in seq(get(compose(path), "nlu")):
            intent = get(entry, "intent")
            if intent is not None:
                count = sum(1 for raw in text(get(entry, "examples")).splitlines() if raw.strip().startswith("- "))
                blocks.setdefault(text(intent), []).append((path, line(entry), count))
    return blocks
