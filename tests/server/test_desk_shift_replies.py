"""The desk's canned replies on a real server on loopback, over a real SQLite file: seeded once with the
playbook's suggested replies (their words from domain.yml), added, edited, searched and deleted by agents,
refused with clear words when too long or empty, and refused to strangers and to other websites."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import datetime
from typing import Any, Dict, Optional, Tuple

import sqlalchemy as sa

from server.desk.tables import canned_replies
from tests.helpers.desk_app import Client, DeskApp
from tests.helpers.domain import variations

START = datetime(2024, 5, 14, 14, 0)
PLAYBOOK = {
    "Apologize": variations("utter_desk_suggest_apologize")[0],
    "Empathize": variations("utter_desk_suggest_empathize")[0],
    "Offer": variations("utter_desk_suggest_offer")[0],
}


def send(
    client: Client, method: str, path: str, body: Optional[Dict[str, Any]] = None, origin: Optional[str] = None
) -> Tuple[int, Any]:
    """Any method, as the desk's page sends it (or, with ``origin``, as another website's page would)."""
    headers = {"Content-Type": "application/json", **({"Origin": origin} if origin else {})}
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(client.base + path, data=data, headers=headers, method=method)
    try:
        with client.opener.open(request, timeout=10) as reply:
            return reply.status, json.loads(reply.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def listed(client: Client, query: str = "") -> Dict[str, str]:
    status, body = client.call("/desk/api/replies" + (f"?q={urllib.request.quote(query)}" if query else ""))
    assert status == 200, body
    return {reply["title"]: reply["text"] for reply in body["replies"]}


def rows(desk: DeskApp) -> int:
    with desk.site.store.engine.begin() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(canned_replies)).scalar())


def test_the_first_list_is_the_playbooks_suggestions_seeded_once(desk):
    sam, ana = desk.client("sam"), desk.client("ana")

    assert listed(sam) == PLAYBOOK
    assert listed(ana) == PLAYBOOK and rows(desk) == 3
    first = sam.call("/desk/api/replies")[1]["replies"][0]
    assert first["from_playbook"] is True and first["created_by"] == "playbook"

    # Deleted, a default stays deleted: the playbook seeds each suggestion once, not at every read.
    offer = next(r["id"] for r in sam.call("/desk/api/replies")[1]["replies"] if r["title"] == "Offer")
    assert send(sam, "DELETE", f"/desk/api/replies/{offer}") == (200, {"deleted": offer})
    assert listed(ana) == {k: v for k, v in PLAYBOOK.items() if k != "Offer"} and rows(desk) == 3


def test_an_agent_adds_edits_and_deletes_a_reply_and_the_team_sees_it(desk, now):
    sam, ana = desk.client("sam"), desk.client("ana")
    status, added = send(sam, "POST", "/desk/api/replies", {"title": " Refund timing ", "text": "Refunds take 5 days."})
    assert status == 201
    assert added["title"] == "Refund timing" and added["text"] == "Refunds take 5 days."
    assert added["created_by"] == "sam" and added["from_playbook"] is False
    assert listed(ana)["Refund timing"] == "Refunds take 5 days."

    now["now"] = datetime(2024, 5, 14, 15, 0)
    status, edited = send(ana, "PUT", f"/desk/api/replies/{added['id']}", {"title": "Refunds", "text": "3-5 days."})
    assert status == 200 and edited["updated_by"] == "ana" and edited["updated_at"] == "2024-05-14T15:00:00+00:00"
    assert "Refund timing" not in listed(sam) and listed(sam)["Refunds"] == "3-5 days."

    assert send(sam, "DELETE", f"/desk/api/replies/{added['id']}") == (200, {"deleted": added["id"]})
    assert "Refunds" not in listed(ana)
    assert send(sam, "DELETE", f"/desk/api/replies/{added['id']}")[0] == 404
    assert send(sam, "PUT", f"/desk/api/replies/{added['id']}", {"title": "Back", "text": "again"})[0] == 404
    assert send(sam, "PUT", "/desk/api/replies/9999", {"title": "None", "text": "such"})[0] == 404


def test_search_finds_words_in_title_or_text_in_any_case(desk):
    sam = desk.client("sam")
    send(sam, "POST", "/desk/api/replies", {"title": "Delivery delay", "text": "Your parcel is with the courier."})
    send(sam, "POST", "/desk/api/replies", {"title": "100% sure", "text": "I have checked twice."})

    assert set(listed(sam, "COURIER")) == {"Delivery delay"}  # in the text only
    assert set(listed(sam, "delay")) == {"Delivery delay"}  # in the title only
    assert set(listed(sam, "sorry")) == {"Apologize"}  # the playbook's apology says "I'm sorry"
    assert set(listed(sam, "parcel courier")) == {"Delivery delay"}  # every word, anywhere
    assert listed(sam, "parcel apology") == {}
    assert set(listed(sam, "100%")) == {"100% sure"} and listed(sam, "_") == {}  # no wildcards
    assert len(listed(sam)) == 5


def test_a_reply_too_long_or_empty_is_refused_with_what_is_wrong(desk):
    sam = desk.client("sam")
    for body, words in [
        ({"title": "", "text": "Hello"}, "A title needs 1 to 80 characters."),
        ({"title": "   ", "text": "Hello"}, "A title needs 1 to 80 characters."),
        ({"title": "x" * 81, "text": "Hello"}, "A title needs 1 to 80 characters."),
        ({"title": "Hi", "text": ""}, "A reply's text needs 1 to 2000 characters."),
        ({"title": "Hi", "text": "y" * 2001}, "A reply's text needs 1 to 2000 characters."),
        ({"title": 5, "text": ["no"]}, "A title needs 1 to 80 characters. A reply's text needs 1 to 2000 characters."),
        ({}, "A title needs 1 to 80 characters. A reply's text needs 1 to 2000 characters."),
    ]:
        assert send(sam, "POST", "/desk/api/replies", body) == (400, {"error": words}), body
    seeded = sam.call("/desk/api/replies")[1]["replies"][0]
    assert send(sam, "PUT", f"/desk/api/replies/{seeded['id']}", {"title": "x" * 81, "text": "t"})[0] == 400
    assert listed(sam) == PLAYBOOK
    # The longest allowed go in.
    assert send(sam, "POST", "/desk/api/replies", {"title": "x" * 80, "text": "y" * 2000})[0] == 201


def test_strangers_and_other_websites_are_refused(desk):
    sam, stranger = desk.client("sam"), desk.client()
    reply_id = sam.call("/desk/api/replies")[1]["replies"][0]["id"]
    for method, path, body in [
        ("GET", "/desk/api/replies", None),
        ("POST", "/desk/api/replies", {"title": "Hi", "text": "there"}),
        ("PUT", f"/desk/api/replies/{reply_id}", {"title": "Hi", "text": "there"}),
        ("DELETE", f"/desk/api/replies/{reply_id}", None),
    ]:
        status, answer = send(stranger, method, path, body)
        assert status == 401 and "Sign in" in answer["error"], (method, path)
        if method != "GET":  # a signed-in agent's browser on another website's page
            assert send(sam, method, path, body, origin="https://evil.example")[0] == 403, (method, path)
    assert listed(sam) == PLAYBOOK and rows(desk) == 3
