"""Benchmark Gracious against Rasa's starter bot in one run on one machine.

    python -m bench [--quick] [--rounds 3] [--concurrency 1,20,50] [--train-gracious] [--train-edit]
    python -m bench --only retrain    # only the time to a trained model after each kind of edit

In order: the starter bot is made with `rasa init --no-prompt` in a temporary folder
and trained there (timed); both bots start (timed to answering); each script runs
once on each (warm-up, and the replies socket.io must wait for); /model/parse alone
is timed; then alternating A/B rounds of closed-loop REST load at each concurrency,
socket.io rounds on Gracious, one long conversation on each, and peak memory.
Then (not with --quick) the time to a trained model after each kind of edit, on a copy
of the project (bench/retrain.py). Writes results/bench/bench.json, bench.png and
retrain.json and prints the tables.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Sequence

import yaml

from bench import load, report, retrain
from bench.conversations import SCRIPTS, Script, long_script, trimmed
from bench.servers import TOKEN, GraciousServers, ReferenceServer, init_reference, peak_rss_mb
from bench.stats import round_order, summarize
from bench.training import train_gracious
from gracious.settings import ROOT


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    ints = lambda text: [int(x) for x in text.split(",") if x]  # noqa: E731
    parser.add_argument("--rounds", type=int, default=3, help="A/B rounds per concurrency (default 3)")
    parser.add_argument("--concurrency", type=ints, default=[1, 20, 50], help="REST concurrencies")
    parser.add_argument("--socket-concurrency", type=ints, default=[1, 20], help="socket.io concurrencies")
    parser.add_argument("--turns", type=int, default=10, help="turns per conversation (at most 10)")
    parser.add_argument(
        "--min-conversations",
        type=int,
        default=5,
        help="conversations per round at least (1 concurrent customer does them in turn)",
    )
    parser.add_argument("--long-turns", type=int, default=200, help="turns of the long conversation")
    parser.add_argument("--train-gracious", action="store_true", help="also time Gracious's training from scratch")
    parser.add_argument(
        "--train-edit",
        action="store_true",
        help="also time Gracious's retraining after a one-example edit (implies --train-gracious)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a cheap run: 1 round, concurrency 1 and 5, socket.io 1 and 3, a 30-turn long conversation",
    )
    parser.add_argument("--only", choices=["retrain"], help="run only this part")
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "bench")
    parser.add_argument("--model", type=Path, help="Gracious's model (default: scripts.model's)")
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds, args.concurrency, args.socket_concurrency, args.long_turns = 1, [1, 5], [1, 3], 30
    args.turns = max(1, min(args.turns, 10))
    return args


def machine_facts() -> Dict[str, Any]:
    mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    return {
        "cores": os.cpu_count(),
        "load_before": [round(x, 2) for x in os.getloadavg()],
        "mem_total_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def say(text: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {text}", flush=True)


SHORTER = "answered, shorter than in the warm-up"


def custom_actions() -> List[str]:
    """Names that run on the action server: the domain's actions, and forms (their validation)."""
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    return list(domain.get("actions", [])) + list((domain.get("forms") or {}).keys())


