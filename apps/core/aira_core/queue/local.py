"""The durable local queue: a table in the application database with SQS FIFO semantics.

- FIFO per group: only the oldest undeleted message of a group can be delivered, so a group with
  a message in flight delivers nothing else until that message is deleted or visible again.
- Visibility timeout: a received message stays invisible for `visibility_timeout` seconds; its
  receive count goes up with every receive, and each receive issues a new receipt.
- Dead letters: a message received `max_receives` times moves to the dead-letter state on its
  next delivery (as SQS's redrive policy does) and can be redriven to the end of its group.
- Deduplication: a second message with the same dedup id is dropped while the first is waiting or
  in flight, or was sent less than `dedup_window` seconds ago.
- Long polling by short sleeps; no connection is held while waiting.
- Trace context: kept in its own column beside the body (SQS keeps it in message attributes).

Claims are safe under concurrent receivers: on MySQL/MariaDB the candidate rows are locked with
SELECT ... FOR UPDATE SKIP LOCKED, on SQLite one UPDATE ... RETURNING runs under the write lock.
"""

import logging
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Select,
    and_,
    case,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from aira_core.models import QueueMessage, QueueState, utcnow
from aira_core.queue.port import DeadLetter, QueueStats, QueueUnavailable, ReceivedMessage

log = logging.getLogger(__name__)

messages = QueueMessage.__table__  # type: ignore[attr-defined]
older = messages.alias("older")

MAX_BATCH = 10  # SQS's limit for one receive, kept so both adapters behave alike
MAX_VISIBILITY_SECONDS = 12 * 3600


@dataclass(frozen=True)
class _Claimed:
    """A message taken by one receive: delivered, or moved to the dead letters instead."""

    id: int
    body: str
    group_id: str
    receive_count: int
    dead: bool
    trace_context: Mapping[str, str] | None


