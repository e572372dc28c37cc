"""The desk's canned replies on a real server on loopback, over a real SQLite file: seeded once with the
playbook's suggested replies (their words from domain.yml); used by everyone, added by any agent, edited
and deleted by the agent who added them or by a lead (the playbook's by a lead only), each saying who last
changed it; the playbook's missing replies restored by a lead; refused with clear words when too long or
empty, and refused to strangers and to other websites."""

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
DESK_AGENTS = [("sam", "Sam Lee", False), ("ana", "Ana Ruiz", False), ("lee", "Lee Park", True)]
NOT_YOURS = "Only the agent who added a canned reply, or a lead, can change it."
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


def replies_of(client: Client) -> Dict[str, Dict[str, Any]]:
    return {reply["title"]: reply for reply in client.call("/desk/api/replies")[1]["replies"]}


def test_the_first_list_is_the_playbooks_suggestions_seeded_once(desk):
    sam, ana, lee = desk.client("sam"), desk.client("ana"), desk.client("lee")

    assert listed(sam) == PLAYBOOK
    assert listed(ana) == PLAYBOOK and rows(desk) == 3
    first = sam.call("/desk/api/replies")[1]["replies"][0]
    assert first["from_playbook"] is True and first["created_by"] == "playbook"
    assert first["byline"] == "From the playbook" and first["can_change"] is False

    # The playbook's replies are the team's: an agent uses them, only a lead changes or deletes them.
    offer = replies_of(sam)["Offer"]["id"]
    assert send(sam, "DELETE", f"/desk/api/replies/{offer}") == (403, {"error": NOT_YOURS})
    assert send(sam, "PUT", f"/desk/api/replies/{offer}", {"title": "Mine", "text": "now"}) == (
        403,
        {"error": NOT_YOURS},
    )
    assert replies_of(lee)["Offer"]["can_change"] is True
    assert send(lee, "DELETE", f"/desk/api/replies/{offer}") == (200, {"deleted": offer})
    # Deleted, a default stays deleted: the playbook seeds each suggestion once, not at every read.
    assert listed(ana) == {k: v for k, v in PLAYBOOK.items() if k != "Offer"} and rows(desk) == 3


def test_a_lead_restores_the_playbooks_missing_replies(desk, now):
    sam, lee = desk.client("sam"), desk.client("lee")
    before = replies_of(lee)
    now["now"] = datetime(2024, 5, 14, 15, 0)
    assert (
        send(lee, "PUT", f"/desk/api/replies/{before['Apologize']['id']}", {"title": "Sorry", "text": "Sorry!"})[0]
        == 200
    )
    for title in ("Offer", "Empathize"):
        assert send(lee, "DELETE", f"/desk/api/replies/{before[title]['id']}")[0] == 200
    listing = lee.call("/desk/api/replies")[1]
    assert set(listed(lee)) == {"Sorry"} and listing["lead"] is True and listing["missing_defaults"] == 2

    assert send(sam, "POST", "/desk/api/replies/restore") == (
        403,
        {"error": "Only a lead can restore the playbook's canned replies."},
    )
    assert sam.call("/desk/api/replies")[1]["lead"] is False and set(listed(sam)) == {"Sorry"}
    assert send(lee, "POST", "/desk/api/replies/restore") == (200, {"restored": ["Empathize", "Offer"]})
    # The missing ones come back with the playbook's words; the edited one stays as the lead left it.
    assert listed(sam) == {"Empathize": PLAYBOOK["Empathize"], "Offer": PLAYBOOK["Offer"], "Sorry": "Sorry!"}
    assert rows(desk) == 3 and lee.call("/desk/api/replies")[1]["missing_defaults"] == 0
    assert replies_of(sam)["Offer"]["byline"] == "Updated by Lee Park"
    assert send(lee, "POST", "/desk/api/replies/restore") == (200, {"restored": []})


