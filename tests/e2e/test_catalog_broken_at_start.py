"""A catalog with a mistake at start-up, and no good version kept: only what needs it waits for the fix.

The real servers start on a copy of the catalog (GRACIOUS_CATALOG) with a typo in an
alternative's id, and a fresh var folder, so there is no last good copy to serve
(var/catalog-last-good-*.yml). A greeting is still answered as a greeting, and a request
for a person still reaches one; a complaint, an order's status (a case too) or a question
about a policy (opening hours are one) gets the apology, as the policies cannot be read. Each
server's log names the file, the line and the fix on one line, once, however many messages
come, and with no traceback.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from typing import Iterator

import pytest

from launch.launcher import ROOT
from tests.e2e.conftest import Bot, running_servers

GOOD_ID = "{id: goodwill_credit, amount: 10}, {id: international_plan}"
TYPO_ID = "{id: goodwil_credit, amount: 10}, {id: international_plan}"
COMPLAINT = "my phone bill BL-30017 is wrong, I didn't get the volume discount I expected"
APOLOGY = "isn't responding"


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    copy = tmp_path_factory.mktemp("project") / "catalog"
    shutil.copytree(ROOT / "catalog", copy)
    policies = copy / "policies.yml"
    good = policies.read_text(encoding="utf-8")
    assert GOOD_ID in good
    policies.write_text(good.replace(GOOD_ID, TYPO_ID, 1), encoding="utf-8")
    var = tmp_path_factory.mktemp("catalog-broken-var")
    with running_servers(var, GRACIOUS_CATALOG=str(policies)) as bot:
        assert not list(var.glob("catalog-last-good-*")), "a good copy was kept from a broken file"
        yield bot


def text_of(bot: Bot, sender: str, message: str) -> str:
    return " ".join(r.get("text") or "" for r in bot.say(sender, message))


def logs(bot: Bot) -> str:
    folder = Path(bot.env["GRACIOUS_VAR_DIR"]) / "logs"
    return "\n".join(log.read_text(encoding="utf-8", errors="replace") for log in sorted(folder.glob("*.log")))


def test_greetings_and_a_person_are_answered_and_a_complaint_gets_the_apology(broken: Bot) -> None:
    for _ in range(2):
        hello = text_of(broken, f"e2e-{uuid.uuid4().hex[:12]}", "hi")
        assert "Gracious" in hello and APOLOGY not in hello, hello
    asked = text_of(broken, f"e2e-{uuid.uuid4().hex[:12]}", "I want to talk to a real person please")
    assert asked and APOLOGY not in asked, asked
    # An order's status opens a case, and opening hours are a policy (topics: [hours]): they wait for the fix.
    for question in ("where is my order LK-10423?", "what are your opening hours?"):
        answer = text_of(broken, f"e2e-{uuid.uuid4().hex[:12]}", question)
        assert APOLOGY in answer, (question, answer)
    for _ in range(2):
        said = text_of(broken, f"e2e-{uuid.uuid4().hex[:12]}", COMPLAINT)
        assert APOLOGY in said, said

    log = logs(broken)
    assert "Traceback" not in log and "catalog.py" not in log, log[-4000:]
    # The mistake, at its file and line with the fix: on one line, once for each server that met it.
    found = [line for line in log.splitlines() if "'goodwil_credit' is not in the alternatives list" in line]
    assert found, log[-4000:]
    assert all("catalog/policies.yml:" in line for line in found), found
    per_server = {}
    for name in broken.servers.processes:
        own = (Path(broken.env["GRACIOUS_VAR_DIR"]) / "logs" / f"{name}.log").read_text(errors="replace")
        per_server[name] = sum("'goodwil_credit' is not in the alternatives list" in line for line in own.splitlines())
    # Each server's refusal as it started; the failed actions, once for all of them (in the Rasa
    # server's log when the actions run in it, GRACIOUS_ACTIONS=in-process; else the action server's).
    if broken.servers.actions_apart():
        assert per_server == {"actions": 2, "bot": 1}, per_server
    else:
        assert per_server == {"bot": 2}, per_server
