"""A worker SIGKILLed mid-answer: another worker takes the job over once the lease expires and
the answer completes exactly once (one assistant message, no duplicated text)."""

import pytest

from tests.integrity.api_client import ApiUser
from tests.integrity.conftest import Processes
from tests.integrity.support import assert_answered_once, wait_settled, wait_streaming
from tests.support.openai_server import RunningServer

QUESTION = "will you survive a crash?"


@pytest.mark.parametrize("database_url", ["mariadb"], indirect=True)
def test_an_answer_survives_its_worker_being_killed(
    processes: Processes, llm: RunningServer
) -> None:
    llm.control.set_latency(6)
    _, api_url = processes.api()
    user = ApiUser.register(api_url)
    conversation = user.new_conversation()
    answer = user.send(conversation, QUESTION)
    doomed = processes.worker()
    wait_streaming(user, answer)
    doomed.kill()
    llm.control.set_latency(0.5)
    processes.worker()
    settled = wait_settled(user, answer)
    assert settled["status"] == "done", processes.logs()
    assert_answered_once(user, conversation, QUESTION)
    assert llm.control.counter("requests") == 2
