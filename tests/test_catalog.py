"""The policy catalog: the real file loads, broken files say where they are broken."""

from pathlib import Path
from typing import Any, Dict

import pytest
import yaml

from gracious.catalog import ALTERNATIVE_KINDS, CatalogError, Offer, load_catalog
from gracious.settings import ROOT

CATALOG = ROOT / "catalog" / "policies.yml"
KINDS = ", ".join(sorted(ALTERNATIVE_KINDS))


def minimal_catalog() -> Dict[str, Any]:
    """The smallest catalog that loads: one policy with one alternative."""
    return {
        "empowerment": {"max_credit": 25, "max_replacement_value": 250},
        "alternatives": {
            "goodwill_credit": {
                "kind": "credit",
                "offer": "utter_offer_goodwill_credit",
                "confirm": "utter_confirm_goodwill_credit",
            },
            "human": {
                "kind": "handoff",
                "offer": "utter_offer_human",
                "confirm": "utter_confirm_human",
                "team": "customer_care",
            },
        },
        "policies": [
            {
                "id": "goodwill_limit",
                "case_types": ["demand_compensation"],
                "rule": "Credits up to the limit.",
                "reason": "Larger sums need a person.",
                "responses": {"explain": "utter_policy_goodwill_limit"},
                "alternatives": [{"id": "goodwill_credit", "amount": 25}, {"id": "human"}],
            }
        ],
    }


def write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "policies.yml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def load_error(path: Path) -> CatalogError:
    with pytest.raises(CatalogError) as caught:
        load_catalog(path)
    return caught.value


@pytest.fixture
def catalog():
    return load_catalog(CATALOG)


def test_real_catalog_loads_with_its_limits_and_policies_in_file_order(catalog):
    assert catalog.max_credit == 25.0
    assert catalog.max_replacement_value == 250.0
    assert [p.id for p in catalog.policies] == [
        "cafe_charged_twice",
        "duplicate_payment_and_discount",
        "duplicate_payment",
        "calls_not_made",
        "billing_review",
        "volume_discount_domestic",
        "billing_general",
        "coupon_expiry",
        "change_before_delivery",
        "wrong_item_gift",
        "wrong_item_company_error",
        "cafe_hygiene",
        "cafe_swap",
        "cafe_taken",
        "cafe_left",
        "cafe_remake",
        "faulty_item",
        "exchange_customer_choice",
        "cancel_before_shipping",
        "cancel_late_order",
        "refund_in_transit",
        "returns_window",
        "late_delivery_goodwill",
        "order_delivered",
        "order_on_track",
        "needs_records",
        "executive_contact",
        "same_day_callback",
        "cafe_hygiene_report",
        "service_recovery",
        "beyond_anyone_cafe",
        "beyond_anyone_playful",
        "beyond_anyone_cafe_now",
        "beyond_anyone_cafe_plans",
        "beyond_anyone",
        "goodwill_limit",
        "opening_hours",
    ]
    goodwill = catalog.policy("goodwill_limit")
    assert [(o.id, o.amount) for o in goodwill.alternatives] == [
        ("goodwill_credit", 25.0),
        ("store_credit", 50.0),
        ("human", None),
        ("callback", None),
    ]
    assert catalog.alternatives["ceo_office"].team == "executive_office"


def test_every_response_the_catalog_names_exists_in_the_domain(catalog):
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    missing = [key for key in catalog.response_keys() if key not in domain["responses"]]
    assert missing == []
    assert {"utter_offer_human", "utter_confirm_human", "utter_policy_executive_pressed"} <= set(
        catalog.response_keys()
    )


def test_everything_granted_has_words_for_where_it_stands(catalog):
    # A conversation of our own, 7 December: "so you send me new shoes, yes?" just after the faulty replacement heard
    # "Nothing has been granted ... in this chat yet" (actions/status.py has a line only for what has words).
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    recorded = {"credit", "replacement", "exchange", "refund", "remake", "honour_coupon"}
    missing = [
        f"utter_status_{a.id}"
        for a in catalog.alternatives.values()
        if a.kind in recorded and f"utter_status_{a.id}" not in domain["responses"]
    ]
    assert missing == []


