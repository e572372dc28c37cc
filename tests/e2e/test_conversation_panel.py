"""The conversation panel: every conversation in tests/conversations/*.yml, held over REST.

One test per conversation (id ``file:name``) against the real servers of the session.
A failure shows which expectation failed and the transcript so far. At the end the pass
counts per file and per move label go to results/panel.txt and the terminal summary.
The files' format is checked without servers in tests/test_conversation_panel_format.py.
"""

from __future__ import annotations

import time
from collections import defaultdict
from pathlib import Path
from typing import Dict, Iterator, List

import pytest

from tests.e2e import panel
from tests.e2e.conftest import Bot
from tests.e2e.panel import Conversation, hold, load_panel

PANEL = load_panel()
REPORT = Path(__file__).resolve().parents[2] / "results" / "panel.txt"
# conversation id -> passed, for the conversations that ran in this session
RESULTS: Dict[str, bool] = {}


@pytest.fixture
def sender(conversation: Conversation) -> str:
    """The conversation's own sender id, the same on every run.

    Overrides conftest's random one: the assistant picks its wording variants by the
    sender id (actions/case.py pick_variation), so a fixed id makes every run read the
    same sentences, and a failure seen once is seen again.
    """
    return conversation.sender


@pytest.mark.parametrize("conversation", PANEL, ids=[c.id for c in PANEL])
def test_conversation(conversation: Conversation, bot: Bot, sender: str) -> None:
    RESULTS[conversation.id] = False
    try:
        hold(conversation, bot, sender)
    except AssertionError as error:
        failure = str(error)  # which expectation failed, and the transcript so far
    else:
        failure = ""
    if failure:
        pytest.fail(failure, pytrace=False)
    RESULTS[conversation.id] = True


def summary_lines(results: Dict[str, bool], conversations: List[Conversation]) -> List[str]:
    """Pass counts overall, per file and per move label, then the failures by id."""
    ran = [c for c in conversations if c.id in results]
    passed = sum(results[c.id] for c in ran)
    lines = [
        f"conversation panel: {passed} of {len(ran)} passed"
        + (
            f" ({len(conversations) - len(ran)} of {len(conversations)} not run)"
            if len(ran) < len(conversations)
            else ""
        )
    ]
    for title, key in (("file", lambda c: [c.file]), ("move", lambda c: c.moves)):
        counts: Dict[str, List[int]] = defaultdict(lambda: [0, 0])
        for conversation in ran:
            for label in key(conversation):
                counts[label][0] += results[conversation.id]
                counts[label][1] += 1
        lines.append(f"by {title}:")
        lines += [f"  {label:<20} {good:>3} of {total}" for label, (good, total) in sorted(counts.items())]
    failed = [c.id for c in ran if not results[c.id]]
    if failed:
        lines.append("failed:")
        lines += [f"  {conversation_id}" for conversation_id in failed]
    return lines


@pytest.fixture(scope="module", autouse=True)
def panel_report() -> Iterator[None]:
    """After the panel: results/panel.txt, and the lines tests/e2e/conftest.py prints at the end."""
    yield
    if not RESULTS:
        return
    lines = summary_lines(RESULTS, PANEL)
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(f"{time.strftime('%Y-%m-%d %H:%M')}\n" + "\n".join(lines) + "\n", encoding="utf-8")
    panel.SUMMARY[:] = lines + [f"(written to {REPORT.parent.name}/{REPORT.name})"]
