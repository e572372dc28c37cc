"""The playbook check: `make check` runs it after `rasa data validate`.

    python -m studio.check [--root DIR]

Rasa checks that the training data is consistent; nothing in Rasa checks that the
assistant follows a service playbook. This does, over domain.yml, data/,
tests/stories/ and the policy catalog, and prints one `file:line: problem` per
finding. It exits 1 when there is any. What it looks for is data a designer can
extend: catalog/blame_words.yml, catalog/playbook_check.yml and, for the words of
every response rendered with every kind of value, catalog/placeholders.yml
(studio/placeholders.py).
"""

from __future__ import annotations

import argparse
import asyncio
import fnmatch
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

import yaml
from rasa_sdk import Tracker

from actions.case import gather_facts
from gracious.catalog import Catalog, CatalogError, load_catalog
from studio import placeholders
from studio.flows import Flow, Step, read_flows
from studio.yamlnodes import compose, get, items, line, seq, text
from gracious.settings import ROOT



@dataclass(frozen=True, order=True)
class Finding:
    """One problem, where a designer can find it."""

    path: str
    line: int
    problem: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.problem}"


@dataclass
class Rules:
    """What the check looks for (catalog/playbook_check.yml and blame_words.yml)."""

    blame_phrases: List[str]
    empathy: List[str]
    explain: List[str]
    alternatives: List[str]
    varied: List[str]
    min_variations: int
    min_examples: int
    button_only: Set[str] = field(default_factory=set)

    @classmethod
    def load(cls, root: Path) -> "Rules":
        raw = yaml.safe_load((root / "catalog" / "playbook_check.yml").read_text(encoding="utf-8"))
        blame = yaml.safe_load((root / "catalog" / "blame_words.yml").read_text(encoding="utf-8"))
        return cls(
            blame_phrases=[normal_text(p) for p in blame["phrases"]],
            empathy=raw["empathy_steps"],
            explain=raw["explain_steps"],
            alternatives=raw["alternative_steps"],
            varied=raw["varied_responses"],
            min_variations=int(raw["min_variations"]),
            min_examples=int(raw["min_examples"]),
            button_only=set(raw.get("button_only_intents") or []),
        )


def matches(name: str, patterns: Iterable[str]) -> bool:
    return any(fnmatch.fnmatchcase(name, p) for p in patterns)