def test_an_agent_adds_edits_and_deletes_their_own_reply_and_the_team_uses_it(desk, now):
    sam, ana, lee = desk.client("sam"), desk.client("ana"), desk.client("lee")
    status, added = send(sam, "POST", "/desk/api/replies", {"title": " Refund timing ", "text": "Refunds take 5 days."})
    assert status == 201
    assert added["title"] == "Refund timing" and added["text"] == "Refunds take 5 days."
    assert added["created_by"] == "sam" and added["from_playbook"] is False
    assert added["byline"] == "Added by Sam Lee" and added["can_change"] is True
    assert listed(ana)["Refund timing"] == "Refunds take 5 days."
    assert replies_of(ana)["Refund timing"]["can_change"] is False

    # Another agent uses it and may not change it.
    assert send(ana, "PUT", f"/desk/api/replies/{added['id']}", {"title": "Mine", "text": "now"}) == (
        403,
        {"error": NOT_YOURS},
    )
    assert send(ana, "DELETE", f"/desk/api/replies/{added['id']}") == (403, {"error": NOT_YOURS})
    assert listed(sam)["Refund timing"] == "Refunds take 5 days."

    now["now"] = datetime(2024, 5, 14, 15, 0)
    status, edited = send(sam, "PUT", f"/desk/api/replies/{added['id']}", {"title": "Refunds", "text": "3-5 days."})
    assert status == 200 and edited["updated_by"] == "sam" and edited["updated_at"] == "2024-05-14T15:00:00+00:00"
    assert "Refund timing" not in listed(ana) and listed(ana)["Refunds"] == "3-5 days."
    # A lead may change anyone's reply; the list says who did.
    status, edited = send(lee, "PUT", f"/desk/api/replies/{added['id']}", {"title": "Refunds", "text": "3 to 5 days."})
    assert status == 200 and replies_of(ana)["Refunds"]["byline"] == "Updated by Lee Park"
    assert replies_of(sam)["Refunds"]["can_change"] is True  # still the agent's own

    assert send(sam, "DELETE", f"/desk/api/replies/{added['id']}") == (200, {"deleted": added["id"]})
    assert "Refunds" not in listed(ana)
    assert send(sam, "DELETE", f"/desk/api/replies/{added['id']}")[0] == 404
    assert send(sam, "PUT", f"/desk/api/replies/{added['id']}", {"title": "Back", "text": "again"})[0] == 404
    assert send(sam, "PUT", "/desk/api/replies/9999", {"title": "None", "text": "such"})[0] == 404
    _, other = send(ana, "POST", "/desk/api/replies", {"title": "Ana's", "text": "From Ana."})
    assert send(lee, "DELETE", f"/desk/api/replies/{other['id']}") == (200, {"deleted": other["id"]})


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
    assert (
        send(desk.client("lee"), "PUT", f"/desk/api/replies/{seeded['id']}", {"title": "x" * 81, "text": "t"})[0] == 400
    )
    assert listed(sam) == PLAYBOOK
    # The longest allowed go in.
    assert send(sam, "POST", "/desk/api/replies", {"title": "x" * 80, "text": "y" * 2000})[0] == 201


def test_strangers_and_other_websites_are_refused(desk):
    sam, lee, stranger = desk.client("sam"), desk.client("lee"), desk.client()
    reply_id = sam.call("/desk/api/replies")[1]["replies"][0]["id"]
    for method, path, body in [
        ("GET", "/desk/api/replies", None),
        ("POST", "/desk/api/replies", {"title": "Hi", "text": "there"}),
        ("PUT", f"/desk/api/replies/{reply_id}", {"title": "Hi", "text": "there"}),
        ("DELETE", f"/desk/api/replies/{reply_id}", None),
        ("POST", "/desk/api/replies/restore", None),
    ]:
        status, answer = send(stranger, method, path, body)
        assert status == 401 and "Sign in" in answer["error"], (method, path)
        if method != "GET":  # a signed-in agent's browser on another website's page
            assert send(lee, method, path, body, origin="https://evil.example")[0] == 403, (method, path)
    assert listed(sam) == PLAYBOOK and rows(desk) == 3
