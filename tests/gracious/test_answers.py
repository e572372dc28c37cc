"""gracious/answers.py: a question in the middle of a case finds the designers' answer."""

import pytest
import yaml

from gracious.answers import ANSWERS_FILE, answer_for, answers


@pytest.mark.parametrize(
    "text, case_type, expected",
    [
        ("what number will you be calling from? i dont pick up unknown numbers", None, "utter_answer_calling_number"),
        ("will whoever calls already have my order number or do i go through it all again?", "check_order_status",
         "utter_answer_case_goes_with"),
        ("so do i just type spring15 again at checkout?", "coupon_problem", "utter_answer_coupon_at_checkout"),
        ("do i pay the postage back?", "request_refund", "utter_answer_return_postage"),
        ("Do I keep the lamp if I take the credit?", "request_refund", "utter_answer_keep_with_credit"),
        ("does it go back on my visa or as store credit?", "request_refund", "utter_answer_refund_where"),
    ],
)
def test_a_question_finds_its_answer(text, case_type, expected):
    assert answer_for(text, case_type) == expected


def test_next_months_discount_is_promised_only_after_the_missing_one_was_credited():
    question = "will next month's bill have the discount properly?"
    assert answer_for(question, "dispute_charge", ["missing_discount_credit"]) == "utter_answer_discount_next_bill"
    assert answer_for(question, "dispute_charge", []) is None


def test_an_answer_for_another_kind_of_case_is_not_given():
    assert answer_for("will next month's bill have the discount?", "coupon_problem", ["missing_discount_credit"]) is None
    assert answer_for("what colour is the sky", "request_refund") is None


def test_every_answer_names_a_response_of_the_domain():
    domain = yaml.safe_load(open(ANSWERS_FILE.parent.parent / "domain.yml", encoding="utf-8"))
    assert answers()
    assert [a.response for a in answers() if a.response not in domain["responses"]] == []


def test_an_answer_for_after_a_grant_is_given_only_after_it():
    question = "will they know its butter only? or do i need to tell them again"
    assert answer_for(question, "report_wrong_item", ["remake"]) == "utter_answer_remake_how"
    assert answer_for(question, "report_wrong_item", []) == "utter_answer_case_goes_with"


def test_a_table_lamp_is_not_a_table_booking():
    assert answer_for("does the table lamp come with a bulb?", "request_refund") is None
    assert answer_for("if its cold can we move inside on the day? theres 10 of us", None) == "utter_answer_table_booking"


@pytest.mark.parametrize(
    "text, case_type, granted, expected",
    [
        ("and it'll be the size 8 right?", "report_wrong_item", ["exchange"], "utter_answer_exchange_size"),
        ("how long does a refund take?", "report_wrong_item", [], "utter_answer_refund_time"),
        ("can i use it together with spring15 or only one code per order?", "coupon_problem", [], "utter_answer_coupon_stack"),
        ("does it work in your cafes as well or only online?", "coupon_problem", [], "utter_answer_coupon_where"),
    ],
)
def test_more_answers(text, case_type, granted, expected):
    assert answer_for(text, case_type, granted) == expected
