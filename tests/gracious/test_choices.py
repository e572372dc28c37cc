"""Typed replies read against the buttons just offered."""

import pytest
import yaml

from gracious import choices
from gracious.choices import WHICH, Option, also_named, as_requests, options_from, resolve
from gracious.settings import ROOT

WORDS = yaml.safe_load((ROOT / "catalog" / "choice_words.yml").read_text())["words"]
OFFER = [
    Option("A $10.00 goodwill credit", '/choose_alternative{"alternative": "goodwill_credit"}'),
    Option(
        "Tell me about the international calling add-on", '/choose_alternative{"alternative": "international_plan"}'
    ),
    Option("Call me back at a time that suits me", '/choose_alternative{"alternative": "callback"}'),
    Option("None of these", "/deny"),
]
SHOES = [
    Option("An exchange, with return postage on us", '/choose_alternative{"alternative": "exchange"}'),
    Option("A full refund", '/choose_alternative{"alternative": "refund"}'),
    Option("$10.00 in store credit", '/choose_alternative{"alternative": "store_credit"}'),
    Option("None of these", "/deny"),
]


@pytest.mark.parametrize(
    "text, index",
    [
        ("the first one", 0),
        ("oh nice, yes the first one", 0),
        ("option 2", 1),
        ("2", 1),
        ("the last one", 2),  # the last real option, not "None of these"
        ("second please", 1),
        ("so summer20 is too old? fine, the first one i guess. what is it", 0),  # a shrug around it
        ("alright the last one i suppose", 2),
        ("A $10.00 goodwill credit", 0),
        ("yes please credit it", 0),
        ("the credit", 0),
        ("just call me back", 2),
        ("ring me tomorrow", 2),
        ("tell me about the add-on", 1),
        ("none of these", 3),
        ("no thanks", 3),
    ],
)
def test_a_typed_reply_picks_the_button_it_means(text, index):
    assert resolve(text, OFFER, WORDS) == index


@pytest.mark.parametrize(
    "text, index",
    [
        ("exchange pls", 0),
        ("swap them for a 9.5", 0),
        ("the refund", 1),
        ("refund pls", 1),
        ("i'll take the store credit", 2),
        ("voucher is fine", 2),
        ("money back please", 1),
    ],
)
def test_words_of_the_kind_pick_it(text, index):
    assert resolve(text, SHOES, WORDS) == index


@pytest.mark.parametrize(
    "text",
    ["the credit", "what's the refund policy?", "why only domestic calls?", "hello?", "/deny", "", "whatever"],
)
def test_replies_that_name_no_single_option_are_left_to_the_classifier(text):
    both_credits = SHOES + [Option("A $10.00 goodwill credit", '/choose_alternative{"alternative": "goodwill_credit"}')]
    assert resolve(text, both_credits, WORDS) is None


def test_yes_picks_the_only_option_offered_and_among_several_asks_which():
    only = [Option("I'm locked out: talk to a person", "/request_human")]
    assert resolve("yes please", only, WORDS) == 0
    assert resolve("yes please", OFFER, WORDS) == WHICH


def test_a_question_is_read_as_a_choice_when_the_classifier_says_so():
    assert resolve("will the refund be quick?", SHOES, WORDS) is None
    assert resolve("the refund?", SHOES, WORDS, question=False) == 1


def test_asking_for_an_option_in_a_question_takes_it():
    # Blind panels p47 07, p48 07: "can i have ...?" asks for it; "what's the refund policy?" asks about it.
    assert resolve("can I have the refund?", SHOES, WORDS) == 1
    assert resolve("could i get the refund please?", SHOES, WORDS) == 1
    assert resolve("what's the refund policy?", SHOES, WORDS) is None
    assert as_requests("can i have the credit and the email updates? both") == (
        "can i have the credit and the email updates. both"
    )


def test_clarification_buttons_are_read_the_same_way():
    clarify = [
        Option("A charge on my bill looks wrong", '/dispute_charge{"order_id": "BL-30017"}'),
        Option("I'd like my money back, or to return something", "/request_refund"),
    ]
    assert resolve("the bill one", clarify, WORDS) == 0
    assert resolve("money back", clarify, WORDS) == 1
    assert clarify[0].key == "dispute_charge" and OFFER[0].key == "goodwill_credit"


