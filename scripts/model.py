"""Train only when the training data changed: the model is keyed on its inputs.

    python -m scripts.model [--root DIR]   # print the model path, training first if needed

The key is a hash of config.yml, domain.yml, every file under data/ and the code of
our own pipeline components (server/nlu/, gracious/references.py). A model
named models/gracious-<key>.tar.gz is reused as is; otherwise `rasa train` runs
(with Rasa's own cache in .rasa/, so a small edit retrains only what it touches).

The model chosen is always the newest file in models/ afterwards (a reused one is
touched), because that is the one a running `make run` loads (launch/model_server.py).
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import List, Optional, Sequence

from gracious.settings import ROOT, environment

KEEP = 3


def training_inputs(root: Path = ROOT) -> List[Path]:
    files = [root / "config.yml", root / "domain.yml"]
    files += sorted(p for p in (root / "data").rglob("*") if p.is_file())
    # Our pipeline components and policy (config.yml) shape the model too.
    code = sorted((root / "server" / "nlu").glob("*.py")) + [
        root / "server" / "dialogue" / "policies.py",
        root / "gracious" / "references.py",
    ]
    files += [p for p in code if p.exists()]
    return files


def training_key(root: Path = ROOT) -> str:
    digest = hashlib.sha256()
    for path in training_inputs(root):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def ensure_model(root: Path = ROOT) -> Path:
    models = root / "models"
    name = f"gracious-{training_key(root)}"
    model = models / f"{name}.tar.gz"
    if model.exists():
        os.utime(model)
        return model
    models.mkdir(parents=True, exist_ok=True)
    # Two callers at once (two test runs, a test run and `make run`) train once: the second
    # waits for the first's lock and then finds the model.
    with open(models / f".{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if model.exists():
            os.utime(model)
            return model
        return _train(root, models, name, model)


def _train(root: Path, models: Path, name: str, model: Path) -> Path:
    print(f"Training data changed: training {model.relative_to(root)} ...", file=sys.stderr)
    rasa = Path(sys.executable).parent / "rasa"
    # The policy in config.yml is ours (server/dialogue/policies.py): Rasa imports it from
    # this checkout even when training a copy of the project elsewhere.
    env = environment(RASA_TELEMETRY_ENABLED="false")
    # Rasa writes the archive in place; a running server must never read half of one.
    staging = models / f".training-{name}"
    shutil.rmtree(staging, ignore_errors=True)
    subprocess.run(
        [str(rasa), "train", "--fixed-model-name", name, "--out", str(staging)],
        cwd=root,
        env=env,
        check=True,
        stdout=sys.stderr,
    )
    os.replace(staging / model.name, model)
    shutil.rmtree(staging, ignore_errors=True)
    for old in sorted(models.glob("gracious-*.tar.gz"), key=lambda p: p.stat().st_mtime)[:-KEEP]:
        old.unlink()
        (models / f".{old.name[: -len('.tar.gz')]}.lock").unlink(missing_ok=True)
    return model


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="the project to train (default: this one)")
    root = parser.parse_args(argv).root.resolve()
    print(ensure_model(root).relative_to(root))


if __name__ == "__main__":
    main()
