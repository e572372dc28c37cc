"""What the channels say to a customer, worded in the domain's responses (domain.yml).

A reply inside a conversation (``say``) goes through the agent's NLG, as the
assistant's own replies do. A sentence outside a conversation (``text``): a
refusal of a request, or what nginx answers while an instance is away
(launch/cluster/nginx.py), is a response's text with its placeholders filled,
from the agent's domain when there is one, else from domain.yml.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, List, Optional, Text

import yaml
from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.trackers import DialogueStateTracker

from gracious.responses import spoken
from gracious.settings import ROOT

DOMAIN_FILE = ROOT / "domain.yml"


@lru_cache(maxsize=1)
def project_responses() -> Dict[Text, List[Dict[Text, Any]]]:
    """domain.yml's responses, read once: for the texts needed where no agent is at hand."""
    return yaml.safe_load(DOMAIN_FILE.read_text(encoding="utf-8"))["responses"]


def text(key: Text, agent: Optional[Any] = None, channel: Text = "rest", **values: Any) -> Text:
    """The text of response ``key`` with ``values`` in its placeholders.

    From ``agent``'s domain (the model's) when it has one, else from domain.yml.
    A response that is missing or has no text raises KeyError: the tests render
    every key the channels use.
    """
    domain = getattr(agent, "domain", None)
    responses = project_responses() if domain is None else spoken(domain)
    message = TemplatedNaturalLanguageGenerator(responses).generate_from_slots(key, {}, channel, **values)
    if not message or not message.get("text"):
        raise KeyError(f"The domain has no text response {key!r}")
    return message["text"]


async def say(agent: Any, key: Text, sender: Text, **values: Any) -> Dict[Text, Any]:
    """Response ``key`` as a reply in ``sender``'s conversation, said by the agent's NLG."""
    tracker = DialogueStateTracker(sender, agent.domain.slots)
    message = await agent.nlg.generate(key, tracker, "rest", **values) or {}
    return {"recipient_id": sender, "text": message.get("text", "")}
