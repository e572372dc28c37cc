"""How many turns the Rasa server should work on at once (GRACIOUS_TURNS_AT_ONCE), side by side.

    python -m bench.turns_at_once [--limits 0,1,2] [--rounds 2] [--concurrency 20,50]

For each round and each limit (in turn, so the machine's drift falls on all of them alike),
Gracious is started as `make run` serves it with that limit, warmed up with each benchmark
script once, and sent 100 ten-turn conversations over REST at each concurrency. Prints one
line per round, limit and concurrency: messages a second, p50 and p95 in ms, failed turns.
Results are printed only (the table in docs/speed.md comes from a run of this).
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from pathlib import Path
from typing import List, Sequence

from bench import load
from bench.conversations import SCRIPTS, trimmed
from bench.servers import GraciousServers
from bench.stats import summarize

CONVERSATIONS = 100


def ints(text: str) -> List[int]:
    return [int(part) for part in text.split(",") if part.strip()]


async def measure(limits: Sequence[int], rounds: int, concurrencies: Sequence[int], model: Path) -> None:
    scripts = trimmed(SCRIPTS["gracious"], 10)
    for number in range(rounds):
        for limit in limits:
            servers = GraciousServers(model, Path(tempfile.mkdtemp(prefix=f"turns-at-once-{limit}-")))
            servers.env["GRACIOUS_TURNS_AT_ONCE"] = str(limit)
            servers.start()
            try:
                await load.calibrate(servers.base, scripts)
                for concurrency in concurrencies:
                    result = await load.rest_round(
                        servers.base, scripts, concurrency, CONVERSATIONS, f"t{limit}c{concurrency}r{number}"
                    )
                    figures = summarize(result.latencies, result.duration_s)
                    print(
                        f"round {number + 1}, GRACIOUS_TURNS_AT_ONCE={limit}, {concurrency} at once: "
                        f"{figures['throughput']} msg/s, p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, "
                        f"{result.errors} failed",
                        flush=True,
                    )
            finally:
                servers.stop()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limits", type=ints, default=[0, 1, 2], help="GRACIOUS_TURNS_AT_ONCE values (0: no limit)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--concurrency", type=ints, default=[20, 50])
    parser.add_argument("--model", type=Path, help="Gracious's model (default: scripts.model's)")
    args = parser.parse_args(argv)
    if args.model:
        model = args.model
    else:
        from scripts.model import ensure_model

        model = ensure_model()
    asyncio.run(measure(args.limits, args.rounds, args.concurrency, model))


if __name__ == "__main__":
    main()
