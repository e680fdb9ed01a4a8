"""The SQS adapter's throughput run: messages per second through send -> receive -> delete, via
the platform's own SQS adapter, against moto's server (which sustains only ~50 messages/s, so it
is reported apart from the platform runs).

`uv run nox -s load -- --backend sqs [--messages N] [--producers P] [--consumers C]`
Writes reports/load/<timestamp>/sqs.json and prints the figures.
"""

import argparse
import json
import os
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aira_core.db import create_db_engine
from aira_core.queue import open_queue
from aira_core.queue.port import JobQueue
from aira_core.settings import Settings

from load.cpu import CpuMeter
from load.sqs_queues import create_queues, start_moto

GIVE_UP_AFTER_S = 20.0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--producers", type=int, default=4)
    parser.add_argument("--consumers", type=int, default=4)
    parser.add_argument("--groups", type=int, default=200, help="FIFO groups (conversations)")
    parser.add_argument("--reports", type=Path, default=Path("reports/load"))
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    run_dir = args.reports / (datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-sqs")
    run_dir.mkdir(parents=True, exist_ok=True)
    moto, endpoint = start_moto(run_dir)
    try:
        queues = create_queues(endpoint, max_receives=5, visibility_timeout=60)
        os.environ.update(queues.env())
        settings = Settings(queue_url=queues.queue_url, dlq_url=queues.dlq_url)
        engine = create_db_engine(f"sqlite:///{run_dir / 'unused.db'}")
        meter = CpuMeter({"moto": lambda: moto.pid, "harness": os.getpid})
        meter.start()
        result = measure(lambda: open_queue(settings, engine), args)
        result["cpu"] = meter.result()
    finally:
        moto.stop()
    (run_dir / "sqs.json").write_text(json.dumps(result, indent=2))
    print(
        f"SQS adapter on moto: {result['messages']} messages send -> receive -> delete in "
        f"{result['elapsed_s']} s = {result['messages_per_s']} messages/s "
        f"(send p95 {result['send_p95_ms']} ms, lost {result['lost']}, "
        f"duplicated {result['duplicated']}); report in {run_dir}"
    )
    return 0 if result["lost"] == 0 and result["duplicated"] == 0 else 1


def measure(make_queue: Any, args: argparse.Namespace) -> dict[str, Any]:
    bodies = [json.dumps({"kind": "chat", "id": n, "attempt": 1}) for n in range(args.messages)]
    received: list[str] = []
    send_ms: list[float] = []
    lock = threading.Lock()
    all_sent = threading.Event()

    def produce(share: list[str]) -> None:
        queue: JobQueue = make_queue()
        for body in share:
            number = json.loads(body)["id"]
            started = time.perf_counter()
            queue.send(
                body, group_id=f"conversation-{number % args.groups}", dedup_id=f"chat-{number}-1"
            )
            with lock:
                send_ms.append((time.perf_counter() - started) * 1000)

    last_receive = [time.monotonic()]

    def consume() -> None:
        queue: JobQueue = make_queue()
        while True:
            with lock:
                if len(received) >= len(bodies):
                    return
                if all_sent.is_set() and time.monotonic() - last_receive[0] > GIVE_UP_AFTER_S:
                    return  # whatever is missing now is lost
            messages = queue.receive(max_messages=10, wait_seconds=1)
            if messages:
                queue.delete([message.receipt for message in messages])
                with lock:
                    received.extend(message.body for message in messages)
                    last_receive[0] = time.monotonic()

    started = time.perf_counter()
    producers = [
        threading.Thread(target=produce, args=(bodies[i :: args.producers],))
        for i in range(args.producers)
    ]
    consumers = [threading.Thread(target=consume) for _ in range(args.consumers)]
    for thread in producers + consumers:
        thread.start()
    for thread in producers:
        thread.join()
    all_sent.set()
    for thread in consumers:
        thread.join()
    elapsed = time.perf_counter() - started
    send_ms.sort()
    return {
        "messages": len(bodies),
        "producers": args.producers,
        "consumers": args.consumers,
        "elapsed_s": round(elapsed, 1),
        "messages_per_s": round(len(received) / elapsed, 1),
        "send_p50_ms": round(send_ms[len(send_ms) // 2], 1),
        "send_p95_ms": round(send_ms[int(len(send_ms) * 0.95)], 1),
        "lost": len(set(bodies) - set(received)),
        "duplicated": len(received) - len(set(received)),
    }
