"""References in the customer's own words, found and normalised in one place.

Every reader uses this module: the NLU pipeline's reference extractor (so slots hold
normal forms), the case form's validation and the company lookups. Formats:

- orders and bills: "LK-10421", "lk10421", "LK 10421", "#LK10421", "bl 30018",
  "BL30018", "lk_10421", "bl.30018", "LK/10421" -> "LK-10421" / "BL-30018"; "order 10421", "order no. 10421",
  "bill #30018", "#10421" and a bare five- or six-digit "10421" -> "10421" (the
  lookups then try every prefix, or the one the case needs);
- coupon codes, four or more letters and two digits in any case -> "WELCOME10";
- amounts: "$49.99", "49.99 dollars", "£40", "40 quid", "fifty bucks",
  "twenty-five dollars" -> "49.99" (two decimals);
- emails (lower-cased) and phone numbers (as typed; `phone_digits` compares them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, List, Optional

ORDER_PREFIX = "LK"
BILL_PREFIX = "BL"
PREFIXES = (ORDER_PREFIX, BILL_PREFIX)


@dataclass(frozen=True)
class Found:
    """One reference in a text: its entity name, normal form and where it stands."""

    entity: str
    value: str
    start: int
    end: int


_PREFIXED = re.compile(
    r"(?<![\w@.])#?\s?(" + "|".join(PREFIXES) + r")\s?[-#:_./]?\s?(\d{4,6})(?![\w@-])", re.IGNORECASE
)
_NAMED = re.compile(
    r"\b(?:order|bill|invoice|parcel|package|reference|ref)\s*(?:no\.?|number|num|nr\.?|id)?\s*[:#]?\s*(\d{4,6})(?![\w@-]|[.,]\d)",
    re.IGNORECASE,
)
_BARE = re.compile(r"(?<![\w@.$£€,/:-])(?:#\s?(\d{4,6})|(\d{5,6}))(?![\w@%/:-]|[.,]\d)")
_COUPON = re.compile(r"(?<![\w@.#-])([A-Za-z]{4,}\d{2})(?![\w@-])")
_EMAIL = re.compile(r"(?<![\w.%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])")
_PHONE = re.compile(
    r"(?<![\w#$£€.+-])(?:\+\d{1,3}[\s.-]?(?:\(\d{2,4}\)[\s.-]?)?\d{2,5}(?:[\s.-]?\d{2,5}){1,3}"
    r"|\d{3,4}(?:[\s.-]\d{3,4}){2}(?![\s.-]?\d)"  # "555 0142 771", "0207 946 0958": never cut short
    r"|(?:\(\d{3}\)\s?|\d{3}[\s.-]?)?\d{3}[\s.-]\d{4}|\d{7,11})(?![\w-])"
)
_CURRENCY_WORDS = r"(?:dollars?|bucks?|quid|pounds?|euros?|usd|gbp|eur)"
_AMOUNT_DIGITS = re.compile(
    r"[$£€]\s?(\d+(?:,\d{3})*(?:\.\d{1,2})?)(?![\d\w])"
    r"|(?<![\w.,$£€])(\d+(?:,\d{3})*(?:\.\d{1,2})?)\s?(?:" + _CURRENCY_WORDS + r"(?!\w)|[£€])",
    re.IGNORECASE,
)


def without_amounts(text: str) -> str:
    """The text with its sums of money blanked: "it was like 9 bucks" names no hour."""
    return _AMOUNT_DIGITS.sub(" ", text or "")


_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "a": 1,
    "an": 1,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fourty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1000, "grand": 1000}
_NUMBER_WORD = "|".join(sorted(list(_UNITS) + list(_TENS) + list(_SCALES) + ["and"], key=len, reverse=True))
_AMOUNT_WORDS = re.compile(
    r"\b((?:(?:" + _NUMBER_WORD + r")[\s-]+)*(?:" + _NUMBER_WORD + r"))\s+" + _CURRENCY_WORDS + r"\b"
    r"|\b((?:(?:" + _NUMBER_WORD + r")[\s-]+)*grand)\b",
    re.IGNORECASE,
)


def words_to_number(words: str) -> Optional[int]:
    """'twenty-five' -> 25, 'a hundred and fifty' -> 150, 'two grand' -> 2000."""
    total = current = 0
    seen = False
    for word in re.split(r"[\s-]+", words.lower().strip()):
        if not word or word == "and":
            continue
        if word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word in _SCALES:
            scale = _SCALES[word]
            if scale == 100:
                current = max(current, 1) * 100
            else:
                total += max(current, 1) * scale
                current = 0
        else:
            return None
        seen = True
    if not seen:
        return None
    return total + current


def _money(number: float) -> str:
    return f"{number:.2f}"


def _overlaps(span: tuple, taken: Iterable[tuple]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)


def find(text: str) -> List[Found]:
    """Every reference in the text, normalised, in order of position; no two overlap."""
    text = text or ""
    found: List[Found] = []
    taken: List[tuple] = []

    def add(entity: str, value: str, start: int, end: int) -> None:
        if not _overlaps((start, end), taken):
            found.append(Found(entity, value, start, end))
            taken.append((start, end))

    for m in _EMAIL.finditer(text):
        add("email", m.group(0).lower(), m.start(), m.end())
    for m in _PREFIXED.finditer(text):
        add("order_id", f"{m.group(1).upper()}-{m.group(2)}", m.start(), m.end())
    for m in _NAMED.finditer(text):
        add("order_id", m.group(1), m.start(1), m.end(1))
    for m in _AMOUNT_DIGITS.finditer(text):
        number = (m.group(1) or m.group(2)).replace(",", "")
        add("amount", _money(float(number)), m.start(), m.end())
    for m in _AMOUNT_WORDS.finditer(text):
        number = words_to_number(m.group(1) or m.group(2))
        if number:
            add("amount", _money(number), m.start(), m.end())
    for m in _PHONE.finditer(text):
        add("phone", m.group(0).strip(), m.start(), m.end())
    for m in _BARE.finditer(text):
        add("order_id", m.group(1) or m.group(2), m.start(), m.end())
    for m in _COUPON.finditer(text):
        add("coupon_code", m.group(1).upper(), m.start(), m.end())
    return sorted(found, key=lambda f: f.start)


# Words that say a code failed ("SUMMER20 doesnt work", "it says expired").
_CODE_FAILED = re.compile(
    r"\b(?:does\s?n[o']?t|did\s?n[o']?t|do\s?n[o']?t|wo\s?n[o']?t|is\s?n[o']?t|not|never)\s+(?:work|working|go|going|apply|applying|accepted|valid)"
    r"|\b(?:invalid|expired|rejected|declined|refused|failed|fails|error)\b",
    re.I,
)


def the_case_code(text: str, found: List[Found]) -> List[Found]:
    """One coupon code of several: "got an email with SUMMER20, doesnt work. can i use it with
    WELCOME10?" is about SUMMER20 (blind panel p35 12). The code in a sentence that says it failed,
    else the first named; the others are asked about, not the case."""
    codes = [f for f in found if f.entity == "coupon_code"]
    if len({c.value for c in codes}) < 2:
        return found
    sentences = [(m.start(), m.end()) for m in re.finditer(r"[^.!?\n]+", text or "")]

    def failed(code: Found) -> bool:
        return any(s <= code.start < e and _CODE_FAILED.search(text[s:e]) for s, e in sentences)

    keep = next((c for c in codes if failed(c)), codes[0])
    return [f for f in found if f.entity != "coupon_code" or f.value == keep.value]


def first(text: str, entity: str) -> Optional[str]:
    """The first reference of this kind in the text, normalised, or None."""
    return next((f.value for f in find(text) if f.entity == entity), None)


_SPACED_COUPON = re.compile(r"(?<![\w@.#])([A-Za-z]{4,})[\s-]?(\d{2})(?![\w@-])")


def coupon_candidates(text: str) -> List[str]:
    """Codes a customer may mean when asked for a coupon: "welcome-10", "Summer 20",
    "W E L C O M E 1 0" -> "WELCOME10". Only for a reply to that question, checked
    against the company's coupons: "size 10" elsewhere is a size, not a code."""
    text = text or ""
    found = [f"{m.group(1)}{m.group(2)}".upper() for m in _SPACED_COUPON.finditer(text)]
    squeezed = re.sub(r"[\s-]", "", text)
    if re.fullmatch(r"[A-Za-z]{4,}\d{2}", squeezed):
        found.append(squeezed.upper())
    return list(dict.fromkeys(found))


