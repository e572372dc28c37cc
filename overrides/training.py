"""What `make train` changes in Rasa's training: a new action in a rule no longer retrains the NLU.

Rasa's ``E2EImporter.get_nlu_data`` adds, besides the NLU examples, every action named
in the stories and rules as a training message (``_additional_training_data_from_stories``),
for policies that featurize actions end to end (TED with end-to-end stories). Each NLU
component's cache key covers all of that data, so adding an ``utter_`` to a rule
retrained the whole NLU (91 s against 25 s for the policy alone, docs/speed.md). Our
policies (server/dialogue/policies.py, a RulePolicy) never featurize actions, so here
the actions stay out of the NLU data, and so do the intents named in rules (messages
with an intent and no text, which no NLU component trains on); the customers' turns
written out as text in the stories stay in, as Rasa has them. ``applies()`` checks config.yml: with any policy that is not a
RulePolicy, Rasa's behaviour is kept.

Installed only by the training launcher (launch/train.py, which scripts/model.py runs),
never in the servers, which do not train.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, List

from rasa.shared.importers import importer as rasa_importer
from rasa.shared.importers.importer import E2EImporter
from rasa.shared.nlu.training_data.training_data import TrainingData

from overrides.patch import Patch

logger = logging.getLogger(__name__)

_rasa_additional_training_data = E2EImporter._additional_training_data_from_stories


def _customer_turns_from_stories(self: E2EImporter) -> TrainingData:
    """Rasa's ``_additional_training_data_from_stories`` without the actions' messages."""
    utterances, _actions = rasa_importer._unique_events_from_stories(self.get_stories())
    # Only turns written out as text: an intent alone is a core message that no NLU
    # component trains on (``Message.is_core_or_domain_message``), yet it is in every key.
    # Sorted as Rasa sorts them, so that the order of stories never changes the data.
    ordered = sorted((user for user in utterances if user.text), key=lambda user: user.text or "")
    return TrainingData([rasa_importer._messages_from_user_utterance(user) for user in ordered])


PATCHES: List[Patch] = [
    Patch(E2EImporter, "_additional_training_data_from_stories", _customer_turns_from_stories),
]


def applies(config_path: Path) -> bool:
    """Whether every policy in ``config_path`` is a RulePolicy (none featurizes actions)."""
    import yaml
    from rasa.core.policies.rule_policy import RulePolicy
    from rasa.engine.recipes.default_recipe import DefaultV1Recipe
    from rasa.shared.exceptions import RasaException

    config: Any = yaml.safe_load(config_path.read_text(encoding="utf-8")) or {}
    policies = config.get("policies") or []
    if not policies:
        return False  # Rasa's default policies include TED
    for policy in policies:
        try:
            cls = DefaultV1Recipe._from_registry(str((policy or {}).get("name", ""))).clazz
        except (RasaException, ImportError, AttributeError):
            return False
        if not issubclass(cls, RulePolicy):
            return False
    return True


def install(config_path: Path) -> bool:
    """Apply the training override when ``config_path``'s policies allow it; whether it was."""
    if not applies(config_path):
        logger.info("A policy in config.yml may featurize actions: Rasa's training data is kept as it is.")
        return False
    for patch in PATCHES:
        patch.apply()
    return True
