"""The live responses (gracious/responses.py): a wording edit is served, a broken file never is."""

from __future__ import annotations

import logging
import os
import textwrap
import time
from pathlib import Path
from typing import Iterator

import pytest

from gracious import responses
from gracious.edits import Rejection
from gracious.response_checks import read_responses
from gracious.settings import ROOT

DOMAIN = """\
version: "3.1"
intents:
  - greet
responses:
  utter_greet:
    - text: "Hello, I'm Gracious."
    - text: "Hi there."
  utter_offer:
    - text: "Shall I?"
      buttons:
        - title: "Yes, please"
          payload: /affirm
  utter_status:
    - condition:
        - type: slot
          name: order_status
          value: shipped
      text: "It's on its way."
    - text: "Let me look."
"""

MODEL = read_responses(DOMAIN).responses


def write(path: Path, text: str) -> None:
    """Save as an editor does, with a modification time the reader can tell apart."""
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text, encoding="utf-8")
    if path.stat().st_mtime_ns == before:
        os.utime(path, ns=(before + 1_000_000, before + 1_000_000))


@pytest.fixture
def domain(tmp_path: Path) -> Path:
    path = tmp_path / "domain.yml"
    write(path, DOMAIN)
    return path


@pytest.fixture
def live(domain: Path) -> Iterator[responses.LiveResponses]:
    reader = responses.LiveResponses(domain)
    reader.bind_model(MODEL)
    yield reader
    reader.settle()


def served(reader: responses.LiveResponses) -> dict:
    """What is served once a reading of the latest save is done."""
    reader.current()
    reader.settle()
    return reader.current()


def test_the_project_domain_is_read_as_rasa_reads_it() -> None:
    from rasa.shared.core.domain import Domain

    text = (ROOT / "domain.yml").read_text(encoding="utf-8")
    reading = read_responses(text)
    assert reading.problems == []
    assert reading.responses == Domain.from_yaml(text).responses


def test_yes_is_a_word_as_in_rasa() -> None:
    reading = read_responses("responses:\n  utter_yes:\n    - text: yes\n")
    assert reading.problems == [] and reading.responses == {"utter_yes": [{"text": "yes"}]}


def test_a_wording_edit_is_served_after_the_save(live, domain) -> None:
    assert live.current()["utter_greet"][0]["text"] == "Hello, I'm Gracious."
    write(domain, DOMAIN.replace("Hello, I'm Gracious.", "Welcome! I'm Gracious."))
    assert served(live)["utter_greet"][0]["text"] == "Welcome! I'm Gracious."
    assert live.rejection is None


def test_the_previous_version_serves_while_the_new_one_is_read(live, domain) -> None:
    write(domain, DOMAIN.replace("Hi there.", "Hi!"))
    started = time.perf_counter()
    first = live.current()  # the reading starts in the background: nothing waits for it
    assert time.perf_counter() - started < 0.01
    assert first["utter_greet"][1]["text"] in ("Hi there.", "Hi!")
    assert served(live)["utter_greet"][1]["text"] == "Hi!"