def test_thanks_that_mentions_an_option_does_not_choose_it():
    # "The London calls make sense. Thanks for explaining." is thanks, not a callback.
    assert resolve("The London calls make sense. Thanks for explaining.", OFFER, WORDS, by_words=False) is None
    # Nor are "calls" on a bill a call asked for, whatever the reading.
    assert resolve("The London calls make sense. Thanks for explaining.", OFFER, WORDS) is None
    assert resolve("i made 4 calls to london not 3", OFFER, WORDS) is None


NEXT_PROBLEM = [
    Option("Yes, let's look at it", '/check_order_status{"order_id": "LK-10423"}'),
    Option("No, that's everything", "/goodbye"),
]


@pytest.mark.parametrize("text, index", [("yes", 0), ("ok sure", 0), ("no thanks", 1), ("nope", 1), ("that's all", 1)])
def test_yes_or_no_to_looking_at_the_second_problem(text, index):
    assert resolve(text, NEXT_PROBLEM, WORDS) == index


KETTLE = [
    Option("A $15.00 goodwill credit", '/choose_alternative{"alternative": "goodwill_credit"}'),
    Option("A full refund", '/choose_alternative{"alternative": "refund"}'),
    Option("None of these", "/deny"),
]


@pytest.mark.parametrize(
    "text, index",
    [
        ("i dont want a credit i want to return the stupid kettle and get my money back", 1),
        ("i don't need a refund, credit is fine", 0),
        ("no refund, the credit", 0),
        ("a refund doesnt help me", None),  # refused, nothing else named: left to the classifier
        ("no thanks", 2),
    ],
)
def test_what_is_refused_is_never_chosen(text, index):
    assert resolve(text, KETTLE, WORDS) == index


CAFE = [
    Option("Make it again, on us", '/choose_alternative{"alternative": "remake"}'),
    Option("$5.00 in store credit", '/choose_alternative{"alternative": "store_credit"}'),
    Option("None of these", "/deny"),
]


@pytest.mark.parametrize(
    "text, index",
    [
        ("Remaking it is fine, I'm still here. Do I just show this to the barista?", 0),
        ("is the credit instant?", None),
        ("what's the remake? the credit then", 1),
        ("store credit. does it go on my card?", 1),
        # Blind panel p44 05: "No credit was started", the choice lost in the question after its comma.
        ("Ill take the credit, when will it show up on my bill?", 1),
        ("is it the credit, or what?", None),
    ],
)
def test_a_choice_said_around_a_question_still_counts(text, index):
    assert resolve(text, CAFE, WORDS) == index


def test_a_statement_beside_a_question_chooses_only_when_it_says_so():
    assert resolve("why not? I made lots of calls", OFFER, WORDS) is None
    assert resolve("why not? ok the credit then", OFFER, WORDS) == 0


def test_two_options_named_the_one_taken_is_chosen():
    from gracious.choices import options_from, resolve
    from server.dialogue.offers import choice_words

    offer = options_from(
        [
            {"title": "A $10.00 goodwill credit", "payload": '/choose_alternative{"alternative":"goodwill_credit"}'},
            {
                "title": "Tell me about the international calling add-on",
                "payload": '/choose_alternative{"alternative":"international_plan"}',
            },
            {"title": "None of these", "payload": "/deny"},
        ]
    )
    said = "nice ill sort the add on myself. and yeah ill take the 10 dollar credit if its going, cheers"
    assert resolve(said, offer, choice_words()) == 0
    assert resolve("the credit or the add on, not sure", offer, choice_words()) is None


def test_a_yes_with_more_said_picks_the_only_option():
    from gracious.choices import options_from, resolve

    offer = options_from(
        [
            {"title": "Yes, let's look at it", "payload": "/complain_no_response"},
            {"title": "No, that's everything", "payload": "/goodbye"},
        ]
    )
    assert resolve("yes. call me", offer, {}) == 0
    # A no picks neither by its words: the classifier reads it (deny, goodbye), never as the yes.
    assert resolve("no. bye", offer, {}) is None