def test_every_policy_with_a_topic_has_general_wording_for_plain_questions(catalog):
    with_topics = [p.id for p in catalog.policies if p.topics]
    assert {"returns_window", "opening_hours", "coupon_expiry"} <= set(with_topics)
    without_general = [p.id for p in catalog.policies if p.topics and "general" not in p.responses]
    assert without_general == []


def test_minimal_catalog_loads(tmp_path):
    catalog = load_catalog(write(tmp_path, minimal_catalog()))
    assert [p.id for p in catalog.policies] == ["goodwill_limit"]


def at(path: Path, needle: str) -> int:
    """The 1-based line of the file holding ``needle`` (the line an error must name)."""
    return next(n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in text)


def test_missing_rule_names_file_line_policy_field_and_fix(tmp_path):
    data = minimal_catalog()
    del data["policies"][0]["rule"]
    path = write(tmp_path, data)
    error = load_error(path)
    assert str(error) == (
        f"{path}:{at(path, '- id: goodwill_limit')}: policy 'goodwill_limit' field 'rule': "
        "is missing or empty — add 'rule: ' with the rule in one sentence"
    )
    assert (error.path, error.where, error.field) == (path, "policy 'goodwill_limit'", "rule")


def test_missing_policy_id_names_the_policy_by_position(tmp_path):
    data = minimal_catalog()
    del data["policies"][0]["id"]
    path = write(tmp_path, data)
    assert str(load_error(path)) == (
        f"{path}:{at(path, 'case_types:')}: policy #1 field 'id': is missing — "
        "add 'id: ' with a name of its own (letters and underscores)"
    )


def test_missing_empowerment_section_is_named(tmp_path):
    data = minimal_catalog()
    del data["empowerment"]
    path = write(tmp_path, data)
    assert str(load_error(path)) == (
        f"{path}:1: empowerment: is missing or not a mapping — "
        "add 'empowerment:' with max_credit and max_replacement_value under it"
    )


def test_unknown_alternative_id_names_its_line_and_the_ids_to_use(tmp_path):
    data = minimal_catalog()
    data["policies"][0]["alternatives"].append({"id": "goodwil_credit"})
    path = write(tmp_path, data)
    assert str(load_error(path)) == (
        f"{path}:{at(path, '- id: goodwil_credit')}: policy 'goodwill_limit' field 'alternatives': "
        "'goodwil_credit' is not in the alternatives list — use one of: goodwill_credit, human "
        "(did you mean 'goodwill_credit'?)"
    )


def test_unknown_entitled_alternative_names_that_field(tmp_path):
    data = minimal_catalog()
    data["policies"][0]["entitled_alternatives"] = [{"id": "free_holiday"}]
    path = write(tmp_path, data)
    assert str(load_error(path)) == (
        f"{path}:{at(path, '- id: free_holiday')}: policy 'goodwill_limit' field 'entitled_alternatives': "
        "'free_holiday' is not in the alternatives list — use one of: goodwill_credit, human"
    )


def test_bad_kind_names_the_alternative_and_lists_the_known_kinds(tmp_path):
    data = minimal_catalog()
    data["alternatives"]["goodwill_credit"]["kind"] = "gift"
    path = write(tmp_path, data)
    assert str(load_error(path)) == (
        f"{path}:{at(path, 'kind: gift')}: alternative 'goodwill_credit' field 'kind': "
        f"'gift' is not a kind of alternative — use one of: {KINDS}"
    )


