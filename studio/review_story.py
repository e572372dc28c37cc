"""A recorded conversation written as a test story for ``rasa test``.

The story has the shape of the hand-written ones in ``tests/stories/``: the
customer's words with entity annotations, the intent, the assistant's actions,
forms and the slots that steer prediction. It is appended as text, so the
comments already in a file survive, and checked before anything is written.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Mapping, Sequence

import yaml
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, ConversationPaused, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.nlu.training_data.formats.readerwriter import TrainingDataWriter

from studio.review_transcript import CustomerTurn, customer_turns

REVIEWED_FILE = "test_reviewed.yml"
NEW_FILE_HEADER = 'version: "3.1"\n\n# Test stories made from real conversations by `make review`.\nstories:\n'
# Bookkeeping actions a story never lists.
SKIPPED_ACTIONS = {"action_listen", "action_session_start"}
# Line breaks YAML would honour inside a block, and characters it refuses; each
# becomes a space so the recorded entity offsets still point at the same words.
_NOT_IN_BLOCK = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]")


class StoryProblem(Exception):
    """The story can't be written; the message is for the designer."""


@dataclass
class Correction:
    """A customer turn whose intent the designer changed."""

    number: int
    recorded: str
    corrected: str


@dataclass
class Story:
    """A test story's text, ready to append, and what the designer should know about it."""

    name: str
    text: str
    corrections: List[Correction] = field(default_factory=list)
    stopped_at_pause: bool = False


def annotated(event: UserUttered) -> str:
    """The customer's words with their recorded entities, as ``[BL-30017](order_id)``."""
    raw = _NOT_IN_BLOCK.sub(" ", event.text or "")
    text = raw.strip()
    shift = len(raw) - len(raw.lstrip())
    entities = []
    end = 0
    for entity in sorted(event.entities, key=lambda e: (e.get("start", -1), e.get("end", -1))):
        if "start" not in entity or "end" not in entity or entity["start"] - shift < end:
            continue  # a payload's entity, or one overlapping the last
        entity = {**entity, "start": entity["start"] - shift, "end": entity["end"] - shift}
        if entity["end"] > len(text) or entity["start"] >= entity["end"]:
            continue
        if entity.get("value") is not None:
            entity["value"] = str(entity["value"])
        entities.append(entity)
        end = entity["end"]
    return TrainingDataWriter.generate_message({"text": text, "entities": entities})


def steering_slots(domain: Domain) -> List[str]:
    """Slots whose values change what the assistant predicts, plus the form's question."""
    return [s.name for s in domain.slots if s.influence_conversation] + ["requested_slot"]


def build_story(
    tracker: DialogueStateTracker,
    domain: Domain,
    intents: Mapping[int, str],
    name: str,
    source: str,
) -> Story:
    """The conversation as a test story, with the intents in ``intents`` (turn -> intent).

    Raises:
        StoryProblem: the customer said nothing, so there is nothing to test.
    """
    turns = {id(t.event): t for t in customer_turns(tracker)}
    if not turns:
        raise StoryProblem("The customer said nothing in this conversation, so there is no story to write.")
    slots = set(steering_slots(domain))
    story = Story(name=name, text="")
    spoken = False  # slots set before the customer's first words come from the session start
    lines = [f"# Reviewed with `make review` from conversation {source}.", f"- story: {json.dumps(name)}", "  steps:"]
    for event in tracker.events:
        if isinstance(event, ConversationPaused):
            # From here a person talked with the customer: nothing the policy predicted.
            story.stopped_at_pause = True
            lines.append("  # A person took over the conversation here; the rest is not part of this test.")
            break
        if isinstance(event, UserUttered):
            spoken = True
            lines += _user_step(turns[id(event)], intents, story)
        elif isinstance(event, ActionExecuted) and event.action_name and event.action_name not in SKIPPED_ACTIONS:
            lines.append(f"  - action: {event.action_name}")
        elif isinstance(event, ActiveLoop):
            lines.append(f"  - active_loop: {event.name or 'null'}")
        elif isinstance(event, SlotSet) and event.key in slots and spoken:
            lines += ["  - slot_was_set:", f"    - {event.key}: {json.dumps(event.value)}"]
    story.text = "\n".join(lines) + "\n"
    return story


