"""What the actions know about the case in hand: its type, facts and wording.

Facts are read from the company's records for the reference, coupon and item the
customer gave; the policy catalog's ``when`` conditions are written against them.
"""

from __future__ import annotations

import copy
import re
import zlib
from datetime import date
from typing import Any, Dict, Iterable, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType

from actions.verification import is_verified, known_customer
from gracious import repair
from gracious.answers import has_left_the_cafe
from gracious.catalog import current_catalog
from gracious.references import find as find_references
from gracious.references import normalize_reference, parse_amount, reference_kind  # noqa: F401 (re-exported)
from gracious.signals import (
    about_hygiene,
    about_staff_conduct,
    asks_an_errand,
    asks_for_gift_packing,
    asks_the_impossible,
    calls_never_came_again,
    calls_not_made,
    charged_twice,
    here_now,
    said_at_the_cafe,
    said_it_was_a_gift,
    said_playfully,
    says_it_is_faulty,
    says_it_is_late,
    says_it_is_their_own_change,
    says_wrong_sent,
    taken_by_another,
    wants_it_cancelled,
)
from gracious.stores import company, notices
from gracious.stores.company_schema import ONCE_PER_RECORD
from gracious.stores.company_types import business_today

# Slots that describe one case; a new case starts them afresh.
CASE_SLOTS = (
    "policy_id",
    "entitled",
    "company_at_fault",
    "offered_alternatives",
    "declined_alternatives",
    "accepted_alternative",
    "granted_alternatives",
    "case_facts",
    "reference_missing",
    "reference_attempts",
    "concern_logged",
    "explained_policies",
    "account_check",
)

# What the customer asked for, before what they got: "ordered an oat flat white and got a latte".
ORDERED = re.compile(
    r"\b(?:i )?(?:ordered|order|asked for|wanted)\s+(.{1,40}?)(?:\s+(?:and|but)\s+|\s*,\s*|\s+)"
    r"(?:i )?(?:got|get|received|was given|they gave|they give|they brought|you gave|came)\b",
    re.I,
)

# "i ordered the soup and i actually meant to get the salad", "i just want the salad instead of it" (blind
# panel p43 16): the one they want is the one to make, never the soup again.
MEANT_TO_GET = re.compile(
    r"\b(?:meant to (?:get|order|have|ask for)|wanted to (?:get|order)|just want|rather have|want)\s+"
    r"(?:the |a |an )?([a-z][a-z ]{1,30}?)\s+(?:instead|rather)\b"
    r"|\bmeant to (?:get|order|have|ask for)\s+(?:the |a |an )?([a-z][a-z ]{1,30}?)(?=[,.!?]|\s+(?:and|but|my)\b|$)"
    r"|\bas (?:the|a|an) ([a-z][a-z ]{1,30}?)(?=[,.!?]|\s+please\b|$)",
    re.I,
)
# "they gave me a cappuccino instead of what i ordered": the one given, not the one wanted.
GIVEN_INSTEAD = re.compile(
    r"\b(?:gave me|given|got|served me|served|brought me|handed me)\s+(?:a |an |the )?([a-z][a-z ]{1,30}?)\s+"
    r"instead of (?:what i|my order|the one i|mine|my)\b",
    re.I,
)

# The catalog as it is now (reloaded when a designer's edit lands).
catalog = current_catalog


def case_intents() -> frozenset:
    """Intents that open a case the assistant works through with the customer."""
    return catalog().case_types


def money(value: Optional[float]) -> str:
    return "" if value is None else f"${float(value):,.2f}"


def day_name(value: Optional[date]) -> str:
    return "" if value is None else value.strftime("%A %-d %B")


def days_late(promised: Any) -> str:
    """How late an order promised for ``promised`` is today: "3 days", "a day", or "" when it isn't late."""
    if isinstance(promised, str):
        try:
            promised = date.fromisoformat(promised[:10])
        except ValueError:
            return ""
    if not isinstance(promised, date):
        return ""
    late = (business_today() - promised).days
    return "" if late <= 0 else ("a day" if late == 1 else f"{late} days")


async def _prefixed(number: str, case_type: Optional[str]) -> str:
    """'30017' as the bill or order that exists, the case's kind first."""
    data = company()
    bill_first = bool(case_type) and catalog().case_needs(case_type) == "bill"
    for prefix in ("BL", "LK") if bill_first else ("LK", "BL"):
        found = await (data.bill if prefix == "BL" else data.order)(f"{prefix}-{number}")
        if found is not None:
            return f"{prefix}-{number}"
    return number


