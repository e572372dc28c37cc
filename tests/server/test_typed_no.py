"""server/dialogue/typed_choices.py: a typed no or an outburst is never a choice; only a clear pick is.

The desk queue's second panel (#17): offered a replacement and a refund for a late order, the
customer's "NO. I NEEDED IT FOR SATURDAY" was read as the refund and granted at once. And
"i asked to be connected. please just connect me", mid-form, was read as a coupon code.
Rasa's own parsing is stood in for by the classifier's reading each test gives.
"""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any, Dict, List, Optional

import pytest
from rasa.core.channels.channel import UserMessage
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, SlotSet, UserUttered
from rasa.shared.core.slots import AnySlot
from rasa.shared.core.trackers import DialogueStateTracker

from server.dialogue import typed_choices

OFFER = [
    {
        "title": "Send the right grinder overnight, free",
        "payload": '/choose_alternative{"alternative": "replacement_overnight"}',
    },
    {"title": "A full refund", "payload": '/choose_alternative{"alternative": "refund"}'},
    {"title": "None of these", "payload": "/deny"},
]
SLOTS = [
    "case_type",
    "policy_id",
    "offered_alternatives",
    "accepted_alternative",
    "entitled",
    "in_queue",
    "order_id",
    "coupon_code",
    "requested_slot",
    "settled",
    "granted_alternatives",
    "explained_policies",
    "callback_id",
    "handoff_id",
    "verified_customers",
    "declined_alternatives",
    "case_facts",
    "amount",
]


def offered(buttons: Any = None, opening: str = "my grinder LK-10423 is late", **slots: Any) -> DialogueStateTracker:
    """A case whose offer was just made (as action_offer_alternatives leaves it): by default a late
    order's, else the ``buttons`` offered after ``opening`` with the case's ``slots``."""
    state = DialogueStateTracker("offered", [AnySlot(n, mappings=[{}]) for n in SLOTS])
    state.update(UserUttered(opening))
    case = (
        {}
        if buttons is not None
        else {
            "case_type": "check_order_status",
            "policy_id": "late_delivery_goodwill",
            "order_id": "LK-10423",
            "offered_alternatives": ["replacement_overnight", "refund"],
        }
    )
    for name, value in {**case, **slots}.items():
        state.update(SlotSet(name, value))
    state.update(ActionExecuted("action_offer_alternatives"))
    state.update(BotUttered("Here's what I can do for you:", data={"buttons": OFFER if buttons is None else buttons}))
    state.update(ActionExecuted("action_listen"))
    return state


def parse(text: str, intent: str, tracker: DialogueStateTracker, entities: Optional[List[Dict[str, Any]]] = None):
    """The message read with the classifier reading ``intent`` (a click reads as its payload)."""

    async def classifier(processor, message, tracker, only_output_properties):
        click = re.match(r"^/(\w+)(\{.*\})?$", message.text or "")
        if click:
            values = json.loads(click.group(2) or "{}")
            found = [{"entity": k, "value": v} for k, v in values.items()]
            return {"text": message.text, "intent": {"name": click.group(1), "confidence": 1.0}, "entities": found}
        ranking = [{"name": intent, "confidence": 0.6}]
        return {"text": message.text, "intent": ranking[0], "intent_ranking": ranking, "entities": entities or []}

    original = typed_choices._rasa_parse_message
    typed_choices._rasa_parse_message = classifier
    try:
        return asyncio.run(typed_choices.parse_with_choices(None, UserMessage(text, sender_id="late"), tracker))
    finally:
        typed_choices._rasa_parse_message = original


def chosen(result: Dict[str, Any]) -> Optional[str]:
    if result["intent"]["name"] != "choose_alternative":
        return None
    return next((e["value"] for e in result.get("entities") or [] if e["entity"] == "alternative"), "which?")


@pytest.mark.parametrize(
    "text, intent",
    [
        ("NO. I NEEDED IT FOR SATURDAY", "nlu_fallback"),
        ("no i needed it for saturday", "inform"),
        ("NO!! I NEEDED IT BY SATURDAY", "check_order_status"),  # the case in hand, told again
        ("NO REFUND. I NEEDED IT FOR SATURDAY", "request_refund"),  # a refund refused is no refund case
        ("a refund won't fix it", "request_refund"),  # nor said calmly
        ("I NEEDED IT FOR SATURDAY", "choose_alternative"),
    ],
)
def test_an_upset_no_is_answered_as_a_feeling_with_the_offer_again(text, intent):
    result = parse(text, intent, offered())

    assert (result["intent"]["name"], result.get("repair")) == ("express_frustration", "upset_no")
    assert result["text"] == text