def test_two_options_taken_in_one_message_are_both_named():
    from gracious.choices import also_named, options_from, resolve
    from server.dialogue.offers import choice_words

    offer = options_from(
        [
            {"title": "A $10.00 goodwill credit", "payload": '/choose_alternative{"alternative":"goodwill_credit"}'},
            {"title": "Email me tracking updates", "payload": '/choose_alternative{"alternative":"delivery_updates"}'},
            {"title": "A full refund", "payload": '/choose_alternative{"alternative":"refund"}'},
            {"title": "None of these", "payload": "/deny"},
        ]
    )
    said = "the credit pls and also email me the tracking"
    first = resolve(said, offer, choice_words())
    assert {first, *also_named(said, offer, choice_words(), first)} == {0, 1}
    assert also_named("the credit pls, i dont want a refund", offer, choice_words(), 0) == []
    # "just do the tracking emails AND the 10 dollar credit then" (blind panel p51 04): both taken.
    said = "just do the tracking emails AND the 10 dollar credit then"
    first = resolve(said, offer, choice_words())
    assert {first, *also_named(said, offer, choice_words(), first)} == {0, 1}
    # A conversation of our own, 6 December: the credit, and "can i have both?" for the tracking emails.
    said = "i'll take the credit i guess. and the tracking emails too can i have both?"
    first = resolve(said, offer, choice_words())
    assert {first, *also_named(said, offer, choice_words(), first)} == {0, 1}
    # A question about another option is still no taking of it.
    assert also_named("the credit please. is the refund quicker?", offer, choice_words(), 0) == []


# Review of the third panel's fixes: an ordinal of something else is no place picked.
@pytest.mark.parametrize(
    "text",
    [
        "NO. THIS IS THE SECOND TIME THIS HAS HAPPENED",
        "no, the first one arrived broken",
        "it came last week",
        "not the first one",
        "is the first one free?",
    ],
)
def test_an_ordinal_of_something_else_picks_no_place(text):
    assert resolve(text, SHOES, WORDS) is None


COUPON = [
    Option("Apply SPRING15 (15% off) this time", '/choose_alternative{"alternative": "honour_coupon"}'),
    Option("Use today's offer instead", '/choose_alternative{"alternative": "current_offer"}'),
    Option("None of these", "/deny"),
]


@pytest.mark.parametrize(
    "text, index",
    [
        ("lol obviously the 15 then", 0),  # the percentage of a button names it
        ("i want SPRING15 applied like you offered", 0),  # so does its code
        ("spring15 please", 0),
        ("the 10 dollar one", None),  # a number no button has names none
    ],
)
def test_a_code_or_a_percentage_in_a_button_names_it(text, index):
    assert resolve(text, COUPON, WORDS) == index


def test_a_price_in_a_button_is_no_name_for_it():
    # "$10.00 in store credit" is not "a size 10": prices are left out of a button's words.
    assert resolve("can i swap them for a 10", SHOES[1:3], WORDS) is None


LATE = [
    Option("A $10.00 goodwill credit", '/choose_alternative{"alternative": "goodwill_credit"}'),
    Option("Email me tracking updates", '/choose_alternative{"alternative": "delivery_updates"}'),
    Option("A full refund", '/choose_alternative{"alternative": "refund"}'),
    Option("None of these", "/deny"),
]


def test_what_was_asked_for_before_is_not_chosen_now():
    said = "the 10 dollar credit, and i already asked for tracking emails earlier today fyi"
    assert resolve(said, LATE, WORDS, question=False) == 0
    assert also_named(said, LATE, WORDS, 0) == []


def test_two_options_each_named_in_a_clause_of_its_own_are_both_taken():
    assert resolve("the credit and the tracking emails", LATE, WORDS, question=False) == 0
    assert also_named("the credit and the tracking emails", LATE, WORDS, 0) == [1]
    # Named together in one clause, neither is sure: left to ask.
    assert resolve("credit tracking emails", LATE, WORDS, question=False) is None


@pytest.mark.parametrize(
    "text",
    [
        "ok put the 25 on then",  # blind panel p36 20: the offered $25 credit, never given
        "so no free coffee then. ok put the 25 on then. and what about the courier, are they getting fired",
        "i'll take the $25",
        "fine, 25 dollars it is",
    ],
)
def test_a_credit_named_by_its_amount_is_chosen(text):
    buttons = [
        {"title": "A $25.00 goodwill credit", "payload": '/choose_alternative{"alternative": "goodwill_credit"}'},
        {"title": "Talk to a person", "payload": '/choose_alternative{"alternative": "human"}'},
        {"title": "None of these", "payload": "/deny"},
    ]
    assert resolve(text, options_from(buttons), {}) == 0


