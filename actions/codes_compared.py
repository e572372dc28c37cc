"""Which of the codes a customer names saves more ("i have two codes WELCOME10 and SUMMER20, which one is
better to use", then "ok but which one saves me more?? one is 20% right": blind panel p42 16, asked
for a rephrase and then handed to a person). Said from the company's coupons, for the designers'
answer `codes_compared` (catalog/answers.yml, utter_answer_codes_compared's {codes_compared}): the
best code still in date first, then why each other one is not it."""

from __future__ import annotations

from typing import List, Optional, Text

from rasa_sdk import Tracker

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
        for word in text.split():
            found += [c for c in coupon_candidates(word.strip(".,!?;:()'\"")) if c not in found]
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
