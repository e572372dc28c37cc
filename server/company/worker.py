"""The outbox worker, run inside each Rasa server (mounted from credentials.yml like a channel).

Rasa's supported way to add to its Sanic app is an input channel's blueprint; this
one has no routes at all (nothing is exposed), only two listeners: after the
server starts, the worker (gracious/outbox/worker.py) runs as a background task;
before it stops, the worker is told to stop and given a moment to finish the
delivery in hand. Each instance of a cluster runs one: claims are conditional
updates, so two instances never deliver the same row at the same time. The
blueprint is a ``GuardedBlueprint``, so mounting it only ever adds the channels'
guards (installed once per app), never takes them away.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint

from gracious.outbox import worker
from server.channels.guards import GuardedBlueprint

logger = logging.getLogger(__name__)
# How long a stopping server waits for the delivery in hand before cancelling it.
STOP_GRACE_SECONDS = 5.0


class OutboxWorker(InputChannel):
    """Runs ``gracious.outbox.worker.OutboxWorker`` for as long as the Rasa server runs."""

    @classmethod
    def name(cls) -> Text:
        return "gracious_outbox_worker"

    def __init__(self, make_worker: Callable[[], worker.OutboxWorker] = worker.OutboxWorker) -> None:
        self.make_worker = make_worker
        self.stop_event: Optional[asyncio.Event] = None
        self.task: Optional["asyncio.Task[None]"] = None

    async def start(self) -> None:
        if self.task is not None and not self.task.done():
            return
        self.stop_event = asyncio.Event()
        self.task = asyncio.create_task(self.make_worker().run_forever(self.stop_event), name="gracious-outbox")
        logger.info("The outbox worker is running.")

    async def stop(self) -> None:
        if self.task is None or self.stop_event is None:
            return
        self.stop_event.set()
        try:
            await asyncio.wait_for(asyncio.shield(self.task), timeout=STOP_GRACE_SECONDS)
        except asyncio.TimeoutError:
            self.task.cancel()  # what was in hand stays claimed; its lease runs out and it is sent again
        except Exception:  # noqa: BLE001
            logger.exception("The outbox worker stopped with an error")
        self.task = None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        plugin: Blueprint = GuardedBlueprint("gracious_outbox_worker", __name__)

        @plugin.listener("after_server_start")
        async def start_worker(app: Any, _: Any) -> None:
            await self.start()

        @plugin.listener("before_server_stop")
        async def stop_worker(app: Any, _: Any) -> None:
            await self.stop()

        return plugin
