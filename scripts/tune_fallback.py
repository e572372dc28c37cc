"""Choose the FallbackClassifier threshold and ambiguity_threshold on a held-out split.

    .venv/bin/python -m scripts.tune_fallback      # from the repo root, ~3-5 min

What it does, all in a temporary directory (bench/nlu.py, shared with the NLU report):
  1. splits data/nlu 80/20 per intent (seed 42),
  2. trains an NLU-only model on the 80% without the FallbackClassifier,
  3. parses every held-out example once and keeps the top intent, its
     confidence and the runner-up confidence,
  4. for each threshold 0.20..0.90 (step 0.05) and ambiguity 0.0 to 0.2 counts
     correct-and-accepted, wrong-but-accepted (the bot acts on a wrong intent)
     and sent to fallback (confidence < threshold or top - second < ambiguity,
     exactly as the FallbackClassifier decides).

Choice rule: only candidates that send at most 5% of the held-out messages to
fallback are eligible (at most about 1 message in 20 gets "which of these do you
mean?"); among them the one with the fewest wrong-accepted wins, ties go to more
correct-accepted, then to the lower threshold and ambiguity.
Why: acting on a wrong intent (empathising about the wrong thing, opening the
wrong case) is worse than asking, so we minimise wrong actions; but an assistant
that keeps asking "which do you mean?" about plain messages reads as not
listening, so the question is kept for the close calls: the rate is capped rather
than traded off against correctness with a weight. If no candidate is
under the cap, the one with the fewest fallbacks is taken (and the cap is missed:
improve the data rather than raise the cap).
Prints the table and writes results/fallback_tuning.json.
"""

from __future__ import annotations

import json
import logging
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import List

from bench.nlu import TRAIN_FRACTION, Parsed, falls_back, measure, split
from gracious.settings import ROOT

OUT = ROOT / "results" / "fallback_tuning.json"
SEED = 42
THRESHOLDS = [round(0.20 + 0.05 * i, 2) for i in range(15)]  # 0.20 .. 0.90
AMBIGUITIES = [0.0, 0.05, 0.1, 0.15, 0.2]
MAX_FALLBACK_RATE = 0.05  # at most ~1 in 20 held-out messages asked which they mean


@dataclass
class Candidate:
    threshold: float
    ambiguity: float
    correct_accepted: int
    wrong_accepted: int
    fallback: int


def evaluate(parsed: List[Parsed]) -> List[Candidate]:
    candidates = []
    for threshold in THRESHOLDS:
        for ambiguity in AMBIGUITIES:
            correct = wrong = fallback = 0
            for p in parsed:
                if falls_back(p, threshold, ambiguity):
                    fallback += 1
                elif p.predicted == p.expected:
                    correct += 1
                else:
                    wrong += 1
            candidates.append(Candidate(threshold, ambiguity, correct, wrong, fallback))
    return candidates


def choose(candidates: List[Candidate], n: int) -> Candidate:
    """Fewest wrong-accepted among those with fallback <= MAX_FALLBACK_RATE of n;
    ties: more correct-accepted, then lower threshold, then lower ambiguity."""
    eligible = [c for c in candidates if c.fallback <= MAX_FALLBACK_RATE * n]
    if not eligible:  # nothing under the cap: bother the customer as little as possible
        return min(candidates, key=lambda c: (c.fallback, c.wrong_accepted, c.threshold, c.ambiguity))
    return min(eligible, key=lambda c: (c.wrong_accepted, -c.correct_accepted, c.threshold, c.ambiguity))


def main() -> None:
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # no per-message parse logs on stdout
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="tune_fallback-") as tmp:
        workdir = Path(tmp)
        train_file, examples = split(workdir, SEED)
        parsed, _ = measure(workdir, train_file, "tune", examples)
    candidates = evaluate(parsed)
    n = len(parsed)
    best = choose(candidates, n)

    def pct(k: int) -> str:
        return f"{100 * k / n:5.1f}%"

    print(f"\nheld-out examples: {n} ({1 - TRAIN_FRACTION:.0%} of data/nlu, seed {SEED})")
    accuracy = sum(p.predicted == p.expected for p in parsed)
    print(f"intent accuracy without fallback: {accuracy}/{n} ({pct(accuracy).strip()})")
    print(f"eligible: fallback <= {MAX_FALLBACK_RATE:.0%} of held-out (* marks the others)")
    print("threshold  ambiguity  correct-accepted  wrong-accepted  fallback")
    for c in candidates:
        over = "*" if c.fallback > MAX_FALLBACK_RATE * n else " "
        mark = "  <- chosen" if c is best else ""
        print(
            f"{c.threshold:9.2f}  {c.ambiguity:9.2f}  {pct(c.correct_accepted):>16}  "
            f"{pct(c.wrong_accepted):>14}  {pct(c.fallback):>8}{over}{mark}"
        )
    summary = (
        f"held-out {1 - TRAIN_FRACTION:.0%}: {pct(best.correct_accepted).strip()} accepted "
        f"correctly, {pct(best.wrong_accepted).strip()} accepted wrongly, "
        f"{pct(best.fallback).strip()} to fallback"
    )
    print(f"\nchosen: threshold={best.threshold} ambiguity_threshold={best.ambiguity}")
    print(summary)
    elapsed = time.monotonic() - started
    print(f"wall time: {elapsed:.0f}s")

    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        json.dumps(
            {
                "train_fraction": TRAIN_FRACTION,
                "random_seed": SEED,
                "max_fallback_rate": MAX_FALLBACK_RATE,
                "held_out": n,
                "accuracy": round(accuracy / n, 4),
                "chosen": asdict(best),
                "summary": summary,
                "wall_time_s": round(elapsed, 1),
                "candidates": [asdict(c) for c in candidates],
                "misclassified": [asdict(p) for p in parsed if p.predicted != p.expected],
            },
            indent=2,
        )
        + "\n"
    )
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
