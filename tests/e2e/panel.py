"""The conversation panel: conversations written as data (tests/conversations/*.yml), held over REST.

A designer writes customer turns and what must and must not happen; this module reads and
validates the files (strictly: an unknown key names its file and conversation), holds each
conversation against the running servers, and checks every reply against the global rules.
The format is described in tests/conversations/README.md.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence
from zoneinfo import ZoneInfo

import yaml

from gracious.settings import from_env
from tests.e2e.conftest import assert_gracious

PANEL_DIR = Path(__file__).resolve().parent.parent / "conversations"

CONVERSATION_KEYS = {"name", "moves", "turns", "after", "signed_in"}
TURN_KEYS = {"customer", "click", "says", "never_says", "does", "never_does", "buttons", "never_buttons", "slots"}
AFTER_KEYS = {"slots", "slots_set", "once", "does", "never_does", "says", "never_says"}
# Events that are the machinery's, not a move of the assistant.
SKIP_ACTIONS = {"action_listen", "action_session_start", "action_extract_slots", None}
# The panel's pass counts after it ran (tests/e2e/test_conversation_panel.py), which the
# terminal summary prints (tests/e2e/conftest.py).
SUMMARY: List[str] = []


class PanelError(ValueError):
    """A panel file that does not follow the format; the message names the file and conversation."""


@dataclass
class Conversation:
    file: str
    name: str
    moves: List[str]
    turns: List[Dict[str, Any]]
    after: Dict[str, Any] = field(default_factory=dict)
    # Who the website vouches for: a demo customer id, "nobody" for a stranger, or
    # None for the owner of the first demo record the customer names (conftest's Bot).
    signed_in: Optional[str] = None

    @property
    def id(self) -> str:
        return f"{self.file}:{self.name}"

    @property
    def sender(self) -> str:
        """The same sender id on every run: the assistant's wording variants are chosen by it."""
        return "panel-" + hashlib.sha1(self.id.encode("utf-8")).hexdigest()[:12]


# ---- reading and validating ----------------------------------------------------------


def _strings(where: str, key: str, value: Any, any_of: bool = False) -> None:
    """A list of non-empty strings; with ``any_of``, an entry may itself be a list of strings."""
    if not isinstance(value, list) or not value:
        raise PanelError(f"{where}: '{key}' must be a non-empty list")
    for entry in value:
        entries = entry if any_of and isinstance(entry, list) else [entry]
        if not entries or not all(isinstance(e, str) and e.strip() for e in entries):
            raise PanelError(f"{where}: '{key}' has an entry that is not a non-empty string: {entry!r}")


def _check_keys(where: str, found: Dict[str, Any], allowed: set) -> None:
    unknown = sorted(set(found) - allowed)
    if unknown:
        raise PanelError(f"{where}: unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}")


def _check_turn(where: str, turn: Any) -> None:
    if not isinstance(turn, dict):
        raise PanelError(f"{where}: a turn must be a mapping with 'customer' (or 'click')")
    _check_keys(where, turn, TURN_KEYS)
    said = [k for k in ("customer", "click") if k in turn]
    if len(said) != 1 or not isinstance(turn[said[0]], str) or not turn[said[0]].strip():
        raise PanelError(f"{where}: a turn needs exactly one of 'customer' (what they type) or 'click' (a button)")
    if "says" in turn:
        _strings(where, "says", turn["says"], any_of=True)
    for key in ("never_says", "does", "never_does", "buttons", "never_buttons"):
        if key in turn:
            _strings(where, key, turn[key])
    if "slots" in turn and (not isinstance(turn["slots"], dict) or not turn["slots"]):
        raise PanelError(f"{where}: 'slots' must be a mapping of slot name to expected value")


def _check_after(where: str, after: Any) -> None:
    if not isinstance(after, dict) or not after:
        raise PanelError(f"{where}: 'after' must be a non-empty mapping")
    _check_keys(where, after, AFTER_KEYS)
    if "slots" in after and (not isinstance(after["slots"], dict) or not after["slots"]):
        raise PanelError(f"{where}: 'slots' must be a mapping of slot name to expected value")
    if "says" in after:
        _strings(where, "says", after["says"], any_of=True)
    for key in ("slots_set", "once", "does", "never_does", "never_says"):
        if key in after:
            _strings(where, key, after[key])


