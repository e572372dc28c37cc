"""Time to a trained model after each kind of edit, and what Rasa trained again.

    python -m bench --only retrain

On a copy of the project in a temporary folder, with a COPY of Rasa's cache
(.rasa/cache), so the real cache and models are never touched: `make train`
(``python -m scripts.model --root <copy>``) runs once on the unchanged copy to warm
the cache, then once after each edit below, in order, each on top of the last (as a
designer's edits come). For each: the seconds from the edit to a trained model,
whether it trained at all, and which of Rasa's trainable graph components it trained
again and which it reused from the cache (rasa train's log names those it trains:
"Starting to train component 'X'").
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Dict, List, Tuple

from bench.report import write_json
from bench.servers import quiet_env
from bench.training import add_one_example, copy_project
from gracious.settings import ROOT

# What `make train` reads or keys the model on (scripts/model.py).
TRAINING_FILES = ["config.yml", "domain.yml", "data", "scripts/model.py", "server/nlu", "server/dialogue/policies.py"]
TRAINED = re.compile(r"Starting to train component '([^']+)'")
WORDING_FROM = 'utter_iamabot:\n    - text: "'
RULES = "data/rules/conversation.yml"
THANKS_RULE = "  - intent: thank\n  - action: utter_you_are_welcome\n"
ADDED_RULE = (
    '\n- rule: "Asked if it is a bot, after the last question"\n'
    "  steps:\n  - action: utter_anything_else\n  - intent: bot_challenge\n  - action: utter_iamabot\n"
)


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    if old not in text:
        raise RuntimeError(f"The benchmark's edit no longer fits {path.name}: {old!r} not found")
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _add_response(project: Path, name: str) -> None:
    _replace(
        project / "domain.yml",
        "\nresponses:\n",
        f'\nresponses:\n  {name}:\n    - text: "Thank you for waiting. I have everything I need now."\n',
    )


def edit_wording(project: Path) -> None:
    """A response's words changed (utter_iamabot's first sentence)."""
    _replace(project / "domain.yml", WORDING_FROM, WORDING_FROM + "Good question. ")


def edit_nlu_example(project: Path) -> None:
    """One example added to an existing intent."""
    add_one_example(project / "data")


def edit_rule_step(project: Path) -> None:
    """A step added to a rule, with an action other rules already use."""
    _replace(project / RULES, THANKS_RULE, THANKS_RULE + "  - action: utter_anything_else\n")


def edit_rule_added(project: Path) -> None:
    """A new rule, of intents and actions other rules already use."""
    with open(project / RULES, "a", encoding="utf-8") as rules:
        rules.write(ADDED_RULE)


def edit_response_added(project: Path) -> None:
    """A new response in domain.yml, not used by any rule yet."""
    _add_response(project, "utter_bench_added")


def edit_response_used(project: Path) -> None:
    """A new response, and the rule added above ending with it: a new action in the rules."""
    _add_response(project, "utter_bench_used")
    _replace(project / RULES, ADDED_RULE, ADDED_RULE + "  - action: utter_bench_used\n")


EDITS: List[Tuple[str, str, Callable[[Path], None]]] = [
    ("wording", "a response's wording", edit_wording),
    ("nlu_example", "an NLU example added to an existing intent", edit_nlu_example),
    ("rule_step", "a rule's step added", edit_rule_step),
    ("rule_added", "a rule added", edit_rule_added),
    ("response_added", "a response added (not used yet)", edit_response_added),
    ("response_used", "a response added and used in a rule", edit_response_used),
]


def trainable_components(config: Path) -> List[str]:
    """The components `rasa train` trains for ``config`` (the train graph's targets), by class name."""
    import rasa.shared.utils.io
    from rasa.engine.recipes.recipe import Recipe
    from rasa.shared.data import TrainingType

    loaded = rasa.shared.utils.io.read_model_configuration(config)
    recipe = Recipe.recipe_for_name(loaded.get("recipe"))
    schema = recipe.graph_config_for_recipe(loaded, {}, training_type=TrainingType.BOTH).train_schema
    return [node.uses.__name__ for node in schema.nodes.values() if node.is_target and not node.is_input]


def train(project: Path, log: Path) -> Dict[str, Any]:
    """`make train` on the copy: seconds, whether a model was trained, the components trained."""
    models = project / "models"
    before = set(models.glob("*.tar.gz")) if models.exists() else set()
    # The copy's own domain, also where a setting names the domain file (GRACIOUS_DOMAIN).
    env = quiet_env(checkout=True, GRACIOUS_DOMAIN=str(project / "domain.yml"))
    start = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "scripts.model", "--root", str(project)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    seconds = round(time.monotonic() - start, 1)
    log.write_text(result.stdout, encoding="utf-8")
    if result.returncode != 0:
        raise RuntimeError(f"`make train` on the copy failed; see {log}")
    after = set(models.glob("*.tar.gz"))
    return {"seconds": seconds, "trained": bool(after - before), "components": TRAINED.findall(result.stdout)}


def retrain(work: Path, logs: Path, say: Callable[[str], None]) -> Dict[str, Any]:
    """The warm-up and each edit in turn on a copy of the project under ``work``."""
    project = copy_project(work / "project")
    cache = ROOT / ".rasa" / "cache"
    if cache.is_dir():
        shutil.copytree(cache, project / ".rasa" / "cache")
    everything = Counter(trainable_components(project / "config.yml"))
    say("Retraining: the unchanged copy first, to warm its copy of the cache...")
    warm = train(project, logs / "retrain-0-warm-up.log")
    kinds: List[Dict[str, Any]] = []
    for number, (key, what, edit) in enumerate(EDITS, start=1):
        edit(project)
        say(f"Retraining after {what}...")
        run = train(project, logs / f"retrain-{number}-{key}.log")
        trained = Counter(run.pop("components"))
        kinds.append(
            {
                "edit": key,
                "what": what,
                **run,
                "retrained": sorted(trained.elements()),
                "reused": sorted((everything - trained).elements()),
            }
        )
    return {
        "commit": _commit(),
        "cache_copied": cache.is_dir(),
        "trainable_components": sorted(everything.elements()),
        "warm_up": {"seconds": warm["seconds"], "trained": warm["trained"], "retrained": warm["components"]},
        "edits": kinds,
    }


def table(results: Dict[str, Any]) -> str:
    """The figures as a Markdown table, for docs/speed.md."""
    lines = [
        "| edit | seconds to a trained model | trained? | retrained | reused from the cache |",
        "|---|---|---|---|---|",
    ]
    for kind in results["edits"]:
        retrained = ", ".join(kind["retrained"]) or "nothing"
        reused = "everything" if not kind["retrained"] else ", ".join(kind["reused"]) or "nothing"
        trained = "yes" if kind["trained"] else "no (the model is reused)"
        lines.append(f"| {kind['what']} | {kind['seconds']} | {trained} | {retrained} | {reused} |")
    return "\n".join(lines)


def only(work: Path, out: Path, say: Callable[[str], None], machine: Dict[str, Any]) -> None:
    """`make bench ARGS="--only retrain"`: this part alone, to results/bench/retrain.json."""
    (work / "logs").mkdir(parents=True)
    results = {"machine": machine, **retrain(work / "retrain", work / "logs", say)}
    results["finished"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    write_json(results, out / "retrain.json")
    shutil.copytree(work / "logs", out / "logs", dirs_exist_ok=True)
    print("\n" + table(results) + f"\n\nWritten: {out / 'retrain.json'}")
    shutil.rmtree(work, ignore_errors=True)


def _commit() -> str:
    """The commit measured, with the files that shape training and differ from it, if any."""
    found = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    changed = subprocess.run(
        ["git", "status", "--porcelain", "--", *TRAINING_FILES],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.split("\n")
    edited = sorted(line[3:] for line in changed if line.strip())
    return found.stdout.strip() + (f" with uncommitted edits to {', '.join(edited)}" if edited else "")
