"""The playbook check: each rule sees its bad example, at the right file and line."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import List

import pytest

from studio.check import Check, Finding
from tests.actions.test_case_types import NEW_POLICY

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of everything the check reads, for a test to break."""
    copy = tmp_path / "project"
    for name in ("data", "catalog", "tests/stories"):
        shutil.copytree(ROOT / name, copy / name)
    shutil.copy(ROOT / "domain.yml", copy / "domain.yml")
    return copy


def edit(path: Path, old: str, new: str) -> None:
    content = path.read_text(encoding="utf-8")
    assert old in content, f"{old!r} is not in {path}"
    path.write_text(content.replace(old, new, 1), encoding="utf-8")


def append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)


def findings(project: Path) -> List[Finding]:
    return Check(project).run()


def line_of(project: Path, finding: Finding) -> str:
    return (project / finding.path).read_text(encoding="utf-8").splitlines()[finding.line - 1]


def only(found: List[Finding], words: str) -> Finding:
    matching = [f for f in found if words in f.problem]
    assert len(matching) == 1, found
    return matching[0]


def test_the_project_follows_its_own_playbook(project: Path) -> None:
    assert findings(project) == []


def test_a_blaming_response_is_found_on_its_line(project: Path) -> None:
    edit(
        project / "domain.yml",
        '    - text: "I\'m really sorry about this."\n',
        '    - text: "I\'m really sorry about this."\n'
        '    - text: "As I said, you should\u2019ve read the terms. You should have read them."\n',
    )
    finding = only(findings(project), '"you should have"')
    assert finding.path == "domain.yml"
    assert "utter_apology" in finding.problem
    assert "You should have read them" in line_of(project, finding)
    assert any('"as i said"' in f.problem for f in findings(project))


def test_designers_extend_the_blame_list_without_python(project: Path) -> None:
    append(project / "catalog" / "blame_words.yml", "  - per our terms\n")
    edit(
        project / "domain.yml",
        '    - text: "I\'m sorry you\'ve had to deal with this."\n',
        '    - text: "Per our terms, nothing can be done."\n',
    )
    finding = only(findings(project), '"per our terms"')
    assert "Per our terms" in line_of(project, finding)


def test_a_story_that_explains_policy_before_empathy_is_found(project: Path) -> None:
    append(
        project / "tests" / "stories" / "test_billing.yml",
        """
- story: "cold policy first"
  steps:
  - user: |
      my bill [BL-30017](order_id) is wrong
    intent: dispute_charge
  - action: case_form
  - active_loop: case_form
  - active_loop: null
  - action: action_explain_policy
  - action: action_offer_alternatives
""",
    )
    finding = only(findings(project), "before any empathy")
    assert finding.path == "tests/stories/test_billing.yml"
    assert "cold policy first" in finding.problem
    # The first cold explanation is the form that goes on to explain, not the later step.
    assert line_of(project, finding).strip() == "- action: case_form"


def test_a_refusal_without_an_alternative_in_the_same_turn_is_found(project: Path) -> None:
    append(
        project / "tests" / "stories" / "test_billing.yml",
        """
- story: "a flat no"
  steps:
  - user: |
      my bill [BL-30017](order_id) is wrong
    intent: dispute_charge
  - action: action_empathize
  - action: utter_policy_volume_discount
  - user: |
      ok then
    intent: affirm
  - action: utter_offer_goodwill_credit
""",
    )
    finding = only(findings(project), "without offering an alternative")
    assert "a flat no" in finding.problem
    assert line_of(project, finding).strip() == "- action: utter_policy_volume_discount"


def test_a_rule_that_drops_the_alternatives_after_the_form_is_found(project: Path) -> None:
    rules = project / "data" / "rules" / "cases.yml"
    edit(
        rules,
        "  - action: action_explain_policy\n  - action: action_offer_alternatives\n\n"
        '- rule: "No reference to hand',
        "  - action: action_explain_policy\n\n" '- rule: "No reference to hand',
    )
    finding = only(findings(project), "without offering an alternative")
    assert finding.path == "data/rules/cases.yml"
    assert "Once the case has what it needs" in finding.problem


