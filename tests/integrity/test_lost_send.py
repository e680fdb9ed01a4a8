"""The queue is down while the API sends a job (after its commit): the answer stays queued, and
the worker's sweeper sends it again, so it is still answered."""

import pytest
from aira_core.models import JobKind
from sqlalchemy import Engine

from load.network import free_port
from tests.conftest import SqsQueues
from tests.integrity.api_client import ApiUser
from tests.integrity.conftest import Processes
from tests.integrity.support import assert_answered_once, wait_settled
from tests.support.jobs import load

QUESTION = "did my message get lost?"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_sweeper_delivers_a_job_whose_send_failed(
    processes: Processes, use_sqs: SqsQueues, db_engine: Engine
) -> None:
    unreachable_sqs = f"http://127.0.0.1:{free_port()}"
    _, api_url = processes.api(AWS_ENDPOINT_URL_SQS=unreachable_sqs)
    user = ApiUser.register(api_url)
    conversation = user.new_conversation()
    answer = user.send(conversation, QUESTION)
    unsent = load(db_engine, JobKind.chat, answer)
    assert (unsent.status, unsent.enqueued_at) == ("queued", None)  # committed, never sent
    processes.worker()
    assert wait_settled(user, answer)["status"] == "done", processes.logs()
    assert_answered_once(user, conversation, QUESTION)