@pytest.mark.parametrize(
    "text, intent",
    [
        ("a refund is no good to me", "request_refund"),
        ("a refund won't fix it", "request_refund"),
        ("not interested in a refund", "request_refund"),
        ("no. the refund is pointless", "request_refund"),
        ("refunds are useless", "express_frustration"),
    ],
)
def test_an_option_refused_is_not_chosen(text, intent):
    assert chosen(parse(text, intent, offered())) is None


@pytest.mark.parametrize(
    "text, alternative",
    [
        ("refund please", "refund"),
        ("the refund", "refund"),
        ("I'll take the money back", "refund"),
        ("2", "refund"),
        ("NO, the refund please", "refund"),  # a no to something else, then a clear pick
        ("A FULL REFUND", "refund"),
        ("YES PLEASE THE REFUND", "refund"),
        ("i don't want the replacement, just refund me", "refund"),
        ('/choose_alternative{"alternative": "refund"}', "refund"),
        # Named, but beside a no: asked which (one line, the same buttons), never granted on a guess.
        ("I DONT WANT MY MONEY BACK I WANT THE GRINDER", "which?"),
    ],
)
def test_only_a_clear_pick_chooses(text, alternative):
    assert chosen(parse(text, "inform", offered())) == alternative


# Review of the third panel's fixes: "second" or "first" anywhere in the message was read as the
# button in that place, and granted ("NO. THIS IS THE SECOND TIME" as the refund, the second button).
@pytest.mark.parametrize(
    "text, intent",
    [
        ("NO. THIS IS THE SECOND TIME THIS HAS HAPPENED", "complain_service"),
        ("no, the first one arrived broken", "inform"),
        ("it was the same last week", "inform"),
    ],
)
def test_an_ordinal_of_something_else_picks_no_button(text, intent):
    assert chosen(parse(text, intent, offered())) is None


@pytest.mark.parametrize(
    "text, alternative",
    [
        ("the second one", "refund"),
        ("option 2", "refund"),
        ("the first please", "replacement_overnight"),
        ("I'll take the last one", "refund"),
        ("ok, the second one please", "refund"),
        ("NO, THE SECOND ONE", "which?"),  # a place beside a no or in capitals: asked, never granted
    ],
)
def test_a_place_is_a_pick_only_in_a_clause_about_choosing(text, alternative):
    assert chosen(parse(text, "inform", offered())) == alternative


@pytest.mark.parametrize(
    "text, intent",
    [
        ("i asked to be connected. please just connect me", "nlu_fallback"),
        ("just connect me", "affirm"),
        ("put me through to someone", "inform"),
        ("can i get a human pls", "coupon_problem"),
        ("i said PERSON", "bot_challenge"),
    ],
)
def test_a_person_asked_for_wins_over_the_form_and_the_topic(text, intent):
    coupon_asked = offered(case_type="coupon_problem", requested_slot="coupon_code")
    coupon_asked.update(ActiveLoop("case_form"))

    result = parse(text, intent, coupon_asked)

    assert (result["intent"]["name"], result.get("repair")) == ("request_human", "person")


@pytest.mark.parametrize(
    "text, intent",
    [
        ("i don't need a person, just the code", "inform"),
        ("will the person still message me here too?", "inform"),
        ("are you a real person", "bot_challenge"),
        ("connect me to someone who can call me back", "request_callback"),
    ],
)
def test_a_person_named_without_asking_for_one_is_not(text, intent):
    result = parse(text, intent, offered())
    assert result["intent"]["name"] != "request_human" or result.get("repair") != "person"


def test_not_while_queued_for_a_person_already():
    # server/dialogue/waiting.py answers a waiting customer's "just connect me" with their place.
    result = parse("just connect me", "affirm", offered(in_queue=True))
    assert result.get("repair") != "person"


