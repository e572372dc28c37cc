"""overrides/training.py: the actions named in rules stay out of the NLU data, so a new
action in a rule leaves the NLU's cache keys as they were; everything else is Rasa's."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from rasa.shared.importers.importer import E2EImporter, TrainingDataImporter
from rasa.shared.nlu.constants import ACTION_NAME, INTENT, TEXT

from gracious.settings import ROOT
from overrides.training import PATCHES, _rasa_additional_training_data, applies

DOMAIN = """\
version: "3.1"
intents: [greet, thank]
responses:
  utter_greet: [{text: "Hello."}]
  utter_welcome: [{text: "You're welcome."}]
"""
NLU = """\
version: "3.1"
nlu:
  - intent: greet
    examples: |
      - hello
      - hi there
  - intent: thank
    examples: |
      - thanks
      - thank you
"""
RULES = """\
version: "3.1"
rules:
  - rule: greet
    steps:
      - intent: greet
      - action: utter_greet
"""
STORY = """\
version: "3.1"
stories:
  - story: a customer's words written out
    steps:
      - user: "hiya friend"
        intent: greet
      - action: utter_greet
"""
NEW_RULE = """\
  - rule: thanks
    steps:
      - intent: thank
      - action: utter_welcome
"""
CONFIG = """\
recipe: default.v1
language: en
pipeline: [{name: WhitespaceTokenizer}, {name: CountVectorsFeaturizer}]
policies: [{name: server.dialogue.policies.WindowedRulePolicy}]
"""


@pytest.fixture
def patched() -> Iterator[None]:
    for patch in PATCHES:
        patch.apply()
    yield
    E2EImporter._additional_training_data_from_stories = _rasa_additional_training_data


def project(folder: Path, rules: str) -> TrainingDataImporter:
    (folder / "data").mkdir(parents=True, exist_ok=True)
    (folder / "domain.yml").write_text(DOMAIN, encoding="utf-8")
    (folder / "config.yml").write_text(CONFIG, encoding="utf-8")
    (folder / "data" / "nlu.yml").write_text(NLU, encoding="utf-8")
    (folder / "data" / "rules.yml").write_text(rules, encoding="utf-8")
    (folder / "data" / "stories.yml").write_text(STORY, encoding="utf-8")
    return TrainingDataImporter.load_from_config(
        str(folder / "config.yml"), str(folder / "domain.yml"), [str(folder / "data")]
    )


def story_actions(importer: TrainingDataImporter) -> set:
    return {m.get(ACTION_NAME) for m in importer.get_nlu_data().training_examples if m.get(ACTION_NAME)}


def test_rasa_puts_the_rules_actions_in_the_nlu_data_so_a_new_one_changes_its_key(tmp_path: Path) -> None:
    before = project(tmp_path / "a", RULES)
    after = project(tmp_path / "b", RULES + NEW_RULE)
    assert "utter_greet" in story_actions(before)
    assert before.get_nlu_data().fingerprint() != after.get_nlu_data().fingerprint()


def test_with_the_override_a_new_action_in_a_rule_leaves_the_nlu_data_as_it_was(tmp_path: Path, patched) -> None:
    before = project(tmp_path / "a", RULES)
    after = project(tmp_path / "b", RULES + NEW_RULE)
    assert "utter_greet" not in story_actions(before) and "utter_welcome" not in story_actions(after)
    assert before.get_nlu_data().fingerprint() == after.get_nlu_data().fingerprint()
    # The examples (and a customer's turn written out in a story) and Rasa's default actions are all still there.
    intents = {m.get(INTENT) for m in after.get_nlu_data().training_examples}
    assert {"greet", "thank"} <= intents
    assert "hiya friend" in {m.get(TEXT) for m in after.get_nlu_data().training_examples}
    assert "action_listen" in story_actions(after)
    # The stories, the domain and the rules the policy trains on are untouched.
    assert "utter_welcome" in after.get_domain().action_names_or_texts
    assert len(after.get_stories().story_steps) == 3


def test_it_applies_only_when_every_policy_is_a_rule_policy(tmp_path: Path) -> None:
    assert applies(ROOT / "config.yml")
    config = tmp_path / "config.yml"
    config.write_text(CONFIG.replace("server.dialogue.policies.WindowedRulePolicy", "TEDPolicy"), encoding="utf-8")
    assert not applies(config)
    config.write_text(CONFIG.replace("{name: server.dialogue.policies.WindowedRulePolicy}", "{name: RulePolicy}"))
    assert applies(config)
    config.write_text("recipe: default.v1\npipeline: []\n")
    assert not applies(config)  # no policies: Rasa's defaults, TED among them
