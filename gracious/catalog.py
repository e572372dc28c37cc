"""The policy catalog: loading and validation (what it holds: gracious/catalog_model.py).

The catalog is data (``catalog/policies.yml``) that conversation designers edit.
Loading validates every field, and a mistake names the file, the policy and the
field, so a designer can fix it without reading Python.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Tuple

import yaml

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
from gracious.settings import settings

__all__ = [
    "current_catalog",
    "forget_catalog",
    "ALTERNATIVE_KINDS",
    "CASE_NEEDS",
    "HANDOFF_TRIGGERS",
    "RESPONSE_ROLES",
    "Alternative",
    "Catalog",
    "CatalogError",
    "Offer",
    "Policy",
    "load_catalog",
]


@lru_cache(maxsize=4)
def _loaded(path: Path, modified_ns: int) -> Catalog:
    return load_catalog(path)


def current_catalog() -> Catalog:
    """The catalog at the configured path, loaded once per process, and again when the file changes.

    A designer's edit reaches running servers without a restart; a stat per call is
    all it costs while the file stays the same.
    """
    path = settings().catalog_path
    return _loaded(path, path.stat().st_mtime_ns)


def forget_catalog() -> None:
    """Drop the loaded catalogs (tests point the settings at another file)."""
    _loaded.cache_clear()


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
            result[str(case_type)] = [
                (str(new), self.conditions(when, where, "becomes")) for new, when in changes.items()
            ]
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
            raise self.fail(
                where, "handoff_when: must include customer_asks (a customer who asks for a person always gets one)"
            )
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

    def offers(self, raw: Any, where: str, name: str, alternatives: Dict[str, Alternative]) -> Tuple[Offer, ...]:
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
