"""Read models of the operators' console: jobs by status and failures by error code."""

from collections.abc import Iterator
from datetime import datetime

from aira_core.models import JOB_TABLES, JobKind, JobStatus, Message, Story
from sqlalchemy import ColumnElement, func, select
from sqlmodel import Session, col

from aira_api.schemas.admin import FailureCount, StatusCount


def _job_rows(kind: JobKind) -> tuple[type[Message] | type[Story], list[ColumnElement[bool]]]:
    """The table of a kind and the condition that keeps only job rows (not users' messages)."""
    table = JOB_TABLES[kind]
    conditions = [col(Message.role) == "assistant"] if table is Message else []
    return table, conditions


def jobs_by_status(session: Session, since: datetime) -> list[StatusCount]:
    counts: list[StatusCount] = []
    for kind in JobKind:
        table, conditions = _job_rows(kind)
        stmt = (
            select(col(table.status), func.count())
            .where(col(table.created_at) >= since, *conditions)
            .group_by(col(table.status))
        )
        counts.extend(
            StatusCount(kind=kind, status=JobStatus(status), count=count)
            for status, count in session.execute(stmt)
        )
    return sorted(counts, key=lambda c: (c.kind.value, c.status.value))


def _failures(session: Session, since: datetime) -> Iterator[tuple[str, int, datetime]]:
    for kind in JobKind:
        table, conditions = _job_rows(kind)
        code = func.coalesce(col(table.error_code), "unknown")
        stmt = (
            select(code, func.count(), func.max(col(table.updated_at)))
            .where(
                col(table.status) == JobStatus.failed,
                col(table.updated_at) >= since,
                *conditions,
            )
            .group_by(code)
        )
        for error_code, count, last_at in session.execute(stmt):
            yield str(error_code), int(count), last_at


def failures_by_code(session: Session, since: datetime) -> list[FailureCount]:
    """Failed jobs of both kinds by error code, the most frequent first."""
    merged: dict[str, FailureCount] = {}
    for code, count, last_at in _failures(session, since):
        seen = merged.get(code)
        if seen is None:
            merged[code] = FailureCount(error_code=code, count=count, last_at=last_at)
        else:
            seen.count += count
            seen.last_at = max(seen.last_at, last_at)
    return sorted(merged.values(), key=lambda f: (-f.count, f.error_code))