def test_opening_the_case_form_without_empathy_makes_its_explanations_cold(project: Path) -> None:
    edit(
        project / "data" / "rules" / "cases.yml",
        "  - intent: demand_compensation\n  - action: action_empathize\n",
        "  - intent: demand_compensation\n",
    )
    finding = only(findings(project), "explains a policy through case_form before any empathy")
    assert finding.path == "data/rules/cases.yml"
    assert "A demand beyond what we can grant" in finding.problem
    assert line_of(project, finding).strip() == "- action: case_form"


def test_a_policy_no_story_reaches_is_found(project: Path) -> None:
    append(project / "catalog" / "policies.yml", NEW_POLICY)
    finding = only(findings(project), "'loyalty_points' is reached by no story")
    assert finding.path == "catalog/policies.yml"
    assert line_of(project, finding).strip() == "- id: loyalty_points"


def test_an_alternative_without_a_response_is_found(project: Path) -> None:
    edit(
        project / "catalog" / "policies.yml",
        "  human: {kind: handoff",
        "  free_coffee: {kind: info, offer: utter_offer_free_coffee, confirm: utter_confirm_human}\n"
        "  human: {kind: handoff",
    )
    finding = only(findings(project), "alternative 'free_coffee' has no offer response")
    assert "utter_offer_free_coffee" in line_of(project, finding)


def test_an_intent_with_too_few_examples_is_found(project: Path) -> None:
    nlu = project / "data" / "nlu" / "smalltalk.yml"
    lines = nlu.read_text(encoding="utf-8").splitlines(keepends=True)
    start = lines.index("- intent: bot_challenge\n") + 2
    end = next(i for i in range(start, len(lines)) if not lines[i].startswith("    - "))
    del lines[start + 10:end]
    nlu.write_text("".join(lines), encoding="utf-8")
    finding = only(findings(project), "intent 'bot_challenge' has 10 training examples")
    assert finding.path == "domain.yml"
    assert line_of(project, finding).strip() == "- bot_challenge"


def test_the_same_example_under_two_intents_is_found(project: Path) -> None:
    edit(project / "data" / "nlu" / "smalltalk.yml", "    - goodbye\n", "    - goodbye\n    - Are you a bot\n")
    finding = only(findings(project), "is under 'goodbye' and also under 'bot_challenge'")
    assert line_of(project, finding).strip() == "- Are you a bot"


def test_an_empathy_response_with_one_variation_is_found(project: Path) -> None:
    edit(
        project / "domain.yml",
        """    - text: "I'm really sorry about this."
    - text: "I apologise for the hassle. Let me see what I can do."
    - text: "I'm sorry you've had to deal with this."
    - text: "Please accept my apologies for the inconvenience."
""",
        "",
    )
    finding = only(findings(project), "response 'utter_apology' has 1 variation(s)")
    assert line_of(project, finding).strip() == "utter_apology:"


def test_the_command_prints_file_line_problem_and_fails_on_a_finding(project: Path) -> None:
    edit(project / "data" / "nlu" / "smalltalk.yml", "    - goodbye\n", "    - goodbye\n    - are you a bot\n")
    run = subprocess.run(
        [sys.executable, "-m", "studio.check", "--root", str(project)],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert run.returncode == 1
    assert run.stdout.startswith("data/nlu/smalltalk.yml:")
    assert ": example \"are you a bot\" is under 'goodbye' and also under 'bot_challenge'" in run.stdout
    clean = subprocess.run([sys.executable, "-m", "studio.check"], cwd=ROOT, capture_output=True, text=True)
    assert clean.returncode == 0, clean.stdout
    assert "no findings" in clean.stdout
