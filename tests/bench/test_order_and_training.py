"""The command line's quick mode, and the one-example edit made before retraining."""

from __future__ import annotations

from pathlib import Path

from bench.__main__ import parse_args
from bench.conversations import GRACIOUS, REFERENCE, long_script, trimmed
from bench.training import add_one_example


def test_quick_mode_is_small() -> None:
    args = parse_args(["--quick"])
    assert args.rounds == 1 and max(args.concurrency) <= 5 and args.long_turns <= 30


def test_defaults_are_the_issues_figures() -> None:
    args = parse_args([])
    assert args.rounds == 3 and args.concurrency == [1, 20, 50] and args.socket_concurrency == [1, 20]
    assert args.long_turns == 200 and args.turns == 10


def test_every_script_has_ten_turns() -> None:
    assert GRACIOUS and REFERENCE
    assert [len(s) for s in GRACIOUS + REFERENCE] == [10] * (len(GRACIOUS) + len(REFERENCE))
    assert trimmed(GRACIOUS, 3)[0] == GRACIOUS[0][:3]


def test_long_script_cycles_through_the_scripts() -> None:
    script = long_script(REFERENCE, 200)
    assert len(script) == 200 and script[:10] == REFERENCE[0] and script[30] == REFERENCE[0][0]


def test_one_example_is_added_under_the_first_intent(tmp_path: Path) -> None:
    nlu = tmp_path / "nlu"
    nlu.mkdir()
    (nlu / "a.yml").write_text("nlu:\n- intent: greet\n  examples: |\n    - hi\n    - hello\n")
    add_one_example(tmp_path)
    assert (
        nlu / "a.yml"
    ).read_text() == "nlu:\n- intent: greet\n  examples: |\n    - hi\n    - hi please\n    - hello\n"
