"""The conversation panel's files and runner, without servers: the format is strict, the rules hold."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Any, Dict, List

import pytest
import yaml

from launch.launcher import ROOT
from tests.e2e.panel import PanelError, global_problems, hold, load_panel, parse_file


def write(tmp_path: Path, text: str, name: str = "topic.yml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_every_panel_file_follows_the_format() -> None:
    conversations = load_panel()  # raises PanelError naming the file and conversation
    assert conversations
    ids = [c.id for c in conversations]
    assert len(ids) == len(set(ids))
    assert len({c.sender for c in conversations}) == len(conversations)


# Rasa's own actions a tracker can show, besides the domain's actions, forms and responses.
RASA_ACTIONS = {
    "action_listen",
    "action_restart",
    "action_default_fallback",
    "action_deactivate_loop",
    "action_revert_fallback_events",
    "action_default_ask_affirmation",
    "action_two_stage_fallback",
    "action_back",
    "action_unlikely_intent",
    "action_session_start",
}


def unknown_names(conversations: List[Any]) -> List[str]:
    """Actions, slots and buttons the files name that the domain and catalog don't have (typos)."""
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    catalog = yaml.safe_load((ROOT / "catalog" / "policies.yml").read_text(encoding="utf-8"))
    actions = set(domain.get("actions", [])) | set(domain.get("forms", {})) | set(domain["responses"]) | RASA_ACTIONS
    slots = set(domain["slots"])
    buttons = set(catalog["alternatives"]) | {i if isinstance(i, str) else next(iter(i)) for i in domain["intents"]}
    problems = []
    for conversation in conversations:
        parts = [(f"turn {n}", spec) for n, spec in enumerate(conversation.turns, 1)] + [("after", conversation.after)]
        for where, spec in parts:
            named = [("action", a, actions) for k in ("does", "never_does", "once") for a in spec.get(k, [])]
            named += [("slot", x, slots) for x in list(spec.get("slots", {})) + spec.get("slots_set", [])]
            named += [("button", b, buttons) for k in ("buttons", "never_buttons") for b in spec.get(k, [])]
            named += [("button", spec["click"], buttons)] if "click" in spec else []
            problems += [
                f"{conversation.file}: conversation {conversation.name!r}, {where}: no {kind} {name!r}"
                for kind, name, known in named
                if name not in known
            ]
    return problems


def test_every_action_slot_and_button_named_exists() -> None:
    assert unknown_names(load_panel()) == []


GOOD = """\
conversations:
  - name: a bill
    moves: [bill_dispute]
    turns:
      - customer: "my bill BL-30017 is wrong"
        says: ["London", ["domestic", "local"]]
        never_says: ["your fault"]
        does: [action_explain_policy]
        never_does: [action_handoff]
        buttons: [goodwill_credit]
        never_buttons: [refund]
        slots: {order_id: BL-30017}
      - click: goodwill_credit
    after:
      slots: {granted_alternatives: [goodwill_credit]}
      slots_set: [case_type]
      once: [action_apply_alternative]
      does: [action_empathize]
      never_does: [action_handoff]
      says: ["$10.00"]
      never_says: ["more than once"]
"""


def test_a_file_with_every_key_is_read(tmp_path: Path) -> None:
    [conversation] = parse_file(write(tmp_path, GOOD))
    assert conversation.id == "topic.yml:a bill"
    assert conversation.moves == ["bill_dispute"] and len(conversation.turns) == 2


@pytest.mark.parametrize(
    "old, new, message",
    [
        (
            "    moves: [bill_dispute]",
            "    moves: [bill_dispute]\n    note: hi",
            "conversation 'a bill': unknown key(s) note",
        ),
        ("        says:", "        say:", "conversation 'a bill', turn 1: unknown key(s) say"),
        ("      once:", "      twice:", "conversation 'a bill', after: unknown key(s) twice"),
        ("      - click: goodwill_credit", "      - says: [hi]", "turn 2: a turn needs exactly one of 'customer'"),
        ("      - click: goodwill_credit", "      - {click: a, customer: b}", "turn 2: a turn needs exactly one"),
        (
            '        never_says: ["your fault"]',
            "        never_says: your fault",
            "turn 1: 'never_says' must be a non-empty list",
        ),
        ("        does: [action_explain_policy]", "        does: [[a, b]]", "turn 1: 'does' has an entry that is not"),
        ("    moves: [bill_dispute]", "    moves: []", "conversation 'a bill': 'moves' must be a non-empty list"),
        ("        slots: {order_id: BL-30017}", "        slots: [order_id]", "turn 1: 'slots' must be a mapping"),
        ("  - name: a bill", "  - title: a bill", "conversation #1: needs a 'name'"),
        ("conversations:", "conversation:", "topic.yml: the file must hold exactly one key"),
    ],
)
def test_a_mistake_is_named_with_its_file_and_conversation(tmp_path: Path, old: str, new: str, message: str) -> None:
    assert old in GOOD
    with pytest.raises(PanelError) as error:
        parse_file(write(tmp_path, GOOD.replace(old, new, 1)))
    assert str(error.value).startswith("topic.yml:") and message in str(error.value)


