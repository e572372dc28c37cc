"""bench/retrain.py without training: each edit changes what it says on a copy of the project and
leaves it valid training data; the trainable components and the table (training itself: `make bench`)."""

from __future__ import annotations

from pathlib import Path

import yaml
from rasa.shared.importers.importer import TrainingDataImporter

from bench import retrain
from bench.__main__ import parse_args


def test_each_edit_changes_its_file_and_the_copy_still_loads(tmp_path: Path) -> None:
    project = retrain.copy_project(tmp_path / "project")
    before = {p.relative_to(project): p.read_text() for p in project.rglob("*.yml")}
    changed = {}
    for key, _, edit in retrain.EDITS:
        edit(project)
        now = {p.relative_to(project): p.read_text() for p in project.rglob("*.yml")}
        changed[key] = sorted(str(p) for p in now if now[p] != before[p])
        before = now
    assert changed == {
        "wording": ["domain.yml"],
        "nlu_example": [next(iter(changed["nlu_example"]))],
        "rule_step": ["data/rules/conversation.yml"],
        "rule_added": ["data/rules/conversation.yml"],
        "response_added": ["domain.yml"],
        "response_used": ["data/rules/conversation.yml", "domain.yml"],
    }
    assert changed["nlu_example"][0].startswith("data/nlu/")
    domain = yaml.safe_load((project / "domain.yml").read_text())
    assert domain["responses"]["utter_iamabot"][0]["text"].startswith("Good question. ")
    assert {"utter_bench_added", "utter_bench_used"} <= set(domain["responses"])
    importer = TrainingDataImporter.load_from_dict(
        domain_path=str(project / "domain.yml"), training_data_paths=[str(project / "data")]
    )
    rules = {step.block_name: step for step in importer.get_stories().story_steps}
    added = rules["Asked if it is a bot, after the last question"]
    assert [e.action_name for e in added.events if e.type_name == "action"][-1] == "utter_bench_used"


def test_the_trainable_components_are_the_pipeline_s_and_the_policy() -> None:
    components = retrain.trainable_components(retrain.ROOT / "config.yml")
    assert components.count("CountVectorsFeaturizer") == 2
    assert {"LogisticRegressionClassifier", "UntaggingCRFEntityExtractor", "WindowedRulePolicy"} <= set(components)
    assert "WhitespaceTokenizer" not in components  # nothing to train


def test_the_table_says_what_was_retrained_and_reused() -> None:
    results = {
        "edits": [
            {"what": "a response's wording", "seconds": 1.2, "trained": False, "retrained": [], "reused": ["A", "B"]},
            {"what": "a rule added", "seconds": 30.5, "trained": True, "retrained": ["B"], "reused": ["A"]},
        ]
    }
    assert retrain.table(results).splitlines()[2:] == [
        "| a response's wording | 1.2 | no (the model is reused) | nothing | everything |",
        "| a rule added | 30.5 | yes | B | A |",
    ]


def test_only_retrain_is_an_option() -> None:
    assert parse_args(["--only", "retrain"]).only == "retrain"
    assert parse_args([]).only is None
