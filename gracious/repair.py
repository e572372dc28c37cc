"""The repair words of catalog/repair.yml: is this message a cancel, a correction, a switch?

Shared by the server (server/dialogue/repair.py reads a message in the light of the conversation)
and the actions (the forms' validators). Pure functions of the text; the file is read
again when it changes.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Dict, Optional, Pattern

import yaml

from gracious.settings import CATALOG_DIR
from gracious.wordlists import changed_at, word_pattern

WORDS_FILE = CATALOG_DIR / "repair.yml"
# The policy topics a question may name in words (catalog/repair.yml topic_*), in the order they are read.
TOPICS = ("hours", "coupons", "discounts", "returns", "refunds", "delivery", "callbacks", "executive")
LISTS = (
    "cancel",
    "cancel_booked",
    "call_words",
    "reach_words",
    "no_reference",
    "email_instead",
    "no_call",
    "correction",
    "why",
    "goodbye",
    "closing",
    "heard_only",
    "suggestion",
    "change_choice",
    "mind_changed",
    "label_missing",
    "no_email",
    "status",
    "hours",
    "cafe",
    "person",
    "feedback",
    "not_feedback",
    "cancel_grant",
    "pushback",
    "coupon_words",
    "asks_exception",
    "on_file",
    "top_words",
    "ceo_words",
    "waiting_requests",
    "someone_to_look",
    "never_again",
    "moving_on",
    "not_answered",
    "other_one",
    "names_bill",
    "names_order",
    "names_coupon",
    "phone_bill",
    "asks_compensation",
    *(f"topic_{t}" for t in TOPICS if t != "hours"),
)


@lru_cache(maxsize=4)
def _patterns(path: Path, modified_ns: int) -> Dict[str, Pattern[str]]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {name: word_pattern(raw.get(name) or []) for name in LISTS}


def topic_named(text: str) -> Optional[str]:
    """The policy topic the words name ("the discount policy" is discounts), or None."""
    for topic in TOPICS:
        if says("hours" if topic == "hours" else f"topic_{topic}", text):
            return topic
    return None


def says(kind: str, text: str) -> bool:
    """Whether ``text`` has a word or phrase of the list ``kind`` (one of LISTS)."""
    if kind not in LISTS:
        raise KeyError(kind)
    return bool(text) and bool(_patterns(WORDS_FILE, changed_at(WORDS_FILE))[kind].search(text))


def after_a_change_of_mind(text: str) -> str:
    """What follows the last change of mind said after something else ("yes remake it. oh wait actually no, can i
    just get my money back instead" is "can i just get my money back instead"); the whole text without one."""
    found = list(_patterns(WORDS_FILE, changed_at(WORDS_FILE))["mind_changed"].finditer(text or ""))
    last = found[-1] if found else None
    if last is None or not re.search(r"\w", text[: last.start()]):
        return text
    return text[last.end() :].lstrip(" ,.;:-!")


def wants_email_instead(text: str) -> bool:
    """'i dont want a call. EMAIL.', 'can you email me instead': write, don't call."""
    return says("email_instead", text) or any(
        re.fullmatch(r"\W*(?:e-?mail|email pls|email please)\W*", s, re.I)
        for s in re.split(r"[.!?\n]+", text or "")
        if s.strip()
    )


# "can someone call me about it", "a callback please", "ring me": a call asked for.
ASKS_FOR_A_CALL = re.compile(
    r"\b(?:call|ring|phone|telephone|contact)\s+(?:me|us|back)\b|\bcall\s?-?backs?\b|\ba\s+(?:tele)?(?:phone\s+)?call\b"
    r"|\b(?:someone|somebody|a person|anyone|agent|specialist|manager)\b.*\b(?:call|ring|phone|telephone)\b|\bcall\s+at\b"
    # "honestly id rather someone just called me and told me whats going on" (blind panel p71 AD-02).
    r"|\b(?:i'?d|id|i\s+would)\s+(?:much\s+)?rather\s+(?:you|someone|somebody|a person|a human|they)\b[^.?!]{0,20}"
    r"\b(?:called|rang|phoned)\b",
    re.I,
)


# Said as an ask: "can someone call me about it", "ring me", "callback please", "i'd like a call".
_CALL_ASKED = re.compile(
    r"\b(?:call|ring|phone|telephone)\s+(?:me|us)\b|\b(?:can|could|would|will)\s+(?:you|u|someone|somebody|anyone|a person|they)\b"
    r"[^.?!]{0,30}\b(?:call|ring)\b|\b(?:pls|please)\b[^.?!]{0,20}\b(?:call|ring)\b"
    r"|\bcall\s?-?back,?\s+(?:please|pls)\b"
    r"|\b(?:i'?d|i\s+would|id)\s+(?:much\s+)?rather\s+(?:you|someone|somebody|a person|a human|they)\b[^.?!]{0,20}"
    r"\b(?:called|rang|phoned|call|ring|phone)\b"
    # "I should prefer a telephone call, if it is not too much trouble" (blind panel p58 D4): formal, and still an ask.
    r"|\bi\s*(?:want|need|would like|'?d like|should like|should prefer|would prefer|'?d prefer)\s+a\s+(?:tele)?(?:phone\s+)?call",
    re.I,
)
# A call that never came, told: "they never call me back", "promised a call back twice" (a complaint, not an ask).
_CALLS_MISSED = re.compile(r"\b(?:never|nobody|no one|didn'?t|did not|promised|still waiting)\b", re.I)


def asks_for_a_call(text: str) -> bool:
    """ "the shoes have a scuff, can someone call me about it": a call asked for now, never one missed or refused."""
    # Read sentence by sentence: "nobody has told me anything. i want someone to call me" (blind panel p60 G03) asks.
    sentences = re.split(r"(?<=[.!?])\s+", text or "")
    return any(_CALL_ASKED.search(s) and not _CALLS_MISSED.search(s) for s in sentences) and not refuses_call(text)


def refuses_call(text: str) -> bool:
    return says("no_call", text)


_OPENS_LEAVING = re.compile(
    r"^\W*(?:(?:actually|oh|ok|okay|wait|hmm+|um+|ah|no|sorry)[\s,.]+){0,2}"
    r"(?:never ?mind|nvm|forget it|forget that|scratch that|don'?t bother|dont bother)\s*(?:[,.!;]|$)",
    re.I,
)


def cancels(text: str) -> bool:
    """'never mind', 'forget it': leave what is in hand. Short messages only, so a
    story that merely contains 'leave it' is not read as a cancel."""
    if says("cancel", text) and len(text.split()) <= 8:
        return True
    # "actually never mind, kids need me. ill just look at the bill myself later" (blind panel p59 E10): the opening
    # words leave, whatever reason follows; "never mind the coupon, ..." names what is dropped (not this), and a record
    # named after it is a case told.
    if _OPENS_LEAVING.match(text or "") and not re.search(r"\b(?:lk|bl)[\s-]?\d{4,6}\b", text or "", re.I):
        return True
    # "...that was a different shop. my bad. never mind": the last short sentence leaves.
    sentences = [s for s in re.split(r"[.!?\n]+", text or "") if s.strip()]
    return (
        len(sentences) >= 2
        and len(sentences[-1].split()) <= 4
        and bool(re.search(r"\b(?:never ?mind|nvm|forget it|scratch that|doesn'?t matter)\b", sentences[-1], re.I))
    )


def has_no_reference(text: str) -> bool:
    return says("no_reference", text)


# "i dont have the order number on me, its at home" in the message that opens the case (blind panel p43 24):
# never asked for it straight after. Narrower than `no_reference`, which answers the question once asked.
NO_NUMBER = re.compile(
    r"\b(?:don'?t|do not|haven'?t|havent|have not|lost|can'?t find|cannot find|no longer have|forgot)\s+"
    r"(?:got\s+|have\s+|know\s+|remember\s+|find\s+)?(?:the\s+|my\s+|an?\s+|any\s+|that\s+)?"
    r"(?:order\s+|bill\s+|tracking\s+|reference\s+)?(?:number|receipt|reference|order id|confirmation)\b"
    r"|\bno\s+(?:order|bill|reference)\s+number\b",
    re.I,
)


def says_no_number(text: str) -> bool:
    """The customer says they have no reference to give, in so many words."""
    return bool(NO_NUMBER.search(text or ""))


def corrects(text: str) -> bool:
    return says("correction", text)


def cancels_booked_call(text: str) -> bool:
    return says("cancel_booked", text) and says("call_words", text)


def asks_for_a_person(text: str) -> bool:
    """'fine, a person', 'a human. now.': a short request for a person."""
    refused = re.search(
        r"\b(?:don'?t|do not|dont|no)\s+(?:need|want)\s+(?:a|to talk to a|to speak to a)?\s*(?:person|human|agent)",
        text,
        re.I,
    )
    return says("person", text) and len(text.split()) <= 12 and not refused


def ends_with_goodbye(text: str) -> bool:
    """'so after 6 messages I still don't know the price. no, nothing else. bye': the
    last sentence is a short goodbye, whatever came before it."""
    sentences = [s for s in re.split(r"[.!?\n]+", text or "") if s.strip()]
    return bool(sentences) and len(sentences[-1].split()) <= 4 and says("goodbye", sentences[-1])


def ends_with_closing(text: str) -> bool:
    """'never mind, ill put 8 in the email. thats all': the last sentence is a short close."""
    sentences = [s for s in re.split(r"[.!?\n]+", text or "") if s.strip()]
    return len(sentences) >= 2 and len(sentences[-1].split()) <= 4 and says("closing", sentences[-1])


def closes_after(text: str) -> bool:
    """ "the first one, the ten per cent. Good day.", "tomorrow 9am. and thats all", "the credit, and then that will be
    all" (blind panels p64 O-06, O-11, P-05: "anything else?" after it): something chosen or told, then a short close,
    and nothing asked."""
    clauses = [c for c in re.split(r"[.!,;\n]+|\band(?:\s+then)?\b", text or "", flags=re.I) if c.strip()]
    if len(clauses) < 2 or "?" in (text or ""):
        return False
    last = clauses[-1]
    # Thanks alone ("and thanks for explaining properly", "cheers") says nothing of leaving.
    return len(last.split()) <= 5 and (bool(THAT_IS_ALL.search(last)) or says("goodbye", last))


# "that's all", "that will be all", "thats it", "is all", "nothing else": nothing more wanted.
THAT_IS_ALL = re.compile(
    r"\b(?:that'?s|thats|that\s+is|that\s+will\s+be|that'?ll\s+be|thatll\s+be|is)\s+(?:all|it|everything)\b"
    r"|\bnothing\s+(?:else|more)\b",
    re.I,
)


_KIND_OR_WAITING = re.compile(
    r"(?:and\s+)?(?:thank|thanks|many thanks|cheers|ta|thx|ty)\b"
    r"|(?:(?:nah|no|oh|ok|okay)[\s,]+)?(?:it'?s|its|that'?s|thats|all)\s+(?:fine|good|grand|ok|okay)(?:\s+then)?\W*$"
    r"|(?:you\s+have|you'?ve|youve)\s+been\s+(?:very\s+|so\s+|really\s+|most\s+)?(?:kind|helpful|great|lovely|patient)\b"
    # "Very well, I will ask on the call tomorrow." (blind panel p61 I04) waits for what was arranged too.
    r"|(?:(?:ok|okay|alright|all right|right|fine|very well)[\s,]+)?(?:i'?ll|i will|i)\s+(?:just\s+)?"
    r"(?:wait|ask\s+(?:on|them|then|when|at|during))\b(?![^.]*\bor\b)"
    r"|(?:ok|okay|alright|all right|right|fine|cool|great|perfect|lovely)\W*$"
    # "Oh I see, that makes sense. Thanks for explaining! I don't think I need the specialist after all." and "Perfect,
    # I'll switch it on myself later. That's all for today, thank you so much!" (blind panel p67 V-12, V-01: read as a
    # new problem, and as asking for the add-on): understood, nothing more wanted.
    r"|(?:(?:oh|ah|ok|okay|right)[\s,]+)?(?:i\s+see[\s,]+)?(?:that|it)\s+makes\s+(?:perfect\s+)?sense\W*$"
    r"|(?:(?:oh|ah|ok|okay)[\s,]+)?i\s+see\W*$"
    r"|i\s+(?:don'?t|do\s+not)\s+(?:think\s+i\s+)?need\s+(?:the|a|any|that)\s+\w+(?:\s+\w+)?\s+after\s+all\W*$"
    r"|(?:(?:perfect|ok|okay|great|fine|alright)[\s,]+)?(?:i'?ll|i\s+will)\s+(?:\w+\s+){1,4}myself(?:\s+later)?\W*$",
    re.I,
)


# "thats fine, thanks", "ok perfect thank you": an acceptance with thanks, as the last words.
_THANKS_LAST = re.compile(
    r"^\W*(?:(?:ok|okay|alright|right|cool|great|perfect|lovely|fine|good)\W+)*"
    r"(?:(?:that'?s|thats|that is|sounds)\s+(?:fine|good|great|perfect|ok|okay|grand|lovely)\W+)?"
    r"(?:thanks|thank you|thankyou|cheers|ty|thx|many thanks)\b[\w\s]{0,15}\W*$",
    re.I,
)


def ends_with_thanks(text: str) -> bool:
    """ "ok so if i drop them off tomorrow i should have them by like next week. thats fine, thanks" (blind panel p60
    G02: a policy's paragraph): what was said put in their own words, then thanks; no question."""
    sentences = [s.strip() for s in re.split(r"[.!?\n]+", text or "") if s.strip()]
    return "?" not in (text or "") and len(sentences) >= 2 and bool(_THANKS_LAST.match(sentences[-1]))


def _close_in_clauses(sentence: str) -> bool:
    """ "No, that is everything, thank you ever so much, young person" (blind panel p60 H05: read as exhaustion): a
    close said in short clauses, each a close, thanks, or a word or two ("no", "young person")."""
    clauses = [c.strip() for c in sentence.split(",") if c.strip()]
    return all(
        len(c.split()) <= 2 or (len(c.split()) <= 6 and says("closing", c)) or _KIND_OR_WAITING.match(c)
        for c in clauses
    )


# "ok so thats the 5 dollar credit for the cold latte, fine, thats all for me" (blind panel p69 Z-01, Z-04: read as a
# demand, and as more of the case): what was settled said back, then the close.
_SAID_BACK = re.compile(
    r"^\W*(?:ok(?:ay)?|so|right|alright|all right|got it|fine|understood|i get it|i see|cool|great|perfect|ah|oh"
    r"|no worries|fair enough|sure|thanks for|thank you for)\b",
    re.I,
)
_ASKS_MORE = re.compile(
    r"\b(?:want|need|can\s+(?:you|i|we|someone|u)|could\s+(?:you|i|we|u)|would\s+(?:you|it|u)"
    r"|will\s+(?:you|it|they|i\s+get|u)|please|pls|plz|give\s+me|send|but|still|instead|also|what|why|how|when|where"
    r"|which|cancel|refund|change|move|wrong|not\s+(?:ok|okay|fine|happy|good|enough))\b",
    re.I,
)
# After the close, only kind words: "..., so thats all I needed really, thanks so much for checking and have a good
# rest of your day" (blind panel p70 AA-11: "Sorry, I'm not sure I understood").
_KIND_AFTER = re.compile(
    r"^\W*(?:and\s+)?(?:(?:thanks|thank you|cheers|ta)\b|have\s+a\s+(?:good|nice|great|lovely)|take care|bye|goodbye"
    r"|(?:really\s+|i\s+)?appreciate\s+it|much appreciated)",
    re.I,
)


def _said_back_then_closed(sentence: str) -> bool:
    """What was settled said back, then a close in a clause of its own, and only kind words after it: "ok got it about
    the calls to london, and the 10 dollars credit, thats all for me"; nothing asked or wanted before it."""
    clauses = [c.strip() for c in sentence.split(",") if c.strip()]
    closing = [i for i, c in enumerate(clauses) if says("closing", c) and len(c.split()) <= 8]
    if len(clauses) < 2 or not closing:
        return False
    at = closing[-1]
    after_kind = all(_KIND_AFTER.match(c) or _KIND_OR_WAITING.match(c) for c in clauses[at + 1 :])
    before = ", ".join(clauses[:at])
    return after_kind and bool(_SAID_BACK.match(clauses[0])) and not _ASKS_MORE.search(before)


def closes_with_thanks(text: str) -> bool:
    """'No, that will be all. Thank you for your patience with an old woman.': a short close, and
    otherwise only thanks; no question, nothing new told."""
    sentences = [s.strip() for s in re.split(r"[.!?\n]+", text or "") if s.strip()]
    closes = [
        s
        for s in sentences
        if says("closing", s) and (len(s.split()) <= 6 or _close_in_clauses(s) or _said_back_then_closed(s))
    ]
    # Beside it only thanks, kind words, or waiting for what was arranged: "Alright, I will wait for the email then. No
    # thank you, that is everything. You have been very kind." (blind panel p59 F03).
    kind = [s for s in sentences if s not in closes and _KIND_OR_WAITING.match(s)]
    return bool(closes) and "?" not in text and len(closes) + len(kind) == len(sentences)


# The reading of a close after "just tell the manager" (server/dialogue/repair.py), which the close answers.
PASSED_ON = "closing_passed_on"
# "just tell the manager please", "pass it on": what was told passed on, nothing more asked.
PASS_ON = re.compile(
    r"\b(?:tell|inform|let)\s+(?:the|your|a|ur)\s+(?:manager|managers|boss|supervisor|team|people\s+in\s+charge)\b"
    r"(?:\s+know)?|\bpass\s+(?:it|this|that)\s+on\b|\bpass\s+(?:it|this|that)\s+along\b",
    re.I,
)
# Around it, nothing asked: "no need, just ... please".
_PASS_ON_LEAD = re.compile(
    r"\b(?:no|no need|not needed|nah|ok(?:ay)?|just|please|pls|plz|thanks|thank you|then|and|but|all|i|want|you|to|can|"
    r"could|would|that|is|enough|fine|only|id|i'?d|like|need)\b",
    re.I,
)


def passes_on_then_closes(text: str) -> bool:
    """ "no need, just tell the manager please. thank you, that is all" (blind panel p71 AC-11: a call's form opened): told
    to pass it on, then a close; nothing else asked or told (no question, no call, no other request)."""
    sentences = [s.strip() for s in re.split(r"[.!?\n]+", text or "") if s.strip()]
    asked = [s for s in sentences if PASS_ON.search(s)]
    rest = [s for s in sentences if s not in asked]
    if "?" in (text or "") or not asked or not rest or ASKS_FOR_A_CALL.search(text or ""):
        return False
    left = [w for s in asked for w in _PASS_ON_LEAD.sub(" ", PASS_ON.sub(" ", s)).split() if w.strip(",;:-")]
    return not left and closes_with_thanks(". ".join(rest))


def asks_before_goodbye(text: str) -> bool:
    """'can someone call me back? bye': a question just before the goodbye wants an answer
    ('i never mentioned your ceo?? whatever. make sure the call happens. bye' does not)."""
    parts = [p for p in re.findall(r"[^.!?\n]+[.!?\n]*", text or "") if p.strip(" .!?\n")]
    return len(parts) >= 2 and "?" in parts[-2]


# What a customer may name of what was granted ("is the exchange cancelled?", "cancel
# the $25 credit"), by the kind of grant it is recorded as.
NAMED_KINDS = {
    "exchange": re.compile(r"\b(?:exchang\w*|swap\w*)", re.I),
    "refund": re.compile(r"\b(?:refund\w*|money back)", re.I),
    "replacement": re.compile(r"\b(?:replac\w*|resend|overnight)", re.I),
    "credit": re.compile(r"\bcredit\w*", re.I),
    "coupon": re.compile(r"\b(?:coupon|code|discount code)\b", re.I),
    "remake": re.compile(r"\bremake\b", re.I),
    "email": re.compile(r"\b(?:e-?mail\w*|follow[- ]?up)\b", re.I),
}
# "cancel that email thing", "i dont need an email either": the email follow-up itself,
# not "cancel the call and email me instead".
# Words that ask about an email ("did you send that email?", "nothing in my inbox", "was the label mailed?").
ABOUT_MAIL = re.compile(r"\b(?:e-?mail(?:s|ed)?|inbox|label|mail(?:ed)?)\b", re.I)
# "can you just resend the return label email please", "send me the label again" (blind panels p49 21, p50 24): an
# email we sent, sent again (actions/status_records.resend), never read as a refund.
RESEND = re.compile(
    r"\bre-?send\w*\b|\bsend\s+(?:it|that|them|(?:me\s+)?(?:the|my|another|a\s+new)\s+(?:\w+\s+){0,2}?"
    r"(?:label|e-?mail|copy|link))\s+(?:again|over\s+again|one\s+more\s+time)\b"
    r"|\bsend\s+(?:me\s+)?(?:another|a\s+new|a\s+fresh)\s+(?:return\s+)?(?:label|copy)\b",
    re.I,
)


def asks_to_resend(text: str) -> bool:
    """ "resend the label", "send me the label email again": an email of ours asked for again."""
    return bool(RESEND.search(text or "")) and bool(
        ABOUT_MAIL.search(text or "") or re.search(r"\bre-?send", text, re.I)
    )


def label_never_came(text: str) -> bool:
    """ "ok but the label email? i checked spam too. nothing": the label said not to have come."""
    return bool(re.search(r"\blabels?\b", text or "", re.I)) and says("label_missing", text)


# "do I now have two calls booked?", "am i double booked", "how many calls": whether there is more than one call
# (blind panel p50 18): the dialogue reads it as asking where things stand, and the answer says "just the one".
# Never a bill's calls ("charged for two calls i didnt make", "how many calls were on it").
MORE_THAN_ONE_CALL = re.compile(
    r"\b(?:have|got|are\s+there)\s+(?:now\s+)?(?:two|2|both|multiple|more\s+than\s+one)\s+calls?\b"
    r"|\b(?:two|2)\s+calls?\s+(?:booked|now)\b|\bdouble[-\s]?booked\b|\bbooked\s+(?:it\s+)?twice\b"
    r"|\bhow\s+many\s+calls?\s+(?:do|have|are|did|will|booked)\b",
    re.I,
)


DROPS_EMAIL = re.compile(
    r"\b(?:cancel\w*|scrap|drop|don'?t need|dont need|do not need|no need for|don'?t want|dont want|do not want)"
    r"[^\w.!?]+(?:(?!call|ring|phone|and\b|or\b)\w+[^\w.!?]+){0,3}?(?:e-?mail|follow[- ]?up)",
    re.I,
)


def named_kinds(text: str) -> set:
    """The kinds of grant a message names: {"exchange"} for "is the exchange cancelled?"."""
    return {kind for kind, pattern in NAMED_KINDS.items() if pattern.search(text or "")}


def cancels_grant(text: str) -> bool:
    """'please cancel the $25 credit', 'undo the refund': take back something granted."""
    return bool(kinds_to_cancel(text)) and len(text.split()) <= 25


def kinds_to_cancel(text: str) -> set:
    """What a message takes back: the kinds named after a word of cancelling, in the same
    sentence ("credit it please. and cancel that email thing" takes back the email only)."""
    kinds: set = set()
    for sentence in re.split(r"[.!?;\n]+", text or ""):
        found = _patterns(WORDS_FILE, changed_at(WORDS_FILE))["cancel_grant"].search(sentence)
        if found:
            kinds |= named_kinds(sentence[found.start() :]) - {"email"}
        if DROPS_EMAIL.search(sentence):
            kinds.add("email")
    if not kinds and says("cancel_grant", text):
        kinds = named_kinds(text) - {"email"}  # "no. cancel. the credit. undo it"
    return kinds


# Asking for something to be done, not how it stands.
REQUEST = re.compile(
    r"\b(?:(?:can|could|will|would) (?:you|u) (?:please )?(?:send|give|make|get|do|swap|exchange|refund|"
    r"credit|replace|fix|sort|apply|book|cancel)|can i (?:have|get)"
    # "So may I return it for a refund or not?" (a conversation of our own, 6 December): leave asked, never a refund's
    # progress.
    r"|(?:may|can|could) i (?:please |still |not )?(?:return|send (?:it|them) back|exchange|swap)"
    r"|am i (?:allowed|permitted|able) to (?:return|send|exchange|swap|get|have))\b",
    re.I,
)


def asks_status(text: str) -> bool:
    """'is the exchange cancelled?', 'did the refund go through?': a question about what was done."""
    question = (
        "?" in text
        or re.match(r"\s*(?:so\s+|and\s+|wait\s+)?(?:is|are|did|does|do|has|have|was|were)\b", text, re.I)
        or re.search(
            r"\b(?:yes or no|or not|confirm|right|want to know|wondering|tell me if|tell me whether)\b", text, re.I
        )
        # "i checked my account and i dont see it" (blind panel p58 D7): not seeing it asks where it is.
        or re.search(r"\b(?:don'?t|do not|can'?t|cannot)\s+see\s+it\b|\bnot showing\b|\bno sign of it\b", text, re.I)
    )
    if REQUEST.search(text or ""):
        return False  # "can you send a replacement or not" asks for one, not after one
    # "and the 10 dollar credit?": a short question naming something granted.
    short = (
        "?" in text
        and len(text.split()) <= 6
        and bool(named_kinds(text))
        and not re.search(
            r"\b(?:can|could|may|please|pls|want|take|give|have|get)\b|^\W*(?:how|what|whats|which|why)\b", text, re.I
        )
    )  # "can i have the credit?" asks for it
    return short or (bool(question) and says("status", text) and len(text.split()) <= 25)


def asks_why(text: str) -> bool:
    """A short 'why?' or 'how come', or a question that opens with one ("why only
    domestic tho? nobody told me when i signed up"); a long story is not a why."""
    words = len(text.split())
    opens = opens_with_why(text)
    # "but you said it is VALID. so why did checkout reject it?": a sentence that opens with why.
    sentence = any(opens_with_why(s) and len(s.split()) <= 12 for s in re.split(r"(?<=[.!?])\s+", text or ""))
    # "just explain why london isnt included when my contract says all calls"
    explain = bool(re.search(r"\b(?:explain|tell me) why\b", text or "", re.I)) and words <= 20
    return says("why", text) and (words <= 10 or (opens and words <= 20) or sentence or explain)


# "right but why was the discount so small" (blind panel p43 13): a word or two before the why.
OPENS_WITH_WHY = re.compile(
    r"\W*(?:(?:right|well|yeah|yes|hmm|fine|sure|but|so|and|ok|okay|then)[\s,]+){0,3}(?:why|how come)\b", re.I
)


def opens_with_why(text: str) -> bool:
    return bool(OPENS_WITH_WHY.match(text or ""))


# A day said in full ("today", "friday"): actions/callback_time.py and actions/schedule_callback.py.
DAY_WORD = re.compile(r"\b(?:today|tomorrow|tonight|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", re.I)
# A day named, short forms too: "fri morning", "tmrw".
A_DAY = re.compile(rf"{DAY_WORD.pattern}|\b(?:mon|tue|tues|wed|weds|thu|thur|thurs|fri|tmrw)\b", re.I)
# The day a call is wanted, said as a day or as a part of today or the week ("this afternoon", "next week").
DAY_TOLD = re.compile(rf"{A_DAY.pattern}|\bthis\s+(?:morning|afternoon|evening)\b|\bnext\s+week\b", re.I)
# A day, a part of the day or a clock time ("monday morning", "at 3pm", "10:30"); never the "0199" of a
# phone number, which mentions_time would take for one (server/dialogue/form_readings.py).
NAMES_WHEN = re.compile(
    rf"{A_DAY.pattern}|\b(?:morning|afternoon|evening|noon|midday|lunch)\b|\d\s*(?:am|pm|a\.m\.|p\.m\.)(?!\w)|\d:\d\d",
    re.I,
)

# Words that name a time or a day ("time": a digit counts too) and only a day ("day").
_MENTIONS = {
    "time": re.compile(
        r"\d|\b(?:noon|midday|morning|afternoon|evening|tonight|lunch|today|tomorrow|tmrw|tmr|"
        r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thurs|fri|sat|"
        r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|o'clock|oclock)\b",
        re.IGNORECASE,
    ),
    "day": re.compile(
        r"\b(?:today|tonight|tomorrow|tmrw|tmr|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
        r"mon|tue|tues|wed|thu|thurs|fri|sat|sun|weekend|week|next|\d{1,2}(?:st|nd|rd|th)|"
        r"jan\w*|feb\w*|mar\w*|apr\w*|may|jun\w*|jul\w*|aug\w*|sep\w*|oct\w*|nov\w*|dec\w*)\b",
        re.IGNORECASE,
    ),
}


TIME_MENTIONED = _MENTIONS["time"]


def mentions_time(text: str) -> bool:
    """Whether the text names a time or a day in some way (a digit counts)."""
    return bool(TIME_MENTIONED.search(text or ""))


def mentions_day(text: str) -> bool:
    """Whether the text names a day, not only a time of day."""
    return bool(_MENTIONS["day"].search(text or ""))