def test_with_a_person_offered_the_request_is_that_button():
    with_person = offered()
    with_person.update(UserUttered("how long does a refund take?"))
    person = {"title": "Talk to a person", "payload": '/choose_alternative{"alternative": "human"}'}
    with_person.update(BotUttered("Here's what I can do for you:", data={"buttons": OFFER[:2] + [person]}))
    with_person.update(ActionExecuted("action_listen"))

    result = parse("i asked to be connected. please just connect me", "nlu_fallback", with_person)

    assert chosen(result) == "human"
    assert result["typed_choice"] == "Talk to a person"


def test_a_yes_in_capitals_to_the_one_option_is_still_a_yes():
    one = offered(offered_alternatives=["refund"])
    one.update(UserUttered("what are my options"))
    one.update(BotUttered("Here's what I can do for you:", data={"buttons": OFFER[1:]}))
    one.update(ActionExecuted("action_listen"))
    assert chosen(parse("YES PLEASE", "affirm", one)) == "refund"


def test_a_calm_refusal_with_a_question_is_read_as_usual():
    # tests/conversations/insisting.yml: the question is answered, not met with sympathy.
    result = parse("i dont want a credit i want to know when it will actually arrive", "check_order_status", offered())
    assert result.get("repair") != "upset_no"
    assert chosen(result) is None


def test_a_refusal_beside_another_record_is_that_record_s_case():
    order = [{"entity": "order_id", "value": "LK-10426", "start": 30, "end": 38}]
    result = parse("i dont want a refund, my order LK-10426 is broken", "report_wrong_item", offered(), order)
    assert result["intent"]["name"] == "report_wrong_item"


# Panel P3 (#17): a person asked for in a sentence of its own, politely, or with the topic after it.
PERSON_WITH_A_TOPIC = [
    (
        "They don't 'look different', I ordered a 10 and got a 9. Second time this has happened. "
        "I'd like to speak to someone about it.",
        "choose_alternative",
    ),
    ("Hi there. Could I please be put through to one of your team? It's about a refund", "give_feedback"),
    (
        "Good morning. I'd like to speak with a member of staff regarding a late delivery, order LK-10423.",
        "give_feedback",
    ),
    ("hey, can I chat with a real person? got a question about returning a gift", "ask_policy"),
    ("i need to speak w someone about a coupon that didnt work", "coupon_problem"),
    ("no. PERSON. please", "deny"),
]


@pytest.mark.parametrize("text, intent", PERSON_WITH_A_TOPIC)
def test_a_person_asked_for_with_a_topic_or_a_story_is_a_person(text, intent):
    result = parse(text, intent, offered())

    assert (result["intent"]["name"], result.get("repair")) == ("request_human", "person")
    assert result["text"] == text  # the card's what_happened keeps the topic in their words


def test_a_code_beside_a_person_asked_for_is_no_answer_for_the_form():
    # "SPRING15 but i said i want a person": the form would take the code and carry on with the coupon.
    coupon_asked = offered(case_type="coupon_problem", requested_slot="coupon_code")
    coupon_asked.update(ActiveLoop("case_form"))
    code = [{"entity": "coupon_code", "value": "SPRING15", "start": 0, "end": 8}]

    for intent in ("inform", "request_human"):
        result = parse("SPRING15 but i said i want a person", intent, coupon_asked, code)

        assert (result["intent"]["name"], result.get("repair")) == ("request_human", "person")
        assert result["entities"] == []


@pytest.mark.parametrize(
    "text",
    [
        "I spoke to someone yesterday and they said it was fine",
        "my team ordered it and the size is wrong",
        "i don't want to speak to anyone, just the refund",
    ],
)
def test_a_person_named_in_a_story_or_a_question_is_not_asked_for(text):
    assert parse(text, "inform", offered()).get("repair") != "person"


DRESS_OFFER = [
    {"title": "Send the right dress overnight, free", "payload": OFFER[0]["payload"]},
    OFFER[1],
    OFFER[2],
]


