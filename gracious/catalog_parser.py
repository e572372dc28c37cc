"""Reading and validating catalog/policies.yml (gracious/catalog.py keeps it in service).

Every mistake is a ``CatalogError`` at the line of the offending field, naming the
policy, alternative or case, the field, what is wrong and the fix. The file is read
with a loader that remembers the line of every key and list item, so a typo in an id
deep in the file is reported where it is, not at line 1.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Tuple

from gracious import catalog_bundles as bundles
from gracious.catalog_model import (
    ALTERNATIVE_KINDS,
    CASE_NEEDS,
    HANDOFF_TRIGGERS,
    RESPONSE_ROLES,
    Alternative,
    Catalog,
    CatalogError,
    Offer,
    Policy,
)
from gracious.yaml_errors import YamlMistake, read_yaml
from gracious.yaml_lines import MarkedLoader, line_of

NUMBER_FIX = "write a plain number such as 25 (no currency sign, no quotes)"


def one_of(known: Iterable[str], given: Any = None) -> str:
    """The fix for a name that is not one of ``known``: the list, and the closest name."""
    names = sorted(str(name) for name in known)
    close = difflib.get_close_matches(str(given), names, n=1) if given is not None else []
    return f"use one of: {', '.join(names)}" + (f" (did you mean '{close[0]}'?)" if close else "")


def load_catalog(path: Path) -> Catalog:
    """Read and validate the catalog at ``path``.

    Raises:
        CatalogError: at the line of the mistake, naming the policy (or section), the field and the fix.
    """
    try:
        raw = read_yaml(path, MarkedLoader)
    except FileNotFoundError:
        raise CatalogError(path, "", "the file is missing", fix="put catalog/policies.yml back") from None
    except YamlMistake as mistake:
        raise CatalogError(path, "", mistake.problem, line=mistake.line) from None
    if not isinstance(raw, dict):
        fix = "start the file with 'empowerment:', 'alternatives:' and 'policies:'"
        raise CatalogError(path, "", "the file must be a mapping with 'policies'", fix=fix)
    return _Parser(path).catalog(raw)


class _Parser:
    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, problem: str, line: int, field: str = "", fix: str = "") -> CatalogError:
        return CatalogError(self.path, where, problem, line=line, field=field, fix=fix)

    def catalog(self, raw: Dict[str, Any]) -> Catalog:
        limits = raw.get("empowerment")
        if not isinstance(limits, dict):
            fix = "add 'empowerment:' with max_credit and max_replacement_value under it"
            raise self.fail("empowerment", "is missing or not a mapping", line_of(raw, "empowerment"), fix=fix)
        max_credit = self.number(limits, "max_credit", "empowerment")
        max_replacement = self.number(limits, "max_replacement_value", "empowerment")
        alternatives = self.alternatives(raw.get("alternatives"), line_of(raw, "alternatives"))
        policies_raw = raw.get("policies")
        if not isinstance(policies_raw, list) or not policies_raw:
            fix = "list each policy under 'policies:' as '- id: ...' with its fields indented under it"
            raise self.fail("policies", "must be a non-empty list", line_of(raw, "policies"), fix=fix)
        policies: List[Policy] = []
        for index, entry in enumerate(policies_raw):
            policy = self.policy(entry, index, line_of(policies_raw, index), alternatives)
            if any(p.id == policy.id for p in policies):
                where = f"policy '{policy.id}'"
                raise self.fail(where, "is used twice", line_of(entry, "id"), "id", "give each policy an id of its own")
            policies.append(policy)
        cases = raw.get("cases", {})
        cases_line = line_of(raw, "cases")
        return Catalog(
            max_credit, max_replacement, alternatives, policies, self.needs(cases, cases_line), self.becomes(cases)
        )

    def needs(self, raw: Any, at: int) -> Dict[str, str]:
        if not isinstance(raw, dict):
            fix = "write each case type as 'name: {needs: order}' under 'cases:'"
            raise self.fail("cases", "must map each case type to what it needs", at, fix=fix)
        result = {}
        for case_type, spec in raw.items():
            where = f"case '{case_type}'"
            need = spec.get("needs") if isinstance(spec, dict) else None
            if need not in CASE_NEEDS:
                line = line_of(spec, "needs") if isinstance(spec, dict) else line_of(raw, case_type)
                shown = "is missing" if need is None else f"'{need}' is not something a case can need"
                raise self.fail(where, shown, line, "needs", one_of(CASE_NEEDS, need))
            result[str(case_type)] = need
        return result

    def becomes(self, raw: Dict[str, Any]) -> Dict[str, List[Tuple[str, Dict[str, Any]]]]:
        result: Dict[str, List[Tuple[str, Dict[str, Any]]]] = {}
        for case_type, spec in raw.items():
            where = f"case '{case_type}'"
            changes = spec.get("becomes") or {}
            if not isinstance(changes, dict):
                fix = "write it as {other_case: {fact: value}}"
                raise self.fail(where, "must map case types to facts", line_of(spec, "becomes"), "becomes", fix)
            for new in changes:
                if new not in raw:
                    problem = f"'{new}' is not a case type listed under cases"
                    raise self.fail(where, problem, line_of(spec, "becomes"), "becomes", one_of(raw, new))
            # One set of facts, or a list of them (any one makes it the other case).
            result[str(case_type)] = [
                (str(new), self.conditions(one, where, "becomes", line_of(spec, "becomes")))
                for new, when in changes.items()
                for one in (when if isinstance(when, list) else [when])
            ]
        return result

    def number(self, raw: Dict[str, Any], name: str, where: str) -> float:
        value = raw.get(name)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            problem = "is missing" if value is None else f"'{value}' is not a number of 0 or more"
            raise self.fail(where, problem, line_of(raw, name), name, NUMBER_FIX)
        return float(value)

    def text(self, raw: Dict[str, Any], name: str, where: str, fix: str) -> str:
        value = raw.get(name)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(where, "is missing or empty", line_of(raw, name), name, fix)
        return value

    def alternatives(self, raw: Any, at: int) -> Dict[str, Alternative]:
        if not isinstance(raw, dict) or not raw:
            fix = "list each alternative as 'its_id:' with kind, offer and confirm indented under it"
            raise self.fail("alternatives", "must be a mapping of id to alternative", at, fix=fix)
        result = {}
        for alt_id, spec in raw.items():
            where = f"alternative '{alt_id}'"
            if not isinstance(spec, dict):
                fix = "indent kind:, offer: and confirm: under the id"
                raise self.fail(where, "must be a mapping with kind, offer, confirm", line_of(raw, alt_id), fix=fix)
            kind = self.text(spec, "kind", where, one_of(ALTERNATIVE_KINDS))
            if kind not in ALTERNATIVE_KINDS:
                problem = f"'{kind}' is not a kind of alternative"
                raise self.fail(where, problem, line_of(spec, "kind"), "kind", one_of(ALTERNATIVE_KINDS, kind))
            keys = {}
            for name in ("offer", "confirm"):
                fix = f"name a response in domain.yml, such as utter_{name}_{alt_id}"
                keys[name] = key = self.text(spec, name, where, fix)
                if not key.startswith("utter_"):
                    problem = f"'{key}' must name a response (utter_...)"
                    raise self.fail(where, problem, line_of(spec, name), name, fix)
            team = spec.get("team")
            if kind == "handoff" and not team:
                fix = "add 'team: customer_care' (or the team that takes it)"
                raise self.fail(where, "a handoff needs the team that takes it", line_of(spec), "team", fix)
            parts = bundles.parts_of(spec, where, kind, self.fail)
            result[str(alt_id)] = Alternative(str(alt_id), kind, keys["offer"], keys["confirm"], team, parts)
        bundles.check(result, raw, self.fail)
        return result

    def policy(self, raw: Any, index: int, at: int, alternatives: Dict[str, Alternative]) -> Policy:
        if not isinstance(raw, dict):
            fix = "start each policy with '- id: ...' and indent its fields under it"
            raise self.fail(f"policy #{index + 1}", "must be a mapping", at, fix=fix)
        policy_id = raw.get("id")
        if not isinstance(policy_id, str) or not policy_id:
            fix = "add 'id: ' with a name of its own (letters and underscores)"
            raise self.fail(f"policy #{index + 1}", "is missing", line_of(raw, "id"), "id", fix)
        where = f"policy '{policy_id}'"
        case_types = raw.get("case_types")
        if not isinstance(case_types, list):
            fix = "write it as [intent_one, intent_two] with intents from domain.yml"
            raise self.fail(where, "must be a list of intents", line_of(raw, "case_types"), "case_types", fix)
        responses = raw.get("responses")
        if not isinstance(responses, dict) or "explain" not in responses:
            fix = "add 'explain: utter_...' under responses"
            problem = "must map at least 'explain' to a response"
            raise self.fail(where, problem, line_of(raw, "responses"), "responses", fix)
        for role, key in responses.items():
            if role not in RESPONSE_ROLES:
                problem = f"'{role}' is not a kind of response"
                raise self.fail(where, problem, line_of(responses, role), "responses", one_of(RESPONSE_ROLES, role))
            if not isinstance(key, str) or not key.startswith("utter_"):
                fix = "name a response in domain.yml (utter_...)"
                raise self.fail(where, "must name a response", line_of(responses, role), f"responses.{role}", fix)
        triggers = self.triggers(raw, where)
        return Policy(
            id=policy_id,
            case_types=tuple(case_types),
            rule=self.text(raw, "rule", where, "add 'rule: ' with the rule in one sentence"),
            reason=self.text(raw, "reason", where, "add 'reason: ' with why the rule exists"),
            responses=dict(responses),
            alternatives=self.offers(raw, "alternatives", where, alternatives, None),
            entitled_alternatives=self.offers(raw, "entitled_alternatives", where, alternatives, []),
            when=self.conditions(raw.get("when", {}), where, "when", line_of(raw, "when")),
            entitled_when=self.conditions(
                raw.get("entitled_when", {}), where, "entitled_when", line_of(raw, "entitled_when")
            ),
            topics=tuple(raw.get("topics", [])),
            handoff_when=tuple(triggers),
        )

    def triggers(self, raw: Dict[str, Any], where: str) -> List[str]:
        triggers = raw.get("handoff_when", sorted(HANDOFF_TRIGGERS))  # unset: a person on every trigger
        at = line_of(raw, "handoff_when")
        if not isinstance(triggers, list):
            raise self.fail(
                where, "must be a list", at, "handoff_when", f"write it as [...]; {one_of(HANDOFF_TRIGGERS)}"
            )
        for index, trigger in enumerate(triggers):
            if trigger not in HANDOFF_TRIGGERS:
                problem = f"'{trigger}' is not a time to offer a person"
                fix = one_of(HANDOFF_TRIGGERS, trigger)
                raise self.fail(where, problem, line_of(triggers, index), "handoff_when", fix)
        if "customer_asks" not in triggers:
            problem = "must include customer_asks (a customer who asks for a person always gets one)"
            raise self.fail(where, problem, at, "handoff_when", "add customer_asks to the list")
        return list(triggers)

    def conditions(self, raw: Any, where: str, name: str, at: int) -> Dict[str, Any]:
        if not isinstance(raw, dict):
            fix = "write it as {fact: value}, such as {reference_kind: bill}"
            raise self.fail(where, "must be a mapping of fact to value", at, name, fix)
        return dict(raw)

    def offers(
        self, policy: Dict[str, Any], name: str, where: str, alternatives: Dict[str, Alternative], default: Any
    ) -> Tuple[Offer, ...]:
        raw = policy.get(name, default)
        fix = f"list each as '- id: <alternative>' under {name}"
        if not isinstance(raw, list):
            raise self.fail(where, "must be a list", line_of(policy, name), name, fix)
        offers: List[Offer] = []
        for index, entry in enumerate(raw):
            if not isinstance(entry, dict) or "id" not in entry:
                raise self.fail(where, "each entry needs an id", line_of(raw, index), name, fix)
            alt: Optional[Alternative] = alternatives.get(entry["id"])
            at = line_of(entry, "id")
            if alt is None:
                problem = f"'{entry['id']}' is not in the alternatives list"
                raise self.fail(where, problem, at, name, one_of(alternatives, entry["id"]))
            amount = entry.get("amount")
            if amount is not None and (isinstance(amount, bool) or not isinstance(amount, (int, float))):
                problem = f"amount of '{alt.id}' must be a number"
                raise self.fail(where, problem, line_of(entry, "amount"), name, NUMBER_FIX)
            if any(o.id == alt.id for o in offers):
                raise self.fail(where, f"'{alt.id}' is listed twice", at, name, "keep one of them")
            bundles.check_offer(alt, amount, alternatives, where, name, at, self.fail)
            offers.append(Offer(alt, float(amount) if amount is not None else None))
        return tuple(offers)