@pytest.mark.parametrize(
    "edit, line, problem",
    [
        (
            ('    - text: "Hi there."', "    - text: Hi: there."),
            7,
            "a ':' inside a value: put the whole value in double quotes",
        ),
        (
            ('    - text: "Hi there."', "    - image:"),
            7,
            "response 'utter_greet' variation 2 has no text — give it a text: line",
        ),
        (
            ("          payload: /affirm\n", ""),
            11,
            "response 'utter_offer' variation 1 button 1 has no payload — give it a line like `payload: /affirm`",
        ),
        (
            ("          payload: /affirm\n", "          payload: /affirm\n        - payload: /deny\n"),
            13,
            "button 2 has no title",
        ),
        (
            ("          name: order_status\n", ""),
            15,
            "response 'utter_status' variation 1 condition 1 is not a slot check",
        ),
        (
            ('    - text: "Let me look."', '    - text: "Let me look."\n  utter_bad: Hello'),
            20,
            "'utter_bad' is not a list",
        ),
        (("  utter_offer:\n", "  utter_offered:\n"), 4, "response 'utter_offer' is in the running model but no longer"),
    ],
)
def test_a_rejected_save_keeps_the_last_good_words(live, domain, caplog, edit, line, problem) -> None:
    write(domain, DOMAIN.replace("Hi there.", "Hi, good to see you."))
    assert served(live)["utter_greet"][1]["text"] == "Hi, good to see you."
    good = live.current()
    broken = DOMAIN.replace("Hello, I'm Gracious.", "Changed.").replace(*edit)
    assert broken != DOMAIN.replace("Hello, I'm Gracious.", "Changed.")
    with caplog.at_level(logging.WARNING, logger="gracious.responses"):
        write(domain, broken)
        assert served(live) is good
        live.current()
        live.settle()
    rejection = live.rejection
    assert isinstance(rejection, Rejection)
    assert (rejection.file, rejection.line) == ("domain.yml", line)
    assert problem in rejection.problem
    assert str(rejection).startswith(f"domain.yml:{line}: ")
    # One warning for the bad version, naming the file and the line.
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1, warnings
    assert f"domain.yml:{line}: " in warnings[0] and problem in warnings[0]
    assert "last good wording" in warnings[0]
    # Fixed: served again, and no rejection left.
    write(domain, DOMAIN.replace("Hello, I'm Gracious.", "Fixed."))
    assert served(live)["utter_greet"][0]["text"] == "Fixed."
    assert live.rejection is None


def test_the_model_s_own_words_serve_until_the_file_is_good(domain) -> None:
    write(domain, "responses:\n  utter_greet: [\n")
    reader = responses.LiveResponses(domain)
    reader.bind_model(MODEL)
    assert reader.current() is MODEL
    assert reader.rejection is not None and reader.rejection.line == 3


def test_a_new_response_is_served_with_a_note_about_training(live, domain, caplog) -> None:
    with caplog.at_level(logging.INFO, logger="gracious.responses"):
        write(domain, DOMAIN + '  utter_new_thing:\n    - text: "Something new."\n')
        assert served(live)["utter_new_thing"] == [{"text": "Something new."}]
    notes = [r.getMessage() for r in caplog.records if "utter_new_thing" in r.getMessage()]
    assert len(notes) == 1 and "`make train`" in notes[0] and "actions can say it now" in notes[0]
    assert live.rejection is None


def test_a_twice_written_response_is_refused(live, domain) -> None:
    write(domain, DOMAIN + '  utter_greet:\n    - text: "Again."\n')
    served(live)
    assert live.rejection is not None
    assert live.rejection.line == 20 and "written twice (lines 5 and 20)" in live.rejection.problem


def test_a_missing_file_keeps_the_words(live, domain) -> None:
    good = live.current()
    domain.unlink()
    assert served(live) is good
    assert live.rejection is not None and "cannot be read" in live.rejection.problem


def test_the_desk_hears_of_the_serving_process_s_rejection(live, domain) -> None:
    responses.serve(live)
    try:
        assert responses.responses_rejection() is None
        write(domain, DOMAIN.replace('    - text: "Hi there."', "    - {}"))
        live.current()
        live.settle()
        assert str(responses.responses_rejection()).startswith("domain.yml:7: response 'utter_greet' variation 2")
    finally:
        responses.serve(None)


def test_without_a_rasa_server_the_file_is_read_for_the_desk(domain, monkeypatch) -> None:
    monkeypatch.setenv("GRACIOUS_DOMAIN", str(domain))
    write(domain, DOMAIN.replace("  utter_greet:\n", "  utter_greet: {}\n  utter_old:\n"))
    found = responses.responses_rejection()
    assert found is not None and "'utter_greet' is not a list of variations" in found.problem


def test_a_file_outside_the_project_is_named_by_its_name(tmp_path) -> None:
    assert responses.shown_path(tmp_path / "domain.yml") == "domain.yml"
    assert responses.shown_path(ROOT / "domain.yml") == "domain.yml"


def test_a_quoted_number_is_words_and_a_bare_one_is_refused() -> None:
    problems = read_responses(
        textwrap.dedent("""\
        responses:
          utter_count:
            - text: 42
        """)
    ).problems
    assert [(p.line, "put the text in quotes" in p.problem) for p in problems] == [(3, True)]


