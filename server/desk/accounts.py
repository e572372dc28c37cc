"""Agent desk accounts from the command line.

    python -m server.desk.accounts add NAME [--display "Sam Lee"] [--lead]
    python -m server.desk.accounts password NAME
    python -m server.desk.accounts lead NAME [--off]

A lead sees every case; other agents see the queue and the cases they hold or finished.

The password comes from GRACIOUS_AGENT_PASSWORD when set (for scripts), else it
is asked for twice without echo. Accounts live in the records database
(GRACIOUS_RECORDS_DB_URL, by default var/gracious.db).
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from typing import List, Optional

from gracious.settings import settings
from server.desk.agents import AccountError, valid_name
from server.desk.store import DeskStore


def _password() -> str:
    given = settings().agent_password
    if given:
        return given
    first = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != first:
        raise AccountError("The two passwords differ; nothing was changed.")
    return first


async def _apply(args: argparse.Namespace, password: str) -> str:
    store = DeskStore(settings().records_db_url)
    try:
        if args.command == "add":
            agent = await store.add_agent(args.name, args.display or args.name, password, lead=args.lead)
            return f"Added {'lead' if agent.lead else 'agent'} {agent.name} ({agent.display_name})."
        if args.command == "lead":
            await store.set_lead(args.name, not args.off)
            return f"{args.name.strip().lower()} is {'an agent' if args.off else 'a lead'} now."
        await store.set_password(args.name, password)
        return f"Password changed for {args.name.strip().lower()}."
    finally:
        store.engine.dispose()


def main(argv: Optional[List[str]] = None) -> int:
    """Run the command; 0 on success, 1 (with the reason on stderr) when the account can't be made."""
    parser = argparse.ArgumentParser(prog="python -m server.desk.accounts", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add", help="add an agent")
    add.add_argument("name", help="login name: 2-40 characters of a-z, 0-9, '.', '_' or '-'")
    add.add_argument("--display", help="name shown on the desk (default: the login name)")
    add.add_argument("--lead", action="store_true", help="a lead, who sees every case")
    lead = commands.add_parser("lead", help="make an agent a lead (or, with --off, a plain agent again)")
    lead.add_argument("name")
    lead.add_argument("--off", action="store_true", help="a plain agent again")
    change = commands.add_parser("password", help="set a new password for an agent")
    change.add_argument("name")
    args = parser.parse_args(argv)
    try:
        valid_name(args.name)  # before asking for a password that would be thrown away
        print(asyncio.run(_apply(args, "" if args.command == "lead" else _password())))
    except AccountError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except (EOFError, KeyboardInterrupt):
        print("error: no password given; nothing was changed.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