@pytest.mark.parametrize(
    "text", ["i just said i left lol. ill take the 15", "the 15 credit please", "ok i want the 15"]
)
def test_a_smaller_credit_taken_by_its_amount_is_chosen(text):
    # Blind panel p54 B08: "ill take the 15" with the $15 goodwill credit on offer.
    assert resolve(text, STAFF, {}) == 2


def test_a_bare_number_is_never_a_price():
    buttons = [
        {
            "title": "An exchange, with return postage on us",
            "payload": '/choose_alternative{"alternative": "exchange"}',
        },
        {"title": "$10.00 in store credit", "payload": '/choose_alternative{"alternative": "store_credit"}'},
    ]
    assert resolve("can i get the 10 instead", options_from(buttons), {}) != 1


STAFF = [
    Option("Talk to a person", '/choose_alternative{"alternative": "human"}'),
    Option("Call me back at a time that suits me", '/choose_alternative{"alternative": "callback"}'),
    Option("A $15.00 goodwill credit", '/choose_alternative{"alternative": "goodwill_credit"}'),
    Option("None of these", "/deny"),
]


@pytest.mark.parametrize(
    "text, index", [("can i speak to a manager", 0), ("get me the manager", 0), ("manager please", 0)]
)
def test_a_manager_asked_for_is_a_person(text, index):
    assert resolve(text, STAFF, WORDS) == index


def test_a_manager_to_be_told_is_no_choice_of_a_person():
    # "i dont want money i just want the manager to know": the feedback goes on; nobody is queued.
    assert resolve("i dont want money i just want the manager to know", STAFF, WORDS) is None


def test_one_more_taken_with_too_beside_the_first():
    # Blind panel p39 03: "the 10 bucks too" was dropped beside the tracking updates.
    said = "ok email me the tracking updates. and the 10 bucks too if thats on offer"
    assert resolve(said, LATE, WORDS, question=False) == 1
    assert also_named(said, LATE, WORDS, 1) == [0]
    assert also_named("email me the tracking. a refund too? no, forget it", LATE, WORDS, 1) == []


def test_ok_beside_a_case_told_is_not_a_yes_to_the_only_option():
    # Blind panel p42 07: "ok in english then. my coupon ... why?" after the offer of a person, in Spanish
    # and English, brought a person and a call nobody asked for.
    person = [Option("Talk to a person", '/choose_alternative{"alternative": "human"}')]
    told = "ok in english then. my coupon SPRING15 doesnt work at checkout, why?"
    assert resolve(told, person, WORDS) is None
    assert resolve("yes. call me", person, WORDS) == 0
    assert resolve("ok please", person, WORDS) == 0


def test_calling_somewhere_is_no_choice_of_the_calling_add_on():
    # Blind panel p42 05: "im at home calling london. just answer the question" took the add-on.
    said = "i literally said im NOT abroad. im at home calling london. just answer the question"
    assert resolve(said, OFFER, WORDS) is None
    assert resolve("tell me about the add on", OFFER, WORDS) == 1


def test_a_question_after_the_first_sentence_picks_nothing_by_its_words():
    # Blind panel p42 23: "how much was each call" as the third sentence booked a call.
    said = "the amounts. seattle, austin, whatever. how much was each call"
    assert resolve(said, OFFER, WORDS) is None
    assert resolve("ok the credit. when will it show up", OFFER, WORDS) == 0


def test_a_credit_not_asked_for_is_not_taken():
    # "hang on. i didnt ask for a credit. i was CHARGED TWICE" took the $10 credit (a panel of our own, 3 December).
    said = "hang on. i didnt ask for a credit. i was CHARGED TWICE. i want the second payment back"
    assert resolve(said, OFFER, WORDS, question=False) is None


