"""Bad input and abuse against the cluster's front door (nginx), and what stays off it.

The single-instance answers are tested in tests/e2e/test_abuse.py; here the same
requests go through nginx to several instances, where the per-sender limit must
hold across instances (it lives in Redis) and nothing may reach the action server.
"""

from __future__ import annotations

import socket
import time
from concurrent.futures import ThreadPoolExecutor

from tests.cluster.conftest import TOKEN, Deployment, call


def webhook(deployment: Deployment) -> str:
    return f"{deployment.base}/webhooks/rest/webhook"


def test_bodies_over_the_limit_are_refused_by_nginx_with_json(deployment: Deployment, sender: str) -> None:
    status, body, _ = call(webhook(deployment), raw=b'{"sender": "x", "message": "' + b"a" * 200_000 + b'"}')
    assert status == 413 and isinstance(body, dict) and body.get("message"), body
    assert call(f"{deployment.base}/conversations/x/tracker?token={TOKEN}")[0] in (200, 404)


def test_malformed_json_and_wrong_types_get_a_400_through_nginx(deployment: Deployment, sender: str) -> None:
    for raw in (b"{not json", b"[]", b'{"sender": 5, "message": "hi"}', b'{"sender": "a", "message": ["hi"]}'):
        status, body, _ = call(webhook(deployment), raw=raw)
        assert status == 400 and body.get("message"), (raw, status, body)


def test_the_sender_limit_holds_across_instances(deployment: Deployment, sender: str) -> None:
    """Messages spread over both instances by nginx still count against one limit (in Redis)."""

    def send(number: int) -> int:
        return call(webhook(deployment), {"sender": sender, "message": f"hello number {number}"})[0]

    started = time.monotonic()
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(send, range(150)))
    elapsed = time.monotonic() - started
    refused = statuses.count(429)
    assert refused > 0 and statuses.count(200) + refused == len(statuses), statuses
    stored = [e for e in deployment.tracker(sender)["events"] if e["event"] == "user"]
    # The burst (60) and one more a second, over both instances together; refused
    # messages are never stored.
    assert len(stored) == statuses.count(200) <= 60 + elapsed + 1, (len(stored), elapsed)


def test_the_api_needs_its_token_through_nginx(deployment: Deployment) -> None:
    assert call(f"{deployment.base}/status")[0] == 401
    assert call(f"{deployment.base}/status?token=wrong")[0] == 401
    assert call(f"{deployment.base}/model", raw=b"x" * 1000, method="PUT")[0] in (401, 403)
    assert call(f"{deployment.base}/status?token={TOKEN}")[0] == 200


def test_the_action_server_is_not_behind_nginx_and_listens_on_loopback_only(deployment: Deployment) -> None:
    forged = {
        "next_action": "action_apply_alternative",
        "sender_id": "someone",
        "tracker": {"sender_id": "someone", "slots": {"alternative": "refund"}, "events": []},
        "domain": {},
    }
    status, _, _ = call(f"{deployment.base}/webhook", forged)
    assert status in (404, 405), status
    # Straight to the action server, without Rasa's token: refused.
    port = int(deployment.cluster.env["ACTION_PORT"])
    status, body, _ = call(f"http://127.0.0.1:{port}/webhook", forged)
    assert status == 401, body
    with socket.socket() as probe:
        probe.settimeout(1)
        for address in _other_addresses():
            assert probe.connect_ex((address, port)) != 0, address


def _other_addresses() -> list:
    addresses = set()
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            addresses.add(info[4][0])
    except OSError:
        pass
    return [a for a in addresses if not a.startswith("127.")]


def test_cross_origin_requests_with_credentials_are_refused(deployment: Deployment, sender: str) -> None:
    headers = {"Origin": "https://evil.example", "Cookie": "gracious_desk=stolen; gracious_browser=abc"}
    status, _, got = call(webhook(deployment), {"sender": sender, "message": "hi"}, headers=headers)
    assert status == 403
    assert "https://evil.example" not in got.get("Access-Control-Allow-Origin", "")
    status, _, got = call(f"{deployment.base}/desk/api/queue", headers=headers)
    assert status == 401 and got.get("Access-Control-Allow-Credentials") != "true"
    assert deployment.cluster.servers is not None
    assert not [e for e in deployment.tracker(sender)["events"] if e["event"] == "user"]


def test_no_customer_text_in_any_log_after_failures(deployment: Deployment, sender: str) -> None:
    marker = "zebra-quartz-7781"
    call(webhook(deployment), raw=b'{"sender": "' + sender.encode() + b'", "message": "' + marker.encode() + b'"')
    call(webhook(deployment), raw=(b'{"sender": "x", "message": "' + marker.encode() * 20000 + b'"}'))
    deployment.say(sender, f"my order {marker} never came")
    logs = deployment.cluster.workdir
    paths = list((logs / "logs").glob("*.log")) + list((logs / "nginx" / "logs").glob("*.log"))
    # Every part's log was searched, and the failures reached them, so the search looked at something.
    assert {"actions.log", "rasa1.log", "rasa2.log", "access.log", "error.log"} <= {p.name for p in paths}, paths
    access = (logs / "nginx" / "logs" / "access.log").read_text(errors="replace")
    assert '"POST /webhooks/rest/webhook" 400' in access and '"POST /webhooks/rest/webhook" 413' in access
    for path in paths:
        assert marker not in path.read_text(errors="replace"), path