class LocalQueue:
    def __init__(
        self,
        engine: Engine,
        *,
        visibility_timeout: int,
        max_receives: int,
        poll_interval: float = 0.2,
        dedup_window: float = 300,
    ) -> None:
        self.engine = engine
        self.visibility_timeout = visibility_timeout
        self.max_receives = max_receives
        self.poll_interval = poll_interval
        self.dedup_window = dedup_window
        self._next_purge = 0.0

    # -- producer -------------------------------------------------------------------------

    def send(
        self,
        body: str,
        *,
        group_id: str,
        dedup_id: str,
        trace_context: Mapping[str, str] | None = None,
    ) -> None:
        row = {
            "body": body,
            "group_id": group_id,
            "dedup_id": dedup_id,
            "trace_context": dict(trace_context) if trace_context else None,
        }
        with _reachable():
            if self._insert(row):
                return
            # The dedup id is taken. Past the window a finished (deleted or dead) message gives
            # it up; a message still waiting or in flight keeps absorbing the duplicate.
            if self._release_dedup_id(dedup_id):
                self._insert(row)

    def _insert(self, row: dict[str, Any]) -> bool:
        now = utcnow()
        try:
            with self.engine.begin() as connection:
                connection.execute(insert(messages).values(_fresh(row, now)))
        except IntegrityError:
            return False
        return True

    def _release_dedup_id(self, dedup_id: str) -> bool:
        cutoff = utcnow() - timedelta(seconds=self.dedup_window)
        stmt = (
            update(messages)
            .where(messages.c.dedup_id == dedup_id, messages.c.sent_at < cutoff)
            .where(messages.c.state != QueueState.ready)
            .values(dedup_id=None)
        )
        with self.engine.begin() as connection:
            return bool(connection.execute(stmt).rowcount == 1)

    # -- consumer -------------------------------------------------------------------------

    def receive(self, *, max_messages: int = 10, wait_seconds: float = 20) -> list[ReceivedMessage]:
        if not 1 <= max_messages <= MAX_BATCH:
            raise ValueError(f"max_messages must be between 1 and {MAX_BATCH}")
        deadline = time.monotonic() + max(wait_seconds, 0)
        with _reachable():
            self._purge_if_due()
            while True:
                delivered, dead_lettered = self._claim(max_messages)
                if delivered:
                    return delivered
                if dead_lettered:
                    continue  # the next message of those groups may now be deliverable
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return []
                time.sleep(min(self.poll_interval, remaining))

    def _claim(self, limit: int) -> tuple[list[ReceivedMessage], int]:
        now = utcnow()
        token = uuid.uuid4().hex
        until = now + timedelta(seconds=self.visibility_timeout)
        with self.engine.begin() as connection:
            if connection.dialect.name == "sqlite":
                claimed = self._claim_sqlite(connection, now, until, token, limit)
            else:
                claimed = self._claim_locking(connection, now, until, token, limit)
        delivered = [
            ReceivedMessage(
                body=message.body,
                receipt=f"{message.id}:{token}",
                receive_count=message.receive_count,
                group_id=message.group_id,
                trace_context=dict(message.trace_context or {}),
            )
            for message in sorted(claimed, key=lambda message: message.id)
            if not message.dead
        ]
        return delivered, len(claimed) - len(delivered)

    def _claim_sqlite(
        self, connection: Connection, now: datetime, until: datetime, token: str, limit: int
    ) -> list[_Claimed]:
        """One statement: SQLite takes the write lock before it reads the candidates."""
        exhausted = messages.c.receive_count >= self.max_receives
        stmt = (
            update(messages)
            .where(messages.c.id.in_(_deliverable_heads(now).limit(limit)))
            .values(
                state=case((exhausted, QueueState.dead), else_=QueueState.ready),
                receipt=case((exhausted, None), else_=token),
                visible_at=until,
                receive_count=case(
                    (exhausted, messages.c.receive_count), else_=messages.c.receive_count + 1
                ),
            )
            .returning(
                messages.c.id,
                messages.c.body,
                messages.c.group_id,
                messages.c.receive_count,
                messages.c.state,
                messages.c.trace_context,
            )
        )
        return [
            _Claimed(
                row.id,
                row.body,
                row.group_id,
                row.receive_count,
                dead=row.state == QueueState.dead,
                trace_context=row.trace_context,
            )
            for row in connection.execute(stmt)
        ]

    def _claim_locking(
        self, connection: Connection, now: datetime, until: datetime, token: str, limit: int
    ) -> list[_Claimed]:
        """Lock the candidates, skipping rows another receiver holds, then mark them."""
        candidates = connection.execute(
            _deliverable_heads(
                now,
                messages.c.body,
                messages.c.group_id,
                messages.c.receive_count,
                messages.c.trace_context,
            )
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        deliver = [row.id for row in candidates if row.receive_count < self.max_receives]
        dead = [row.id for row in candidates if row.receive_count >= self.max_receives]
        if deliver:
            connection.execute(
                update(messages)
                .where(messages.c.id.in_(deliver))
                .values(receipt=token, visible_at=until, receive_count=messages.c.receive_count + 1)
            )
        if dead:
            connection.execute(
                update(messages)
                .where(messages.c.id.in_(dead))
                .values(state=QueueState.dead, receipt=None)
            )
        return [
            _Claimed(
                row.id,
                row.body,
                row.group_id,
                row.receive_count + 1 if row.id in deliver else row.receive_count,
                dead=row.id not in deliver,
                trace_context=row.trace_context,
            )
            for row in candidates
        ]

    def delete(self, receipts: Sequence[str]) -> None:
        held = _parse_receipts(receipts)
        if not held:
            return
        stmt = (
            update(messages)
            .where(messages.c.state == QueueState.ready, _held_by(held))
            .values(state=QueueState.deleted, receipt=None)
        )
        with _reachable(), self.engine.begin() as connection:
            connection.execute(stmt)

    def change_visibility(self, receipt: str, seconds: int) -> None:
        if not 0 <= seconds <= MAX_VISIBILITY_SECONDS:
            raise ValueError(f"visibility must be between 0 and {MAX_VISIBILITY_SECONDS} s")
        held = _parse_receipts([receipt])
        if not held:
            return
        stmt = (
            update(messages)
            .where(messages.c.state == QueueState.ready, _held_by(held))
            .values(visible_at=utcnow() + timedelta(seconds=seconds))
        )
        with _reachable(), self.engine.begin() as connection:
            connection.execute(stmt)

    # -- operations -----------------------------------------------------------------------

    def stats(self) -> QueueStats:
        now = utcnow()
        ready = messages.c.state == QueueState.ready
        stmt = select(
            func.count(case((ready & (messages.c.visible_at <= now), 1))),
            func.count(case((ready & (messages.c.visible_at > now), 1))),
            func.min(case((ready, messages.c.sent_at))),
            func.count(case((messages.c.state == QueueState.dead, 1))),
        ).where(messages.c.state.in_([QueueState.ready, QueueState.dead]))
        with _reachable(), self.engine.connect() as connection:
            visible, in_flight, oldest, dead = connection.execute(stmt).one()
        age = max((now - oldest).total_seconds(), 0.0) if oldest is not None else 0.0
        return QueueStats(
            visible=visible, in_flight=in_flight, oldest_age_seconds=age, dead_letters=dead
        )

    def dead_letters(self, limit: int = 100) -> list[DeadLetter]:
        stmt = (
            select(messages.c.id, messages.c.body, messages.c.receive_count)
            .where(messages.c.state == QueueState.dead)
            .order_by(messages.c.id)
            .limit(limit)
        )
        with _reachable(), self.engine.connect() as connection:
            rows = connection.execute(stmt).all()
        return [DeadLetter(row.body, str(row.id), row.receive_count) for row in rows]

    def redrive(self, limit: int | None = None) -> int:
        """Move dead letters back, each to the end of its group with a fresh receive count."""
        moved_columns = (
            messages.c.id,
            messages.c.body,
            messages.c.group_id,
            messages.c.trace_context,
        )
        picked = (
            select(messages.c.id)
            .where(messages.c.state == QueueState.dead)
            .order_by(messages.c.id)
            .limit(limit)
        )
        with _reachable(), self.engine.begin() as connection:
            if connection.dialect.name == "sqlite":
                stmt = delete(messages).where(messages.c.id.in_(picked))
                rows = connection.execute(stmt.returning(*moved_columns)).all()
            else:
                rows = connection.execute(
                    picked.add_columns(*moved_columns[1:]).with_for_update()
                ).all()
                if rows:
                    ids = [row.id for row in rows]
                    connection.execute(delete(messages).where(messages.c.id.in_(ids)))
            if rows:
                now = utcnow()
                copies = [
                    _fresh(
                        {
                            "body": row.body,
                            "group_id": row.group_id,
                            "dedup_id": None,
                            "trace_context": row.trace_context,
                        },
                        now,
                    )
                    for row in sorted(rows, key=lambda row: int(row.id))
                ]
                connection.execute(insert(messages), copies)
        return len(rows)

    def ping(self) -> None:
        try:
            with self.engine.connect() as connection:
                connection.execute(select(messages.c.id).limit(1)).all()
        except DBAPIError as exc:
            raise QueueUnavailable(f"local queue table unreachable: {exc.orig}") from exc

    def _purge_if_due(self) -> None:
        """Forget deleted messages once their deduplication window has passed (once a minute)."""
        if time.monotonic() < self._next_purge:
            return
        self._next_purge = time.monotonic() + 60
        cutoff = utcnow() - timedelta(seconds=self.dedup_window)
        stmt = delete(messages).where(
            messages.c.state == QueueState.deleted, messages.c.sent_at < cutoff
        )
        with self.engine.begin() as connection:
            purged = connection.execute(stmt).rowcount
        if purged:
            log.debug("purged %d deleted queue messages", purged)


def _deliverable_heads(now: datetime, *columns: Any) -> Select[Any]:
    """Visible messages that are the oldest undeleted message of their group, oldest first."""
    earlier_in_group = exists().where(
        older.c.state == QueueState.ready,
        older.c.group_id == messages.c.group_id,
        older.c.id < messages.c.id,
    )
    return (
        select(messages.c.id, *columns)
        .where(messages.c.state == QueueState.ready, messages.c.visible_at <= now)
        .where(~earlier_in_group)
        .order_by(messages.c.id)
    )


def _fresh(row: dict[str, Any], now: datetime) -> dict[str, Any]:
    return row | {
        "state": QueueState.ready,
        "receive_count": 0,
        "receipt": None,
        "sent_at": now,
        "visible_at": now,
    }


def _parse_receipts(receipts: Sequence[str]) -> list[tuple[int, str]]:
    """Receipts are `<message id>:<receive token>`; malformed ones cannot match any message."""
    held = []
    for receipt in receipts:
        message_id, _, token = receipt.partition(":")
        if message_id.isdigit() and token:
            held.append((int(message_id), token))
        else:
            log.warning("ignoring malformed receipt %r", receipt)
    return held


def _held_by(held: list[tuple[int, str]]) -> Any:
    return or_(*(and_(messages.c.id == id_, messages.c.receipt == token) for id_, token in held))


@contextmanager
def _reachable() -> Iterator[None]:
    """Connection loss, timeouts and lock waits mean "try again later" to the caller."""
    try:
        yield
    except OperationalError as exc:
        raise QueueUnavailable(f"local queue unavailable: {exc.orig}") from exc
