"""One empathy sentence and one apology a reply (issue #17 panel: stacked sympathy in first replies;
the playbook's moves 3 and 4, each made once).

The first reply to a complaint is composed here as the server composes it: action_empathize,
then, when the record is in hand, action_explain_policy with the empathy's words already said.
Whatever wording each conversation starts from (the variations turn with the sender id), the
reply names the customer's feeling at most once and says sorry at most once, and our own
mistake is still owned."""

import re
from typing import Any, Dict, List

import pytest
from rasa_sdk import Tracker

from actions.empathize import ActionEmpathize
from actions.explain_policy import ActionExplainPolicy
from tests.actions import run_action, tracker_from, variations

# The panel's phrases, written apart from the actions' own lists so the two are held to each other.
APOLOGY = re.compile(r"\b(sorry|apologi[sz]e)", re.IGNORECASE)
EMPATHY = re.compile(
    r"\b(understand|frustrat|i hear you|i can hear|i can imagine|i can see why|i get it"
    r"|feel the same|upset|annoy|disappoint|letdown|nuisance|worrying|unsettling)",
    re.IGNORECASE,
)


def stacked(said: List[str]) -> List[List[str]]:
    """The apologies and the namings of the feeling in ``said`` whose count is over one."""
    found = [[p for text in said for p in pattern.findall(text)] for pattern in (APOLOGY, EMPATHY)]
    return [phrases for phrases in found if len(phrases) > 1]


SENDERS = [f"sympathy-{n}" for n in range(12)]

FIRST_MESSAGES = {
    "bill with London calls": dict(
        name="dispute_charge", intent="dispute_charge", text="my bill BL-30017 is wrong, where is my discount"
    ),
    "wrong colour sent": dict(name="report_wrong_item"),
    "late grinder": dict(
        name="report_wrong_item",
        slots={"order_id": "LK-10423", "item": None},
        intent="check_order_status",
        text="my grinder order LK-10423 was supposed to be here days ago",
    ),
    "late grinder, shouted": dict(
        name="report_wrong_item",
        slots={"order_id": "LK-10423", "item": None},
        intent="check_order_status",
        text="WHERE IS MY GRINDER LK-10423!!! THIS IS RIDICULOUS",
    ),
    "nobody called back": dict(
        name="empty_tracker", intent="complain_no_response", text="nobody ever called me back like you promised"
    ),
    "ceo": dict(name="empty_tracker", intent="request_executive", text="put me through to your CEO now"),
}


def first_reply(case: Dict[str, Any], sender: str, domain: Dict[str, Any]) -> List[str]:
    """What the customer reads: the empathy's sentences, then the policy's words (every variation Rasa may pick)."""
    tracker = tracker_from(case["name"], sender_id=sender, **{k: v for k, v in case.items() if k != "name"})
    dispatcher, events = run_action(ActionEmpathize(), tracker, domain)
    said = [m["text"] for m in dispatcher.messages if m.get("text")]
    if dispatcher.messages and dispatcher.messages[-1].get("response"):
        return said  # no policy this turn
    state = tracker.current_state()
    for event in events:
        if event.get("event") == "slot":
            state["slots"][event["name"]] = event["value"]
    state["events"] += [{"event": "bot", "text": text} for text in said]
    explained, _ = run_action(ActionExplainPolicy(), Tracker.from_dict(state), domain)
    for message in explained.messages:
        worded = variations(domain, message["response"]) if message.get("response") else [message["text"]]
        said.append(
            max(worded, key=lambda text: len(APOLOGY.findall(text)) + len(EMPATHY.findall(text)))
        )  # the most it may say
    return said


@pytest.mark.parametrize("case", FIRST_MESSAGES, ids=list(FIRST_MESSAGES))
def test_a_first_reply_names_the_feeling_once_and_says_sorry_once_whatever_the_wording(case, domain):
    for sender in SENDERS:
        said = first_reply(FIRST_MESSAGES[case], sender, domain)
        assert not stacked(said), f"{sender}: {stacked(said)} in {said}"
        assert said, sender


def test_our_mistake_is_still_owned_after_the_sympathy(domain):
    owning = set(variations(domain, "utter_own_it")) | set(variations(domain, "utter_apology_own_it"))
    for sender in SENDERS:
        said = first_reply(FIRST_MESSAGES["wrong colour sent"], sender, domain)
        # Owned in its own message, joined to the sorry it follows (actions/empathize.py), or by the policy's own
        # "That mistake is ours", and then only there (blind panel p48 05).
        owned = [s for s in said if s in owning or any(s.endswith(f" {o}") for o in owning) or "mistake is ours" in s]
        assert len(owned) == 1, said


def test_the_late_order_is_owned_and_its_sorry_said_once(domain):
    for sender in SENDERS:
        said = first_reply(FIRST_MESSAGES["late grinder, shouted"], sender, domain)
        assert said[0] in variations(domain, "utter_empathy_strong")
        assert "We missed the date we gave you" in said[-1]
        # Playbook move 4: an apology is made, once, whatever the empathy line was.
        assert len(APOLOGY.findall(" ".join(said))) == 1, said


def test_a_policy_keeps_its_sorry_after_an_empathy_line_that_said_none(domain):
    for sender in SENDERS:
        said = first_reply(FIRST_MESSAGES["late grinder"], sender, domain)
        if not APOLOGY.search(" ".join(said[:-1])):
            assert "sorry" in said[-1].lower(), said


def test_no_empathy_line_stacks_two_sympathy_phrases(domain):
    for key, found in domain["responses"].items():
        if key.startswith(("utter_empathy_", "utter_apology", "utter_own_it")) or key.endswith("_without_sympathy"):
            for text in (v.get("text") or "" for v in found):
                apologies = 0 if key.endswith("_without_sympathy") or key == "utter_own_it" else 1
                assert len(APOLOGY.findall(text)) <= apologies, f"{key}: {text}"
                assert len(EMPATHY.findall(text)) <= 1, f"{key}: {text}"
