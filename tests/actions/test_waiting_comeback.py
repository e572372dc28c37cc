"""The comeback's old place without back-dating its handoff (review of today's queue change, #17): a
customer the queue let go who asks back in soon has their old place in the order (queue_order.since),
while the new handoff's created_at is the moment they came back, so the wait limit and the hour's
handoff count run from then, and those the comeback passes hear the truth of why they moved down."""

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from actions.waiting import ActionWhileWaiting
from gracious import queue_news, stores
from gracious.stores import clock, handoff_queue
from gracious.stores.records import handoffs
from tests.actions import responses, run_action
from tests.actions.test_waiting import queued, sign_in_agent, waiting
from tests.actions.test_waiting_away import place_of, went_away


def back_date(handoff_id: int, minutes: int) -> None:
    with stores.records().engine.begin() as conn:
        when = clock.now() - timedelta(minutes=minutes)
        conn.execute(handoffs.update().where(handoffs.c.id == handoff_id).values(created_at=when))


def created(handoff_id: int) -> datetime:
    with stores.records().engine.begin() as conn:
        return conn.execute(sa.select(handoffs.c.created_at).where(handoffs.c.id == handoff_id)).scalar()


@pytest.mark.usefixtures("care_team_always_in")
def test_the_comeback_has_its_old_place_but_its_wait_counts_from_coming_back(domain):
    sign_in_agent("sam")
    queued(domain, "dan")  # 1, queued 20 minutes ago
    back_date(1, 20)
    queued(domain, "eve")  # 2
    went_away(1)
    queued(domain, "dan")  # 3: "yes put me back in please"
    assert (place_of(3).position, place_of(2).position) == (1, 2)  # the old place
    assert abs((clock.now() - created(3)).total_seconds()) < 60  # not back-dated
    queued(domain, "dan")  # asks for a person again: the same handoff, still the old place
    assert (place_of(3).position, place_of(2).position) == (1, 2)
    # Back a moment ago: "how long?" hears the place, not the offer made past the 10 minutes' wait limit.
    dispatcher, _ = run_action(ActionWhileWaiting(), waiting("dan", 3, "how long?"), domain)
    assert "utter_queue_wait_long" not in responses(dispatcher)


@pytest.mark.usefixtures("care_team_always_in")
def test_those_the_comeback_passes_hear_it_truly(domain):
    sign_in_agent("sam")
    queued(domain, "dan")  # 1
    queued(domain, "eve")  # 2
    went_away(1)
    now = datetime.now()
    told = queue_news.first_told(1, 1, 6, now, "utter_queue_update")  # eve was number 1 while dan was gone
    queued(domain, "dan")  # 3, back in before eve
    dispatcher, _ = run_action(ActionWhileWaiting(), waiting("eve", 2, "how long?", queue_told=told), domain)
    assert responses(dispatcher) == ["utter_queue_moved_down_comeback"]
    said = domain["responses"]["utter_queue_moved_down_comeback"][0]["text"]
    assert "came back into the line" in said and "urgent" not in said
    # Someone more urgent (not a comeback) is still said as that.
    assert queue_news.telling(2, 1, told, now).response == "utter_queue_moved_down"
    assert queue_news.telling(2, 0, told, now, comeback=True).response == "utter_queue_moved_down_comeback_nobody"


@pytest.mark.usefixtures("care_team_always_in")
def test_the_comeback_counts_toward_the_hours_handoffs_from_its_address():
    def open_one(conn, sender):
        return handoff_queue.open_handoff(conn, sender, "other", "care", {}, "10.0.0.7", per_address=2)

    sign_in_agent("sam")  # the records' tables made
    engine = stores.records().engine
    with engine.begin() as conn:
        open_one(conn, "dan")  # 1, opened two hours ago; the queue let him go a moment ago
    back_date(1, 120)
    went_away(1)
    with engine.begin() as conn:
        open_one(conn, "dan")  # 2: back in, this hour's first from the address
        open_one(conn, "eve")  # 3: this hour's second
    with pytest.raises(handoff_queue.TooManyHandoffs), engine.begin() as conn:
        open_one(conn, "kim")  # a third within the hour is one too many
