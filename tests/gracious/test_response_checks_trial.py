"""A designer's trial of the live wording: what the running assistant refuses in a saved domain.yml, and where.

Each test works on the real domain.yml (and catalog/placeholders.yml) copied, with one
designer's mistake made in it, and reads the exact message.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import pytest

from gracious import responses
from gracious.response_checks import read_responses
from gracious.settings import ROOT
from gracious.whole_values import SampleValues
from gracious.yaml_errors import YamlMistake, read_yaml

WELCOME_BACK = (
    '    - text: "Welcome back! Is it about what we talked about earlier, or something new? Either way, I\'m here."'
)
WITH_REFERENCE = '    - text: "Welcome back! Is it about your order {reference} from earlier?"'


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def save(path: Path, text: str) -> None:
    """Save as an editor does, with a modification time the reader can tell apart."""
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text, encoding="utf-8")
    if path.stat().st_mtime_ns == before:
        os.utime(path, ns=(before + 1_000_000, before + 1_000_000))


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    (tmp_path / "catalog").mkdir()
    shutil.copy(ROOT / "catalog" / "placeholders.yml", tmp_path / "catalog" / "placeholders.yml")
    shutil.copy(ROOT / "domain.yml", tmp_path / "domain.yml")
    return tmp_path


def test_the_real_domain_has_a_fallback_wherever_a_value_can_be_empty() -> None:
    text = (ROOT / "domain.yml").read_text(encoding="utf-8")
    assert read_responses(text, SampleValues.load(ROOT)).problems == []


def test_a_response_that_needs_a_value_that_can_be_empty_is_refused_live(copy: Path, caplog) -> None:
    domain = copy / "domain.yml"
    text = domain.read_text(encoding="utf-8")
    reader = responses.LiveResponses(domain)
    reader.bind_model(read_responses(text).responses)
    good = reader.current()
    assert reader.rejection is None
    assert WELCOME_BACK in text
    broken = text.replace(WELCOME_BACK, WITH_REFERENCE)
    at = line_of(broken, WITH_REFERENCE)
    with caplog.at_level(logging.WARNING, logger="gracious.responses"):
        save(domain, broken)
        reader.current()
        reader.settle()
    assert reader.current() is good  # the last good version keeps serving
    assert str(reader.rejection) == (
        f"domain.yml:{at}: response 'utter_welcome_back' has no variation without {{reference}}, "
        "and {reference} can be empty — add a variation with no placeholders to fall back on"
    )
    assert not any("is live" in r.getMessage() for r in caplog.records)
    # With a variation to fall back on, it is served.
    save(domain, broken.replace(WITH_REFERENCE, WITH_REFERENCE + "\n" + WELCOME_BACK))
    reader.current()
    reader.settle()
    assert reader.rejection is None
    assert reader.current()["utter_welcome_back"][0]["text"] == WITH_REFERENCE.split('"')[1]


def test_a_value_known_for_the_response_needs_no_fallback(copy: Path) -> None:
    text = (copy / "domain.yml").read_text(encoding="utf-8").replace(WELCOME_BACK, WITH_REFERENCE)
    samples = SampleValues.load(copy)
    samples.known["utter_welcome_back"] = {"reference"}
    assert read_responses(text, samples).problems == []
    # Without the samples file nothing is known to be empty (a copy with no catalog).
    assert read_responses(text).problems == []


def test_an_unclosed_quote_in_domain_yml_is_found_where_it_opens(copy: Path) -> None:
    domain = copy / "domain.yml"
    text = domain.read_text(encoding="utf-8")
    at = line_of(text, "Good to see you. I'm Gracious from Larkspur")
    lines = text.splitlines(keepends=True)
    assert lines[at - 1].endswith('?"\n')
    lines[at - 1] = lines[at - 1][: -len('"\n')] + "\n"
    domain.write_text("".join(lines), encoding="utf-8")
    problem = "a quote opens here and never closes: end the text with the same quote mark"
    # The live check (PyYAML's C reader) and make check (its Python reader) say the same.
    [found] = read_responses(domain.read_text(encoding="utf-8")).problems
    assert (found.line, found.problem) == (at, problem)
    with pytest.raises(YamlMistake) as mistake:
        read_yaml(domain)
    assert str(mistake.value) == f"{domain}:{at}: {problem}"


def test_a_multi_line_quoted_text_with_a_real_indentation_mistake_is_not_blamed_on_its_quote() -> None:
    text = 'responses:\n  utter_a:\n    - text: "one\n      two"\n  utter_b:\n    - text: "x"\n     bad: 1\n'
    [found] = read_responses(text).problems
    assert found.line == 7 and "quote" not in found.problem
