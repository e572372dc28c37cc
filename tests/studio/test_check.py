"""The playbook check: each rule sees its bad example, at the right file and line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import List

import pytest

from studio.check import Check, Finding
from studio.placeholders import excerpt, gap, render, wants_an
from tests.helpers.catalog import NEW_POLICY

ROOT = Path(__file__).resolve().parents[2]


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
        "    - text: \"I'm sorry you've had to deal with this.\"\n",
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
        '  - action: action_explain_policy\n  - action: action_offer_alternatives\n\n- rule: "No reference to hand',
        '  - action: action_explain_policy\n\n- rule: "No reference to hand',
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
    del lines[start + 10 : end]
    nlu.write_text("".join(lines), encoding="utf-8")
    finding = only(findings(project), "intent 'bot_challenge' has 10 training examples")
    assert finding.path == "data/nlu/smalltalk.yml"
    assert line_of(project, finding).strip() == "- intent: bot_challenge"


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
""",
        "",
    )
    finding = only(findings(project), "response 'utter_apology' has 1 variation(s)")
    assert line_of(project, finding).strip() == "utter_apology:"


def test_the_command_prints_file_line_problem_and_fails_on_a_finding(project: Path) -> None:
    edit(project / "data" / "nlu" / "smalltalk.yml", "    - goodbye\n", "    - goodbye\n    - are you a bot\n")
    run = subprocess.run(
        [sys.executable, "-m", "studio.check", "--root", str(project)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 1
    assert run.stdout.startswith("data/nlu/smalltalk.yml:")
    assert ": example \"are you a bot\" is under 'goodbye' and also under 'bot_challenge'" in run.stdout
    clean = subprocess.run([sys.executable, "-m", "studio.check"], cwd=ROOT, capture_output=True, text=True)
    assert clean.returncode == 0, clean.stdout
    assert "no findings" in clean.stdout


# -- words that are always whole: catalog/placeholders.yml, studio/placeholders.py ----------


def test_a_response_sent_with_an_empty_value_needs_a_variation_without_one(project: Path) -> None:
    edit(
        project / "domain.yml",
        '    - text: "Done: your refund is under way. A prepaid return label is on its way to your email, '
        'and the money reaches your original payment method 5 to 7 business days after the return arrives."\n',
        "",
    )
    found = [f for f in findings(project) if "utter_confirm_refund" in f.problem]
    assert [f.problem for f in found] == [
        "response 'utter_confirm_refund' can be sent with {reference} None (\"Done: your refund for None is "
        'under way. A prepaid return\u2026": it says "None"); add a variation with no placeholders next to it, '
        "for the assistant to fall back on",
        "response 'utter_confirm_refund' can be sent with {reference} empty (\"Done: your refund for  is "
        'under way. A prepaid return\u2026": a doubled space); add a variation with no placeholders next to it, '
        "for the assistant to fall back on",
    ]
    assert {f.path for f in found} == {"domain.yml"}
    assert "Done: your refund for {reference} is under way." in line_of(project, found[0])


def test_none_days_ago_is_found(project: Path) -> None:
    edit(
        project / "domain.yml",
        "    - text: \"Full refunds are for returns within 30 days of delivery, because after that we can't sell "
        "an item again as new. I'm sorry I can't offer a full refund on this one, but there's still something "
        'I can do."\n',
        "",
    )
    finding = only(findings(project), "with {days_since_delivery} None")
    assert '"LK-10421 was delivered None days ago, and full refunds are\u2026"' in finding.problem
    assert "was delivered {days_since_delivery} days ago" in line_of(project, finding)


def test_an_article_that_does_not_fit_the_value_is_found(project: Path) -> None:
    edit(project / "domain.yml", "I'm sorry we didn't get your {item} right.", "A {item} that isn't what you wanted.")
    found = findings(project)
    finding = only(found, 'says "A order"')
    assert finding.problem == (
        'response \'utter_policy_cafe_remake\' says "A order": use "an" there, or rephrase so every {item} fits'
    )
    assert "A {item} that isn't what you wanted" in line_of(project, finding)
    assert only(found, 'says "A espresso"').line == finding.line


def test_a_credit_amount_from_the_catalog_is_tried_with_its_article(project: Path) -> None:
    edit(project / "catalog" / "policies.yml", "{id: goodwill_credit, amount: 10}", "{id: goodwill_credit, amount: 8}")
    found = findings(project)
    offer = only(found, "'utter_offer_goodwill_credit' says \"A $8.00\"")
    confirm = only(found, "'utter_confirm_goodwill_credit' says \"a $8.00\"")
    assert line_of(project, offer).strip() == '- text: "A {amount} goodwill credit"'
    assert "Done: a {amount} goodwill credit" in line_of(project, confirm)


def test_a_singular_verb_after_a_plural_item_is_found(project: Path) -> None:
    edit(project / "domain.yml", "Once we receive the {item}, the money", "Once the {item} reaches us, the money")
    finding = only(findings(project), 'says "headphones reaches"')
    assert finding.problem == (
        'response \'utter_policy_returns_entitled\' says "headphones reaches": "reaches" does not agree with a '
        'plural {item}; rephrase so it fits both ("once we receive the {item}", not "once the {item} reaches us")'
    )
    assert "Once the {item} reaches us" in line_of(project, finding)


def test_designers_add_a_placeholders_samples_without_python(project: Path) -> None:
    edit(
        project / "domain.yml",
        "  utter_rating_recorded:\n",
        '  utter_colour_note:\n    - text: "It also comes in a {colour} finish."\n  utter_rating_recorded:\n',
    )
    finding = only(findings(project), "{colour}")
    assert finding.problem == (
        "response 'utter_colour_note' uses {colour}, which has no samples in catalog/placeholders.yml; "
        "add the kinds of value the actions pass for it"
    )
    assert line_of(project, finding).strip() == '- text: "It also comes in a {colour} finish."'
    samples = project / "catalog" / "placeholders.yml"
    edit(samples, "  limit: [2000]\n", "  limit: [2000]\n  colour: [brass]\n")
    assert [f for f in findings(project) if "colour" in f.problem] == []
    edit(samples, "  colour: [brass]\n", "  colour: [brass, ochre]\n")
    assert only(findings(project), "{colour}").problem == (
        'response \'utter_colour_note\' says "a ochre": use "an" there, or rephrase so every {colour} fits'
    )


def test_a_value_known_in_a_response_is_not_tried_empty(project: Path) -> None:
    samples = project / "catalog" / "placeholders.yml"
    edit(
        samples,
        "utter_policy_late_delivery: [reference, promised_on, order_status]",
        "utter_policy_late_delivery: [reference, order_status]",
    )
    finding = only(findings(project), "'utter_policy_late_delivery' can be sent with {promised_on} empty")
    assert "was promised for {promised_on}" in line_of(project, finding)


@pytest.mark.parametrize(
    "word, article",
    [
        ("order", "an"),
        ("espresso", "an"),
        ("hour", "an"),
        ("$8.00", "an"),
        ("$11.50", "an"),
        ("$18.00", "an"),
        ("$80.00", "an"),
        ("8,000", "an"),
        ("LK-10421", "an"),
        ("SMS", "an"),
        ("dress", "a"),
        ("headphones", "a"),
        ("one-off", "a"),
        ("unique", "a"),
        ("user", "a"),
        ("euro", "a"),
        ("$10.00", "a"),
        ("$1.00", "a"),
        ("$180.00", "a"),
        ("BL-30018", "a"),
        ("SPRING15", "a"),
        ("umbrella", "an"),
    ],
)
def test_a_or_an_follows_the_sound_of_the_word(word: str, article: str) -> None:
    assert ("an" if wants_an(word) else "a") == article


def test_the_renderer_fills_as_rasa_does_and_says_what_an_empty_value_breaks() -> None:
    template = "{reference} ({item}) is {order_status} and on track to reach you by {promised_on}."
    values = {"reference": "LK-10423", "item": "coffee grinder", "order_status": "in transit", "promised_on": ""}
    assert render(template, values) == "LK-10423 (coffee grinder) is in transit and on track to reach you by ."
    assert gap(template, values, "promised_on") == "a space before punctuation"
    assert gap(template, {**values, "promised_on": "Friday", "item": ""}, "item") == "empty brackets"
    assert gap(template, {**values, "promised_on": "Friday", "reference": None}, "reference") == 'it says "None"'
    assert excerpt(template, values, "promised_on", width=12) == "\u2026reach you by ."
    assert excerpt(template, {**values, "promised_on": "Friday"}, "reference", width=5) == "LK-10423 (coffee\u2026"
