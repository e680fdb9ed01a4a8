"""SIGTERM during work loses nothing: the worker stops receiving, finishes what it can within the
grace period, gives the rest back and exits 0; the next worker completes every answer once."""

import pytest

from tests.integrity.api_client import ApiUser
from tests.integrity.conftest import Processes
from tests.integrity.support import assert_answered_once, wait_settled, wait_streaming
from tests.support.openai_server import RunningServer

QUESTIONS = [f"question number {n}" for n in range(3)]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("grace_seconds", "answer_seconds"),
    [("10", 3), ("1", 12)],
    ids=["finished-in-grace", "given-back"],
)
def test_sigterm_during_work_loses_nothing(
    processes: Processes, llm: RunningServer, grace_seconds: str, answer_seconds: float
) -> None:
    llm.control.set_latency(answer_seconds)
    _, api_url = processes.api()
    user = ApiUser.register(api_url)
    asked = {}
    for question in QUESTIONS:
        conversation = user.new_conversation()
        asked[question] = (conversation, user.send(conversation, question))
    stopping = processes.worker(AIRA_WORKER_SHUTDOWN_GRACE_SECONDS=grace_seconds)
    for _, answer in asked.values():
        wait_streaming(user, answer)

    stopping.stop(timeout=20)
    assert stopping.process is not None and stopping.process.returncode == 0, processes.logs()
    statuses = {user.message(answer)["status"] for _, answer in asked.values()}
    finished_in_grace = grace_seconds == "10"
    assert statuses == ({"done"} if finished_in_grace else {"queued"})

    if not finished_in_grace:
        llm.control.set_latency(0.5)
        processes.worker()
    for question, (conversation, answer) in asked.items():
        assert wait_settled(user, answer)["status"] == "done", processes.logs()
        assert_answered_once(user, conversation, question)
