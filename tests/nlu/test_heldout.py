"""The held-out file stays held out: big enough to mean something, and never in the training data."""

import re
from pathlib import Path

import yaml

from bench.nlu import heldout

ROOT = Path(__file__).resolve().parents[2]


def words(text: str) -> str:
    plain = re.sub(r"\[([^\]]*)\][({][^)}]*[)}]", r"\1", text)
    return " ".join(plain.casefold().split()).strip(" ?!.")


def training_examples() -> set:
    seen = set()
    for path in (ROOT / "data" / "nlu").glob("*.yml"):
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            for line in str(block.get("examples") or "").splitlines():
                if line.strip().startswith("- "):
                    seen.add(words(line.strip()[2:]))
    return seen


def test_the_held_out_file_has_at_least_300_messages_over_every_intent():
    pairs = heldout()
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    assert len(pairs) >= 300
    assert {intent for _, intent in pairs} == set(domain["intents"])


def test_no_held_out_message_is_a_training_example():
    trained = training_examples()
    leaked = [text for text, _ in heldout() if words(text) in trained]
    assert leaked == [], f"held-out messages found in data/nlu (remove them from one side): {leaked}"
