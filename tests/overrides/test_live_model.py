"""A new model is loaded off the event loop (overrides/live_model.py) and arrives where
Rasa's own ``_update_model_from_server`` arrives: the same model, the same answers,
the same handling of no news, a bad URL and a broken model."""

from __future__ import annotations

import asyncio
import shutil
import time
from pathlib import Path
from typing import Any, Iterator, List, Tuple

import aiohttp
import pytest
import rasa.core.agent
from rasa.core.agent import Agent
from rasa.utils.endpoints import EndpointConfig

from launch.model_server import ModelServer, fingerprint
from overrides.live_model import _rasa_update_model_from_server, update_model_from_server

UPDATES = {"ours": update_model_from_server, "rasa's": _rasa_update_model_from_server}


@pytest.fixture
def served(tiny_model: Path, tmp_path: Path) -> Iterator[Tuple[str, Path]]:
    """A model server over a folder holding the tiny model: its URL and the model."""
    folder = tmp_path / "models"
    folder.mkdir()
    model = Path(shutil.copy(tiny_model, folder))
    server = ModelServer(folder).start()
    try:
        yield server.url, model
    finally:
        server.stop()


def pull(update: Any, url: str, agent: Agent) -> Agent:
    asyncio.run(update(EndpointConfig(url), agent))
    return agent


def test_the_override_is_installed():
    assert rasa.core.agent._update_model_from_server is update_model_from_server


def test_a_new_model_is_loaded_as_rasa_loads_it(served):
    url, model = served
    ours, rasas = (pull(update, url, Agent()) for update in UPDATES.values())
    assert ours.is_ready() and rasas.is_ready()
    assert ours.fingerprint == rasas.fingerprint == fingerprint(model)
    assert ours.model_id == rasas.model_id
    assert ours.domain.as_dict() == rasas.domain.as_dict()
    assert ours.nlg.responses == rasas.nlg.responses == ours.domain.responses

    async def said(agent: Agent, sender: str) -> List[str]:
        return [reply["text"] for reply in await agent.handle_text("hello", sender_id=sender)]

    assert asyncio.run(said(ours, "a")) == asyncio.run(said(rasas, "b")) == ["Hello there.", "How can I help?"]


@pytest.mark.parametrize("update", UPDATES.values(), ids=UPDATES.keys())
def test_no_newer_model_keeps_the_one_loaded(served, update):
    url, _ = served
    agent = pull(update, url, Agent())
    processor = agent.processor
    assert pull(update, url, agent).processor is processor


@pytest.mark.parametrize("update", UPDATES.values(), ids=UPDATES.keys())
def test_a_broken_model_leaves_the_previous_one_answering(served, update):
    url, model = served
    agent = pull(update, url, Agent())
    processor = agent.processor
    time.sleep(0.01)
    model.write_bytes(b"not a model")  # a newer file: a new fingerprint, unreadable
    assert pull(update, url, agent).processor is processor
    assert agent.fingerprint != fingerprint(model)


@pytest.mark.parametrize("update", UPDATES.values(), ids=UPDATES.keys())
def test_a_url_that_is_not_one_stops_the_start(update):
    with pytest.raises(aiohttp.InvalidURL):
        pull(update, "models please", Agent())


class SlowToLoad(Agent):
    """An agent whose model takes half a second to load, as a real one takes seconds."""

    def load_model(self, *args: Any, **kwargs: Any) -> None:
        time.sleep(0.5)
        super().load_model(*args, **kwargs)


def test_the_event_loop_keeps_answering_while_the_model_loads(served):
    url, _ = served

    async def longest_pause(update: Any) -> float:
        """The longest the event loop was unavailable while ``update`` ran."""
        agent = SlowToLoad()
        pauses, last = [0.0], time.monotonic()
        pulling = asyncio.ensure_future(update(EndpointConfig(url), agent))
        while not pulling.done():
            await asyncio.sleep(0.005)
            now = time.monotonic()
            pauses.append(now - last)
            last = now
        await pulling
        assert agent.is_ready()
        return max(pauses)

    assert asyncio.run(longest_pause(_rasa_update_model_from_server)) >= 0.5
    assert asyncio.run(longest_pause(update_model_from_server)) < 0.25