async def where_time_goes(
    base: str,
    scripts: List[Script],
    rounds: List[Dict[str, Any]],
    tags: List[List[bool]] | None,
    steps: List[List[int]],
) -> Dict[str, Any]:
    """Single-conversation latency split by kind of turn, beside HTTP alone and NLU alone.

    ``tags[s][t]``: whether turn t of script s ran a custom action; ``steps[s][t]``: how
    many actions it ran (from the warm-up conversations' trackers).
    """
    texts = sorted({m for s in scripts for m in s if not m.startswith("/")})
    floor = await load.timed_requests(base, "GET", "/webhooks/rest/", [None] * 30)
    parse = await load.timed_requests(base, "POST", f"/model/parse?token={TOKEN}", [{"text": t} for t in texts * 3])
    turns = [t for r in rounds for t in r.pop("_turns")]
    entry: Dict[str, Any] = {
        "http_only_p50_ms": report.p50_ms(floor),
        "nlu_parse_only_p50_ms": report.p50_ms(parse),
        "turn_p50_ms": report.p50_ms([t.latency_s for t in turns if t.ok]),
        "typed_turn_p50_ms": report.p50_ms(
            [t.latency_s for t in turns if t.ok and not scripts[t.script][t.turn].startswith("/")]
        ),
        "button_turn_p50_ms": report.p50_ms(
            [t.latency_s for t in turns if t.ok and scripts[t.script][t.turn].startswith("/")]
        ),
    }
    by_steps: Dict[int, List[float]] = {}
    for t in turns:
        if t.ok and t.turn < len(steps[t.script]):
            by_steps.setdefault(steps[t.script][t.turn], []).append(t.latency_s)
    entry["turn_p50_ms_by_actions_run"] = {str(k): report.p50_ms(v) for k, v in sorted(by_steps.items())}
    if tags is not None:

        def tagged(flag: bool) -> List[float]:
            return [
                t.latency_s for t in turns if t.ok and t.turn < len(tags[t.script]) and tags[t.script][t.turn] == flag
            ]

        entry["turn_with_custom_action_p50_ms"] = report.p50_ms(tagged(True))
        entry["turn_without_custom_action_p50_ms"] = report.p50_ms(tagged(False))
        entry["turns_with_custom_action"] = sum(sum(t) for t in tags)
        entry["turns_without_custom_action"] = sum(len(t) - sum(t) for t in tags)
    return entry


