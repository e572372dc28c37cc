"""Training examples are compared one way: `make review TRAIN=1` never adds what `make check` flags."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.shared.core.events import UserUttered

from studio.check import Check
from studio.examples import normal_example, training_examples
from studio.review_examples import add_examples
from studio.review_store import load_domain
from studio.review_transcript import CustomerTurn


def said(words: str, intent: str, number: int = 1) -> CustomerTurn:
    return CustomerTurn(number, UserUttered(words, {"name": intent, "confidence": 0.9}))


@pytest.mark.parametrize(
    "example",
    [
        "Where is my ORDER?!",
        "where  is my order.",
        "where is my [order](item)",
        'where is my [order]{"entity": "item"}',
    ],
)
def test_annotations_case_spacing_and_end_punctuation_do_not_make_another_example(example: str) -> None:
    assert normal_example(example) == normal_example("where is my order") == "where is my order"


def test_curly_apostrophes_read_as_straight_ones() -> None:
    assert normal_example("Where\u2019s my parcel") == normal_example("where's my parcel")


def test_review_refuses_the_words_the_check_would_flag_under_two_intents(project: Path) -> None:
    intents = list(load_domain().intents)
    outcomes = add_examples([said("Where is my order?", "complain_service")], {}, project / "data" / "nlu", intents)

    assert outcomes[0].path is None
    assert outcomes[0].skipped.startswith("already an example of check_order_status")
    assert not [f for f in Check(project).run() if "and also under" in f.problem]


def test_review_sees_the_customers_words_in_stories_in_data_as_the_check_does(project: Path) -> None:
    story = project / "data" / "stories" / "told.yml"
    story.parent.mkdir()
    story.write_text(
        'version: "3.1"\nstories:\n- story: told\n  steps:\n  - user: |\n      my parcel fell in a lake\n'
        "    intent: check_order_status\n  - action: utter_greet\n",
        encoding="utf-8",
    )
    assert any(e.in_story and e.text == "my parcel fell in a lake" for e in training_examples(project / "data"))
    intents = list(load_domain().intents)

    outcomes = add_examples(
        [said("My parcel fell in a lake!", "complain_service")], {}, project / "data" / "nlu", intents
    )

    assert "already an example of check_order_status" in outcomes[0].skipped
    assert not (project / "data" / "nlu" / "reviewed.yml").exists()