def test_a_misspelt_action_is_named(tmp_path: Path) -> None:
    conversations = parse_file(
        write(tmp_path, GOOD.replace("action_handoff]\n      says", "action_handof]\n      says"))
    )
    assert unknown_names(conversations) == ["topic.yml: conversation 'a bill', after: no action 'action_handof'"]


def test_a_name_used_twice_in_a_file_is_refused(tmp_path: Path) -> None:
    twice = GOOD + GOOD.split("\n", 1)[1]
    with pytest.raises(PanelError, match="conversation 'a bill': the name is used twice"):
        parse_file(write(tmp_path, twice))


def test_notes_files_starting_with_underscore_are_not_panels(tmp_path: Path) -> None:
    write(tmp_path, GOOD)
    write(tmp_path, "not: a panel", name="_draft.yml")
    assert [c.id for c in load_panel(tmp_path)] == ["topic.yml:a bill"]


@pytest.mark.parametrize(
    "text, problem",
    [
        ("It was delivered None days ago.", "'None' as a value"),
        ("Your refund for  is under way.", "a doubled space"),
        ("I'm sorry. Here it is. I apologise for the wait.", "2 apology sentences"),
        ("Thanks, utter_thanks_general", "not gracious"),
        ("Hello {name}", "not gracious"),
        ("That's your fault, really.", "not gracious"),
    ],
)
def test_the_global_rules_catch_a_broken_reply(text: str, problem: str) -> None:
    problems = global_problems([{"text": text}])
    assert any(problem in p for p in problems), problems


@pytest.mark.parametrize(
    "replies, problem",
    [
        ([], "the customer heard nothing"),
        ([{"text": ""}], "a reply without text"),
        (
            [{"text": None, "buttons": [{"title": "Talk to a person", "payload": "/request_human"}]}],
            "a reply without text",
        ),
        ([{"image": "https://example.com/x.png"}], "a reply without text"),
        ([{"text": "Pick one:", "buttons": [{"title": " ", "payload": "/deny"}]}], "not gracious"),
        ([{"text": "Pick one:", "buttons": [{"title": "A refund", "payload": ""}]}], "a button that does nothing"),
    ],
)
def test_the_global_rules_catch_a_turn_without_words(replies, problem: str) -> None:
    problems = global_problems(replies)
    assert any("not gracious" in p and problem in p for p in problems), problems


def test_the_global_rules_let_a_good_turn_through() -> None:
    replies = [
        {"text": "I'm sorry about this. None of it should have happened."},
        {"text": "Here's what I can do:", "buttons": [{"title": "None of these", "payload": "/deny"}]},
    ]
    assert global_problems(replies) == []


class FakeBot:
    """Replies from a script, and a tracker that grows as a real one does."""

    def __init__(self, script: List[List[Dict[str, Any]]], actions: List[List[str]]) -> None:
        self.script, self.actions, self.events, self.sent = script, actions, [], []

    def say(self, sender: str, message: str) -> List[Dict[str, Any]]:
        self.sent.append(message)
        turn = len(self.sent) - 1
        self.events += [{"event": "user", "text": message}] + [
            {"event": "action", "name": name} for name in ["action_listen"] + self.actions[turn]
        ]
        return self.script[turn]

    def tracker(self, sender: str) -> Dict[str, Any]:
        return {"events": self.events, "slots": {"granted_alternatives": ["goodwill_credit"]}}


