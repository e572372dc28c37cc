"""Cases as an agent scans them: who, about what, what they said last, how long they have waited.

The queue and the case routes (server/desk/web.py) pass their entries through here. Nothing
is invented: every field is worded from what the handoff, its summary card (actions/handoff.py)
and the conversation hold. The customer's name shows only when the summary says they were
verified (queue.card() empties the details otherwise); anyone else is a guest, labelled by the
reference they gave or by the case number. Button clicks in a transcript are shown as the
button's title, as the customer read it, never as the payload the widget sent.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from typing import Any, Dict, Iterable, List, Mapping, Optional

from gracious import codes
from gracious.names import policy_name, words

# A case type in the desk's words (one case; the report's words are plural).
CASE_WORDS = {
    "dispute_charge": "bill dispute",
    "report_wrong_item": "wrong item",
    "check_order_status": "where is my order",
    "complain_no_response": "nobody got back to them",
    "complain_service": "service complaint",
    "request_refund": "refund request",
    "coupon_problem": "coupon problem",
    "request_executive": "asked for the CEO",
    "demand_compensation": "compensation demand",
    "request_callback": "callback request",
}
LAST_MESSAGE_LENGTH = 120


def case_words(case_type: Any) -> str:
    """What the case is about, or "conversation" when the assistant never learned it."""
    return CASE_WORDS.get(str(case_type or ""), words(case_type)) or "conversation"


def reason_words(reason: Any) -> str:
    return codes.HANDOFF_REASONS.get(str(reason or ""), words(reason))


def customer_label(summary: Mapping[str, Any], handoff_id: int) -> str:
    """The verified customer's name; otherwise "Guest · LK-10423" (the reference they gave) or "Guest 12"."""
    customer = summary.get("customer") if isinstance(summary.get("customer"), dict) else {}
    name = str((customer or {}).get("name") or "").strip()
    if summary.get("verified") is True and name:
        return name
    reference = str(summary.get("reference") or "").strip()
    return f"Guest · {reference}" if reference else f"Guest {handoff_id}"


def trimmed(text: Any, limit: int = LAST_MESSAGE_LENGTH) -> str:
    """One line of at most ``limit`` characters, cut at a word with "…" when longer."""
    line = " ".join(str(text or "").split())
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    space = cut.rfind(" ")
    if line[limit - 1] != " " and space > limit // 2:  # never half a word
        cut = cut[:space]
    return cut.rstrip(" ,.;:") + "…"


def wait_words(seconds: Any) -> str:
    """ "less than a minute", "1 minute", "3 minutes", "1 hour 5 minutes"."""
    minutes = max(0, int(seconds or 0)) // 60
    if minutes == 0:
        return "less than a minute"
    hours, minutes = divmod(minutes, 60)
    said = [f"{hours} hour{'s' if hours != 1 else ''}"] if hours else []
    if minutes:
        said.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(said)


def policy_of(policy: Any) -> str:
    """The card's policy by name (the card's own, else gracious.names.policy_name); "" without one."""
    if not isinstance(policy, dict):
        return ""
    return str(policy.get("name") or "").strip() or policy_name(policy.get("id")) or ""


def offered_still_open(summary: Mapping[str, Any], titles: Mapping[str, str]) -> List[str]:
    """What was offered and is still open (not declined, granted or accepted), by title ("Call me back
    at a time that suits me"); cards written before they said what was granted are read the same way."""
    done = set(_ids(summary.get("declined"))) | set(_ids(summary.get("granted"))) | {str(summary.get("accepted"))}
    return [titles.get(i) or words(i) for i in _ids(summary.get("offered")) if i not in done]


def _ids(value: Any) -> List[str]:
    return [str(v) for v in value if v] if isinstance(value, (list, tuple)) else []


def at_iso(timestamp: Any) -> Optional[str]:
    """A tracker event's time (seconds since the epoch) as ISO 8601 in UTC, with its offset."""
    try:
        moment = datetime.fromtimestamp(float(timestamp), timezone.utc)
    except (TypeError, ValueError, OverflowError, OSError):
        return None
    return moment.isoformat(timespec="seconds")


def button_titles(events: Iterable[Any]) -> Dict[str, str]:
    """Each button payload the assistant offered in the conversation, and its title (the latest offer)."""
    titles: Dict[str, str] = {}
    for event in events:
        data = _field(event, "data") if _field(event, "event") == "bot" else None
        buttons = data.get("buttons") if isinstance(data, dict) else None
        for button in buttons if isinstance(buttons, list) else []:
            if isinstance(button, dict) and button.get("payload") and button.get("title"):
                titles[str(button["payload"])] = str(button["title"])
    return titles


def _field(event: Any, name: str) -> Any:
    if isinstance(event, dict):
        return event.get(name)
    if name == "event":
        return getattr(event, "type_name", None)
    return getattr(event, name, None)


PAYLOAD = re.compile(r"^/(\w+)(\{.*\})?$", re.S)


def clicked(text: str, offered: Mapping[str, str], alternatives: Mapping[str, str]) -> Optional[str]:
    """What the customer read on the button that sent ``text``, or None when they typed it.

    The title of the button the assistant offered with that payload; a catalog alternative
    chosen by payload alone (``/choose_alternative{"alternative": "human"}``) by its title;
    any other intent payload in words ("request human").
    """
    found = PAYLOAD.match(text.strip())
    if not found:
        return None
    if text.strip() in offered:
        return offered[text.strip()]
    try:
        values = json.loads(found.group(2)) if found.group(2) else {}
    except ValueError:
        values = {}
    choice = values.get("alternative") if isinstance(values, dict) else None
    if found.group(1) == "choose_alternative" and choice:
        return alternatives.get(str(choice)) or words(choice)
    return words(found.group(1))


