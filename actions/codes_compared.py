"""Which of the codes a customer names saves more ("i have two codes WELCOME10 and SUMMER20, which one is
better to use", then "ok but which one saves me more?? one is 20% right": blind panel p42 16, asked
for a rephrase and then handed to a person). Said from the company's coupons, for the designers'
answer `codes_compared` (catalog/answers.yml, utter_answer_codes_compared's {codes_compared}): the
best code still in date first, then why each other one is not it."""

from __future__ import annotations

import re
from typing import List, Optional, Text

from rasa_sdk import Tracker

from gracious.answers import parts
from gracious.references import coupon_candidates
from gracious.stores import company
from gracious.stores.company_types import Coupon, business_today

# The customer's messages looked back over for the codes named ("one is 20% right" names none).
LOOK_BACK = 4


def codes_named(tracker: Tracker) -> List[Text]:
    """The codes named in the customer's latest messages, newest message first, each once."""
    texts = [e.get("text") or "" for e in tracker.events if e.get("event") == "user"][-LOOK_BACK:]
    found: List[Text] = []
    for text in reversed(texts):
        found += [c for c in _codes_in(text) if c not in found]
    return found


async def compared(tracker: Tracker) -> Text:
    """The sentence that says which code to use, or "" when fewer than two real codes are named."""
    coupons: List[Coupon] = []
    for code in codes_named(tracker):
        coupon = await company().coupon(code)
        if coupon is not None and coupon not in coupons:
            coupons.append(coupon)
    if len(coupons) < 2:
        return ""
    today = business_today()
    valid = sorted((c for c in coupons if c.expires_on >= today), key=lambda c: -c.percent_off)
    lapsed = [c for c in coupons if c.expires_on < today]
    best: Optional[Coupon] = valid[0] if valid else None
    said: List[Text] = []
    if best is not None:
        said.append(f"{best.code} is the one to use: it takes {best.percent_off}% off and is good until {_day(best)}.")
    for coupon in valid[1:]:
        said.append(f"{coupon.code} takes {coupon.percent_off}% off, so it saves you less.")
    for coupon in lapsed:
        would = f"{coupon.code} would take {coupon.percent_off}% off, but it ran out on {_day(coupon)}"
        said.append(f"{would}, so the checkout won't take it." if best else f"{would}.")
    if best is None:
        said.append("So neither will go through now, I'm sorry; a person can tell you what's on offer instead.")
    return " ".join(said)


def _day(coupon: Coupon) -> Text:
    return coupon.expires_on.strftime("%A %-d %B")


# "is WELCOME10 still good", "valid right now, yes or no": a code's validity asked about.
VALIDITY = re.compile(
    r"\b(?:still\s+)?(?:good|valid|work(?:s|ing)?|active|usable|live)\b|\bexpire[ds]?\b|\b(?:ran|run)\s+out\b"
    r"|\bout\s+of\s+date\b|\bin\s+date\b|\bcan\s+i\s+(?:still\s+)?use\b",
    re.I,
)


def _codes_in(text: Text) -> List[Text]:
    found: List[Text] = []
    for word in text.split():
        found += [c for c in coupon_candidates(word.strip(".,!?;:()'\"")) if c not in found]
    return found


async def code_status(tracker: Tracker) -> Text:
    """Yes or no, for the code whose validity the latest message asks about ("do you honour old coupons? I have
    SUMMER20, and also is WELCOME10 still good": WELCOME10, blind panel p50 20), from the company's coupons; ""
    when no real code is named."""
    latest = next((e.get("text") or "" for e in reversed(tracker.events) if e.get("event") == "user"), "")
    asked = [c for part in parts(latest) if VALIDITY.search(part) for c in _codes_in(part)]
    codes = asked or _codes_in(latest) or codes_named(tracker)[:1]
    said: List[Text] = []
    today = business_today()
    for code in codes:
        coupon = await company().coupon(code)
        if coupon is None:
            continue
        if coupon.expires_on >= today:
            said.append(f"Yes: {coupon.code} is valid until {_day(coupon)}, for {coupon.percent_off}% off at checkout.")
        else:
            said.append(f"No: {coupon.code} ran out on {_day(coupon)}, so the checkout won't take it now.")
    return " ".join(said)
