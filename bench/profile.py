"""Where a Gracious turn's time goes: the Rasa server under the benchmark's load, profiled.

    python -m bench.profile [--concurrency 20] [--conversations 60] [--top 30]

Starts Gracious as `make run` does (launch.launcher.Servers; GRACIOUS_ACTIONS as set, in the
Rasa server's process by default) with GRACIOUS_PROFILE on (launch/rasa_server.py), sends
the benchmark's playbook conversations over REST, stops the server and prints the
functions that took the most time, by their own time and with what they call. The
profiler slows every call, so read the shares, not the milliseconds; the figures that
count are `make bench`'s. The statistics stay in results/bench/profile.pstats.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import pstats
import signal
import statistics
import tempfile
from pathlib import Path

from bench import load
from bench.conversations import GRACIOUS
from bench.servers import GraciousServers
from gracious.settings import ROOT
from scripts.model import ensure_model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--conversations", type=int, default=60)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "bench" / "profile.pstats")
    args = parser.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="gracious-profile-") as var:
        servers = GraciousServers(ensure_model(), Path(var))
        servers.env["GRACIOUS_PROFILE"] = str(args.out)
        print(f"Starting Gracious (actions: {servers.start()['actions']}), profiled...", flush=True)
        try:
            asyncio.run(load.rest_round(servers.base, GRACIOUS, 1, len(GRACIOUS), "warm"))  # not profiled
            os.kill(servers.pids()["bot"], signal.SIGUSR1)  # the profiler starts now (launch/rasa_server.py)
            result = asyncio.run(load.rest_round(servers.base, GRACIOUS, args.concurrency, args.conversations))
        finally:
            servers.stop()
    latencies = result.latencies
    print(
        f"{len(latencies)} turns, {result.errors} failed, {len(latencies) / result.duration_s:.1f} msg/s, "
        f"p50 {statistics.median(latencies) * 1000:.0f} ms under the profiler"
    )
    for order in ("tottime", "cumulative"):
        text = io.StringIO()
        pstats.Stats(str(args.out), stream=text).sort_stats(order).print_stats(args.top)
        print(f"\n== by {order} ==\n" + text.getvalue().split("\n\n", 2)[-1])


if __name__ == "__main__":
    main()