OFFER = [
    {
        "text": "Here's what I see: domestic calls only.",
        "buttons": [
            {"title": "A $10.00 goodwill credit", "payload": '/choose_alternative{"alternative": "goodwill_credit"}'}
        ],
    }
]


def test_hold_clicks_a_button_and_checks_each_turn_and_the_end(tmp_path: Path) -> None:
    [conversation] = parse_file(
        write(
            tmp_path,
            """\
        conversations:
          - name: clicks
            moves: [typed_choice]
            turns:
              - customer: "my bill"
                says: ["DOMESTIC"]
                buttons: [goodwill_credit]
              - click: goodwill_credit
                says: [["$10.00", "$5.00"]]
            after:
              slots: {granted_alternatives: [goodwill_credit]}
              once: [action_apply_alternative]
        """,
        )
    )
    bot = FakeBot([OFFER, [{"text": "Done: $10.00."}]], [["action_explain_policy"], ["action_apply_alternative"]])
    turns = hold(conversation, bot, "s")
    assert bot.sent[1] == '/choose_alternative{"alternative": "goodwill_credit"}'
    assert turns[1].customer == "(clicks goodwill_credit)" and turns[1].actions == ["action_apply_alternative"]


def test_a_failure_names_the_expectation_and_shows_the_transcript(tmp_path: Path) -> None:
    [conversation] = parse_file(
        write(
            tmp_path,
            """\
        conversations:
          - name: fails
            moves: [bill_dispute]
            turns:
              - customer: "my bill"
              - customer: "the credit"
                says: ["$25.00"]
                does: [action_handoff]
        """,
        )
    )
    bot = FakeBot(
        [OFFER, [{"text": "Done: I'm sorry. Truly sorry."}]], [["action_explain_policy"], ["action_apply_alternative"]]
    )
    with pytest.raises(AssertionError) as error:
        hold(conversation, bot, "s")
    message = str(error.value)
    assert message.startswith("topic.yml:fails: turn 2 ('the credit')")
    assert "says: expected '$25.00'" in message and "does: action_handoff did not run" in message
    assert "global rule: 2 apology sentences" in message
    assert "customer: my bill" in message and "bot:      Here's what I see" in message
    assert "[A $10.00 goodwill credit]" in message and "(actions: action_apply_alternative)" in message


def chance_draws(variations: List[Dict[str, Any]]) -> List[List[str]]:
    """The sets of texts whole_words.py picks one of at random, for a response's variations.

    Variations with the same condition and channel compete; among them those with
    placeholders are drawn first, the ones without being the fallback.
    """
    groups: Dict[Any, List[str]] = {}
    for variation in variations:
        if isinstance(variation, dict) and variation.get("text"):
            key = (repr(variation.get("condition")), variation.get("channel"))
            groups.setdefault(key, []).append(variation["text"].lower())
    return [[t for t in texts if re.search(r"\{\w+\}", t)] or texts for texts in groups.values()]


def _has(text: str, options: List[str]) -> bool:
    return any(o in text for o in options)


def wording_gambles(conversations: List[Any]) -> List[str]:
    """`says` phrases found in some of a response's chance variations but in no response's every one."""
    responses = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"]
    draws = [(name, texts) for name, variations in responses.items() for texts in chance_draws(variations)]
    problems = []
    for conversation in conversations:
        for spec in list(conversation.turns) + [conversation.after]:
            for expected in spec.get("says", []):
                options = [o.lower() for o in (expected if isinstance(expected, list) else [expected])]

                if any(all(_has(t, options) for t in texts) for _, texts in draws):
                    continue
                names = sorted({name for name, texts in draws if any(_has(t, options) for t in texts)})
                problems += (
                    [f"{conversation.file}: {conversation.name!r} expects {expected!r}, in only some of {names}"]
                    if names
                    else []
                )
    return problems


def test_no_expectation_depends_on_which_wording_is_drawn() -> None:
    assert wording_gambles(load_panel()) == []


def test_an_expectation_in_one_of_two_drawn_wordings_is_named(tmp_path: Path) -> None:
    text = GOOD.replace('says: ["London", ["domestic", "local"]]', 'says: ["make sure it\'s yours"]')
    problems = wording_gambles(parse_file(write(tmp_path, text)))
    assert problems == [
        "topic.yml: 'a bill' expects \"make sure it's yours\", in only some of ['utter_ask_account_check']"
    ]
