"""The demo website's sign-in, piece by piece: the demo customers read from the company
store, the sign-in box (names shown as text), and which requests may sign in. The routes
on the real server, and the widget carrying the identity, are in tests/e2e/test_demo_sign_in.py.
"""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Dict, Optional

from server.site.sign_in import DemoCustomer, control, demo_customer, demo_customers, same_origin


def request(origin: Optional[str] = None, fetch_site: Optional[str] = None) -> SimpleNamespace:
    headers: Dict[str, str] = {}
    if origin is not None:
        headers["origin"] = origin
    if fetch_site is not None:
        headers["sec-fetch-site"] = fetch_site
    return SimpleNamespace(headers=headers, host="localhost:5005")


def test_the_demo_customers_come_from_the_company_store_with_their_records():
    labels = [c.label for c in asyncio.run(demo_customers())]
    assert labels == [
        "Maya Okafor — bill BL-30017, orders LK-10421, LK-10424",
        "Daniel Reyes — bill BL-30018, orders LK-10422, LK-10425",
        "Priya Natarajan — bill BL-30019, orders LK-10423, LK-10426",
    ]
    assert asyncio.run(demo_customer(" C002 ")).name == "Daniel Reyes"
    for unknown in ("C999", "", None, 1, "' OR 1=1 --"):
        assert asyncio.run(demo_customer(unknown)) is None


def test_the_sign_in_box_offers_each_customer_and_shows_names_as_text():
    odd = DemoCustomer("C9", '<img src=x onerror="alert(1)">', ("BL-1",), ())
    box = control([odd], None, '/demo/"><script>alert(1)</script>')
    assert "Demo sign-in" in box and 'action="/demo/sign-in"' in box and 'method="post"' in box
    assert "<img" not in box and "<script" not in box
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; — bill BL-1" in box
    signed_in = control([odd], odd, "/demo/help")
    assert 'action="/demo/sign-out"' in signed_in and "Sign out" in signed_in
    assert "Signed in as <strong>&lt;img" in signed_in and "<img" not in signed_in
    assert 'action="/demo/sign-in"' not in signed_in


def test_only_the_sites_own_pages_may_sign_in_or_out():
    assert same_origin(request("http://localhost:5005", "same-origin"))
    assert same_origin(request())  # not a browser: no visitor's cookie to misuse
    assert not same_origin(request("https://evil.example", "cross-site"))
    assert not same_origin(request("https://evil.example"))
    assert not same_origin(request(None, "cross-site"))
    assert not same_origin(request(None, "same-site"))  # a neighbouring subdomain is another site here
    assert not same_origin(request("null"))


def test_with_a_real_companys_database_the_demo_sign_in_is_off(monkeypatch, tmp_path):
    monkeypatch.setenv("GRACIOUS_COMPANY_DB_URL", f"sqlite:///{tmp_path / 'real-company.db'}")

    assert asyncio.run(demo_customers()) == []
    assert asyncio.run(demo_customer("C001")) is None
    assert control([], None, "/demo/") == ""
    monkeypatch.setenv("GRACIOUS_DEMO_SIGN_IN", "1")  # a demo deployment turns it on
    assert [c.id for c in asyncio.run(demo_customers())] == ["C001", "C002", "C003"]


def test_only_the_demo_companys_customers_may_be_signed_in_as():
    import sqlalchemy as sa

    from gracious.stores import company
    from gracious.stores.company_schema import customers

    store = company()
    store.transaction(lambda conn: conn.execute(sa.insert(customers).values(id="C100", name="Real Person")))

    assert asyncio.run(demo_customer("C100")) is None
    assert "C100" not in [c.id for c in asyncio.run(demo_customers())]
