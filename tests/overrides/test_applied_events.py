"""A tracker's applied events, carried forward (overrides/applied_events.py), are always Rasa's own:
as a conversation grows one event at a time, through forms, rewinds, restarts and new sessions."""

from __future__ import annotations

import json
from typing import List

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActionReverted,
    ActiveLoop,
    Event,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from gracious.settings import ROOT
from overrides import applied_events

RECORDED = ROOT / "tests" / "studio" / "fixtures" / "bill_dispute_tracker.json"


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


def said(text: str, intent: str = "inform") -> List[Event]:
    return [ActionExecuted("action_listen"), UserUttered(text, intent={"name": intent, "confidence": 1.0})]


def form_steps(form: str) -> List[Event]:
    """A form asked twice, answered, then rejected once, as a customer wanders off and back."""
    return [
        *said("my coupon failed", "coupon_problem"),
        ActionExecuted(form),
        ActiveLoop(form),
        SlotSet("requested_slot", "coupon_code"),
        *said("SPRING15"),
        ActionExecuted(form),
        SlotSet("coupon_code", "SPRING15"),
        *said("wait why"),
        ActionExecutionRejected(form),
        ActionExecuted("action_answer_why"),
        ActionExecuted(form),
        ActiveLoop(None),
        SlotSet("requested_slot", None),
    ]


def conversation(domain: Domain) -> List[Event]:
    recorded = list(
        DialogueStateTracker.from_dict("r", json.loads(RECORDED.read_text())["events"], domain.slots).events
    )
    return [
        *recorded,
        *form_steps("case_form"),
        *said("no that's wrong"),
        ActionExecuted("utter_sorry"),
        UserUtteranceReverted(),
        *said("oops"),
        ActionExecuted("action_default_fallback"),
        ActionReverted(),
        # A form whose steps come before its name is first seen active: the earlier steps count again.
        ActionExecuted("callback_form"),
        ActionExecuted("callback_form"),
        *form_steps("callback_form"),
        Restarted(),
        *said("hi", "greet"),
        SessionStarted(),
        *recorded[:15],
        *form_steps("case_form"),
    ]


def test_grown_one_event_at_a_time_the_applied_events_are_rasas(domain: Domain) -> None:
    events = conversation(domain)
    tracker = DialogueStateTracker("grow", domain.slots)
    for event in events:
        tracker.update(event)
        ours = tracker.applied_events()
        assert ours == applied_events._rasa_applied_events(tracker)
        ours.append(ActionExecuted("changed_by_the_caller"))  # the caller's own list
        assert tracker.applied_events() == applied_events._rasa_applied_events(tracker)
    assert len(tracker.applied_events()) < len(events) / 2


def test_only_the_new_events_are_folded(domain: Domain, monkeypatch: pytest.MonkeyPatch) -> None:
    tracker = DialogueStateTracker("grow", domain.slots)
    for event in conversation(domain)[:60]:
        tracker.update(event)
    tracker.applied_events()
    steps = []
    real_step = applied_events._step
    monkeypatch.setattr(applied_events, "_step", lambda *args: steps.append(args[2]) or real_step(*args))
    for event in said("and another thing"):
        tracker.update(event)
    assert tracker.applied_events() == applied_events._rasa_applied_events(tracker)
    assert len(steps) == 2  # the two new events, not the sixty before

    steps.clear()
    tracker.update(ActiveLoop("a_form_never_seen"))  # a new form's name: everything is folded again
    assert tracker.applied_events() == applied_events._rasa_applied_events(tracker)
    assert len(steps) == len(tracker.events)


def test_other_events_put_in_are_folded_afresh(domain: Domain) -> None:
    tracker = DialogueStateTracker("swap", domain.slots)
    events = conversation(domain)
    for event in events[:40]:
        tracker.update(event)
    tracker.applied_events()
    other = DialogueStateTracker("other", domain.slots)
    for event in events[40:90]:
        other.update(event)
    tracker.events = other.events
    assert tracker.applied_events() == applied_events._rasa_applied_events(tracker)
    copied = tracker.copy()  # a copy keeps nothing of the original's fold
    assert applied_events.KEPT not in copied.__dict__
    assert copied.applied_events() == applied_events._rasa_applied_events(tracker)
