"""The soak: many concurrent conversations through nginx for minutes, counting every message.

    python -m bench.soak [--conversations 200] [--seconds 300] [--instances 2]

`make soak` starts a cluster of its own (launch/cluster: PostgreSQL, Redis, the
action server, Rasa instances, nginx; loopback only), then runs that many
customers at once over REST, each one conversation of playbook messages, each
waiting for the answer and a short pause before the next message. It is bounded
and stops by itself: the time limit, and at most MAX_MESSAGES per customer.

Every message carries its number in the message metadata and a message_id. At the
end each conversation's stored events are read back, and the soak counts:

- sent: messages posted; answered: a 200 with at least one reply (of which
  "apologised": the answer was the apology for a part not responding in time);
- lost: sent but not stored, or never answered;
- duplicated: stored more than once; reordered: stored out of the order sent.

Results: results/soak/soak.json and a table on the terminal.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import aiohttp

from bench.conversations import GRACIOUS, long_script
from gracious.settings import ROOT

TOKEN = "soak-token"
MAX_MESSAGES = 1000
REPLY_TIMEOUT_S = 120.0
THINK_S = (0.5, 2.0)
RETRIES = 3


def _trouble() -> str:
    import yaml

    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    return domain["responses"]["utter_service_trouble"][0]["text"]


TROUBLE = _trouble()


@dataclass
class Counted:
    """What became of the messages sent: per conversation, and summed over the soak."""

    sent: int = 0
    answered: int = 0
    apologised: int = 0
    retried: int = 0
    problems: Dict[str, int] = field(default_factory=dict)

    def problem(self, why: str, count: int = 1) -> None:
        self.problems[why] = self.problems.get(why, 0) + count

    def add(self, other: "Counted") -> None:
        self.sent += other.sent
        self.answered += other.answered
        self.apologised += other.apologised
        self.retried += other.retried
        for why, count in other.problems.items():
            self.problem(why, count)


@dataclass
class Conversation(Counted):
    sender: str = ""
    unanswered: int = 0
    latencies: List[float] = field(default_factory=list)


@dataclass
class Tally(Counted):
    conversations: int = 0
    seconds: float = 0.0
    lost: int = 0
    duplicated: int = 0
    reordered: int = 0
    p50_ms: Optional[float] = None
    p95_ms: Optional[float] = None
    max_ms: Optional[float] = None
    messages_per_second: Optional[float] = None


def stored_order(events: Sequence[Dict[str, Any]]) -> List[int]:
    """The soak numbers of the stored customer messages, in stored order."""
    numbers = []
    for event in events:
        if event.get("event") == "user":
            number = (event.get("metadata") or {}).get("soak_seq")
            if isinstance(number, int):
                numbers.append(number)
    return numbers


def check_order(sent: int, stored: Sequence[int]) -> Dict[str, int]:
    """Lost, duplicated and reordered messages of one conversation."""
    seen = set(stored)
    lost = sum(1 for number in range(sent) if number not in seen)
    duplicated = len(stored) - len(seen)
    reordered = sum(1 for a, b in pairwise(stored) if b < a)
    return {"lost": lost, "duplicated": duplicated, "reordered": reordered}


async def converse(
    session: aiohttp.ClientSession, base: str, index: int, deadline: float, rng: random.Random
) -> Conversation:
    conversation = Conversation(sender=f"soak-{index}-{uuid.uuid4().hex[:8]}")
    script = long_script(GRACIOUS, MAX_MESSAGES)
    offset = index * 7 % len(script)
    url = f"{base}/webhooks/rest/webhook"
    for number in range(MAX_MESSAGES):
        if time.monotonic() >= deadline:
            break
        body = {
            "sender": conversation.sender,
            "message": script[(offset + number) % len(script)],
            "metadata": {"soak_seq": number},
            "message_id": f"{conversation.sender}-{number}",
        }
        conversation.sent += 1
        started = time.perf_counter()
        answered = False
        for attempt in range(RETRIES + 1):
            problem = ""
            try:
                async with session.post(url, json=body) as reply:
                    replies = await reply.json(content_type=None)
                    if reply.status == 200 and isinstance(replies, list) and replies:
                        answered = True
                        if any(r.get("text") == TROUBLE for r in replies if isinstance(r, dict)):
                            conversation.apologised += 1
                    else:
                        problem = f"status {reply.status}"
            except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
                problem = type(error).__name__
            if answered:
                break
            conversation.problem(problem)
            if attempt < RETRIES:
                # The same message_id again: answered once, however often it is sent.
                conversation.retried += 1
                await asyncio.sleep(1.0)
        if answered:
            conversation.answered += 1
            conversation.latencies.append(time.perf_counter() - started)
        else:
            conversation.unanswered += 1
        await asyncio.sleep(rng.uniform(*THINK_S))
    return conversation


async def stored(session: aiohttp.ClientSession, base: str, sender: str) -> List[int]:
    async with session.get(f"{base}/conversations/{sender}/tracker", params={"token": TOKEN}) as reply:
        body = await reply.json(content_type=None)
    return stored_order(body.get("events", []) if isinstance(body, dict) else [])


async def soak(base: str, conversations: int, seconds: float, seed: int = 7) -> Tally:
    """Run the soak against a running deployment at ``base`` (its HTTP API token must be TOKEN)."""
    rng = random.Random(seed)
    connector = aiohttp.TCPConnector(limit=conversations + 10)
    timeout = aiohttp.ClientTimeout(total=REPLY_TIMEOUT_S)
    started = time.monotonic()
    deadline = started + seconds
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        # Customers arrive over the first few seconds, not all in the same millisecond.
        async def arrive(index: int) -> Conversation:
            await asyncio.sleep(rng.uniform(0, min(5.0, seconds / 10)))
            return await converse(session, base, index, deadline, random.Random(seed + index))

        results = await asyncio.gather(*(arrive(i) for i in range(conversations)))
        elapsed = time.monotonic() - started
        tally = Tally(conversations=conversations, seconds=round(elapsed, 1))
        latencies: List[float] = []
        for conversation in results:
            order = check_order(conversation.sent, await stored(session, base, conversation.sender))
            tally.add(conversation)
            tally.lost += max(order["lost"], conversation.unanswered)
            tally.duplicated += order["duplicated"]
            tally.reordered += order["reordered"]
            latencies.extend(conversation.latencies)
    if latencies:
        ordered = sorted(latencies)
        tally.p50_ms = round(statistics.median(ordered) * 1000, 1)
        tally.p95_ms = round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 1)
        tally.max_ms = round(ordered[-1] * 1000, 1)
    tally.messages_per_second = round(tally.answered / elapsed, 1) if elapsed else None
    return tally


def table(tally: Tally, instances: int) -> str:
    rows = [
        ("conversations at once", tally.conversations),
        ("Rasa instances", instances),
        ("duration (s)", tally.seconds),
        ("messages sent", tally.sent),
        ("answered", tally.answered),
        ("answered with the outage apology", tally.apologised),
        ("lost", tally.lost),
        ("duplicated", tally.duplicated),
        ("reordered", tally.reordered),
        ("retried after a 5xx or timeout", tally.retried),
        ("answered per second", tally.messages_per_second),
        ("reply p50 (ms)", tally.p50_ms),
        ("reply p95 (ms)", tally.p95_ms),
        ("reply max (ms)", tally.max_ms),
    ]
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--instances", type=int, default=2)
    parser.add_argument("--model", type=Path)
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "soak")
    args = parser.parse_args(argv)

    from launch.cluster.deployment import Cluster
    from launch.launcher import newest_model

    workdir = Path(tempfile.mkdtemp(prefix="gracious-soak-"))
    cluster = Cluster(args.model or newest_model(), workdir, args.instances, extra_env={"RASA_AUTH_TOKEN": TOKEN})
    print(f"Starting a cluster of {args.instances} Rasa instances...", flush=True)
    try:
        cluster.start()
        print(f"Soak: {args.conversations} conversations for {args.seconds:.0f} s through nginx...", flush=True)
        tally = asyncio.run(soak(cluster.url, args.conversations, args.seconds))
    finally:
        cluster.remove()
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "soak.json").write_text(json.dumps({"instances": args.instances, **asdict(tally)}, indent=2) + "\n")
    print(table(tally, args.instances))
    print(f"Written: {args.out / 'soak.json'}")
    if tally.lost or tally.duplicated or tally.reordered:
        raise SystemExit("The soak lost, duplicated or reordered messages.")


if __name__ == "__main__":
    main()
