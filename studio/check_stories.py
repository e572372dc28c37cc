"""The playbook in stories and rules: empathy before any policy, and no "no" on its own.

In a complaint (from one of the catalog's case types on), a step that explains a
policy must come after empathy, and the same turn must offer an alternative.
"""

from __future__ import annotations

from pathlib import Path
from typing import AbstractSet, Iterable, Iterator, List, Optional, Sequence, Set, Tuple

from studio.check_rules import Rules, matches
from studio.flows import Flow, Step

# Where a problem is and what it is: (file, line, problem).
Problem = Tuple[Path, int, str]


class _Walk:
    """Steps of one story or rule, each with: in a complaint? empathized yet?"""

    def __init__(self, flow: Flow, rules: Rules, case_types: AbstractSet[str], case_loops: Set[str]) -> None:
        self.flow = flow
        self.rules = rules
        self.case_types = case_types
        # A rule that goes on with a form opened during a complaint: whoever opened
        # the form answers for the empathy before it (checked where it is opened).
        self.in_case = flow.condition_loop in case_loops
        self.empathized = self.in_case

    def steps(self) -> Iterable[Tuple[Step, bool, bool]]:
        for step in self.flow.steps:
            if step.kind == "intent" and set(step.names) & self.case_types:
                self.in_case = True
            if step.kind == "action" and matches(step.name, self.rules.empathy):
                self.empathized = True
            yield step, self.in_case, self.empathized


def _case_loops(flows: Sequence[Flow], rules: Rules, case_types: AbstractSet[str]) -> Tuple[Set[str], Set[str]]:
    """Forms opened during a complaint, and the forms whose rules go on to explain a policy."""
    opened = {
        step.name
        for flow in flows
        for step, in_case, _ in _Walk(flow, rules, case_types, set()).steps()
        if in_case and step.kind == "active_loop" and step.name != "null"
    }
    explaining = {
        flow.condition_loop
        for flow in flows
        if flow.condition_loop and any(matches(s.name, rules.explain) for s in flow.steps)
    }
    return opened, explaining


def _bare_refusal(flow: Flow, turn: List[Tuple[Step, bool]], rules: Rules) -> Optional[Problem]:
    for index, (step, in_case) in enumerate(turn):
        if in_case and matches(step.name, rules.explain):
            later = [s.name for s, _ in turn[index + 1 :]]
            if not any(matches(n, rules.alternatives) for n in later):
                return (
                    flow.path,
                    step.line,
                    f"{flow.kind} '{flow.name}' says no ({step.name}) without offering an alternative in the same turn",
                )
            return None
    return None


def story_problems(flows: Sequence[Flow], rules: Rules, case_types: AbstractSet[str]) -> Iterator[Problem]:
    """Policy explained before empathy, and refusals without an alternative in the same turn."""
    case_loops, explaining_loops = _case_loops(flows, rules, case_types)
    for flow in flows:
        turns: List[List[Tuple[Step, bool]]] = [[]]
        cold = None
        for step, in_case, empathized in _Walk(flow, rules, case_types, case_loops).steps():
            if step.kind == "intent":
                turns.append([])
                continue
            if step.kind != "action":
                continue
            explains = matches(step.name, rules.explain) or step.name in explaining_loops
            if in_case and explains and not empathized and cold is None:
                cold = step
            turns[-1].append((step, in_case))
        yield from filter(None, (_bare_refusal(flow, turn, rules) for turn in turns))
        if cold is not None:
            how = "" if matches(cold.name, rules.explain) else f" through {cold.name}"
            yield flow.path, cold.line, f"{flow.kind} '{flow.name}' explains a policy{how} before any empathy"
