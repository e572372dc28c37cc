"""server/dialogue/typed_choices.todays_code_taken: today's code named to use it is "Use today's offer instead".

A conversation of our own (5 December): "fine whatever ill use welcome10" under that option opened a new coupon case.
The demo company's offer today is WELCOME10 (gracious/stores/company_demo.py), read from the real store.
"""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any, List

import pytest

from server.dialogue.typed_choices import todays_code_taken

OPTIONS = [
    SimpleNamespace(key="honour_coupon", title="Apply SPRING15 (15% off) this time", payload="/a"),
    SimpleNamespace(key="current_offer", title="Use today's offer instead", payload="/b"),
]


def taken(text: str, codes: List[str], options: Any = OPTIONS) -> Any:
    parsed = {"entities": [{"entity": "coupon_code", "value": c} for c in codes]}
    return asyncio.run(todays_code_taken(text, parsed, options))


@pytest.mark.parametrize(
    "text",
    ["fine whatever ill use welcome10", "ok i'll go with WELCOME10 then", "welcome10 instead i guess"],
)
def test_todays_code_named_to_use_it_is_the_offer(text: str) -> None:
    assert taken(text, ["WELCOME10"]) is OPTIONS[1]


@pytest.mark.parametrize(
    "text, codes",
    [
        ("welcome10 doesnt work either, i tried it then", ["WELCOME10"]),  # a failure told, not a choice
        ("can i use welcome10?", ["WELCOME10"]),  # asked, answered elsewhere
        ("fine ill use summer20", ["SUMMER20"]),  # another code: checked as its own
        ("ill use welcome10 or spring15", ["WELCOME10", "SPRING15"]),  # two codes: not one choice
        ("ok fine, that one then", []),  # no code named: the usual reading
    ],
)
def test_anything_else_takes_nothing(text: str, codes: List[str]) -> None:
    assert taken(text, codes) is None


def test_without_the_offer_on_the_table_nothing_is_taken() -> None:
    assert taken("fine whatever ill use welcome10", ["WELCOME10"], OPTIONS[:1]) is None
