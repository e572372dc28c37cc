"""Our NLU components: the pretrained sentence features and the reference extractor, through Rasa."""

from __future__ import annotations

import asyncio
import textwrap
from pathlib import Path

import numpy as np
import pytest

from server.nlu.sentence_features import embed


def test_sentence_vectors_are_deterministic_normalised_and_512_wide():
    first = embed(["I need to get a rebate", "where is my parcel"])
    again = embed(["I need to get a rebate", "where is my parcel"])
    assert first.shape == (2, 512) and first.dtype == np.float32
    assert np.allclose(first, again)
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-5)
    assert embed([]).shape == (0, 512)


def test_a_paraphrase_is_closer_than_an_unrelated_sentence():
    anchor, paraphrase, unrelated = embed(
        ["how do I get my money back", "I'd like a reimbursement please", "what's the weather in Madrid"]
    )
    assert float(anchor @ paraphrase) > float(anchor @ unrelated) + 0.1


TRAINING = """
version: "3.1"
nlu:
- intent: request_refund
  examples: |
    - i want my money back
    - can i get a refund
    - please refund me
    - refund my order
    - i'd like to return this and get paid back
- intent: check_order_status
  examples: |
    - where is my order
    - has my parcel shipped
    - when will my package arrive
    - track my delivery
    - my order hasn't come yet
"""

CONFIG = """
recipe: default.v1
language: en
assistant_id: component-test
pipeline:
  - name: WhitespaceTokenizer
  - name: CountVectorsFeaturizer
  - name: server.nlu.sentence_features.SentenceEncoderFeaturizer
  - name: LogisticRegressionClassifier
  - name: server.nlu.references.ReferenceExtractor
policies: []
"""


@pytest.fixture(scope="module")
def small_model(tmp_path_factory: pytest.TempPathFactory) -> str:
    from rasa.model_training import train_nlu

    folder = tmp_path_factory.mktemp("nlu")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("RASA_CACHE_DIRECTORY", str(folder / "cache"))  # not the project's .rasa/cache
        return _train(folder, train_nlu)


def _train(folder: Path, train_nlu) -> str:
    (folder / "nlu.yml").write_text(textwrap.dedent(TRAINING))
    (folder / "config.yml").write_text(textwrap.dedent(CONFIG))
    model = train_nlu(str(folder / "config.yml"), str(folder / "nlu.yml"), str(folder / "models"))
    assert model and Path(model).exists()
    return model


def parse(model: str, text: str) -> dict:
    from rasa.core.agent import Agent

    return asyncio.run(Agent.load(model).parse_message(text))


def test_rasa_trains_and_parses_with_the_components(small_model):
    # No word of "reimbursement" or "shipment" is in the training data: the sentence
    # features carry the meaning.
    assert parse(small_model, "I'm after a reimbursement")["intent"]["name"] == "request_refund"
    result = parse(small_model, "any news on the shipment of lk 10422?")
    assert result["intent"]["name"] == "check_order_status"
    assert [(e["entity"], e["value"], e["extractor"]) for e in result["entities"]] == [
        ("order_id", "LK-10422", "ReferenceExtractor")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "i'm allergic to oat milk and honestly my throat feels a bit itchy",
        "the heater SPARKS when i switch it on",
        "my son choked on a piece of the toy",
        "the charger caught fire last night",
        "i'm coeliac, the brownie wasn't gluten free and my stomach's cramping badly",
        "the kettle sparked at the plug and burned my fingers",
        # panel p32: a product overheating, and feeling sick after eating
        "my white headphones get really hot when charging, like too hot to touch, and smell like burning plastic",
        "i already ate half of it before noticing. feel kinda sick honestly",
        # panel p33: a phone too hot to hold while charging
        "my phone has been getting super hot while charging overnight, like too hot to hold",
        # panel p35 14: an upset stomach since eating at the café
        "ive actually had a bit of an upset stomach since last night too. not sure if its related",
        # an allergy named beside a symptom is never a question before a visit
        "my son is allergic to peanuts and ate a cookie labelled nut free, his lips are swelling",
        # not had, but a symptom all the same
        "im allergic to dairy, i didnt drink it but my lips are tingling from the sip",
        # a figure of speech left out, the symptom still heard
        "i ate the croissant with the hair in it and now i feel sick",
        # a symptom said beside danger denied is still heard (catalog/safety.yml danger_denied)
        "my throat is fine but my lips are swelling",
        # blind panel p62 L11: eaten already, beside "nut free" (answered with the allergen list before)
        "the guy at your cafe told me the banana muffin was nut free, my son is allergic to nuts. he had half before"
        " i saw the wrapper says may contain almonds. he seems ok for now but im freaking out",
        "now hes saying his mouth feels tingly",
    ],
)
def test_health_or_danger_becomes_a_request_for_a_person_marked_safety(text):
    from rasa.shared.nlu.training_data.message import Message

    from server.nlu.safety import SafetySignal

    message = Message(data={"text": text, "intent": {"name": "dispute_charge", "confidence": 0.9}})
    SafetySignal().process([message])
    assert message.get("intent") == {"name": "request_human", "confidence": 1.0}
    assert message.get("safety") is True


