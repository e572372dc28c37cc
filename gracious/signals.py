"""Signals in what a customer typed (catalog/signals.yml): frustration, the impossible,
a café visit, lateness, leaving unhappy, a gift. Shared by the server and the actions."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Text, Tuple

import yaml

from gracious.settings import CATALOG_DIR
from gracious.wordlists import changed_at, word_pattern

SIGNALS_FILE = CATALOG_DIR / "signals.yml"


@lru_cache(maxsize=4)
def _lists(modified_ns: int) -> Dict[str, "re.Pattern[str]"]:
    raw = yaml.safe_load(SIGNALS_FILE.read_text(encoding="utf-8")) or {}
    return (
        {
            name: word_pattern(raw.get(name) or [])
            for name in (
                "swearing",
                "said_before",
                "impossible",
                "errand",
                "errand_let_go",
                "weather",
                "weather_stop",
                "playful",
                "no_joke",
                "here_now",
                "without_end",
                "cafe_visit",
                "lateness",
                "dismissive",
                "staff_conduct",
                "hygiene",
                "charged_twice",
                "calls_not_made",
                "cancel_order",
                "gift",
                "gift_for",
                "gift_bought",
                "not_gift",
                "gift_occasion",
                "gift_asked",
                "faulty",
                "own_change",
                "taken_by_another",
                "exchange_wanted",
                "not_fitting",
                "not_only_praise",
                "pass_on",
                "trouble",
            )
        }
        | {"kind_words": word_pattern([*(raw.get("praise") or []), *(raw.get("kind_words") or [])])}
        | _gift_phrases(raw)
    )


# "for her 60th", "her 21st": an ordinal is an occasion too.
ORDINAL = r"\d{1,3}(?:st|nd|rd|th)"
# What follows "I bought my mum": the thing bought ("a dress", "some shoes", "this").
BOUGHT_THING = r"(?:a|an|some|the|this|that|these|those|one)"


def _gift_phrases(raw: Dict[str, Any]) -> Dict[str, "re.Pattern[str]"]:
    """The people of `gift_for` ("for my mum*") in two more ways of saying a gift:
    "I bought my mum a dress" and "for my sisters birthday" / "for her 60th"."""
    people = [str(w)[len("for my ") :] for w in raw.get("gift_for") or [] if str(w).lower().startswith("for my ")]
    person = word_pattern(people).pattern + r"(?:'s)?"
    bought = word_pattern(raw.get("gift_bought") or []).pattern
    occasion = r"(?:" + word_pattern(raw.get("gift_occasion") or []).pattern + r"|\b" + ORDINAL + r"\b)"
    return {
        "gift_bought_person": re.compile(bought + r"\s+(?:my|our)\s+" + person + r"\s+" + BOUGHT_THING + r"\b", re.I),
        "gift_occasion_for": re.compile(r"\bfor\s+(?:her|his|their|my\s+" + person + r")\s+" + occasion, re.I),
    }


def said(name: str, text: Text) -> bool:
    """Whether the text has a phrase of the list ``name`` of catalog/signals.yml (an answer's `unless_signal` too)."""
    return bool(_lists(changed_at(SIGNALS_FILE))[name].search(text))


# "wrong AGAIN": one word in capitals is raised voice too (codes such as LK-10422 and ASAP are not).
# Sent as asked, perhaps, but not right for them: "shoes too small", "doesn't fit" (a fit, not a fault);
# actions/empathize.py and server/dialogue/first_part.py read it alike.
NOT_FITTING = re.compile(
    r"\btoo\s+(?:small|big|large|tight|loose|short|long|narrow|wide)\b|\b(?:does|do|did)\s?(?:n[o']?t|\s+not)\s+fit\b",
    re.I,
)
CAPS_WORD = re.compile(r"(?<![\w-])(?!ASAP\b|LK\b|BL\b|USA\b|SMS\b|PDF\b)[A-Z]{4,}(?![\w-])")
# "wrong again", "AGAIN", "yet again": it has happened before.
AGAIN = re.compile(r"\b(?:wrong|yet|late|broken|missing|happened|failed|once)\s+again\b", re.I)
# "GET ME A MANAGER NOW", "a supervisor right now": a demand, not a request.
DEMAND = re.compile(
    r"\b(?:manager|supervisor|someone in charge|your boss|real person|human)\s+(?:right\s+)?now\b", re.I
)
# "I don't want to argue with a bot": tired of the assistant itself.
BOT_WEARY = re.compile(
    r"\b(?:argu\w*|fight\w*|talk\w*|deal\w*)\s+(?:with|to)\s+(?:a|this|the|your)\s+(?:bot|robot|machine)\b", re.I
)


def frustration_signals(text: Text, earlier_intents: Sequence[Text], intent: Text) -> List[Text]:
    """The signals present: shouting, exclamations, swearing, repeated (asked before), happened_again, demanding,
    venting."""
    signals = []
    letters = [c for c in text if c.isalpha()]
    if len(letters) >= 8 and sum(c.isupper() for c in letters) / len(letters) >= 0.6:
        signals.append("shouting")
    elif CAPS_WORD.search(text):
        signals.append("shouting")
    if re.search(r"!{2,}|(?:!\s*){3,}", text):
        signals.append("exclamations")
    if said("swearing", text):
        signals.append("swearing")
    # "More than once" only when it is true: the customer says they had to ask before.
    if said("said_before", text):
        signals.append("repeated")
    elif AGAIN.search(text) or "AGAIN" in text:
        # "my grinder is late AGAIN" (a panel of our own, 5 December): the trouble again, not the asking; never
        # "I know you've had to say this more than once".
        signals.append("happened_again")
    if DEMAND.search(text):
        signals.append("demanding")
    if intent == "express_frustration" or BOT_WEARY.search(text):
        signals.append("venting")
    return signals


def asks_the_impossible(text: Text) -> bool:
    """'I want the rain to stop', 'raining all week... can you make it stop?': something nobody can do
    (catalog/signals.yml `impossible`, or `weather` with `weather_stop`)."""
    return bool(text) and (said("impossible", text) or (said("weather", text) and said("weather_stop", text)))


def asks_an_errand(text: Text) -> bool:
    """'can you call me a taxi', 'send an uber to the cafe': an errand we can't run for anyone (catalog/signals.yml
    `errand`). Opening a chat, the plain no of the impossible; in a case, the designers' answer (catalog/answers.yml
    `taxi`), the case's options kept. Not an errand let go ("ok forget the taxi", `errand_let_go`)."""
    return bool(text) and said("errand", text) and not said("errand_let_go", text)


def asks_without_end(text: Text) -> bool:
    """'free coffee for a year', 'free calls for life': a demand with no end to it (catalog/signals.yml
    `without_end`), said with "free" or "on you" ("a customer for a year now, the credit please" takes the credit)."""
    return bool(text) and said("without_end", text) and bool(FREE_GIVEN.search(text))


FREE_GIVEN = re.compile(r"\bfree\b|\bon\s+(?:you|u|the\s+house|us|larkspur)\b", re.I)


def here_now(text: Text) -> bool:
    """'i'm sitting on the terrace and its pouring': at the place now (catalog/signals.yml `here_now`)."""
    return bool(text) and said("here_now", text)


def said_playfully(text: Text) -> bool:
    """'can you make it stop? :)', 'lol': said with a smile, and nothing said to be spoiled nor planned
    (catalog/signals.yml `playful`, `no_joke`)."""
    return bool(text) and said("playful", text) and not said("no_joke", text)


def said_at_the_cafe(text: Text) -> bool:
    """'at your cafe', 'the barista': a café visit, whatever the item (catalog/signals.yml `cafe_visit`)."""
    return bool(text) and said("cafe_visit", text)


def says_it_is_late(text: Text) -> bool:
    """'it's late', 'still nothing': waiting for the order (catalog/signals.yml `lateness`)."""
    return bool(text) and said("lateness", text)


def leaves_unhappy(text: Text) -> bool:
    """'whatever. bye', 'forget it': leaving unhappy (catalog/signals.yml `dismissive`)."""
    return bool(text) and said("dismissive", text)


def wants_it_cancelled(text: Text) -> bool:
    """'i want to cancel it': an order to be stopped (catalog/signals.yml `cancel_order`)."""
    return bool(text) and (said("cancel_order", text) or bool(CANCEL_NAMED_ORDER.search(text)))


# "can u cancel my coffee grinder order" (blind panel p54 B12): the order named by its item, a few words at most.
CANCEL_NAMED_ORDER = re.compile(
    r"\bcancel\s+(?:my|the|this|that|our)\s+(?:(?!call\b|callback\b|for\b|about\b)[a-z-]+\s+){1,3}order\b"
    r"|\bcancel\s+order\b",
    re.I,
)


def charged_twice(text: Text) -> bool:
    """'you charged me twice this month': one payment taken twice (catalog/signals.yml `charged_twice`)."""
    return bool(text) and said("charged_twice", text)


def said_in_praise(text: Text) -> bool:
    """ "what a great help", "brilliant": a word of praise (catalog/signals.yml `praise`, `kind_words`), meant or not."""
    return bool(text) and said("kind_words", text)


def is_praise(text: Text) -> bool:
    """ "you guys are great, the staff at the cafe were lovely": kind words, no trouble, no idea and no complaint beside them
    (catalog/signals.yml `praise` and `kind_words`, `trouble`, `not_only_praise`)."""
    if not text or not said("kind_words", text) or said("trouble", text):
        return False
    # "please tell him", "could you pass it on": the kind words asked to reach someone, nothing more.
    asked_on = _lists(changed_at(SIGNALS_FILE))["pass_on"]
    rest = re.sub(rf"\b(?:please|pls|plz|could you|can you|would you)\s+(?={asked_on.pattern})", " ", text, flags=re.I)
    return not said("not_only_praise", asked_on.sub(" ", rest))


def praise_and_more(text: Text) -> bool:
    """ "ur staff are lovely but please tell them the music is way too loud": kind words with a remark beside them (a
    word of `not_only_praise`), nothing gone wrong (no word of `trouble`); thanked for both, never as praise only."""
    return bool(text) and said("kind_words", text) and not said("trouble", text) and not is_praise(text)


# "can u stop the tracking emails now", "please STOP the tracking update emails for the grinder", "no more delivery
# emails please" (blind panel p54 B12): an order's update emails asked to stop.
STOP_UPDATES = re.compile(
    r"\b(?:stop|turn\s+off|switch\s+off|cancel|unsubscribe(?:\s+me)?\s+from|no\s+more|don'?t\s+(?:want|need|send)(?:\s+any)?"
    r"(?:\s+more)?)\s+(?:the\s+|these\s+|those\s+|all\s+the\s+|sending\s+(?:me\s+)?(?:the\s+)?)?"
    r"(?:tracking|delivery|order|shipping|dispatch)\s+(?:update\s+|updates\s+)?(?:emails?|e-?mails?|updates?|notifications?)\b"
    # "and the tracking emails? stop them yes or no"
    r"|\b(?:tracking|delivery|shipping)\s+(?:update\s+)?(?:emails?|updates?|notifications?)\b[^.!]{0,30}?\bstop\s+(?:them|those|these)\b"
    # "please stop emailing me about LK-10423" (a conversation of our own, 6 December: it booked an email follow-up).
    r"|\b(?:stop|quit)\s+(?:e-?mailing|sending\s+(?:me\s+)?(?:e-?mails|updates))(?:\s+me)?\s+(?:about|for|on|regarding)\b",
    re.I,
)


def asks_to_stop_updates(text: Text) -> bool:
    """ "can u stop the tracking emails now": an order's update emails asked to stop; never "dont stop them"."""
    if not text or re.search(r"\b(?:don'?t|do\s+not|no\s+need\s+to|never)\s+stop\b", text, re.I):
        return False
    return bool(STOP_UPDATES.search(text))


# A colour named, as customers name what came and what they ordered (server/dialogue/first_part.py too).
COLOUR = r"(?:red|blue|navy|black|white|green|grey|gray|pink|brown|beige|yellow|purple|orange|cream|tan|silver|gold)"
# "got the wrong colour dress from you, red instead of navy", "you sent me the wrong item": what we sent is not what was
# ordered, in the customer's words (read before the record may be opened: blind panel p54 B07).
WRONG_SENT = re.compile(
    rf"\bwrong\s+(?:colou?r|item|thing|one|model|product|dress|shoes|jacket|order)\b"
    rf"|\b{COLOUR}\s*,?\s+(?:instead\s+of|not|rather\s+than)\s+(?:the\s+)?{COLOUR}\b"
    rf"|\bsent\s+(?:me\s+|us\s+|her\s+|him\s+)?(?:the\s+|a\s+)?wrong\b",
    re.I,
)


def says_wrong_sent(text: Text) -> bool:
    """ "red instead of navy", "you sent the wrong item": the wrong thing sent, by the customer's words; never their
    own slip ("i ordered the wrong size": catalog/signals.yml `own_change`)."""
    return bool(text) and bool(WRONG_SENT.search(text)) and not says_it_is_their_own_change(text)


def tells_trouble(text: Text) -> bool:
    """ "my latte was cold", "still waiting": a word of something gone wrong (catalog/signals.yml `trouble`)."""
    return bool(text) and said("trouble", text)


def asks_to_pass_on(text: Text) -> bool:
    """'please tell him', 'pass it on to her': kind words asked to reach the person (catalog/signals.yml `pass_on`)."""
    return bool(text) and said("pass_on", text)


# "they never called", "your team never rang": a call of ours that never came (both patterns below).
_NEVER_RANG = r"\b(?:you|they|nobody|no\s*one|your\s+team|anyone|someone)\s+(?:\w+\s+)?never\s+(?:called|rang|phoned)\b"
# "you never called me back", "nobody ever rang me": our call that never came, not calls on the bill.
OUR_CALL_NEVER_CAME = re.compile(
    rf"\b(?:called|rang|phoned)\s+(?:me|us)\b|{_NEVER_RANG}|\bnever\s+(?:called|rang)\s+back\b",
    re.I,
)


# "Ive been promised a call back twice this month and nobody has ever called" (blind panel p54 A06): calls we promised
# and never made, the customer's very complaint; never a third call offered.
CALLS_WE_NEVER_MADE = re.compile(
    r"\b(?:nobody|no\s*one|noone)\s+(?:has\s+|have\s+|had\s+|did\s+)?(?:ever\s+|even\s+)?(?:called|calls|rang|rings|phoned|call|ring)\b"
    rf"|{_NEVER_RANG}"
    r"|\bnever\s+(?:got|had|received)\s+(?:a|the|my|any|that)\s+(?:call\s*back|callback|call)\b"
    r"|\b(?:call\s*backs?|callbacks?|calls?)\s+(?:that\s+|which\s+)?(?:never|nobody)\s+(?:came|happened|made|rang|called)\b"
    r"|\bcalls?\s+nobody\s+made\b",
    re.I,
)
_PROMISED_CALL = re.compile(r"\b(?:promised|told|booked|arranged)\b[^.!?]{0,40}\b(?:call\s*back|callback|call)\b", re.I)
_NOBODY = re.compile(r"\b(?:nobody|no\s*one|noone|never)\b", re.I)


# More than one call that never came: "twice", "again", "every time", "nobody ever calls me back when they say they will".
_MORE_THAN_ONCE = re.compile(
    r"\b(?:twice|two|2|three|3|several|again|every\s*time|each\s+time|always|more\s+than\s+once|multiple|many|"
    r"keep\s+(?:promising|saying|telling)|whenever|when\s+(?:they|you)\s+say\s+(?:they|you)\s+will)\b"
    r"|\b(?:calls|rings)\s+(?:me\s+)?back\b|\b(?:call\s*backs|callbacks)\b",
    re.I,
)


def calls_never_came(text: Text) -> bool:
    """ "nobody has ever called", "promised a call back twice... nobody did": calls of ours that never came."""
    if not text:
        return False
    if CALLS_WE_NEVER_MADE.search(text):
        return True
    return bool(_PROMISED_CALL.search(text) and _NOBODY.search(text))


def calls_never_came_again(text: Text) -> bool:
    """ "Ive been promised a call back twice this month and nobody has ever called" (blind panel p54 A06): more than one
    call of ours that never came, so a further call is no remedy; one missed call is met with one that is kept."""
    return calls_never_came(text) and bool(_MORE_THAN_ONCE.search(text))


def calls_not_made(text: Text) -> bool:
    """'calls on my bill I never made': maybe someone else on the line (catalog/signals.yml `calls_not_made`); never
    "you never called me back" (a conversation of our own, 5 December)."""
    return bool(text) and said("calls_not_made", text) and not OUR_CALL_NEVER_CAME.search(text)


def about_hygiene(text: Text) -> bool:
    """'there was a hair in my sandwich': something that should never be in food (catalog/signals.yml `hygiene`)."""
    return bool(text) and said("hygiene", text)


def about_staff_conduct(text: Text) -> bool:
    """'the guy at the cafe rolled his eyes at me': how staff behaved (catalog/signals.yml `staff_conduct`)."""
    return bool(text) and said("staff_conduct", text)


# How far before "for my mum" a purchase word counts ("the dress I bought for my mum").
BOUGHT_WITHIN = 40


def said_it_was_a_gift(text: Text) -> bool:
    """'it was a present for my mum': bought for someone else (catalog/signals.yml `gift`).

    The `not_gift` phrases are read past first: "my gift card won't scan" is no gift, nor
    "not a gift", nor "a gift someone bought me" (the customer is who it was for, not who
    bought it). "I bought my mum a dress" and "for my sisters birthday", "for her 60th" are
    gifts too (the people of `gift_for`, the days of `gift_occasion`). Who it was for (`gift_for`, "for my mum") counts only with a purchase word
    (`gift_bought`) just before it: "I am writing for my mum, she ordered..." is no gift.
    """
    if not text:
        return False
    lists = _lists(changed_at(SIGNALS_FILE))
    left = lists["not_gift"].sub(" ", text.replace("\u2019", "'"))
    if (
        lists["gift"].search(left)
        or lists["gift_bought_person"].search(left)
        or lists["gift_occasion_for"].search(left)
    ):
        return True
    return any(
        lists["gift_bought"].search(left[max(0, found.start() - BOUGHT_WITHIN) : found.start()])
        for found in lists["gift_for"].finditer(left)
    )


def asks_for_gift_packing(text: Text) -> bool:
    """'can you send it gift wrapped without the price on it?': a gift's packing asked for
    (catalog/signals.yml `gift_asked`), so the gift fact even without the word gift."""
    return bool(text) and said("gift_asked", text.replace("\u2019", "'"))


def names_an_occasion(text: Text) -> bool:
    """'her birthday is on Friday', 'for her 60th': the day a gift is for (`gift_occasion`).
    A day for an occasion, not a delivery date we promised."""
    return bool(text) and bool(
        _lists(changed_at(SIGNALS_FILE))["gift_occasion"].search(text) or re.search(rf"\b{ORDINAL}\b", text)
    )


# "the shoes are not broken, only small", "nothing's damaged": a fault ruled out (blind panel p54 A11), never one told.
FAULT_DENIED = re.compile(
    r"\b(?:not|isn'?t|aren'?t|wasn'?t|weren'?t|nothing(?:'?s| is)?|no|never|neither)\s+(?:\w+\s+)?"
    r"(?:faulty|broken|broke|damaged|defective|cracked|ripped|torn)\b",
    re.I,
)


def says_it_is_faulty(text: Text) -> bool:
    """ "the headphones crackle in the left ear", "it stopped working after a week": arrived faulty or
    broke in use (catalog/signals.yml `faulty`), not the wrong thing and not a fit; never "not broken, only small"."""
    said = FAULT_DENIED.sub(" ", (text or "").replace("\u2019", "'"))
    return bool(said.strip()) and bool(_lists(changed_at(SIGNALS_FILE))["faulty"].search(said))


def says_it_is_their_own_change(text: Text) -> bool:
    """ "i picked size S, i need M. can u change it before it ships": the customer's own slip or change
    of mind (catalog/signals.yml `own_change`), nothing of ours to be sorry for."""
    return bool(text) and bool(_lists(changed_at(SIGNALS_FILE))["own_change"].search(text.replace("\u2019", "'")))


def taken_by_another(text: Text) -> bool:
    """ "someone took my flat white off the counter": the café order walked off with by someone else
    (catalog/signals.yml `taken_by_another`), never a drink we got wrong."""
    return bool(text) and bool(_lists(changed_at(SIGNALS_FILE))["taken_by_another"].search(text.replace("\u2019", "'")))


def wants_an_exchange(text: Text) -> bool:
    """ "i want exchange my shoes please", "can i swap them for a bigger size": a swap wanted, not the
    money back (catalog/signals.yml `exchange_wanted`); the refund case's sympathy about money would not fit."""
    return bool(text) and bool(_lists(changed_at(SIGNALS_FILE))["exchange_wanted"].search(text.replace("\u2019", "'")))


# On the way to help: "ok im calling 911", "my friend is driving me to the ER" (read inside the call
# form by actions/handoff.py, and after a safety message by server/dialogue/repair.py).
GETTING_HELP = re.compile(
    r"\b(?:calling|called|ringing|rang|phoning|phoned)\s+(?:911|an ambulance|999|112)|\bambulance (?:is )?(?:coming|on (?:its|the) way)"
    # "i think im ok, not going to the ER" (blind panel p65 R-05: "so glad ... you're on your way") is no help on the way.
    r"|(?<!not )(?<!n't )(?<!nt )(?<!never )\b(?:going|on my way|heading|driving me|taking me|driving|drive me|take me|"
    r"driving us|driving him|driving her"
    r"|taking us|taking him|taking her|on our way|on the way) to (?:the )?(?:er|hospital|emergency|urgent care|a&e)"
    r"|\b(?:used|took|had|have|got) (?:my |the |his |her |their |our )?epi ?pen",
    re.IGNORECASE,
)


# Whether the place where harm was done will hear of it: "will someone actually tell that cafe?", "will the station
# cafe manager be told about the allergy thing", "so this doesnt happen to the next person" (blind panel p54 A04).
PLACE_TOLD = re.compile(
    # Not the customer told ("will you tell me next time if there's oat in something?"): a question for the answers.
    # "is anyone going to tell market square" too (blind panel p55 D01).
    # "can the cafe manager be told so they are more careful with milks" (blind panel p73b AH-10: a remake offered).
    r"\b(?:will|is|are|has|have|can|could|would|should)\s+(?!.{0,40}?\b(?:tell|let|warn|inform)\s+(?:me|us)\b)(?:someone|somebody|any\s?one|you|they|the\s+(?:\w+\s+)?(?:caf[eé]|shop|store|manager|staff|barista)|"
    r"(?:that|this)\s+(?:caf[eé]|shop|store))\b.{0,40}?\b(?:tell|told|know|hear|find\s+out|informed|warned)\b"
    r"|\bso\s+(?:this|it)\s+(?:doesn'?t|does\s+not|won'?t|never)\s+happens?\s+(?:to|again)\b"
    # "i asked if the manager will be told"
    r"|\b(?:the\s+(?:\w+\s+)?(?:caf[eé]|shop|store|manager|staff|barista)|they)\s+(?:will|would|gets?|has|have)\s+"
    r"(?:been\s+|be\s+)?(?:told|informed|warned)\b",
    re.I,
)


# A code said to fail ("SPRING15 isnt working", "says invalid"), as against one only asked about.
CODE_FAILS = re.compile(
    r"\b(?:does\s?n[o']?t|did\s?n[o']?t|wo\s?n[o']?t|not|never|is\s?n[o']?t|aren'?t|cant|can'?t)\s+"
    r"(?:work|go through|apply|applied|accepted|valid|going through)"
    r"|\binvalid\b|\brejected\b|\bdeclined\b|\berror\b|\bexpired\b|\bfail|\bdidn'?t\b|\bwont\b|\bnot working\b",
    re.I,
)
_ASKS = re.compile(r"\?|^(?:does|do|will|would|is|are|can|could|should|how|what|whats|which)\b", re.I)


def asks_about_a_code(text: Text) -> bool:
    """ "will WELCOME10 work for me", "is spring15 still valid?" (blind panel p39): a code asked about, not
    said to have failed, so its answer claims no failure (actions/explain_policy.py `_asked` twins)."""
    said = (text or "").strip()
    return bool(said) and bool(_ASKS.search(said)) and not CODE_FAILS.search(said)


@lru_cache(maxsize=4)
def _someone_elses(modified_ns: int) -> "re.Pattern[str]":
    raw = yaml.safe_load(SIGNALS_FILE.read_text(encoding="utf-8")) or {}
    people = "|".join(re.escape(str(p)) for p in raw.get("third_party") or []) or "(?!x)x"
    return re.compile(
        # "my wife maya okafor ordered a jacket" (blind panel p52 13): a name of two words between.
        rf"\bmy\s+(?:{people})s?\b(?:\s+[a-z]+){{0,3}}\s+(?:ordered|bought|placed|paid for|got billed)\b"
        rf"|\bmy\s+(?:{people})(?:'s|s)\s+(?:order|bill|account|parcel)\b"
        r"|\b(?:her|his|their)\s+(?:order|bill|account)\b|\bon\s+(?:her|his|their)\s+(?:card|account)\b"
        # "its not mine its hers", "its under her name" (p52 13); "is for my sister Priya, i help her" (p52 12)
        r"|\b(?:it'?s|its|that'?s|thats|it\s+is)\s+(?:not\s+mine|hers|his|theirs)\b|\bunder\s+(?:her|his|their)\s+name\b"
        rf"|\b(?:i\s+help|i'?m\s+helping|im\s+helping)\s+(?:her|him|them|my\s+(?:{people}))\b",
        re.I,
    )


def says_it_is_someone_elses(text: Text) -> bool:
    """ "my friend priya ordered it as a gift for me", "its my brother's order": the record is another person's
    (catalog/signals.yml `third_party`)."""
    return bool(text) and bool(_someone_elses(changed_at(SIGNALS_FILE)).search(text.replace("\u2019", "'")))


# "he's fine, he didnt drink much and we gave him his antihistamine" (blind panel p52 06): said of someone after the
# safety line, not on its own (a first message with it is still about danger: "he had a reaction, he's ok but...").
ALL_RIGHT = re.compile(
    r"\b(?:he|she|they|we|i)(?:'s|s|'re|re|'m|m|\s+is|\s+are|\s+am)\s+"
    r"(?:fine|ok|okay|alright|all\s+right|doing\s+(?:fine|ok|okay|better))\b",
    re.I,
)


def says_they_are_all_right(text: Text) -> bool:
    """ "he's fine", "she's ok now", "we're all right": the person is all right."""
    return bool(text) and bool(ALL_RIGHT.search(text))


# Harm from what a café served: a reaction, something in the food, staff who served it.
FOOD_HARM = re.compile(
    r"\b(?:caf[eé]s?|barista|drink|coffee|latte|tea|milk|food|ate|eaten|meal|dish|pastry|pastries|sandwich|cake|muffin|"
    r"menu|allerg\w*|reaction|food\s+poisoning)\b",
    re.I,
)


# A remedy asked for: "so will i get a replacement or what?" beside the hazard named again (server/dialogue/repair.py),
# "its unplugged now. can i get a refund?" asked when to call (actions/schedule_callback.py).
REMEDY_ASKED = re.compile(
    r"\b(?:replace\w*|refund\w*|money back|new one|a new|exchange|compensat\w*|covered|warranty|guarantee|"
    r"store credit|credit)\b",
    re.I,
)


def told_of_harm(parsed: Iterable[Optional[Mapping[str, Any]]]) -> bool:
    """Whether one of a chat's messages (their parse data) was about health or danger (server/nlu/safety.py marks
    it `safety`)."""
    return any((one or {}).get("safety") for one in parsed)


def harm_from_food(messages: Iterable[Tuple[Optional[Text], Optional[Mapping[str, Any]]]]) -> bool:
    """Whether one of a chat's messages (text, parse data) about health or danger was about what a café served."""
    return any((parsed or {}).get("safety") and FOOD_HARM.search(text or "") for text, parsed in messages)


def says_it_does_not_fit(text: Text) -> bool:
    """ "they don't fit", "too small", "wrong size": an item that doesn't fit (catalog/signals.yml `not_fitting`)."""
    return bool(text) and bool(_lists(changed_at(SIGNALS_FILE))["not_fitting"].search(text.replace("\u2019", "'")))


# "ordered an english breakfast tea at the station cafe, got handed a latte" (blind panel p69 Z-12: "I'm sorry we didn't
# get your latte right"): the words of what was ordered, before what was handed over.
_ORDERED = re.compile(
    r"\b(?:i\s+)?(?:ordered|asked\s+for|wanted|paid\s+for|order(?:ed)?\s+was)\s+(?P<what>.{1,60}?)"
    r"(?=\s*(?:,|\.|;|\bat\b|\bbut\b|\band\b|\bgot\b|\bwas\s+given\b|\binstead\b|\bthey\b|\bshe\b|\bhe\b|$))",
    re.I,
)
_HANDED = re.compile(r"\b(?:got|was\s+given|were\s+given|gave\s+me|handed\s+(?:me\s+)?|served\s+(?:me\s+)?)\b", re.I)


def what_was_ordered(text: Text) -> Optional[Text]:
    """The words naming what the customer ordered, when the message also says what they got instead; else None."""
    found = _ORDERED.search(text or "")
    if not found or not _HANDED.search(text[found.end() :]):
        return None
    return found.group("what").strip()