def test_offer_that_is_not_a_response_key_is_named(tmp_path):
    data = minimal_catalog()
    data["alternatives"]["goodwill_credit"]["offer"] = "A goodwill credit"
    path = write(tmp_path, data)
    assert str(load_error(path)) == (
        f"{path}:{at(path, 'offer: A goodwill credit')}: alternative 'goodwill_credit' field 'offer': "
        "'A goodwill credit' must name a response (utter_...) — "
        "name a response in domain.yml, such as utter_offer_goodwill_credit"
    )


def test_duplicate_policy_id_names_the_second_one(tmp_path):
    data = minimal_catalog()
    data["policies"].append(dict(data["policies"][0]))
    path = write(tmp_path, data)
    second = (
        path.read_text(encoding="utf-8").splitlines().index("- id: goodwill_limit", at(path, "- id: goodwill_limit"))
    )
    assert str(load_error(path)) == (
        f"{path}:{second + 1}: policy 'goodwill_limit' field 'id': is used twice — give each policy an id of its own"
    )


def test_invalid_yaml_names_the_file_the_line_and_the_fix(tmp_path):
    path = tmp_path / "policies.yml"
    path.write_text("policies: [\n  - id: broken\n", encoding="utf-8")
    error = load_error(path)
    assert str(error) == (
        f"{path}:2: a '- ' list item inside [ ]: write that list as [a, b] or put each '- ' item on a line of its own"
    )
    assert (error.path, error.where, error.line) == (path, "", 2)


def test_missing_file_names_the_file(tmp_path):
    path = tmp_path / "nowhere.yml"
    assert str(load_error(path)) == f"{path}:1: the file is missing — put catalog/policies.yml back"


def test_amount_that_is_not_a_number_names_policy_field_and_alternative(tmp_path):
    data = minimal_catalog()
    data["policies"][0]["alternatives"][0]["amount"] = "twenty-five"
    path = write(tmp_path, data)
    assert str(load_error(path)) == (
        f"{path}:{at(path, 'amount: twenty-five')}: policy 'goodwill_limit' field 'alternatives': "
        "amount of 'goodwill_credit' must be a number — write a plain number such as 25 (no currency sign, no quotes)"
    )


def test_limit_that_is_not_a_number_names_the_section_and_field(tmp_path):
    data = minimal_catalog()
    data["empowerment"]["max_credit"] = "lots"
    path = write(tmp_path, data)
    assert str(load_error(path)) == (
        f"{path}:2: empowerment field 'max_credit': 'lots' is not a number of 0 or more — "
        "write a plain number such as 25 (no currency sign, no quotes)"
    )


def test_handoff_alternative_without_team_names_the_alternative_and_field(tmp_path):
    data = minimal_catalog()
    del data["alternatives"]["human"]["team"]
    path = write(tmp_path, data)
    assert str(load_error(path)) == (
        f"{path}:{at(path, 'kind: handoff')}: alternative 'human' field 'team': a handoff needs the team that "
        "takes it — add 'team: customer_care' (or the team that takes it)"
    )


def test_unknown_response_role_names_policy_and_field(tmp_path):
    data = minimal_catalog()
    data["policies"][0]["responses"]["apology"] = "utter_apology"
    path = write(tmp_path, data)
    assert str(load_error(path)) == (
        f"{path}:{at(path, 'apology: utter_apology')}: policy 'goodwill_limit' field 'responses': "
        "'apology' is not a kind of response — use one of: asked_loosely, entitled, explain, general, honoured_here, no_account, no_number, pressed, why, why_entitled, why_used"
    )


def test_unknown_handoff_trigger_names_policy_and_field(tmp_path):
    data = minimal_catalog()
    data["policies"][0]["handoff_when"] = ["customer_asks", "whenever"]
    path = write(tmp_path, data)
    assert str(load_error(path)) == (
        f"{path}:{at(path, '- whenever')}: policy 'goodwill_limit' field 'handoff_when': "
        "'whenever' is not a time to offer a person — use one of: customer_asks, declined_all, over_limit"
    )


