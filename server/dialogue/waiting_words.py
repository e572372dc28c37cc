"""The words of a customer waiting for a person, as patterns (read by server/dialogue/waiting.py).

Leaving the wait ("never mind", "take me out of the queue"), asking where they stand, typos
and sarcasm included ("hw long", "how long do i have to sit here"), staying ("ill wait i
guess"), asking after the person once out of the queue ("will the person still message me
here too?"), and the email instead ("just email me").
"""

from __future__ import annotations

import re

# A word of leaving, and words that may pad it ("ok never mind, thanks").
_LEAVE_WORD = (
    r"(?:cancel(?: it| that| this)?|never ?mind|nvm|forget (?:it|about it|this|that)|don'?t bother|scratch that)"
)
_FILLER = (
    r"(?:ok(?:ay)?|oh|ah|well|actually|please|pls|thanks|thank you|then|just|so|um+|hmm+|no|nah|fine|"
    r"it'?s fine|that'?s (?:ok|okay|fine)|you know what|all right|alright|sorry)"
)
LEAVE_WORD = re.compile(rf"\b{_LEAVE_WORD}\b", re.I)
FILLER = re.compile(rf"\b{_FILLER}\b", re.I)
# What a customer in the queue can drop: the wait itself.
_THE_WAIT = (
    r"(?:the |this |my |our )?(?:chat|conversation|queue|line|wait|waiting|request|handoff|transfer|"
    r"person|agent|human|whole thing|lot|it all|everything)"
)
_A_PERSON = r"(?:a |an |the )?(?:person|human|agent|someone|somebody|anyone|reply|answer|you|them)"
# "stop waiting" ends the sentence, or is for a person: not "stop waiting for the delivery".
_STOP = rf"stop waiting(?:\s+(?:for|on)\s+{_A_PERSON})?(?=\s*(?:[.!,;]|$|and\b|then\b|thanks\b))"
LEAVES = re.compile(
    rf"\b(?:cancel|forget(?: about)?|never ?mind|drop|scrap)\s+{_THE_WAIT}\b"
    rf"|\b{_STOP}"
    rf"|\b(?:don'?t|do not|no longer)\s+(?:need|want)\s+(?:to (?:talk|speak) to\s+)?{_A_PERSON}\b"
    r"|\b(?:don'?t|do not) want to wait\b|\bnot (?:going to|gonna) wait\b"
    r"|\b(?:take me\s+|get me\s+)?(?:out of|off) (?:the|this) (?:queue|line)\b|\bleave (?:the|this) (?:queue|line)\b"
    r"|\bi'?ll (?:just )?(?:wait for|take) an? e-?mail\b",
    re.I,
)


def leaves_the_queue(text: str) -> bool:
    """Whether a waiting customer's words drop the wait: the whole message is a word of leaving
    ("never mind, cancel", "ok forget it thanks"), or what is dropped is the queue, the wait, the
    chat, a person or the whole thing. Anything else is words for the person who picks it up."""
    if LEAVES.search(text):
        return True
    if not LEAVE_WORD.search(text):
        return False
    rest = FILLER.sub(" ", LEAVE_WORD.sub(" ", text))
    return not re.search(r"\w", rest)


