"""Seeded, made-up records for ``make report DEMO=1``, so a newcomer sees a real report.

Everything goes in through the same APIs the assistant and the desk use (Records,
DeskStore), so the demo breaks when they change; only the times are moved back
afterwards, because those APIs stamp every row with "now".
"""

from __future__ import annotations

import random
import secrets
from datetime import date, datetime, time, timedelta, timezone
from typing import Dict, List, Sequence, Tuple
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from gracious.catalog import load_catalog
from gracious.settings import settings
from gracious.stores.records import Records, concerns, handoffs, ratings
from server.desk.agents import Agent
from server.desk.store import DeskStore
from studio.report_period import period_for

# Cases per week of each kind; bill disputes grow, so the chart has a story to tell.
WEEKLY_CASES = {
    "dispute_charge": 5,
    "check_order_status": 5,
    "report_wrong_item": 4,
    "request_refund": 3,
    "coupon_problem": 3,
    "complain_no_response": 2,
    "complain_service": 2,
    "demand_compensation": 1,
    "request_executive": 1,
}
GROWING = "dispute_charge"
# How often a policy's cases go badly; the rest get 0.15.
CONFUSING = {
    "volume_discount_domestic": 0.55,
    "returns_window": 0.5,
    "goodwill_limit": 0.45,
    "coupon_expiry": 0.35,
    "executive_contact": 0.4,
}
# The catch-all policy applies less often than the specific ones.
RARE_POLICIES = {"needs_records"}
DESK_OUTCOMES = {"resolved": 35, "credit": 25, "callback_booked": 15, "refund": 13, "replacement": 12}
RATING_WEIGHTS = (8, 10, 17, 35, 30)
AGENTS = (("sam", "Sam Lee"), ("priya", "Priya Nair"), ("jo", "Jo Martins"))
Moves = List[Tuple[sa.Table, int, Dict[str, datetime]]]


def backdate(engine: sa.engine.Engine, moves: Moves) -> None:
    """Give rows the times they would have had: ``(table, id, {column: utc time})``."""
    with engine.begin() as conn:
        for table, row_id, values in moves:
            conn.execute(table.update().where(table.c.id == row_id).values(**values))


def _policies() -> Dict[str, List[Tuple[str, List[str]]]]:
    """Per case type, the catalog's policies for it and the alternatives each may offer but a handoff."""
    found: Dict[str, List[Tuple[str, List[str]]]] = {}
    for policy in load_catalog(settings().catalog_path).policies:
        offers = [o.id for o in policy.alternatives if o.alternative.kind != "handoff"]
        for case_type in policy.case_types:
            found.setdefault(case_type, []).append((policy.id, offers))
    return found


def _moment(rng: random.Random, week: date, zone: ZoneInfo) -> datetime:
    """A time in care hours on some day of the week, in UTC without an offset as stored."""
    day = week + timedelta(days=rng.randrange(7))
    local = datetime.combine(day, time(rng.randrange(8, 20), rng.randrange(60)), zone)
    return local.astimezone(timezone.utc).replace(tzinfo=None)


def _case(rng: random.Random, offers: Sequence[str], policy_id: str) -> Tuple[str, int]:
    """An outcome and a frustration level (0-3) for one case of a policy."""
    if rng.random() < CONFUSING.get(policy_id, 0.15):
        outcome = rng.choices(["handed_off", "declined_all", rng.choice(offers or ["explained"])], [45, 40, 15])[0]
        return outcome, rng.choice([1, 2, 2, 3]) if outcome != "declined_all" else rng.choice([0, 1, 2, 3])
    outcome = rng.choices([rng.choice(offers or ["explained"]), "explained", "listened"], [70, 20, 10])[0]
    return outcome, rng.choice([0, 0, 0, 1])


def _reason(rng: random.Random, category: str, frustration: int) -> str:
    if category == "request_executive":
        return "executive_escalation"
    if frustration >= 3:
        return "strong_frustration"
    return rng.choices(
        ["customer_accepted_offer", "beyond_assistant", "customer_asked", "misunderstood"], [40, 30, 20, 10]
    )[0]


def _team(category: str) -> str:
    return "executive_office" if category == "request_executive" else "customer_care"


async def _desk_work(
    desk: DeskStore,
    agents: Sequence[Agent],
    rng: random.Random,
    records: Records,
    handoff_id: int,
    sender: str,
    opened: datetime,
) -> Moves:
    """An agent claims and finishes the handoff, and most customers rate the conversation."""
    agent = rng.choice(agents)
    await desk.claim(handoff_id, agent)
    await desk.finish(handoff_id, agent, rng.choices(list(DESK_OUTCOMES), list(DESK_OUTCOMES.values()))[0])
    finished = opened + timedelta(minutes=rng.randrange(8, 90))
    moves: Moves = [(handoffs, handoff_id, {"finished_at": finished, "updated_at": finished})]
    if rng.random() < 0.75:
        rating = rng.choices(range(1, 6), RATING_WEIGHTS)[0]
        rating_id = await records.record_rating(sender, rating, handoff_id)
        moves.append((ratings, rating_id, {"created_at": finished + timedelta(minutes=1)}))
    return moves


async def seed_demo(url: str, weeks: int = 8, seed: int = 5) -> int:
    """Fill the records database at ``url`` with ``weeks`` weeks of made-up cases; how many."""
    rng = random.Random(seed)
    zone = ZoneInfo(settings().timezone)
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    records, desk = Records(url), DeskStore(url)
    agents = [await desk.add_agent(name, shown, secrets.token_urlsafe(16)) for name, shown in AGENTS]
    policies = _policies()
    moves: Moves = []
    count = 0
    for index, week in enumerate(period_for(datetime.now(zone).date(), settings().timezone, weeks=weeks).weeks):
        for category, per_week in WEEKLY_CASES.items():
            growth = index // 2 if category == GROWING else 0
            for _ in range(max(0, per_week + growth + rng.randint(-1, 1))):
                when = _moment(rng, week, zone)
                if when > now - timedelta(hours=1):
                    continue  # the rest of this week hasn't happened yet
                count += 1
                sender = f"demo-{count:04d}"
                choices = policies.get(category) or [(None, [])]
                weights = [1 if policy in RARE_POLICIES else 4 for policy, _ in choices]
                policy_id, offers = rng.choices(choices, weights)[0]
                outcome, frustration = _case(rng, offers, policy_id or "")
                concern_id = await records.log_concern(sender, category, policy_id, outcome, frustration)
                moves.append((concerns, concern_id, {"created_at": when}))
                if outcome != "handed_off":
                    continue
                summary = {
                    "case_type": category,
                    "frustration": frustration,
                    "customer": {
                        "name": f"Demo Customer {count}",
                        "email": f"customer{count}@example.com",
                        "phone": f"+1 555 01{count % 100:02d}",
                    },
                }
                opened = when - timedelta(minutes=2)
                handoff_id = await records.create_handoff(
                    sender, _reason(rng, category, frustration), _team(category), summary
                )
                moves.append((handoffs, handoff_id, {"created_at": opened}))
                if now - opened > timedelta(days=1):  # the newest are still in the queue
                    moves.extend(await _desk_work(desk, agents, rng, records, handoff_id, sender, opened))
    backdate(records.engine, moves)
    records.engine.dispose()
    desk.engine.dispose()
    return count
