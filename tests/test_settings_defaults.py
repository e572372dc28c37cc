"""Defaults that customers meet: one address (an office, a school, a shared network) can open enough handoffs
for a busy hour, while a flood from it is still refused (tests/actions/test_handoff_limits.py)."""

from gracious.settings import settings


def test_one_address_may_open_thirty_handoffs_an_hour_by_default(monkeypatch) -> None:
    monkeypatch.delenv("GRACIOUS_HANDOFFS_PER_ADDRESS", raising=False)
    assert settings().handoffs_per_address == 30


def test_the_handoff_limit_is_read_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("GRACIOUS_HANDOFFS_PER_ADDRESS", "7")
    assert settings().handoffs_per_address == 7
