"""The playbook check points at the cause: the sentence, the example, the policy that wins.

Issue #18: a policy 'reached by no story' when an earlier policy caught its case, findings
at a response's key or an intent's declaration, lecturing no phrase list knew, and a
value that could leave "your full refund for  is under way". Each test breaks a copy of
the project (the `project` fixture) and reads the exact `file:line: problem`.
"""

from __future__ import annotations

from pathlib import Path
from typing import List

import pytest
import yaml

from gracious.blame import BLAME_FILE, blaming_phrases, lecture_patterns, lecturing
from studio.check import Check
from studio.check_emails import email_problems
from studio.check_rules import blame_problems
from studio.placeholders import Samples, response_findings
from studio.rendered import output_problems
from studio.yamlnodes import get, items, line, text
from tests.studio.test_check import append, edit

ROOT = Path(__file__).resolve().parents[2]
NEXT_TIME = (
    "next time ... (please|make sure|be sure|remember|try) (to|you)? "
    "(read|reread|re-read|check|double-check|follow|look|pay attention)"
)
PLEASE_READ = (
    "(please|make sure (you|to)|be sure to) (read|reread|re-read) (the|our|your|all|my) (*)? "
    "(instructions|terms|policy|policies|conditions|email|emails|message|messages|faq|faqs|guidelines|rules)"
)


def found(project: Path, words: str) -> List[str]:
    return [str(f) for f in Check(project).run() if words in f.problem]


def line_no(path: Path, words: str) -> int:
    """The 1-based line of the (only) line of ``path`` holding ``words``."""
    lines = [i + 1 for i, row in enumerate(path.read_text(encoding="utf-8").splitlines()) if words in row]
    assert len(lines) == 1, (words, lines)
    return lines[0]


# -- the line of the cause ------------------------------------------------------------


def test_too_few_examples_is_found_at_the_intent_in_the_nlu_file(project: Path) -> None:
    nlu = project / "data" / "nlu" / "smalltalk.yml"
    lines = nlu.read_text(encoding="utf-8").splitlines(keepends=True)
    start = lines.index("- intent: bot_challenge\n") + 2
    end = next(i for i in range(start, len(lines)) if not lines[i].startswith("    - "))
    del lines[start + 10 : end]
    nlu.write_text("".join(lines), encoding="utf-8")
    at = line_no(nlu, "- intent: bot_challenge")
    assert found(project, "'bot_challenge' has") == [
        f"data/nlu/smalltalk.yml:{at}: intent 'bot_challenge' has 10 training examples; it needs at least 30 "
        "(add them under it)"
    ]


def test_an_intent_with_no_examples_at_all_is_found_at_its_declaration(project: Path) -> None:
    edit(project / "domain.yml", "intents:\n", "intents:\n  - ask_loyalty_points\n")
    at = line_no(project / "domain.yml", "- ask_loyalty_points")
    assert found(project, "ask_loyalty_points") == [
        f"domain.yml:{at}: intent 'ask_loyalty_points' has 0 training examples; it needs at least 30 "
        "(add an '- intent: ask_loyalty_points' block in data/nlu/)"
    ]


def test_a_lecture_is_found_on_the_line_of_its_words_not_the_response_key(project: Path) -> None:
    domain = project / "domain.yml"
    edit(
        domain,
        '    - text: "I\'m really sorry about this."\n',
        '    - text: "I\'m really sorry about this.\n        As we said, the label is inside the parcel."\n',
    )
    at = line_no(domain, "As we said")
    assert at != line_no(domain, "utter_apology:") + 1
    assert found(project, "lectures") == [
        f"domain.yml:{at}: response 'utter_apology' says \"As we said\", which lectures the customer (pattern "
        '"as (i|we) (have)? (already|previously)? (said|stated|mentioned|explained|noted|told you|pointed out)" '
        "in catalog/blame_words.yml); instead, say it again plainly, as if for the first time"
    ]


# -- lecturing patterns -------------------------------------------------------------------


def test_the_issue_s_sentence_is_found_with_each_pattern_and_a_way_to_reword_it(project: Path) -> None:
    edit(
        project / "domain.yml",
        "    - text: \"I'm sorry you've had to deal with this.\"\n",
        '    - text: "Next time, please read the delivery instructions."\n',
    )
    at = line_no(project / "domain.yml", "Next time, please read")
    assert found(project, "lectures") == [
        f"domain.yml:{at}: response 'utter_apology' says \"Next time, please read\", which lectures the customer "
        f'(pattern "{NEXT_TIME}" in catalog/blame_words.yml); instead, say what we will do now, not what the '
        "customer should do next time",
        f"domain.yml:{at}: response 'utter_apology' says \"please read the delivery instructions\", which lectures "
        "the customer "
        f'(pattern "{PLEASE_READ}" in catalog/blame_words.yml); instead, give the customer what they need to '
        "know in the reply itself",
    ]


