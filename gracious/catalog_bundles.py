"""Bundles in the catalog: an alternative of kind ``bundle`` grants the alternatives its ``of``
lists, together ("the right dress to your mum, and a $10.00 credit for you": one button).

Read and checked here for the parser (gracious/catalog_parser.py), each mistake a
``CatalogError`` at its line with the fix: a part that is not an alternative, a bundle
inside a bundle, a person (or a call, an email) inside a bundle, two remedies for one
order, a part listed twice, and a policy offering a bundle with a credit but no amount.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Optional, Tuple

from gracious.catalog_model import Alternative, CatalogError

# What a bundle may hold: things granted on the spot and kept in the records. A person, a call or
# an email follow-up starts a conversation of its own, so it is offered on its own, never inside one.
BUNDLE_PART_KINDS = {"credit", "honour_coupon", "replacement", "exchange", "remake", "refund"}
# Remedies for one order that exclude each other (gracious/stores/grants.py REMEDIES): never two in a bundle.
BUNDLE_EXCLUSIVE = {"refund", "exchange", "replacement"}

# The parser's fail(where, problem, line, field, fix).
Fail = Callable[..., CatalogError]


def _line(container: Any, key: Any = None) -> int:
    lines = getattr(container, "lines", None) or {}
    if key is not None and isinstance(lines, dict) and key in lines:
        return int(lines[key])
    if key is not None and isinstance(lines, list) and isinstance(key, int) and key < len(lines):
        return int(lines[key])
    return int(getattr(container, "line", 1))


def parts_of(spec: Dict[str, Any], where: str, kind: str, fail: Fail) -> Tuple[str, ...]:
    """The ids a bundle's ``of`` lists (none for any other kind)."""
    if ("of" in spec) != (kind == "bundle"):
        if kind == "bundle":
            fix = "add 'of: [one_alternative, another]' with the alternatives it grants together"
            raise fail(where, "a bundle needs the alternatives it grants", _line(spec), "of", fix)
        raise fail(where, "only a bundle has parts", _line(spec, "of"), "of", "set 'kind: bundle', or remove 'of'")
    parts = spec.get("of") or []
    if kind == "bundle" and (
        not isinstance(parts, list) or len(parts) < 2 or not all(isinstance(p, str) for p in parts)
    ):
        fix = "write it as [one_alternative, another], two or more ids from the alternatives list"
        raise fail(where, "must list two or more alternatives, granted together", _line(spec, "of"), "of", fix)
    return tuple(parts)


def check(alternatives: Dict[str, Alternative], raw: Dict[str, Any], fail: Fail) -> None:
    """Every bundle's parts: known, each once, a grant made on the spot, not two remedies for one order."""
    for bundle in alternatives.values():
        if bundle.kind != "bundle":
            continue
        where, spec = f"alternative '{bundle.id}'", raw.get(bundle.id) or {}
        of = spec.get("of") if isinstance(spec, dict) else None
        for index, part_id in enumerate(bundle.parts):
            at = _line(of, index)
            part = alternatives.get(part_id)
            if part is None:
                fix = "use ids from the alternatives list: " + ", ".join(sorted(alternatives))
                raise fail(where, f"'{part_id}' is not in the alternatives list", at, "of", fix)
            if part.kind == "bundle":
                fix = f"list the alternatives of '{part_id}' here themselves"
                raise fail(where, f"'{part_id}' is a bundle itself; a bundle can't hold another bundle", at, "of", fix)
            if part.kind == "handoff":
                fix = f"offer '{part_id}' on its own, beside the bundle"
                raise fail(
                    where, f"'{part_id}' hands the case to a person, which can't be part of a bundle", at, "of", fix
                )
            if part.kind not in BUNDLE_PART_KINDS:
                fix = f"offer '{part_id}' on its own; a bundle holds only " + ", ".join(sorted(BUNDLE_PART_KINDS))
                raise fail(where, f"'{part_id}' is a {part.kind}, not something granted on the spot", at, "of", fix)
            if part_id in bundle.parts[:index]:
                raise fail(where, f"'{part_id}' is listed twice", at, "of", "keep one of them")
        remedies = [p for p in bundle.parts if alternatives[p].kind in BUNDLE_EXCLUSIVE]
        if len(remedies) > 1:
            problem = f"{' and '.join(remedies)} are two remedies for one order, which exclude each other"
            raise fail(where, problem, _line(spec, "of"), "of", "keep one of them")


def check_offer(
    alt: Alternative,
    amount: Optional[float],
    alternatives: Dict[str, Alternative],
    where: str,
    name: str,
    at: int,
    fail: Fail,
) -> None:
    """A policy offering a bundle that holds a credit says how much the credit is."""
    credits = [p for p in alt.parts if alternatives[p].kind == "credit" and p != "missing_discount_credit"]
    if credits and amount is None:
        problem = f"'{alt.id}' holds the credit '{credits[0]}', and the policy doesn't say how much"
        raise fail(where, problem, at, name, f"write it as '{{id: {alt.id}, amount: 10}}'")
