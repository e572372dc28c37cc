"""gracious/repair.py and server/dialogue/typed_choices.py word checks: what is taken back, what chooses nothing."""

import pytest

from gracious.repair import cancels_grant, named_kinds


@pytest.mark.parametrize(
    "text",
    [
        "credit it please. and cancel that email thing then, dont need it",
        "i dont need an email either",
        "please cancel the $25 credit",
    ],
)
def test_taking_back_a_grant_or_the_email(text):
    assert cancels_grant(text)


@pytest.mark.parametrize(
    "text", ["cancel the call and email me instead", "i dont want a call. EMAIL.", "can you email me the details"]
)
def test_asking_for_an_email_is_not_cancelling_one(text):
    assert not cancels_grant(text)


def test_the_email_follow_up_is_a_kind_a_customer_can_name():
    assert named_kinds("did you cancel the email follow up?") == {"email"}


@pytest.mark.parametrize(
    "text, pushes_back",
    [
        ("can you not make an exception, its faulty. $20 credit on a $60 lamp is a joke", True),
        ("no. i want the CEO himself. whats his email then", True),
        ("the credit please", False),
        ("ok the first one then", False),
    ],
)
def test_an_option_named_to_push_back_on_it_is_not_chosen(text, pushes_back):
    from server.dialogue.offers import not_choosing

    assert not_choosing(text) is pushes_back


def test_only_what_follows_the_cancelling_word_is_taken_back():
    from gracious.repair import kinds_to_cancel

    assert kinds_to_cancel("credit it please. and cancel that email thing then, dont need it") == {"email"}
    assert kinds_to_cancel("cancel the credit and the exchange") == {"credit", "exchange"}
    assert kinds_to_cancel("the refund is fine, cancel the credit") == {"credit"}


@pytest.mark.parametrize(
    "text, asks",
    [
        ("and the 10 dollar credit?", True),
        ("you offered me a $10 goodwill credit. i said i want it. do i get it or not", True),
        ("can i have the credit?", False),
        ("the credit please", False),
        # A conversation of our own, 6 December: leave to send it back asked, never a refund's progress.
        ("So may I return it for a refund or not? Kindly give me a plain answer.", False),
        ("did the refund go through or not?", True),
    ],
)
def test_a_question_about_what_was_granted(text, asks):
    from gracious.repair import asks_status

    assert asks_status(text) is asks


def test_a_phrase_matches_with_a_comma_between_its_words_and_not_inside_other_words():
    from gracious.wordlists import word_pattern

    pattern = word_pattern(["no thats fine", "no thanks"])
    assert pattern.search("no, thats fine thx") and pattern.search("No,  thanks!") and pattern.search("no thanks")
    assert not pattern.search("no,, thanks") and not pattern.search("piano thanks") and not pattern.search("nothanks")


@pytest.mark.parametrize(
    "text, leaving",
    [
        ("can you switch on the add on for me then, i'm going to london again next month", False),
        ("im off work tomorrow so call me then", False),
        ("do i have to go to the post office", False),
        ("ok im off now, thanks", True),
        ("gotta run, bye", True),
        ("i have to go now", True),
    ],
)
def test_goodbye_words_leave_only_when_they_say_goodbye(text, leaving):
    from gracious.repair import says

    assert says("goodbye", text) is leaving


def test_im_done_is_leaving():
    from gracious.repair import says

    assert says("goodbye", "i said no thanks. im done")


def test_a_phrase_matches_its_words_joined_by_a_hyphen():
    from gracious.wordlists import word_pattern

    pattern = word_pattern(["turn the add on on"])
    assert pattern.search("and can you turn the add-on on for me") and pattern.search("turn the add - on on")
    assert not pattern.search("turn the addon on")  # one word is another word


@pytest.mark.parametrize(
    "text, expected",
    [
        # Blind panel p43 24, 19: said when opening the case, never asked for it straight after.
        ("i dont have the order number on me, its at home", True),
        ("I am afraid I have lost the order number.", True),
        ("no order number sorry", True),
        ("I have no idea why the number is so high", False),
        ("the number on the bill is wrong", False),
    ],
)
def test_saying_there_is_no_number_to_hand(text, expected):
    from gracious.repair import says_no_number

    assert says_no_number(text) is expected


def test_only_what_follows_a_change_of_mind_in_one_message_counts():
    from gracious.repair import after_a_change_of_mind

    # Blind panel p50 21: the remake turned down in the same breath.
    text = "yes remake it. oh wait actually no, im in a rush, can i just get my money back instead"
    assert after_a_change_of_mind(text) == "im in a rush, can i just get my money back instead"
    assert after_a_change_of_mind("the credit. on second thought, the refund") == "the refund"
    assert after_a_change_of_mind("yes the remake. actually no") == ""
    # Said first, it changes nothing before it.
    assert after_a_change_of_mind("actually no, the refund") == "actually no, the refund"
    assert after_a_change_of_mind("the refund please") == "the refund please"


