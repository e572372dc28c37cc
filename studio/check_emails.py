"""The emails' part of `make check`: catalog/emails.yml, checked like the responses.

Each template needs a ``subject`` and a ``text``, and lists in ``values`` the
placeholders the code that sends it fills in ({name} and {first_name} are always
there). A finding, at the template's line, for:

- a missing or empty subject or text, or no ``values`` list;
- a placeholder the template uses that its ``values`` don't list (the code never
  fills it, so the email could never be composed), or a brace that isn't one;
- a template that does not render with a sample value for each of its values,
  with and without a customer's name (gracious/outbox/mail.py, as the outbox does);
- words that blame or lecture the customer (catalog/blame_words.yml's phrases and patterns, as for
  responses), at the line that says them;
- a template the code sends (gracious/outbox/grant_emails.py, the thank-you note) that isn't there;
- ``summaries`` (the thank-you note's words when nothing was granted) that are not plain sentences.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator, List, Optional, Sequence, Tuple

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

from gracious.blame import Lecture, blame_phrases, lecture_patterns
from gracious.outbox import grant_emails, mail
from studio.check_rules import blame_problems
from studio.yamlnodes import get, items, line, line_of_words, seq, text

Problem = Tuple[Path, int, str]
ALWAYS = {"name", "first_name"}
# Templates the code here sends by name, besides those of grant_emails.FILLS.
SENT = ("thank_you",)


def _sample(name: str) -> str:
    """A value that shows where it went: <reference>."""
    return f"<{name}>"


def _used(words: str) -> List[str]:
    return sorted(mail.placeholders(words))


def _template_problems(
    path: Path, name: str, at: int, node: Node, blame: Sequence[str], lectures: Sequence[Lecture]
) -> Iterator[Problem]:
    if not isinstance(node, MappingNode):
        yield path, at, f"email '{name}' needs a subject, a text and its values"
        return
    parts = {}
    for part in ("subject", "text"):
        found = text(get(node, part)).strip()
        if not found:
            yield path, at, f"email '{name}' has no {part}"
        parts[part] = found
    values_node = get(node, "values")
    if values_node is None or not isinstance(values_node, SequenceNode):
        yield (
            path,
            line(values_node) if values_node is not None else at,
            f"email '{name}' needs `values`, the list of placeholders the code that sends it fills in "
            "(`values: []` for none)",
        )
        return
    listed = [text(v) for v in seq(values_node)]
    filled = grant_emails.FILLS.get(name)
    if filled is not None and not set(listed) <= set(filled):
        extra = ", ".join(sorted(set(listed) - set(filled)))
        yield (
            path,
            line(values_node),
            f"email '{name}' lists {extra}, which gracious/outbox/grant_emails.py never fills",
        )
    known = ALWAYS | set(listed)
    for part, words in parts.items():
        where = line(get(node, part) or node)
        try:
            used = _used(words)
        except ValueError as error:
            yield path, where, f"email '{name}' {part} has a brace that isn't a placeholder ({error})"
            continue
        for placeholder in used:
            if placeholder not in known:
                yield (
                    path,
                    where,
                    f"email '{name}' {part} uses {{{placeholder}}}, which its values don't list, so the code "
                    f"never fills it (values: {', '.join(sorted(known))})",
                )
        for said, problem in blame_problems(words, blame, lectures):
            yield path, line_of_words(get(node, part) or node, said), f"email '{name}' {problem}"
    yield from _summary_problems(path, name, node)


def _summary_problems(path: Path, name: str, node: Node) -> Iterator[Problem]:
    summaries = get(node, "summaries")
    for key, value in items(summaries):
        words = text(value).strip()
        if not words or "{" in words or "}" in words:
            yield path, line(value), f"email '{name}' summary '{text(key)}' must be a sentence with no placeholders"


def _render_problems(path: Path, name: str, at: int, listed: List[str]) -> Iterator[Problem]:
    samples = {value: _sample(value) for value in listed}
    for customer in ("Maya Okafor", None):
        try:
            composed = mail.compose(name, "customer@example.com", samples, path=path, name=customer)
        except (mail.MailTemplateError, KeyError, ValueError, IndexError) as error:
            yield path, at, f"email '{name}' does not render: {error}"
            return
        if "{" in composed["subject"] + composed["text"]:
            yield path, at, f"email '{name}' still shows a brace once filled in"
            return


def email_problems(
    path: Path, blame: Optional[Sequence[str]] = None, lectures: Optional[Sequence[Lecture]] = None
) -> List[Problem]:
    """Every problem in the emails file at ``path``, as (path, line, problem).

    ``blame`` and ``lectures``: the phrases and patterns of catalog/blame_words.yml (read when not given).
    """
    blame = blame_phrases() if blame is None else blame
    lectures = lecture_patterns() if lectures is None else lectures
    if not path.exists():
        return [(path, 1, "the emails file is missing")]
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        return [(path, mark.line + 1 if mark else 1, f"not valid YAML: {error}")]
    found: List[Problem] = []
    names = set()
    for key, node in items(root):
        name = text(key)
        names.add(name)
        problems = list(_template_problems(path, name, line(key), node, blame, lectures))
        found += problems
        if not problems:
            listed = [text(v) for v in seq(get(node, "values"))]
            found += _render_problems(path, name, line(key), listed)
    for name in (*grant_emails.FILLS, *SENT):
        if name not in names:
            found.append((path, 1, f"the code sends email '{name}', which the file doesn't have"))
    return found
