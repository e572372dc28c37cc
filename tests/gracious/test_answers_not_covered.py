"""Stricter matching for questions no policy covers: "do you ship to canada" finds the honest
shipping-destinations answer (catalog/answers.yml `anywhere`, with a second word), and questions
about the delivery topic alone, or about international calls, do not."""

from __future__ import annotations

import pytest

from gracious.answers import answer_anywhere, find_answer

SHIPPING = "utter_answer_shipping_destinations"


@pytest.mark.parametrize(
    "text",
    [
        "do you ship to canada",
        "do you ship to canada btw",
        "Do you ship internationally?",
        "do u deliver to the UK",
        "can you send orders abroad?",
        "which countries do you ship to",
        "is international shipping available",
        "do you deliver outside the US?",
    ],
)
def test_where_we_ship_is_answered_honestly(text):
    found = answer_anywhere(text)
    assert found is not None and found.response == SHIPPING and found.person
    # In a case too, whatever its kind: the first answer that fits.
    assert find_answer(text, "dispute_charge").response == SHIPPING
    assert find_answer(text, "check_order_status").response == SHIPPING


@pytest.mark.parametrize(
    "text",
    [
        "how much is shipping?",  # the delivery topic alone: the delivery policy
        "when will my order arrive",
        "does the volume discount apply to international calls?",  # calls, not shipping
        "why am i charged for calls to london",
        "what are your opening hours",
        "my order LK-10423 hasn't been delivered",
        "will i have roaming in canada",  # a phone abroad, not a parcel
    ],
)
def test_questions_about_something_else_do_not_match(text):
    assert answer_anywhere(text) is None


def test_an_address_is_no_country_but_has_its_own_answer():
    # "can you ship to my office instead of home" is never where we ship; since blind panel p60 H02, who can send it
    # elsewhere.
    assert answer_anywhere("can you ship to my office instead of home").response == "utter_answer_deliver_elsewhere"


def test_the_roaming_answer_still_fits_a_bill_about_travel():
    assert find_answer("will i have roaming when i go to canada", "dispute_charge").response == (
        "utter_answer_roaming_future"
    )


@pytest.mark.parametrize(
    "text",
    [
        "hiya, jacket LK-10424 — can i change it from green to black before it ships? same size S",
        "can I change the size before it goes out",
    ],
)
def test_changing_an_order_not_yet_sent_is_answered_with_a_person_offered(text):
    # Blind panel p34 05: "not something I can do. Orders, bills ... are where I'm useful".
    found = answer_anywhere(text, question=True)
    assert found is not None and found.response == "utter_answer_order_change" and found.person


@pytest.mark.parametrize(
    "text",
    ["you sent the wrong colour, can i swap it for the navy one? order LK-10421", "change the colour please"],
)
def test_a_swap_in_a_wrong_item_case_is_not_an_order_change(text):
    assert answer_anywhere(text, question=True) is None


def test_allergens_asked_about_before_a_visit_are_answered_but_not_a_staff_complaint():
    asked = (
        "my son has a bad peanut allergy. are the pastries at your elm st cafe safe for him or are they made with nuts?"
    )
    assert answer_anywhere(asked, question=True).response == "utter_answer_allergen_info"
    rude = "the guy at the cafe this morning rolled his eyes at me when i asked if the muffins had nuts"
    assert answer_anywhere(rude, question=True) is None


def test_the_policy_in_hand_has_its_own_answer_before_the_general_one():
    # "do i need the receipt?" about a stale croissant (blind panel p46 24): the café's answer, never "your orders
    # are on your account"; outside the café, the general one about orders and bills.
    assert answer_anywhere("do i need the receipt?", policy="cafe_remake").response == "utter_answer_receipt_cafe"
    assert answer_anywhere("do i need the receipt?", policy="returns_window").response == "utter_answer_receipt_needed"
    assert answer_anywhere("do i need the receipt?").response == "utter_answer_receipt_needed"


def test_a_promise_by_one_of_us_is_told_apart_from_the_plans_own_terms_and_a_call_never_made():
    said = "i was told on the phone last week id get a $20 credit for the london calls but its not on my bill"
    assert answer_anywhere(said).id == "promised_by_us"
    for plan_or_call in (
        "why is my bill so high?? i was PROMISED a discount. bl-30017",
        "BL-30018 still shows no discount at all, i was told 10% off",
        "I was promised a call back yesterday and nobody called me",
    ):
        found = answer_anywhere(plan_or_call)
        assert found is None or found.id != "promised_by_us", plan_or_call
