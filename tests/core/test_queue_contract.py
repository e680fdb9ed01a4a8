"""One contract for every JobQueue adapter: the local queue (SQLite, MariaDB) and SQS (moto).

FIFO groups may hand out several messages of one group in a single receive (SQS does), so the
tests assert what both promise: order within a group, and nothing more of a group while an
earlier message of it is in flight.
"""

import threading
import time
from typing import TYPE_CHECKING

import pytest
from aira_core.queue import JobQueue, QueueUnavailable, ReceivedMessage

from tests.core.consumers import consume_concurrently

if TYPE_CHECKING:
    from tests.core.conftest import QueueBackend


def receive_all(queue: JobQueue, wait_seconds: float = 0) -> list[ReceivedMessage]:
    return queue.receive(max_messages=10, wait_seconds=wait_seconds)


def receive_one(queue: JobQueue, wait_seconds: float = 5) -> ReceivedMessage:
    received = queue.receive(max_messages=1, wait_seconds=wait_seconds)
    assert len(received) == 1, received
    return received[0]


def test_messages_of_a_group_arrive_in_order_one_batch_at_a_time(queue: JobQueue) -> None:
    for n in range(5):
        queue.send(f"m{n}", group_id="conversation-1", dedup_id=f"chat-{n}-1")
    delivered: list[str] = []
    while len(delivered) < 5:
        batch = receive_all(queue, wait_seconds=5)
        assert batch, f"stalled after {delivered}"
        assert receive_all(queue) == [], "group delivered more while a message was in flight"
        delivered += [message.body for message in batch]
        queue.delete([message.receipt for message in batch])
    assert delivered == ["m0", "m1", "m2", "m3", "m4"]


def test_groups_are_delivered_in_parallel(queue: JobQueue) -> None:
    queue.send("a1", group_id="conversation-1", dedup_id="a1")
    queue.send("a2", group_id="conversation-1", dedup_id="a2")
    queue.send("b1", group_id="conversation-2", dedup_id="b1")
    queue.send("s1", group_id="story-7", dedup_id="s1")
    batch = receive_all(queue, wait_seconds=5)
    heads = {message.group_id: message.body for message in batch if message.body != "a2"}
    assert heads == {"conversation-1": "a1", "conversation-2": "b1", "story-7": "s1"}


def test_an_unacknowledged_message_returns_after_the_visibility_timeout(
    queue_backend: "QueueBackend",
) -> None:
    queue = queue_backend.make(visibility_timeout=2)
    queue.send("job", group_id="g", dedup_id="d")
    first = receive_one(queue)
    assert first.receive_count == 1
    assert receive_all(queue) == []
    again = receive_one(queue, wait_seconds=5)
    assert (again.body, again.receive_count) == ("job", 2)
    assert again.receipt != first.receipt


def test_change_visibility_extends_and_releases(queue_backend: "QueueBackend") -> None:
    queue = queue_backend.make(visibility_timeout=1)
    queue.send("job", group_id="g", dedup_id="d")
    held = receive_one(queue)
    queue.change_visibility(held.receipt, 30)  # heartbeat beyond the 1 s timeout
    time.sleep(1.5)
    assert receive_all(queue) == []
    queue.change_visibility(held.receipt, 0)  # release: visible again at once
    again = receive_one(queue)
    assert (again.body, again.receive_count) == ("job", 2)


def test_a_deleted_message_is_gone(queue: JobQueue) -> None:
    queue.send("job", group_id="g", dedup_id="d")
    queue.delete([receive_one(queue).receipt])
    assert queue.receive(max_messages=10, wait_seconds=1) == []
    stats = queue.stats()
    assert (stats.visible, stats.in_flight, stats.dead_letters) == (0, 0, 0)


def test_the_same_dedup_id_is_accepted_once(queue: JobQueue) -> None:
    queue.send("job", group_id="g", dedup_id="chat-1-1")
    queue.send("job", group_id="g", dedup_id="chat-1-1")  # e.g. the sweeper re-sends
    queue.send("retry", group_id="g", dedup_id="chat-1-2")  # a new attempt is a new message
    delivered = []
    while batch := receive_all(queue, wait_seconds=1):
        delivered += [message.body for message in batch]
        queue.delete([message.receipt for message in batch])
    assert delivered == ["job", "retry"]


def test_a_message_is_dead_lettered_after_max_receives_and_its_group_moves_on(
    queue_backend: "QueueBackend",
) -> None:
    queue = queue_backend.make(max_receives=2)
    queue.send("poison", group_id="g", dedup_id="p")
    queue.send("next", group_id="g", dedup_id="n")
    for expected_count in (1, 2):
        message = receive_one(queue)
        assert (message.body, message.receive_count) == ("poison", expected_count)
        queue.change_visibility(message.receipt, 0)
    following = receive_one(queue)
    assert (following.body, following.receive_count) == ("next", 1)
    assert queue.stats().dead_letters == 1
    [dead] = queue.dead_letters()
    assert (dead.body, dead.receive_count) == ("poison", 2)
    # Peeking does not consume; on SQS a peek is a receive and counts in later peeks.
    assert [(d.body, d.message_id) for d in queue.dead_letters()] == [("poison", dead.message_id)]


