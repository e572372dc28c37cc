"""Knowledge checks: is the email or phone a customer gives the one on the account?

The comparison happens here, against the company's records, and only says yes or
no: the account's own email and phone never leave the store. Each check is kept
(``account_checks``), so failures can be counted per address across conversations.
Only ``CompanyData`` (company.py) calls these, in a worker thread.
"""

from __future__ import annotations

import hmac
from datetime import datetime, timedelta
from typing import Iterable, List, Optional, Tuple

import sqlalchemy as sa

from gracious.references import phone_digits
from gracious.stores import clock
from gracious.stores.base import add_row
from gracious.stores.company_schema import account_checks, customers

# A phone number given must have at least this many digits to be compared.
MIN_PHONE_DIGITS = 7


def _same(given: str, held: Optional[str]) -> bool:
    return bool(held) and hmac.compare_digest(given.encode(), str(held).encode())


# A number given may leave out (or add) a country code of up to this many digits.
COUNTRY_CODE_DIGITS = 3


def _phone_matches(given: str, held: Optional[str]) -> bool:
    """'555 0134', '(555) 0134' and '+1 555 0134' are one number; a shorter tail is not."""
    digits, on_file = phone_digits(given), phone_digits(held)
    if len(digits) < MIN_PHONE_DIGITS or not on_file:
        return False
    shorter, longer = sorted((digits, on_file), key=len)
    whole_enough = len(longer) - len(shorter) <= COUNTRY_CODE_DIGITS
    return whole_enough and _same(shorter, longer[-len(shorter) :])


def one_of_each(emails: Iterable[str], phones: Iterable[str]) -> Optional[Tuple[List[str], List[str]]]:
    """One answer is one email and one phone at most: a list of guesses is no answer (None)."""
    emails, phones = list(emails), list(phones)
    if len(emails) > 1 or len(phones) > 1:
        return None
    return emails, phones


def matches(conn: sa.engine.Connection, customer_id: str, emails: Iterable[str], phones: Iterable[str]) -> bool:
    """Whether the email or phone given is the one on ``customer_id``'s account.

    More than one email or more than one phone in an answer never matches: a message
    listing a hundred numbers is a hundred guesses, not one.
    """
    answer = one_of_each(emails, phones)
    if answer is None:
        return False
    emails, phones = answer
    row = conn.execute(sa.select(customers.c.email, customers.c.phone).where(customers.c.id == customer_id)).first()
    if row is None:
        return False
    email_held = (row.email or "").strip().lower()
    return any(_same(e.strip().lower(), email_held) for e in emails) or any(
        _phone_matches(p, row.phone) for p in phones
    )


def customer_with(conn: sa.engine.Connection, emails: Iterable[str], phones: Iterable[str]) -> Optional[str]:
    """The one customer whose account has this email or phone, or None (none, several, or a list of guesses)."""
    answer = one_of_each(emails, phones)
    if answer is None:
        return None
    emails, phones = answer
    found = {
        row.id
        for row in conn.execute(sa.select(customers.c.id, customers.c.email, customers.c.phone))
        if any(_same(e.strip().lower(), (row.email or "").strip().lower()) for e in emails)
        or any(_phone_matches(p, row.phone) for p in phones)
    }
    return found.pop() if len(found) == 1 else None


def note(conn: sa.engine.Connection, address: str, sender: str, matched: bool) -> None:
    add_row(conn, account_checks, address=address[:64], sender=sender[:128], matched=matched)


def failures_from(conn: sa.engine.Connection, address: str, within: timedelta) -> int:
    """Failed checks from ``address`` in the last ``within``, in any conversation."""
    since: datetime = clock.now() - within
    return int(
        conn.execute(
            sa.select(sa.func.count())
            .select_from(account_checks)
            .where(
                account_checks.c.address == address[:64],
                account_checks.c.matched.is_(False),
                account_checks.c.created_at >= since,
            )
        ).scalar()
        or 0
    )
