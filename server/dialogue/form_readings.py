"""Readings of a message while a form asks its question, or once a call is booked.

Part of the repair reading (server/dialogue/repair.py), which calls these at their
place in its order: a time not understood, a switch to email or a cancellation while
the callback form asks; a code spelt with a space, "I don't have it" or "never mind"
while the case form asks; a call booked and then moved, cancelled or put on another
number.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Dict, Optional

from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from gracious import repair, saying_no
from gracious.contact_details import contacts, without_phones
from gracious.dropped_call import cancels_booked, clock_named, drops_the_call
from gracious.references import coupon_candidates
from gracious.times_abroad import in_english, names_a_time
from server.dialogue import in_hand
from server.dialogue.readings import CANCEL, SPACED_CODE, STATUS, entities_of, read_as, whole_message

# The mark on a message answered in another language: actions/schedule_callback.py reads its time in English words.
ANSWERED_IN = "answered_in"


def answer_in_another_language(
    parsed: Dict[str, Any], tracker: Optional[DialogueStateTracker], text: str
) -> Optional[Dict[str, Any]]:
    """ "mañana a las 10, mi número es 555 0190" while the callback form asks for a time or a number: the answer,
    with its number kept, never "a time in English, please" (blind panel p48 21). None otherwise."""
    language = parsed.get("language")
    if not language or tracker is None or not text:
        return None
    if not tracker.active_loop_name and tracker.get_slot("callback_id") and names_a_time(text, language):
        # "non, 9h, pas 10h" once the call is booked (blind panel p50 23): the call moved, never "already booked".
        said = in_english(text, language)
        moved = read_as(parsed, "request_callback", "correction", [whole_message("time", said, text)])
        moved.pop("language", None)
        moved[ANSWERED_IN] = language
        return moved
    if tracker.active_loop_name != "callback_form":
        return None
    if tracker.get_slot("requested_slot") not in ("callback_time", "callback_phone"):
        return None
    phones = contacts(text)[1]
    if not phones and not names_a_time(text, language):
        return None
    entities = [
        {"entity": "phone", "value": p, "start": text.find(p), "end": text.find(p) + len(p), "extractor": "repair"}
        for p in phones
    ]
    answered = read_as(parsed, "inform", "answer", entities)
    answered.pop("language", None)
    answered[ANSWERED_IN] = language
    return answered


def in_callback_form(parsed: Dict[str, Any], text: str, intent: Optional[str]) -> Dict[str, Any]:
    """While the callback form asks for a time or a number."""
    if intent in ("nlu_fallback", "out_of_scope") and len(text.split()) <= 4:
        # "blah blah" when asked for a time is a time not understood: counted, so
        # the form offers a way on rather than asking a third time.
        return read_as(parsed, "inform", "answer")
    if repair.wants_email_instead(text) or saying_no.refuses_call(text):
        # "hmm no, I don't really want a phone call": the form left, never "I didn't catch a time".
        return read_as(parsed, "inform", "switch_channel")
    if repair.cancels(text):
        return read_as(parsed, CANCEL, "cancel")
    if repair.mentions_time(text) and (repair.corrects(text) or intent in ("deny", "request_callback")):
        return read_as(parsed, "inform", "correction")
    return parsed


def with_spaced_code(parsed: Dict[str, Any], text: str) -> Dict[str, Any]:
    """ "summer 20 code not working": the code, as the form would read it."""
    named_code = SPACED_CODE.search(text)
    if named_code and not entities_of(parsed, "coupon_code"):
        value = re.sub(r"[\s-]", "", named_code.group(1) or named_code.group(2)).upper()
        code = {
            "entity": "coupon_code",
            "value": value,
            "start": named_code.start(),
            "end": named_code.end(),
            "extractor": "repair",
        }
        parsed = dict(parsed, entities=list(parsed.get("entities") or []) + [code])
    return parsed


def in_case_form(parsed: Dict[str, Any], tracker: DialogueStateTracker, text: str) -> Dict[str, Any]:
    """While the case form asks for an order, bill or coupon."""
    has_reference = bool(entities_of(parsed, "order_id", "coupon_code"))
    spaced = coupon_candidates(text) if tracker.get_slot("requested_slot") == "coupon_code" else []
    if spaced and not has_reference:
        # "welcome-10, like i said" when asked for the code: an answer, which the form
        # checks against the coupons we have (never echoing a guess back as a code).
        return read_as(parsed, "inform", "coupon_code", [])
    if repair.cancels(text) and not has_reference:
        return read_as(parsed, CANCEL, "cancel")
    if repair.has_no_reference(text) and not has_reference:
        return read_as(parsed, "deny", "no_reference")
    return parsed


# A question about a call already arranged: "no call tomorrow?", "is someone calling me today?".
CALL_ASKED_ABOUT = re.compile(
    r"\b(?:no|is\s+my|is\s+the|is\s+there\s+a|any|still\s+a|still\s+getting\s+a|my)\s+(?:phone\s+)?call\b[^.!]*\?"
    r"|\b(?:is|are)\s+(?:someone|somebody|anyone|you|you\s+guys)\s+(?:still\s+)?(?:going\s+to\s+|gonna\s+)?"
    r"(?:call|ring|phon)(?:e|ing)?\s+me\b[^.!]*\?"
    r"|\bwhen\s+(?:is|will)\s+(?:my|the)\s+call\b",
    re.I,
)

# "what have I got booked with you? any calls or emails?" (blind panel p39 19), in a case or not.
BOOKINGS_ASKED = re.compile(
    r"\bwhat(?:'s| is| have| do)?\s+(?:i\s+)?(?:got\s+)?booked\b"
    r"|\b(?:any|my)\s+calls?\s+or\s+e-?mails?\b"
    # "what calls do i have booked", "is my callback still on for tomorrow" (blind panel p52 15): asked, never booked.
    r"|\bwhat\s+calls?\s+(?:do\s+i\s+have|have\s+i\s+got|are\s+booked|is\s+booked)\b"
    r"|\bthe\s+\d[\w:.]*\s+(?:one|call)\s+(?:is\s+|'s\s+)?(?:gone|cancell?ed|off)\b"
    r"|\b(?:anything|something)\s+booked\b"
    r"|\bdo\s+i\s+(?:still\s+)?have\s+(?:a|any)\s+calls?\b"
    # "i booked a call with you yesterday i think? ... what time was it for", "i just forgot the time" (p44 13)
    r"|\bwhat\s+time\s+(?:is|was)\s+it\s+(?:booked\s+)?for\b|\bforgot\s+(?:the|what)\s+time\b"
    # "i already have a call today at 4 about this, is that still on?" (blind panel p42 21): asked, never booked again.
    # "is the lamp call still tomorrow 10am, and has anyone emailed me about the discount setting yet?" (blind panel p52
    # 15): the records, never an apology for a reply not yet due.
    r"|\b(?:is|are)\s+(?:the|my|our)\s+(?:[\w-]+\s+)?call(?:back)?s?\s+still\s+(?:on\s+)?(?:for\s+)?(?:today|tomorrow|tmrw|monday|tuesday|wednesday|thursday|friday|saturday|sunday|at\s+\d|\d)"
    # "just the one call yeah?", "only one call right?" (blind panel p52 15): the calls as they stand.
    r"|\b(?:just|only)\s+(?:the\s+)?one\s+call(?:back)?\b[^.!]*\?"
    r"|\bhas\s+(?:any\s*one|any\s*body|someone|somebody)\s+(?:e-?mailed|called|rung|rang|phoned|contacted|written\s+to)\s+me\b[^.?!]*\byet\b"
    r"|\b(?:is|are)\s+(?:that|it|they|the\s+call(?:back)?|my\s+call(?:back)?)\s+still\s+(?:on|happening|booked)\b(?!\s+(?:track|time|schedule|course|its\s+way|the\s+way|target))"
    # "did i book a call with you guys for tomorrow? i cant remember what time", "what time is it booked for",
    # "what was that call even for" (blind panel p43 20): the record, never a policy menu.
    r"|\b(?:did|have|had)\s+i\s+(?:already\s+)?(?:book|booked|arrange|arranged|set\s+up|schedule|scheduled)\s+"
    r"(?:a|any|the)\s+(?:phone\s+)?call(?:back)?s?\b"
    r"|\bwhat\s+time\s+(?:is|was)\s+(?:my|the|that)\s+call(?:back)?\b"
    r"|\bwhat\s+time\s+(?:is|was)\s+it\s+booked\b"
    r"|\bwhat\s+(?:was|is)\s+(?:that|the|my)\s+call(?:back)?\s+(?:even\s+)?(?:for|about)\b"
    r"|\bwhen(?:'s|\s+is|\s+was)\s+(?:my|the|that)\s+call(?:back)?\s+(?:booked|for|again)\b"
    r"|\b(?:know|tell\s+me|remind\s+me|check)\s+when\s+(?:my|the|that)\s+call(?:back)?\s+(?:is|was)\b"
    # "wait, so do I now have two calls booked? I only want one" (blind panel p50 18): the calls as they stand.
    r"|" + repair.MORE_THAN_ONE_CALL.pattern,
    re.I,
)

# "move my 11am call to 2pm", "can you push the call to friday": a call named and moved.
MOVE_CALL = re.compile(
    r"\b(?:move|push|change|shift|reschedule|put back|bring forward)\s+(?:my|the|that|our)\s+(?:[\w:.]+\s+){0,2}call\b",
    re.I,
)

# "I have a callback booked about my roaming bill, could we do it earlier? like today at 9am" (blind panel p50 18):
# the call booked in another chat, said to be there, and a new time asked for it.
HAS_A_CALL = re.compile(
    r"\b(?:i\s+have|i'?ve\s+got|i\s+got|there'?s|there\s+is)\s+(?:a|my|the|one)\s+(?:phone\s+)?call(?:\s*back)?\s+"
    r"(?:already\s+)?(?:booked|scheduled|set\s+up|arranged|coming)\b"
    r"|\bmy\s+(?:booked|scheduled)\s+call(?:\s*back)?\b"
    # "i booked a call for tomorrow about the phone add on thing, can we push it to 5" (blind panel p52 14)
    r"|\bi\s+(?:booked|scheduled|arranged|set\s+up)\s+(?:a|the|my)\s+(?:phone\s+)?call(?:\s*back)?\b",
    re.I,
)
NEW_TIME_FOR_IT = re.compile(
    r"\b(?:earlier|sooner|later|instead|move|moved|push|bring\s+it\s+forward|reschedule|rearrange|change\s+the\s+time)\b",
    re.I,
)

# "book it again", "rebook the call", "put the call back on".
REBOOK = re.compile(
    r"\bre-?book\w*|\b(?:book|call|ring|set)\b.*\b(?:again|back up)\b|\bagain\b.*\b(?:book|call|ring)\b", re.I
)


ASKS_TO_MOVE = re.compile(
    r"\b(?:can|could|would|will|might|may)\s+(?:we|you|u|i|someone)\s+(?:please\s+|pls\s+|just\s+)?"
    r"(?:push|move|change|shift|switch|bring|put)\s+(?:it|that|the call|my call|the callback)\b"
    # "actually can you make it the afternoon" (a conversation of our own, 5 December): the booked call, moved;
    # "Might we make it Wednesday, same time?" (blind panel p58 D4).
    r"|\b(?:can|could|would|might|may)\s+(?:we|you|u)\s+(?:please\s+|pls\s+|just\s+)?make\s+it\s+(?:the\s+|in\s+the\s+|on\s+|at\s+)?"
    r"(?:morning|afternoon|evening|today|tomorrow|tonight|mon|tue|wed|thu|fri|sat|noon|lunch|\d)"
    # "can we do thursday morning instead", "how about friday at 10": a time offered for the call
    r"|\b(?:can|could)\s+(?:we|you|u)\s+do\s+(?:it\s+)?(?:on\s+|at\s+)?(?:today|tomorrow|tonight|mon|tue|wed|thu|fri|sat|\d)"
    r"|\b(?:how|what)\s+about\s+(?:on\s+|at\s+)?(?:today|tomorrow|tonight|mon|tue|wed|thu|fri|sat|\d)"
    # "2 is no good, school run. half 4?" (blind panel p36 18): the booked time turned down, another offered
    r"|\b(?:is|s)\s+no\s+good\b|\b(?:doesn'?t|does\s+not|won'?t|wont)\s+work\s+for\s+me\b|\bcan'?t\s+do\s+(?:\d|that|then)"
    r"|\b(?:bad|awkward)\s+time\b",
    re.I,
)


# A call named: "the call", "my callback", "the thursday one" is not enough alone.
CALL_WORD = re.compile(r"\b(?:call|calls|callback|call-back|ring|phone call)\b", re.I)


# A bare hour asked for the call ("make it 3", "move it to 4"): a time, though it names no am or pm.
HOUR_MADE = re.compile(r"\b(?:make it|move it to|change it to|push it to|switch it to)\s+(?:half\s+)?\d{1,2}\b", re.I)


# The call asked after in a few words and nothing else: "and the call??", "what about my call?", "the callback?".
THE_CALL_ASKED = re.compile(
    r"^\W*(?:(?:ok|okay|right|so|hmm|um|well)\W+)?(?:(?:and|so|but)\s+)?(?:what\s+about\s+|how\s+about\s+)?"
    r"(?:the|my|that)\s+(?:phone\s+)?(?:call|call\s*back|callback)\s*\?+\W*$",
    re.I,
)


def about_the_calls(
    parsed: Dict[str, Any], tracker: DialogueStateTracker, text: str, intent: Optional[str]
) -> Optional[Dict[str, Any]]:
    """No call but an email, or a call booked in this chat moved, cancelled or put on a new number."""
    booked = tracker.get_slot("callback_id")
    if (
        not tracker.active_loop_name
        and in_hand.call_was_booked(tracker)
        and re.search(r"\b(?:did|has|have|is|was)\b[^.?!]*\b(?:cancell?ed|gone|off)\b[^.!]*\?", text, re.I)
        and CALL_WORD.search(text)
    ):
        # "hey me again. sorry, did the call actually get cancelled? i still got an email about thursday" (a conversation
        # of our own, 6 December: "No problem, I won't book a call"): where the calls stand, never a call turned down.
        return read_as(parsed, STATUS, "status")
    if not tracker.active_loop_name and in_hand.call_was_booked(tracker) and THE_CALL_ASKED.match(text):
        # "ok. and the call??" once the call was booked (blind panel p65 Q: "I haven't put any options to you yet"):
        # where the calls stand.
        return read_as(parsed, STATUS, "status")
    if not booked and REBOOK.search(text) and in_hand.call_was_booked(tracker) and not repair.refuses_call(text):
        # "book it again. tomorrow 9am" after the call was cancelled: a call again, at that time.
        timed = [whole_message("time", text, text)] if repair.mentions_time(text) else []
        return read_as(parsed, "request_callback", "rebook", timed)
    if repair.wants_email_instead(text) and (repair.refuses_call(text) or (booked and repair.corrects(text))):
        # "i dont want a call at all, just email me": an email follow-up (and no call).
        email = whole_message("alternative", "email_followup", text)
        return read_as(parsed, "choose_alternative", "switch_channel", [email])
    if ON_THAT_CALL.search(text) and not cancels_booked(text) and not tracker.active_loop_name:
        # "i already have a call with you tomorrow at 4:45, can they just sort the jacket on that same call?" (blind
        # panel p52 20): this case added to that call's notes (action_where_things_stand), never a second call booked
        # nor the call offered for cancelling.
        return read_as(parsed, STATUS, "call_note")
    known = cancels_booked(text) or repair.refuses_call(text)
    # "ok but what was it for? and why was it booked if i said no calls" (blind panel p41 23): asked about
    # the call, never a cancel, unless a word of cancelling is said.
    asked_about = in_hand.is_question(text) and not re.search(r"\b(?:cancel|scrap|drop|call\s+it\s+off)", text, re.I)
    if booked and not asked_about and drops_the_call(text) and (not known or _names_another_time(text, tracker)):
        # "scrap the phone call" (words the cancel action doesn't know), "cancel the 4pm call" (the
        # call is at 3pm): the callback form's validator hears them, and the call named is cancelled,
        # or, naming none booked, the calls booked are said (actions/callback_cancel.py).
        return read_as(parsed, "request_callback", "cancel_call", [whole_message("time", text, text)])
    if booked and not asked_about and repair.refuses_call(text) and not cancels_booked(text):
        return read_as(parsed, CANCEL, "cancel_call")  # "dont call me after all"
    if booked and in_hand.new_number(text) and not cancels_booked(text):
        spoken = without_phones(text)
        if (repair.NAMES_WHEN.search(spoken) or HOUR_MADE.search(spoken)) and not re.match(
            r"\s*(?:is|are|will|did|does|do|has|was)\b", text, re.I
        ):
            # "monday morning instead? call my cell 555-0222" (blind panel p38), "make it 3, ive got a meeting at 2.
            # and call my work number instead, 555 0111" (p62 L08: "your call stays at 2:00 pm"): the call moved and
            # on the new number, never only the number changed.
            phones = entities_of(parsed, "phone")
            return read_as(parsed, "request_callback", "correction", [whole_message("time", text, text), *phones])
        # "0199 is my old number, use 555 0142": the booked call, on the new number.
        return read_as(parsed, STATUS, "phone_change")
    drops = cancels_booked(text) or (drops_the_call(text) and not repair.refuses_call(text))
    if not booked and not tracker.active_loop_name and drops and not repair.wants_email_instead(text):
        # "just cancel the 2pm call please" in a chat with no call of its own (blind panel p39 18): the
        # customer's calls wherever booked, or "nothing to cancel" (actions/callback_cancel.py).
        return read_as(parsed, CANCEL, "cancel_call")
    moved_elsewhere = MOVE_CALL.search(text) or (HAS_A_CALL.search(text) and NEW_TIME_FOR_IT.search(text))
    if not booked and not tracker.active_loop_name and moved_elsewhere and repair.mentions_time(text):
        # "can you move my 11am call to 2pm" in a new chat: the call booked in another chat, moved
        # (action_schedule_callback), never a second one booked.
        return read_as(parsed, "request_callback", "correction", [whole_message("time", text, text)])
    if (
        not booked
        and not tracker.active_loop_name
        and not tracker.get_slot("case_type")
        and CALL_ASKED_ABOUT.search(text)
    ):
        # "hi, so no call tomorrow?" in a new chat (blind panel p38): the calls as they stand, this
        # chat's or the account's (action_where_things_stand), never a greeting or a policy menu.
        return read_as(parsed, STATUS, "status")
    if (asked := call_change_asked(parsed, tracker, text)) is not None:
        return asked
    if booked and FOR_THE_CALL.search(text) and not repair.mentions_time(text) and not cancels_booked(text):
        # "no. just make sure they know its about moving the brunch inside" (blind panel p51 20): the customer's words
        # added to the call's notes (action_where_things_stand), never a new complaint opened.
        return read_as(parsed, STATUS, "call_note")
    if booked:
        if cancels_booked(text) or (CANCEL_IT.search(text) and _call_said_last(tracker)):
            # "ok cancel it then" just after the call was booked or said (never "No problem at all" and the call kept).
            return read_as(parsed, CANCEL, "cancel_call")
        # "5:30 say", "2pm tomorrow": a time on its own moves the call too.
        # A correction names a clock time or the call ("i asked if i have to PAY the bill
        # before friday" moves nothing).
        clock = re.search(r"\d", text) and not re.search(r"\bcancel", text, re.I)  # "cancel the 2pm one"
        moving = (
            (repair.corrects(text) and (clock or len(text.split()) <= 5))
            or repair.says("call_words", text)
            or (len(text.split()) <= 8 and re.search(r"\d\s*(?:am|pm)|\d:\d\d|\bsay\b", text, re.I))
            # "10 doesnt work, im in meetings all morning. 4pm please" (blind panel p71 AC-12: read as a faulty item).
            or bool(clock and TIME_NOT_SUITED.search(text))
        )
        # "Can we push it to Friday morning?" asks for the move; "is it still on friday?" asks about the call.
        requested = ASKS_TO_MOVE.search(text)
        moving = moving or bool(requested)
        # Asked of the sentence with the time: "make it 4:30. and can they tell me if the Portland calls got the
        # discount too?" moves the call, and the other question is answered after (blind panel p51 13).
        timed = [p for p in re.split(r"(?<=[.!?])\s+", text) if repair.mentions_time(p)]
        part = timed[0] if timed else text
        asking = ("?" in part and not requested) or re.match(r"\s*(?:is|are|will|did|does|do|has|was)\b", part, re.I)
        if repair.mentions_time(text) and moving and not asking and intent not in ("thank", "affirm"):
            return read_as(parsed, "request_callback", "correction", [whole_message("time", text, text)])
        said = _time_said_plainly(text)
        if said and intent not in ("thank", "affirm"):
            # "wait today is thursday, do you mean next week? i meant TODAY 10am" (blind panel p42 09): the
            # question is the lead-in; the sentence that says the time moves the call, to that time.
            return read_as(parsed, "request_callback", "correction", [whole_message("time", said, text)])
    return None


# "10 doesnt work", "tomorrow is no good", "that time won't work for me": the call's time turned down.
TIME_NOT_SUITED = re.compile(
    r"\b(?:\d{1,2}(?::\d\d)?\s*(?:am|pm)?|that(?:\s+time)?|it|tomorrow|today|the\s+morning|mornings?|afternoons?)\s+"
    r"(?:doesn'?t|does\s+not|dont|don't|won'?t|will\s+not|isn'?t|is\s+not|is\s+no)\s+(?:work|suit|good)",
    re.I,
)


# "did you change my call to 4:30?", "have you moved it?", "is it at 4:30 now?": asked whether the call was changed.
CHANGE_ASKED = re.compile(
    r"^\W*(?:so\s+|and\s+|ok\s+)?(?:did|have|has)\s+(?:you|u|it|they|that|the\s+call|my\s+call)\s+(?:\w+\s+)?"
    r"(?:chang|mov|updat|reschedul|switch|push)\w*\b[^.!]*\?"
    r"|^\W*(?:so\s+)?is\s+(?:it|the\s+call|my\s+call)\s+(?:at\s+|for\s+)?\d[^.!]*\bnow\b",
    re.I,
)


def call_change_asked(parsed: Dict[str, Any], tracker: DialogueStateTracker, text: str) -> Optional[Dict[str, Any]]:
    """ "did you change my call to 4:30?" with a call booked (blind panel p51 13): the call as it stands
    (action_where_things_stand, its yes or no by the time named), never asked for a time nor "I'd rather not guess"."""
    if tracker.get_slot("callback_id") and CHANGE_ASKED.search(text) and re.search(r"\bcall|\bit\b|\d", text, re.I):
        return read_as(parsed, STATUS, "status")
    return None


# "make sure they know its about...", "tell them it's about...", "let them know i...": words for whoever calls.
# "sort the jacket on that same call", "can you add this to my call", "cover it on the call i already have".
ON_THAT_CALL = re.compile(
    r"\b(?:on|in|during|to|onto|into)\s+(?:that|the|this|my)\s+same\s+call\b"
    r"|\b(?:on|in|during)\s+(?:that|the)\s+call\s+(?:too|as well|also|i\s+(?:already\s+)?have|already|instead)\b"
    r"|\b(?:add|put|include)\s+(?:it|this|that|the\s+\w+(?:\s+\w+)?)\s+(?:to|on|onto|in)\s+(?:that|the|my)\s+"
    r"(?:same\s+)?(?:phone\s+)?call\b"
    r"|\bsame\s+call\b",
    re.I,
)
FOR_THE_CALL = re.compile(
    r"\bmake\s+sure\s+(?:they|the\s+team|whoever|someone|the\s+person|he|she)\s+(?:knows?|understands?|are\s+told)\b"
    r"|\b(?:tell|remind)\s+(?:them|whoever|the\s+person|the\s+team)\s+(?:it'?s|its|it\s+is|this\s+is|that)\b"
    r"|\blet\s+(?:them|whoever|the\s+team)\s+know\b",
    re.I,
)
# "ok cancel it then", "cancel that please": the thing just said, named by "it".
CANCEL_IT = re.compile(
    r"\b(?:cancel|scrap|drop)\s+(?:it|that)\b(?!\s+(?:credit|refund|exchange|coupon|email|order))", re.I
)


def _call_said_last(tracker: DialogueStateTracker) -> bool:
    """The assistant's last turn booked, moved or told of the call ("utter_callback_booked",
    "utter_status_call_not_cancelled"...)."""
    return any("callback" in name or "_call_" in name for name in in_hand.said_last_turn(tracker))


def _time_said_plainly(text: str) -> Optional[str]:
    """The last sentence of a longer message that corrects the call's time ("i meant TODAY 10am"),
    when it asks nothing itself."""
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()]
    if len(sentences) < 2:
        return None
    last = sentences[-1]
    if "?" in last or not repair.corrects(last) or not repair.mentions_time(last) or not re.search(r"\d", last):
        return None
    return last


def _names_another_time(text: str, tracker: DialogueStateTracker) -> bool:
    """ "cancel the 4pm call" when the call was booked (or last moved) in this chat for 3pm."""
    named = clock_named(text)
    times = [e.value for e in tracker.events if isinstance(e, SlotSet) and e.key == "callback_time" and e.value]
    for value in reversed(times if named is not None else []):
        try:
            booked = datetime.fromisoformat(str(value))
        except ValueError:
            continue  # the words before the form read them ("tomorrow at 3pm"): the time agreed comes after
        return (booked.hour, booked.minute) != named
    return False


# Said beside a case of another order of the customer's (actions/digression.py): "just say so and I'll look into that".
OTHER_ORDER_TOLD = {"utter_other_order_late", "utter_other_order_delivered"}
TAKES_IT_UP = re.compile(
    r"^\W*(?:yes|yeah|yep|yup|ok|okay|sure|please|pls|go on|go ahead|do that|do it)\b|\blook\s+into\b|\bsort\s+(?:it|that|the)\b",
    re.I,
)


def other_order_taken_up(parsed: Dict[str, Any], tracker: DialogueStateTracker, text: str) -> Optional[Dict[str, Any]]:
    """ "yes please look into the grinder" after "About LK-10423, your coffee grinder: ... just say so and I'll look
    into that with you" (blind panel p51 07): that order's case, as promised; never a person nor the callback form."""
    told = None
    for event in reversed(tracker.events):
        if event.type_name == "user":
            break
        name = str((getattr(event, "metadata", None) or {}).get("utter_action") or "")
        if event.type_name == "bot" and name in OTHER_ORDER_TOLD:
            told = re.search(r"\bLK-\d{5}\b", getattr(event, "text", "") or "")
    if told is None or not TAKES_IT_UP.search(text) or repair.refuses_call(text):
        return None
    order = {"entity": "order_id", "value": told.group(0), "start": 0, "end": len(text), "extractor": "repair"}
    return read_as(parsed, "check_order_status", "other_order", [order])
