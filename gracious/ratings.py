"""A satisfaction rating read from the customer's own words, and the words that came with it.

After an agent closes a conversation the assistant asks "how did we do today? One is poor,
five is excellent" (utter_ask_rating). Customers answer in words as often as with the buttons:
"1. two weeks is not ok", "2 - slow", "i'd say 4", "five", "3/5", "Wonderful, thank you. 5 stars.",
"a solid 4", "10/10" (out of ten, halved), "⭐⭐⭐⭐⭐". ``read`` finds the 1 to 5 and
the words beside it. Shared by the server (server/dialogue/rating_answer.py reads the answer to
the question as a rating) and the actions (actions/feedback.py keeps it and the words).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from gracious.signals import frustration_signals

NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
_NUMBER = r"([1-5]|one|two|three|four|five)"
# Words that may come before the number: "i'd say 4", "well, probably a 3", "solid 4".
_LEAD = (
    r"(?:(?:ok(?:ay)?|so|well|hm+|um+|uh+|honestly|overall|maybe|probably|about|around|like|just|solid|rating|"
    r"i'?d say|i would say|i'?ll say|i say|id say|"
    r"i'?d (?:give|rate)(?: (?:it|you|u|ya|us|that|this))?|i'?ll (?:give|rate)(?: (?:it|you|u|ya|us|that|this))?|"
    r"i (?:give|rate)(?: (?:it|you|u|ya|us|that|this))?|(?:give|rate) (?:it|you|u|ya|us|that|this)|"
    r"a|an)[\s,:?]+)*"
)
# A number of things, not a rating: "a solid 4 hours", "7/10 of my items", "3 out of 5 days".
_THINGS = (
    r"(?!\s*(?:of|hours?|hrs?|h|minutes?|mins?|seconds?|secs?|days?|weeks?|wks?|months?|years?|yrs?|times?|"
    r"items?|orders?|parcels?|packages?|deliveries|delivery|boxes|box|bags?|things?|pieces?|products?|pairs?|"
    r"calls?|emails?|messages?|people|persons?|agents?|tries|attempts?|goes|dollars?|pounds?|euros?|bucks|"
    r"percent|%|pm|am)\b)"
)
# Out of five, said or not: "3/5", "4 out of 5", "2 stars".
_SCALE = r"(?:\s*(?:/\s*5|(?:out of|outta) (?:5|five)|of 5)\b)?(?:\s*stars?\b)?"
# The number is the whole answer's start, not a time ("3:30"), a price ("2.50"), a bigger number
# ("10/10") or a number of things ("2pm").
OPENING = re.compile(rf"^\W*{_LEAD}{_NUMBER}{_SCALE}(?![:.,]?\d)(?=$|[\s.,!;:)\-\u2013\u2014]){_THINGS}", re.I)
# A number in words is a rating only on its own ("five", "two - slow", "four out of five"), never
# the start of something else ("two weeks is not ok", "one more thing").
WORD_ALONE = re.compile(
    r"(?:[a-z]+)(?:\s*(?:/\s*5|(?:out of|outta) (?:5|five)|of 5)\b)?(?:\s*stars?\b)?(?=\s*(?:$|[.,!;:)\-\u2013\u2014]))",
    re.I,
)
# "the agent was lovely, 5/5", "4 out of 5 from me", "Rather laborious. Three out of five.": out of five, said anywhere.
_OUT_OF_FIVE = r"(?<![\d.])\b([1-5]|one|two|three|four|five)\s*(?:/\s*5|(?:out of|outta) (?:5|five))\b"
ANYWHERE = re.compile(_OUT_OF_FIVE + _THINGS, re.I)
# Out of five standing alone, at the end of a clause ("4 out of 5, Sam was kind", "4/5 from me"), never
# "I was quoted 3 out of 5 days": the only out of five heard as a rating when no rating was asked for.
ALONE = re.compile(_OUT_OF_FIVE + r"(?=\s*(?:$|[.,!;:)\-\u2013\u2014]|(?:from me|overall|tbh|honestly|but)\b))", re.I)
# "two weeks is not ok. 1": a number alone at the very end.
ENDING = re.compile(r"(?<=[\s.,;:!])([1-5])[\s.!]*$")
# "Wonderful, thank you. 5 stars.", "five stars from me": stars, anywhere.
STARS = re.compile(r"(?<![\d.])\b([1-5]|one|two|three|four|five)[\s-]*stars?\b", re.I)
# "a solid 4 really": a solid number, in an answer to the rating question (never "a solid 4 hours").
SOLID = re.compile(rf"\b(?:an?\s+)?solid\s+([1-5]|one|two|three|four|five)\b{_THINGS}", re.I)
# "10/10", "8 out of 10": out of ten, halved ("10/10" is a 5, "7/10" a 4).
OUT_OF_TEN = re.compile(rf"(?<![\d.])(10|[0-9])\s*(?:/\s*10|out of (?:10|ten))\b{_THINGS}", re.I)
# "⭐⭐⭐⭐⭐", "★★★★☆": the stars filled in.
STAR_SIGNS = re.compile(r"[\u2b50\u2605\U0001f31f][\ufe0f\u2605\u2606\u2b50\U0001f31f\s]*")
# Words that can be quoted back as the customer typed them: plain letters, digits and punctuation
# (never markdown, links or markup), and short.
QUOTABLE = re.compile(r"[A-Za-z0-9 ,.'’!?&%$\-]{1,100}")


@dataclass(frozen=True)
class Rating:
    value: int
    words: str  # what came with the number ("two weeks is not ok"), "" for a number alone


def read(text: str) -> Optional[Rating]:
    """The 1 to 5 in an answer to the rating question, and the words beside it; None without one."""
    text = (text or "").strip()
    if not text or text.startswith("/"):
        return None
    found = OPENING.match(text)
    if found is not None and not found.group(1).isdigit() and not WORD_ALONE.match(text, found.start(1)):
        found = None
    found = found or ANYWHERE.search(text) or STARS.search(text) or SOLID.search(text)
    if found is None:
        return _out_of_ten(text) or _star_signs(text) or _number_at_the_end(text)
    number = (found.group(1) or found.group(found.lastindex or 1)).lower()
    return _rating(text, NUMBER_WORDS.get(number) or int(number), found.start(), found.end())


def _out_of_ten(text: str) -> Optional[Rating]:
    found = OUT_OF_TEN.search(text)
    if found is None:
        return None
    return _rating(text, max(1, min(5, int(int(found.group(1)) / 2 + 0.5))), found.start(), found.end())


def _star_signs(text: str) -> Optional[Rating]:
    found = STAR_SIGNS.search(text)
    if found is None:
        return None
    filled = len(re.findall(r"[\u2b50\u2605\U0001f31f]", found.group()))
    return _rating(text, min(5, filled), found.start(), found.end())


def _number_at_the_end(text: str) -> Optional[Rating]:
    found = ENDING.search(text)
    return _rating(text, int(found.group(1)), found.start(), found.end()) if found else None


def _rating(text: str, value: int, start: int, end: int) -> Rating:
    """The rating, with the words around where it was said."""
    rest = f"{text[:start]} {text[end:]}"
    words = re.sub(r"^[\s.,;:!)\-\u2013\u2014]+|[\s.!,;:(\-\u2013\u2014]+$", "", " ".join(rest.split()))
    return Rating(value, words if re.search(r"[A-Za-z]", words) else "")


def quotable(words: str) -> bool:
    """Whether the words can be said back as they are: short, plain text, and no swearing or abuse."""
    return bool(QUOTABLE.fullmatch(words or "")) and "swearing" not in frustration_signals(words, [], "")


def said_as_rating(text: str) -> Optional[Rating]:
    """A rating said as one, asked for or not: "4 out of 5, Sam was kind", "1 star for making me come
    back", "⭐⭐⭐⭐": stars, or out of five standing alone; never a bare number, which may be anything
    ("2" picks a button), "a solid 4 hours", "7/10 of my items" or "3 out of 5 days"."""
    text = (text or "").strip()
    if not text or text.startswith("/"):
        return None
    found = ALONE.search(text) or STARS.search(text)
    if found is None:
        return _star_signs(text)
    number = (found.group(1) or found.group(found.lastindex or 1)).lower()
    return _rating(text, NUMBER_WORDS.get(number) or int(number), found.start(), found.end())
