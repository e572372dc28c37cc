"""The customer's words from a reviewed conversation as NLU training examples.

Why NLU files and not a training story: Rasa 3.6's ``E2EImporter`` does turn the
user text of stories in ``data/`` into NLU examples on a full ``rasa train``, but
not on ``rasa train nlu``; and here the RulePolicy also checks every story in
``data/`` against the rules, so a story whose later steps followed a wrong intent
would stop training. An example under its intent in ``data/nlu/<topic>.yml`` is
what the intent classifier learns from either way. The examples already there are
read and compared as ``make check`` reads and compares them (studio/examples.py),
so a line is never added that the check would flag as under two intents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

from rasa.shared.nlu.training_data import entities_parser
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

from studio.examples import normal_example, training_examples
from studio.review_story import annotated
from studio.review_transcript import CustomerTurn

REVIEWED_FILE = "reviewed.yml"
NEW_FILE_HEADER = 'version: "3.1"\n\n# Training examples added from real conversations by `make review`.\nnlu:\n'
NOT_LEARNED = {"nlu_fallback"}


@dataclass
class Outcome:
    """What happened to one customer line: added to a file, or skipped and why."""

    number: int
    text: str
    intent: str
    path: Optional[Path] = None
    skipped: str = ""


def existing_examples(data_dir: Path, nlu_dir: Path) -> Tuple[Dict[str, str], Dict[str, Path]]:
    """Every example in ``data_dir`` (as compared -> intent) and each intent's file in ``nlu_dir``."""
    examples: Dict[str, str] = {}
    homes: Dict[str, Path] = {}
    for example in training_examples(data_dir):
        examples.setdefault(normal_example(example.text), example.intent)
        if not example.in_story and example.path.is_relative_to(nlu_dir):
            homes.setdefault(example.intent, example.path)
    return examples, homes


def add_examples(
    turns: Sequence[CustomerTurn], intents: Mapping[int, str], nlu_dir: Path, domain_intents: Sequence[str]
) -> List[Outcome]:
    """Add each customer line under its (corrected) intent, never twice, never under two intents.

    The line goes to the intent's file in ``nlu_dir`` (data/nlu/); what is there
    already is every example in the folder around it (data/), stories' lines too.
    """
    examples, homes = existing_examples(nlu_dir.parent, nlu_dir)
    outcomes = []
    for turn in turns:
        intent = intents.get(turn.number, turn.clarified or turn.intent)
        example = annotated(turn.event).replace("\n", " ")
        outcome = Outcome(turn.number, example, intent)
        outcomes.append(outcome)
        key = normal_example(example)
        if example.startswith("/"):
            outcome.skipped = "a button click, not words to learn from"
        elif intent in NOT_LEARNED or intent not in domain_intents:
            outcome.skipped = f"'{intent}' is not an intent to learn; correct it to add this line"
        elif not key:
            outcome.skipped = "no words"
        elif examples.get(key) == intent:
            outcome.skipped = f"already an example of {intent}"
        elif key in examples:
            outcome.skipped = f"already an example of {examples[key]}; the same words can't teach two intents"
        else:
            outcome.path = homes.get(intent, nlu_dir / REVIEWED_FILE)
            insert_example(outcome.path, intent, example)
            examples[key] = intent
            homes.setdefault(intent, outcome.path)
    return outcomes


def insert_example(path: Path, intent: str, example: str) -> None:
    """Add ``example`` at the end of the intent's ``examples: |`` block, as text.

    Raises:
        ValueError: the edited file would not read as Rasa NLU data with the example in it.
    """
    old = path.read_text(encoding="utf-8") if path.exists() else NEW_FILE_HEADER
    lines = old.splitlines()
    at, indent = _block_end(lines, intent)
    if at is None:
        tail = "" if old.endswith("\n") else "\n"
        new = f"{old}{tail}- intent: {intent}\n  examples: |\n    - {example}\n"
    else:
        lines.insert(at, f"{indent}- {example}")
        new = "\n".join(lines) + "\n"
    data = RasaYAMLReader().reads(new)
    if not any(
        m.get("intent") == intent and m.get("text") == entities_parser.replace_entities(example)
        for m in data.intent_examples
    ):
        raise ValueError(f"{path}: the example for {intent} could not be added safely; nothing was written.")
    path.write_text(new, encoding="utf-8")


def _block_end(lines: List[str], intent: str) -> Tuple[Optional[int], str]:
    """Where the intent's last example line ends, and the examples' indentation."""
    start = next(
        (i for i, line in enumerate(lines) if re.fullmatch(rf"\s*- intent:\s*{re.escape(intent)}\s*", line)), None
    )
    if start is None:
        return None, ""
    header = None
    for i in range(start + 1, len(lines)):
        if lines[i].lstrip().startswith("- "):
            break  # the next item: this intent has no examples block
        if lines[i].strip().startswith("examples:"):
            header = i
            break
    if header is None or not lines[header].rstrip().endswith("|"):
        return None, ""
    key_indent = len(lines[header]) - len(lines[header].lstrip())
    last, indent = header, " " * (key_indent + 2)
    for i in range(header + 1, len(lines)):
        if not lines[i].strip():
            continue
        current = len(lines[i]) - len(lines[i].lstrip())
        if current <= key_indent:
            break
        if last == header:
            indent = lines[i][:current]
        last = i
    return last + 1, indent