@pytest.mark.parametrize(
    "sentence, said",
    [
        ("Next time, please read the delivery instructions.", "Next time, please read"),
        ("Next time you order, please check the size chart.", "Next time you order, please check"),
        ("As stated, refunds take five days.", "As stated"),
        ("As I mentioned earlier, that isn't possible.", "As I mentioned"),
        ("As we've already explained, no.", "we've already explained"),
        ("You need to read the terms before you order.", "You need to read"),
        ("You should\u2019ve read the label.", "You should\u2019ve read"),
        ("If you had read the email, you would know.", "If you had read"),
        ("The page clearly states the return window.", "clearly states"),
        ("It\u2019s your responsibility to check the size.", "It\u2019s your responsibility"),
        ("Please read the FAQ.", "Please read the FAQ"),
        ("As mentioned earlier, we can't do that.", "As mentioned earlier"),
        ("As mentioned in our last email, it has shipped.", "As mentioned in our last email"),
        ("You forgot to add the code.", "You forgot to"),
        ("You must have typed it wrong.", "You must have typed"),
    ],
)
def test_a_lecturing_sentence_matches_a_pattern(sentence: str, said: str) -> None:
    assert [s for _, s in lecturing(sentence, lecture_patterns(BLAME_FILE))][:1] == [said]


@pytest.mark.parametrize(
    "sentence",
    [
        # Sentences the domain says, close to a pattern, which must pass.
        "It's our responsibility to put it right, and I will.",
        "This has clearly pushed you to the end of your patience.",
        "We know the bill doesn't spell that out as clearly as it could.",
        "You shouldn't have to chase us about it.",
        "If you'd rather talk to one of our people at any point, say the word.",
        "There's nothing more you need to do.",
        "That date is easy to miss in the small print.",
        # Near misses the patterns must not reach: across a sentence end, or a kind offer.
        "Next time you visit, the coffee is on us.",
        "I'll do it next time. Please tell me your order number.",
        "You're not responsible for the return postage.",
        # Helpful sentences the patterns once flagged: an offer, a pointer to the label.
        "Next time you order, please use code THANKS10.",
        "Please read the care label before washing it.",
        "Your return code is clearly marked on the label.",
        "As mentioned on the box, it is machine washable.",
    ],
)
def test_a_good_sentence_matches_no_pattern(sentence: str) -> None:
    assert lecturing(sentence, lecture_patterns(BLAME_FILE)) == []


def test_designers_add_a_lecturing_pattern_without_python(project: Path) -> None:
    edit(
        project / "catalog" / "blame_words.yml",
        "lecturing:\n",
        "lecturing:\n  - pattern: (per|under) our (terms|policy)\n    instead: say the rule in plain words and why it exists\n",
    )
    edit(
        project / "domain.yml",
        "    - text: \"I'm sorry you've had to deal with this.\"\n",
        '    - text: "Under our terms, I can offer a credit."\n',
    )
    at = line_no(project / "domain.yml", "Under our terms")
    assert found(project, "lectures") == [
        f"domain.yml:{at}: response 'utter_apology' says \"Under our terms\", which lectures the customer "
        '(pattern "(per|under) our (terms|policy)" in catalog/blame_words.yml); instead, say the rule in plain '
        "words and why it exists"
    ]


def test_a_pattern_the_check_cannot_read_is_found_at_its_line(project: Path) -> None:
    blame = project / "catalog" / "blame_words.yml"
    edit(blame, "lecturing:\n", "lecturing:\n  - pattern: next (time please\n")
    at = line_no(blame, "next (time please")
    assert found(project, "lecturing pattern") == [
        f'catalog/blame_words.yml:{at}: the lecturing pattern "next (time please" has a bracket that is not closed; '
        "write it as words, with (a|b) for choices"
    ]


