"""What a customer says at an offer that is not a choice (blind panel p32, 2 December).

"hm why isnt international included" was read as the add-on's button; "10 bucks?? thats it? i
want 50 off" got "I'd rather not guess"; "ok english. my bill BL-30018 no discount" under a lone
"Talk to a person" button was read as that button. Rasa's own parsing is stood in for by the
classifier's reading each test gives (tests/server/test_typed_no.py).
"""

from __future__ import annotations

import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.slots import AnySlot
from rasa.shared.core.trackers import DialogueStateTracker

from server.dialogue.offers import REASON_ASKED, not_choosing
from tests.server.test_typed_no import SLOTS, chosen, offered, parse

BILL_OFFER = [
    {"title": "A $10.00 goodwill credit", "payload": '/choose_alternative{"alternative": "goodwill_credit"}'},
    {
        "title": "Tell me about the international calling add-on",
        "payload": '/choose_alternative{"alternative": "international_plan"}',
    },
    {"title": "None of these", "payload": "/deny"},
]


@pytest.mark.parametrize(
    "text",
    ["hm why isnt international included, thats kind of a rip off", "ok but how come international isnt included?"],
)
def test_asking_why_names_an_option_without_taking_it(text):
    assert not_choosing(text)
    result = parse(text, "choose_alternative", offered(), [])
    assert chosen(result) is None


def test_a_question_about_an_option_is_not_a_why():
    assert not REASON_ASKED.search("how much is the add on")
    assert not not_choosing("the international add on please")


@pytest.mark.parametrize(
    "text",
    [
        "10 bucks?? thats it? i want it delivered TOMORROW or i want 50 off",
        "give me $50",
        "i want 40 back",
        "can you make the credit 25 instead?",
    ],
)
def test_more_money_than_the_offer_is_answered_in_the_case(text):
    result = parse(text, "nlu_fallback", offered())
    assert result["intent"]["name"] == "ask_why"
    assert result["repair"] == "case_question"
    assert result["answers"] == ["utter_answer_more_than_offered"]
    assert result["answer_person"] is False


def test_a_sum_is_not_a_demand_once_something_was_taken():
    result = parse("i want 50 off", "nlu_fallback", offered(accepted_alternative="refund"))
    assert result.get("repair") != "case_question"


def person_offered() -> DialogueStateTracker:
    """After the other-language answer: one button, a person."""
    state = DialogueStateTracker("hola", [AnySlot(n, mappings=[{}]) for n in SLOTS])
    state.update(UserUttered("hola, mi factura no tiene el descuento"))
    state.update(ActionExecuted("action_other_language"))
    state.update(
        BotUttered(
            "I can only help in English here.",
            data={"buttons": [{"title": "Talk to a person", "payload": "/request_human"}]},
        )
    )
    state.update(ActionExecuted("action_listen"))
    return state


def test_a_case_told_under_a_lone_person_button_is_the_case():
    bill = [{"entity": "order_id", "value": "BL-30018", "start": 20, "end": 28}]
    result = parse("ok english. my bill BL-30018 no discount", "dispute_charge", person_offered(), bill)
    assert result["intent"]["name"] == "dispute_charge"
    assert result.get("typed_choice") is None


def test_ok_alone_under_a_lone_person_button_is_still_that_button():
    result = parse("ok", "affirm", person_offered())
    assert result["intent"]["name"] == "request_human"


def test_sure_why_not_agrees():
    assert not not_choosing("sure why not, the refund")
    assert not_choosing("why not included?")


def bill_offered() -> DialogueStateTracker:
    """The domestic-only discount explained on BL-30017, its offer just made."""
    return offered(
        BILL_OFFER,
        "my bill BL-30017 is wrong",
        case_type="dispute_charge",
        policy_id="volume_discount_domestic",
        order_id="BL-30017",
        offered_alternatives=["goodwill_credit", "international_plan"],
    )


def test_an_option_taken_beside_a_question_about_another_is_taken():
    # p33 06: "ok take the 10 dollar credit. and can you turn the add on on for me now?" got the
    # add-on's price again and no credit.
    result = parse(
        "ok take the 10 dollar credit. and can you turn the add on on for me now?", "ask_policy", bill_offered()
    )
    assert chosen(result) == "goodwill_credit"
    assert result["answers"] == ["utter_answer_addon_switch_on"]


def test_switching_the_add_on_on_is_answered_not_priced_again():
    result = parse("and the add on? can you switch it on or not", "ask_policy", bill_offered())
    assert chosen(result) is None
    assert result["answers"] == ["utter_answer_addon_switch_on"]


def test_the_add_ons_price_asked_is_still_its_information():
    result = parse("whats the add-on cost then", "ask_policy", bill_offered())
    assert chosen(result) == "international_plan"


def test_a_question_about_the_add_on_beside_a_call_mentioned_is_still_about_the_add_on():
    result = parse("tell me about that international add on? i call london a lot", "ask_policy", bill_offered())
    assert chosen(result) == "international_plan"


def test_a_sum_with_no_money_on_offer_is_left_to_the_limit():
    # "make it stop raining", then "that's not enough, I want $5000": the goodwill limit is said
    # (tests/e2e/test_playbook_conversations.py), not "more than this isn't mine to give".
    result = parse(
        "that's not enough, I want $5000 in compensation",
        "demand_compensation",
        offered(offered_alternatives=["human", "callback"]),
    )
    assert result.get("repair") != "case_question"


