"""The soak as CI runs it: a cluster of its own, 200 conversations for five minutes through nginx.

GRACIOUS_SOAK_SECONDS shortens it for a quick local run; CI runs the full five minutes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from bench.soak import check_order, stored_order
from launch.launcher import ROOT
from tests.e2e.conftest import model_path


def test_order_check_counts_lost_duplicated_and_reordered() -> None:
    assert check_order(4, [0, 1, 2, 3]) == {"lost": 0, "duplicated": 0, "reordered": 0}
    assert check_order(4, [0, 2, 1, 1]) == {"lost": 1, "duplicated": 1, "reordered": 1}
    events = [{"event": "user", "metadata": {"soak_seq": 1}}, {"event": "bot"}, {"event": "user", "metadata": {}}]
    assert stored_order(events) == [1]


def test_soak_loses_and_reorders_nothing(tmp_path) -> None:
    seconds = os.environ.get("GRACIOUS_SOAK_SECONDS", "300")
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.soak",
            "--conversations",
            "200",
            "--seconds",
            seconds,
            "--model",
            str(model_path()),
            "--out",
            str(tmp_path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=float(seconds) + 600,
    )
    print(run.stdout[-3000:], run.stderr[-3000:])
    tally = json.loads((tmp_path / "soak.json").read_text())
    assert run.returncode == 0, tally
    assert tally["sent"] > 200 * 5 and tally["answered"] == tally["sent"], tally
    assert tally["lost"] == tally["duplicated"] == tally["reordered"] == 0, tally
    # The figures for the README, kept where `make soak` puts them.
    out = ROOT / "results" / "soak"
    out.mkdir(parents=True, exist_ok=True)
    (out / "soak-ci.json").write_text(json.dumps(tally, indent=2) + "\n")