def bill_facts(bill: Any) -> Dict[str, Any]:
    """What a bill's record says: its discount, its international calls."""
    missing = round(bill.discount_due - bill.discount_applied, 2)
    return dict(
        bill_complex=bill.complex,
        international_calls=len(bill.international_lines),
        international_destinations=sorted({line.destination for line in bill.international_lines}),
        international_total=round(sum(line.amount for line in bill.international_lines), 2),
        domestic_total=bill.domestic_total,
        discount_rate=bill.discount_rate,
        discount_applied=bill.discount_applied,
        discount_due=bill.discount_due,
        discount_missing=missing > 0.005,
        missing_discount_amount=max(missing, 0.0),
        bill_lines=[[line.destination, line.minutes, line.amount] for line in bill.lines],
    )


def bill_lines(lines: List[List[Any]]) -> Dict[str, str]:
    """A bill's calls line by line ("Seattle, 200 minutes, $40.00; ... and Miami, 70 minutes, $14.00")
    and what they come to, for "what are the amounts on the bill" (blind panel p42 23); empty without one."""
    said = [f"{place}, {minutes} minutes, {money(amount)}" for place, minutes, amount in lines]
    if len(said) > 1:
        said[-1] = f"and {said[-1]}"
    return {
        "bill_lines": "; ".join(said),
        "calls_total": money(round(sum(amount for _, _, amount in lines), 2)) if lines else "",
    }


def order_facts(order: Any, today: date) -> Dict[str, Any]:
    """What an order's record says: what was sent, when, and whether it can still go back."""
    delivered_days = (today - order.delivered_on).days if order.delivered_on else None
    return dict(
        order_item=order.item,
        ordered=order.ordered,
        shipped=order.shipped,
        order_status=order.status,
        order_total=order.total,
        promised_on=order.missed_on(today) or order.promised_on,
        company_error=bool(order.shipped and order.ordered and order.shipped != order.ordered),
        # Past a date we gave, even when the company has moved it since (the first date stays missed).
        order_late=order.late_on(today),
        within_return_window=delivered_days is not None and delivered_days <= 30,
        order_delivered=order.delivered_on is not None,
        delivered_on=order.delivered_on,
        days_since_delivery=delivered_days,
    )


# A sum said as what something cost, not as what is wanted: "76 dollars full price", "i paid 60 for it", "45 dollars
# for 100 minutes to london is daylight robbery" (blind panel p49 22).
PRICE_WORDS = re.compile(
    r"\b(?:full price|paid|pay|cost|costs|costed|total|came to|comes to|was charged|charged|price|priced|bill (?:is|was)|worth"
    # "I do not understand the charges of ninety-six dollars" (blind panel p62 L05): a charge, never a sum asked for.
    r"|charges? of|fees? of|an? amount of"
    r"|for \d+ (?:minutes?|mins?|calls?|texts?)|(?:a|per) (?:minute|min|month|call)|robbery|rip-?off|ripoff"
    # "76 bucks of calls and not a single cent of the discount" (blind panel p59 F02): what the calls came to.
    r"|(?:bucks|dollars|\$\d+(?:\.\d+)?)\s+(?:of|worth of|in)\s+(?:calls?|texts?|data|roaming|charges?|minutes?|usage))\b",
    re.I,
)
DEMAND_WORDS = re.compile(r"\b(?:want|give me|refund|back|compensat\w*|credit|owe|owed|deserve|demand|expect)\b", re.I)


def said_as_a_price(tracker: Tracker, amount: float) -> bool:
    """Every message that names the sum names it as a price, and none asks for it."""
    number = f"{amount:g}"

    def names_it(text: str) -> bool:
        """The sum in figures, or in words ("ninety-six dollars")."""
        if re.search(rf"(?<![\d.]){re.escape(number)}(?:\.00)?(?![\d])", text):
            return True
        return any(f.entity == "amount" and parse_amount(f.value) == amount for f in find_references(text))

    said = [
        str(e.get("text") or "")
        for e in tracker.events
        if e.get("event") == "user" and names_it(str(e.get("text") or ""))
    ]
    # About a bill, a sum named with no word of wanting it is what was charged ("its like 96 dollars", "96 bucks": blind
    # panel p63 N08, N10, "As for the $96.00 you asked for").
    bill = tracker.get_slot("case_type") == "dispute_charge"
    return bool(said) and all((bill or PRICE_WORDS.search(t)) and not DEMAND_WORDS.search(t) for t in said)


