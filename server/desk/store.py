"""The desk's store: agent accounts, sessions and the work on handoffs, in the records database.

Agents sign in with a name and a password (passwords.py, throttle.py), hold a
session (sessions.py, presence.py) and work the handoffs the assistant opened
(queue.py): claim, note, transfer, finish. Each call is one transaction on a
worker thread (gracious/stores/base.py); the tables (tables.py) share the records
store's MetaData, so one ``ensure_schema`` makes the assistant's tables and the desk's.
"""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Optional, Tuple

import sqlalchemy as sa

from gracious.stores.base import Store
from gracious.stores.records import metadata
from server.desk import agents as accounts
from server.desk import presence, queue, sessions, throttle
from server.desk.agents import Agent, valid_name
from server.desk.passwords import check_password, hash_password
from server.desk.tables import agents  # noqa: F401 (launch/cluster/deployment.py checks the tables are made)


class DeskStore(Store):
    """Async access to the desk's accounts and the handoffs agents work. One per process."""

    metadata = metadata

    # Accounts

    async def add_agent(self, name: str, display_name: str, password: str, lead: bool = False) -> Agent:
        """Create an account (a lead sees every case); AccountError for a bad name, password or
        display name, or a taken name."""
        name = valid_name(name)
        display_name = accounts.valid_display_name(display_name)
        password_hash = await asyncio.to_thread(hash_password, accounts.valid_password(password))
        try:
            return await self.run(accounts.add, name, display_name, password_hash, lead)
        except sa.exc.IntegrityError:  # added by someone else between the check and the insert
            raise accounts.taken(name) from None

    async def set_password(self, name: str, password: str) -> None:
        """Replace an agent's password; AccountError for a short password or an unknown agent."""
        name = accounts.normal_name(name)
        password_hash = await asyncio.to_thread(hash_password, accounts.valid_password(password))
        await self.run(accounts.set_password_hash, name, password_hash)

    async def verify_login(self, name: str, password: str, client: str) -> Optional[Agent]:
        """The agent these credentials belong to, or None (and the failure is recorded).

        Raises Throttled, before looking at the password, once this name from this
        client, or this client, has too many failures within FAILURE_WINDOW (throttle.py).
        """
        name = accounts.normal_name(name)[:80]
        client = (client or "")[:255]

        def find(conn: sa.engine.Connection) -> Any:
            throttle.check(conn, name, client)
            return accounts.find(conn, name)

        row = await self.run(find)
        if await asyncio.to_thread(check_password, password or "", row.password_hash if row else None):
            return accounts.agent(row)
        await self.run(throttle.record_failure, name, client)
        return None

    async def set_lead(self, name: str, lead: bool) -> None:
        """Make an agent a lead (who sees every case) or a plain agent; AccountError for an unknown agent."""
        await self.run(accounts.set_lead, accounts.normal_name(name), lead)

    async def agents(self) -> List[Agent]:
        """Every agent, by display name."""
        return await self.run(accounts.everyone)

    async def display_names(self) -> Dict[str, str]:
        """Every agent's display name, by login name."""
        return {agent.name: agent.display_name for agent in await self.agents()}

    # Sessions

    async def create_session(self, agent: Agent) -> str:
        """A new session token for the agent (only its hash is stored); marks them present."""
        token = sessions.new_token()
        await self.run(sessions.start, agent, token)
        return token

    async def agent_for_session(self, token: Optional[str]) -> Optional[Agent]:
        """The agent a live session belongs to, refreshing their presence; None otherwise."""
        return await self.run(sessions.agent_for, token) if sessions.usable(token) else None

    async def end_session(self, token: Optional[str]) -> List[Tuple[int, str]]:
        """Sign out: forget the session, take the agent off duty and return their held cases to the
        queue. The (handoff id, sender) of each case returned."""
        if sessions.usable(token):
            return await self.run(sessions.end, token)
        return []

    async def set_availability(self, agent: Agent, status: str, token: Optional[str] = None) -> None:
        """ "available" or "away"; ValueError for anything else. With the session's ``token``, only while
        that session exists (a request in flight when the agent signs out marks nobody present again)."""
        token_hash = sessions.token_hash(token) if token and sessions.usable(token) else None
        await self.run(presence.set_availability, agent.name, status, token_hash)

    async def availability(self, agent: Agent) -> str:
        """ "available", "away" or "offline"."""
        return await self.run(presence.availability, agent.name)

    async def return_expired(self) -> List[Tuple[int, str]]:
        """Cases held by agents whose desk stopped asking, back in the queue: (handoff id, sender) of each."""

        def write(conn: sa.engine.Connection) -> List[Tuple[int, str]]:
            return [case for name in presence.expired_holders(conn) for case in presence.return_held(conn, name)]

        return await self.run(write)

    # Handoffs

    async def queue(self) -> List[Dict[str, Any]]:
        """Unfinished handoffs, highest priority first, oldest first within a priority."""
        return await self.run(queue.waiting)

    async def handoff(self, handoff_id: int) -> Optional[Dict[str, Any]]:
        """One handoff as in the queue, plus its outcome, when it finished and its notes."""
        return await self.run(queue.handoff, handoff_id)

    async def handoff_for(self, handoff_id: int, agent: Agent) -> Optional[Dict[str, Any]]:
        """The handoff if this agent may see it (queue.visible_to), else None, as if there were none."""
        handoff = await self.handoff(handoff_id)
        return handoff if handoff is not None and queue.visible_to(handoff, agent) else None

    async def handoff_for_sender(self, sender_id: str) -> Optional[Dict[str, Any]]:
        """The conversation's newest unfinished handoff, as in the queue, or None."""
        return await self.run(queue.for_sender, sender_id)

    async def claim(self, handoff_id: int, agent: Agent) -> bool:
        """Take a waiting handoff; False if someone else got there first or it is finished."""
        return await self.run(queue.claim, handoff_id, agent.name)

    async def take(self, handoff_id: int, agent: Agent) -> Optional[queue.Taken]:
        """Claim, saying from whom when the case was taken over from a silent desk (queue.take); None
        if someone at their desk has it, or it left or finished."""
        return await self.run(queue.take, handoff_id, agent.name)

    async def transfer(self, handoff_id: int, from_agent: Agent, to_name: str) -> bool:
        """Hand a claimed handoff to another existing agent; only its holder may. queue.NotOnDuty when
        that agent is not at the desk and available (nothing changes)."""
        to_name = accounts.normal_name(to_name)
        if to_name == from_agent.name:
            return False

        def write(conn: sa.engine.Connection) -> bool:
            return accounts.exists(conn, to_name) and queue.transfer(conn, handoff_id, from_agent.name, to_name)

        return await self.run(write)

    async def add_note(self, handoff_id: int, agent: Agent, text: str) -> int:
        """An internal note on a handoff (never shown to the customer); returns its id.

        ValueError for an empty or over-long note, or a handoff that doesn't exist.
        """
        text = queue.valid_note(text)
        if await self.handoff_for(handoff_id, agent) is None:
            raise ValueError(f"There is no handoff {handoff_id}.")
        return await self.run(queue.add_note, handoff_id, agent.name, text)

    async def finish(self, handoff_id: int, agent: Agent, outcome: str) -> bool:
        """Close a handoff with its outcome; only its holder may. ValueError for an unknown outcome."""
        return await self.run(queue.finish, handoff_id, agent.name, queue.valid_outcome(outcome))
