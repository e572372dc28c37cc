"""One call installs every override, and refuses a Rasa it was not written for."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from rasa.core.processor import MessageProcessor
from rasa.shared.core.trackers import DialogueStateTracker

import overrides
from gracious.settings import ROOT
from launch.launcher import RASA, server_commands
from overrides.dialogue import run_action_answering_the_rest
from overrides.patch import OverrideError, Patch, check_version, rasa_version
from overrides.tracker_copy import structural_copy
from server.dialogue import also_asked, typed_choices
from server.dialogue.typed_choices import parse_with_choices


def test_install_applies_every_patch_and_may_run_twice() -> None:
    overrides.install()
    overrides.install()
    assert overrides.installed()
    assert DialogueStateTracker.copy is structural_copy
    assert MessageProcessor.parse_message is also_asked.parse_and_mark  # which reads with parse_with_choices
    assert MessageProcessor._run_action is run_action_answering_the_rest
    targets = [patch.target for patch in overrides.patches()]
    assert len(targets) == len(set(targets)), "two overrides replace the same thing"


@pytest.mark.parametrize("version", ["3.5.17", "3.7.0", "4.0.1", "2.8.34"])
def test_a_rasa_outside_the_range_is_refused_with_the_range_named(version: str) -> None:
    with pytest.raises(OverrideError, match=r"3\.6\.0 up to \(not including\) 3\.7\.0"):
        check_version(version)


@pytest.mark.parametrize("version", ["3.6.0", "3.6.21", "3.6.21rc1"])
def test_the_versions_written_for_pass(version: str) -> None:
    check_version(version)


def test_version_parsing() -> None:
    assert rasa_version("3.6.21") == (3, 6, 21)
    assert rasa_version("3.6.0rc2") == (3, 6, 0)


def test_a_target_rasa_no_longer_has_is_refused_and_nothing_is_added() -> None:
    class Moved:
        pass

    with pytest.raises(OverrideError, match="does not exist"):
        Patch(Moved, "parse_message", parse_with_choices).apply()
    assert not hasattr(Moved, "parse_message")


def test_the_launchers_start_rasa_through_the_overrides(tmp_path: Path) -> None:
    env = {"BOT_PORT": "5005", "ACTION_PORT": "5055"}
    bot = server_commands(tmp_path / "model.tar.gz", env)["bot"]
    assert bot[: len(RASA)] == RASA == [sys.executable, "-m", "launch.rasa_server"]
    assert bot[len(RASA)] == "run"


def test_the_entry_point_installs_before_rasa_reads_its_arguments() -> None:
    script = (
        "import sys, runpy; sys.argv = ['rasa', '--version']\n"
        "import rasa.__main__ as m\n"
        "seen = []\n"
        "m.main = lambda: seen.append(__import__('overrides').installed())\n"
        "runpy.run_module('launch.rasa_server', run_name='__main__')\n"
        "print(seen)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[True]"


def test_the_channels_refuse_a_rasa_started_without_the_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    from server.channels.rest import GraciousRestInput

    # As a plain `rasa run` leaves it: Rasa's own parsing.
    monkeypatch.setattr(MessageProcessor, "parse_message", typed_choices._rasa_graph_parse)
    with pytest.raises(OverrideError, match="launch.rasa_server"):
        GraciousRestInput().blueprint(lambda message: None)
