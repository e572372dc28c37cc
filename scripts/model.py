"""Train only when the training data changed: the model is keyed on its inputs.

    python -m scripts.model [--root DIR]   # print the model path, training first if needed

The key is a hash of config.yml, domain.yml, every file under data/ and the code of
our own pipeline components (server/nlu/, gracious/references.py). A model
named models/gracious-<key>.tar.gz is reused as is; otherwise `rasa train` runs
(with Rasa's own cache in .rasa/, so a small edit retrains only what it touches).

domain.yml counts with each response reduced to its name (scripts/domain_key.py): the
words of a response are said live from domain.yml by the running assistant
(gracious/responses.py), so a wording edit trains nothing, while adding, renaming or
removing a response (which rules and stories name) does. Only while nothing in
config.yml reads response texts (every policy a RulePolicy, no ResponseSelector):
otherwise domain.yml counts as it is. What each model was trained from is noted beside it
(models/.gracious-<key>.json), so `make train` says which of the two happened.

`make train` fails, listing each problem as ``domain.yml:412: problem — fix``, when the
running assistant's own check (gracious/response_checks.py) would refuse domain.yml's
responses: it never says a wording goes live that would not.

The model chosen is always the newest file in models/ afterwards (a reused one is
touched), because that is the one a running `make run` loads (launch/model_server.py).
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import yaml

from gracious.response_checks import read_responses
from gracious.settings import ROOT, environment
from gracious.whole_values import SampleValues
from scripts.domain_key import domain_for_training, split_domain, wording_free

KEEP = 3


def training_inputs(root: Path = ROOT) -> List[Path]:
    files = [root / "config.yml", root / "domain.yml"]
    files += sorted(p for p in (root / "data").rglob("*") if p.is_file())
    # Our pipeline components and policy (config.yml) shape the model too.
    code = sorted((root / "server" / "nlu").glob("*.py")) + [
        root / "server" / "dialogue" / "policies.py",
        root / "gracious" / "references.py",
        root / "overrides" / "training.py",  # what goes into the NLU data (launch/train.py)
    ]
    files += [p for p in code if p.exists()]
    return files


def _load_domain(path: Path) -> Optional[Dict[str, Any]]:
    """domain.yml's data, or None when it is not YAML with a responses: mapping."""
    try:
        data = yaml.load(path.read_bytes(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 (safe)
    except yaml.YAMLError:
        return None
    return data if isinstance(data, dict) and isinstance(data.get("responses"), dict) else None


def _hash(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _digest(root: Path, files: List[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(root)).encode())
        digest.update(b"\0")
        is_domain = path == root / "domain.yml"
        digest.update(domain_for_training(path, wording_free(root)) if is_domain else path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def training_key(root: Path = ROOT) -> str:
    return _digest(root, training_inputs(root))


def inputs_note(root: Path) -> Dict[str, Any]:
    """What a model is trained from, to tell the next `make train` what changed since."""
    others = [p for p in training_inputs(root) if p != root / "domain.yml"]
    data = _load_domain(root / "domain.yml") or {"responses": {}}
    split = split_domain((root / "domain.yml").read_text(encoding="utf-8", errors="replace"))
    return {
        "others": _digest(root, others),
        "domain_without_responses": _hash(split[0] if split else {**data, "responses": None}),
        "responses": sorted(str(name) for name in data["responses"]),
        "wording": _hash(data["responses"]),
    }


def _note_path(models: Path, name: str) -> Path:
    return models / f".{name}.json"


def _read_note(path: Path) -> Optional[Dict[str, Any]]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _reuse(root: Path, models: Path, name: str, model: Path) -> Path:
    """The model as it is; newest in models/ (so a running `make run` loads it), touched only if need be."""
    newest = max(models.glob("gracious-*.tar.gz"), key=lambda p: p.stat().st_mtime_ns, default=None)
    if newest != model:
        os.utime(model)
    note = _read_note(_note_path(models, name))
    if note is not None and note.get("wording") != inputs_note(root)["wording"] and not _told_problems(root):
        print(
            "Only response wording changed: no training needed; the running assistant uses the new words "
            "within a second.",
            file=sys.stderr,
        )
    return model


def response_problems(root: Path) -> List[str]:
    """What keeps domain.yml's responses from going live, as ``domain.yml:412: problem — fix``; [] when none.

    The same check as the running assistant's (gracious/response_checks.py): what it would refuse.
    """
    path = root / "domain.yml"
    try:
        reading = read_responses(path.read_text(encoding="utf-8"), SampleValues.load(root))
    except (OSError, UnicodeDecodeError) as error:
        return [f"domain.yml:1: the file cannot be read ({error}) — save it again as UTF-8 text"]
    return [f"domain.yml:{p.line}: {p.problem}" for p in reading.problems]


def _told_problems(root: Path) -> bool:
    """Print what the live check refuses in domain.yml, if anything; whether there was something."""
    problems = response_problems(root)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        print(
            "domain.yml's wording can't go live as it is: the running assistant keeps the last good words "
            "until the lines above are fixed.",
            file=sys.stderr,
        )
    return bool(problems)


def _why(root: Path, models: Path) -> str:
    """What changed since the newest model: only responses' names, or the training data."""
    newest = max(models.glob("gracious-*.tar.gz"), key=lambda p: p.stat().st_mtime_ns, default=None)
    note = _read_note(_note_path(models, newest.name[: -len(".tar.gz")])) if newest else None
    now = inputs_note(root)
    same_rest = all(note.get(k) == now[k] for k in ("others", "domain_without_responses")) if note else False
    if note is not None and same_rest and note.get("responses") != now["responses"]:
        return "Responses added, renamed or removed"
    return "Training data changed"


def ensure_model(root: Path = ROOT) -> Path:
    models = root / "models"
    name = f"gracious-{training_key(root)}"
    model = models / f"{name}.tar.gz"
    if model.exists():
        return _reuse(root, models, name, model)
    models.mkdir(parents=True, exist_ok=True)
    # Two callers at once (two test runs, a test run and `make run`) train once: the second
    # waits for the first's lock and then finds the model.
    with open(models / f".{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if model.exists():
            return _reuse(root, models, name, model)
        return _train(root, models, name, model)


def _train(root: Path, models: Path, name: str, model: Path) -> Path:
    print(f"{_why(root, models)}: training {model.relative_to(root)} ...", file=sys.stderr)
    note = inputs_note(root)
    # The policy in config.yml is ours (server/dialogue/policies.py): Rasa imports it from
    # this checkout even when training a copy of the project elsewhere.
    env = environment(RASA_TELEMETRY_ENABLED="false")
    # Rasa writes the archive in place; a running server must never read half of one.
    staging = models / f".training-{name}"
    shutil.rmtree(staging, ignore_errors=True)
    subprocess.run(
        # `rasa train` with overrides/training.py: a new action in a rule retrains the policy only.
        [sys.executable, "-m", "launch.train", "--fixed-model-name", name, "--out", str(staging)],
        cwd=root,
        env=env,
        check=True,
        stdout=sys.stderr,
    )
    os.replace(staging / model.name, model)
    shutil.rmtree(staging, ignore_errors=True)
    _note_path(models, name).write_text(json.dumps(note) + "\n", encoding="utf-8")
    for old in sorted(models.glob("gracious-*.tar.gz"), key=lambda p: p.stat().st_mtime)[:-KEEP]:
        old.unlink()
        (models / f".{old.name[: -len('.tar.gz')]}.lock").unlink(missing_ok=True)
        _note_path(models, old.name[: -len(".tar.gz")]).unlink(missing_ok=True)
    return model


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="the project to train (default: this one)")
    root = parser.parse_args(argv).root.resolve()
    if _told_problems(root):
        sys.exit(1)  # like `make check`: the list above, nothing trained or reused
    print(ensure_model(root).relative_to(root))


if __name__ == "__main__":
    main()
