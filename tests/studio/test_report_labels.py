"""The report's labels as data (catalog/report_labels.yml), and the demo's page in a folder of its own."""

from __future__ import annotations

from pathlib import Path

import pytest

import studio.report as report
from studio import report_labels, report_words
from studio.report_labels import LABELS_FILE, ReportLabelsError, load_labels


@pytest.fixture
def labels_at(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """Point the report at a labels file with the given text."""

    def write(text: str) -> Path:
        path = tmp_path / "report_labels.yml"
        path.write_text(text, encoding="utf-8")
        monkeypatch.setattr(report_labels, "LABELS_FILE", path)
        return path

    return write


def test_the_real_file_labels_every_kind_of_case_the_demo_reports_on():
    from studio.report_demo import WEEKLY_CASES

    loaded = load_labels(LABELS_FILE)
    assert set(WEEKLY_CASES) <= set(loaded.categories)
    assert report_words.category("dispute_charge") == "Bill disputes"
    assert report_words.desk_outcome("still_open") == "not finished yet"
    assert report_words.desk_outcome("credit") != "credit"  # gracious/codes.py's words still count


def test_a_label_edited_in_the_file_is_what_the_report_shows(labels_at):
    labels_at("categories:\n  dispute_charge: Phone bill questions\ntook: 'chose the {alternative}'\n")
    assert report_words.category("dispute_charge") == "Phone bill questions"
    assert report_words.assistant_outcome("goodwill_credit") == "chose the goodwill credit"


def test_a_code_without_a_label_is_shown_as_it_is(labels_at):
    labels_at("categories:\n  dispute_charge: Bill disputes\n")
    assert report_words.category("report_gift_problem") == "report_gift_problem"
    assert report_words.desk_outcome("some_new_outcome") == "some_new_outcome"


@pytest.mark.parametrize(
    "text, where",
    [
        ("categories: [dispute_charge]\n", "categories: must map each code"),
        ("categories:\n  dispute_charge: ''\n", "categories.dispute_charge: must be words"),
        ("categorys:\n  dispute_charge: Bills\n", "categorys: is not one of"),
        ("took: took one\n", "took: must be words with {alternative}"),
        ("categories: {dispute_charge: [\n", "file: is not valid YAML"),
        ("- just a list\n", "file: must be a mapping"),
    ],
)
def test_a_mistake_in_the_file_is_named_with_its_place(tmp_path: Path, text: str, where: str):
    path = tmp_path / "report_labels.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ReportLabelsError) as caught:
        load_labels(path)
    assert str(caught.value).startswith(f"{path}: {where}")


def test_the_report_stops_with_one_clear_line_on_a_bad_labels_file(labels_at, capsys, tmp_path: Path):
    path = labels_at("categories:\n  dispute_charge: 12\n")
    out = tmp_path / "page" / "index.html"
    assert report.main(["--weeks", "1", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.strip() == f"error: {path}: categories.dispute_charge: must be words, not empty"
    assert "Traceback" not in err and not out.exists()


def test_the_demo_writes_its_own_folder_and_leaves_the_real_report_alone(
    fresh_stores, monkeypatch: pytest.MonkeyPatch, capsys, tmp_path: Path
):
    real, demo = tmp_path / "report" / "index.html", tmp_path / "report-demo" / "index.html"
    real.parent.mkdir()
    real.write_text("the real report", encoding="utf-8")
    monkeypatch.setattr(report, "DEFAULT_OUT", real)
    monkeypatch.setattr(report, "DEMO_OUT", demo)

    assert report.main(["--demo", "--weeks", "1"]) == 0

    assert real.read_text(encoding="utf-8") == "the real report"
    assert "DEMO" in demo.read_text(encoding="utf-8")
    assert str(demo) in capsys.readouterr().out


def test_the_default_folders_are_results_report_and_results_report_demo():
    assert report._arguments([]).out == report.ROOT / "results" / "report" / "index.html"
    assert report._arguments(["--demo"]).out == report.ROOT / "results" / "report-demo" / "index.html"
    assert report._arguments(["--demo", "--out", "x.html"]).out == Path("x.html")
