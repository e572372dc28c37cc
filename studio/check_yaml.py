"""Every designer's file read as YAML first, so a mistake is one line with its fix, never a traceback.

    python -m studio.check_yaml [--root DIR]

`make check` runs this before `rasa data validate` and the playbook check (both would
stop on a YAML mistake with a message of their own): domain.yml, config.yml, data/,
catalog/ and tests/stories/, each mistake printed as `file:line: problem` with what
to do (gracious/yaml_errors.py), exit 1 when there is any. A key written twice in one
mapping is a mistake too (Rasa's reader refuses it, and elsewhere the second would
silently replace the first). domain.yml's responses then get the checks the running
assistant applies to a saved domain.yml (gracious/response_checks.py): a variation with
no text, a button with no payload, a placeholder that may be empty with no variation
to fall back on — each found here, before Rasa's validator stops with its own words.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

from gracious.response_checks import read_responses
from gracious.settings import ROOT
from gracious.whole_values import SampleValues
from gracious.yaml_errors import YamlMistake, read_yaml
from gracious.yaml_lines import MarkedLoader

FOLDERS = ("data", "catalog", "tests/stories")
FILES = ("domain.yml", "config.yml")


def designer_files(root: Path) -> List[Path]:
    """The YAML files designers edit, in a stable order."""
    files = [root / name for name in FILES if (root / name).is_file()]
    for folder in FOLDERS:
        files += sorted(p for p in (root / folder).rglob("*.yml") if p.is_file())
    return files


def yaml_mistakes(root: Path) -> List[Tuple[str, int, str]]:
    """Each designer's file that is not valid YAML: (file from the root, line, problem and fix)."""
    found = []
    for path in designer_files(root):
        try:
            read_yaml(path, MarkedLoader)  # a key written twice is refused, as Rasa's reader does
        except YamlMistake as mistake:
            found.append((str(path.relative_to(root)), mistake.line, mistake.problem))
            continue
        if path == root / "domain.yml":
            reading = read_responses(path.read_text(encoding="utf-8"), SampleValues.load(root))
            found += [("domain.yml", problem.line, problem.problem) for problem in reading.problems]
    return found


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="the project folder (default: this one)")
    args = parser.parse_args(argv)
    mistakes = yaml_mistakes(args.root.resolve())
    for path, line, problem in mistakes:
        print(f"{path}:{line}: {problem}")
    if mistakes:
        print(f"YAML check: {len(mistakes)} problem(s) to fix before anything else can be checked", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