def test_a_lecture_in_an_email_is_found_on_its_line(tmp_path: Path) -> None:
    path = tmp_path / "emails.yml"
    path.write_text(
        "thank_you:\n  values: []\n  subject: Thanks\n  text: |\n    Hello {first_name},\n\n"
        "    As stated in our terms, returns take a week.\n",
        encoding="utf-8",
    )
    problems = [(at, p) for _, at, p in email_problems(path, [], lecture_patterns(BLAME_FILE)) if "lectures" in p]
    assert problems == [
        (
            7,
            'email \'thank_you\' says "As stated", which lectures the customer (pattern "as (already|'
            'previously)? (stated|explained|noted|indicated|outlined)" in catalog/blame_words.yml); '
            "instead, say it again plainly, without pointing back to what was said before",
        )
    ]


# -- a policy never chosen -------------------------------------------------------------------

POLICY = """  - id: {id}
    case_types: [{types}]
    when: {when}
    rule: A rule for the test.
    reason: A reason for the test.
    responses: {{explain: utter_policy_hours}}
    alternatives: [{{id: callback}}]

"""


def add_policy(project: Path, before: str, policy_id: str, types: str, when: str) -> int:
    """A policy put just above ``before``; its line."""
    policies = project / "catalog" / "policies.yml"
    edit(policies, f"  - id: {before}\n", POLICY.format(id=policy_id, types=types, when=when) + f"  - id: {before}\n")
    return line_no(policies, f"- id: {policy_id}")


def test_a_policy_an_earlier_one_shadows_names_it(project: Path) -> None:
    at = add_policy(
        project, "coupon_expiry", "bill_late_fee", "dispute_charge", "{reference_kind: bill, late_fee: true}"
    )
    earlier = line_no(project / "catalog" / "policies.yml", "- id: volume_discount_domestic")
    assert found(project, "bill_late_fee") == [
        f"catalog/policies.yml:{at}: policy 'bill_late_fee' is never chosen: policy 'volume_discount_domestic' "
        f"(line {earlier}), earlier in the file, matches the same cases (case_types [dispute_charge], when: "
        f"{{reference_kind: bill}}); move 'bill_late_fee' above 'volume_discount_domestic' (line {earlier}), or narrow "
        "'volume_discount_domestic''s when:"
    ]


def test_a_story_that_acts_out_the_case_says_which_policy_it_reached_instead(project: Path) -> None:
    at = add_policy(project, "billing_general", "discount_owed", "dispute_charge", "{discount_missing: true}")
    earlier = line_no(project / "catalog" / "policies.yml", "- id: volume_discount_domestic")
    story = line_no(project / "tests" / "stories" / "test_billing.yml", "the customer is owed the discount")
    [finding] = found(project, "discount_owed")
    assert finding.startswith(
        f"catalog/policies.yml:{at}: policy 'discount_owed' is reached by no story, rule or test story: story 'Bill dispute where the records "
        "show the customer is owed the discount' (tests/stories/test_billing.yml:"
    )
    assert (
        f"acts out a case it matches, but policy 'volume_discount_domestic' (line {earlier}), earlier in the "
        "file, is chosen first (case_types [dispute_charge], when: {reference_kind: bill})"
    ) in finding
    # Each story that acts out a matching case is named, with the policies to move above or narrow.
    assert "move 'discount_owed' above" in finding and f"'volume_discount_domestic' (line {earlier})" in finding
    assert finding.endswith("narrow 'volume_discount_domestic''s when:")
    explained = int(finding.split("test_billing.yml:")[1].split(")")[0])
    assert explained > story  # the story's explanation step, where its case is replayed
    step = (project / "tests" / "stories" / "test_billing.yml").read_text(encoding="utf-8").splitlines()[explained - 1]
    assert step.strip() == "- action: action_explain_policy"


def test_a_story_that_expects_the_policy_says_which_facts_differ(project: Path) -> None:
    at = add_policy(project, "coupon_expiry", "welcome_coupon", "coupon_problem", "{coupon_found: true, welcome: true}")
    append(
        project / "tests" / "stories" / "test_orders.yml",
        """
- story: "A welcome coupon refused"
  steps:
  - user: |
      my welcome coupon [SPRING15](coupon_code) was refused
    intent: coupon_problem
  - action: action_empathize
  - action: case_form
  - active_loop: case_form
  - active_loop: null
  - action: action_explain_policy
  - slot_was_set:
    - policy_id: welcome_coupon
  - action: action_offer_alternatives
""",
    )
    stories = project / "tests" / "stories" / "test_orders.yml"
    step = len(stories.read_text(encoding="utf-8").splitlines()) - 3
    chosen = line_no(project / "catalog" / "policies.yml", "- id: coupon_expiry")
    assert found(project, "welcome_coupon") == [
        f"catalog/policies.yml:{at}: policy 'welcome_coupon' is reached by no story, rule or test story: story 'A welcome coupon refused' "
        f"(tests/stories/test_orders.yml:{step}) expects it (policy_id) but reaches policy 'coupon_expiry' "
        f"(line {chosen}): its case has welcome: null where it wants welcome: true; fix the story's case or the "
        "policy's when:"
    ]


