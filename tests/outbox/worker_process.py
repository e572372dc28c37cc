"""One pass of the outbox worker in a process of its own, its clock fixed (the restart test kills it).

python -m tests.outbox.worker_process 2026-12-01T14:00:00
"""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime

from gracious.outbox.worker import OutboxWorker

if __name__ == "__main__":
    moment = datetime.fromisoformat(sys.argv[1])
    print(asyncio.run(OutboxWorker(now=lambda: moment).run_once()), flush=True)
