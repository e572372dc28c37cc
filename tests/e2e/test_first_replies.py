"""The first reply of every conversation in the panel (tests/conversations/*.yml) names the
customer's feeling at most once and says sorry at most once (issue #17 panel: sympathy stacked
in a first answer, "I understand..." then "I'm sorry" then the policy's "I'm sorry" again).

Held over REST against the real servers and model, each first message from a sender of its
own (not the panel's, whose conversations go on past the first turn), signed in as the panel
conversation says."""

from __future__ import annotations

import re

from tests.e2e.conftest import Bot
from tests.e2e.panel import load_panel

# Saying sorry (the playbook's move 4), and naming the customer's feeling (move 3): each once a reply at most.
APOLOGY = re.compile(r"\b(sorry|apologi[sz]e)", re.IGNORECASE)
EMPATHY = re.compile(
    r"\b(understand|frustrat|i hear you|i can hear|i can imagine|i can see why|i get it"
    r"|feel the same|upset|annoy|disappoint|letdown|nuisance|worrying|unsettling)",
    re.IGNORECASE,
)


def test_every_panel_conversations_first_reply_names_the_feeling_and_says_sorry_at_most_once(bot: Bot) -> None:
    stacked, heard, sorry = [], 0, 0
    for conversation in load_panel():
        first = conversation.turns[0]
        if not isinstance(first.get("customer"), str):
            continue  # opens with a click
        sender = f"first-{conversation.sender}"
        if conversation.signed_in is not None:
            bot.sign_in(sender, None if conversation.signed_in == "nobody" else conversation.signed_in)
        said = [reply.get("text") or "" for reply in bot.say(sender, first["customer"])]
        apologies = [phrase for text in said for phrase in APOLOGY.findall(text)]
        feelings = [phrase for text in said for phrase in EMPATHY.findall(text)]
        heard += bool(apologies or feelings)
        sorry += bool(apologies)
        if len(apologies) > 1 or len(feelings) > 1:
            found = apologies + feelings
            stacked.append(f"{conversation.id}: {first['customer']!r} -> {found}\n    " + "\n    ".join(said))
    assert not stacked, f"{len(stacked)} first replies stack sympathy:\n" + "\n".join(stacked)
    assert heard > 50  # the complaints still hear sympathy
    assert sorry > 20  # and an apology where one is due
