"""Every code the records keep has the words a manager reads (gracious/codes.py)."""

from __future__ import annotations

from gracious import codes

LISTS = (codes.HANDOFF_REASONS, codes.HANDOFF_TRIGGERS, codes.ASSISTANT_OUTCOMES, codes.DESK_OUTCOMES)


def test_every_named_code_has_words_in_a_list() -> None:
    named = {value for name, value in vars(codes).items() if name.isupper() and isinstance(value, str)}
    listed = {code for words in LISTS for code in words}
    assert named - {codes.CUSTOMER_CARE} <= listed, sorted(named - listed)


def test_the_outage_handoff_is_worded() -> None:
    assert codes.HANDOFF_REASONS[codes.SERVICE_OUTAGE]