async def gather_facts(tracker: Tracker) -> Dict[str, Any]:
    """Facts about the case from the slots and the company's records."""
    data = company()
    facts: Dict[str, Any] = {}
    reference = tracker.get_slot("order_id")
    reference = normalize_reference(reference) if reference else None
    if reference and reference.isdigit():
        # "bill 30017" before the case form has looked it up: the record it is.
        reference = await _prefixed(reference, tracker.get_slot("case_type"))
    kind = reference_kind(reference)
    facts["reference_kind"] = kind
    facts["reference"] = reference
    today = business_today()  # the business's date, as the company's events and the late check judge it
    customer_id = None
    record: Any = None
    if kind in ("bill", "order"):
        record = await (data.bill if kind == "bill" else data.order)(reference)
        facts["reference_found"] = record is not None
    if record is not None:
        facts["reference"] = record.id
        if not is_verified(tracker, record.customer_id):
            # Nothing of someone's account before they are verified for it (actions/verification.py).
            facts.update(verified=False, verification_needed=True)
            facts["verification_failed"] = tracker.get_slot("account_check") == "failed"
            record = None
            told = str(tracker.get_slot("case_details") or tracker.latest_message.get("text") or "")
            if kind == "order" and says_wrong_sent(told):
                # "red instead of navy" about an order not opened (blind panel p54 B07): the rule for a wrong item
                # sent, in general terms, never the exchange's "anything that arrives as ordered".
                facts["company_error"] = True
    if record is not None:
        customer_id = record.customer_id
        facts["verified"] = True
        # What this record was granted already, in any conversation: never offered again.
        rows = await data.grants_for(record.id)
        granted = sorted({grant["kind"] for grant in rows})
        if granted:
            facts["granted_kinds"] = granted
            facts.update(earlier_grant_facts(rows, tracker, customer_id))
        if kind == "bill":
            facts.update(bill_facts(record))
        else:
            facts.update(order_facts(record, today))
            stopped, signed_up = await data.run(notices.updates_state, record.id)
            if signed_up:
                facts["updates_on"] = True  # "the tracking emails are already on from before" (blind panel p50 22)
            elif stopped:
                facts["updates_stopped"] = True  # "stop the tracking emails" (p54 B12): never offered them again
            facts["item_category"] = await data.product_category(record.item)
    code = tracker.get_slot("coupon_code")
    if code:
        coupon = await data.coupon(code)
        facts["coupon_found"] = coupon is not None
        if coupon:
            facts.update(
                coupon_code=coupon.code,
                coupon_percent=coupon.percent_off,
                coupon_valid=coupon.expires_on >= today,
                coupon_expired_on=coupon.expires_on,
                coupon_honoured_before=coupon.goodwill_honoured,
            )
            # "ok nvm ill stick with spring15" after it was honoured in this chat (blind panel p43 10): still set
            # to go through, never its end date said again as if nothing had been done.
            settled = tracker.get_slot("settled") or []
            if any(
                isinstance(e, dict)
                and e.get("alternative") == "honour_coupon"
                and str(e.get("reference") or "").upper() == coupon.code
                and e.get("state") == "done"
                for e in settled
            ):
                facts["coupon_honoured_here"] = True
            elif coupon.code and await _honoured_for(coupon.code, customer_id or known_customer(tracker)):
                # Honoured for this customer in an earlier chat (a conversation of our own, 7 December: "SPRING15
                # reached its end date" again, and no way to use it): still set to go through for them.
                facts["coupon_honoured_here"] = True
    said = " ".join(t for t in (tracker.get_slot("case_details"), tracker.latest_message.get("text")) if t)
    # What is asked now: "the rain to stop" then "$5000 in compensation" is a claim, not the weather.
    asked_now = str(tracker.latest_message.get("text") or "")
    # "my latte was stone cold and i want a taxi" (blind panel p72 AF-04): a taxi is beyond anyone too.
    facts["impossible_request"] = asks_the_impossible(asked_now) or (
        tracker.get_slot("case_type") == "demand_compensation" and asks_an_errand(asked_now)
    )
    if facts["impossible_request"] and here_now(tracker.latest_message.get("text") or ""):
        facts["here_now"] = True  # "i'm sitting on the terrace ... and its pouring": now, never "another day"
    if facts["impossible_request"] and said_playfully(tracker.latest_message.get("text") or ""):
        facts["playful"] = True  # "can you make it stop? :)": a joke, answered lightly (blind panel p50 15)
    if says_it_is_late(said):
        facts["said_late"] = True  # "i dont want a refund, i want the grinder. it's late"
    all_told = [str(e.get("text") or "") for e in tracker.events if e.get("event") == "user"]
    if any(calls_never_came_again(t) for t in all_told + [said]):
        # "Ive been promised a call back twice this month and nobody has ever called" (blind panel p54 A06): never a
        # third call offered (actions/offer_alternatives.py), whatever this case is about. One missed call is met with
        # one that is kept (same_day_callback).
        facts["calls_never_came"] = True
    if says_it_is_faulty(said):
        facts["faulty"] = True  # "it crackles in the left ear": a new one or a refund, not an exchange of size
    if said_it_was_a_gift(said) or asks_for_gift_packing(said):
        facts["gift"] = True  # "it was a present for my mum": the policy may send it straight to her
    # The item the customer named, or else one their words mention ("a large coffee").
    # "ordered an oat flat white and got a latte": the flat white is theirs, the latte our mistake.
    ordered = (MEANT_TO_GET.search(said) or ORDERED.search(said)) if "item_category" not in facts else None
    asked_for = await data.product_in(next(g for g in ordered.groups() if g)) if ordered else None
    given_instead = GIVEN_INSTEAD.search(said) if not ordered and "item_category" not in facts else None
    if given_instead:
        # "my latte was stone cold and they gave me a cappuccino instead of what i ordered" (blind panel p44 09):
        # the one given is ours; the other named is theirs, never "we didn't get your cappuccino right".
        asked_for = await data.product_in(said.replace(given_instead.group(1), " "))
    if asked_for:
        facts["item_asked_for"] = asked_for
    item = (
        asked_for
        or tracker.get_slot("item")
        or (await data.product_in(said) if said and "item_category" not in facts else None)
    )
    if item and "item_category" not in facts:
        facts["item_category"] = await data.product_category(item)
        facts["item_named"] = item
        # A café item named, not only a café word; not when the complaint is how staff behaved
        # ("rolled his eyes when i asked if the muffins had nuts" is not about the muffin).
        facts["cafe_item"] = facts["item_category"] == "cafe" and not about_staff_conduct(said)
    if "item_category" not in facts and said_at_the_cafe(said):
        facts["item_category"] = "cafe"  # "the barista gave me someone else's drink"
    if facts.get("item_category") == "cafe" and about_hygiene(said):
        # "a hair in my sandwich": not a remake (catalog/policies.yml cafe_hygiene); "someone from the kitchen
        # came out without washing their hands": food safety before the rest (cafe_hygiene_report).
        facts["hygiene"] = True
    if facts.get("item_category") == "cafe" and taken_by_another(said):
        # "someone took my flat white off the counter ... the barista says i need to pay again" (blind panel p51 10):
        # made again and never paid twice (catalog/policies.yml cafe_taken), never "we didn't get it right".
        facts["taken"] = True
    if facts.get("item_category") == "cafe" and has_left_the_cafe(said):
        # "cold coffee. station cafe. no need new coffee, i go home" (a conversation of our own, 7 December): a remake
        # is no use to someone on their way home (catalog/policies.yml cafe_left), never offered.
        facts["left_the_cafe"] = True
    if facts.get("item_category") == "cafe" and says_it_is_their_own_change(said):
        # "i ordered the soup and actually meant to get the salad, my mistake" (blind panel p43 16): swapped,
        # never "we didn't get your soup right" nor the soup made again.
        facts["own_change"] = True
    if wants_it_cancelled(said):
        # "i want to cancel it": still being packed, a person can stop it (cancel_before_shipping).
        facts["cancel_wanted"] = True
    if charged_twice(said):
        # "you charged me twice": the payment, which only a billing specialist can match (a bill case's
        # policy duplicate_payment; no other case's policy asks for it).
        facts["charged_twice"] = True
        if repair.says("topic_discounts", said):
            # "i dont think i got the discount at all AND i think you charged me twice" (blind panel p44 06):
            # both, never the discount dropped (policy duplicate_payment_and_discount).
            facts["discount_asked"] = True
    if calls_not_made(said):
        # "calls on my bill I never made": maybe someone else on the line, checked by account security
        # (a bill case's policy calls_not_made), never a credit on the spot.
        facts["calls_not_made"] = True
    skipped = tracker.get_slot("reference_missing") and not tracker.get_slot("reference_attempts")
    if not facts.get("reference") and (skipped or repair.says_no_number(said)):
        # "i dont have the order number on me" (blind panel p43 24): a policy's `no_number` words, never
        # "I couldn't find the record" to someone who said they have none.
        facts["no_number"] = True
    amount = parse_amount(tracker.get_slot("amount"))
    if amount is not None and facts.get("order_total") is not None and abs(amount - float(facts["order_total"])) < 0.01:
        # "pretty disappointed for $75" about the $75 headphones (blind panel p47 06): what they paid, no sum asked for.
        amount = None
    if amount is not None and said_as_a_price(tracker, amount):
        # "my last phone bill didnt have my discount on it at all. 76 dollars full price" (blind panel p49 03): what the
        # bill came to, never "As for the $76.00 you asked for".
        amount = None
    if amount is not None:
        facts["amount_requested"] = amount
        facts["over_limit"] = amount > catalog().max_credit
    elif repair.says("asks_compensation", tracker.latest_message.get("text") or ""):
        facts["asked_loosely"] = True  # "something extra for my trouble": no sum named
    if customer_id is None and not facts.get("verification_needed"):
        # No record in hand: the customer the website vouches for (or a check verified), if one.
        customer_id = known_customer(tracker)
        if customer_id:
            facts["verified"] = True
    if customer_id:
        customer = await data.customer(customer_id)
        if customer:
            facts.update(
                customer_id=customer.id,
                customer_name=customer.first_name,
                customer_full_name=customer.name,
                customer_phone=customer.phone,
                customer_email=customer.email,
            )
    return facts


