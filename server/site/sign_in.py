"""The demo website's sign-in: a visitor picks one of the demo customers, or stays a guest.

A real company website knows who is signed in and vouches for them to the assistant
with a signed identity (gracious/identity.py, docs/widget.md). The demo website
has no passwords: its "Demo sign-in" lets anyone try the assistant as one of the
demo company's customers (read from the company store, with the bills and orders
that are theirs). The choice is kept in an HttpOnly, SameSite=Strict cookie
holding the customer id signed with the site secret; the page reads the signed
identity from ``/demo/identity`` and the widget sends it with every message. A
signed-out visitor is a stranger.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, List, Optional, Text, Tuple

import sqlalchemy as sa
import yaml
from sanic.request import Request
from sanic.response import HTTPResponse

from gracious import identity
from gracious.settings import settings
from gracious.stores import company
from gracious.stores.company_demo import DEMO_FILE
from gracious.stores.company_schema import bills, customers, orders
from server.channels.origins import origin_allowed

COOKIE = "gracious_demo_identity"
COOKIE_PATH = "/demo"
# The demo company has three customers; a bigger company database shows its first few.
MAX_LISTED = 10


@dataclass(frozen=True)
class DemoCustomer:
    """A customer a visitor may sign in as, with the demo records that are theirs."""

    id: str
    name: str
    bills: Tuple[str, ...] = ()
    orders: Tuple[str, ...] = ()

    @property
    def records(self) -> Text:
        """Their records in words, e.g. 'bill BL-30017, orders LK-10421, LK-10424'."""
        parts = []
        for word, ids in (("bill", self.bills), ("order", self.orders)):
            if ids:
                parts.append(f"{word}{'s' if len(ids) > 1 else ''} {', '.join(ids)}")
        return ", ".join(parts)

    @property
    def label(self) -> Text:
        """Who they are and what is theirs, e.g. 'Maya Okafor — bill BL-30017, orders LK-10421'."""
        return f"{self.name} — {self.records}" if self.records else self.name


@lru_cache(maxsize=1)
def demo_ids() -> Tuple[str, ...]:
    """The customers of the demo company (demo/company.yml): the only ones a visitor may sign in as."""
    demo = yaml.safe_load(DEMO_FILE.read_text(encoding="utf-8"))
    return tuple(str(c["id"]) for c in demo.get("customers") or [])


async def demo_customers() -> List[DemoCustomer]:
    """The demo company's customers with their bills and orders, from the company store.

    None when the demo sign-in is off (GRACIOUS_DEMO_SIGN_IN; off by default with a real
    company's database), so it can never sign anyone in as a real customer.
    """
    if not settings().demo_sign_in:
        return []

    def read(conn: sa.engine.Connection) -> List[DemoCustomer]:
        query = sa.select(customers.c.id, customers.c.name).where(customers.c.id.in_(demo_ids()))
        rows = conn.execute(query.order_by(customers.c.id).limit(MAX_LISTED))
        names: Dict[str, str] = {row.id: row.name for row in rows}
        records: Dict[str, Dict[str, List[str]]] = {cid: {"bills": [], "orders": []} for cid in names}
        for table, kind in ((bills, "bills"), (orders, "orders")):
            query = sa.select(table.c.id, table.c.customer_id).where(table.c.customer_id.in_(list(names)))
            for row in conn.execute(query.order_by(table.c.id)):
                records[row.customer_id][kind].append(row.id)
        return [
            DemoCustomer(cid, name, tuple(records[cid]["bills"]), tuple(records[cid]["orders"]))
            for cid, name in names.items()
        ]

    return await company().run(read)


async def demo_customer(customer_id: object) -> Optional[DemoCustomer]:
    """The demo customer with this id, or None."""
    if not isinstance(customer_id, str):
        return None
    return next((c for c in await demo_customers() if c.id == customer_id.strip()), None)


def same_origin(request: Request) -> bool:
    """Whether a sign-in or sign-out comes from this site's own pages (never another website's).

    Browsers say where a request comes from in ``Sec-Fetch-Site`` and ``Origin``;
    either naming another site refuses it. Requests without them (curl, the tests)
    are not a browser carrying the visitor's cookie, and pass.
    """
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site.strip().lower() not in ("same-origin", "none"):
        return False
    return origin_allowed(request.headers.get("origin"), request.host)


async def signed_in(request: Request) -> Optional[Tuple[Text, DemoCustomer]]:
    """The visitor's signed identity and who it is, if their cookie holds a valid one."""
    token = request.cookies.get(COOKIE)
    customer = await demo_customer(identity.verified_customer(token))
    return (token, customer) if token and customer else None


def remember(reply: HTTPResponse, request: Request, customer: DemoCustomer) -> HTTPResponse:
    """Sign the visitor in as ``customer``: their signed identity in an HttpOnly cookie."""
    reply.cookies[COOKIE] = identity.sign(customer.id, identity.DEMO_LIFETIME_SECONDS)
    reply.cookies[COOKIE]["httponly"] = True
    reply.cookies[COOKIE]["samesite"] = "Strict"
    reply.cookies[COOKIE]["path"] = COOKIE_PATH
    reply.cookies[COOKIE]["max-age"] = identity.DEMO_LIFETIME_SECONDS
    if request.scheme == "https":
        reply.cookies[COOKIE]["secure"] = True
    return reply


def forget(reply: HTTPResponse) -> HTTPResponse:
    """Sign the visitor out: the cookie cleared."""
    reply.cookies[COOKIE] = ""
    reply.cookies[COOKIE]["httponly"] = True
    reply.cookies[COOKIE]["samesite"] = "Strict"
    reply.cookies[COOKIE]["path"] = COOKIE_PATH
    reply.cookies[COOKIE]["max-age"] = 0
    return reply


def control(customers_: List[DemoCustomer], current: Optional[DemoCustomer], back_to: Text) -> Text:
    """The "Demo sign-in" box: who the visitor is signed in as and a sign-out, or a sign-in."""
    if not customers_ and current is None:
        return ""  # the demo sign-in is off
    e = html.escape
    back = f'<input type="hidden" name="next" value="{e(back_to)}">'
    if current is not None:
        body = (
            f'<p class="demo-status">Signed in as <strong>{e(current.name)}</strong>'
            f"{f' ({e(current.records)})' if current.records else ''}. Gracious knows it's you.</p>\n"
            f'    <form method="post" action="/demo/sign-out">{back}'
            '<button type="submit">Sign out</button></form>'
        )
    else:
        options = "".join(f'<option value="{e(c.id)}">{e(c.label)}</option>' for c in customers_)
        body = (
            '<p class="demo-status">You are browsing as a guest. To try Gracious as one of our demo '
            "customers, pick who you'd like to be:</p>\n"
            f'    <form method="post" action="/demo/sign-in">{back}'
            '<label for="demo-customer">Sign in as</label> '
            f'<select id="demo-customer" name="customer" required>{options}</select> '
            '<button type="submit">Sign in</button></form>'
        )
    return (
        '<section class="demo-sign-in" aria-labelledby="demo-sign-in-title">\n'
        '    <h2 id="demo-sign-in-title">Demo sign-in</h2>\n'
        f"    {body}\n"
        "  </section>"
    )
