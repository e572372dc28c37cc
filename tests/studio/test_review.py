"""`make review` without servers: a recorded tracker, stories, examples, and bad input."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

import pytest
import yaml
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

from gracious.catalog import load_catalog
from gracious.settings import settings
from server.stores.tracker_store import UrlSQLTrackerStore
from studio import review
from studio.review_examples import add_examples
from studio.review_store import load_domain, summarize
from studio.review_story import StoryProblem, append_story, build_story, choose_file, parse_corrections
from studio.review_transcript import customer_turns, render

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = Path(__file__).parent / "fixtures" / "bill_dispute_tracker.json"


@pytest.fixture(scope="module")
def domain() -> Domain:
    return load_domain()


@pytest.fixture
def dispute(domain: Domain) -> DialogueStateTracker:
    """The bill dispute as the real servers recorded it (tests/e2e/test_review.py checks it is current)."""
    recorded = json.loads(FIXTURE.read_text())
    return DialogueStateTracker.from_dict("maya", recorded["events"], domain.slots)


def turn_of(tracker: DialogueStateTracker, words: str) -> int:
    return next(t.number for t in customer_turns(tracker) if words in (t.event.text or ""))


def story_steps(text: str) -> list:
    return yaml.safe_load("stories:\n" + text)["stories"][0]["steps"]


def test_recorded_dispute_becomes_a_story_with_entities_slots_and_forms(dispute, domain) -> None:
    story = build_story(dispute, domain, {}, "A dispute", "maya")
    steps = story_steps(story.text)
    assert {
        "user": "my phone bill [BL-30017](order_id) is wrong, I didn't get the volume discount I expected\n",
        "intent": "dispute_charge",
    } in steps
    assert {"active_loop": "case_form"} in steps and {"active_loop": None} in steps
    assert {"slot_was_set": [{"alternative": "goodwill_credit"}]} in steps
    assert {"action": "action_listen"} not in steps and {"action": "action_session_start"} not in steps
    assert not story.corrections and "corrected" not in story.text


def test_corrected_intent_is_written_with_a_comment_about_the_steps_that_followed(dispute, domain) -> None:
    number = turn_of(dispute, "no that's all")
    story = build_story(dispute, domain, {number: "thank"}, "A dispute", "maya")
    steps = story_steps(story.text)
    assert {"user": "no that's all, thanks\n", "intent": "thank"} in steps
    # "no that's all, thanks" was read in context as goodbye (server/dialogue/repair.py), and the
    # close followed it.
    assert [(c.number, c.recorded, c.corrected) for c in story.corrections] == [(number, "goodbye", "thank")]
    comment = story.text.split("intent: thank\n", 1)[1].splitlines()[0]
    assert comment.startswith(f"  # Turn {number}: corrected from 'goodbye' to 'thank'")
    assert "followed 'goodbye'" in story.text
    assert steps[-1] == {"action": "action_close_conversation"}  # the recorded step is kept, not invented


def test_interactive_correction_keeps_the_intent_on_enter_and_asks_again_on_a_typo(
    dispute, domain, monkeypatch
) -> None:
    answers = iter(["", "not_an_intent", "complain_service", "", ""])
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    chosen = review.ask_intents(customer_turns(dispute), list(domain.intents))
    assert chosen == {turn_of(dispute, "BL-30017"): "complain_service"}


def test_corrections_from_the_command_line_are_checked(dispute, domain) -> None:
    intents = list(domain.intents)
    assert parse_corrections(["2=dispute_charge"], 4, intents) == {2: "dispute_charge"}
    for bad, says in (("9=greet", "numbered 1 to 4"), ("two=greet", "TURN=INTENT"), ("2=nope", "not an intent")):
        with pytest.raises(StoryProblem, match=says):
            parse_corrections([bad], 4, intents)


def test_story_goes_to_the_file_using_the_case_intent_most(tmp_path) -> None:
    stories = tmp_path / "stories"
    shutil.copytree(ROOT / "tests" / "stories", stories)
    assert choose_file(stories, "dispute_charge").name == "test_billing.yml"
    assert choose_file(stories, "-").name == "test_reviewed.yml"


def test_appending_keeps_comments_and_the_file_stays_valid(dispute, domain, tmp_path) -> None:
    path = tmp_path / "test_billing.yml"
    original = 'version: "3.1"\n\n# Keep this comment.\nstories:\n- story: "old"\n  steps:\n  - intent: greet\n  - action: utter_greet\n'
    path.write_text(original)
    story = build_story(dispute, domain, {}, "Reviewed dispute", "maya")
    append_story(path, story, domain)
    text = path.read_text()
    assert text.startswith(original) and "# Keep this comment." in text
    assert [s["story"] for s in yaml.safe_load(text)["stories"]] == ["old", "Reviewed dispute"]
    with pytest.raises(StoryProblem, match="already has this story"):
        append_story(path, story, domain)


def test_story_is_not_appended_after_a_rules_section(dispute, domain, tmp_path) -> None:
    path = tmp_path / "mixed.yml"
    path.write_text(
        'version: "3.1"\nstories: []\nrules:\n- rule: r\n  steps:\n  - intent: greet\n  - action: utter_greet\n'
    )
    before = path.read_text()
    with pytest.raises(StoryProblem):
        append_story(path, build_story(dispute, domain, {}, "x", "maya"), domain)
    assert path.read_text() == before


def test_training_examples_go_under_their_intent_once_and_never_under_two(dispute, domain, tmp_path) -> None:
    nlu = tmp_path / "nlu"
    shutil.copytree(ROOT / "data" / "nlu", nlu)
    turns = customer_turns(dispute)
    dispute_turn = turn_of(dispute, "BL-30017")
    outcomes = {o.number: o for o in add_examples(turns, {}, nlu, list(domain.intents))}
    assert outcomes[dispute_turn].path == nlu / "billing.yml"
    billing = (nlu / "billing.yml").read_text()
    assert billing.startswith((ROOT / "data" / "nlu" / "billing.yml").read_text().rstrip("\n").rsplit("\n", 1)[0])
    data = RasaYAMLReader().reads(billing)
    assert any(
        m.get("text").startswith("my phone bill BL-30017 is wrong") and m.get("intent") == "dispute_charge"
        for m in data.intent_examples
    )
    assert "button click" in outcomes[turn_of(dispute, "/choose_alternative")].skipped

    again = {o.number: o for o in add_examples(turns, {}, nlu, list(domain.intents))}
    assert again[dispute_turn].skipped == "already an example of dispute_charge"
    other = {o.number: o for o in add_examples(turns, {dispute_turn: "complain_service"}, nlu, list(domain.intents))}
    assert "already an example of dispute_charge" in other[dispute_turn].skipped
    assert other[dispute_turn].path is None


def test_a_message_clarified_by_a_button_is_learned_as_what_the_customer_chose(domain, tmp_path) -> None:
    nlu = tmp_path / "nlu"
    shutil.copytree(ROOT / "data" / "nlu", nlu)
    tracker = DialogueStateTracker("x", domain.slots)
    unsure = {"name": "nlu_fallback", "confidence": 0.45}
    tracker.update(
        UserUttered(
            "the thing on my statement from march is not what we agreed",
            unsure,
            parse_data={"intent": unsure, "intent_ranking": [unsure]},
        )
    )
    tracker.update(ActionExecuted("action_handle_misunderstanding"))
    tracker.update(UserUttered("/dispute_charge", {"name": "dispute_charge", "confidence": 1.0}))
    turns = customer_turns(tracker)
    assert turns[0].clarified == "dispute_charge" and turns[1].clarified is None

    outcomes = add_examples(turns, {}, nlu, list(domain.intents))
    assert outcomes[0].intent == "dispute_charge" and outcomes[0].path == nlu / "billing.yml"
    assert "button click" in outcomes[1].skipped
    assert "the thing on my statement from march" in (nlu / "billing.yml").read_text()


def test_flags_mark_fallback_low_confidence_handoff_frustration_and_length(dispute, domain) -> None:
    cases = load_catalog(settings().catalog_path).case_types
    assert summarize(dispute, cases, min_confidence=0.0).flags == []
    assert summarize(dispute, cases).about == "dispute_charge"
    tracker = DialogueStateTracker("x", domain.slots)
    for _ in range(13):
        tracker.update(UserUttered("hm", {"name": "nlu_fallback", "confidence": 0.7}))
    tracker.update(ActionExecuted("action_handle_misunderstanding"))
    tracker.update(ActionExecuted("action_handoff"))
    tracker.update(SlotSet("frustration", 2.0))
    # No reply to any of the 13 lines: that comes first.
    assert summarize(tracker, cases).flags == [
        "no reply",
        "fallback",
        "low confidence",
        "handoff",
        "frustration",
        "long",
    ]


def test_transcript_strips_control_characters_and_shows_agents(dispute, domain) -> None:
    dispute.update(UserUttered("hello\x1b[2J\x07 there\u202e", {"name": "greet", "confidence": 0.9}))
    dispute.update(BotUttered("I'm on it", metadata={"agent": "Sam Lee"}))
    out = render(dispute, summarize(dispute, load_catalog(settings().catalog_path).case_types))
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "Customer: hello[2J there" in out
    assert "Sam Lee (care team): I'm on it" in out


def run_cli(capsys, *args: str) -> tuple:
    code = review.main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_missing_database_file_is_reported_and_not_created(tmp_path, capsys) -> None:
    db = tmp_path / "tracker.db"
    code, _, err = run_cli(capsys, "--db-url", f"sqlite:///{db}")
    assert code == 1 and "no conversation database" in err
    assert not db.exists()


def test_empty_store_says_so_and_unknown_id_fails(tmp_path, capsys) -> None:
    db = tmp_path / "tracker.db"
    db.touch()
    code, out, _ = run_cli(capsys, "--db-url", f"sqlite:///{db}")
    assert code == 0 and "No conversations recorded yet." in out
    code, _, err = run_cli(capsys, "--db-url", f"sqlite:///{db}", "--id", "maya")
    assert code == 1 and "no conversation with the id 'maya'" in err


def test_stored_conversation_is_listed_and_shown(dispute, domain, tmp_path, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    asyncio.run(UrlSQLTrackerStore(domain=domain, host=url).save(dispute))
    code, out, _ = run_cli(capsys, "--db-url", url)
    assert code == 0
    row = next(line for line in out.splitlines() if line.startswith("maya "))
    assert "dispute_charge" in row and "    4  " in row
    code, out, _ = run_cli(capsys, "--db-url", url, "--id", "maya")
    assert code == 0 and "Customer: my phone bill BL-30017" in out


def test_a_turn_read_in_context_is_written_as_its_intent_not_its_words(dispute, domain) -> None:
    # `rasa test` reads words with the classifier alone; a repaired reading names the intent.
    number = turn_of(dispute, "no that's all")
    story = build_story(dispute, domain, {}, "A dispute", "maya")
    assert '# The customer said "no that\'s all, thanks", read in context as goodbye.' in story.text
    assert {"intent": "goodbye"} in story_steps(story.text)
    assert number == 4