@pytest.mark.parametrize(
    "text",
    [
        "i'm sick of this",
        "what a shocking bill, honestly",
        "my order is late",
        "the cafe burnt my toast and my phone bill BL-30018 still doesnt show the 7.60 credit",
        # panel p35 15, p34 14: asked before a visit, nobody is ill (catalog/safety.yml asked_before)
        "my son has a bad peanut allergy. are the pastries at your elm st cafe safe for him or are they made with nuts?",
        "its YOUR cafe. i have coeliac disease so i actually need to know before i eat there",
        # blind panel p38: what is in a muffin, asked before buying
        "do your muffins have peanuts in them? my son has a peanut allergy",
        # blind panel p39 10: the wrong milk, not drunk (catalog/safety.yml not_had)
        "got a regular latte with cows milk instead of oat. im lactose intolerant so i cant drink it",
        "they put nuts on my salad and i'm allergic, luckily i noticed before eating",
        # blind panel p47 15: disgust at a hair in a croissant (catalog/safety.yml figures_of_speech)
        "there was a hair in my croissant, i feel sick just looking at it",
        # blind panel p54 A03: danger denied after 911 was said about a jacket
        "lol why would i call 911?? its a jacket",
        "my throat is fine?? i never said anything about my throat. are you mixing me up with someone else",
        # Conversations of our own, 7 December: the 911 line for a bill read with a figure of speech, and for annoyance
        # said to be all it is.
        "i feel sick reading my phone bill lol, BL-30017 is way too high",
        "no not feeling sick just annoyed",
        "i could throw up with how bad this service is",
    ],
)
def test_ordinary_messages_are_left_alone(text):
    from rasa.shared.nlu.training_data.message import Message

    from server.nlu.safety import SafetySignal

    message = Message(data={"text": text, "intent": {"name": "dispute_charge", "confidence": 0.9}})
    SafetySignal().process([message])
    assert message.get("intent")["name"] == "dispute_charge" and message.get("safety") is None


@pytest.mark.parametrize(
    "text, care",
    [
        # Blind panel p48 14: an intolerance, nothing said of drinking it or of feeling unwell: cared for, no 911.
        (
            "ordered an oat flat white and they gave me a cappuccino with normal milk. im lactose intolerant",
            "intolerance",
        ),
        # Said not drunk: nothing more to say about it.
        ("got a latte with cows milk. im lactose intolerant so i cant drink it", None),
        # Blind panel p54 B08: feeling a bit off already, heard, still no 911.
        (
            "no, im not at the cafe anymore, i left. im lactose intolerant so im not feeling great either",
            "intolerance_unwell",
        ),
    ],
)
def test_an_intolerance_without_symptoms_is_the_case_with_care(text, care):
    from rasa.shared.nlu.training_data.message import Message

    from server.nlu.safety import SafetySignal

    message = Message(data={"text": text, "intent": {"name": "report_wrong_item", "confidence": 0.9}})
    SafetySignal().process([message])
    assert message.get("intent")["name"] == "report_wrong_item" and message.get("safety") is None
    assert message.get("care") == care


@pytest.mark.parametrize(
    "text",
    [
        "im lactose intolerant and drank half of it, now my stomach really hurts",
        "im allergic to dairy and they gave me cows milk",
    ],
)
def test_an_intolerance_felt_or_an_allergy_stays_urgent(text):
    from rasa.shared.nlu.training_data.message import Message

    from server.nlu.safety import SafetySignal

    message = Message(data={"text": text, "intent": {"name": "report_wrong_item", "confidence": 0.9}})
    SafetySignal().process([message])
    assert message.get("safety") is True


