"""Choose the FallbackClassifier threshold and ambiguity_threshold on a held-out split.

    .venv/bin/python -m scripts.tune_fallback      # from the repo root, ~3-5 min

What it does, all in a temporary directory (data/ and models/ are never touched):
  1. splits data/nlu 80/20 per intent with Rasa's own `train_test_split`
     (seed 42; regexes, lookups and synonyms stay in the training part),
  2. trains an NLU-only model on the 80% with config.yml minus the
     FallbackClassifier, so the classifier's raw confidences come out,
  3. parses every held-out example once and keeps the top intent, its
     confidence and the runner-up confidence,
  4. for each threshold 0.20..0.90 (step 0.05) and ambiguity 0.0/0.05/0.1 counts
     correct-and-accepted, wrong-but-accepted (the bot acts on a wrong intent)
     and sent to fallback (confidence < threshold or top - second < ambiguity,
     exactly as the FallbackClassifier decides).

Choice rule: only candidates that send at most 15% of the held-out messages to
fallback are eligible (at most about 1 message in 7 gets "sorry, could you
rephrase that?"); among them the one with the fewest wrong-accepted wins, ties
go to more correct-accepted, then to the lower threshold and ambiguity.
Why: acting on a wrong intent (empathising about the wrong thing, opening the
wrong case) is worse than asking to rephrase, so we minimise wrong actions; but
a bot that asks to rephrase too often is useless, so the rephrase rate is capped
rather than traded off against correctness with a weight. If no candidate is
under the cap, the one with the fewest fallbacks is taken (and the cap is missed:
improve the data rather than raise the cap).
Prints the table and writes results/fallback_tuning.json.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Dict, List

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "results" / "fallback_tuning.json"
TRAIN_FRACTION = 0.8
SEED = 42
THRESHOLDS = [round(0.20 + 0.05 * i, 2) for i in range(15)]  # 0.20 .. 0.90
AMBIGUITIES = [0.0, 0.05, 0.1]
MAX_FALLBACK_RATE = 0.15  # at most ~1 in 7 held-out messages asked to rephrase


@dataclass
class Parsed:
    text: str
    expected: str
    predicted: str
    confidence: float
    second: float


@dataclass
class Candidate:
    threshold: float
    ambiguity: float
    correct_accepted: int
    wrong_accepted: int
    fallback: int


def split(workdir: Path) -> tuple[Path, List[Any]]:
    """Rasa's stratified split (as `rasa data split nlu`); returns train file, test messages."""
    from rasa.shared.nlu.training_data.loading import load_data

    train, test = load_data(str(ROOT / "data" / "nlu")).train_test_split(TRAIN_FRACTION, SEED)
    train.persist(str(workdir), filename="train.yml")
    return workdir / "train.yml", test.intent_examples


def train(workdir: Path, train_file: Path) -> str:
    """`rasa train nlu` with config.yml minus the FallbackClassifier."""
    from rasa.model_training import train_nlu
    from rasa.shared.utils.io import read_yaml_file, write_yaml

    config: Dict[str, Any] = read_yaml_file(ROOT / "config.yml")
    config["pipeline"] = [c for c in config["pipeline"] if c["name"] != "FallbackClassifier"]
    config.pop("policies", None)
    write_yaml(config, workdir / "config.yml")
    os.environ["RASA_CACHE_DIRECTORY"] = str(workdir / "cache")  # keep .rasa/cache clean
    model = train_nlu(str(workdir / "config.yml"), str(train_file), str(workdir / "models"),
                      fixed_model_name="tune")
    if not model:
        raise SystemExit("training failed")
    return model


async def parse_all(model: str, examples: List[Any]) -> List[Parsed]:
    from rasa.core.agent import Agent

    agent = Agent.load(model)
    parsed = []
    for ex in examples:
        result = await agent.parse_message(ex.get("text"))
        ranking = result.get("intent_ranking") or [result["intent"]]
        second = ranking[1]["confidence"] if len(ranking) > 1 else 0.0
        parsed.append(Parsed(ex.get("text"), ex.get("intent"), result["intent"]["name"],
                             float(result["intent"]["confidence"]), float(second)))
    return parsed


def evaluate(parsed: List[Parsed]) -> List[Candidate]:
    candidates = []
    for threshold in THRESHOLDS:
        for ambiguity in AMBIGUITIES:
            correct = wrong = fallback = 0
            for p in parsed:
                # the same comparisons as rasa's FallbackClassifier._should_fallback
                if p.confidence < threshold or p.confidence - p.second < ambiguity:
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
        return min(candidates, key=lambda c: (c.fallback, c.wrong_accepted, c.threshold,
                                              c.ambiguity))
    return min(eligible, key=lambda c: (c.wrong_accepted, -c.correct_accepted, c.threshold,
                                        c.ambiguity))


def main() -> None:
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # no per-message parse logs on stdout
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="tune_fallback-") as tmp:
        workdir = Path(tmp)
        train_file, examples = split(workdir)
        model = train(workdir, train_file)
        parsed = asyncio.run(parse_all(model, examples))
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
        print(f"{c.threshold:9.2f}  {c.ambiguity:9.2f}  {pct(c.correct_accepted):>16}  "
              f"{pct(c.wrong_accepted):>14}  {pct(c.fallback):>8}{over}{mark}")
    summary = (f"held-out {1 - TRAIN_FRACTION:.0%}: {pct(best.correct_accepted).strip()} accepted "
               f"correctly, {pct(best.wrong_accepted).strip()} accepted wrongly, "
               f"{pct(best.fallback).strip()} to fallback")
    print(f"\nchosen: threshold={best.threshold} ambiguity_threshold={best.ambiguity}")
    print(summary)
    elapsed = time.monotonic() - started
    print(f"wall time: {elapsed:.0f}s")

    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({
        "train_fraction": TRAIN_FRACTION, "random_seed": SEED,
        "max_fallback_rate": MAX_FALLBACK_RATE, "held_out": n,
        "accuracy": round(accuracy / n, 4), "chosen": asdict(best), "summary": summary,
        "wall_time_s": round(elapsed, 1),
        "candidates": [asdict(c) for c in candidates],
        "misclassified": [asdict(p) for p in parsed if p.predicted != p.expected],
    }, indent=2) + "\n")
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
