"""What a filled-in sentence must never show, whatever the values: the renderer's last look.

studio/placeholders.py fills every response with each kind of value; each rendering
is read here for what only shows once it is filled:

- a doubled space, or a space before punctuation ("for  is", "by .");
- "None", "null", "undefined" or "nan" as a word the template does not say itself;
- a brace left over ("{reference" or "{}"), which a placeholder's own pattern misses;
- empty brackets "()";
- a sentence that starts with a placeholder whose value starts in lower case
  ("dress is on its way."), once per placeholder whatever the value.
"""

from __future__ import annotations

import re
from typing import Any, List, Mapping

GAPS = (
    (re.compile(r"\S[ \t]{2,}\S"), "a doubled space"),
    (re.compile(r"[^\s(][ \t]+[,.;:!?)](?!\w)"), "a space before punctuation"),
    (re.compile(r"\(\s*\)"), "empty brackets"),
)
NOTHING_WORDS = re.compile(r"(?<![\w'])(None|null|undefined|nan|NaN)(?![\w'])")
# A placeholder at the start of the text, of a line, or after the end of a sentence.
SENTENCE_START = re.compile(r"(?:^|\n|[.!?][\"'\u201d)]?\s+)\{(\w+)\}")


def output_problems(template: str, values: Mapping[str, Any], out: str) -> List[str]:
    """What is broken in ``out``, ``template`` filled with ``values`` (problems as 'shows ...')."""
    problems = []
    for pattern, problem in GAPS:
        found = pattern.search(out)
        if found:
            problems.append(f'shows {problem} ("{snippet(out, found.start(), found.end())}")')
    said = NOTHING_WORDS.findall(template)
    shown = NOTHING_WORDS.findall(out)
    for word in sorted(set(shown)):
        if shown.count(word) > said.count(word):  # "None of this is your fault" says it on purpose
            problems.append(f'shows "{word}" where a value should be')
    if re.search(r"[{}]", re.sub(r"\{\w+\}", "", out)):  # an unfilled {name} is found on its own
        problems.append("shows a brace once filled in; write each placeholder as {name}")
    for match in SENTENCE_START.finditer(template):
        name = match.group(1)
        if str(values.get(name, ""))[:1].islower():
            problems.append(
                f"starts a sentence with {{{name}}}, which can start in lower case; "
                f'put a word before it ("Your {{{name}}}\u2026")'
            )
    return problems


def snippet(out: str, start: int, end: int, width: int = 20) -> str:
    """A few words of ``out`` around ``start``..``end``."""
    left, right = max(0, start - width), min(len(out), end + width)
    while 0 < left and not out[left - 1].isspace():
        left -= 1
    while right < len(out) and not out[right].isspace():
        right += 1
    return ("\u2026" if left else "") + out[left:right] + ("\u2026" if right < len(out) else "")
