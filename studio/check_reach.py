"""Every policy is reached, and when one is not, why: the playbook check's reach rule.

A policy is reached when a story, rule or test story acts out a case the catalog
picks it for, replayed as action_explain_policy would pick it (the first policy
whose case_types and `when` match, gracious/catalog_model.py). A policy no story
reaches is a finding at its line in the catalog, saying the cause when the check
can tell it:

- an earlier policy catches every case it could match (same case type, and a
  `when` whose facts are all among its own): it is never chosen;
- a story acts out a case it matches, and an earlier policy is chosen first;
- a story says which policy it expects (a ``policy_id`` in ``slot_was_set`` after
  the explanation) and reaches another one: which facts differ;

and otherwise that no story reaches it (add one).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Set, Tuple

from rasa_sdk import Tracker
from yaml.nodes import Node

from actions.case import gather_facts
from gracious.catalog import Catalog, Policy
from gracious.stores import company
from studio.flows import ENTITY, Flow
from studio.yamlnodes import get, line, seq, text

# Where a problem is and what it is: (file, line, problem).
Problem = Tuple[Path, int, str]


@dataclass
class Explanation:
    """One action_explain_policy in a story, replayed: the case, its facts and the policy picked."""

    flow: Flow
    line: int
    case_type: Optional[str]
    facts: Mapping[str, Any]
    chosen: Optional[str]
    expected: Optional[str] = None  # the policy_id the story sets after it, if it does


def replay(policies: Catalog, flows: Sequence[Flow]) -> List[Explanation]:
    """Every explanation in the stories, with the policy the catalog picks for it.

    The references and codes the customer gave become facts from the company's
    records, and the catalog picks a policy exactly as action_explain_policy does.
    """

    async def run() -> List[Explanation]:
        found: List[Explanation] = []
        # A story's customer is verified for their records (signed in on the website).
        everyone = await company().customer_ids()
        for flow in flows:
            slots: Dict[str, Any] = {"verified_customers": everyone}
            case_type = intent = None
            mine: List[Explanation] = []
            for step in flow.steps:
                if step.kind == "intent":
                    intent = step.name
                    if intent in policies.case_types:
                        case_type = intent
                        # What the customer said opens the case: the words shown, without the entity markup.
                        slots["case_details"] = ENTITY.sub(lambda m: m.group("shown"), step.text)
                    slots.update(step.entities)
                elif step.kind == "slot":
                    if "policy_id" in step.slots and mine:
                        mine[-1].expected = step.slots["policy_id"]
                    slots.update({k: v for k, v in step.slots.items() if k != "policy_id"})
                elif step.kind == "action" and step.name == "action_explain_policy":
                    mine.append(await _explain(policies, flow, step.line, intent, case_type, slots))
            found += mine
        return found

    return asyncio.run(run())


async def _explain(
    policies: Catalog, flow: Flow, at: int, intent: Optional[str], case_type: Optional[str], slots: Dict[str, Any]
) -> Explanation:
    if intent == "ask_policy":
        topic = slots.get("policy_topic")
        policy = policies.for_topic(topic) if topic else None
        return Explanation(flow, at, None, {}, policy.id if policy else None)
    if not case_type:
        return Explanation(flow, at, None, {}, None)
    said = {"text": slots.get("case_details") or ""}
    tracker = Tracker("check", dict(slots), said, [], False, None, {}, "action_listen")
    facts = await gather_facts(tracker)
    followed = policies.follow(case_type, facts)
    policy = policies.select(followed, facts)
    return Explanation(flow, at, followed, facts, policy.id if policy else None)


def reached_policies(policies: Catalog, flows: Sequence[Flow]) -> Set[str]:
    """Policies the catalog picks for the cases the stories act out."""
    return {e.chosen for e in replay(policies, flows) if e.chosen is not None}


def unreached_problems(
    path: Path, catalog: Optional[Node], policies: Catalog, flows: Sequence[Flow], root: Optional[Path] = None
) -> Iterator[Problem]:
    """Policies no story, rule or test story reaches, at their line in the catalog, with the cause."""
    explanations = replay(policies, flows)
    reached = {e.chosen for e in explanations if e.chosen}
    lines = {text(get(node, "id")): line(node) for node in seq(get(catalog, "policies"))}
    why = _Why(policies, lines, explanations, root or path.parent.parent)
    for node in seq(get(catalog, "policies")):
        policy = policies.policy(text(get(node, "id")))
        if policy is not None and policy.id not in reached:
            yield path, line(node), why.unreached(policy)


def scalar(value: Any) -> str:
    """A value as YAML writes it: true, false, null, bill."""
    if isinstance(value, bool) or value is None:
        return {True: "true", False: "false", None: "null"}[value]
    return str(value)


def flow_words(conditions: Mapping[str, Any]) -> str:
    """Conditions as the catalog writes them: {reference_kind: bill, bill_complex: true}."""
    return "{" + ", ".join(f"{k}: {scalar(v)}" for k, v in conditions.items()) + "}"


class _Why:
    """The cause of one unreached policy, in words."""

    def __init__(self, policies: Catalog, lines: Mapping[str, int], explanations: Sequence[Explanation], root: Path):
        self.policies = policies
        self.lines = lines
        self.explanations = explanations
        self.root = root

    def at(self, policy: Policy) -> str:
        return f"'{policy.id}' (line {self.lines.get(policy.id, '?')})"

    def described(self, policy: Policy, how: str = "matches the same cases") -> str:
        # A policy with no when: takes every case of its types: its conditions are left out, never "when: {}".
        when = f", when: {flow_words(policy.when)}" if policy.when else ", whatever the facts"
        return (
            f"policy {self.at(policy)}, earlier in the file, {how} (case_types [{', '.join(policy.case_types)}]{when})"
        )

    def story(self, explanation: Explanation) -> str:
        flow = explanation.flow
        return f"{flow.kind} '{flow.name}' ({flow.path.relative_to(self.root)}:{explanation.line})"

    def shadows(self, policy: Policy) -> Dict[str, Policy]:
        """For each of its case types, the first earlier policy that matches whenever it would."""
        earlier = self.policies.policies[: list(self.policies.policies).index(policy)]
        found: Dict[str, Policy] = {}
        for case_type in policy.case_types:
            for other in earlier:
                if case_type in other.case_types and other.when.items() <= policy.when.items():
                    found[case_type] = other
                    break
        return found

    def taken(self, caught: Sequence[Explanation]) -> Dict[str, Explanation]:
        """Each policy chosen instead for a story's case it matches, with the first such story."""
        found: Dict[str, Explanation] = {}
        for explanation in caught:
            if explanation.chosen and self.policies.policy(explanation.chosen) is not None:
                found.setdefault(explanation.chosen, explanation)
        return found

    def fix(self, policy: Policy, takers: Sequence[Policy]) -> str:
        """Move it above every earlier policy that takes its cases (so above the earliest), or narrow them."""
        takers = sorted(takers, key=lambda p: self.lines.get(p.id, 0))
        narrow = " and ".join(
            f"narrow '{p.id}''s when:" if p.when else f"give '{p.id}' a when: that leaves these cases out"
            for p in takers
        )
        return f"move '{policy.id}' above " + " and ".join(self.at(p) for p in takers) + f", or {narrow}"

    def unreached(self, policy: Policy) -> str:
        never = f"policy '{policy.id}' is never chosen: "
        shadows = self.shadows(policy)
        caught = [e for e in self.explanations if e.case_type and policy.applies(e.case_type, e.facts)]
        taken = self.taken(caught)
        if shadows and set(shadows) == set(policy.case_types):
            first = list({p.id: p for p in shadows.values()}.values())
            seen = "".join(
                f"; {self.story(e)} acts out such a case and reaches {self.at(chosen)} first"
                for chosen_id, e in taken.items()
                if (chosen := self.policies.policy(chosen_id)) is not None and chosen_id not in {p.id for p in first}
            )
            takers = first + [p for p in map(self.policies.policy, taken) if p is not None and p not in first]
            return never + " and ".join(self.described(p) for p in first) + f"{seen}; {self.fix(policy, takers)}"
        nobody = f"policy '{policy.id}' is reached by no story, rule or test story: "
        if taken:
            instead = [(p, e) for i, e in taken.items() if (p := self.policies.policy(i)) is not None]
            return (
                nobody
                + "; ".join(
                    f"{self.story(e)} acts out a case it matches, but {self.described(p, 'is chosen first')}"
                    for p, e in instead
                )
                + f"; {self.fix(policy, [p for p, _ in instead])}"
            )
        expecting = next((e for e in self.explanations if e.expected == policy.id), None)
        if expecting is not None:
            reaches = (
                f"policy '{expecting.chosen}' (line {self.lines.get(expecting.chosen, '?')})"
                if expecting.chosen
                else "no policy"
            )
            return (
                f"{nobody}{self.story(expecting)} expects it (policy_id) but reaches {reaches}: "
                f"{self.difference(policy, expecting)}"
            )
        partly = "".join(
            f" (for a '{case_type}' case it never is: {self.described(other)})" for case_type, other in shadows.items()
        )
        return (
            f"policy '{policy.id}' is reached by no story, rule or test story "
            f"(add a test story in tests/stories/ whose case leads to it){partly}"
        )

    def difference(self, policy: Policy, explanation: Explanation) -> str:
        """Why a story's case does not match a policy, in its facts."""
        if explanation.case_type is None:
            return "it explains no case (no intent the catalog covers comes before it); start the story with one"
        if explanation.case_type not in policy.case_types:
            return (
                f"its case is '{explanation.case_type}', which case_types [{', '.join(policy.case_types)}] "
                "does not list; fix the story's case or the policy's case_types"
            )
        wrong = [
            f"{k}: {scalar(explanation.facts.get(k))} where it wants {k}: {scalar(v)}"
            for k, v in policy.when.items()
            if explanation.facts.get(k) != v
        ]
        if not wrong:  # it matches, so an earlier policy was chosen (said before this is asked)
            return "an earlier policy is chosen first"
        return "its case has " + "; ".join(wrong) + "; fix the story's case or the policy's when:"