async def _honoured_for(code: str, customer_id: Optional[str]) -> bool:
    """Whether ``code`` was honoured for ``customer_id`` (signed in or verified), in any chat."""
    if not customer_id:
        return False
    rows = await company().grants_for(code)
    return any(r.get("kind") == "honour_coupon" and r.get("customer_id") == customer_id for r in rows)


def earlier_grant_facts(
    rows: List[Dict[str, Any]], tracker: Tracker, customer_id: Optional[str] = None
) -> Dict[str, Any]:
    """When and by whom each once-per-record grant was made (credit, replacement...), for the answers to "what
    credit? when did that happen?" and "so has it shipped?" (blind panel p42 06, 20): the time said,
    and who arranged it ("in this chat", "by one of our team" at the desk, else "in an earlier chat").
    The replacement's alternative (``replacement_before``) and whether it was granted before today
    (``replacement_sent``: an overnight one leaves the evening it is granted)."""
    from datetime import datetime, timezone
    from zoneinfo import ZoneInfo

    from actions.hours import spoken_time
    from gracious.settings import settings
    from gracious.stores import grants as grant_rules

    zone = ZoneInfo(settings().timezone)
    now = datetime.now(zone)
    here = {current_catalog().alternatives[a].kind for a in _settled(tracker) if a in current_catalog().alternatives}
    facts: Dict[str, Any] = {}
    for kind in ONCE_PER_RECORD:
        row = next((r for r in rows if r.get("kind") == kind), None)
        if row is None:
            continue
        at = row.get("created_at")
        at = datetime.fromisoformat(at) if isinstance(at, str) else at
        if not isinstance(at, datetime):
            continue
        at = (at if at.tzinfo else at.replace(tzinfo=timezone.utc)).astimezone(zone)
        by = (
            "in this chat"
            if kind in here
            else ("by one of our team" if "at the desk" in str(row.get("note") or "") else "in an earlier chat with us")
        )
        facts[f"{kind}_before_on"] = spoken_time(at, now)
        facts[f"{kind}_before_by"] = by
        if kind == "credit" and row.get("amount"):
            facts["credit_before"] = float(row["amount"])
        if grant_rules.switchable(kind, at.date(), now.date(), row.get("customer_id"), customer_id):
            # Nothing of it has moved yet: the other remedies stay on offer, chosen as a switch (apply_alternative).
            facts["switchable_remedies"] = [*facts.get("switchable_remedies", []), kind]
        if kind == "replacement":
            facts["replacement_sent"] = at.date() < now.date()
            # The alternative it was, the first word of its note ("replacement_overnight under wrong_item_...").
            facts["replacement_before"] = str(row.get("note") or "").split(" ")[0].rstrip(",")
    return facts


