"""Train only when the training data changed: the model is keyed on its inputs.

    python -m scripts.model          # print the model path, training first if needed

The key is a hash of config.yml, domain.yml and every file under data/. A model
named models/gracious-<key>.tar.gz is reused as is; otherwise `rasa train` runs
(with Rasa's own cache in .rasa/, so a small edit retrains only what it touches).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "models"
KEEP = 3


def training_inputs() -> list:
    files = [ROOT / "config.yml", ROOT / "domain.yml"]
    files += sorted(p for p in (ROOT / "data").rglob("*") if p.is_file())
    return files


def training_key() -> str:
    digest = hashlib.sha256()
    for path in training_inputs():
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def ensure_model() -> Path:
    name = f"gracious-{training_key()}"
    model = MODELS / f"{name}.tar.gz"
    if model.exists():
        return model
    print(f"Training data changed: training {model.relative_to(ROOT)} ...", file=sys.stderr)
    rasa = Path(sys.executable).parent / "rasa"
    env = dict(os.environ, RASA_TELEMETRY_ENABLED="false")
    subprocess.run(
        [str(rasa), "train", "--fixed-model-name", name, "--out", str(MODELS)],
        cwd=ROOT, env=env, check=True, stdout=sys.stderr,
    )
    for old in sorted(MODELS.glob("gracious-*.tar.gz"), key=lambda p: p.stat().st_mtime)[:-KEEP]:
        old.unlink()
    return model


if __name__ == "__main__":
    print(ensure_model().relative_to(ROOT))
