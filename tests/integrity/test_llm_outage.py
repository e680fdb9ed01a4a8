"""The language model fails every time: the answer ends `failed` with an error code within
AIRA_MAX_RECEIVES tries and its message lands in the dead-letter queue; once the model recovers,
the user's retry completes it (once)."""

import pytest
from aira_core.queue.sqs import SqsQueue

from tests.conftest import SqsQueues
from tests.integrity.api_client import ApiUser
from tests.integrity.conftest import MAX_RECEIVES, Processes
from tests.integrity.support import assert_answered_once, wait_settled
from tests.support.jobs import wait_until
from tests.support.openai_server import RunningServer

QUESTION = "is anyone out there?"


@pytest.mark.parametrize("database_url", ["mariadb"], indirect=True)
def test_an_answer_fails_with_a_code_then_a_retry_completes_it(
    processes: Processes, llm: RunningServer, use_sqs: SqsQueues
) -> None:
    llm.control.always_fail("server_error")
    _, api_url = processes.api()
    processes.worker()
    user = ApiUser.register(api_url)
    conversation = user.new_conversation()
    answer = user.send(conversation, QUESTION)

    failed = wait_settled(user, answer)
    assert (failed["status"], failed["error_code"]) == ("failed", "retries_exhausted")
    assert llm.control.counter("requests") == MAX_RECEIVES
    queue = SqsQueue(
        use_sqs.queue_url, dlq_url=use_sqs.dlq_url, region="us-east-1", visibility_timeout=5
    )
    wait_until(lambda: queue.stats().dead_letters == 1, 30, "the message in the DLQ")

    llm.control.reset()
    assert user.retry(answer)["status"] == "queued"
    assert wait_settled(user, answer)["status"] == "done", processes.logs()
    assert_answered_once(user, conversation, QUESTION)
    assert llm.control.counter("requests") == 1
