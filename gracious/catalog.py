"""The policy catalog: loading, validation and policy selection.

The catalog is data (``catalog/policies.yml``) that conversation designers edit.
Loading validates every field, and a mistake names the file, the policy and the
field, so a designer can fix it without reading Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

import yaml

from gracious import codes

ALTERNATIVE_KINDS = {
    "credit",
    "info",
    "honour_coupon",
    "replacement",
    "exchange",
    "remake",
    "refund",
    "followup",
    "callback",
    "handoff",
}
HANDOFF_TRIGGERS = set(codes.HANDOFF_TRIGGERS)
# What a kind of case needs before its policy can be checked.
CASE_NEEDS = {"bill", "order", "coupon", "nothing"}
RESPONSE_ROLES = {"explain", "general", "entitled", "pressed", "why", "why_entitled"}


class CatalogError(ValueError):
    """A problem in the catalog file, phrased for the designer who must fix it."""

    def __init__(self, path: Path, where: str, problem: str) -> None:
        super().__init__(f"{path}: {where}: {problem}")
        self.path = path
        self.where = where
        self.problem = problem


@dataclass(frozen=True)
class Alternative:
    """Something the assistant can offer instead of, or as well as, a 'no'."""

    id: str
    kind: str
    offer: str
    confirm: str
    team: Optional[str] = None


@dataclass(frozen=True)
class Offer:
    """An alternative as one policy offers it, with that policy's amount."""

    alternative: Alternative
    amount: Optional[float] = None

    @property
    def id(self) -> str:
        return self.alternative.id


@dataclass(frozen=True)
class Policy:
    """One rule of the business, why it exists, and what may be offered under it."""

    id: str
    case_types: Sequence[str]
    rule: str
    reason: str
    responses: Mapping[str, str]
    alternatives: Sequence[Offer]
    entitled_alternatives: Sequence[Offer] = ()
    when: Mapping[str, Any] = field(default_factory=dict)
    entitled_when: Mapping[str, Any] = field(default_factory=dict)
    topics: Sequence[str] = ()
    handoff_when: Sequence[str] = ()

    def applies(self, case_type: str, facts: Mapping[str, Any]) -> bool:
        return case_type in self.case_types and _matches(self.when, facts)

    def entitles(self, facts: Mapping[str, Any]) -> bool:
        return bool(self.entitled_when) and _matches(self.entitled_when, facts)

    def response(self, role: str) -> Optional[str]:
        return self.responses.get(role)


@dataclass(frozen=True)
class Catalog:
    """The whole catalog: empowerment limits, alternatives and policies in order."""

    max_credit: float
    max_replacement_value: float
    alternatives: Mapping[str, Alternative]
    policies: Sequence[Policy]
    needs: Mapping[str, str] = field(default_factory=dict)
    becomes: Mapping[str, Sequence[Tuple[str, Mapping[str, Any]]]] = field(default_factory=dict)

    @property
    def case_types(self) -> frozenset:
        """Intents that open a case: every one a policy covers or `cases` lists."""
        return frozenset(self.needs) | {t for p in self.policies for t in p.case_types}

    def case_needs(self, case_type: Optional[str]) -> str:
        """What the case needs first: a bill, an order, a coupon, or nothing."""
        return self.needs.get(case_type or "", "nothing")

    def follow(self, case_type: str, facts: Mapping[str, Any]) -> str:
        """The kind of case the facts make it: a bill is never a return, a coffee needs no order."""
        return next((new for new, when in self.becomes.get(case_type, ()) if _matches(when, facts)), case_type)

    def policy(self, policy_id: str) -> Optional[Policy]:
        return next((p for p in self.policies if p.id == policy_id), None)

    def select(self, case_type: str, facts: Mapping[str, Any]) -> Optional[Policy]:
        """The first policy that applies to this case type and these facts."""
        return next((p for p in self.policies if p.applies(case_type, facts)), None)

    def for_topic(self, topic: str) -> Optional[Policy]:
        return next((p for p in self.policies if topic in p.topics), None)

    def within_limits(self, offer: Offer, facts: Mapping[str, Any]) -> bool:
        """Whether the assistant may grant this offer without a person."""
        kind = offer.alternative.kind
        if kind == "credit":
            amount = offer.amount
            if amount is None and offer.id == "missing_discount_credit":
                amount = facts.get("missing_discount_amount")
            return amount is not None and float(amount) <= self.max_credit
        if kind in ("replacement", "exchange", "refund"):
            value = facts.get("order_total")
            return value is None or float(value) <= self.max_replacement_value
        return True

    def response_keys(self) -> List[str]:
        """Every domain response the catalog refers to."""
        keys = [a.offer for a in self.alternatives.values()]
        keys += [a.confirm for a in self.alternatives.values()]
        for policy in self.policies:
            keys += list(policy.responses.values())
        return sorted(set(keys))


