"""Bundles in the catalog: what loads, and each mistake named where it is (gracious/catalog_bundles.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict

import pytest

from gracious.catalog import Offer, load_catalog
from gracious.settings import ROOT
from studio.check_bundles import bundle_problems
from studio.yamlnodes import compose, get, items, text
from tests.test_catalog import load_error, minimal_catalog, write


def with_bundle(of: Any, amount: Any = 10, kind: str = "bundle") -> Dict[str, Any]:
    """The minimal catalog with a replacement and a bundle offered by its policy."""
    data = minimal_catalog()
    data["alternatives"]["replacement"] = {"kind": "replacement", "offer": "utter_r", "confirm": "utter_rc"}
    data["alternatives"]["refund"] = {"kind": "refund", "offer": "utter_f", "confirm": "utter_fc"}
    data["alternatives"]["callback"] = {"kind": "callback", "offer": "utter_c", "confirm": "utter_cc"}
    data["alternatives"]["both"] = {"kind": kind, "of": of, "offer": "utter_b", "confirm": "utter_bc"}
    entry: Dict[str, Any] = {"id": "both"}
    if amount is not None:
        entry["amount"] = amount
    data["policies"][0]["alternatives"].insert(0, entry)
    return data


def test_a_bundle_loads_with_its_parts_and_grants_its_credit_at_the_policy_amount(tmp_path: Path):
    catalog = load_catalog(write(tmp_path, with_bundle(["replacement", "goodwill_credit"])))
    bundle = catalog.policies[0].alternatives[0]
    assert bundle.alternative.parts == ("replacement", "goodwill_credit")
    assert [(p.id, p.amount) for p in catalog.parts(bundle)] == [("replacement", None), ("goodwill_credit", 10.0)]
    assert catalog.kinds(bundle.alternative) == {"replacement", "credit"}
    assert catalog.parts(Offer(catalog.alternatives["refund"])) == (Offer(catalog.alternatives["refund"]),)


def test_a_bundle_is_within_the_limits_only_when_every_part_is(tmp_path: Path):
    catalog = load_catalog(write(tmp_path, with_bundle(["replacement", "goodwill_credit"], amount=10)))
    bundle = catalog.policies[0].alternatives[0]
    assert catalog.within_limits(bundle, {"order_total": 89.0})
    assert not catalog.within_limits(bundle, {"order_total": 900.0})  # the replacement is beyond the assistant
    big = load_catalog(write(tmp_path, with_bundle(["replacement", "goodwill_credit"], amount=40)))
    assert not big.within_limits(big.policies[0].alternatives[0], {"order_total": 89.0})  # the credit is


@pytest.mark.parametrize(
    "of, problem",
    [
        (["replacement", "free_tv"], "'free_tv' is not in the alternatives list"),
        (["replacement", "both"], "'both' is a bundle itself; a bundle can't hold another bundle"),
        (["replacement", "human"], "'human' hands the case to a person, which can't be part of a bundle"),
        (["replacement", "callback"], "'callback' is a callback, not something granted on the spot"),
        (["replacement", "replacement"], "'replacement' is listed twice"),
        (["replacement", "refund"], "replacement and refund are two remedies for one order, which exclude each other"),
        (["replacement"], "must list two or more alternatives, granted together"),
        ("replacement", "must list two or more alternatives, granted together"),
    ],
)
def test_a_bundle_that_cannot_work_is_refused_with_its_place(tmp_path: Path, of: Any, problem: str):
    path = write(tmp_path, with_bundle(of))
    error = load_error(path)
    assert (error.where, error.field, error.problem) == ("alternative 'both'", "of", problem)
    assert error.line > 1 and str(error).startswith(f"{path}:{error.line}: alternative 'both' field 'of': {problem}")


def test_parts_without_a_bundle_or_a_bundle_without_parts_are_refused(tmp_path: Path):
    data = with_bundle(["replacement", "goodwill_credit"])
    data["alternatives"]["replacement"]["of"] = ["refund", "goodwill_credit"]
    assert load_error(write(tmp_path, data)).problem == "only a bundle has parts"
    data = with_bundle(["replacement", "goodwill_credit"])
    del data["alternatives"]["both"]["of"]
    assert load_error(write(tmp_path, data)).problem == "a bundle needs the alternatives it grants"


def test_a_policy_offering_a_bundle_with_a_credit_says_how_much(tmp_path: Path):
    error = load_error(write(tmp_path, with_bundle(["replacement", "goodwill_credit"], amount=None)))
    assert error.where == "policy 'goodwill_limit'" and error.field == "alternatives"
    assert error.problem == "'both' holds the credit 'goodwill_credit', and the policy doesn't say how much"


def test_the_real_catalog_offers_its_bundle_in_the_gift_policy():
    catalog = load_catalog(ROOT / "catalog" / "policies.yml")
    gift = catalog.policy("wrong_item_gift")
    assert gift is not None and gift.when == {"company_error": True, "gift": True}
    assert [(o.id, o.amount) for o in gift.alternatives][0] == ("gift_replacement_and_credit", 10.0)
    assert catalog.alternatives["gift_replacement_and_credit"].parts == ("gift_replacement", "goodwill_credit")


def test_the_playbook_check_finds_a_bundle_whose_words_leave_out_the_credit(tmp_path: Path):
    domain = compose(ROOT / "domain.yml")
    responses = {text(k): v for k, v in items(get(domain, "responses"))}
    catalog_path = ROOT / "catalog" / "policies.yml"
    assert list(bundle_problems(catalog_path, compose(catalog_path), responses)) == []

    silent = tmp_path / "domain.yml"
    silent.write_text(
        "responses:\n"
        "  utter_offer_gift_replacement_and_credit:\n    - text: Send the right one as a gift, and a credit\n"
        "  utter_confirm_gift_replacement_and_credit:\n    - text: Done, both of them.\n",
        encoding="utf-8",
    )
    found = list(
        bundle_problems(
            catalog_path,
            compose(catalog_path),
            {**responses, **dict((text(k), v) for k, v in items(get(compose(silent), "responses")))},
        )
    )
    assert [p[2] for p in found] == [
        "bundle 'gift_replacement_and_credit' holds a credit, and its offer response "
        "'utter_offer_gift_replacement_and_credit' never says how much: put {amount} in it",
        "bundle 'gift_replacement_and_credit' holds a credit, and its confirm response "
        "'utter_confirm_gift_replacement_and_credit' never says how much: put {amount} in it",
    ]
    assert all(p[0] == catalog_path and p[1] > 1 for p in found)
