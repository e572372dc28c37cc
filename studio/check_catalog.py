"""The policy catalog against the rest: every response it names exists, every policy is reached.

A policy is reached when a story, rule or test story acts out a case the catalog
picks it for, replayed as action_explain_policy would pick it.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Dict, Iterator, Mapping, Optional, Sequence, Set, Tuple

from rasa_sdk import Tracker
from yaml.nodes import Node

from actions.case import gather_facts
from gracious.catalog import Catalog
from gracious.stores import company
from studio.flows import Flow
from studio.yamlnodes import get, items, line, seq, text

# Where a problem is and what it is: (file, line, problem).
Problem = Tuple[Path, int, str]


def response_problems(path: Path, catalog: Optional[Node], responses: Mapping[str, object]) -> Iterator[Problem]:
    """Responses the catalog at ``path`` names that domain.yml lacks."""
    for alt_key, spec in items(get(catalog, "alternatives")):
        for role in ("offer", "confirm"):
            node = get(spec, role)
            if node is None or text(node) not in responses:
                yield (
                    path,
                    line(node or alt_key),
                    f"alternative '{text(alt_key)}' has no {role} response"
                    + (f" ('{text(node)}' is not in domain.yml)" if node is not None else ""),
                )
    for policy in seq(get(catalog, "policies")):
        for role, node in items(get(policy, "responses")):
            if text(node) not in responses:
                yield (
                    path,
                    line(node),
                    f"policy '{text(get(policy, 'id'))}': response '{text(node)}' ({text(role)}) is not in domain.yml",
                )


def unreached_problems(
    path: Path, catalog: Optional[Node], policies: Catalog, flows: Sequence[Flow]
) -> Iterator[Problem]:
    """Policies no story, rule or test story reaches, at their line in the catalog."""
    reached = reached_policies(policies, flows)
    for policy in seq(get(catalog, "policies")):
        policy_id = text(get(policy, "id"))
        if policy_id not in reached:
            yield (
                path,
                line(policy),
                f"policy '{policy_id}' is reached by no story, rule or test story "
                "(add a test story in tests/stories/ whose case leads to it)",
            )


def reached_policies(policies: Catalog, flows: Sequence[Flow]) -> Set[str]:
    """Policies the catalog picks for the cases the stories act out.

    Each explanation in a story is replayed against the company's records: the
    references and codes the customer gave become facts, and the catalog picks a
    policy exactly as action_explain_policy does.
    """

    async def replay() -> Set[str]:
        reached: Set[str] = set()
        # A story's customer is verified for their records (signed in on the website).
        everyone = await company().customer_ids()
        for flow in flows:
            slots: Dict[str, Any] = {"verified_customers": everyone}
            case_type = intent = None
            for step in flow.steps:
                if step.kind == "intent":
                    intent = step.name
                    if intent in policies.case_types:
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