@pytest.mark.parametrize(
    "text, asks",
    [
        # Blind panel p50 18: whether there is more than one call booked.
        ("wait, so do I now have two calls booked? I only want one", True),
        ("so how many calls do i have now? two?", True),
        ("am i double booked", True),
        # A bill's calls are never the calls we book.
        ("i was charged for two calls i didnt make", False),
        ("how many calls were on my bill", False),
    ],
)
def test_asking_whether_more_than_one_call_is_booked(text, asks):
    from gracious.repair import MORE_THAN_ONE_CALL

    assert bool(MORE_THAN_ONE_CALL.search(text)) is asks


@pytest.mark.parametrize(
    "text, closes",
    [
        # Blind panel p58 D4: a formal close with a long thank you.
        ("No, that will be all. Thank you for your patience with an old woman.", True),
        ("No, that is all. Thank you.", True),
        ("thats all. thanks for nothing", True),
        ("that is all i have to say about the rude staff. thank you", False),
        ("thanks thats all, but when will it arrive?", False),
        ("no thats it. the lamp still doesnt work", False),
        # Blind panel p59 F03, F05: kind words, or waiting for what was arranged, beside the close.
        ("Alright, I will wait for the email then. No thank you, that is everything. You have been very kind.", True),
        ("ok. i wait for the call tomorrow 9. no thanks, is all", True),
        ("ok. the lamp sparks. thats all", False),
        # Blind panel p60 H05: the close itself said in short clauses beside its thanks.
        (
            "No, that is everything, thank you ever so much, young person. You have been most patient with me and I am "
            "very grateful.",
            True,
        ),
        ("no thats all, but my jacket still hasnt come", False),
        # Blind panel p61 I04: what was arranged, waited for in other words.
        ("Very well, I will ask on the call tomorrow. That is all for now, thank you.", True),
    ],
)
def test_a_close_with_only_thanks_beside_it(text, closes):
    from gracious.repair import closes_with_thanks

    assert closes_with_thanks(text) is closes


@pytest.mark.parametrize(
    "text, asks",
    [
        # Blind panel p58 D4: formal wording still asks for a call.
        ("Thank you, that is most kind. I should prefer a telephone call, if it is not too much trouble.", True),
        ("Forgive me, I believe I was unclear. I should like you to telephone me, please.", True),
        ("3 calls? i made 4 calls to london", False),
    ],
)
def test_a_call_asked_for_in_formal_words(text, asks):
    from gracious.repair import ASKS_FOR_A_CALL

    assert bool(ASKS_FOR_A_CALL.search(text)) is asks


@pytest.mark.parametrize(
    "text, leaves",
    [
        # Blind panel p59 E10: the opening words leave, whatever reason follows.
        ("actually never mind, kids need me. ill just look at the bill myself later", True),
        ("oh never mind! ill call back another day when im free to talk about it all", True),
        ("never mind. my order LK-10423 is late and i want to know where it is right now", False),
        ("i never mind waiting normally but this is the third week of nothing at all", False),
    ],
)
def test_a_cancel_that_opens_a_longer_message(text, leaves):
    from gracious.repair import cancels

    assert cancels(text) is leaves


def test_no_then_a_refused_person_is_a_person_refused():
    from gracious.choices import options_from
    from gracious.saying_no import refuses
    from server.dialogue.offers import choice_words

    person = options_from([{"title": "Talk to a person", "payload": '/choose_alternative{"alternative": "human"}'}])
    # Blind panel p59 F07: "no i dont want a person" brought a person.
    assert refuses("no i dont want a person. i booked the terrace", person, choice_words())
    assert not refuses("yes a person please", person, choice_words())


@pytest.mark.parametrize(
    "text, asks",
    [
        # Blind panel p60 G03: a missed word in another sentence never hides the call asked for.
        ("where is my grinder. nobody has told me anything. i want someone to call me", True),
        ("nobody ever called me back", False),
        ("i dont want a call, nobody answers anyway", False),
    ],
)
def test_a_call_asked_for_is_read_sentence_by_sentence(text, asks):
    from gracious.repair import asks_for_a_call

    assert asks_for_a_call(text) is asks


def test_not_waiting_for_a_phone_call_turns_a_call_down():
    from gracious.repair import refuses_call

    # Blind panel p60 H03: "a person then. but by email" was booked a call.
    assert refuses_call("a person then. but by email, i am not sitting around waiting for a phone call")


@pytest.mark.parametrize(
    "text, thanks",
    [
        # Blind panel p60 G02: their own words for what happens next, then thanks.
        ("ok so if i drop them off tomorrow i should have them by like next week. thats fine, thanks", True),
        ("got it, the label is in my email. perfect thank you", True),
        ("so i drop them off tomorrow? thanks", False),
        ("thanks", False),
        ("the lamp still flickers. thanks for nothing really, what now", False),
    ],
)
def test_an_acceptance_with_thanks_at_the_end(text, thanks):
    from gracious.repair import ends_with_thanks

    assert ends_with_thanks(text) is thanks
