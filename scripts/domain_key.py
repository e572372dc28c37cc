"""domain.yml as the model key sees it (scripts/model.py): a response's words count only when training reads them.

Training reads the responses' words only through a policy or component that featurizes
them: TED end-to-end (any policy but our RulePolicy) or a ResponseSelector. With
neither (``wording_free``), the key takes the file's text with the ``responses:``
block's lines left out and the sorted response names in their place, so a wording edit
trains nothing; otherwise it takes the file as it is. The rest of the file counts as
raw text, never re-serialized: PyYAML reads ``yes`` as true where Rasa reads a word.

Deciding ``wording_free`` imports Rasa's registry (about 6 s), so the answer is kept in
``models/.wording-free.json`` per version of config.yml and of overrides/training.py.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, List, Optional, Tuple

import yaml

from gracious.settings import ROOT

CACHE = ".wording-free.json"


def _decide(config_path: Path) -> bool:
    from rasa.engine.recipes.default_recipe import DefaultV1Recipe
    from rasa.nlu.selectors.response_selector import ResponseSelector
    from rasa.shared.exceptions import RasaException

    from overrides.training import applies

    if not applies(config_path):
        return False  # a policy other than RulePolicy may featurize the responses (TED end-to-end)
    config: Any = yaml.safe_load(config_path.read_text(encoding="utf-8")) or {}
    for component in config.get("pipeline") or []:
        name = str((component or {}).get("name", ""))
        try:
            cls = DefaultV1Recipe._from_registry(name).clazz
        except (RasaException, ImportError, AttributeError):
            return False  # unknown: count the words, to be safe
        if issubclass(cls, ResponseSelector):
            return False
    return True


def wording_free(root: Path) -> bool:
    """Whether no policy or component of ``root``'s config.yml reads response texts."""
    config = root / "config.yml"
    try:
        source = config.read_bytes() + b"\0" + (ROOT / "overrides" / "training.py").read_bytes()
    except OSError:
        return False
    key = hashlib.sha256(source).hexdigest()[:16]
    cache = root / "models" / CACHE
    try:
        known = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    if isinstance(known, dict) and isinstance(known.get(key), bool):
        return bool(known[key])
    answer = _decide(config)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps({key: answer}) + "\n", encoding="utf-8")
    except OSError:
        pass
    return answer


def split_domain(text: str) -> Optional[Tuple[str, List[str]]]:
    """domain.yml's text without its top-level ``responses:`` block, and the response names; None if not YAML."""
    try:
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return None
    if not isinstance(root, yaml.MappingNode):
        return None
    keys = [(key.start_mark.line, key, value) for key, value in root.value]
    for index, (line, key, value) in enumerate(keys):
        if key.value == "responses" and isinstance(value, yaml.MappingNode):
            end = keys[index + 1][0] if index + 1 < len(keys) else None
            lines = text.splitlines(keepends=True)
            rest = "".join(lines[:line]) + "".join(lines[end:] if end is not None else [])
            return rest, sorted(str(name.value) for name, _ in value.value)
    return None


def domain_for_training(path: Path, free: bool) -> bytes:
    """domain.yml as training sees it: with ``free``, everything but the responses' words; else all of it."""
    raw = path.read_bytes()
    if not free:
        return raw
    try:
        split = split_domain(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return raw
    if split is None:
        return raw  # training says what is wrong
    rest, names = split
    return rest.encode("utf-8") + b"\0responses\0" + json.dumps(names).encode()