def _settled(tracker: Tracker) -> List[Text]:
    return [str(e.get("alternative")) for e in tracker.get_slot("settled") or [] if isinstance(e, dict)]


def template_values(facts: Dict[str, Any], tracker: Tracker) -> Dict[str, Any]:
    """Values for the {placeholders} in domain responses, all as display text."""
    destinations = facts.get("international_destinations") or []
    return {
        "reference": facts.get("reference") or tracker.get_slot("order_id") or "",
        "item": facts.get("order_item")
        or facts.get("item_asked_for")
        or tracker.get_slot("item")
        or facts.get("item_named")
        or "order",
        "ordered": facts.get("ordered") or "",
        "item_wanted": facts.get("item_asked_for") or "",  # "i meant to get the salad" (a café swap)
        "shipped": facts.get("shipped") or "",
        "order_status": facts.get("order_status") or "",
        "promised_on": day_name(facts.get("promised_on")),
        "days_late": days_late(facts.get("promised_on")) if facts.get("order_late") else "",
        "delivered_on": day_name(facts.get("delivered_on")),
        "international_calls": facts.get("international_calls", 0),
        "international_destinations": " and ".join(destinations),
        "international_total": money(facts.get("international_total")),
        **bill_lines(facts.get("bill_lines") or []),
        # "so 76 minus the 7.60 credit = 68.40 that i pay? yes?" (blind panel p52 18): the calls less the discount due.
        "calls_after_discount": money(
            round(sum(line[2] for line in facts["bill_lines"]) - (facts.get("discount_due") or 0), 2)
        )
        if facts.get("bill_lines")
        else "",
        "domestic_total": money(facts.get("domestic_total")),
        "discount_rate": f"{facts.get('discount_rate', 0) * 100:.0f}%",
        "discount_applied": money(facts.get("discount_applied")),
        "discount_due": money(facts.get("discount_due")),
        "missing_discount": money(facts.get("missing_discount_amount")),
        "coupon_code": facts.get("coupon_code") or (tracker.get_slot("coupon_code") or "").upper(),
        "coupon_percent": facts.get("coupon_percent", ""),
        "coupon_expired_on": day_name(facts.get("coupon_expired_on")),
        "days_since_delivery": facts.get("days_since_delivery", ""),
        "amount_requested": money(facts.get("amount_requested")),
        "max_credit": money(catalog().max_credit),
        "name": facts.get("customer_name") or "",
        # Only for a record with a credit or a replacement granted before (earlier_grant_facts).
        **{
            name: money(facts.get(name)) if name == "credit_before" else facts.get(name) or ""
            for name in ("credit_before", "credit_before_on", "credit_before_by", "replacement_before_on")
            if facts.get(name) is not None
        },
    }