@pytest.mark.parametrize(
    "text, language",
    [
        ("¿Hablan español?", "es"),
        ("hola, mi pedido no ha llegado", "es"),
        ("Bonjour, ma commande est en retard", "fr"),
        ("Hallo, meine Rechnung ist falsch", "de"),
        ("obrigado, meu pedido atrasou", "pt"),
        ("il mio ordine è in ritardo", "it"),
        ("我的订单在哪里", "zh"),
    ],
)
def test_another_language_is_out_of_scope_marked_with_it_and_never_a_reference(text, language):
    from rasa.shared.nlu.training_data.message import Message

    from server.nlu.language import LanguageSignal

    coupon = [{"entity": "coupon_code", "value": "HABLAN", "start": 0, "end": 6}]
    message = Message(data={"text": text, "intent": {"name": "coupon_problem", "confidence": 0.6}, "entities": coupon})
    LanguageSignal().process([message])
    assert message.get("intent") == {"name": "out_of_scope", "confidence": 1.0}
    assert message.get("language") == language and message.get("entities") == []


def test_an_order_number_in_another_language_is_kept_so_it_is_never_asked_again():
    from rasa.shared.nlu.training_data.message import Message

    from server.nlu.language import LanguageSignal

    found = [
        {"entity": "order_id", "value": "LK-10424", "start": 34, "end": 42},
        {"entity": "coupon_code", "value": "PEDIDO10", "start": 0, "end": 6},
    ]
    message = Message(
        data={"text": "Hallo, wo bleibt meine Jacke? Nummer LK-10424", "intent": {"name": "inform"}, "entities": found}
    )
    LanguageSignal().process([message])
    assert message.get("language") == "de"
    assert message.get("entities") == [found[0]]


@pytest.mark.parametrize(
    "text", ["si, una persona que hable español por favor", "je veux parler à quelqu'un, s'il vous plaît"]
)
def test_a_person_asked_for_in_another_language_is_a_person(text):
    from rasa.shared.nlu.training_data.message import Message

    from server.nlu.language import LanguageSignal

    message = Message(data={"text": text, "intent": {"name": "inform", "confidence": 0.5}, "entities": []})
    LanguageSignal().process([message])
    assert message.get("intent") == {"name": "out_of_scope", "confidence": 1.0}
    assert message.get("language") and message.get("person_asked") is True


@pytest.mark.parametrize(
    "text", ["gracias! no, nada más", "merci, au revoir", "nein, das wars. tschüss", "obrigada", "ciao!"]
)
def test_thanks_and_goodbye_in_another_language_is_a_goodbye_not_the_notice(text):
    from rasa.shared.nlu.training_data.message import Message

    from server.nlu.language import LanguageSignal

    message = Message(data={"text": text, "intent": {"name": "out_of_scope", "confidence": 0.6}, "entities": []})
    LanguageSignal().process([message])
    assert message.get("intent") == {"name": "goodbye", "confidence": 1.0}
    assert message.get("language") is None


@pytest.mark.parametrize("text", ["no", "si", "oui une personne svp", "danke, wo ist meine Bestellung LK-10424?"])
def test_a_yes_a_no_or_a_request_beside_thanks_is_not_a_goodbye(text):
    from server.nlu.language import closes_in_another_language

    assert not closes_in_another_language(text)


@pytest.mark.parametrize(
    "text",
    [
        "croissant stale",
        "wher is my ordr",
        "WHAT COUPON?? I NEVER SAID ANYTHING ABOUT A COUPON",
        "gracias",
        "i want a refund por favor",
        "order LK-10421 pls",
        "the latte was cold and bitter",
        "ok cool ty",
        "espresso bitter",
        "no. gotta run",  # blind panel p55 D02: answered in Italian
        "nope gotta run bye",
    ],
)
def test_english_with_typos_shouting_or_a_foreign_word_stays_english(text):
    from server.nlu.language import other_language

    assert other_language(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "wow, fantastic service as always",
        "thanks for nothing",
        "great job, waited 3 hours and nobody came",
        "oh great, another bot",
    ],
)
def test_sarcastic_praise_is_frustration(text):
    from rasa.shared.nlu.training_data.message import Message

    from server.nlu.tone import SarcasmSignal

    message = Message(data={"text": text, "intent": {"name": "give_feedback", "confidence": 0.8}})
    SarcasmSignal().process([message])
    assert message.get("intent") == {"name": "express_frustration", "confidence": 1.0}
    assert message.get("sarcasm") is True