# "hello?", "is anyone there", "how long", "am I still in the queue", "any news".
ASKS = re.compile(
    r"\b(?:hello+|hi+|hey+|any ?(?:one|body) (?:there|here|around)|still (?:there|here|waiting|in)|"
    r"how (?:long|much longer|many)|queue|line|waiting|wait|position|place|my turn|when will|"
    r"any (?:news|update)|ages|forever|taking so long|any1|anybdy)\b|^\W*\?+\W*$",
    re.I,
)
# The status questions, typos and all: "hw long", "how lon", "still in line?", "any1 there".
STATUS_QUESTION = re.compile(
    r"\b(?:how|hw|hoe|hwo|hpw|ho)\s+(?:long|lon|lng|log|lomg|loong|longer|much longer|much more)\b"
    r"|\b(?:still|stil|stll|stlil)\s+(?:in\s+)?(?:the\s+|teh\s+|th\s+)?(?:line|queue|que|queu|q|waiting|wating)\b"
    r"|\bany\s?(?:one|1|body|bdy|buddy)\s*(?:there|ther|thr|here|around|home)\b|^\W*any\s?(?:one|1|body)\W*$"
    r"|\b(?:queue|que|queu|qeue|quee|in line|my turn|my place|my position|what number)\b",
    re.I,
)
# A question about the queue (after leaving it): "am i still in the queue?", "is someone still coming?".
QUEUE_QUESTION = re.compile(
    r"\b(?:queue|que|queu|in line|(?:still|stil) waiting|my turn|my place|my position)\b"
    r"|\b(?:some|any)\s?(?:one|body) (?:still )?coming\b|\bstill (?:getting|waiting for) (?:a|the) (?:person|human|agent)\b",
    re.I,
)
# After leaving: "will the person still message me here too?", "is someone still going to reply here?".
_SOMEONE = r"(?:person|human|agent|some ?one|some ?body|any ?one|they|team|your colleague)"
_WRITES = r"(?:message|reply|write|answer|chat|talk|respond|contact|get back|come|coming|be in touch|join)"
PERSON_STILL_COMING = re.compile(
    rf"\b(?:will|would|is|are|does|do|can|should|shall)\b.{{0,25}}\b{_SOMEONE}\b.{{0,25}}"
    rf"(?:\b(?:still|also|too|as well|anyway)\b.{{0,25}}\b{_WRITES}\b|\b{_WRITES}\b.{{0,30}}\b(?:still|too|as well|also|anyway)\b)",
    re.I,
)
# Longer and sarcastic wait questions: "how long do i have to sit here", "how much longer am I meant to wait".
WAIT_QUESTION = re.compile(
    r"\b(?:how|hw|hoe)\s+(?:much\s+)?(?:long|lon|longer)\b.{0,40}\b(?:sit|sitting|wait|waiting|wating|stay|"
    r"stuck|here|hold|hang|take|be|queue|line)\b"
    r"|\b(?:sit|sitting|stuck|wait|waiting)\s+(?:here|around|in (?:this|the) (?:queue|line))\b.{0,30}\bhow\s+long\b",
    re.I,
)
# "I'll stay in the queue, thank you", "ill wait i guess", "keep my place": staying, after any offer.
STAYS = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|fine|no|nah|no thanks|thanks|that'?s ok|it'?s ok|all right|alright)\W+)*(?:i'?ll|i will|i can|i'?m happy to|"
    r"happy to|i'?d rather|let me|i'?ll just|i'?m ok to|i'?m fine to|i don'?t mind)\s+(?:just\s+)?"
    r"(?:stay|wait|keep waiting|hold|hang on|stick around|keep my place)\b"
    r"|\b(?:stay|remain|keep (?:me|my place))\s+in\s+(?:the|this|my)?\s*(?:queue|line)\b|\bkeep my place\b"
    r"|^\W*(?:(?:ok(?:ay)?|fine|no|nah)\W+)*(?:i'?ll|i will) (?:keep )?(?:waiting|wait) (?:then|i guess|for (?:a|the) (?:person|human|agent))\b",
    re.I,
)
# "forget it just email me", "email me instead", "can you just write to me".
EMAIL_ME = re.compile(r"\b(?:e-?mail|write to|message) me\b|\bjust (?:e-?mail|write)\b|\bby e-?mail\b", re.I)
EMAIL_CLICK = '/choose_alternative{"alternative": "email_followup"}'
# "if I step away for 10 mins will I lose my place?", "I need to pop out at some point", "do I keep my
# spot if I go away for a bit?": whether the place is kept while they are away (answered from the settings).
STEP_AWAY = re.compile(
    r"\b(?:step|stepping|pop|popping|nip|nipping|head|heading|go|going|run|running|walk|walking)\s+"
    r"(?:away|out|off)\b"
    r"|\b(?:go|going|be)\s+away\s+for\b|\b(?:afk|brb|be right back|back in (?:a|\d+) (?:sec|min|bit)\w*)\b"
    r"|\b(?:close|closing|leave|leaving)\s+(?:the|this)\s+(?:chat|tab|window|page|site)\b"
    r"|\b(?:lose|losing|lost|keep|hold|save)\s+(?:my|the|me)\s+(?:place|spot|position)\b[^.!]*\?",
    re.I,
)
# Where the person gone: "wait wheres ana gone", "what happened to ana?", "where did sam go".
PERSON_GONE = re.compile(
    r"\bwhere(?:'?s|s| is| has| did| have)?\s+(?:\w+\s+){0,2}(?:gone|go|went|disappeared)\b"
    r"|\bwhat happened to\b|\b(?:she|he|they|\w+) (?:left|disappeared|vanished)\b\W*\??\s*$",
    re.I,
)
# The policies' topics in words (data/nlu/regexes.yml's policy_topic synonyms): "what are your café hours?".
POLICY_TOPIC = re.compile(
    r"\b(?:return|refund|exchange|discount|coupon|promo|voucher|gift ?card|deliver|ship|postage|hours|open|"
    r"opening|close|closing|call ?back|executive|ceo)\w*",
    re.I,
)