def dress_offered() -> DialogueStateTracker:
    """The first panel's c02: a wrong-colour dress, a replacement and a refund offered."""
    state = DialogueStateTracker("dress", [AnySlot(n, mappings=[{}]) for n in SLOTS])
    state.update(UserUttered("I bought my mum a dress for her 60th and you sent the wrong colour. LK-10421"))
    for name, value in {
        "case_type": "wrong_item",
        "policy_id": "wrong_item",
        "order_id": "LK-10421",
        "case_facts": {"reference": "LK-10421", "order_item": "dress", "verified": True},
        "offered_alternatives": ["replacement_overnight", "refund"],
    }.items():
        state.update(SlotSet(name, value))
    state.update(ActionExecuted("action_offer_alternatives"))
    state.update(BotUttered("Here's what I can do for you:", data={"buttons": DRESS_OFFER}))
    state.update(ActionExecuted("action_listen"))
    return state


# The first panel's c02: "no?? the DRESS" was read as the button "Send the right dress overnight, free"
# (its title says "dress") and the replacement was granted. The item the case is about names no option.
@pytest.mark.parametrize("intent", ["inform", "choose_alternative", "express_frustration"])
@pytest.mark.parametrize(
    "text", ["no?? the DRESS. it was a present for my mum", "the dress", "it's about the dress, it was a present"]
)
def test_the_item_the_case_is_about_chooses_no_option(text, intent):
    # At most the classifier's own "a choice, which?" (asked, never granted); never an option.
    assert chosen(parse(text, intent, dress_offered())) in (None, "which?")


@pytest.mark.parametrize(
    "text, alternative",
    [
        ("the replacement please", "replacement_overnight"),
        ("send the dress overnight please", "replacement_overnight"),
        ("no, a refund for the dress please", "refund"),
        ("Send the right dress overnight, free", "replacement_overnight"),
    ],
)
def test_an_option_named_beside_the_item_still_chooses(text, alternative):
    assert chosen(parse(text, "inform", dress_offered())) == alternative


def test_the_person_asked_to_email_is_the_email_follow_up_when_no_email_is_on_offer():
    # Blind panel p54 B11: "ok have the person email me about the refund" under a person and a call brought a person.
    buttons = [
        {"title": "$10.00 in store credit", "payload": '/choose_alternative{"alternative": "store_credit"}'},
        {"title": "Talk to a person", "payload": '/choose_alternative{"alternative": "human"}'},
        {"title": "Call me back at a time that suits me", "payload": '/choose_alternative{"alternative": "callback"}'},
    ]
    tracker = offered(buttons, opening="a hair in my sandwich", case_type="report_wrong_item", policy_id="cafe_hygiene")
    text = "ok have the person email me about the refund. how long will that take?"
    assert chosen(parse(text, "request_human", tracker)) == "email_followup"
    assert chosen(parse("talk to a person", "request_human", tracker)) != "email_followup"


@pytest.mark.parametrize(
    "text, reading",
    [
        ("cancel my lamp order", ("request_refund", "cancel_order")),  # a conversation of our own, 6 December
        ("cancel order LK-10424 please", ("request_refund", "cancel_order")),
        ("cancel the call for my order", None),  # the call, not the order
        ("never mind", None),
    ],
)
def test_an_order_named_to_cancel_is_its_own_case_never_never_mind(text, reading):
    from rasa.shared.core.slots import AnySlot
    from rasa.shared.core.trackers import DialogueStateTracker

    state = DialogueStateTracker("fresh", [AnySlot(n, mappings=[{}]) for n in SLOTS])
    entities = [{"entity": "order_id", "value": "LK-10424"}] if "LK-" in text else []
    result = parse(text, "cancel", state, entities)
    read = (result["intent"]["name"], result.get("repair"))
    if reading is None:
        assert read[1] != "cancel_order"
    else:
        assert read == reading


@pytest.mark.parametrize(
    "text",
    ["what?? you gave me 25 an hour ago. and the CALL. is it still on thursday", "is my call still booked for 11?"],
)
def test_a_call_asked_after_beside_the_call_button_books_none(text):
    # Blind panel p64 O-04: "is it still on thursday" in a new chat took the call button and booked a second call.
    buttons = [
        {"title": "Call me back at a time that suits me", "payload": '/choose_alternative{"alternative": "callback"}'},
        {"title": "Talk to a person", "payload": "/request_human"},
    ]
    result = parse(
        text, "ask_status", offered(buttons, opening="my bill BL-30019 is wrong", case_type="dispute_charge")
    )
    assert chosen(result) is None
