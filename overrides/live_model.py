"""Swap in a newly trained model without stopping the Rasa server.

Rasa 3.6 pulls a new model from the model server (launch/model_server.py) on its
event loop and loads it there too, synchronously: while a model loads (ten
seconds or more on two busy cores) no customer gets an answer. Here the pulling
job loads the model in a worker thread with Rasa's own ``Agent.load_model``;
the old model answers until the new one is ready, then takes over at once.
"""

from __future__ import annotations

import asyncio
import logging

import aiohttp
import rasa.core.agent
from rasa.core.agent import Agent
from rasa.nlu.utils import is_url
from rasa.utils.common import TempDirectoryPath, get_temp_dir_name
from rasa.utils.endpoints import EndpointConfig

from overrides.patch import Patch

logger = logging.getLogger(__name__)

# Rasa's own, which the tests compare this with (tests/overrides/test_live_model.py).
_rasa_update_model_from_server = rasa.core.agent._update_model_from_server


async def update_model_from_server(model_server: EndpointConfig, agent: Agent) -> None:
    """Rasa's ``_update_model_from_server`` with the loading moved off the event loop."""
    if not is_url(model_server.url):
        raise aiohttp.InvalidURL(model_server.url)  # as Rasa's: a bad URL stops the start
    with TempDirectoryPath(get_temp_dir_name()) as directory:
        try:
            fingerprint = await rasa.core.agent._pull_model_and_fingerprint(model_server, agent.fingerprint, directory)
            if fingerprint:
                await asyncio.to_thread(agent.load_model, directory, fingerprint)
                logger.info(f"Now answering with the new model {fingerprint}.")
        except Exception:  # noqa: BLE001 (as Rasa does: a bad model must not stop the server)
            logger.exception("Failed to update the model; the previous model stays loaded.")


# Rasa's model pulling (first load and every later pull) uses the function above.
PATCHES = [Patch(rasa.core.agent, "_update_model_from_server", update_model_from_server)]