@pytest.mark.parametrize(
    "text, problem",
    [
        ("brilliant, my order is late again", "check_order_status"),
        # Blind panel p48 24: the case told, not venting.
        ("great so my headphones crackle in the left ear AND my grinder still hasnt shown up", "report_wrong_item"),
        # safety.yml: the wrong milk and an eye roll, then "great service guys", was thanked as praise.
        (
            "riverside cafe gave me a regular latte when i asked for oat milk, and the barista rolled his eyes at me. "
            "great service guys",
            "complain_service",
        ),
    ],
)
def test_sarcastic_praise_around_a_problem_is_that_problem(text, problem):
    from rasa.shared.nlu.training_data.message import Message

    from server.nlu.tone import SarcasmSignal

    message = Message(data={"text": text, "intent": {"name": "give_feedback", "confidence": 0.8}})
    SarcasmSignal().process([message])
    assert message.get("intent") == {"name": problem, "confidence": 1.0}
    assert message.get("sarcasm") is True


@pytest.mark.parametrize("text", ["perfect, thank you", "great, thanks for your help", "you were brilliant today"])
def test_real_thanks_stays_thanks(text):
    from rasa.shared.nlu.training_data.message import Message

    from server.nlu.tone import SarcasmSignal

    message = Message(data={"text": text, "intent": {"name": "thank", "confidence": 0.9}})
    SarcasmSignal().process([message])
    assert message.get("intent")["name"] == "thank" and message.get("sarcasm") is None


@pytest.mark.parametrize(
    "text", ["the paramedics are here now", "ok the ambulance has arrived", "she's ok now. i'll deal with this later"]
)
def test_help_that_has_come_is_never_the_urgent_line_again(text):
    # Blind panel p38: "paramedics are here now" got the urgent line again, then a call time.
    from rasa.shared.nlu.training_data.message import Message

    from server.nlu.safety import SafetySignal

    message = Message(data={"text": text, "intent": {"name": "request_callback", "confidence": 0.9}})
    SafetySignal().process([message])
    assert message.get("intent") == {"name": "help_arrived", "confidence": 1.0}
    assert message.get("safety") is None


def test_having_been_in_hospital_is_no_help_arriving():
    from server.nlu.safety import help_has_come

    assert not help_has_come("i ended up in the hospital after eating your sandwich")


@pytest.mark.parametrize(
    "text, denied",
    [
        ("no nothing caught fire, it just flickers", True),
        ("my throat is fine, its just my lips", True),
        ("lol why would i call 911?? its a jacket", True),
        ("no fire but there was smoke coming out of it", False),  # a danger told beside the denial
        ("my throat is fine but my lips are swelling", False),
        ("it just flickers", False),  # nothing denied
        # A conversation of our own, 7 December: after a wrong milk and an intolerance, the urgent line and the call
        # form came back to "no not feeling sick just annoyed".
        ("no not feeling sick just annoyed", True),
        ("i dont feel sick, i just want my money back", True),
        ("not feeling sick but my throat is itchy", False),
        ("im not sick but my son feels sick", False),
        ("not sick, just cross. it made me throw up earlier though", False),
    ],
)
def test_danger_said_not_to_be_there(text, denied):
    # A conversation of our own, 5 December: "no nothing caught fire, it just flickers" got the lamp's safety line again.
    from server.nlu.safety import denies_danger

    assert denies_danger(text) is denied


@pytest.mark.parametrize(
    "text, mocking",
    [
        ("oh the CEOs office team, how wonderful. very personal.", True),
        ("a credit, yeah right", True),
        # said glad, with the choice in it
        ("oh great, the credit then", False),
        ("the refund as usual please", False),
    ],
)
def test_only_the_phrases_that_mock_what_they_name_turn_down_an_option(text, mocking):
    from server.nlu.tone import mocks

    assert mocks(text) is mocking
