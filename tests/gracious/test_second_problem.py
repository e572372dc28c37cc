"""The second problem told in a chat, read back newest first (gracious/second_problem.py)."""

from gracious.second_problem import latest_told

BILL = {"intent": "dispute_charge", "text": "and my bill is wrong too"}
LATE = {"intent": "check_order_status", "text": "also where is my grinder"}


def test_the_newest_second_problem_is_the_one_read_back() -> None:
    assert latest_told([{"second_problem": LATE}, {"second_problem": BILL}]) == LATE


def test_parses_with_none_told_or_none_at_all_are_passed_over() -> None:
    assert (
        latest_told(
            [None, {"intent": {"name": "greet"}}, {"second_problem": {"text": "no intent"}}, {"second_problem": BILL}]
        )
        == BILL
    )
    assert latest_told([None, {}, {"second_problem": None}]) is None