def normal_text(value: str) -> str:
    return value.lower().replace("\u2019", "'").replace("\u2018", "'")


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
        self.case_types = self._case_types()

    def story_files(self) -> List[Path]:
        found = sorted((self.root / "data").rglob("*.yml")) + sorted((self.root / "tests" / "stories").rglob("*.yml"))
        return [p for p in found if p.is_file()]

    def add(self, path: Path, at: int, problem: str) -> None:
        self.findings.append(Finding(str(path.relative_to(self.root)), at, problem))

    def run(self) -> List[Finding]:
        self.blaming_responses()
        self.response_variety()
        self.whole_words()
        self.empathy_before_policy_and_no_bare_refusals()
        self.catalog_responses()
        self.unreached_policies()
        self.training_examples()
        return sorted(set(self.findings))

    # -- wording ---------------------------------------------------------------

    def blaming_responses(self) -> None:
        for name, variations in self.responses.items():
            for variation in seq(variations):
                texts = [get(variation, "text")]
                texts += [get(b, "title") for b in seq(get(variation, "buttons"))]
                for node in filter(None, texts):
                    said = normal_text(text(node))
                    for phrase in self.rules.blame_phrases:
                        if re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", said):
                            self.add(
                                self.domain_path, line(node),
                                f"response '{name}' says \"{phrase}\", which blames or lectures the customer",
                            )

    def response_variety(self) -> None:
        for key, variations in items(get(self.domain, "responses")):
            name = text(key)
            count = len(seq(variations))
            if matches(name, self.rules.varied) and count < self.rules.min_variations:
                self.add(
                    self.domain_path, line(key),
                    f"response '{name}' has {count} variation(s); the playbook wants at least "
                    f"{self.rules.min_variations} so the customer never hears the same words twice",
                )

    def whole_words(self) -> None:
        """Every response rendered with every kind of value its placeholders take."""
        for node, problem in placeholders.findings(self.domain, placeholders.Samples.load(self.root)):
            self.add(self.domain_path, line(node), problem)

    # -- stories and rules -----------------------------------------------------

    def _case_types(self) -> Set[str]:
        kinds = {text(k) for k, _ in items(get(self.catalog, "cases"))}
        for policy in seq(get(self.catalog, "policies")):
            kinds |= {text(n) for n in seq(get(policy, "case_types"))}
        return kinds

    def _case_loops(self) -> Tuple[Set[str], Set[str]]:
        """Forms opened during a complaint, and the forms whose rules go on to explain a policy."""
        opened = {
            step.name
            for flow in self.flows
            for step, in_case, _ in _Walk(self, flow, set()).steps()
            if in_case and step.kind == "active_loop" and step.name != "null"
        }
        explaining = {
            flow.condition_loop
            for flow in self.flows
            if flow.condition_loop and any(matches(s.name, self.rules.explain) for s in flow.steps)
        }
        return opened, explaining

    def empathy_before_policy_and_no_bare_refusals(self) -> None:
        case_loops, explaining_loops = self._case_loops()
        for flow in self.flows:
            turn: List[Tuple[Step, bool]] = []
            cold = None
            for step, in_case, empathized in _Walk(self, flow, case_loops).steps():
                if step.kind == "intent":
                    self._bare_refusal(flow, turn)
                    turn = []
                    continue
                if step.kind != "action":
                    continue
                explains = matches(step.name, self.rules.explain) or step.name in explaining_loops
                if in_case and explains and not empathized and cold is None:
                    cold = step
                turn.append((step, in_case))
            self._bare_refusal(flow, turn)
            if cold is not None:
                how = "" if matches(cold.name, self.rules.explain) else f" through {cold.name}"
                self.add(
                    flow.path, cold.line,
                    f"{flow.kind} '{flow.name}' explains a policy{how} before any empathy",
                )

    def _bare_refusal(self, flow: Flow, turn: List[Tuple[Step, bool]]) -> None:
        for index, (step, in_case) in enumerate(turn):
            if in_case and matches(step.name, self.rules.explain):
                later = [s.name for s, _ in turn[index + 1:]]
                if not any(matches(n, self.rules.alternatives) for n in later):
                    self.add(
                        flow.path, step.line,
                        f"{flow.kind} '{flow.name}' says no ({step.name}) without offering an "
                        "alternative in the same turn",
                    )
                return

    # -- the catalog -------------------------------------------------------------

    def catalog_responses(self) -> None:
        for alt_key, spec in items(get(self.catalog, "alternatives")):
            for role in ("offer", "confirm"):
                node = get(spec, role)
                if node is None or text(node) not in self.responses:
                    self.add(
                        self.catalog_path, line(node or alt_key),
                        f"alternative '{text(alt_key)}' has no {role} response"
                        + (f" ('{text(node)}' is not in domain.yml)" if node is not None else ""),
                    )
        for policy in seq(get(self.catalog, "policies")):
            for role, node in items(get(policy, "responses")):
                if text(node) not in self.responses:
                    self.add(
                        self.catalog_path, line(node),
                        f"policy '{text(get(policy, 'id'))}': response '{text(node)}' ({text(role)}) "
                        "is not in domain.yml",
                    )

    def unreached_policies(self) -> None:
        try:
            policies = load_catalog(self.catalog_path)
        except CatalogError as error:
            self.add(self.catalog_path, 1, f"{error.where}: {error.problem}")
            return
        reached = reached_policies(policies, self.flows, self.case_types)
        for policy in seq(get(self.catalog, "policies")):
            policy_id = text(get(policy, "id"))
            if policy_id not in reached:
                self.add(
                    self.catalog_path, line(policy),
                    f"policy '{policy_id}' is reached by no story, rule or test story "
                    "(add a test story in tests/stories/ whose case leads to it)",
                )

    # -- NLU ---------------------------------------------------------------------

    def training_examples(self) -> None:
        counts: Dict[str, int] = {}
        places: Dict[str, Dict[str, Tuple[Path, int, str]]] = {}
        for path, at, intent, example in self.examples():
            counts[intent] = counts.get(intent, 0) + 1
            places.setdefault(normal_example(example), {}).setdefault(intent, (path, at, example))
        for by_intent in places.values():
            # One finding at each intent's copy, naming where the other copies are.
            for intent, (path, at, example) in by_intent.items():
                others = ", ".join(
                    f"'{other}' ({p.relative_to(self.root)}:{n})"
                    for other, (p, n, _) in by_intent.items() if other != intent
                )
                if others:
                    self.add(
                        path, at,
                        f"example \"{example}\" is under '{intent}' and also under {others}; "
                        "keep it under one intent",
                    )
        for node in seq(get(self.domain, "intents")):
            name = text(node) or text(next((k for k, _ in items(node)), None))
            count = counts.get(name, 0)
            if name not in self.rules.button_only and count < self.rules.min_examples:
                self.add(
                    self.domain_path, line(node),
                    f"intent '{name}' has {count} training examples; it needs at least "
                    f"{self.rules.min_examples} (add them in data/nlu/)",
                )

    def examples(self) -> Iterable[Tuple[Path, int, str, str]]:
        for path in sorted((self.root / "data").rglob("*.yml")):
            document = compose(path)
            for entry in seq(get(document, "nlu")):
                intent, block = get(entry, "intent"), get(entry, "examples")
                if intent is None or block is None:
                    continue
                # A block scalar's lines follow the line of its '|' one to one.
                first = line(block) + (1 if block.style == "|" else 0)
                for offset, raw in enumerate(text(block).splitlines()):
                    example = raw.strip()
                    if example.startswith("- "):
                        yield path, first + offset, text(intent), example[2:].strip()
        for flow in self.flows:
            if flow.path.is_relative_to(self.root / "data"):
                for step in flow.steps:
                    if step.kind == "intent" and step.text:
                        yield flow.path, step.line, step.name, step.text


ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