def parse_file(path: Path) -> List[Conversation]:
    """The conversations in one panel file, or a PanelError naming the file and conversation."""
    label = path.name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise PanelError(f"{label}: not valid YAML: {error}") from None
    if not isinstance(data, dict) or set(data) != {"conversations"} or not isinstance(data["conversations"], list):
        raise PanelError(f"{label}: the file must hold exactly one key, 'conversations', a list")
    found: List[Conversation] = []
    for index, raw in enumerate(data["conversations"], 1):
        where = f"{label}: conversation #{index}"
        if not isinstance(raw, dict):
            raise PanelError(f"{where}: must be a mapping with name, moves and turns")
        if isinstance(raw.get("name"), str) and raw["name"].strip():
            where = f"{label}: conversation {raw['name']!r}"
        else:
            raise PanelError(f"{where}: needs a 'name'")
        _check_keys(where, raw, CONVERSATION_KEYS)
        _strings(where, "moves", raw.get("moves"))
        turns = raw.get("turns")
        if not isinstance(turns, list) or not turns:
            raise PanelError(f"{where}: 'turns' must be a non-empty list")
        for number, turn in enumerate(turns, 1):
            _check_turn(f"{where}, turn {number}", turn)
        if "after" in raw:
            _check_after(f"{where}, after", raw["after"])
        if raw["name"] in [c.name for c in found]:
            raise PanelError(f"{where}: the name is used twice in the file")
        signed_in = raw.get("signed_in")
        if signed_in is not None and not (isinstance(signed_in, str) and signed_in.strip()):
            raise PanelError(f"{where}: 'signed_in' is a demo customer id (C001) or 'nobody'")
        found.append(Conversation(label, raw["name"], raw["moves"], turns, raw.get("after") or {}, signed_in))
    if not found:
        raise PanelError(f"{label}: no conversations")
    return found


def load_panel(folder: Path = PANEL_DIR) -> List[Conversation]:
    """Every conversation of every panel file (files starting with '_' are notes, not panels)."""
    return [c for path in sorted(folder.glob("*.yml")) if not path.name.startswith("_") for c in parse_file(path)]


# ---- the global rules, on every reply of every panel conversation -------------------

APOLOGY = re.compile(r"sorry|apologi", re.IGNORECASE)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def global_problems(replies: List[Dict[str, Any]]) -> List[str]:
    """What breaks the rules every reply keeps; empty when the turn is fine."""
    problems = []
    try:
        assert_gracious(replies)  # no blame phrase, no template name, no unfilled placeholder
    except AssertionError as error:
        problems.append(f"not gracious (tests/e2e/conftest.py assert_gracious): {error}")
    for reply in replies:
        for text in [reply.get("text") or ""] + [b.get("title", "") for b in reply.get("buttons", [])]:
            for match in re.finditer(r"\bNone\b", text):
                before = text[: match.start()].rstrip()
                if before and before[-1] not in ".!?:":  # "None of these" opening a sentence is fine
                    problems.append(f"'None' as a value in {text!r}")
            if "  " in text.strip():
                problems.append(f"a doubled space in {text!r}")
    sentences = [s for r in replies for s in SENTENCE_END.split(r.get("text") or "")]
    apologies = [s for s in sentences if APOLOGY.search(s)]
    if len(apologies) > 1:
        problems.append(f"{len(apologies)} apology sentences in one turn (at most one): {apologies}")
    return problems


# ---- holding a conversation ----------------------------------------------------------


@dataclass
class Turn:
    customer: str
    replies: List[Dict[str, Any]]
    actions: List[str]

    @property
    def text(self) -> str:
        return " ".join(r.get("text") or "" for r in self.replies)

    @property
    def buttons(self) -> List[Dict[str, Any]]:
        return [b for r in self.replies for b in r.get("buttons", [])]


def transcript(turns: Sequence[Turn]) -> str:
    lines = []
    for turn in turns:
        lines.append(f"  customer: {turn.customer}")
        for reply in turn.replies:
            lines.append(f"  bot:      {reply.get('text')}")
            for button in reply.get("buttons", []):
                lines.append(f"              [{button.get('title')}] {button.get('payload')}")
        lines.append(f"            (actions: {', '.join(turn.actions) or 'none'})")
    return "\n".join(lines)


def _alternative(payload: str) -> Optional[str]:
    if payload.startswith("/choose_alternative"):
        try:
            return json.loads(payload[len("/choose_alternative") :]).get("alternative")
        except ValueError:
            return None
    return None


def button_names(buttons: List[Dict[str, Any]]) -> List[str]:
    """What a panel file calls each button: its alternative, else its payload's intent."""
    return [_alternative(b.get("payload", "")) or b.get("payload", "").lstrip("/") for b in buttons]


def tomorrow_said(now: Optional[datetime] = None) -> str:
    """How the assistant names the day of a call asked for "tomorrow", whatever day the test runs on.

    "tomorrow" when the team is in tomorrow; else that time on the next day they are, named in full
    ("Monday 7 December"): nobody is in on Sunday, so "tomorrow at 11am" said on a Saturday is Monday at 11.
    The hours and timezone are the shared servers' (the defaults, tests/e2e/conftest.py ``bot``).
    """
    chosen = from_env({})
    now = now or datetime.now(ZoneInfo(chosen.timezone))
    day = now + timedelta(days=1)
    if day.weekday() in chosen.care_hours:
        return "tomorrow"
    while day.weekday() not in chosen.care_hours:
        day += timedelta(days=1)
    return day.strftime("%A %-d %B")