def _user_step(turn: CustomerTurn, intents: Mapping[int, str], story: Story) -> List[str]:
    intent = intents.get(turn.number, turn.intent)
    parsed = turn.event.parse_data or {}
    if intent == turn.intent and (parsed.get("repair") or parsed.get("typed_choice") is not None):
        # Read in the light of the conversation (server/dialogue/repair.py, server/dialogue/typed_choices.py), which
        # `rasa test` does not do: the step names the intent the assistant acted on.
        said = _NOT_IN_BLOCK.sub(" ", turn.event.text or "").strip().replace("\n", " ")
        lines = [f"  # The customer said {json.dumps(said)}, read in context as {intent}.", f"  - intent: {intent}"]
        entities = [e for e in parsed.get("entities") or [] if e.get("entity") and e.get("value") is not None]
        if entities:
            lines.append("    entities:")
            lines += [f"    - {e['entity']}: {json.dumps(e['value'])}" for e in entities]
        return lines
    text = annotated(turn.event)
    lines = ["  - user: |", *(f"      {line}".rstrip() for line in text.split("\n")), f"    intent: {intent}"]
    if intent != turn.intent:
        story.corrections.append(Correction(turn.number, turn.intent, intent))
        lines += [
            f"  # Turn {turn.number}: corrected from '{turn.intent}' to '{intent}'. The assistant's steps below,",
            f"  # up to the customer's next line, followed '{turn.intent}': check them before relying on this story.",
        ]
    return lines


def story_intents(path: Path) -> Counter:
    """How often each intent appears in the stories of one file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return Counter()
    steps = [s for story in data.get("stories") or [] for s in story.get("steps") or []]
    return Counter(s["intent"] for s in steps if isinstance(s, dict) and s.get("intent"))


def choose_file(stories_dir: Path, about: str) -> Path:
    """The test story file whose stories use ``about`` most, else the file for reviewed ones."""
    counts = {path: story_intents(path)[about] for path in sorted(stories_dir.glob("*.yml"))}
    best = max(counts, key=lambda p: counts[p], default=None)
    if best is None or counts[best] == 0:
        return stories_dir / REVIEWED_FILE
    return best


def story_names(path: Path) -> List[str]:
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [s.get("story") for s in data.get("stories") or []]


def append_story(path: Path, story: Story, domain: Domain) -> None:
    """Add ``story`` at the end of ``path`` (created when new), keeping what is there.

    Raises:
        StoryProblem: the story is already there, or the result would not read as Rasa stories.
    """
    if story.name in story_names(path):
        raise StoryProblem(f"{path} already has this story ({story.name!r}); nothing was written.")
    old = path.read_text(encoding="utf-8") if path.exists() else NEW_FILE_HEADER
    new = old + ("" if old.endswith("\n") else "\n") + ("\n" if old != NEW_FILE_HEADER else "") + story.text
    _check(path, new, story, domain)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(new, encoding="utf-8")


def _check(path: Path, text: str, story: Story, domain: Domain) -> None:
    """The file with the story must parse, and Rasa must read the story as its last one."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise StoryProblem(f"Appending the story would break {path} ({error}); nothing was written.") from None
    stories = (data or {}).get("stories") if isinstance(data, dict) else None
    if not stories or stories[-1].get("story") != story.name:
        raise StoryProblem(
            f"{path} does not end with its 'stories:' list, so the story can't be appended safely; nothing was written."
        )
    steps = YAMLStoryReader(domain, str(path)).read_from_parsed_yaml({"stories": [stories[-1]]})
    if not steps:
        raise StoryProblem(f"Rasa could not read the story for {path}; nothing was written.")


def parse_corrections(values: Sequence[str], turns: int, intents: Sequence[str]) -> Dict[int, str]:
    """``["3=dispute_charge"]`` as ``{3: "dispute_charge"}``, checked against the transcript.

    Raises:
        StoryProblem: a malformed value, a turn that doesn't exist or an unknown intent.
    """
    corrections: Dict[int, str] = {}
    for value in values:
        number, _, intent = value.partition("=")
        if not number.strip().isdigit() or not intent.strip():
            raise StoryProblem(f"'{value}': write a correction as TURN=INTENT, for example 3=dispute_charge.")
        turn, intent = int(number), intent.strip()
        if not 1 <= turn <= turns:
            raise StoryProblem(f"'{value}': the customer's turns are numbered 1 to {turns} in the transcript.")
        check_intent(intent, intents)
        corrections[turn] = intent
    return corrections


def check_intent(intent: str, intents: Sequence[str]) -> None:
    if intent not in intents:
        raise StoryProblem(f"'{intent}' is not an intent in domain.yml. The intents are: {', '.join(sorted(intents))}.")


def story_name(summary_about: str, sender_id: str, day: str) -> str:
    return f"Reviewed: {summary_about} conversation {_safe_id(sender_id)} of {day}"


def _safe_id(sender_id: str) -> str:
    return re.sub(r"[^\w.@-]", "_", sender_id)[:60]


def source_label(sender_id: str, day: str) -> str:
    return f"{_safe_id(sender_id)} ({day})"