def normalize_reference(text: str) -> Optional[str]:
    """An order or bill reference in free text: 'lk10421' -> 'LK-10421', 'order 10421' -> '10421'."""
    value = first(text, "order_id")
    if value is None and re.fullmatch(r"\s*#?\s*\d{4,6}\s*", text or ""):
        value = re.sub(r"\D", "", text)  # a four-digit number typed on its own, when asked for one
    return value


def reference_kind(reference: Optional[str]) -> Optional[str]:
    """'bill' for a bill reference, 'order' for any other, None for none."""
    if not reference:
        return None
    return "bill" if reference.upper().startswith(BILL_PREFIX) else "order"


def parse_amount(text: Optional[str]) -> Optional[float]:
    """The amount in a slot value or free text: '$49.99', '49.99', 'fifty bucks' -> 49.99 / 50.0."""
    if not text:
        return None
    value = first(str(text), "amount")
    if value is None:
        match = re.search(r"\d[\d,]*(?:\.\d+)?", str(text))
        value = match.group(0).replace(",", "") if match else None
    return float(value) if value is not None else None


def phone_digits(phone: Optional[str]) -> str:
    """A phone number reduced to its digits, for comparing: '+1 (555) 013-4567' -> '15550134567'."""
    return re.sub(r"\D", "", phone or "")


