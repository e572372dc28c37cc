"""An agent grants what the catalog allows for a case, through the assistant's own path.

``GET /desk/api/cases/<handoff_id>/grant`` lists the alternatives of the case's
policy (catalog/policies.yml) that change the company's records, each with its
amount or value, whether it is within the agent's limit and whether the record
has it already. ``POST`` with ``{"alternative_id": ..., "amount": ...}`` (amount
only for a credit, the policy's by default) grants one: the same
``CompanyData.grant`` as the chat, so once per record, with its commitment to
the company's systems and its emails (a return label to the verified address on
file) in the same transaction. Registered by web.py behind its ``api`` guard
(signed-in agents only); only the agent holding the case may grant, only for a
customer verified for its record, and only within ``empowerment``'s
``agent_max_credit`` and ``agent_max_replacement_value``.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Optional, Tuple

import yaml
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

import gracious.stores
from gracious import responses as live_responses
from gracious.catalog import current_catalog
from gracious.catalog_model import Offer
from gracious.outbox import grant_emails
from gracious.settings import CATALOG_DIR
from server.desk.agents import Agent
from server.desk.store import DeskStore

Guard = Callable[[Callable[..., Awaitable[HTTPResponse]]], Callable[..., Awaitable[HTTPResponse]]]
# The kinds an agent grants here: what changes the company's records (as in the chat).
GRANTABLE = ("credit", "refund", "exchange", "replacement", "remake", "honour_coupon")
# An alternative's value is the order's total for these (empowerment's replacement value).
VALUED = ("refund", "exchange", "replacement")


@lru_cache(maxsize=4)
def _raw(path: Path, stamp: float) -> Dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def agent_limits(path: Path = CATALOG_DIR / "policies.yml") -> Tuple[float, float]:
    """An agent's (credit, replacement value) limits; twice the assistant's when the catalog names none."""
    limits = _raw(path, path.stat().st_mtime).get("empowerment") or {}
    catalog = current_catalog()
    credit = float(limits.get("agent_max_credit", 2 * catalog.max_credit))
    value = float(limits.get("agent_max_replacement_value", 2 * catalog.max_replacement_value))
    return credit, value


def _words(domain: Any) -> Dict[str, Any]:
    """The live responses (gracious/responses.py): the Rasa server's, else the domain file read here."""
    if domain is not None or live_responses.serving() is not None:
        return live_responses.spoken(domain)
    reader = live_responses.live()  # the desk on its own (the tests' DeskApp): the file, checked
    reader.current()
    reader.settle()
    return reader.current()


def _titles(domain: Any = None) -> Dict[str, str]:
    """Each offer response's first text (the chat's button title), as the chat says it now."""
    return {
        name: str((variations or [{}])[0].get("text") or "")
        for name, variations in _words(domain).items()
        if isinstance(variations, list)
    }


def _number(value: Any) -> Optional[float]:
    try:
        return None if value is None or isinstance(value, bool) else float(value)
    except (TypeError, ValueError):
        return None


def offers(summary: Dict[str, Any]) -> List[Offer]:
    """The case's policy's alternatives an agent may grant here (none without a policy or a record)."""
    policy_id = (summary.get("policy") or {}).get("id") if isinstance(summary.get("policy"), dict) else None
    policy = current_catalog().policy(str(policy_id or ""))
    if policy is None or not summary.get("reference"):
        return []
    found: Dict[str, Offer] = {}
    for offer in (*policy.alternatives, *policy.entitled_alternatives):
        if offer.alternative.kind not in GRANTABLE or offer.alternative.kind == "honour_coupon":
            continue  # a coupon's code is not on the case card
        amount = amount_of(offer, summary)
        if offer.alternative.kind == "credit" and (amount is None or amount <= 0):
            continue  # "the missing discount" on a bill where nothing is missing: nothing to credit
        found.setdefault(offer.id, offer)
    return list(found.values())


def amount_of(offer: Offer, summary: Dict[str, Any]) -> Optional[float]:
    """The amount the policy sets (the missing discount is the bill's own)."""
    amounts = summary.get("amounts") or {}
    if offer.id == "missing_discount_credit":
        return _number(amounts.get("missing_discount_amount"))
    return offer.amount


def title_of(
    offer: Offer, amount: Optional[float], item: Optional[str], titles: Optional[Dict[str, str]] = None
) -> str:
    """The chat's button title for the offer, its {placeholders} filled from the case ("A $10.00
    goodwill credit"); the offer's own name when one can't be filled, never a raw "{amount}"."""
    template = (titles if titles is not None else _titles()).get(offer.alternative.offer) or ""
    values = {"amount": f"${amount:,.2f}" if amount else "", "item": item or ""}
    names = re.findall(r"{([^\n{}]+?)}", template)
    if not template or any(not values.get(name) for name in names):
        return offer.id.replace("_", " ").capitalize()
    return re.sub(r"{([^\n{}]+?)}", lambda found: values[found.group(1)], template)


def over_limit(kind: str, amount: Optional[float], summary: Dict[str, Any]) -> Optional[str]:
    """Why this is beyond the agent's limit, or None when it is within it."""
    credit, value = agent_limits()
    if kind == "credit" and (amount is None or amount > credit):
        return f"A credit at the desk goes up to ${credit:,.2f}; a larger one needs the company's own systems."
    total = _number((summary.get("amounts") or {}).get("order_total"))
    if kind in VALUED and total is not None and total > value:
        return f"An order over ${value:,.2f} can't be refunded, exchanged or replaced from the desk."
    return None


