"""A goodbye in any sentence of a message: "no. bye.", "that's all, thanks", "That will be all.", "I'm done, bye".

Shared by the server (server/dialogue/after_a_person.py reads an ending after a person as one)
and the actions (actions/feedback.py closes the conversation when a rating or remark came with a goodbye).
"""

from __future__ import annotations

import re

from gracious import repair

# Closing words the designers' list (catalog/repair.yml `closing`) lacks: "That will be all", "I'm done".
DONE = re.compile(r"\b(?:that will be all|that'?ll be all|i'?m done|im done|i am done|we'?re done)\b", re.I)


# A goodbye is a short sentence of its own: "nope, the credit should be $20" is not leaving.
SHORT = 5


def says_goodbye(text: str) -> bool:
    """Whether the message says the customer is leaving, in a short sentence of its own."""
    for sentence in re.split(r"[.!?\n\u2026]+", text or ""):
        if 0 < len(sentence.split()) <= SHORT and (
            repair.says("goodbye", sentence) or repair.says("closing", sentence) or DONE.search(sentence)
        ):
            return True
    return False
