"""A question no policy covers, answered honestly instead of with a topic's general wording.

"do you ship to canada" reads to the classifier as a delivery question, and the delivery
policy's general wording ("Orders arrive by the date shown at checkout...") answers something
else. The designers mark such answers `anywhere` in catalog/answers.yml (with a second word,
"ship" and "canada", so the topic alone never matches); asked in a case or not, the message is
then a question with that answer (action_answer_why says it, with a person offered).
"""

from __future__ import annotations

from typing import Any, Dict, Optional

from gracious.answers import answer_anywhere
from server.dialogue import in_hand
from server.dialogue.readings import MEANT, WHY, read_as


def reading(parsed: Dict[str, Any], text: str) -> Optional[Dict[str, Any]]:
    """The message as a question with an `anywhere` answer, or None (a person or goodbye asked for means it)."""
    if (parsed.get("intent") or {}).get("name") in MEANT:
        return None
    found = answer_anywhere(text, question=in_hand.is_question(text))
    if found is None:
        return None
    marks = {"answer": found.response, "answers": [found.response], "answer_person": found.person}
    return dict(read_as(parsed, WHY, "case_question"), **marks)
