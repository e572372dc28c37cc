"""The email addresses and phone numbers in what a customer typed, however written.

The knowledge check (actions/verification.py) compares them with the account; the
repair reading (server/dialogue/account_readings.py) notices them after a skipped check.
"""

from __future__ import annotations

import re
from typing import List, Tuple

from gracious.references import find

# A phone number however it is written: "1-555-0199", "(555) 0199", "555.0178".
LOOSE_PHONE = re.compile(r"(?<![\w@.-])\+?\(?\d[\d\s().-]{5,}\d(?![\w@-])")
DATE = re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}")


def contacts(text: str) -> Tuple[List[str], List[str]]:
    """The emails and phone numbers (seven digits or more) in what the customer typed."""
    found = find(text or "")
    emails = [f.value for f in found if f.entity == "email"]
    phones = [f.value for f in found if f.entity == "phone"]
    for match in LOOSE_PHONE.finditer(text or ""):
        if DATE.fullmatch(match.group(0).strip()):
            continue  # "charged on 2026-11-03" is a date
        digits = re.sub(r"\D", "", match.group(0))
        if len(digits) < 7:
            continue
        # A number read short ("555 0142" of "555 0142 771") gives way to the whole of it.
        part_of = [p for p in phones if re.sub(r"\D", "", p) in digits]
        if any(digits in re.sub(r"\D", "", p) for p in phones if p not in part_of):
            continue
        if part_of and all(len(re.sub(r"\D", "", p)) == len(digits) for p in part_of):
            continue  # the same number, found twice
        if not part_of:
            phones.append(match.group(0).strip())
            continue
        phones = [match.group(0).strip() if p == part_of[0] else p for p in phones if p not in part_of[1:]]
    return emails, phones


def number_only(text: str) -> str:
    """The phone number in what was typed, without the words around it: "it's +1 555 0178" is
    "+1 555 0178" (the desk's callback list and the company's systems get a number); the text
    itself when no number is found in it."""
    phones = contacts(text)[1]
    return phones[0] if phones else (text or "").strip()
