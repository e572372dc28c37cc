"""The placeholder renderer: every response, rendered with every kind of value.

`make check` runs it with the playbook check (studio/check.py). Each variation of
each response in domain.yml is filled the way Rasa fills it, with the samples of
catalog/placeholders.yml: one placeholder at a time takes each of its samples,
the others their first. A rendering is a finding at the line of its text when:

- a placeholder has no samples (it could go out unfilled, as "{name}");
- a value is empty ("" or None) in a response without a variation that needs no
  value and has no condition or channel (server/dialogue/whole_words.py falls back to that one
  at run time; without it the customer would read "None days ago" or "your refund
  for  is under way");
  placeholders `known` for the response are not tried empty (the rule is
  gracious/whole_values.py's, which the live check of a saved domain.yml applies too);
- "a" or "an" right before a placeholder does not fit the value ("a order",
  "a $8.00"): the sound of the first word decides, numbers read aloud, short
  capitals spelled out ("an LK-10421");
- agreement, kept simple: a verb from `singular_verbs` right after a placeholder
  whose sample is in `plural` ("the headphones reaches");
- a number that reads "1 calls": a word ending in s (not "is", "has", "across"...)
  right after a placeholder whose sample is 1;
- what only shows once filled (studio/rendered.py): a doubled space or a space
  before punctuation, "None" or "null", a leftover brace, empty brackets, a
  sentence that starts with a lower-case value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Set, Tuple

from rasa.core.nlg.interpolator import interpolate_text
from yaml.nodes import Node

from actions.case import money
from gracious.catalog import CatalogError, load_catalog
from gracious.whole_values import SAMPLES_FILE, SampleValues, is_empty, placeholders
from studio.examples import normal_text
from studio.rendered import output_problems
from studio.yamlnodes import get, items, plain, seq, text

ARTICLE_BEFORE = re.compile(r"(?<![\w'\u2019])(an?|An?)\s+\{(\w+)\}")
WORD_AFTER = re.compile(r"\{(\w+)\}\s+([\w'\u2019]+)")
# Words ending in s after a number that are no plural nouns ("1 is", "1 plus 1", "1 across").
NOT_PLURAL = {"is", "was", "has", "does", "this", "thus", "plus", "yes", "always", "its", "his", "as", "across", "news"}
FALLBACK_HINT = "add a variation with no placeholders next to it, for the assistant to fall back on"


@dataclass
class Samples:
    """catalog/placeholders.yml: sample values, plural words, singular verbs, known values."""

    values: Dict[str, List[Any]]
    plural: Set[str] = field(default_factory=set)
    singular_verbs: Set[str] = field(default_factory=set)
    known: Dict[str, Set[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, root: Path) -> "Samples":
        shared = SampleValues.load(root)
        raw, values = shared.raw, shared.values
        amounts = values.setdefault("amount", [])
        amounts += [a for a in credit_amounts(root) if a not in amounts]
        return cls(
            values=values,
            plural={str(w).lower() for w in raw.get("plural") or []},
            singular_verbs={normal_text(str(w)) for w in raw.get("singular_verbs") or []},
            known=shared.known,
        )


def credit_amounts(root: Path) -> List[str]:
    """Every amount an offer in the policy catalog carries, as the actions show it ("$10.00")."""
    try:
        catalog = load_catalog(root / "catalog" / "policies.yml")
    except CatalogError:
        return []  # the check reports the catalog's own problem
    found: List[str] = []
    for policy in catalog.policies:
        for offer in (*policy.alternatives, *policy.entitled_alternatives):
            if offer.amount is not None and money(offer.amount) not in found:
                found.append(money(offer.amount))
    return found


# -- a or an ---------------------------------------------------------------------

CONSONANT_SOUND = ("one", "once", "uni", "use", "usu", "uti", "ure", "uro", "eu", "ewe", "ubiq", "unanim")
VOWEL_SOUND = ("hour", "honest", "honour", "honor", "heir")
VOWEL_LETTER_NAMES = set("AEFHILMNORSX")  # "an F", "an LK-10421", "an SMS"


def wants_an(word: str) -> bool:
    """Whether a word is said with "an" before it: "an order", "an $8.00", "a one-off"."""
    word = word.lstrip("\"'(\u201c\u2018$\u00a3\u20ac")
    digits = re.match(r"\d[\d,]*", word)
    if digits:
        number = digits.group().replace(",", "")
        lead = int(number[: (len(number) - 1) % 3 + 1])  # eight / eleven / eighteen / eighty... thousand
        return lead in (8, 11, 18) or 80 <= lead <= 89 or 800 <= lead <= 899
    letters = re.match(r"[A-Za-z]+", word)
    if not letters:
        return False
    head = letters.group()
    if head.isupper() and len(head) <= 3:
        return head[0] in VOWEL_LETTER_NAMES
    lower = head.lower()
    if lower.startswith(VOWEL_SOUND):
        return True
    if lower.startswith(CONSONANT_SOUND):
        return False
    return lower[0] in "aeiou"


# -- rendering ----------------------------------------------------------------------


def render(template: str, values: Mapping[str, Any]) -> str:
    """The text as Rasa fills it (None shows as "None"; a brace that is no {name} leaves it all unfilled)."""
    if any(not re.fullmatch(r"\w+", name) for name in re.findall(r"{([^\n{}]+?)}", template)):
        return template  # what Rasa sends, after logging the KeyError
    return interpolate_text(template, dict(values))


def excerpt(template: str, values: Mapping[str, Any], name: str, width: int = 28) -> str:
    """The rendering around where {name} was filled in."""
    out = render(template, values)
    at = template.find("{" + name + "}")
    if at < 0:
        return out
    start = len(render(template[:at], values))
    end = start + len(str(values.get(name)))
    left, right = max(0, start - width), min(len(out), end + width)
    while 0 < left and not out[left - 1].isspace():  # whole words at both ends
        left -= 1
    while right < len(out) and not out[right].isspace():
        right += 1
    return ("\u2026" if left else "") + out[left:right] + ("\u2026" if right < len(out) else "")


def gap(template: str, values: Mapping[str, Any], name: str) -> str:
    """What an empty value does to the sentence, in a few words."""
    out, value = render(template, values), values.get(name)
    if value is None:
        return 'it says "None"'
    checks = [
        (r"[ \t]{2,}", "a doubled space"),
        (r"[ \t][,.;:!?)]", "a space before punctuation"),
        (r"\(\s*\)", "empty brackets"),
        (r"(?<![\w.])%", "a % with no number"),
        (r"^\s|^[,.;:!?]|\s$", "it starts or ends with a gap"),
    ]
    base = render(template, {**values, name: "X"})
    for pattern, problem in checks:
        if len(re.findall(pattern, out)) > len(re.findall(pattern, base)):
            return problem
    return "a word is missing"


def value_problems(template: str, values: Mapping[str, Any], samples: Samples) -> List[str]:
    """Problems of one rendering with values that are all there."""
    out = render(template, values)
    problems = [f"leaves {{{name}}} unfilled" for name in sorted(placeholders(out))]
    problems += output_problems(template, values, out)
    for match in ARTICLE_BEFORE.finditer(template):
        article, name = match.groups()
        words = str(values.get(name, "")).split()
        if not words:
            continue
        fits = "an" if wants_an(words[0]) else "a"
        if article.lower() != fits:
            problems.append(f'says "{article} {words[0]}": use "{fits}" there, or rephrase so every {{{name}}} fits')
    for match in WORD_AFTER.finditer(template):
        name, verb = match.group(1), normal_text(match.group(2))
        words = str(values.get(name, "")).lower().split()
        if verb in samples.singular_verbs and words and words[-1] in samples.plural:
            problems.append(
                f'says "{words[-1]} {match.group(2)}": "{match.group(2)}" does not agree with a plural '
                f"{{{name}}}; rephrase so it fits both "
                '("once we receive the {item}", not "once the {item} reaches us")'
            )
    problems += _one_plural(template, values)
    return problems


def _one_plural(template: str, values: Mapping[str, Any]) -> List[str]:
    """A number placeholder that reads "1 calls" when it is 1: a plural noun straight after it."""
    found = []
    for match in WORD_AFTER.finditer(template):
        name, word = match.groups()
        lower = word.lower()
        if str(values.get(name)) != "1" or isinstance(values.get(name), bool):
            continue
        if lower.endswith("s") and not lower.endswith(("ss", "us", "is", "'s")) and lower not in NOT_PLURAL:
            found.append(
                f"reads '1 {word}' when {{{name}}} is 1 — add a variation for one (condition) or reword ('{word}: 1')"
            )
    return found


def strings(variation: Node) -> Iterable[Node]:
    """The words of a variation: its text and its buttons' titles."""
    node = get(variation, "text")
    if node is not None:
        yield node
    for button in seq(get(variation, "buttons")):
        title = get(button, "title")
        if title is not None:
            yield title


