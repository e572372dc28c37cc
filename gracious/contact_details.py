"""The email addresses and phone numbers in what a customer typed, however written.

The knowledge check (actions/verification.py) compares them with the account; the
repair reading (server/dialogue/account_readings.py) notices them after a skipped check.
"""

from __future__ import annotations

import re
from typing import List, Tuple

from gracious.references import find, phone_digits

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
        whole = phone_digits(match.group(0))
        known = [phone_digits(p) for p in phones]
        if len(whole) < 7 or any(whole in k for k in known):
            continue  # too short, or the same number (or part of one) found already
        # A number read short ("555 0142" of "555 0142 771") gives way to the whole of it.
        shorter = [i for i, k in enumerate(known) if k in whole]
        if not shorter:
            phones.append(match.group(0).strip())
            continue
        phones[shorter[0]] = match.group(0).strip()
        phones = [p for i, p in enumerate(phones) if i not in shorter[1:]]
    return emails, phones


def without_phones(text: str) -> str:
    """The text with its phone numbers blanked: "monday morning, 555-0222" names a day, "555-0162" no hour."""
    return LOOSE_PHONE.sub(" ", text or "")


def number_only(text: str) -> str:
    """The phone number in what was typed, without the words around it: "it's +1 555 0178" is
    "+1 555 0178" (the desk's callback list and the company's systems get a number); the text
    itself when no number is found in it."""
    phones = contacts(text)[1]
    return phones[0] if phones else (text or "").strip()