def _contains(text: str, expected: Any) -> bool:
    options = expected if isinstance(expected, list) else [expected]
    return any(o.replace("{tomorrow}", tomorrow_said()).lower() in text.lower() for o in options)


def _slot_problems(slots: Dict[str, Any], expected: Dict[str, Any]) -> List[str]:
    return [f"slot {k} is {slots.get(k)!r}, expected {v!r}" for k, v in expected.items() if slots.get(k) != v]


def check_turn(spec: Dict[str, Any], turn: Turn, slots: Callable[[], Dict[str, Any]]) -> List[str]:
    problems = [f"global rule: {p}" for p in global_problems(turn.replies)]
    problems += [f"says: expected {e!r}" for e in spec.get("says", []) if not _contains(turn.text, e)]
    problems += [f"never_says: said {e!r}" for e in spec.get("never_says", []) if _contains(turn.text, e)]
    problems += [f"does: {a} did not run" for a in spec.get("does", []) if a not in turn.actions]
    problems += [f"never_does: {a} ran" for a in spec.get("never_does", []) if a in turn.actions]
    offered = button_names(turn.buttons)
    problems += [f"buttons: {b} not offered (offered: {offered})" for b in spec.get("buttons", []) if b not in offered]
    problems += [f"never_buttons: {b} offered" for b in spec.get("never_buttons", []) if b in offered]
    if "slots" in spec:
        problems += _slot_problems(slots(), spec["slots"])
    return problems


def check_after(after: Dict[str, Any], turns: Sequence[Turn], slots: Dict[str, Any]) -> List[str]:
    actions = [a for t in turns for a in t.actions]
    said = " ".join(t.text for t in turns)
    problems = _slot_problems(slots, after.get("slots", {}))
    problems += [f"slot {k} is not set" for k in after.get("slots_set", []) if slots.get(k) in (None, "", [], False)]
    problems += [f"once: {a} ran {actions.count(a)} times" for a in after.get("once", []) if actions.count(a) != 1]
    problems += [f"does: {a} never ran" for a in after.get("does", []) if a not in actions]
    problems += [f"never_does: {a} ran" for a in after.get("never_does", []) if a in actions]
    problems += [f"says: nobody said {e!r}" for e in after.get("says", []) if not _contains(said, e)]
    problems += [f"never_says: {e!r} was said" for e in after.get("never_says", []) if _contains(said, e)]
    return problems


def hold(conversation: Conversation, bot: Any, sender: str) -> List[Turn]:
    """Hold ``conversation`` with ``bot`` as ``sender``; raise AssertionError with the transcript on a miss."""
    turns: List[Turn] = []
    seen = 0
    if conversation.signed_in is not None:
        bot.sign_in(sender, None if conversation.signed_in == "nobody" else conversation.signed_in)

    def fail(where: str, problems: List[str]) -> None:
        raise AssertionError(
            f"{conversation.id}: {where}\n  - "
            + "\n  - ".join(problems)
            + f"\n\ntranscript so far:\n{transcript(turns)}"
        )

    for number, spec in enumerate(conversation.turns, 1):
        if "click" in spec:
            last = turns[-1].buttons if turns else []
            names = button_names(last)
            if spec["click"] not in names:
                fail(f"turn {number}: cannot click {spec['click']!r}", [f"the last reply offered {names}"])
            payload = last[names.index(spec["click"])]["payload"]
            message, shown = payload, f"(clicks {spec['click']})"
        else:
            message = shown = spec["customer"]
        try:
            replies = bot.say(sender, message)
            events = bot.tracker(sender)["events"]
        except AssertionError as error:  # the server did not answer 200 (see conftest's Bot)
            turns.append(Turn(shown, [], []))
            fail(f"turn {number} ({shown!r}): the server failed", [str(error).splitlines()[0]])
        actions = [e.get("name") for e in events[seen:] if e["event"] == "action" and e.get("name") not in SKIP_ACTIONS]
        seen = len(events)
        turns.append(Turn(shown, replies, actions))
        problems = check_turn(spec, turns[-1], lambda: bot.tracker(sender)["slots"])
        if problems:
            fail(f"turn {number} ({shown!r})", problems)
    if conversation.after:
        problems = check_after(conversation.after, turns, bot.tracker(sender)["slots"])
        if problems:
            fail("after the conversation", problems)
    return turns
