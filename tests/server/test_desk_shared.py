"""server/desk/shared.py: one way for every desk module to say a stored moment and read a JSON body."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace
from typing import Any

from server.desk import callbacks, history, replies, shared, shift


def request(body: bytes) -> Any:
    return SimpleNamespace(body=body)


def test_a_stored_moment_reads_as_utc_with_its_offset():
    assert shared.iso(datetime(2024, 5, 14, 14, 0, 7, 999)) == "2024-05-14T14:00:07+00:00"
    assert shared.iso(None) is None


def test_a_body_is_a_json_object_or_nothing():
    assert shared.json_body(request(b'{"title": "Hi"}')) == {"title": "Hi"}
    for body in (b"", b"not json", b"[1, 2]", b'"text"', b"\xff\xfe"):
        assert shared.json_body(request(body)) == {}, body


def test_the_desk_modules_use_the_shared_helpers_rather_than_their_own():
    for module in (callbacks, history, replies, shift):
        assert not hasattr(module, "_iso") and not hasattr(module, "_body"), module.__name__
