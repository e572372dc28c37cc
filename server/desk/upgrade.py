"""A one-off at the Rasa server's start: handoffs from before the ``queued`` flag, settled.

Older code paused the assistant as it queued a customer (the desk's claim pauses it now),
and wrote no ``queued`` flag. For each handoff still open with the flag unset:

- waiting, nobody holding it, its conversation paused: the customer was queued under the
  old code; the conversation is resumed (the assistant answers them again) and it is
  marked queued;
- waiting and the conversation in the queue (the ``in_queue`` slot), or held by an agent:
  marked queued;
- waiting otherwise (a call or an email was offered instead of a place): marked not queued.

The flag is set with a compare-and-set (still unset), and only the server that set it
resumes the conversation, so running it again, or on two servers at once, changes nothing.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List

import sqlalchemy as sa

from gracious.stores.records import handoffs
from server.desk import conversation
from server.desk.store import DeskStore

logger = logging.getLogger(__name__)


def _unsettled(conn: sa.engine.Connection) -> List[Any]:
    return list(
        conn.execute(
            sa.select(handoffs.c.id, handoffs.c.sender_id, handoffs.c.status, handoffs.c.agent)
            .where(
                handoffs.c.queued.is_(None),
                handoffs.c.finished_at.is_(None),
                handoffs.c.status.in_(("waiting", "claimed")),
            )
            .order_by(handoffs.c.id)
        )
    )


def _settle(conn: sa.engine.Connection, handoff_id: int, queued: bool) -> bool:
    changed = conn.execute(
        handoffs.update().where(handoffs.c.id == handoff_id, handoffs.c.queued.is_(None)).values(queued=queued)
    ).rowcount
    return changed == 1


async def settle_old_queue(app: Any, store: DeskStore) -> Dict[str, List[int]]:
    """Settle every open handoff without the flag; what was done, by handoff id."""
    done: Dict[str, List[int]] = {"resumed": [], "queued": [], "offered": []}
    tracker_store = app.ctx.agent.tracker_store
    for row in await store.run(_unsettled):
        if row.status == "claimed":
            if await store.run(_settle, row.id, True):
                done["queued"].append(row.id)
            continue
        tracker = await tracker_store.retrieve(row.sender_id)
        paused = tracker is not None and row.agent is None and tracker.is_paused()
        in_queue = tracker is not None and bool(tracker.get_slot(conversation.IN_QUEUE))
        if not await store.run(_settle, row.id, paused or in_queue):
            continue  # another server settled it
        if paused:
            await conversation.resume(app, row.sender_id)
            await conversation.set_in_queue(app, row.sender_id)
            done["resumed"].append(row.id)
        elif in_queue:
            done["queued"].append(row.id)
        else:
            done["offered"].append(row.id)
    if any(done.values()):
        logger.info("Handoffs from before the queued flag settled: %s", done)
    return done
