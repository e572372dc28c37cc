"""A question no policy covers, answered honestly instead of with a topic's general wording.

"do you ship to canada" reads to the classifier as a delivery question, and the delivery
policy's general wording ("Orders arrive by the date shown at checkout...") answers something
else. The designers mark such answers `anywhere` in catalog/answers.yml (with a second word,
"ship" and "canada", so the topic alone never matches); asked in a case or not, the message is
then a question with that answer (action_answer_why says it, with a person offered). Asked after a
call or a case in the same message, it waits for that first (server/dialogue/also_asked.py).
"""

from __future__ import annotations

from typing import Any, Dict, Optional

from gracious.answers import answers_anywhere, parts
from gracious.references import find
from server.dialogue import in_hand, two_problems
from server.dialogue.readings import MEANT, WHY, read_as


def reading(parsed: Dict[str, Any], text: str, policy: Optional[str] = None) -> Optional[Dict[str, Any]]:
    """The message as a question with an `anywhere` answer, or None (a person or goodbye asked for means it).
    ``policy``: the policy in hand, whose own answers come before the general ones in the file's order."""
    if (parsed.get("intent") or {}).get("name") in MEANT:
        return None
    every = answers_anywhere(text, question=in_hand.is_question(text), policy=policy)
    if every and not any(a.anywhere for a in every):
        return None  # only the policy's own answers: read in the case as before
    if not every:
        return None
    found = every[0]
    first, *rest = parts(text) or [text]
    intent = (parsed.get("intent") or {}).get("name")
    if intent in (two_problems.case_types() or ()) and any(f.entity == "order_id" for f in find(text)):
        # "my lamp from LK-10425 is broken, what happens if its under warranty?": a case with its record,
        # opened first; the question is looked at after it (server/dialogue/also_asked.py).
        return None
    if (
        rest
        and not found.words.search(first)
        and (intent == "request_callback" or intent in (two_problems.case_types() or ()))
    ):
        # "can someone call me tomorrow at 9? also can i change it to black before it ships", "WELCOME10 isnt
        # working. do you ship to canada btw?": the call or the case first, the question answered after it
        # (server/dialogue/also_asked.py). "my son has a peanut allergy. are the pastries safe?" is one question.
        return None
    marks = {
        "answer": found.response,
        "answers": [a.response for a in every],
        "answer_person": any(a.person for a in every),
    }
    return dict(read_as(parsed, WHY, "case_question"), **marks)
