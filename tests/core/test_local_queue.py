"""What only the local queue promises beyond the shared contract: receipts that go stale, the
deduplication window after a delete, the purge of old rows, and a small statement budget."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from aira_core.models import QueueMessage
from aira_core.queue import LocalQueue
from sqlalchemy import Engine, event, func, select, update
from sqlmodel import col

from tests.core.consumers import consume_concurrently

DEDUP_WINDOW = 300  # seconds, as in SQS


def age_messages(engine: Engine, seconds: float) -> None:
    """Pretend every message was sent `seconds` earlier."""
    sent_at = col(QueueMessage.sent_at)
    with engine.begin() as connection:
        for message_id, sent in connection.execute(select(col(QueueMessage.id), sent_at)).all():
            connection.execute(
                update(QueueMessage)
                .where(col(QueueMessage.id) == message_id)
                .values(sent_at=sent - timedelta(seconds=seconds))
            )


def rows(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count(col(QueueMessage.id)))).scalar_one())


@pytest.fixture
def queue(engine: Engine) -> LocalQueue:
    return LocalQueue(engine, visibility_timeout=30, max_receives=3, poll_interval=0.05)


def test_an_old_receipt_can_neither_delete_nor_extend(queue: LocalQueue) -> None:
    queue.send("job", group_id="g", dedup_id="d")
    [first] = queue.receive(wait_seconds=0)
    queue.change_visibility(first.receipt, 0)
    [second] = queue.receive(wait_seconds=0)
    queue.delete([first.receipt, "not-a-receipt", "12:"])
    queue.change_visibility(first.receipt, 0)
    assert queue.receive(wait_seconds=0) == [], "the old receipt released the message"
    assert queue.stats().in_flight == 1, "the old receipt deleted the message"
    queue.delete([second.receipt])
    assert queue.stats().in_flight == 0


def test_a_dedup_id_is_free_again_once_the_window_has_passed(
    queue: LocalQueue, engine: Engine
) -> None:
    queue.send("job", group_id="g", dedup_id="chat-1-1")
    queue.delete([message.receipt for message in queue.receive(wait_seconds=0)])
    queue.send("job", group_id="g", dedup_id="chat-1-1")
    assert queue.receive(wait_seconds=0) == [], "deduplicated inside the window"
    age_messages(engine, DEDUP_WINDOW + 1)
    queue.send("job", group_id="g", dedup_id="chat-1-1")
    assert [message.body for message in queue.receive(wait_seconds=0)] == ["job"]


def test_a_waiting_message_absorbs_a_late_duplicate(queue: LocalQueue, engine: Engine) -> None:
    queue.send("job", group_id="g", dedup_id="chat-1-1")
    age_messages(engine, DEDUP_WINDOW + 1)
    queue.send("job", group_id="g", dedup_id="chat-1-1")  # the sweeper, past the window
    assert queue.stats().visible == 1


def test_deleted_messages_are_purged_after_the_dedup_window(
    queue: LocalQueue, engine: Engine
) -> None:
    for n in range(3):
        queue.send(f"m{n}", group_id=f"g{n}", dedup_id=f"d{n}")
    queue.delete([message.receipt for message in queue.receive(wait_seconds=0)])
    assert rows(engine) == 3, "kept while their dedup ids still count"
    age_messages(engine, DEDUP_WINDOW + 1)
    fresh = LocalQueue(engine, visibility_timeout=30, max_receives=3)
    fresh.receive(wait_seconds=0)  # purges on its first receive, then once a minute
    assert rows(engine) == 0


@pytest.fixture
def statements(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements sent to the database while the test runs."""
    sent: list[str] = []

    def record(*args: object) -> None:
        sent.append(str(args[2]).split()[0].upper())

    event.listen(engine, "before_cursor_execute", record)
    yield sent
    event.remove(engine, "before_cursor_execute", record)


def test_each_operation_is_a_statement_or_two(queue: LocalQueue, statements: list[str]) -> None:
    queue.receive(wait_seconds=0)  # a queue's first receive also purges old deleted rows
    statements.clear()
    for n in range(10):
        queue.send(f"m{n}", group_id=f"g{n}", dedup_id=f"d{n}")
    assert len(statements) == 10
    statements.clear()
    batch = queue.receive(max_messages=10, wait_seconds=0)
    assert len(batch) == 10
    assert len(statements) <= 2, statements  # SQLite: UPDATE..RETURNING; MySQL: SELECT, UPDATE
    statements.clear()
    queue.delete([message.receipt for message in batch])
    queue.change_visibility(batch[0].receipt, 5)
    queue.stats()
    assert len(statements) == 3, statements


def test_concurrent_receivers_keep_the_order_within_each_group(queue: LocalQueue) -> None:
    groups, per_group = 10, 4
    for n in range(per_group):
        for g in range(groups):
            queue.send(f"{g}:{n}", group_id=f"g{g}", dedup_id=f"{g}-{n}")
    delivered = consume_concurrently(queue, groups * per_group)
    assert len(delivered) == groups * per_group
    for g in range(groups):
        in_group = [body for body in delivered if body.startswith(f"{g}:")]
        assert in_group == [f"{g}:{n}" for n in range(per_group)]
