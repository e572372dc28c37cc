"""A YAML mistake in a designer's words: its line and the fix, for any designer's file, never a
traceback (gracious/yaml_errors.py, and studio/check_yaml.py, which `make check` runs first)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from gracious.settings import ROOT
from gracious.yaml_errors import YamlMistake, explain, read_yaml
from studio.check_yaml import yaml_mistakes


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of every designer's file, for a test to break."""
    copy = tmp_path / "project"
    for name in ("data", "catalog", "tests/stories"):
        shutil.copytree(ROOT / name, copy / name)
    for name in ("domain.yml", "config.yml"):
        shutil.copy(ROOT / name, copy / name)
    return copy


@pytest.mark.parametrize(
    "text, line, said",
    [
        ("a:\n  b: 1\n\tc: 2\n", 3, "a tab or bad indentation: YAML needs spaces; line up 'c:' with the line above"),
        ("a:\n  - text: hi\n  -\ttext: ho\n", 3, "a tab or bad indentation: YAML needs spaces; line up 'text:' with"),
        ("a:\n  text: Note: it is late\n", 2, "a ':' inside a value: put the whole value in double quotes"),
        ("a:\n  b: 1\n    c: 2\n", 3, "bad indentation: line up 'c:' with the line above"),
        ("a:\n  b:\n    c: 1\n   d: 2\n", 4, "bad indentation: line up 'd:' with the line above"),
        ('a:\n  b: "hello\n  c: 2\n', 2, "a quote opens here and never closes"),
        ("a: [x, y\nb: 2\n", 1, "a list or mapping opened here is not closed: end it with ']'"),
        ("a:\n  b: 1\n  just some words\n  c: 2\n", 3, "a line with no ':'"),
        ('a:\n  b: "hi" there\n', 2, "text after a closing quote: put the whole value inside the quotes"),
        ("a:\n  - x\n - y\n", 3, "a list item ('- ') out of line"),
        ("a: @home\n", 1, "a value cannot start with '@': put the whole value in double quotes"),
        ('a: "c:\\d"\n', 1, "a backslash inside double quotes"),
    ],
)
def test_each_yaml_mistake_is_its_line_and_a_fix(text: str, line: int, said: str) -> None:
    with pytest.raises(yaml.YAMLError) as caught:
        yaml.safe_load(text)
    at, problem = explain(caught.value, text)
    assert at == line and problem.startswith(said), problem


def test_a_key_given_twice_and_a_file_not_in_utf8_are_refused_at_their_line(tmp_path: Path) -> None:
    from gracious.yaml_lines import MarkedLoader

    twice = tmp_path / "twice.yml"
    twice.write_text("a:\n  b: 1\n  c: 2\n  b: 3\n", encoding="utf-8")
    with pytest.raises(YamlMistake) as caught:
        read_yaml(twice, MarkedLoader)
    assert str(caught.value) == (f"{twice}:4: 'b' is written twice (first at line 2): keep one")
    latin = tmp_path / "latin.yml"
    latin.write_bytes("a: 1\nb: caf\xe9\n".encode("latin-1"))
    with pytest.raises(YamlMistake) as caught:
        read_yaml(latin)
    assert str(caught.value) == f"{latin}:2: a character that is not UTF-8 text: save the file as UTF-8"


@pytest.mark.parametrize("name", ["data/nlu/orders.yml", "tests/stories/test_orders.yml", "catalog/signals.yml"])
def test_an_unclosed_quote_in_any_designer_file_is_found(project: Path, name: str) -> None:
    path = project / name
    path.write_text(path.read_text(encoding="utf-8") + 'extra: "never closed\n', encoding="utf-8")
    last = len(path.read_text(encoding="utf-8").splitlines())
    assert yaml_mistakes(project) == [
        (name, last, "a quote opens here and never closes: end the text with the same quote mark")
    ]
    run = subprocess.run(
        [sys.executable, "-m", "studio.check_yaml", "--root", str(project)], cwd=ROOT, capture_output=True, text=True
    )
    assert run.returncode == 1 and run.stdout.startswith(f"{name}:{last}: a quote opens here")
    assert "Traceback" not in run.stderr


def test_the_project_has_no_yaml_mistakes() -> None:
    assert yaml_mistakes(ROOT) == []