def normal_example(example: str) -> str:
    """An example as NLU sees it: annotations, case, spacing and end punctuation aside."""
    plain = ANNOTATION.sub(r"\1", example)
    return re.sub(r"\s+", " ", normal_text(plain)).strip().rstrip(".!?").strip()


class _Walk:
    """Steps of one story or rule, each with: in a complaint? empathized yet?"""

    def __init__(self, check: Check, flow: Flow, case_loops: Set[str]) -> None:
        self.check = check
        self.flow = flow
        # A rule that goes on with a form opened during a complaint: whoever opened
        # the form answers for the empathy before it (checked where it is opened).
        self.in_case = flow.condition_loop in case_loops
        self.empathized = self.in_case

    def steps(self) -> Iterable[Tuple[Step, bool, bool]]:
        for step in self.flow.steps:
            if step.kind == "intent" and set(step.names) & self.check.case_types:
                self.in_case = True
            if step.kind == "action" and matches(step.name, self.check.rules.empathy):
                self.empathized = True
            yield step, self.in_case, self.empathized


def reached_policies(policies: Catalog, flows: Sequence[Flow], case_types: Set[str]) -> Set[str]:
    """Policies the catalog picks for the cases the stories act out.

    Each explanation in a story is replayed against the company's records: the
    references and codes the customer gave become facts, and the catalog picks a
    policy exactly as action_explain_policy does.
    """
    async def replay() -> Set[str]:
        reached: Set[str] = set()
        for flow in flows:
            slots: Dict[str, Optional[str]] = {}
            case_type = intent = None
            for step in flow.steps:
                if step.kind == "intent":
                    intent = step.name
                    if intent in case_types:
                        case_type = intent
                        slots["case_details"] = step.text  # what the customer said opens the case
                    slots.update(step.entities)
                elif step.kind == "slot":
                    slots.update(step.slots)
                elif step.kind == "action" and step.name == "action_explain_policy":
                    if intent == "ask_policy":
                        topic = slots.get("policy_topic")
                        policy = policies.for_topic(topic) if topic else None
                    elif case_type:
                        said = {"text": slots.get("case_details") or ""}
                        tracker = Tracker("check", dict(slots), said, [], False, None, {}, "action_listen")
                        facts = await gather_facts(tracker)
                        policy = policies.select(policies.follow(case_type, facts), facts)
                    else:
                        policy = None
                    if policy:
                        reached.add(policy.id)
        return reached

    return asyncio.run(replay())


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="the project folder (default: this one)")
    args = parser.parse_args(argv)
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
