"""The API's grants on SQS, exercised through its real code on moto's server over HTTP.

tests/api covers sending jobs and readiness; the operators' console is where the API also reads
the dead-letter queue: its depth (overview), a peek at the dead letters (received, then made
visible again) and a redrive (received, sent back to the job queue, deleted). This test runs all
of it on SQS and checks that the API's code called exactly what apps/api/iam.json grants, no
more, no less. (The session-end check judges the whole suite the same way; see README.md.)"""

from collections.abc import Callable
from typing import TYPE_CHECKING

import httpx
import pytest
from aira_core import jobs
from aira_core.dead_letters import RETRIES_EXHAUSTED
from aira_core.jobs import JobRef
from aira_core.models import JobKind, JobStatus, Message, User
from aira_core.queue import open_queue
from aira_core.settings import Settings
from sqlalchemy import Engine
from sqlmodel import Session, select

from policies.manifests import load_manifests
from tests.api.conftest import api_queue, launch_api, make_settings  # noqa: F401 - fixtures
from tests.api.support import Api, Launch
from tests.iam_recorder.plugin import AwsCalls

if TYPE_CHECKING:
    from tests.conftest import SqsQueues


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """One database is enough here: the queue is what is under test."""
    return sqlite_url


def _admin(api: Api) -> httpx.Client:
    email = "operator@example.com"
    token = api.register(email)
    with Session(api.engine) as session:
        user = session.exec(select(User).where(User.email == email)).one()
        user.is_admin = True
        session.add(user)
        session.commit()
    return api.client(token)


def _manifest_grants(service: str) -> set[str]:
    manifest = load_manifests("apps")[service]
    return {
        f"{action} on {resource}"
        for resource, actions in manifest.actions_by_resource
        for action in actions
    }


def test_the_api_calls_exactly_its_grants_on_sqs(
    launch_api: Launch,  # noqa: F811 - the fixture imported above
    make_settings: Callable[..., Settings],  # noqa: F811
    make_sqs_queues: Callable[..., "SqsQueues"],
    db_engine: Engine,
    aws_calls: AwsCalls,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # One receive allowed: the second receive moves the message to the dead-letter queue.
    queues = make_sqs_queues(max_receives=1)
    for key, value in queues.env().items():
        monkeypatch.setenv(key, value)
    settings = make_settings(queue_url=queues.queue_url, dlq_url=queues.dlq_url, max_receives=1)
    queue = open_queue(settings, db_engine)
    with launch_api(queue=queue) as api, _admin(api) as admin, api.user() as member:
        assert member.get("/readyz").status_code == 200
        conversation = member.post("/api/conversations", json={}).json()
        sent = member.post(
            f"/api/conversations/{conversation['id']}/messages", json={"content": "Hello"}
        )
        assert sent.status_code == 202, sent.text
        answer = sent.json()["assistant_message"]

        # A worker that gives up on the job (test code: not the API's calls).
        (received,) = queue.receive(max_messages=1, wait_seconds=0)
        queue.change_visibility(received.receipt, 0)
        assert queue.receive(max_messages=1, wait_seconds=0) == []
        ref = JobRef(JobKind.chat, answer["id"], 1)
        assert jobs.fail_unclaimed(db_engine, ref, RETRIES_EXHAUSTED, "gave up after 1 receive")

        overview = admin.get("/api/admin/overview")
        assert overview.status_code == 200, overview.text
        assert overview.json()["queue"]["dead_letters"] == 1
        letters = admin.get("/api/admin/dead-letters")
        assert letters.status_code == 200, letters.text
        (letter,) = letters.json()
        assert (letter["job_id"], letter["action"]) == (answer["id"], "retry")
        redriven = admin.post("/api/admin/dead-letters/redrive", json={"confirm": True})
        assert redriven.json() == {"retried": 1, "moved": 1}
        assert admin.get("/api/admin/dead-letters").json() == []

    with Session(db_engine) as session:
        row = session.get(Message, answer["id"])
        assert row is not None and row.status == JobStatus.queued and row.attempt == 2
    assert aws_calls.grants("api") == _manifest_grants("api")
    assert aws_calls.grants("worker") == set()
