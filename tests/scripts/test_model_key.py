"""`make train` (scripts/model.py): a wording edit trains nothing, a new or renamed response does."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any, List

import pytest

from gracious.settings import ROOT
from scripts import model
from scripts.model import ensure_model, inputs_note, training_key

GREETING = "Good to see you. I'm Gracious from Larkspur & Co."


@pytest.fixture
def project(tmp_path: Path) -> Path:
    copy = tmp_path / "project"
    shutil.copytree(ROOT / "data", copy / "data")
    for name in ("config.yml", "domain.yml"):
        shutil.copy(ROOT / name, copy / name)
    return copy


def edit(project: Path, old: str, new: str) -> None:
    domain = project / "domain.yml"
    text = domain.read_text(encoding="utf-8")
    assert old in text
    domain.write_text(text.replace(old, new, 1), encoding="utf-8")


def rasa_train(command: List[str]) -> None:
    """What `rasa train --fixed-model-name N --out DIR` leaves behind, without the training."""
    out = Path(command[command.index("--out") + 1])
    out.mkdir(parents=True)
    (out / f"{command[command.index('--fixed-model-name') + 1]}.tar.gz").write_bytes(b"new model")


def test_a_wording_edit_keeps_the_key(project: Path) -> None:
    before = training_key(project)
    edit(project, GREETING, "Lovely to see you. I'm Gracious from Larkspur & Co.")
    edit(project, "  utter_greet:\n", '  utter_greet:\n    - text: "Hello! A fourth way to say it."\n')
    assert training_key(project) == before


@pytest.mark.parametrize(
    "old, new",
    [
        ("  utter_greet:\n", '  utter_greet_again:\n    - text: "Hello again."\n  utter_greet:\n'),  # added
        ("  utter_greet:\n", "  utter_hello:\n"),  # renamed
        ("\nintents:\n", "\nintents:\n  - loyalty_points\n"),  # not a response at all
    ],
)
def test_anything_training_reads_changes_the_key(project: Path, old: str, new: str) -> None:
    before = training_key(project)
    edit(project, old, new)
    assert training_key(project) != before


def trained_before(project: Path) -> Path:
    """A model of the project as it is, with the note `make train` keeps beside it."""
    models = project / "models"
    models.mkdir()
    name = f"gracious-{training_key(project)}"
    (models / f"{name}.tar.gz").write_bytes(b"model")
    (models / f".{name}.json").write_text(model.json.dumps(inputs_note(project)))
    return models / f"{name}.tar.gz"


def test_after_a_wording_edit_the_model_is_reused_and_the_designer_told(project, capsys, monkeypatch) -> None:
    trained = trained_before(project)
    stamp = trained.stat().st_mtime_ns
    monkeypatch.setattr(model, "_train", lambda *a: pytest.fail("a wording edit must not train"))
    edit(project, GREETING, "Lovely to see you. I'm Gracious from Larkspur & Co.")
    assert ensure_model(project) == trained
    told = capsys.readouterr().err
    assert "Only response wording changed: no training needed" in told
    assert "within a second" in told
    # Already the newest model: not touched, so a running server does not load it again.
    assert trained.stat().st_mtime_ns == stamp


def test_an_older_model_taken_again_is_made_the_newest(project) -> None:
    trained = trained_before(project)
    os.utime(trained, ns=(1_000_000_000, 1_000_000_000))
    (project / "models" / "gracious-0000000000000000.tar.gz").write_bytes(b"newer")
    assert ensure_model(project) == trained
    assert trained.stat().st_mtime_ns > 1_000_000_000


def test_a_new_response_trains_and_says_why(project, capsys, monkeypatch) -> None:
    trained_before(project)
    runs: List[Any] = []

    monkeypatch.setattr(subprocess, "run", lambda command, **kwargs: runs.append(command) or rasa_train(command))
    edit(project, "  utter_greet:\n", '  utter_greet_again:\n    - text: "Hello again."\n  utter_greet:\n')
    made = ensure_model(project)
    assert len(runs) == 1 and made.read_bytes() == b"new model"
    assert "Responses added, renamed or removed: training models/gracious-" in capsys.readouterr().err
    # Its note says what it was trained from: the next wording edit is told apart again.
    assert model._read_note(model._note_path(project / "models", made.name[: -len(".tar.gz")])) == inputs_note(project)


def test_other_changes_say_the_training_data_changed(project, capsys, monkeypatch) -> None:
    trained_before(project)
    monkeypatch.setattr(subprocess, "run", lambda command, **kwargs: rasa_train(command))
    edit(project, "\nintents:\n", "\nintents:\n  - loyalty_points\n")
    ensure_model(project)
    assert "Training data changed: training models/gracious-" in capsys.readouterr().err


def test_a_wording_edit_the_live_check_refuses_fails_make_train_with_its_lines(project, capsys, monkeypatch) -> None:
    trained = trained_before(project)
    monkeypatch.setattr(model, "_train", lambda *a: pytest.fail("a wording edit must not train"))
    edit(project, "  utter_greet:\n", "  utter_greet:\n    - {}\n")  # a variation with nothing to say
    assert training_key(project) == trained.name[len("gracious-") : -len(".tar.gz")]
    assert ensure_model(project) == trained  # other callers still get the model
    told = capsys.readouterr().err
    assert "no training needed" not in told and "has no text — give it a text: line" in told
    with pytest.raises(SystemExit) as stopped:
        model.main(["--root", str(project)])  # `make train`
    assert stopped.value.code == 1
    told = capsys.readouterr().err
    line = (project / "domain.yml").read_text().splitlines().index("    - {}") + 1
    assert f"domain.yml:{line}: response 'utter_greet' variation 1 has no text — give it a text: line" in told
    assert "keeps the last good words" in told


def edit_config(project: Path, old: str, new: str) -> None:
    config = project / "config.yml"
    text = config.read_text(encoding="utf-8")
    assert old in text
    config.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    "old, new",
    [
        ("policies:\n", "policies:\n  - name: TEDPolicy\n    epochs: 1\n"),  # TED may featurize the texts
        ("  - name: EntitySynonymMapper\n", "  - name: EntitySynonymMapper\n  - name: ResponseSelector\n"),
    ],
)
def test_a_wording_edit_changes_the_key_when_training_reads_the_words(project: Path, old: str, new: str) -> None:
    edit_config(project, old, new)
    before = training_key(project)
    edit(project, GREETING, "Lovely to see you. I'm Gracious from Larkspur & Co.")
    assert training_key(project) != before


def test_the_rest_of_the_domain_counts_as_written_not_as_pyyaml_reads_it(project: Path) -> None:
    before = training_key(project)
    edit(project, "  carry_over_slots_to_new_session: false\n", "  carry_over_slots_to_new_session: no\n")
    assert training_key(project) != before  # "no" is a word to Rasa, False to PyYAML


def test_what_training_reads_is_decided_once_per_config(project: Path, monkeypatch) -> None:
    from scripts import domain_key

    training_key(project)
    monkeypatch.setattr(domain_key, "_decide", lambda config: pytest.fail("decided again"))
    training_key(project)  # the answer kept in models/.wording-free.json
    edit_config(project, "policies:\n", "policies:\n  - name: TEDPolicy\n")
    with pytest.raises(pytest.fail.Exception, match="decided again"):
        training_key(project)
