"""Fixtures the desk's server tests share: the injected clock and a desk on loopback.

A module sets ``START`` (the naive UTC moment the clock starts at) and may set ``DESK_AGENTS``
(name, display name, lead) to choose who can sign in."""

from __future__ import annotations

from datetime import datetime
from typing import Dict, Iterator, List, Tuple

import pytest

from gracious.stores import clock as clock_module
from tests.helpers.desk_app import DeskApp
from tests.helpers.hand_clock import Clock

DEFAULT_AGENTS: List[Tuple[str, str, bool]] = [("sam", "Sam Lee", False), ("ana", "Ana Ruiz", False)]


@pytest.fixture
def now(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Dict[str, datetime]:
    moment = {"now": request.module.START}
    monkeypatch.setattr(clock_module, "now", lambda: moment["now"])
    return moment


@pytest.fixture
def desk(request: pytest.FixtureRequest, now: Dict[str, datetime]) -> Iterator[DeskApp]:
    app = DeskApp().start()
    for name, display_name, lead in getattr(request.module, "DESK_AGENTS", DEFAULT_AGENTS):
        app.add_agent(name, display_name, lead=lead)
    yield app
    app.stop()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The stores' clock, moved by hand (``clock.advance(minutes=3)``)."""
    fake = Clock()
    monkeypatch.setattr(clock_module, "now", lambda: fake.now)
    return fake