def test_a_policy_no_story_reaches_still_says_so_and_names_a_partial_shadow(project: Path) -> None:
    append(
        project / "catalog" / "policies.yml",
        "\n"
        + POLICY.format(id="points", types="dispute_charge, ask_points", when="{bill_complex: true, points: true}"),
    )
    at = line_no(project / "catalog" / "policies.yml", "- id: points")
    review = line_no(project / "catalog" / "policies.yml", "- id: billing_review")
    assert found(project, "'points'") == [
        f"catalog/policies.yml:{at}: policy 'points' is reached by no story, rule or test story (add a test story "
        "in tests/stories/ whose case leads to it) (for a 'dispute_charge' case it never is: policy "
        f"'billing_review' (line {review}), earlier in the file, matches the same cases (case_types "
        "[dispute_charge], when: {bill_complex: true}))"
    ]


def move_policy(project: Path, policy_id: str, before: str) -> int:
    """The policy ``policy_id`` cut out and put just above ``before``; its new line."""
    policies = project / "catalog" / "policies.yml"
    content = policies.read_text(encoding="utf-8")
    start = content.index(f"  - id: {policy_id}\n")
    end = content.index("  - id: ", start + 1)
    block, content = content[start:end], content[:start] + content[end:]
    at = content.index(f"  - id: {before}\n")
    policies.write_text(content[:at] + block + content[at:], encoding="utf-8")
    return line_no(policies, f"- id: {policy_id}")


def test_a_policy_two_earlier_ones_take_names_both_and_the_move_clears_it_at_once(project: Path) -> None:
    # The designer's trial: billing_review moved below billing_general, which has no when:; the
    # story of a knotty bill reaches volume_discount_domestic, earlier still. One run names both.
    at = move_policy(project, "billing_review", "coupon_expiry")
    policies = project / "catalog" / "policies.yml"
    volume = line_no(policies, "- id: volume_discount_domestic")
    general = line_no(policies, "- id: billing_general")
    story = line_no(project / "tests" / "stories" / "test_billing.yml", "A long, knotty bill")
    [finding] = found(project, "'billing_review'")
    assert finding.startswith(
        f"catalog/policies.yml:{at}: policy 'billing_review' is never chosen: policy 'billing_general' "
        f"(line {general}), earlier in the file, matches the same cases (case_types [dispute_charge], whatever "
        "the facts); story 'A long, knotty bill: offer to look into it and call back at the customer's time' "
        "(tests/stories/test_billing.yml:"
    )
    assert finding.endswith(
        f") acts out such a case and reaches 'volume_discount_domestic' (line {volume}) first; move "
        f"'billing_review' above 'volume_discount_domestic' (line {volume}) and 'billing_general' (line {general}), "
        "or narrow 'volume_discount_domestic''s when: and give 'billing_general' a when: that leaves these cases out"
    )
    explained = int(finding.split("test_billing.yml:")[1].split(")")[0])
    assert explained > story
    assert "when: {}" not in finding and "narrow 'billing_general'" not in finding
    # Doing what it says, once, is enough: above the earliest of them, nothing is left to find.
    move_policy(project, "billing_review", "volume_discount_domestic")
    assert found(project, "'billing_review'") == []


def test_a_policy_with_no_when_is_never_told_to_narrow_it(project: Path) -> None:
    add_policy(project, "coupon_expiry", "bill_any", "dispute_charge", "{reference_kind: bill, any: true}")
    catchall = add_policy(project, "billing_review", "charge_anything", "dispute_charge", "{}")
    policies = project / "catalog" / "policies.yml"
    at = line_no(policies, "- id: bill_any")
    assert found(project, "'bill_any'") == [
        f"catalog/policies.yml:{at}: policy 'bill_any' is never chosen: policy 'charge_anything' (line {catchall}), "
        "earlier in the file, matches the same cases (case_types [dispute_charge], whatever the facts); move "
        f"'bill_any' above 'charge_anything' (line {catchall}), or give 'charge_anything' a when: that leaves these "
        "cases out"
    ]


