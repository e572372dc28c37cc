"""What a customer waiting for a person is offered instead of waiting: a call, or an email from the team.

One set of buttons, used by the assistant's actions (actions/waiting.py) and by the queue's
watch in the Rasa server (server/desk/waiting.py): titled as every offer of them (the
catalog's alternative's offer response), with the chat's own ``choose_alternative``
payloads, so a click or a typed "a call please" works. The offer is kept in its own slot
(``queue_offer``), not in the case's ``offered_alternatives``: the case's offer is what the
policy offered, and the hand-back and the desk's card read that.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Sequence, Text

from gracious.catalog import current_catalog

INSTEAD = ("callback", "email_followup")
SLOT = "queue_offer"


def instead_buttons(responses: Mapping[Text, Sequence[Dict[Text, Any]]]) -> List[Dict[Text, Any]]:
    """A call and an email as buttons; ``responses``: the domain's responses by name."""
    made = []
    for way in INSTEAD:
        variations = responses.get(current_catalog().alternatives[way].offer) or [{}]
        made.append(
            {"title": variations[0].get("text") or way, "payload": '/choose_alternative{"alternative": "%s"}' % way}
        )
    return made
