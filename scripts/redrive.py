"""Dead-letter queue operations: list dead-lettered messages with their jobs and move them back.

    uv run python -m scripts.redrive [--dry-run] [--limit N] [--rate MSGS_PER_S]
    uv run nox -s redrive -- [same options]

Works on the configured queue (AIRA_QUEUE_URL: `local` or an SQS queue URL, with AIRA_DLQ_URL)
and database (AIRA_DATABASE_URL). For every dead letter it shows the job and what happens to it:
`retry`, `move` or `obsolete` (see aira_core.dead_letters, shared with the operators' console).

Messages move in batches at most `--rate` per second, with a progress bar.
"""

import argparse
import sys
import time
from collections.abc import Sequence

from aira_core.db import create_db_engine
from aira_core.dead_letters import RETRIES_EXHAUSTED, Plan, plan_for, retry_jobs
from aira_core.queue import open_queue
from aira_core.queue.port import JobQueue
from aira_core.settings import load_settings
from tqdm import tqdm

__all__ = ["RETRIES_EXHAUSTED", "Plan", "main", "move_back", "plan_for", "retry_jobs"]

BATCH = 10


def print_plans(plans: Sequence[Plan]) -> None:
    print(
        f"{'message':<40} {'job':<14} {'attempt':>7} {'receives':>8} {'status':<10} "
        f"{'error':<20} action"
    )
    for plan in plans:
        job = f"{plan.ref.kind.value}-{plan.ref.id}" if plan.ref else "(unreadable)"
        attempt = plan.ref.attempt if plan.ref else "-"
        print(
            f"{plan.letter.message_id:<40} {job:<14} {attempt:>7} {plan.letter.receive_count:>8} "
            f"{plan.status:<10} {plan.error_code:<20} {plan.action}"
        )


def move_back(queue: JobQueue, total: int, rate: float) -> int:
    """Redrive up to `total` messages in batches, no faster than `rate` messages per second."""
    moved = 0
    started = time.monotonic()
    with tqdm(total=total, unit="msg", desc="moving back") as progress:
        while moved < total:
            batch = queue.redrive(limit=min(BATCH, total - moved))
            if batch == 0:
                break
            moved += batch
            progress.update(batch)
            ahead = moved / rate - (time.monotonic() - started)
            if ahead > 0:
                time.sleep(ahead)
    return moved


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="List dead-lettered jobs and move them back.")
    parser.add_argument("--dry-run", action="store_true", help="only list what would happen")
    parser.add_argument("--limit", type=int, default=1000, help="dead letters to handle at most")
    parser.add_argument("--rate", type=float, default=50.0, help="messages moved per second")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    settings = load_settings()
    engine = create_db_engine(settings.sqlalchemy_url)
    queue = open_queue(settings, engine)
    plans = [plan_for(engine, letter) for letter in queue.dead_letters(limit=args.limit)]
    if not plans:
        print("the dead-letter queue is empty")
        return 0
    print_plans(plans)
    if args.dry_run:
        print(f"dry run: {len(plans)} dead letters, nothing moved")
        return 0
    retried = retry_jobs(engine, queue, plans)
    moved = move_back(queue, len(plans), args.rate)
    print(f"moved {moved} of {len(plans)} messages back; {retried} failed jobs retried")
    return 0 if moved == len(plans) else 1


if __name__ == "__main__":
    sys.exit(main())
