"""The playbook check: `make check` runs it after `rasa data validate`.

    python -m studio.check [--root DIR]

Rasa checks that the training data is consistent; nothing in Rasa checks that the
assistant follows a service playbook. This does, over domain.yml, data/,
tests/stories/, the policy catalog and the emails (studio/check_emails.py), and
prints one `file:line: problem` per finding. It exits 1 when there is any. What it looks for is data a designer can
extend: catalog/blame_words.yml, catalog/playbook_check.yml (studio/check_rules.py)
and, for the words of every response rendered with every kind of value,
catalog/placeholders.yml (studio/placeholders.py). The stories' rules are in
studio/check_stories.py, the catalog's in studio/check_catalog.py. A file that is not
valid YAML stops it first, one `file:line: problem` with the fix each (studio/check_yaml.py).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from gracious.catalog import Catalog, CatalogError, load_catalog
from gracious.settings import ROOT
from studio import placeholders
from studio.check_bundles import bundle_problems
from studio.check_catalog import response_problems, unreached_problems
from studio.check_emails import email_problems
from studio.check_rules import Rules, blame_problems, lecture_problems, matches
from studio.check_stories import story_problems
from studio.check_yaml import yaml_mistakes
from studio.examples import Example, intent_blocks, normal_example, training_examples
from studio.flows import read_flows
from studio.yamlnodes import compose, get, items, line, line_of_words, seq, text


@dataclass(frozen=True, order=True)
class Finding:
    """One problem, where a designer can find it."""

    path: str
    line: int
    problem: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.problem}"


class Check:
    """All the playbook rules over one project folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.rules = Rules.load(root)
        self.findings: List[Finding] = []
        self.domain_path = root / "domain.yml"
        self.domain = compose(self.domain_path)
        self.catalog_path = root / "catalog" / "policies.yml"
        self.catalog = compose(self.catalog_path)
        self.flows = [f for p in self.story_files() for f in read_flows(p)]
        self.responses = {text(k): v for k, v in items(get(self.domain, "responses"))}
        self.policies: Optional[Catalog] = None
        try:
            self.policies = load_catalog(self.catalog_path)
        except CatalogError as error:
            self.add(self.catalog_path, error.line, error.detail)
        self.case_types = self.policies.case_types if self.policies else frozenset()

    def story_files(self) -> List[Path]:
        found = sorted((self.root / "data").rglob("*.yml")) + sorted((self.root / "tests" / "stories").rglob("*.yml"))
        return [p for p in found if p.is_file()]

    def add(self, path: Path, at: int, problem: str) -> None:
        self.findings.append(Finding(str(path.relative_to(self.root)), at, problem))

    def add_all(self, problems: Iterable[Tuple[Path, int, str]]) -> None:
        for path, at, problem in problems:
            self.add(path, at, problem)

    def run(self) -> List[Finding]:
        self.add_all(lecture_problems(self.root))
        self.blaming_responses()
        self.response_variety()
        self.whole_words()
        self.add_all(story_problems(self.flows, self.rules, self.case_types))
        self.add_all(response_problems(self.catalog_path, self.catalog, self.responses))
        self.add_all(bundle_problems(self.catalog_path, self.catalog, self.responses))
        if self.policies:
            self.add_all(unreached_problems(self.catalog_path, self.catalog, self.policies, self.flows))
        self.training_examples()
        self.add_all(
            email_problems(self.root / "catalog" / "emails.yml", self.rules.blame_phrases, self.rules.lectures)
        )
        return sorted(set(self.findings))

    # -- wording ---------------------------------------------------------------

    def blaming_responses(self) -> None:
        for name, variations in self.responses.items():
            for variation in seq(variations):
                texts = [get(variation, "text")]
                texts += [get(b, "title") for b in seq(get(variation, "buttons"))]
                for node in filter(None, texts):
                    for said, problem in blame_problems(text(node), self.rules.blame_phrases, self.rules.lectures):
                        self.add(self.domain_path, line_of_words(node, said), f"response '{name}' {problem}")

    def response_variety(self) -> None:
        for key, variations in items(get(self.domain, "responses")):
            name = text(key)
            count = len(seq(variations))
            if matches(name, self.rules.varied) and count < self.rules.min_variations:
                self.add(
                    self.domain_path,
                    line(key),
                    f"response '{name}' has {count} variation(s); the playbook wants at least "
                    f"{self.rules.min_variations} so the customer never hears the same words twice",
                )

    def whole_words(self) -> None:
        """Every response rendered with every kind of value its placeholders take."""
        for node, problem in placeholders.findings(self.domain, placeholders.Samples.load(self.root)):
            self.add(self.domain_path, line(node), problem)

    # -- NLU ---------------------------------------------------------------------

    def training_examples(self) -> None:
        counts: Dict[str, int] = {}
        places: Dict[str, Dict[str, Example]] = {}
        for example in training_examples(self.root / "data"):
            counts[example.intent] = counts.get(example.intent, 0) + 1
            places.setdefault(normal_example(example.text), {}).setdefault(example.intent, example)
        for by_intent in places.values():
            # One finding at each intent's copy, naming where the other copies are.
            for intent, example in by_intent.items():
                others = ", ".join(
                    f"'{other}' ({copy.path.relative_to(self.root)}:{copy.line})"
                    for other, copy in by_intent.items()
                    if other != intent
                )
                if others:
                    self.add(
                        example.path,
                        example.line,
                        f"example \"{example.text}\" is under '{intent}' and also under {others}; "
                        "keep it under one intent",
                    )
        blocks = intent_blocks(self.root / "data")
        for node in seq(get(self.domain, "intents")):
            name = text(node) or text(next((k for k, _ in items(node)), None))
            count = counts.get(name, 0)
            if name not in self.rules.button_only and count < self.rules.min_examples:
                needs = f"intent '{name}' has {count} training examples; it needs at least {self.rules.min_examples}"
                if name in blocks:
                    # At its examples in data/nlu/ (the block with the most), where more go.
                    path, at, _ = max(blocks[name], key=lambda block: block[2])
                    self.add(path, at, f"{needs} (add them under it)")
                else:
                    self.add(self.domain_path, line(node), f"{needs} (add an '- intent: {name}' block in data/nlu/)")


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="the project folder (default: this one)")
    args = parser.parse_args(argv)
    mistakes = yaml_mistakes(args.root.resolve())  # nothing else can be read until these are fixed
    for path, at, problem in mistakes:
        print(Finding(path, at, problem))
    if mistakes:
        print(f"playbook check: {len(mistakes)} YAML mistake(s) to fix first", file=sys.stderr)
        return 1
    check = Check(args.root.resolve())
    findings = check.run()
    for finding in findings:
        print(finding)
    if findings:
        print(f"playbook check: {len(findings)} finding(s)", file=sys.stderr)
        return 1
    print(
        f"playbook check: no findings ({len(check.responses)} responses, {len(check.flows)} stories "
        f"and rules, {len(seq(get(check.catalog, 'policies')))} policies)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