# -- placeholders --------------------------------------------------------------------------------


def nodes(domain: str) -> List[tuple]:
    """(response name, its variations) of a small domain, as the check composes it."""
    root = yaml.compose(domain, Loader=yaml.SafeLoader)
    return [(text(k), list(v.value)) for k, v in items(get(root, "responses"))]


def test_the_renderer_finds_an_empty_reference_that_would_reach_a_customer() -> None:
    [(name, variations)] = nodes(
        'responses:\n  utter_refund_started:\n    - text: "Done: your full refund for {reference} is under way."\n'
    )
    samples = Samples(values={"reference": ["LK-10421", ""]})
    assert [(line(node), problem) for node, problem in response_findings(name, variations, samples)] == [
        (
            3,
            "response 'utter_refund_started' can be sent with {reference} empty (\"Done: your full refund for  is "
            'under way.": a doubled space); add a variation with no placeholders next to it, for the assistant to '
            "fall back on",
        )
    ]
    # With a variation that needs no value, the assistant falls back on it: nothing to find.
    [(name, variations)] = nodes(
        "responses:\n  utter_refund_started:\n"
        '    - text: "Done: your full refund for {reference} is under way."\n'
        '    - text: "Done: your full refund is under way."\n'
    )
    assert list(response_findings(name, variations, samples)) == []


def test_broken_output_with_typical_values_is_found() -> None:
    values = {"item": "dress", "reference": "LK-10421"}
    assert output_problems("{item} is on its way.", values, "dress is on its way.") == [
        'starts a sentence with {item}, which can start in lower case; put a word before it ("Your {item}\u2026")'
    ]
    assert output_problems("Your {item}  is here ( ) , thanks.", values, "Your dress  is here ( ) , thanks.") == [
        'shows a doubled space ("Your dress  is here ( ) , thanks.")',
        'shows a space before punctuation ("Your dress  is here ( ) , thanks.")',
        'shows empty brackets ("Your dress  is here ( ) , thanks.")',
    ]
    assert output_problems("For {reference}: {item}.", values, "For LK-10421: None.") == [
        'shows "None" where a value should be'
    ]
    assert output_problems("None of this is your fault, {item}.", values, "None of this is your fault, dress.") == []
    assert output_problems("For { reference }.", values, "For { reference }.") == [
        "shows a brace once filled in; write each placeholder as {name}"
    ]


def test_a_response_that_starts_with_a_lower_case_value_is_found_on_its_text_line(project: Path) -> None:
    domain = project / "domain.yml"
    edit(domain, "    - text: \"I'm sorry you've had to deal with this.\"\n", '    - text: "{item} is on its way."\n')
    at = line_no(domain, '"{item} is on its way."')
    assert found(project, "lower case") == [
        f"domain.yml:{at}: response 'utter_apology' starts a sentence with {{item}}, which can start in lower case; "
        'put a word before it ("Your {item}\u2026")'
    ]


def test_a_number_that_reads_one_with_a_plural_noun_is_found() -> None:
    [(name, variations)] = nodes(
        'responses:\n  utter_calls:\n    - text: "The {international_calls} calls to {international_destinations} '
        "aren't covered.\"\n"
    )
    samples = Samples(values={"international_calls": [3, 1], "international_destinations": ["Toronto (roaming)"]})
    assert [(line(node), problem) for node, problem in response_findings(name, variations, samples)] == [
        (
            3,
            "response 'utter_calls' reads '1 calls' when {international_calls} is 1 — add a variation for one "
            "(condition) or reword ('calls: 1')",
        )
    ]
    # Words after a number that are no plurals, and wording that fits any number, are fine.
    for fine in ("{international_calls} is the count", "{international_calls} across", "calls: {international_calls}"):
        [(name, variations)] = nodes(f'responses:\n  utter_calls:\n    - text: "{fine}."\n')
        assert list(response_findings(name, variations, samples)) == [], fine


def test_the_customers_own_words_quoted_back_are_not_our_blame():
    quoted = "Now, the other thing you mentioned: “i want a refund for them obviously”. Shall we look at that next?"
    assert blaming_phrases(quoted) == []
    assert blaming_phrases("You obviously missed the date.") == ["obviously"]


def test_a_response_that_quotes_blame_is_still_refused_by_make_check():
    written = "As the note says: “you obviously missed the date”."
    assert [p for p, _ in blame_problems(written, ["obviously"], [])] == ["obviously"]
