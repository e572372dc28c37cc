"""actions/codes_compared.py: which of the codes a customer names saves more, from the company's
coupons (blind panel p42 16: "which one saves me more?? one is 20% right" was asked to rephrase, then
handed to a person). The demo coupons: WELCOME10 10% in date, SUMMER20 20% lapsed, SPRING15 15% lapsed."""

from __future__ import annotations

import asyncio

from rasa_sdk import Tracker

from actions.codes_compared import codes_named, compared
from gracious.answers import answer_anywhere


def chat(*said: str) -> Tracker:
    events = [{"event": "user", "text": t} for t in said]
    return Tracker("codes", {}, {"text": said[-1]}, events, False, None, {}, "action_listen")


def test_the_codes_named_in_the_latest_messages_newest_first():
    tracker = chat("i have two codes WELCOME10 and SUMMER20 which one is better to use", "one is 20% right?")
    assert codes_named(tracker) == ["WELCOME10", "SUMMER20"]


def test_the_code_in_date_is_the_one_to_use_and_the_bigger_lapsed_one_is_said_why_not():
    said = asyncio.run(compared(chat("SUMMER20 vs WELCOME10. which do i use on my next order")))
    assert said.startswith("WELCOME10 is the one to use: it takes 10% off and is good until ")
    assert "SUMMER20 would take 20% off, but it ran out on " in said and "the checkout won't take it" in said


def test_neither_in_date_is_said_plainly_and_one_code_alone_is_no_comparison():
    said = asyncio.run(compared(chat("summer20 or spring15, which saves more")))
    assert "neither will go through now" in said and "is the one to use" not in said
    assert asyncio.run(compared(chat("which is better, WELCOME10?"))) == ""


def test_the_question_finds_the_answer_and_other_choices_do_not():
    assert answer_anywhere("ok but which one saves me more?? one is 20% right").id == "codes_compared"
    assert answer_anywhere("which one is better, the refund or the credit?") is None