def test_select_picks_the_first_policy_whose_when_facts_all_match(catalog):
    complex_bill = {"reference_kind": "bill", "bill_complex": True}
    assert catalog.select("dispute_charge", complex_bill).id == "billing_review"
    assert catalog.select("dispute_charge", {"reference_kind": "bill", "bill_complex": False}).id == (
        "volume_discount_domestic"
    )
    assert catalog.select("dispute_charge", {}).id == "billing_general"
    wrong_cafe_item = {"company_error": False, "item_category": "cafe", "reference_found": True}
    assert catalog.select("report_wrong_item", wrong_cafe_item).id == "cafe_remake"
    assert catalog.select("report_wrong_item", dict(wrong_cafe_item, taken=True)).id == "cafe_taken"
    assert catalog.select("report_wrong_item", {"reference_found": False}).id == "needs_records"


def test_select_finds_nothing_for_a_case_type_no_policy_covers(catalog):
    assert catalog.select("greet", {"reference_kind": "bill"}) is None


def test_policy_topics_find_the_policy_for_a_plain_question(catalog):
    assert catalog.for_topic("refunds").id == "returns_window"
    assert catalog.for_topic("hours").id == "opening_hours"
    assert catalog.for_topic("weather") is None


def test_within_limits_drops_credits_over_max_credit(catalog):
    credit = catalog.alternatives["goodwill_credit"]
    assert catalog.within_limits(Offer(credit, 25.0), {}) is True
    assert catalog.within_limits(Offer(credit, 25.01), {}) is False
    assert catalog.within_limits(Offer(catalog.alternatives["store_credit"], 50.0), {}) is False
    assert catalog.within_limits(Offer(credit, None), {}) is False


def test_within_limits_reads_the_missing_discount_from_the_facts(catalog):
    missing = Offer(catalog.alternatives["missing_discount_credit"])
    assert catalog.within_limits(missing, {"missing_discount_amount": 7.6}) is True
    assert catalog.within_limits(missing, {"missing_discount_amount": 30.0}) is False


def test_within_limits_drops_replacements_worth_more_than_the_limit(catalog):
    replacement = Offer(catalog.alternatives["replacement_overnight"])
    assert catalog.within_limits(replacement, {"order_total": 250.0}) is True
    assert catalog.within_limits(replacement, {"order_total": 250.5}) is False
    assert catalog.within_limits(Offer(catalog.alternatives["callback"]), {"order_total": 999.0}) is True


def test_case_types_come_from_the_policies_and_the_cases_section(tmp_path):
    data = minimal_catalog()
    data["cases"] = {"complain_loyalty_points": {"needs": "order"}}
    catalog = load_catalog(write(tmp_path, data))
    assert catalog.case_types == {"demand_compensation", "complain_loyalty_points"}
    assert catalog.case_needs("complain_loyalty_points") == "order"
    assert catalog.case_needs("demand_compensation") == "nothing"


def test_a_case_that_needs_something_unknown_names_the_case(tmp_path):
    data = minimal_catalog()
    data["cases"] = {"complain_loyalty_points": {"needs": "receipt"}}
    path = write(tmp_path, data)
    assert str(load_error(path)) == (
        f"{path}:{at(path, 'needs: receipt')}: case 'complain_loyalty_points' field 'needs': "
        "'receipt' is not something a case can need — use one of: bill, coupon, nothing, order"
    )


def test_a_case_becomes_another_kind_on_any_of_several_facts(catalog):
    # Blind panel p44 12: "my headphones LK-10426 stopped charging" read as a bill got the billing policies.
    assert catalog.follow("dispute_charge", {"reference_kind": "order", "faulty": True}) == "report_wrong_item"
    assert catalog.follow("dispute_charge", {"item_category": "cafe"}) == "report_wrong_item"
    assert catalog.follow("dispute_charge", {"reference_kind": "order"}) == "dispute_charge"
    assert catalog.follow("dispute_charge", {"reference_kind": "bill", "faulty": True}) == "dispute_charge"
