"""Messages parsed in a worker process (overrides/nlu_process.py) get exactly the parse the Rasa
server's own graph gives, on the trained model; a worker that dies costs no message; only the
launcher turns the workers on, and a new model's workers replace the old ones."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest
from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage

from overrides import nlu_process
from tests.e2e.conftest import model_path

MESSAGES = [
    "hi",
    "my dress came in red, I ordered navy. LK-10421",
    "you charged me twice on BL-30017!! I want my money back",
    "the lamp flickers and buzzes, is it safe? also when do the shoes come",
    "call me tomorrow at 3pm on 555-201-0142 or write to maya.okafor@example.com",
    "oh great, another late parcel. just brilliant",
    "mi pedido llegó roto y nadie me responde",
    "no",
    "/greet",
]


def wait_until(check: Any, seconds: float = 180.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "the NLU worker did not get ready in time"
        time.sleep(0.2)


@pytest.fixture(scope="module")
def agent() -> Iterator[Agent]:
    yield Agent.load(str(model_path()))


@pytest.fixture(scope="module")
def workers() -> Iterator[nlu_process.Workers]:
    started = nlu_process.Workers(model_path(), 1)
    wait_until(lambda: started.ready)
    yield started
    started.close()


def parse(agent: Agent, text: str) -> Dict[str, Any]:
    return asyncio.run(nlu_process.parse(agent.processor, UserMessage(text, sender_id="t")))


def comparable(parsed: Dict[str, Any]) -> Dict[str, Any]:
    """The parse with confidences rounded: the same arithmetic, maybe not in the same order."""

    def rounded(value: Any) -> Any:
        if isinstance(value, float):
            return round(value, 6)
        if isinstance(value, dict):
            return {key: rounded(item) for key, item in value.items()}
        if isinstance(value, list):
            return [rounded(item) for item in value]
        return value

    return rounded(parsed)


def test_the_worker_parses_as_the_server_does(
    agent: Agent, workers: nlu_process.Workers, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = {text: parse(agent, text) for text in MESSAGES}  # no workers on this processor yet
    assert here["my dress came in red, I ordered navy. LK-10421"]["entities"]
    monkeypatch.setattr(agent.processor, nlu_process.ATTRIBUTE, workers, raising=False)

    def not_here(*_: Any) -> None:
        raise AssertionError("parsed in the Rasa server's process, not the worker")

    monkeypatch.setattr(nlu_process, "_rasa_parse_message", not_here)
    for text in MESSAGES:
        assert comparable(parse(agent, text)) == comparable(here[text]), text


def test_a_worker_that_dies_costs_no_message(
    agent: Agent, workers: nlu_process.Workers, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(nlu_process, "RESTART_AFTER_SECONDS", 0.0)
    monkeypatch.setattr(agent.processor, nlu_process.ATTRIBUTE, workers, raising=False)
    expected = comparable(parse(agent, MESSAGES[2]))
    pids: List[int] = list(workers._pool._processes)  # type: ignore[union-attr]
    assert pids
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    time.sleep(0.5)
    assert comparable(parse(agent, MESSAGES[2])) == expected  # parsed in the server instead
    assert not workers.ready
    wait_until(lambda: workers.ready)  # started again
    assert set(workers._pool._processes).isdisjoint(pids)  # type: ignore[union-attr]
    assert comparable(parse(agent, MESSAGES[2])) == expected
    workers.close()
    assert not workers.ready and workers.closed and workers._pool is None


class Started:
    """Stands in for Workers where only the wiring of load_model is under test (no processes)."""

    made: List["Started"] = []

    def __init__(self, archive: Path, count: int) -> None:
        self.archive, self.count, self.closed = archive, count, False
        Started.made.append(self)

    def close(self) -> None:
        self.closed = True


def test_workers_start_only_when_the_launcher_asks(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    Started.made = []
    monkeypatch.setattr(nlu_process, "Workers", Started)
    monkeypatch.setattr(nlu_process, "_current", None)
    monkeypatch.setattr(nlu_process, "_enabled", False)
    agent = Agent()
    agent.load_model(model_path())
    assert Started.made == [] and not hasattr(agent.processor, nlu_process.ATTRIBUTE)

    monkeypatch.setenv("GRACIOUS_NLU_PROCESSES", "0")
    nlu_process.prepare()
    agent.load_model(model_path())
    assert Started.made == []

    monkeypatch.setenv("GRACIOUS_NLU_PROCESSES", "2")
    nlu_process.prepare()
    folder = tmp_path / "models"
    folder.mkdir()
    (folder / model_path().name).write_bytes(model_path().read_bytes())
    agent.load_model(folder)  # a folder, as the model server's pull gives it: its newest archive
    first = getattr(agent.processor, nlu_process.ATTRIBUTE)
    assert (first.archive, first.count, first.closed) == (folder / model_path().name, 2, False)
    agent.load_model(model_path())  # a new model: new workers, the old ones stopped
    second = getattr(agent.processor, nlu_process.ATTRIBUTE)
    assert second is not first and first.closed and not second.closed
    assert nlu_process._current is second