_SIZE = re.compile(
    r"\b(?:size|an?|in(?: an?)?|for(?: an?)?)\s+(\d{1,2}(?:\.5)?|xs|xxl|xl|s|m|l|small|medium|large)\b"
    r"(?!\s*(?:%|dollars?|bucks|pm|am|days?|weeks?|hours?|minutes?|mins?|calls?|times?|months?|items?|pairs?))",
    re.IGNORECASE,
)
_SIZE_WORDS = {"small": "S", "medium": "M", "large": "L"}


# A size said to be the wrong one ("a 9.5 not a 10", "size 9.5 instead of size 10"): never the one wanted.
_NOT_SIZE = re.compile(
    r"\b(?:not|instead of|rather than|than)\s+(?:(?:the|a|an|size|in|that)\s+)*"
    r"(?:\d{1,2}(?:\.5)?|xs|xxl|xl|s|m|l|small|medium|large|five|six|seven|eight|nine|ten|eleven|twelve)\b",
    re.IGNORECASE,
)
_SIZE_SPELT = {
    "nine": "9",
    "ten": "10",
    "eight": "8",
    "seven": "7",
    "six": "6",
    "five": "5",
    "eleven": "11",
    "twelve": "12",
}
_HALF_SPELT = re.compile(r"\b(" + "|".join(_SIZE_SPELT) + r") and a half\b", re.IGNORECASE)
# A bare half size ("nine and a half. 9.5"): only ever a size, never money ("$9.5") or a time.
_HALF_SIZE = re.compile(r"(?<![$£€\d.])\b(\d{1,2}\.5)\b(?!\s*(?:%|dollars?|bucks|pm|am|hours?|kg|lbs?))", re.I)


def _wanted_part(text: str) -> str:
    """The message without the sizes it says are wrong."""
    return _NOT_SIZE.sub(" ", text or "")


def says_wrong_size(text: str) -> bool:
    """'not a 10', 'instead of size 10': a size named as the wrong one."""
    return bool(_NOT_SIZE.search(text or ""))


def size_wanted(texts: Iterable[str]) -> Optional[str]:
    """The size a customer last asked for ("can i swap for a size 7", "not 7, i meant an 8"
    -> "8"; "switch it to a medium" -> "M"; "a 9.5 not a 10" -> "9.5"), or None."""
    found = None
    for text in texts:
        for m in _SIZE.finditer(_wanted_part(text)):
            value = m.group(1)
            if value.lower() in ("a", "an"):
                continue
            found = _SIZE_WORDS.get(value.lower(), value.upper())
    return found


_TO_SIZE = re.compile(
    r"\b(?:to|into|for)\s+(?:an?\s+|size\s+|a\s+size\s+)?(\d{1,2}(?:\.5)?|xs|xxl|xl|s|m|l|small|medium|large)\b(?!\s*(?:%|pm|am|:|dollars?|bucks))",
    re.IGNORECASE,
)


def size_change(text: str) -> Optional[str]:
    """The new size in "make it a 10.5", "change the size on my exchange to 10.5", or None."""
    found = size_wanted([text])
    wanted = _wanted_part(text)
    if found is None and re.search(r"\bsize\b", text or "", re.I):
        m = _TO_SIZE.search(wanted)
        found = _SIZE_WORDS.get(m.group(1).lower(), m.group(1).upper()) if m else None
    if found is None:
        # "no. not 10. nine and a half. 9.5": a half size alone, in figures or words.
        half = _HALF_SIZE.findall(wanted)
        spelt = _HALF_SPELT.search(wanted)
        found = half[-1] if half else (_SIZE_SPELT[spelt.group(1).lower()] + ".5" if spelt else None)
    return found