def render(text: Text, values: Dict[str, Any]) -> Text:
    """Fill {placeholders} the way Rasa's templates do, leaving unknown ones out."""
    return re.sub(r"{([^\n{}]+?)}", lambda m: str(values.get(m.group(1), "")), text)


def sent_texts(tracker: Tracker) -> List[Text]:
    return [e.get("text") or "" for e in tracker.events if e.get("event") == "bot"]


def pick_variation(tracker: Tracker, variations: Iterable[Dict[str, Any]]) -> Optional[Text]:
    """A variation of a response this conversation has not seen yet.

    The starting point depends on the conversation, so different customers read
    different wording, while one conversation never reads the same sentence twice
    (until every variation is used).
    """
    texts = [v["text"] for v in variations if v.get("text")]
    if not texts:
        return None
    sent = sent_texts(tracker)
    start = zlib.crc32(tracker.sender_id.encode("utf-8")) % len(texts)
    ordered = texts[start:] + texts[:start]
    # Seen whole, or as part of a message that joined two sentences (actions/empathize.py).
    return next((t for t in ordered if not any(t in s for s in sent)), ordered[0])


def latest_intent(tracker: Tracker) -> Optional[Text]:
    return (tracker.latest_message.get("intent") or {}).get("name")


def after_events(tracker: Tracker, events: List[EventType]) -> Tracker:
    """A copy of the tracker as it stands after ``events`` (their slots), for a move read in the same turn."""
    following = copy.deepcopy(tracker)
    for event in events:
        if event.get("event") == "slot":
            following.slots[event["name"]] = event["value"]
    return following