def test_redrive_moves_dead_letters_back(queue_backend: "QueueBackend") -> None:
    queue = queue_backend.make(max_receives=1)
    for name in ("a", "b"):
        queue.send(name, group_id=f"g-{name}", dedup_id=name)
    for message in receive_all(queue, wait_seconds=5):
        queue.change_visibility(message.receipt, 0)
    assert receive_all(queue, wait_seconds=1) == []
    assert queue.stats().dead_letters == 2
    assert queue.redrive(limit=1) == 1
    assert queue.stats().dead_letters == 1
    assert queue.redrive() == 1
    back = sorted(receive_all(queue, wait_seconds=5), key=lambda message: message.body)
    assert [(message.body, message.receive_count) for message in back] == [("a", 1), ("b", 1)]
    assert queue.stats().dead_letters == 0


def test_a_trace_context_travels_beside_the_body_and_through_a_redrive(
    queue_backend: "QueueBackend",
) -> None:
    context = {
        "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        "tracestate": "aira=1",
    }
    body = '{"kind": "chat", "id": 1, "attempt": 1}'
    queue = queue_backend.make(max_receives=1)
    queue.send(body, group_id="g-traced", dedup_id="traced", trace_context=context)
    queue.send("plain", group_id="g-plain", dedup_id="plain")
    first = {message.body: message for message in _receive_bodies(queue, 2)}
    assert first.keys() == {body, "plain"}  # the body is what was sent, nothing added
    assert dict(first[body].trace_context) == context
    assert dict(first["plain"].trace_context) == {}
    for message in first.values():
        queue.change_visibility(message.receipt, 0)
    assert receive_all(queue, wait_seconds=1) == []  # both dead-lettered
    assert queue.redrive(limit=2) == 2
    back = {message.body: message for message in _receive_bodies(queue, 2)}
    assert dict(back[body].trace_context) == context
    assert dict(back["plain"].trace_context) == {}


def _receive_bodies(queue: JobQueue, count: int) -> list[ReceivedMessage]:
    received: list[ReceivedMessage] = []
    deadline = time.monotonic() + 10
    while len(received) < count and time.monotonic() < deadline:
        received += receive_all(queue, wait_seconds=1)
    assert len(received) == count, received
    return received


def test_stats_count_visible_in_flight_and_dead(queue_backend: "QueueBackend") -> None:
    queue = queue_backend.make(max_receives=1)
    for n in range(3):
        queue.send(f"m{n}", group_id=f"g{n}", dedup_id=f"d{n}")
    receive_one(queue)
    stats = queue.stats()
    assert (stats.visible, stats.in_flight, stats.dead_letters) == (2, 1, 0)
    assert stats.oldest_age_seconds >= 0


def test_a_waiting_receive_returns_when_a_message_arrives(queue: JobQueue) -> None:
    sender = threading.Timer(0.5, queue.send, ("late",), {"group_id": "g", "dedup_id": "d"})
    started = time.monotonic()
    sender.start()
    try:
        [message] = queue.receive(max_messages=10, wait_seconds=10)
    finally:
        sender.join()
    assert message.body == "late"
    assert time.monotonic() - started < 5


def test_out_of_range_arguments_are_refused(queue: JobQueue) -> None:
    for wrong in (0, 11):
        with pytest.raises(ValueError):
            queue.receive(max_messages=wrong, wait_seconds=0)
    queue.send("job", group_id="g", dedup_id="d")
    held = receive_one(queue)
    for seconds in (-1, 12 * 3600 + 1):
        with pytest.raises(ValueError):
            queue.change_visibility(held.receipt, seconds)


def test_ping_succeeds_on_a_reachable_queue(queue: JobQueue) -> None:
    queue.ping()


def test_an_unreachable_queue_raises_queue_unavailable(queue_backend: "QueueBackend") -> None:
    queue = queue_backend.unreachable()
    with pytest.raises(QueueUnavailable):
        queue.ping()
    with pytest.raises(QueueUnavailable):
        queue.send("job", group_id="g", dedup_id="d")
    with pytest.raises(QueueUnavailable):
        queue.receive(wait_seconds=0)


def test_concurrent_receivers_never_get_the_same_message(queue: JobQueue) -> None:
    # One message per group: moto's server snapshots busy groups per request without a lock,
    # so concurrent receives of one group are checked against the local queue only.
    bodies = [f"job-{n}" for n in range(30)]
    for body in bodies:
        queue.send(body, group_id=f"group-{body}", dedup_id=body)
    assert sorted(consume_concurrently(queue, len(bodies))) == sorted(bodies)