def test_a_model_loaded_again_never_brings_back_its_older_words(live, domain) -> None:
    write(domain, DOMAIN.replace("Hello, I'm Gracious.", "Welcome back to Larkspur."))
    assert served(live)["utter_greet"][0]["text"] == "Welcome back to Larkspur."
    live.bind_model(MODEL)  # the same model, pulled again (it was trained with "Hello, I'm Gracious.")
    assert live.current()["utter_greet"][0]["text"] == "Welcome back to Larkspur."


def test_the_desk_banner_lists_a_refused_domain(live, domain) -> None:
    from gracious.edits import rejected_edits

    responses.serve(live)
    try:
        write(domain, DOMAIN.replace('    - text: "Hi there."', "    - {}"))
        live.current()
        live.settle()
        found = [r for r in rejected_edits() if r.file == "domain.yml"]
        assert [str(r) for r in found] == [
            "domain.yml:7: response 'utter_greet' variation 2 has no text — give it a text: line"
        ]
    finally:
        responses.serve(None)


def test_the_server_s_other_wording_follows_the_live_words(live, domain) -> None:
    """The desk's suggestions, the queue's buttons and the channels' refusals word things with ``spoken``."""

    class ModelDomain:
        responses = {"utter_greet": [{"text": "The model's hello."}]}

    assert responses.spoken(ModelDomain())["utter_greet"][0]["text"] == "The model's hello."
    responses.serve(live)
    try:
        write(domain, DOMAIN.replace("Hello, I'm Gracious.", "Good to see you."))
        served(live)
        assert responses.spoken(ModelDomain())["utter_greet"][0]["text"] == "Good to see you."
    finally:
        responses.serve(None)


def test_a_model_loaded_again_while_the_file_is_refused_keeps_the_served_words(live, domain) -> None:
    write(domain, DOMAIN.replace("Hello, I'm Gracious.", "New words."))
    assert served(live)["utter_greet"][0]["text"] == "New words."
    write(domain, "responses:\n  utter_greet: [\n")  # a broken save: the last good words stay
    assert served(live)["utter_greet"][0]["text"] == "New words."
    live.bind_model(MODEL)  # the model pulled again, trained with "Hello, I'm Gracious."
    assert live.current()["utter_greet"][0]["text"] == "New words."
    assert live.rejection is not None


def test_a_restart_on_a_refused_file_serves_the_good_version_kept_on_disk(live, domain, caplog) -> None:
    from gracious.last_good import copy_path

    write(domain, DOMAIN.replace("Hello, I'm Gracious.", "Kept words."))
    assert served(live)["utter_greet"][0]["text"] == "Kept words."
    kept = copy_path(responses.KIND, domain)
    assert "Kept words." in kept.read_text(encoding="utf-8")
    write(domain, "responses:\n  utter_greet: [\n")
    served(live)
    assert "Kept words." in kept.read_text(encoding="utf-8")  # a refused version never replaces it
    restarted = responses.LiveResponses(domain)
    with caplog.at_level(logging.WARNING, logger="gracious.responses"):
        restarted.bind_model(MODEL)
    assert restarted.current()["utter_greet"][0]["text"] == "Kept words."
    assert f"the last good wording, kept in {kept}" in caplog.text
    # Another file's copy never stands in: a file elsewhere gets the model's own words.
    other = domain.parent / "other" / "domain.yml"
    other.parent.mkdir()
    write(other, "responses:\n  utter_greet: [\n")
    elsewhere = responses.LiveResponses(other)
    elsewhere.bind_model(MODEL)
    assert elsewhere.current() is MODEL


def test_a_kept_copy_without_the_model_s_responses_is_not_served(live, domain) -> None:
    write(domain, DOMAIN.replace("Hello, I'm Gracious.", "Kept words."))
    served(live)
    write(domain, "responses:\n  utter_greet: [\n")
    restarted = responses.LiveResponses(domain)
    restarted.bind_model({**MODEL, "utter_newer": [{"text": "A newer model's response."}]})
    assert restarted.current()["utter_greet"][0]["text"] == "Hello, I'm Gracious."


def test_the_first_reply_after_a_quiet_save_has_the_new_words(live, domain) -> None:
    live.current()
    write(domain, DOMAIN.replace("Hello, I'm Gracious.", "Fresh words."))
    time.sleep(1.5)  # nobody writes in: no call to current() until the next customer
    assert live.current()["utter_greet"][0]["text"] == "Fresh words."
