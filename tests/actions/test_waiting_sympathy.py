"""The waiting lines say one sympathy phrase at most (issue #17 panel loose end: utter_queue_sorry
said "I'm sorry this is taking a while; I know waiting is frustrating.", two in one sentence)."""

from tests.actions.test_sympathy import APOLOGY, EMPATHY


def test_no_waiting_line_stacks_two_sympathy_phrases(domain):
    for key, found in domain["responses"].items():
        if key.startswith("utter_queue_"):
            for text in (v.get("text") or "" for v in found):
                phrases = APOLOGY.findall(text) + EMPATHY.findall(text)
                assert len(phrases) <= 1, f"{key}: {text}"


def test_the_sorry_for_the_wait_is_one_sentence_of_sorry(domain):
    [text] = [v["text"] for v in domain["responses"]["utter_queue_sorry"]]
    assert text == "I'm sorry this is taking a while."