def _summary(item: Mapping[str, Any]) -> Dict[str, Any]:
    summary = item.get("summary")
    return summary if isinstance(summary, dict) else {}


def names_of(agents: Iterable[Any]) -> Dict[str, str]:
    """Login name to display name, from the desk's agents."""
    return {a.name: a.display_name for a in agents}


def entry(item: Dict[str, Any], names: Mapping[str, str], last_message: Optional[str] = None) -> Dict[str, Any]:
    """A queue entry with the words its card shows (the entry's own fields are kept)."""
    summary = _summary(item)
    if last_message is None:
        said = _ids(summary.get("last_messages"))
        last_message = said[-1] if said else None
    agent = item.get("agent")
    return {
        **item,
        "label": customer_label(summary, int(item["id"])),
        # A safety case is named for what it is, even before the assistant learned a topic (panel P3 c14).
        "topic": "safety"
        if item.get("reason") == codes.SAFETY and not summary.get("case_type")
        else case_words(summary.get("case_type")),
        "reason_words": reason_words(item.get("reason")),
        "last_message": trimmed(last_message) if last_message else "",
        "wait_words": wait_words(item.get("waiting_seconds")),
        "agent_name": names.get(agent, agent) if agent else None,
    }


def case(
    handoff: Dict[str, Any],
    names: Mapping[str, str],
    lines: List[Dict[str, Any]],
    events: Iterable[Any],
    alternatives: Mapping[str, str],
) -> Dict[str, Any]:
    """A case with its card's words, its notes by display name and its transcript made readable."""
    summary = _summary(handoff)
    customer_said = [line.get("text") for line in lines if line.get("from") == "customer"]
    readable = entry(handoff, names, _readable_lines(lines, events, alternatives, customer_said))
    readable["policy_name"] = policy_of(summary.get("policy"))
    readable["explained_names"] = [policy_name(p) for p in _ids(summary.get("explained"))]
    readable["offered_open"] = offered_still_open(summary, alternatives)
    granted = _ids(summary.get("granted"))
    readable["granted_titles"] = [alternatives.get(i) or words(i) for i in granted]
    readable["declined_titles"] = [
        alternatives.get(i) or words(i) for i in _ids(summary.get("declined")) if i not in granted
    ]
    accepted = summary.get("accepted")  # a call booked, a person: taken, if not granted too
    shown = accepted and str(accepted) not in granted
    readable["accepted_title"] = (alternatives.get(str(accepted)) or words(accepted)) if shown else ""
    readable["notes"] = [
        {**n, "agent_name": names.get(n.get("agent"), n.get("agent"))} for n in handoff.get("notes") or []
    ]
    readable["transcript"] = lines
    # The card's last messages as the customer read them: a click as its button's title.
    offered = button_titles(events)
    readable["last_messages"] = [
        clicked(str(m), offered, alternatives) or str(m) for m in _ids(summary.get("last_messages"))
    ]
    return readable


def _readable_lines(
    lines: List[Dict[str, Any]], events: Iterable[Any], alternatives: Mapping[str, str], customer_said: List[Any]
) -> Optional[str]:
    """Make ``lines`` readable in place (titles for clicks, ISO times); the customer's last words, if any."""
    offered = button_titles(events)
    last = None
    for line in lines:
        line["at_iso"] = at_iso(line.get("at"))
        if line.get("from") != "customer":
            continue
        title = clicked(str(line.get("text") or ""), offered, alternatives)
        if title is not None:
            line["text"], line["clicked"] = title, True
        last = line["text"]
    return last if customer_said else None


def alternative_titles(domain: Any) -> Dict[str, str]:
    """Each catalog alternative's title: the first text of its offer response (the chat's button)."""
    from gracious.catalog import current_catalog

    responses = getattr(domain, "responses", None) or {}
    titles = {}
    for alternative in current_catalog().alternatives.values():
        variations = responses.get(alternative.offer) or [{}]
        text = str(variations[0].get("text") or "").strip()
        if text and "{" not in text:  # "A {amount} goodwill credit" is filled per case: its id in words then
            titles[alternative.id] = text
    return titles


def last_customer_words(events: Iterable[Any], alternatives: Mapping[str, str]) -> Optional[str]:
    """The customer's last message in the conversation, a click as its title; None before any."""
    events = list(events)
    said = [_field(e, "text") for e in events if _field(e, "event") == "user" and _field(e, "text")]
    if not said:
        return None
    return clicked(str(said[-1]), button_titles(events), alternatives) or str(said[-1])


async def queue(store: Any, rasa_agent: Any) -> List[Dict[str, Any]]:
    """The queue's entries with their cards' words and first-reply timers (shift.py); the last
    message live from the conversation when the desk runs in the Rasa server (``rasa_agent``),
    read at most once per few seconds for all agents' polls (last_words.py), else the summary's."""
    from server.desk import last_words, shift

    items = await shift.add_timers(store, await store.queue())
    names = names_of(await store.agents())
    if rasa_agent is None:
        return [entry(item, names) for item in items]
    titles = alternative_titles(rasa_agent.domain)

    async def load(sender: str) -> Optional[str]:
        tracker = await rasa_agent.tracker_store.retrieve(sender)
        return last_customer_words(tracker.events, titles) if tracker else None

    said = await last_words.cache_for(rasa_agent.tracker_store).for_cards(items, load)
    return [entry(item, names, last) for item, last in zip(items, said, strict=True)]


def for_case(handoff: Dict[str, Any], tracker: Any, domain: Any, agents: Iterable[Any]) -> Dict[str, Any]:
    """``case`` for the case route: the tracker's events and the domain's titles."""
    events = tracker.events if tracker else []
    return case(handoff, names_of(agents), handoff.get("transcript") or [], events, alternative_titles(domain))
