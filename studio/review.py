"""Review real conversations: list them, read one, turn one into a test story.

    python -m studio.review [--limit 20] [--flagged] [--min-confidence 0.8] [--long-wait 5]
    python -m studio.review --id ID                      # the transcript
    python -m studio.review --id ID --story [--train] [--intent 3=dispute_charge ...]

`make review`, `make review ID=...` and `make review ID=... STORY=1` call this.
Conversations come from the tracker store the assistant writes to (the setting
GRACIOUS_TRACKER_DB_URL, default ``sqlite:///var/tracker.db``). A story goes to
the file in tests/stories/ whose stories use the conversation's case intent most
(else test_reviewed.yml);
``--train`` also adds the customer's lines as examples in data/nlu/.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path
from typing import AbstractSet, Dict, List, Optional, Sequence

if __name__ == "__main__":
    # Rasa and its dependencies warn about their own deprecations while loading
    # (and re-add their own filters, so filtering isn't enough); a designer can
    # do nothing about them, and they would bury the transcript.
    warnings.showwarning = lambda *args, **kwargs: None

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from gracious.catalog import load_catalog
from gracious.settings import ROOT, settings
from studio.review_examples import add_examples
from studio.review_store import StoreProblem, full_tracker, load_domain, open_store, summaries, summarize
from studio.review_story import (
    StoryProblem,
    append_story,
    build_story,
    check_intent,
    choose_file,
    parse_corrections,
    source_label,
    story_name,
)
from studio.review_transcript import CustomerTurn, clean, customer_turns, intent_note, render, when
from studio.review_turns import LONG_WAIT_SECONDS


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="make review", description="Review real conversations.")
    parser.add_argument("--id", help="show this conversation as a transcript")
    parser.add_argument("--story", action="store_true", help="append it to tests/stories/ as a test story")
    parser.add_argument("--train", action="store_true", help="add the customer's lines to data/nlu/ as examples")
    parser.add_argument(
        "--intent",
        action="append",
        default=[],
        metavar="TURN=INTENT",
        help="correct the intent of a customer turn, numbered as in the transcript",
    )
    parser.add_argument("--limit", type=int, default=20, help="how many conversations to list (20)")
    parser.add_argument("--flagged", action="store_true", help="list only conversations with a flag")
    parser.add_argument(
        "--min-confidence", type=float, default=0.8, help="flag intents recognised with less confidence than this (0.8)"
    )
    parser.add_argument("--long-turns", type=int, default=12, help="flag conversations with more customer turns (12)")
    parser.add_argument(
        "--long-wait",
        type=float,
        default=LONG_WAIT_SECONDS,
        help=f"flag a reply that came more than this many seconds after the message ({LONG_WAIT_SECONDS:g})",
    )
    parser.add_argument("--db-url", default=None, help="the tracker store (GRACIOUS_TRACKER_DB_URL)")
    parser.add_argument("--stories-dir", type=Path, default=ROOT / "tests" / "stories", help=argparse.SUPPRESS)
    parser.add_argument("--nlu-dir", type=Path, default=ROOT / "data" / "nlu", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    url = args.db_url or settings().tracker_db_url
    domain = load_domain()
    try:
        store = open_store(url, domain)
    except StoreProblem as problem:
        print(problem, file=sys.stderr)
        return 1
    cases = load_catalog(settings().catalog_path).case_types
    if args.id is None:
        return list_conversations(store, cases, args)
    tracker = full_tracker(store, args.id) if store else None
    if tracker is None:
        print(
            f"There is no conversation with the id '{clean(args.id)}'. `make review` lists the recent ones.",
            file=sys.stderr,
        )
        return 1
    return review_one(tracker, domain, cases, args)


def list_conversations(store: Optional[SQLTrackerStore], cases: AbstractSet[str], args: argparse.Namespace) -> int:
    rows = []
    if store:
        rows = list(
            summaries(store, cases, args.limit, args.flagged, args.min_confidence, args.long_turns, args.long_wait)
        )
    if not rows:
        print("No flagged conversations." if args.flagged and store else "No conversations recorded yet.")
        return 0
    width = max(len(clean(r.sender_id)) for r in rows)
    print(f"{'conversation':<{width}}  {'last active':<16}  turns  {'about':<20}  flags")
    for row in rows:
        print(
            f"{clean(row.sender_id):<{width}}  {when(row.last_active)}  {row.customer_turns:>5}  "
            f"{row.about:<20}  {', '.join(row.flags)}"
        )
    print(
        "\nRead one with `make review ID=<conversation>`; make it a test story with `make review ID=<conversation> STORY=1`."
    )
    return 0


def review_one(tracker: DialogueStateTracker, domain: Domain, cases: AbstractSet[str], args: argparse.Namespace) -> int:
    summary = summarize(tracker, cases, args.min_confidence, args.long_turns, args.long_wait)
    print(render(tracker, summary, args.long_wait))
    if not (args.story or args.train):
        return 0
    turns = customer_turns(tracker)
    try:
        intents = parse_corrections(args.intent, len(turns), list(domain.intents))
        if not args.intent and sys.stdin.isatty():
            intents = ask_intents(turns, list(domain.intents))
    except StoryProblem as problem:
        print(problem, file=sys.stderr)
        return 1
    print()
    if args.story:
        day = when(summary.started)[:10]
        try:
            story = build_story(
                tracker,
                domain,
                intents,
                story_name(summary.about, tracker.sender_id, day),
                source_label(tracker.sender_id, day),
            )
            path = choose_file(args.stories_dir, summary.about)
            append_story(path, story, domain)
        except StoryProblem as problem:
            print(problem, file=sys.stderr)
            return 1
        print(f'Added the test story "{story.name}" to {_shown(path)}.')
        for fix in story.corrections:
            print(
                f"  Turn {fix.number}: the intent is now {fix.corrected} (the assistant read {fix.recorded}). "
                f"The steps recorded after it followed {fix.recorded}; they are kept as they were, with a "
                "comment in the story: please check them."
            )
        if story.stopped_at_pause:
            print("  A person took over the conversation; the story ends there.")
    if args.train:
        for outcome in add_examples(turns, intents, args.nlu_dir, list(domain.intents)):
            said = f"  Turn {outcome.number} ({outcome.intent}): {clean(outcome.text)}"
            print(
                f"{said}\n    added to {_shown(outcome.path)}"
                if outcome.path
                else f"{said}\n    not added: {outcome.skipped}"
            )
        print("Retrain with `make train` to use the new examples.")
    return 0


def ask_intents(turns: List[CustomerTurn], intents: List[str]) -> Dict[int, str]:
    """Ask for each customer line's intent; Enter keeps what the assistant understood."""
    print("\nCheck the intent of each customer line: press Enter to keep it, or type the right one.")
    chosen: Dict[int, str] = {}
    for turn in turns:
        print(f"{turn.number:>3}. Customer: {clean(turn.event.text)}  ({intent_note(turn)})")
        while True:
            try:
                answer = input(f"     intent [{turn.intent}]: ").strip()
            except EOFError:
                return chosen
            if not answer or answer == turn.intent:
                break
            try:
                check_intent(answer, intents)
            except StoryProblem as problem:
                print(f"     {problem}")
                continue
            chosen[turn.number] = answer
            break
    return chosen


def _shown(path: Optional[Path]) -> str:
    if path is None:
        return ""
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    sys.exit(main())
