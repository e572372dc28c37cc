"""What the policy catalog holds: alternatives, policies and the catalog itself, and
how a policy is chosen for a case. gracious/catalog.py reads and validates the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, List, Mapping, Optional, Sequence, Tuple

from gracious import codes
from gracious.edits import project_path

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
    "bundle",
}
HANDOFF_TRIGGERS = set(codes.HANDOFF_TRIGGERS)
# What a kind of case needs before its policy can be checked.
CASE_NEEDS = {"bill", "order", "coupon", "nothing"}
RESPONSE_ROLES = {
    "explain",
    "general",
    "entitled",
    "pressed",
    "why",
    "why_entitled",
    "why_used",
    "asked_loosely",
    "no_number",
    "honoured_here",
    "no_account",
}


class CatalogError(ValueError):
    """A problem in the catalog file, phrased for the designer who must fix it.

    ``str(error)`` reads ``catalog/policies.yml:243: policy 'late_delivery' field 'alternatives':
    'goodwil_credit' is not in the alternatives list — use one of: ...``: the file, the line of
    the offending field, where it is, what is wrong, and the fix.
    """

    def __init__(self, path: Path, where: str, problem: str, line: int = 1, field: str = "", fix: str = "") -> None:
        self.path = path
        self.where = where
        self.problem = problem
        self.line = line
        self.field = field
        self.fix = fix
        super().__init__(f"{project_path(path)}:{line}: {self.detail}")

    @property
    def detail(self) -> str:
        """Everything but the file and line: where, what is wrong, and the fix."""
        place = f"{self.where} field '{self.field}'" if self.field else self.where
        said = f"{place}: {self.problem}" if place else self.problem
        return f"{said} — {self.fix}" if self.fix else said


@dataclass(frozen=True)
class Alternative:
    """Something the assistant can offer instead of, or as well as, a 'no'.

    A ``bundle`` grants the alternatives in ``parts`` together: one button, each part
    granted and recorded as itself, one confirmation once all of them are done.
    """

    id: str
    kind: str
    offer: str
    confirm: str
    team: Optional[str] = None
    parts: Tuple[str, ...] = ()


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

    @cached_property
    def case_types(self) -> frozenset:
        """Intents that open a case: every one a policy covers or `cases` lists (worked out once)."""
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

    def parts(self, offer: Offer) -> Tuple[Offer, ...]:
        """What granting ``offer`` grants: a bundle's parts (its amount is its credit's), else the offer itself."""
        if offer.alternative.kind != "bundle":
            return (offer,)
        parts = (self.alternatives[p] for p in offer.alternative.parts)
        return tuple(Offer(part, offer.amount if part.kind == "credit" else None) for part in parts)

    def kinds(self, alternative: Alternative) -> frozenset:
        """The kinds of grant taking ``alternative`` makes (a bundle's parts')."""
        return frozenset(o.alternative.kind for o in self.parts(Offer(alternative)))

    def within_limits(self, offer: Offer, facts: Mapping[str, Any]) -> bool:
        """Whether the assistant may grant this offer without a person (a bundle: every part)."""
        kind = offer.alternative.kind
        if kind == "bundle":
            return all(self.within_limits(part, facts) for part in self.parts(offer))
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
