"""`make check` over catalog/emails.yml: every template renders, each broken one is found at its line."""

from __future__ import annotations

from pathlib import Path
from typing import List

from studio.check import Check, Finding
from studio.check_emails import email_problems

ROOT = Path(__file__).resolve().parents[2]
EMAILS = ROOT / "catalog" / "emails.yml"

GOOD = """\
# a template designers wrote
return_label_refund:
  values: [reference, item, return_code]
  subject: "Your label for {reference}"
  text: |
    Hello {first_name},

    Return code {return_code} for the {item}.
"""


def problems(tmp_path: Path, extra: str, base: str = GOOD) -> List[str]:
    path = tmp_path / "emails.yml"
    path.write_text(base + extra, encoding="utf-8")
    return [f"{at}: {problem}" for _, at, problem in email_problems(path, blame=["you should have"])]


def needed_only(found: List[str]) -> List[str]:
    """Leave out "the code sends email X, which the file doesn't have" (the small files here have few)."""
    return [f for f in found if "which the file doesn't have" not in f]


def test_the_real_emails_all_render() -> None:
    assert email_problems(EMAILS) == []


def test_a_good_template_has_no_finding(tmp_path: Path) -> None:
    assert needed_only(problems(tmp_path, "")) == []


def test_an_unknown_placeholder_is_found_on_its_line(tmp_path: Path) -> None:
    found = needed_only(
        problems(
            tmp_path,
            """
thank_you:
  values: [summary]
  subject: "Thanks, {first_name}"
  text: |
    Hello {first_name}, {summary} Your order {order_total} is fine.
""",
        )
    )
    assert found == [
        "13: email 'thank_you' text uses {order_total}, which its values don't list, so the code never fills it "
        "(values: first_name, name, summary)"
    ]


def test_a_missing_subject_or_text_or_values_is_found(tmp_path: Path) -> None:
    found = needed_only(
        problems(
            tmp_path,
            """
no_subject:
  values: []
  text: "Hello {first_name}"
no_values:
  subject: "Hi"
  text: "Hello {first_name}"
""",
        )
    )
    assert found == [
        "10: email 'no_subject' has no subject",
        "13: email 'no_values' needs `values`, the list of placeholders the code that sends it fills in "
        "(`values: []` for none)",
    ]


def test_a_value_the_code_never_gives_is_found(tmp_path: Path) -> None:
    found = problems(
        tmp_path, "", base=GOOD.replace("[reference, item, return_code]", "[reference, item, return_code, amount]")
    )
    assert "3: email 'return_label_refund' lists amount, which gracious/outbox/grant_emails.py never fills" in found


def test_a_stray_brace_and_blaming_words_are_found(tmp_path: Path) -> None:
    found = needed_only(
        problems(
            tmp_path,
            """
braces:
  values: []
  subject: "Hi {first_name"
  text: "You should have kept the receipt."
""",
        )
    )
    assert [f.split(" (")[0] for f in found] == [
        "12: email 'braces' subject has a brace that isn't a placeholder",
        "13: email 'braces' says \"you should have\", which blames or lectures the customer",
    ]


def test_a_template_the_code_sends_must_be_there(tmp_path: Path) -> None:
    assert "1: the code sends email 'thank_you', which the file doesn't have" in problems(tmp_path, "")


def test_the_playbook_check_reports_a_broken_email(tmp_path: Path) -> None:
    import shutil

    project = tmp_path / "project"
    for name in ("data", "catalog", "tests/stories"):
        shutil.copytree(ROOT / name, project / name)
    shutil.copy(ROOT / "domain.yml", project / "domain.yml")
    emails = project / "catalog" / "emails.yml"
    content = emails.read_text(encoding="utf-8")
    emails.write_text(content.replace("Hello {first_name},", "Hello {firstname},", 1), encoding="utf-8")

    found: List[Finding] = Check(project).run()

    assert [(f.path, f.problem.split(",")[0]) for f in found] == [
        ("catalog/emails.yml", "email 'thank_you' text uses {firstname}")
    ]
