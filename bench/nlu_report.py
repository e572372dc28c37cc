"""The NLU report: how well Gracious understands messages it was not trained on.

    make nlu-report                      # 3 seeds, about 7 minutes
    .venv/bin/python -m bench.nlu_report --seeds 1,2,3,4,5

Two measures, reported apart:
  1. stratified 80/20 splits of data/nlu, one per seed: accuracy and macro-F1, per
     intent precision/recall/F1 (mean over seeds), the commonest confusions;
  2. the team's own held-out file, tests/nlu/heldout.yml (written before looking at
     the model's errors, never trained on), parsed by a model trained on all of
     data/nlu; plus the parse time per message (median) and the training time.
For both, the share of messages the FallbackClassifier in config.yml would send to
the clarification question, and the accuracy of the messages it lets through.
Writes results/nlu/report.json and prints the tables.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List

from bench.nlu import (
    Parsed,
    confusions,
    fallback_thresholds,
    falls_back,
    heldout,
    measure,
    scores,
    split,
)
from gracious.settings import ROOT

OUT = ROOT / "results" / "nlu" / "report.json"


def clarification(parsed: List[Parsed], threshold: float, ambiguity: float) -> Dict[str, float]:
    asked = [p for p in parsed if falls_back(p, threshold, ambiguity)]
    passed = [p for p in parsed if not falls_back(p, threshold, ambiguity)]
    return {
        "clarified_share": len(asked) / len(parsed),
        "accepted_accuracy": sum(p.expected == p.predicted for p in passed) / len(passed) if passed else 0.0,
    }


def pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def run(seeds: List[int]) -> Dict[str, Any]:
    threshold, ambiguity = fallback_thresholds()
    splits = []
    all_parsed: List[Parsed] = []
    with tempfile.TemporaryDirectory(prefix="nlu-report-") as tmp:
        workdir = Path(tmp)
        for seed in seeds:
            train_file, pairs = split(workdir, seed)
            parsed, _ = measure(workdir, train_file, f"split-{seed}", pairs)
            all_parsed += parsed
            splits.append(
                {"seed": seed, "messages": len(parsed), **scores(parsed), **clarification(parsed, threshold, ambiguity)}
            )
            print(
                f"split seed {seed}: accuracy {pct(splits[-1]['accuracy'])}, macro-F1 {pct(splits[-1]['macro_f1'])}",
                flush=True,
            )
        started = time.monotonic()
        held = measure(workdir, ROOT / "data" / "nlu", "all", heldout())
        train_seconds = time.monotonic() - started
    parsed_held, times = held
    held_scores = scores(parsed_held)
    return {
        "thresholds": {"threshold": threshold, "ambiguity_threshold": ambiguity},
        "splits": {
            "seeds": seeds,
            "accuracy_mean": statistics.mean(s["accuracy"] for s in splits),
            "accuracy_sd": statistics.pstdev(s["accuracy"] for s in splits),
            "macro_f1_mean": statistics.mean(s["macro_f1"] for s in splits),
            "clarified_share": statistics.mean(s["clarified_share"] for s in splits),
            "accepted_accuracy": statistics.mean(s["accepted_accuracy"] for s in splits),
            "per_intent": _mean_per_intent([s["per_intent"] for s in splits]),
            "confusions": confusions(all_parsed, 15),
            "each": [{k: v for k, v in s.items() if k != "per_intent"} for s in splits],
        },
        "heldout": {
            "file": "tests/nlu/heldout.yml",
            "messages": len(parsed_held),
            "accuracy": held_scores["accuracy"],
            "macro_f1": held_scores["macro_f1"],
            **clarification(parsed_held, threshold, ambiguity),
            "per_intent": held_scores["per_intent"],
            "confusions": confusions(parsed_held, 15),
            "errors": [p.__dict__ for p in parsed_held if p.expected != p.predicted],
            "parse_ms_p50": statistics.median(times),
        },
        "nlu_training_seconds": train_seconds,
    }


def _mean_per_intent(runs: List[Dict[str, Dict[str, float]]]) -> Dict[str, Dict[str, float]]:
    intents = sorted({i for r in runs for i in r})
    return {
        i: {k: statistics.mean(r[i][k] for r in runs if i in r) for k in ("precision", "recall", "f1")} for i in intents
    }


def print_report(report: Dict[str, Any]) -> None:
    s, h = report["splits"], report["heldout"]
    print(
        f"\nsplits of data/nlu (seeds {s['seeds']}): accuracy {pct(s['accuracy_mean'])} "
        f"± {pct(s['accuracy_sd'])}, macro-F1 {pct(s['macro_f1_mean'])}, "
        f"sent to clarification {pct(s['clarified_share'])}, accuracy of the rest {pct(s['accepted_accuracy'])}"
    )
    print(
        f"held-out file ({h['messages']} messages): accuracy {pct(h['accuracy'])}, macro-F1 {pct(h['macro_f1'])}, "
        f"sent to clarification {pct(h['clarified_share'])}, accuracy of the rest {pct(h['accepted_accuracy'])}"
    )
    print(f"parse p50 {h['parse_ms_p50']:.1f} ms; NLU training on all data {report['nlu_training_seconds']:.0f} s")
    print("\nintent                  splits F1   held-out P / R / F1")
    for intent, v in s["per_intent"].items():
        hv = h["per_intent"].get(intent, {"precision": 0, "recall": 0, "f1": 0})
        print(f"{intent:24}{pct(v['f1']):>9}   {pct(hv['precision']):>6} / {pct(hv['recall']):>6} / {pct(hv['f1']):>6}")
    print("\ncommonest confusions (expected -> predicted: splits, held-out)")
    held = {(e, p): n for e, p, n in h["confusions"]}
    for e, p, n in s["confusions"]:
        print(f"  {e} -> {p}: {n}, {held.get((e, p), 0)}")


def main() -> None:
    from rasa.utils.log_utils import configure_structlog

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="1,2,3", help="comma-separated split seeds (default 1,2,3)")
    args = parser.parse_args()
    configure_structlog(logging.WARNING)
    report = run([int(s) for s in args.seeds.split(",")])
    print_report(report)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(report, indent=2, default=str) + "\n")
    print(f"\nwrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
