"""Where a job stands, read when the worker could not claim or keep it: decides whether its queue
message is a duplicate to drop or belongs to work still in progress elsewhere."""

from dataclasses import dataclass
from datetime import datetime

from aira_core.db import session_scope
from aira_core.jobs import JobRef
from aira_core.models import FINAL_STATUSES, JOB_TABLES, JobStatus, utcnow
from sqlalchemy import Engine, select
from sqlmodel import col


@dataclass(frozen=True)
class JobState:
    status: JobStatus
    attempt: int
    lease_until: datetime | None

    def settled_for(self, ref: JobRef) -> bool:
        """Nothing more will happen to this attempt: it finished, or a newer attempt replaced it."""
        return self.status in FINAL_STATUSES or self.attempt != ref.attempt

    def lease_left_seconds(self) -> float:
        if self.lease_until is None:
            return 0.0
        return max((self.lease_until - utcnow()).total_seconds(), 0.0)


def load_state(engine: Engine, ref: JobRef) -> JobState | None:
    """None when the row no longer exists."""
    table = JOB_TABLES[ref.kind]
    stmt = select(col(table.status), col(table.attempt), col(table.lease_until)).where(
        col(table.id) == ref.id
    )
    with session_scope(engine) as session:
        row = session.execute(stmt).one_or_none()
    if row is None:
        return None
    return JobState(JobStatus(row.status), int(row.attempt), row.lease_until)
