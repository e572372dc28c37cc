"""Turn raw rounds into the summary, the table on stdout, results/bench/bench.json and bench.png."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence

from bench.stats import median_of, percentile, ratio, window

BOTS = ("reference", "gracious")
FIGURES = ("throughput", "p50_ms", "p95_ms", "p99_ms")


def summarize_rounds(rounds: Sequence[Dict[str, Any]], bots: Sequence[str] = BOTS) -> Dict[str, Any]:
    """Per concurrency: each bot's medians over rounds, and Gracious/reference per round and median.

    Args:
        rounds: one record per (round, concurrency, bot) with the figures of ``summarize``.
        bots: the bots to summarize; ratios need both "reference" and "gracious".
    """
    summary: Dict[str, Any] = {}
    for concurrency in sorted({r["concurrency"] for r in rounds}):
        at = [r for r in rounds if r["concurrency"] == concurrency]
        entry: Dict[str, Any] = {}
        for bot in bots:
            mine = [r for r in at if r["bot"] == bot]
            if mine:
                entry[bot] = {f: median_of(r[f] for r in mine) for f in FIGURES}
                entry[bot]["errors"] = sum(r["errors"] for r in mine)
                problems: Dict[str, int] = {}
                for r in mine:
                    for why, count in r.get("problems", {}).items():
                        problems[why] = problems.get(why, 0) + count
                entry[bot]["problems"] = problems
                entry[bot]["rounds"] = len(mine)
        if "reference" in entry and "gracious" in entry:
            by_round = {}
            for r in at:
                by_round.setdefault(r["round"], {})[r["bot"]] = r
            for figure in ("throughput", "p50_ms", "p95_ms"):
                per_round = [
                    ratio(pair["gracious"][figure], pair["reference"][figure])
                    for _, pair in sorted(by_round.items())
                    if len(pair) == 2
                ]
                entry[f"ratio_{figure}_per_round"] = per_round
                entry[f"ratio_{figure}_median"] = median_of(per_round)
        summary[str(concurrency)] = entry
    return summary


def long_summary(latencies_s: Sequence[Optional[float]], span: int = 10) -> Dict[str, Any]:
    """p50 of the first ``span`` turns and of the last ``span``, and their ratio (late/early)."""
    turns = len(latencies_s)
    early = [v for v in window(latencies_s, 1, min(span, turns)) if v is not None]
    late = [v for v in window(latencies_s, max(turns - span + 1, 1), turns) if v is not None]
    early_p50, late_p50 = percentile(early, 50), percentile(late, 50)
    return {
        "turns": turns,
        "unanswered": sum(1 for v in latencies_s if v is None),
        "early_window": [1, min(span, turns)],
        "late_window": [max(turns - span + 1, 1), turns],
        "early_p50_ms": None if early_p50 is None else round(early_p50 * 1000, 1),
        "late_p50_ms": None if late_p50 is None else round(late_p50 * 1000, 1),
        "late_over_early": ratio(late_p50, early_p50),
        "latencies_ms": [None if v is None else round(v * 1000, 1) for v in latencies_s],
    }


def p50_ms(values: Sequence[float]) -> Optional[float]:
    value = percentile(values, 50)
    return None if value is None else round(value * 1000, 1)


def write_json(results: Dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, sort_keys=False), encoding="utf-8")


def _fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _channel(results: Dict[str, Any], channel: str) -> List[str]:
    summary = results.get(channel, {}).get("summary", {})
    if not summary:
        return []
    lines = [
        f"{channel.upper()}: medians over rounds (closed loop, {results['options']['turns']} turns each)",
        f"{'conc':>5} {'bot':<10} {'msg/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>6}",
    ]
    for concurrency, entry in summary.items():
        for bot in (b for b in BOTS if b in entry):
            e = entry[bot]
            problems = ", ".join(f"{k}: {v}" for k, v in e["problems"].items())
            lines.append(
                f"{concurrency:>5} {bot:<10} {_fmt(e['throughput']):>7} {_fmt(e['p50_ms']):>8} "
                f"{_fmt(e['p95_ms']):>8} {_fmt(e['p99_ms']):>8} {e['errors']:>6}"
                + (f"  ({problems})" if problems else "")
            )
        if "ratio_throughput_median" in entry:
            per_round = ", ".join(_fmt(v, 2) for v in entry["ratio_throughput_per_round"])
            lines.append(
                f"{'':>5} gracious/reference: throughput x{_fmt(entry['ratio_throughput_median'], 2)} "
                f"(rounds: {per_round}), p95 x{_fmt(entry['ratio_p95_ms_median'], 2)}"
            )
    return lines


def _per_bot(results: Dict[str, Any], key: str, title: str, line: Callable[[str, Any], str]) -> List[str]:
    """A titled section with one line (or more) per bot, from ``results[key]``; none without it."""
    entries = results.get(key, {})
    return [title] + [line(bot, entry) for bot, entry in entries.items()] if entries else []


def _long(bot: str, entry: Dict[str, Any]) -> str:
    return (
        f"  {bot:<10} turns {entry['early_window'][0]}-{entry['early_window'][1]}: "
        f"{_fmt(entry['early_p50_ms'])} ms, turns {entry['late_window'][0]}-{entry['late_window'][1]}: "
        f"{_fmt(entry['late_p50_ms'])} ms, x{_fmt(entry['late_over_early'], 2)}"
        f"{'' if not entry['unanswered'] else ', unanswered: ' + str(entry['unanswered'])}"
    )


def _memory(bot: str, processes: Dict[str, Any]) -> str:
    parts = ", ".join(f"{name} {p['total_mb']} MB" for name, p in processes.items())
    total = sum(p["total_mb"] for p in processes.values())
    return f"  {bot:<10} {parts}; together {total:.0f} MB"


def _where(bot: str, entry: Dict[str, Any]) -> str:
    line = (
        "  "
        + bot
        + ": "
        + ", ".join(f"{k.replace('_p50_ms', '')} {_fmt(v)}" for k, v in entry.items() if k.endswith("_ms"))
    )
    steps = entry.get("turn_p50_ms_by_actions_run")
    if steps:
        line += "\n    by actions run in the turn: " + ", ".join(f"{k}: {_fmt(v)}" for k, v in steps.items())
    return line


def _start_and_training(results: Dict[str, Any]) -> List[str]:
    training = results.get("training", {})
    return [
        "Start to answering: " + "; ".join(f"{bot} {_starts(v)}" for bot, v in results.get("startup", {}).items()),
        "Training: "
        + ", ".join(f"{k} {_fmt(v)} s" for k, v in training.items() if v is not None)
        + (
            "" if training.get("gracious_scratch_s") is not None else " (Gracious: add --train-gracious / --train-edit)"
        ),
    ]


def table(results: Dict[str, Any]) -> str:
    """The figures a person reads first, as plain text."""
    machine = results["machine"]
    sections = [
        [
            f"Machine: {machine['cores']} cores, load average before start {machine['load_before']}, "
            f"{machine['mem_total_gb']} GB"
        ],
        _channel(results, "rest"),
        _channel(results, "socketio"),
        _per_bot(results, "long_conversation", "One long conversation: p50 early vs late", _long),
        _per_bot(results, "memory", "Peak memory (VmHWM, process and children)", _memory),
        _start_and_training(results),
        _per_bot(results, "where_time_goes", "Where the time goes, one conversation at a time (p50 ms)", _where),
    ]
    return "\n\n".join("\n".join(lines) for lines in sections if lines)


def _starts(value: Dict[str, Any]) -> str:
    where = f" (actions {value['actions']})" if "actions" in value else ""
    return ", ".join(f"{k.removesuffix('_s')} {v} s" for k, v in value.items() if k.endswith("_s")) + where


def chart(results: Dict[str, Any], path: Path) -> None:
    """Throughput and latency per concurrency, and the long conversation, in one PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(16, 4.8))
    colours = {"reference": "tab:grey", "gracious": "tab:purple", "gracious socket.io": "tab:orange"}
    series = [("rest", bot, bot) for bot in BOTS] + [("socketio", "gracious", "gracious socket.io")]
    for channel, bot, label in series:
        summary = results.get(channel, {}).get("summary", {})
        points = [(int(c), e[bot]) for c, e in summary.items() if bot in e]
        if not points:
            continue
        xs = [c for c, _ in points]
        axes[0].plot(xs, [e["throughput"] for _, e in points], "o-", color=colours[label], label=label)
        for figure, style in (("p50_ms", "o-"), ("p95_ms", "s--"), ("p99_ms", "^:")):
            axes[1].plot(xs, [e[figure] for _, e in points], style, color=colours[label], label=f"{label} {figure[:3]}")
    axes[0].set(title="Throughput (median over rounds)", xlabel="concurrent conversations", ylabel="messages/s")
    axes[0].set_ylim(bottom=0)  # a zoomed axis makes a 3% difference look like a cliff
    axes[1].set(title="Latency percentiles", xlabel="concurrent conversations", ylabel="ms")
    axes[1].set_yscale("log")
    for bot, entry in results.get("long_conversation", {}).items():
        ys = entry["latencies_ms"]
        axes[2].plot(range(1, len(ys) + 1), ys, ".", markersize=3, color=colours[bot], label=bot)
        for key, span in (("early_p50_ms", entry["early_window"]), ("late_p50_ms", entry["late_window"])):
            if entry[key] is not None:
                axes[2].hlines(entry[key], span[0], span[1], colors=colours[bot], linewidth=3)
    axes[2].set(title="One long conversation (bars: p50 of early/late windows)", xlabel="turn", ylabel="ms")
    for axis in axes:
        axis.grid(alpha=0.3)
        axis.legend(fontsize=7)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
