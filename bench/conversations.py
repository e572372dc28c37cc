"""What the virtual customers say: ten turns each, in each bot's own language.

The starter bot knows greetings, moods, yes/no, goodbye and "are you a bot"; Gracious
gets playbook conversations (a bill dispute settled with the credit button, a late
order, an old coupon, a wrong size...), the same messages the end-to-end tests hold.
"""

from __future__ import annotations

from typing import Dict, List, Sequence

Script = List[str]


def choose(alternative: str) -> str:
    """The payload of an alternative's button, as the widget sends it."""
    return '/choose_alternative{"alternative": "' + alternative + '"}'


REFERENCE: List[Script] = [
    ["hi", "I am sad", "yes", "are you a bot?", "hello", "great", "bye", "hey", "not good", "no"],
    [
        "hello there",
        "I am great",
        "are you a bot",
        "good morning",
        "very sad",
        "no",
        "hey",
        "amazing",
        "yes",
        "goodbye",
    ],
    ["hey", "unhappy", "yes", "bye", "hi", "I am feeling very good", "are you a human?", "hello", "super sad", "no"],
]

# Each record is opened with the email on its account (the knowledge check), as a guest would.
GRACIOUS: List[Script] = [
    [
        "hi",
        "my phone bill BL-30017 is wrong, I didn't get the volume discount I expected. my email is maya.okafor@example.com",
        choose("goodwill_credit"),
        "no that's all, thanks",
        "hello again",
        "where is my order LK-10423? no update at all. it's under priya.n@example.com",
        choose("delivery_updates"),
        "thanks",
        "no",
        "bye",
    ],
    [
        "hello",
        "my coupon SPRING15 got refused at the till",
        choose("honour_coupon"),
        "thank you",
        "am I talking to a real person?",
        "some feedback: your delivery drivers are always really friendly",
        "no",
        "hi",
        "what's the capital of peru",
        "bye",
    ],
    [
        "hi",
        "I ordered the wrong size shoes, LK-10422, they don't fit. daniel.reyes@example.com is the email on it",
        choose("exchange"),
        "no that's all",
        "hello",
        "I picked up the wrong latte at your cafe",
        choose("remake"),
        "thanks",
        "no",
        "bye",
    ],
]

SCRIPTS: Dict[str, List[Script]] = {"reference": REFERENCE, "gracious": GRACIOUS}


def long_script(scripts: Sequence[Script], turns: int) -> Script:
    """One conversation of ``turns`` messages: the scripts over and over, in one session."""
    pool = [message for script in scripts for message in script]
    return [pool[i % len(pool)] for i in range(turns)]


def trimmed(scripts: Sequence[Script], turns: int) -> List[Script]:
    """The scripts cut to their first ``turns`` messages (quick runs and tests)."""
    return [script[:turns] for script in scripts]
