"""A YAML mistake in a designer's words: the line it is on, what is wrong, and the fix.

PyYAML's own message ("while scanning for the next token ... in "<unicode string>",
line 243") names neither the file nor a fix. ``explain`` reads the error's marks and
the line itself, and says what a designer does about it:

    a tab or bad indentation: YAML needs spaces; line up 'text:' with the line above

``read_yaml`` loads a file and raises ``YamlMistake`` (with the file, line and
that sentence) for any mistake, and for a file that is not UTF-8 text.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Optional, Tuple

import yaml

_KEY = re.compile(r"^\s*(?:-\s+)?([^\s:#'\"][^:#]*?)\s*:(?:\s|$)")


class YamlMistake(ValueError):
    """A file that is not valid YAML, with the line and a fix a designer can follow."""

    def __init__(self, path: Path, line: int, problem: str) -> None:
        super().__init__(f"{path}:{line}: {problem}")
        self.path = path
        self.line = line
        self.problem = problem


def read_yaml(path: Path, loader: Any = yaml.SafeLoader) -> Any:
    """The data in a YAML file, or ``YamlMistake``; ``FileNotFoundError`` as open() raises it."""
    raw = path.read_bytes()
    try:
        content = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        at = raw[: error.start].count(b"\n") + 1
        raise YamlMistake(path, at, "a character that is not UTF-8 text: save the file as UTF-8") from None
    try:
        return yaml.load(content, Loader=loader)  # noqa: S506 (a safe loader, or one made from it)
    except yaml.YAMLError as error:
        at, problem = explain(error, content)
        raise YamlMistake(path, at, problem) from None


def explain(error: yaml.YAMLError, content: str) -> Tuple[int, str]:
    """The 1-based line of a YAML error in ``content`` and what to do about it."""
    problem = str(getattr(error, "problem", "") or error)
    context = str(getattr(error, "context", "") or "")
    problem_mark = getattr(error, "problem_mark", None)
    context_mark = getattr(error, "context_mark", None)
    at = problem_mark.line + 1 if problem_mark is not None else 1
    opened = context_mark.line + 1 if context_mark is not None else at
    lines = content.splitlines()
    here = lines[at - 1] if 0 < at <= len(lines) else ""
    line_up = _line_up(here)

    if "'\\t'" in problem or "\t" in here[: len(here) - len(here.lstrip())]:
        return at, f"a tab or bad indentation: YAML needs spaces; {line_up}"
    if problem.startswith("mapping values are not allowed"):
        if _colon_in_value(here):
            return at, "a ':' inside a value: put the whole value in double quotes (\"...\")"
        return at, f"bad indentation: {line_up}"
    if "quoted scalar" in context and "end of stream" in problem:
        return opened, "a quote opens here and never closes: end the text with the same quote mark"
    runaway = _runaway_quote(content, at) if problem_mark is not None else None
    if runaway is not None:
        return runaway, "a quote opens here and never closes: end the text with the same quote mark"
    if "unknown escape character" in problem:
        return at, "a backslash inside double quotes: write it as \\\\, or use single quotes around the value"
    if "simple key" in context:
        return opened, (
            "a line with no ':': write it as 'name: value', or indent it under the line above to continue that text"
        )
    if "flow node" in context and "'-'" in problem:
        return at, "a '- ' list item inside [ ]: write that list as [a, b] or put each '- ' item on a line of its own"
    if "flow sequence" in context or "flow mapping" in context:
        close = "]" if "sequence" in context else "}"
        return opened, f"a list or mapping opened here is not closed: end it with '{close}' on this line"
    if problem.startswith("expected <block end>") and "'<scalar>'" in problem and _after_quote(here):
        return at, "text after a closing quote: put the whole value inside the quotes"
    if problem.startswith("expected <block end>") and ("'-'" in problem or "sequence" in problem):
        return at, "a list item ('- ') out of line: line it up with the items above it"
    if problem.startswith(("expected <block end>", "did not find expected")):
        return at, f"bad indentation: {line_up}"
    if "cannot start any token" in problem:
        char = problem.split("'")[1] if problem.count("'") >= 2 else "that character"
        return at, f"a value cannot start with '{char}': put the whole value in double quotes"
    if "undefined alias" in problem:
        return at, "a value cannot start with '*': put the whole value in double quotes"
    if "constructor for the tag" in problem:
        return at, "a value cannot start with '!': put the whole value in double quotes"
    if "is written twice" in problem:
        return at, f"{problem}: keep one"
    return at, f"not valid YAML ({problem}): check the indentation and quotes here and on the line above"


def _runaway_quote(content: str, at: int) -> Optional[int]:
    """The line of a quote left open that ran on to the next quote mark, swallowing keys, up to line ``at``.

    Without its closing quote, a text runs on to the next quote of the same kind (the
    opening one of the next `- text: "`), and the parser stops there, lines below the
    mistake, at what then looks like bad indentation.
    """
    lines = content.splitlines()
    try:
        for token in yaml.scan(content, Loader=yaml.SafeLoader):
            if not isinstance(token, yaml.ScalarToken) or token.style not in ("'", '"'):
                continue
            first, last = token.start_mark.line, token.end_mark.line
            if first >= at:
                break
            if (
                first < last
                and at - 1 <= last + 1 <= at
                and any(_KEY.match(line) for line in lines[first + 1 : last + 1])
            ):
                return first + 1
    except yaml.YAMLError:
        pass
    return None


def _line_up(line: str) -> str:
    key = _KEY.match(line.replace("\t", " "))
    if key:
        return f"line up '{key.group(1)}:' with the line above"
    return "line this up with the line above"


def _colon_in_value(line: str) -> bool:
    key = _KEY.match(line)
    rest = line[key.end() :] if key else ""
    return bool(rest.strip()) and rest.strip()[0] not in "\"'" and ": " in rest + " "


def _after_quote(line: str) -> bool:
    key = _KEY.match(line)
    rest = (line[key.end() :] if key else line).strip()
    return rest[:1] in ("'", '"') and rest.count(rest[0]) >= 2 and not rest.endswith(rest[0])