STORE_CREDIT_OFFER = [
    {"title": "$10.00 in store credit", "payload": '/choose_alternative{"alternative": "store_credit"}'},
    {"title": "Talk to a person", "payload": '/choose_alternative{"alternative": "human"}'},
    {"title": "None of these", "payload": "/deny"},
]


@pytest.mark.parametrize("intent", ["choose_alternative", "ask_why", "inform"])
def test_why_offer_more_credit_and_a_yes_or_no_question_take_nothing(intent):
    # Blind panel p35 23: "why are you offering me more credit lol. can i USE the credit i have at the
    # cafe, yes or no" was read as taking the $10 store credit, and it was granted.
    state = offered(
        STORE_CREDIT_OFFER,
        "is my replacement headphones on its way yet",
        case_type="report_wrong_item",
        order_id="LK-10426",
        offered_alternatives=["store_credit", "human"],
    )
    text = "why are you offering me more credit lol. can i USE the credit i have at the cafe, yes or no"
    assert chosen(parse(text, intent, state)) is None
    assert chosen(parse("ok the store credit please", "choose_alternative", state)) == "store_credit"


COUPON_OFFER = [
    {"title": "Apply SPRING15 (15% off) this time", "payload": '/choose_alternative{"alternative": "honour_coupon"}'},
    {"title": "Use today's offer instead", "payload": '/choose_alternative{"alternative": "current_offer"}'},
    {"title": "None of these", "payload": "/deny"},
]


@pytest.mark.parametrize("text", ["yeah apply it thanks", "ok go ahead and apply the spring15 one, thank you"])
def test_thanks_with_apply_it_takes_the_code(text):
    # Blind panel p37: "yeah apply it thanks" was read as thanks alone, and nothing was applied.
    tracker = offered(COUPON_OFFER, "SPRING15 didnt work at checkout", case_type="coupon_problem")
    assert chosen(parse(text, "thank", tracker)) == "honour_coupon"


def test_thanks_alone_takes_nothing():
    tracker = offered(COUPON_OFFER, "SPRING15 didnt work at checkout", case_type="coupon_problem")
    assert chosen(parse("ok thanks", "thank", tracker)) is None


def test_a_team_the_case_was_handed_to_counts_as_granted_and_an_offer_only_taken_does_not():
    # p36 17: "so the CEO office will email me?" is answered once the case went to them. The teams are
    # the catalog's kind: handoff alternatives, not a list kept in the code.
    from rasa.shared.core.events import SlotSet

    from server.dialogue.offers import granted

    tracker = offered(BILL_OFFER, "BL-30017 is wrong")
    for event in (
        SlotSet("accepted_alternative", "ceo_office"),
        SlotSet("accepted_alternative", "goodwill_credit"),
        SlotSet("accepted_alternative", None),  # cleared once done
        SlotSet("handoff_id", "7"),
        SlotSet("settled", [{"alternative": "goodwill_credit"}]),
    ):
        tracker.update(event)
    assert granted(tracker) == ["goodwill_credit", "ceo_office"]
    tracker.update(SlotSet("handoff_id", None))
    assert granted(tracker) == ["goodwill_credit"]


@pytest.mark.parametrize(
    "text, title, other",
    [
        # Blind panel p46 22: "ill take the 20 store credit" granted "A $15.00 goodwill credit".
        ("ok whatever ill take the 20 store credit", "A $15.00 goodwill credit", True),
        ("the 20 store credit", "$20.00 in store credit", False),
        ("the $10 credit please", "A $10.00 goodwill credit", False),
        ("option 2", "A $15.00 goodwill credit", False),  # a place, not a sum
        ("the credit please", "A $15.00 goodwill credit", False),
    ],
)
def test_another_sum_named_is_not_the_option_with_its_sum(text, title, other):
    from server.dialogue.typed_choices import other_sum

    assert other_sum(text, title) is other


MENU = [
    {"title": "I got the wrong item, or something's missing", "payload": "/report_wrong_item"},
    {"title": "I want someone senior, like the CEO", "payload": "/request_executive"},
    {"title": "I'd like my money back, or to return something", "payload": "/request_refund"},
]


def test_a_menu_of_its_own_is_answered_alone_while_an_offer_is_open():
    """Blind panel p58 D11: "the last one i guess" under "Which of these is closest?" took the open offer's last
    option (the email follow-up), never the menu's last line."""
    from server.dialogue.offers import last_buttons

    tracker = offered()
    tracker.update(UserUttered("The SHOES. They don't fit."))
    tracker.update(BotUttered("Which of these is closest to what you mean?", data={"buttons": MENU}))
    assert [o.payload for o in last_buttons(tracker)] == [b["payload"] for b in MENU]
    # A person offered beside a question keeps the open offer's options there to choose.
    tracker.update(UserUttered("is it insured?"))
    tracker.update(
        BotUttered(
            "I'd rather not guess.", data={"buttons": [{"title": "Talk to a person", "payload": "/request_human"}]}
        )
    )
    keys = [o.key for o in last_buttons(tracker)]
    assert keys[0] == "request_human" and "refund" in keys
