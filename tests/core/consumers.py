"""Consumers for queue tests: several threads receiving and deleting at once."""

import threading
import time

from aira_core.queue import JobQueue


def consume_concurrently(queue: JobQueue, expected: int, receivers: int = 4) -> list[str]:
    """Receive and delete with several threads until `expected` messages arrived; returns the
    bodies in the order they were received."""
    delivered: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + 60

    def consume() -> None:
        while time.monotonic() < deadline:
            with lock:
                if len(delivered) >= expected:
                    return
            batch = queue.receive(max_messages=10, wait_seconds=0.5)
            with lock:
                delivered.extend(message.body for message in batch)
            queue.delete([message.receipt for message in batch])

    threads = [threading.Thread(target=consume) for _ in range(receivers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return delivered
