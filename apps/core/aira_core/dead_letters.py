"""What to do with each dead-lettered message, shared by the redrive command and the operators'
console.

- `retry`: the job was marked failed because its receives ran out (`retries_exhausted`): a new
  attempt is queued, so the user gets an answer after all (as the Retry button would do).
- `move`: the job still waits (queued or running): the message goes back to the source queue.
- `obsolete`: the job is already final or newer than the message: the message goes back too and
  the worker discards it, since only the current attempt can be claimed.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Engine

from aira_core import jobs
from aira_core.db import session_scope
from aira_core.models import JOB_TABLES, JobStatus, Message, Story
from aira_core.queue.port import DeadLetter, JobQueue

RETRIES_EXHAUSTED = "retries_exhausted"


@dataclass(frozen=True)
class Plan:
    letter: DeadLetter
    ref: jobs.JobRef | None
    status: str
    error_code: str
    action: str  # retry | move | obsolete
    error: str = ""


def plan_for(engine: Engine, letter: DeadLetter) -> Plan:
    try:
        ref = jobs.JobRef.parse(letter.body)
    except (ValueError, KeyError, TypeError):
        return Plan(letter, None, "-", "-", "obsolete")
    with session_scope(engine) as session:
        row = session.get(JOB_TABLES[ref.kind], ref.id)
    if row is None:
        return Plan(letter, ref, "missing", "-", "obsolete")
    code = row.error_code or ""
    if row.attempt != ref.attempt:
        action = "obsolete"
    elif row.status == JobStatus.failed and code == RETRIES_EXHAUSTED:
        action = "retry"
    elif row.status in (JobStatus.queued, JobStatus.running):
        action = "move"
    else:
        action = "obsolete"
    return Plan(letter, ref, row.status, code or "-", action, row.error or "")


def retry_jobs(engine: Engine, queue: JobQueue, plans: Sequence[Plan]) -> int:
    """Start a new attempt of each job whose receives ran out and publish it."""
    retried = 0
    for plan in plans:
        if plan.action != "retry" or plan.ref is None:
            continue
        new_ref = jobs.retry(engine, plan.ref.kind, plan.ref.id)
        if new_ref is None:
            continue  # retried meanwhile (by its user) or no longer failed
        with session_scope(engine) as session:
            row = session.get(JOB_TABLES[new_ref.kind], new_ref.id)
        if isinstance(row, Message | Story):
            jobs.publish(engine, queue, row)
            retried += 1
    return retried