def response_findings(name: str, variations: Sequence[Node], samples: Samples) -> Iterable[Tuple[Node, str]]:
    """(node, problem) for every broken rendering of one response."""
    left_empty = set(SampleValues(samples.values, samples.known).left_empty(name, [plain(v) for v in variations]))
    for variation in variations:
        for node in strings(variation):
            template = text(node)
            names = sorted(placeholders(template))
            missing = [n for n in names if not samples.values.get(n)]
            for n in missing:
                yield (
                    node,
                    (
                        f"response '{name}' uses {{{n}}}, which has no samples in {SAMPLES_FILE}; "
                        "add the kinds of value the actions pass for it"
                    ),
                )
            if missing:
                continue
            base = {n: next((s for s in samples.values[n] if not is_empty(s)), samples.values[n][0]) for n in names}
            for n in names:
                for sample in samples.values[n]:
                    values = {**base, n: sample}
                    if is_empty(sample):
                        if n not in left_empty:
                            continue
                        shown = "None" if sample is None else "empty"
                        yield (
                            node,
                            (
                                f"response '{name}' can be sent with {{{n}}} {shown} "
                                f'("{excerpt(template, values, n)}": {gap(template, values, n)}); {FALLBACK_HINT}'
                            ),
                        )
                        continue
                    for problem in value_problems(template, values, samples):
                        yield node, f"response '{name}' {problem}"


def findings(domain: Optional[Node], samples: Samples) -> List[Tuple[Node, str]]:
    """Every broken rendering of every response in the domain."""
    found: List[Tuple[Node, str]] = []
    for key, variations in items(get(domain, "responses")):
        found += response_findings(text(key), seq(variations), samples)
    return found
