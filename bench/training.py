"""Gracious's training time: from scratch, and after a one-example edit (on request: minutes)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Dict, Optional

from bench.servers import RASA, quiet_env, timed_run
from gracious.settings import ROOT


def copy_project(target: Path) -> Path:
    """What `rasa train` reads (config, domain, data) in a folder of its own."""
    target.mkdir(parents=True, exist_ok=True)
    for name in ("config.yml", "domain.yml"):
        shutil.copy2(ROOT / name, target / name)
    shutil.copytree(ROOT / "data", target / "data")
    return target


def add_one_example(data: Path) -> Path:
    """Add one training example to the first intent of the first NLU file; the file changed.

    The new example is the intent's first one with " please" added, so it stays on topic.
    """
    for path in sorted((data / "nlu").rglob("*.yml")):
        text = path.read_text(encoding="utf-8")
        # The first example line after an `examples: |` block opener, to copy its indentation.
        match = re.search(r"examples: \|\n(\s+)- (.*)\n", text)
        if match:
            indent, first = match.group(1), match.group(2)
            at = match.end(0)
            path.write_text(text[:at] + f"{indent}- {first} please\n" + text[at:], encoding="utf-8")
            return path
    raise RuntimeError(f"No NLU examples found under {data}")


def train_gracious(folder: Path, log: Path, edit: bool) -> Dict[str, Optional[float]]:
    """Seconds to train a copy of Gracious with a fresh cache, and again after one new example."""
    project = copy_project(folder / "project")
    # config.yml names our policy (server/dialogue/policies.py): the copy imports it from this checkout.
    env = quiet_env(checkout=True, RASA_CACHE_DIRECTORY=str(folder / "cache"))
    command = [RASA, "train", "--out", str(folder / "models")]
    times: Dict[str, Optional[float]] = {
        "scratch_s": round(timed_run(command, project, env, log), 1),
        "one_example_edit_s": None,
    }
    if edit:
        add_one_example(project / "data")
        times["one_example_edit_s"] = round(timed_run(command, project, env, log), 1)
    return times
