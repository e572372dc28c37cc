"""NLU measurement shared by the NLU report and the fallback tuner.

Everything happens in a temporary directory: data/, models/ and Rasa's cache in .rasa/
are never touched. A model is trained (`rasa train nlu`, a child process with its
cache in the directory) on part of data/nlu (Rasa's own stratified `train_test_split`,
regexes, lookups and synonyms staying in the training part) with config.yml minus
the FallbackClassifier, so the classifier's raw confidences come out, and every
test message is parsed once.
"""

from __future__ import annotations

import asyncio
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import yaml

from bench.servers import RASA, quiet_env
from gracious.settings import ROOT

HELDOUT = ROOT / "tests" / "nlu" / "heldout.yml"
TRAIN_FRACTION = 0.8


@dataclass
class Parsed:
    text: str
    expected: str
    predicted: str
    confidence: float
    second: float
    second_name: str


def split(workdir: Path, seed: int) -> Tuple[Path, List[Tuple[str, str]]]:
    """Rasa's stratified split of data/nlu: the training file and the test (text, intent) pairs."""
    from rasa.shared.nlu.training_data.loading import load_data

    train, test = load_data(str(ROOT / "data" / "nlu")).train_test_split(TRAIN_FRACTION, seed)
    train.persist(str(workdir), filename=f"train-{seed}.yml")
    return workdir / f"train-{seed}.yml", [(e.get("text"), e.get("intent")) for e in test.intent_examples]


def heldout() -> List[Tuple[str, str]]:
    """The team's own held-out messages (tests/nlu/heldout.yml), never trained on."""
    pairs = []
    for block in yaml.safe_load(HELDOUT.read_text(encoding="utf-8"))["nlu"]:
        for line in block["examples"].splitlines():
            text = re.sub(r"^\s*-\s*", "", line).strip()
            if text:
                pairs.append((text, block["intent"]))
    return pairs


def fallback_thresholds() -> Tuple[float, float]:
    """The FallbackClassifier's threshold and ambiguity_threshold in config.yml."""
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    for component in config["pipeline"]:
        if component["name"] == "FallbackClassifier":
            return float(component.get("threshold", 0.3)), float(component.get("ambiguity_threshold", 0.1))
    return 0.0, 0.0


def train(workdir: Path, train_file: Path, name: str) -> str:
    """`rasa train nlu` with config.yml minus the FallbackClassifier; returns the model path."""
    from rasa.shared.utils.io import read_yaml_file, write_yaml

    config: Dict[str, Any] = read_yaml_file(ROOT / "config.yml")
    config["pipeline"] = [c for c in config["pipeline"] if c["name"] != "FallbackClassifier"]
    config.pop("policies", None)
    write_yaml(config, workdir / "config.yml")
    models = workdir / "models"
    command = [
        RASA,
        "train",
        "nlu",
        "--quiet",
        "--config",
        str(workdir / "config.yml"),
        "--nlu",
        str(train_file),
        "--out",
        str(models),
        "--fixed-model-name",
        name,
    ]
    # Rasa's cache in the temporary directory: .rasa/cache stays as `make train` left it.
    env = quiet_env(checkout=True, RASA_CACHE_DIRECTORY=str(workdir / "cache"))
    done = subprocess.run(command, cwd=workdir, env=env, capture_output=True, text=True)
    model = models / f"{name}.tar.gz"
    if done.returncode or not model.exists():
        sys.stderr.write("\n".join((done.stdout + done.stderr).splitlines()[-40:]) + "\n")
        raise SystemExit("training failed")
    return str(model)


async def parse_all(model: str, pairs: List[Tuple[str, str]]) -> Tuple[List[Parsed], List[float]]:
    """Each message parsed once: the results and the parse times in milliseconds."""
    from rasa.core.agent import Agent

    agent = Agent.load(model)
    await agent.parse_message("warm up")
    parsed, times = [], []
    for text, expected in pairs:
        started = time.perf_counter()
        result = await agent.parse_message(text)
        times.append((time.perf_counter() - started) * 1000)
        ranking = result.get("intent_ranking") or [result["intent"]]
        second = ranking[1] if len(ranking) > 1 else {"name": "", "confidence": 0.0}
        parsed.append(
            Parsed(
                text,
                expected,
                result["intent"]["name"],
                float(result["intent"]["confidence"]),
                float(second["confidence"]),
                second["name"],
            )
        )
    return parsed, times


def measure(
    workdir: Path, train_file: Path, name: str, pairs: List[Tuple[str, str]]
) -> Tuple[List[Parsed], List[float]]:
    return asyncio.run(parse_all(train(workdir, train_file, name), pairs))


def falls_back(p: Parsed, threshold: float, ambiguity: float) -> bool:
    """The FallbackClassifier's own test (rasa's FallbackClassifier._should_fallback)."""
    return p.confidence < threshold or p.confidence - p.second < ambiguity


def scores(parsed: List[Parsed]) -> Dict[str, Any]:
    """Accuracy, macro-F1 and per-intent precision, recall and F1."""
    intents = sorted({p.expected for p in parsed} | {p.predicted for p in parsed})
    per: Dict[str, Dict[str, float]] = {}
    for intent in intents:
        tp = sum(p.expected == intent and p.predicted == intent for p in parsed)
        fp = sum(p.expected != intent and p.predicted == intent for p in parsed)
        fn = sum(p.expected == intent and p.predicted != intent for p in parsed)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per[intent] = {"precision": precision, "recall": recall, "f1": f1, "support": tp + fn}
    supported = [v for v in per.values() if v["support"]]
    return {
        "accuracy": sum(p.expected == p.predicted for p in parsed) / len(parsed),
        "macro_f1": statistics.mean(v["f1"] for v in supported),
        "per_intent": per,
    }


def confusions(parsed: List[Parsed], top: Optional[int] = 12) -> List[Tuple[str, str, int]]:
    """(expected, predicted, count) for the commonest mistakes."""
    counts: Dict[Tuple[str, str], int] = {}
    for p in parsed:
        if p.expected != p.predicted:
            counts[(p.expected, p.predicted)] = counts.get((p.expected, p.predicted), 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [(e, p, n) for (e, p), n in ranked[:top]]