def test_a_yes_said_twice_over_then_what_to_do_takes_the_one_option():
    # Blind panel p43 04: "yeah id like that, have someone check it" to a lone "Talk to a person" got a menu.
    person = options_from([{"title": "Talk to a person", "payload": "/request_human"}])
    assert resolve("yeah id like that, have someone check it", person, {}, question=False) == 0


def test_what_a_title_says_it_is_not_picks_nothing():
    # Blind panel p49 05: "my ORDER. the grinder. its late" picked "Something else, not an order or bill".
    clarify = [
        Option("Please call me back", "/request_callback"),
        Option("Something else, not an order or bill", "/out_of_scope"),
    ]
    assert resolve("are you serious. my ORDER. the grinder. its late. where is it", clarify, WORDS) is None
    assert resolve("something else", clarify, WORDS) == 1


@pytest.mark.parametrize(
    "text, question, expected",
    [
        # Blind panel p49 10: "I said I will take it." with today's offer and a person offered.
        ("I said I will take it.", False, 0),
        ("Only 10. Well I will take it I suppose. Does it work on sale items?", True, 0),
        ("fine ill take that one", False, 0),
        # Taking it as something said, or refusing it, takes nothing.
        ("ill take that as a no then", False, None),
        ("i will not take it", False, None),
    ],
)
def test_taking_it_is_the_one_thing_on_offer_never_a_person(text, question, expected):
    offer = [
        Option("Use today's offer instead", '/choose_alternative{"alternative": "current_offer"}'),
        Option("Talk to a person", '/choose_alternative{"alternative": "human"}'),
        Option("None of these", "/deny"),
    ]
    assert resolve(text, offer, WORDS, question=question) == expected


def test_taking_it_with_two_things_on_offer_is_not_a_choice_yet():
    offer = [
        Option("An exchange, with return postage on us", '/choose_alternative{"alternative": "exchange"}'),
        Option("A full refund", '/choose_alternative{"alternative": "refund"}'),
        Option("None of these", "/deny"),
    ]
    assert resolve("I said I will take it.", offer, WORDS, question=False) is None


def test_can_i_also_get_beside_taking_one_takes_both():
    # Blind panel p50 04: the credit asked for beside the tracking was dropped.
    said = "ok email me the tracking. can i also get that 10 dollar thing or is it one or the other"
    assert also_named(said, LATE, WORDS, 1) == [0]
    # Asked with a condition, it is a question still.
    assert also_named("ok email me the tracking. can i also get a refund if it never comes?", LATE, WORDS, 1) == []


def test_a_yes_after_a_question_about_one_option_takes_it():
    from gracious.choices import yes_to_the_one_asked

    coupon = [
        Option("Apply SPRING15 (15% off) this time", '/choose_alternative{"alternative": "honour_coupon"}'),
        Option("Use today's offer instead", '/choose_alternative{"alternative": "current_offer"}'),
        Option("None of these", "/deny"),
    ]
    # Blind panel p50 07: "I'd rather not guess" to a yes about the button just shown.
    assert yes_to_the_one_asked("wait you can still apply it? yes please do that", coupon, WORDS) == 0
    assert yes_to_the_one_asked("yes please do that", coupon, WORDS) is None  # no question naming one
    assert yes_to_the_one_asked("can you apply it? why though", coupon, WORDS) is None  # no yes at the end


def test_what_about_an_option_asked_beside_the_choice_is_taken_too():
    # A panel of our own, 5 December: "fine the refund. and what about something for the trouble?" got the refund
    # only, the credit asked for dropped.
    said = "fine the refund. and what about something for the trouble?"
    assert resolve(said, LATE, WORDS, question=False) == 2
    assert also_named(said, LATE, WORDS, 2) == [0]
    # A real question about an option is still no choice of it.
    assert also_named("the refund please. is the credit taxable?", LATE, WORDS, 2) == []


@pytest.mark.parametrize(
    "text", ["ok cool", "ok", "got it, thanks", "makes sense", "Cool.", "ah ok thank you", "i see"]
)
def test_an_answer_taken_in_chooses_nothing(text):
    assert choices.acknowledges(text)


@pytest.mark.parametrize("text", ["ok the exchange then", "ok refund", "yes please", "cool, the credit", "ok but why"])
def test_words_after_the_ok_are_more_than_taking_it_in(text):
    assert not choices.acknowledges(text)
