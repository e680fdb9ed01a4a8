"""One poller per API process: every tick it reads, in a single query per job kind, the rows that
changed among the jobs somebody is streaming, and hands each row to that job's subscribers in
memory. Open streams therefore cost no queries of their own.

Each tick uses a fresh short session, so it always sees the latest commits of the workers. A
row counts as changed when its `updated_at` is within `overlap` seconds of the previous tick: that
margin covers transactions that committed late and small clock differences between hosts, and the
rows it reads twice are filtered out before fan-out. Every `full_refresh` seconds all watched rows
are read whatever their time, which also notices rows that were deleted.
"""

import asyncio
import logging
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from aira_core.models import JOB_TABLES, JobKind, utcnow
from sqlalchemy import ColumnElement, Engine, or_, select
from sqlmodel import Session, col

from aira_api.streaming.snapshot import JobRow

log = logging.getLogger(__name__)

JobKey = tuple[JobKind, int]
# Rows per query: keeps the IN list within every database's parameter limits.
_CHUNK = 1000
_MAX_BACKOFF_FACTOR = 20


@dataclass(eq=False)
class Subscription:
    """One stream's mailbox: the latest row of its job (None once the job is gone)."""

    key: JobKey
    latest: JobRow | None = None
    gone: bool = False
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    def deliver(self, row: JobRow | None) -> None:
        if row is None:
            self.gone = True
        else:
            self.latest = row
        self._changed.set()

    async def changed(self) -> JobRow | None:
        """Wait for the next change; the latest row, or None when the job was deleted."""
        await self._changed.wait()
        self._changed.clear()
        return None if self.gone else self.latest


class JobPoller:
    def __init__(
        self,
        engine: Engine,
        *,
        interval: float = 0.25,
        overlap: float = 5.0,
        full_refresh: float = 30.0,
    ) -> None:
        self._engine = engine
        self._interval = interval
        self._overlap = timedelta(seconds=overlap)
        self._full_refresh = full_refresh
        self._subscribers: dict[JobKey, set[Subscription]] = defaultdict(set)
        self._unread: set[JobKey] = set()  # watched jobs whose current row was not read yet
        self._versions: dict[JobKey, tuple[object, ...]] = {}
        self._since: dict[JobKind, datetime] = {}
        self._last_full = time.monotonic()
        self._watching = asyncio.Event()
        self.ticks = 0  # read by tests and the process's own diagnostics

    @contextmanager
    def subscribe(self, kind: JobKind, job_id: int) -> Iterator[Subscription]:
        key = (kind, job_id)
        subscription = Subscription(key)
        self._subscribers[key].add(subscription)
        self._unread.add(key)
        self._watching.set()
        try:
            yield subscription
        finally:
            self._unsubscribe(subscription)

    def watched(self) -> int:
        return len(self._subscribers)

    async def run(self) -> None:
        """Poll until cancelled; sleeps without querying while nobody is streaming."""
        failures = 0
        while True:
            await self._watching.wait()
            started = time.monotonic()
            try:
                await self.tick()
                failures = 0
            except Exception:
                failures += 1
                log.warning("stream poll failed (%d in a row); retrying", failures, exc_info=True)
            # While the database is unreachable, back off instead of retrying 4 times a second.
            pause = self._interval * min(2**failures, _MAX_BACKOFF_FACTOR)
            await asyncio.sleep(max(0.0, pause - (time.monotonic() - started)))

    async def tick(self) -> None:
        full = time.monotonic() - self._last_full >= self._full_refresh
        if full:
            self._last_full = time.monotonic()
            self._unread.update(self._subscribers)
        plan = self._plan()
        started = utcnow()
        rows = await asyncio.to_thread(self._read, plan)
        self._fan_out(plan, rows)
        for kind in plan:
            self._since[kind] = started
        self.ticks += 1

    def _plan(self) -> dict[JobKind, tuple[list[int], list[int]]]:
        """Per kind: all watched ids, and those whose row must be read whatever its time."""
        plan: dict[JobKind, tuple[list[int], list[int]]] = {}
        for kind, job_id in self._subscribers:
            watched, unread = plan.setdefault(kind, ([], []))
            watched.append(job_id)
            if (kind, job_id) in self._unread:
                unread.append(job_id)
        return plan

    def _read(self, plan: dict[JobKind, tuple[list[int], list[int]]]) -> dict[JobKey, JobRow]:
        rows: dict[JobKey, JobRow] = {}
        with Session(self._engine) as session:
            for kind, (watched, unread) in plan.items():
                for row in self._changed_rows(session, kind, watched, unread):
                    assert row.id is not None
                    rows[(kind, row.id)] = row
        return rows

    def _changed_rows(
        self, session: Session, kind: JobKind, watched: list[int], unread: list[int]
    ) -> Iterator[JobRow]:
        table = JOB_TABLES[kind]
        since = self._since.get(kind)
        unread_set = set(unread)
        for chunk in _chunks(watched):
            must_read = [job_id for job_id in chunk if job_id in unread_set]
            changed: list[ColumnElement[bool]] = []
            if must_read:
                changed.append(col(table.id).in_(must_read))
            if since is not None:
                changed.append(col(table.updated_at) >= since - self._overlap)
            if not changed:
                continue
            stmt = select(table).where(col(table.id).in_(chunk), or_(*changed))
            yield from session.execute(stmt).scalars()

    def _fan_out(
        self, plan: dict[JobKind, tuple[list[int], list[int]]], rows: dict[JobKey, JobRow]
    ) -> None:
        for key, row in rows.items():
            version = (row.status, row.attempt, row.lease_token, row.updated_at, len(row.content))
            if self._versions.get(key) == version and key not in self._unread:
                continue
            self._versions[key] = version
            for subscription in self._subscribers.get(key, ()):
                subscription.deliver(row)
        for kind, (_watched, unread) in plan.items():
            for job_id in unread:
                key = (kind, job_id)
                self._unread.discard(key)
                if key not in rows:
                    for subscription in self._subscribers.get(key, ()):
                        subscription.deliver(None)

    def _unsubscribe(self, subscription: Subscription) -> None:
        subscribers = self._subscribers.get(subscription.key)
        if subscribers is None:
            return
        subscribers.discard(subscription)
        if not subscribers:
            del self._subscribers[subscription.key]
            self._unread.discard(subscription.key)
            self._versions.pop(subscription.key, None)
        if not self._subscribers:
            self._watching.clear()


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]