async def listing(summary: Dict[str, Any], domain: Any = None) -> List[Dict[str, Any]]:
    """The grantable alternatives, titled with the live wording (``domain``: the running model's)."""
    company = gracious.stores.company()
    shown = []
    found = offers(summary)
    titles = _titles(domain)
    needs_item = any("{item}" in titles.get(o.alternative.offer, "") for o in found)
    order = await company.order(summary.get("reference")) if needs_item else None
    for offer in found:
        kind = offer.alternative.kind
        amount = amount_of(offer, summary)
        earlier = await company.granted(kind, summary.get("reference"))
        shown.append(
            {
                "id": offer.id,
                "kind": kind,
                "title": title_of(offer, amount, getattr(order, "item", None), titles),
                "amount": amount,
                "within_limit": over_limit(kind, amount, summary) is None,
                "granted": None
                if earlier is None
                else {"at": earlier.created_at.isoformat(timespec="seconds"), "amount": earlier.amount},
            }
        )
    return shown


def _domain(request: Request) -> Any:
    """The running model's domain (the Rasa server's agent), or None for a desk on its own."""
    agent = getattr(request.app.ctx, "agent", None)
    return getattr(agent, "domain", None)


def _body(request: Request) -> Dict[str, Any]:
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return {}
    return body if isinstance(body, dict) else {}


def routes(
    desk: Blueprint,
    api: Guard,
    store: DeskStore,
    secure: Callable[[HTTPResponse], HTTPResponse],
    error: Callable[..., HTTPResponse],
) -> None:
    """The case's grant API on ``desk``."""

    @desk.route("/api/cases/<handoff_id:int>/grant", methods=["GET", "POST"])
    @api
    async def case_grant(request: Request, agent: Agent, handoff_id: int) -> HTTPResponse:
        handoff = await store.handoff_for(handoff_id, agent)
        if handoff is None:
            return error(404, "No such handoff.")
        summary = handoff["summary"]
        credit, value = agent_limits()
        if request.method == "GET":
            return secure(
                response.json(
                    {
                        "handoff_id": handoff_id,
                        "reference": summary.get("reference"),
                        "verified": summary.get("verified") is True,
                        "limits": {"max_credit": credit, "max_replacement_value": value},
                        "alternatives": await listing(summary, _domain(request))
                        if summary.get("verified") is True
                        else [],
                    }
                )
            )
        if handoff["agent"] != agent.name or handoff["status"] != "claimed" or handoff.get("finished_at"):
            return error(409, "Claim the conversation before granting anything.")
        if summary.get("verified") is not True:
            return error(400, "The customer isn't verified for this record, so nothing can be granted on it.")
        body = _body(request)
        chosen = {o.id: o for o in offers(summary)}.get(str(body.get("alternative_id") or ""))
        if chosen is None:
            return error(400, "Pick one of the alternatives listed for this case.")
        kind = chosen.alternative.kind
        amount = amount_of(chosen, summary)
        if kind == "credit" and body.get("amount") is not None:
            amount = _number(body.get("amount"))
            if amount is None or amount <= 0:
                return error(400, "A credit needs an amount above zero.")
        refused = over_limit(kind, amount, summary)
        if refused:
            return error(403, refused)
        return await _grant(handoff, agent, chosen, amount)

    async def _grant(handoff: Dict[str, Any], agent: Agent, chosen: Offer, amount: Optional[float]) -> HTTPResponse:
        summary = handoff["summary"]
        customer = summary.get("customer") or {}
        reference = summary.get("reference")
        policy = (summary.get("policy") or {}).get("id")
        order = await gracious.stores.company().order(reference) if chosen.id in grant_emails.TEMPLATES else None
        mails = grant_emails.mails_for(
            chosen.id,
            to=customer.get("email"),  # the verified address on file (the card shows it only then)
            name=customer.get("name"),
            reference=reference,
            item=order.item if order else None,
        )
        result = await gracious.stores.company().grant(
            chosen.alternative.kind,
            reference,
            customer.get("id"),
            round(amount, 2) if amount is not None else None,
            note=f"{chosen.id} under {policy}, by {agent.name} at the desk",
            sender_id=handoff["sender_id"],
            mails=mails,
            extra={"alternative": chosen.id, "agent": agent.name, "handoff_id": handoff["id"]},
        )
        made = result.grant
        shown = {
            "id": made.id,
            "alternative": chosen.id,
            "kind": made.kind,
            "reference": made.reference,
            "amount": made.amount,
            "created_at": made.created_at.isoformat(timespec="seconds"),
        }
        if result.other_remedy:
            other = {k: v for k, v in shown.items() if k != "alternative"}
            said = f"This order has a {made.kind} already, since {made.created_at:%d %B %Y}: an order gets one of"
            said += " a refund, an exchange or a replacement, so nothing was granted."
            return secure(response.json({"error": said, "other_remedy": other}, status=409))
        if result.granted_before:
            return secure(
                response.json(
                    {"error": "This record has it already; nothing was granted again.", "granted_before": shown},
                    status=409,
                )
            )
        return secure(response.json({"granted": shown, "emails": [m.template for m in mails]}, status=201))