async def benchmark(args: argparse.Namespace, work: Path) -> Dict[str, Any]:
    results: Dict[str, Any] = {
        "machine": machine_facts(),
        "options": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
    }
    logs = work / "logs"
    logs.mkdir(parents=True)
    say("Making the starter bot with `rasa init --no-prompt` and training it (a minute or two)...")
    training: Dict[str, Any] = {
        "reference_init_and_train_s": round(init_reference(work / "reference", logs / "reference-train.log"), 1)
    }
    if args.train_gracious or args.train_edit:
        say(
            "Training a copy of Gracious from scratch"
            + (", then after a one-example edit" if args.train_edit else "")
            + " (minutes)..."
        )
        times = train_gracious(work / "gracious-train", logs / "gracious-train.log", args.train_edit)
        training["gracious_scratch_s"] = times["scratch_s"]
        training["gracious_one_example_edit_s"] = times["one_example_edit_s"]
    results["training"] = training
    if not args.quick:
        results["retrain"] = retrain.retrain(work / "retrain", logs, say)

    if args.model:
        model = args.model
    else:
        from scripts.model import ensure_model

        model = ensure_model()
    reference = ReferenceServer(work / "reference", logs / "reference-server.log")
    gracious = GraciousServers(model, work / "gracious-var")
    bases = {"reference": reference.base, "gracious": gracious.base}
    scripts = {bot: trimmed(SCRIPTS[bot], args.turns) for bot in report.BOTS}
    try:
        say("Starting both bots...")
        results["startup"] = {"reference": {"server_s": round(reference.start(), 2)}, "gracious": gracious.start()}
        say("Warm-up: each script once on each bot...")
        calibration = {bot: await load.calibrate(bases[bot], scripts[bot]) for bot in report.BOTS}
        unanswered = {bot: sum(1 for s in c[1] for turn in s if not turn) for bot, c in calibration.items()}
        results["warm_up_unanswered_turns"] = unanswered
        events: Dict[str, List[List[Dict[str, Any]]]] = {}
        for bot in report.BOTS:
            events[bot] = [await load.tracker_events(bases[bot], TOKEN, s) for s in calibration[bot][0]]
        tags = [load.custom_action_turns(e, custom_actions()) for e in events["gracious"]]
        steps = {bot: [load.actions_per_turn(e) for e in events[bot]] for bot in report.BOTS}
        expected = [[load.socket_messages(turn) for turn in s] for s in calibration["gracious"][1]]

        rest_rounds: List[Dict[str, Any]] = []
        for number, order in enumerate(round_order(args.rounds)):
            for concurrency in args.concurrency:
                for position, bot in enumerate(order):
                    conversations = max(concurrency, args.min_conversations)
                    say(
                        f"REST round {number + 1}/{args.rounds}: {bot}, {concurrency} concurrent, {conversations} conversations"
                    )
                    result = await load.rest_round(bases[bot], scripts[bot], concurrency, conversations, f"r{number}")
                    record = {
                        "round": number,
                        "concurrency": concurrency,
                        "bot": bot,
                        "position": position,
                        **summarize(result.latencies, result.duration_s),
                        "errors": result.errors,
                        "problems": result.problems,
                    }
                    if concurrency == min(args.concurrency):
                        record["_turns"] = result.turns  # for the split below, not written out
                    rest_rounds.append(record)
        single = {bot: [r for r in rest_rounds if r["bot"] == bot and "_turns" in r] for bot in report.BOTS}
        say("Timing HTTP alone and /model/parse alone...")
        results["where_time_goes"] = {
            "reference": await where_time_goes(
                reference.base, scripts["reference"], single["reference"], None, steps["reference"]
            ),
            "gracious": await where_time_goes(
                gracious.base, scripts["gracious"], single["gracious"], tags, steps["gracious"]
            ),
        }
        results["where_time_goes"]["gracious"]["custom_actions_per_turn_by_script"] = tags
        results["rest"] = {"summary": report.summarize_rounds(rest_rounds), "rounds": rest_rounds}

        socket_rounds: List[Dict[str, Any]] = []
        for number in range(args.rounds):
            for concurrency in args.socket_concurrency:
                conversations = max(concurrency, args.min_conversations)
                say(f"socket.io round {number + 1}/{args.rounds}: gracious, {concurrency} concurrent")
                result = await load.socketio_round(
                    gracious.base, scripts["gracious"], expected, concurrency, conversations
                )
                socket_rounds.append(
                    {
                        "round": number,
                        "concurrency": concurrency,
                        "bot": "gracious",
                        "position": 0,
                        **summarize(result.latencies, result.duration_s),
                        "errors": result.errors,
                        # Not errors: answered, with fewer messages than in the warm-up (bench/load.py).
                        "problems": {
                            **result.problems,
                            **({SHORTER: result.short_turns} if result.short_turns else {}),
                        },
                    }
                )
        results["socketio"] = {
            "summary": report.summarize_rounds(socket_rounds, ("gracious",)),
            "rounds": socket_rounds,
            "expected_messages_per_turn": expected,
        }

        results["long_conversation"] = {}
        for bot in report.BOTS:
            say(f"One conversation of {args.long_turns} turns: {bot}...")
            latencies = await load.long_conversation(bases[bot], long_script(SCRIPTS[bot], args.long_turns))
            results["long_conversation"][bot] = report.long_summary(latencies)

        results["memory"] = {
            "reference": {name: peak_rss_mb(pid) for name, pid in reference.pids().items()},
            "gracious": {name: peak_rss_mb(pid) for name, pid in gracious.pids().items()},
        }
    finally:
        reference.stop()
        gracious.stop()
        # The servers' logs beside the figures: where an error count comes from.
        logs_out = args.out / "logs"
        logs_out.mkdir(parents=True, exist_ok=True)
        for log in [*logs.glob("*.log"), *(work / "gracious-var" / "logs").glob("*.log")]:
            shutil.copy2(log, logs_out / (log.name if log.parent == logs else f"gracious-{log.name}"))
    results["finished"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    return results


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="gracious-bench-"))
    if args.only == "retrain":
        retrain.only(work, args.out, say, machine_facts())
        return
    try:
        results = asyncio.run(benchmark(args, work))
    except BaseException:
        print(f"Logs kept in {work / 'logs'}", flush=True)
        raise
    report.write_json(results, args.out / "bench.json")
    report.chart(results, args.out / "bench.png")
    print("\n" + report.table(results))
    if "retrain" in results:
        report.write_json(results["retrain"], args.out / "retrain.json")
        print("\n" + retrain.table(results["retrain"]))
    print(f"\nWritten: {args.out / 'bench.json'}, {args.out / 'bench.png'}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