def _matches(conditions: Mapping[str, Any], facts: Mapping[str, Any]) -> bool:
    return all(facts.get(name) == value for name, value in conditions.items())


def load_catalog(path: Path) -> Catalog:
    """Read and validate the catalog at ``path``.

    Raises:
        CatalogError: naming the file, the policy (or section) and the field.
    """
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CatalogError(path, "file", "not found") from None
    except yaml.YAMLError as error:
        raise CatalogError(path, "file", f"is not valid YAML ({error})") from None
    if not isinstance(raw, dict):
        raise CatalogError(path, "file", "must be a mapping with 'policies'")
    return _Parser(path).catalog(raw)


class _Parser:
    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, problem: str) -> CatalogError:
        return CatalogError(self.path, where, problem)

    def catalog(self, raw: Dict[str, Any]) -> Catalog:
        limits = raw.get("empowerment")
        if not isinstance(limits, dict):
            raise self.fail("empowerment", "is missing or not a mapping")
        max_credit = self.number(limits, "max_credit", "empowerment")
        max_replacement = self.number(limits, "max_replacement_value", "empowerment")
        alternatives = self.alternatives(raw.get("alternatives"))
        policies_raw = raw.get("policies")
        if not isinstance(policies_raw, list) or not policies_raw:
            raise self.fail("policies", "must be a non-empty list")
        policies: List[Policy] = []
        for index, entry in enumerate(policies_raw):
            policy = self.policy(entry, index, alternatives)
            if any(p.id == policy.id for p in policies):
                raise self.fail(f"policy '{policy.id}'", "id: is used twice")
            policies.append(policy)
        cases = raw.get("cases", {})
        return Catalog(max_credit, max_replacement, alternatives, policies, self.needs(cases), self.becomes(cases))

    def needs(self, raw: Any) -> Dict[str, str]:
        if not isinstance(raw, dict):
            raise self.fail("cases", "must map each case type to what it needs")
        result = {}
        for case_type, spec in raw.items():
            need = spec.get("needs") if isinstance(spec, dict) else None
            if need not in CASE_NEEDS:
                raise self.fail(f"case '{case_type}'", f"needs: must be one of {sorted(CASE_NEEDS)}")
            result[str(case_type)] = need
        return result

    def becomes(self, raw: Dict[str, Any]) -> Dict[str, List[Tuple[str, Dict[str, Any]]]]:
        result: Dict[str, List[Tuple[str, Dict[str, Any]]]] = {}
        for case_type, spec in raw.items():
            changes = spec.get("becomes") or {}
            if not isinstance(changes, dict) or any(new not in raw for new in changes):
                raise self.fail(f"case '{case_type}'", "becomes: must map case types listed under cases to facts")
            where = f"case '{case_type}'"
            result[str(case_type)] = [(str(new), self.conditions(when, where, "becomes")) for new, when in changes.items()]
        return result

    def number(self, raw: Dict[str, Any], name: str, where: str) -> float:
        value = raw.get(name)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise self.fail(where, f"{name}: must be a number of 0 or more")
        return float(value)

    def text(self, raw: Dict[str, Any], name: str, where: str) -> str:
        value = raw.get(name)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(where, f"{name}: is missing or empty")
        return value

    def alternatives(self, raw: Any) -> Dict[str, Alternative]:
        if not isinstance(raw, dict) or not raw:
            raise self.fail("alternatives", "must be a mapping of id to alternative")
        result = {}
        for alt_id, spec in raw.items():
            where = f"alternative '{alt_id}'"
            if not isinstance(spec, dict):
                raise self.fail(where, "must be a mapping with kind, offer, confirm")
            kind = self.text(spec, "kind", where)
            if kind not in ALTERNATIVE_KINDS:
                known = ", ".join(sorted(ALTERNATIVE_KINDS))
                raise self.fail(where, f"kind: '{kind}' is not one of {known}")
            offer = self.text(spec, "offer", where)
            confirm = self.text(spec, "confirm", where)
            for name, key in (("offer", offer), ("confirm", confirm)):
                if not key.startswith("utter_"):
                    raise self.fail(where, f"{name}: '{key}' must name a response (utter_...)")
            team = spec.get("team")
            if kind == "handoff" and not team:
                raise self.fail(where, "team: a handoff needs the team that takes it")
            result[str(alt_id)] = Alternative(str(alt_id), kind, offer, confirm, team)
        return result

    def policy(self, raw: Any, index: int, alternatives: Dict[str, Alternative]) -> Policy:
        if not isinstance(raw, dict):
            raise self.fail(f"policy #{index + 1}", "must be a mapping")
        policy_id = raw.get("id")
        if not isinstance(policy_id, str) or not policy_id:
            raise self.fail(f"policy #{index + 1}", "id: is missing")
        where = f"policy '{policy_id}'"
        case_types = raw.get("case_types")
        if not isinstance(case_types, list):
            raise self.fail(where, "case_types: must be a list of intents")
        responses = raw.get("responses")
        if not isinstance(responses, dict) or "explain" not in responses:
            raise self.fail(where, "responses: must map at least 'explain' to a response")
        for role, key in responses.items():
            if role not in RESPONSE_ROLES:
                raise self.fail(where, f"responses: '{role}' is not one of {sorted(RESPONSE_ROLES)}")
            if not isinstance(key, str) or not key.startswith("utter_"):
                raise self.fail(where, f"responses.{role}: must name a response (utter_...)")
        triggers = raw.get("handoff_when", sorted(HANDOFF_TRIGGERS))  # unset: a person on every trigger
        if not isinstance(triggers, list) or not set(triggers) <= HANDOFF_TRIGGERS:
            raise self.fail(where, f"handoff_when: must be a list of {sorted(HANDOFF_TRIGGERS)}")
        if "customer_asks" not in triggers:
            raise self.fail(where, "handoff_when: must include customer_asks (a customer who asks for a person always gets one)")
        return Policy(
            id=policy_id,
            case_types=tuple(case_types),
            rule=self.text(raw, "rule", where),
            reason=self.text(raw, "reason", where),
            responses=dict(responses),
            alternatives=self.offers(raw.get("alternatives"), where, "alternatives", alternatives),
            entitled_alternatives=self.offers(
                raw.get("entitled_alternatives", []), where, "entitled_alternatives", alternatives
            ),
            when=self.conditions(raw.get("when", {}), where, "when"),
            entitled_when=self.conditions(raw.get("entitled_when", {}), where, "entitled_when"),
            topics=tuple(raw.get("topics", [])),
            handoff_when=tuple(triggers),
        )

    def conditions(self, raw: Any, where: str, name: str) -> Dict[str, Any]:
        if not isinstance(raw, dict):
            raise self.fail(where, f"{name}: must be a mapping of fact to value")
        return dict(raw)

    def offers(
        self, raw: Any, where: str, name: str, alternatives: Dict[str, Alternative]
    ) -> Tuple[Offer, ...]:
        if not isinstance(raw, list):
            raise self.fail(where, f"{name}: must be a list")
        offers: List[Offer] = []
        for entry in raw:
            if not isinstance(entry, dict) or "id" not in entry:
                raise self.fail(where, f"{name}: each entry needs an id")
            alt = alternatives.get(entry["id"])
            if alt is None:
                raise self.fail(where, f"{name}: '{entry['id']}' is not in the alternatives list")
            amount = entry.get("amount")
            if amount is not None and (isinstance(amount, bool) or not isinstance(amount, (int, float))):
                raise self.fail(where, f"{name}: amount of '{alt.id}' must be a number")
            if any(o.id == alt.id for o in offers):
                raise self.fail(where, f"{name}: '{alt.id}' is listed twice")
            offers.append(Offer(alt, float(amount) if amount is not None else None))
        return tuple(offers)
