"""actions/empathize.py: another coupon code named in a code's case is the one looked at now (a conversation of our
own, 6 December: "ok then can i use SUMMER20 on a different order next week" in SPRING15's case heard "Thank you, that
helps. It's with your case now")."""

from rasa_sdk.events import SlotSet

from actions.empathize import ActionEmpathize
from tests.actions import run_action, tracker_from


def test_another_code_named_in_a_codes_case_is_looked_at_with_its_rule_explained_afresh(domain):
    tracker = tracker_from(
        "empty_tracker",
        slots={
            "case_type": "coupon_problem",
            # The slot holds the code the message named already; the explanation was about SPRING15.
            "coupon_code": "SUMMER20",
            "case_facts": {"coupon_code": "SPRING15"},
            "policy_id": "coupon_expiry",
            "explained_policies": ["coupon_expiry"],
            "verified_customers": ["C001"],
        },
        intent="coupon_problem",
        text="ok then can i use SUMMER20 on a different order next week",
        entities=[{"entity": "coupon_code", "value": "SUMMER20"}],
    )
    _, events = run_action(ActionEmpathize(), tracker, domain)

    assert SlotSet("coupon_code", "SUMMER20") in events
    assert SlotSet("explained_policies", []) in events
