"""The operators' console API: admins see the queue, jobs, failures and dead letters and can
redrive; for everyone else the routes do not exist. Admins are made with `aira-admin`."""

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

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

from tests.api.conftest import Launch
from tests.api.support import Api

ROUTES = [
    ("GET", "/api/admin/overview", None),
    ("GET", "/api/admin/dead-letters", None),
    ("POST", "/api/admin/dead-letters/redrive", {"confirm": True}),
]
AIRA_ADMIN = str(Path(sys.executable).parent / "aira-admin")


def _make_admin(engine: Engine, token_owner_email: str) -> None:
    with Session(engine) as session:
        user = session.exec(select(User).where(User.email == token_owner_email)).one()
        user.is_admin = True
        session.add(user)
        session.commit()


def _admin_client(api: Api) -> httpx.Client:
    email = "operator@example.com"
    token = api.register(email)
    _make_admin(api.engine, email)
    return api.client(token)


def _send_message(client: httpx.Client, text: str = "Hello") -> dict:
    conversation = client.post("/api/conversations", json={"title": "console"}).json()
    sent = client.post(f"/api/conversations/{conversation['id']}/messages", json={"content": text})
    assert sent.status_code == 202, sent.text
    return sent.json()["assistant_message"]


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
def test_routes_do_not_exist_for_anyone_but_admins(
    api: Api, method: str, path: str, body: dict | None
) -> None:
    with api.client() as anonymous, api.user() as member, api.client("not-a-token") as forged:
        for client in (anonymous, member, forged):
            response = client.request(method, path, json=body)
            assert response.status_code == 404, (client.headers, response.text)
            assert response.json() == {"detail": "Not Found"}
    with _admin_client(api) as admin:
        assert admin.request(method, path, json=body).status_code == 200


def test_a_member_gets_404_even_for_an_invalid_redrive(api: Api) -> None:
    with api.user() as member:
        response = member.post("/api/admin/dead-letters/redrive", json={})
    assert response.status_code == 404


def test_redrive_needs_confirmation(api: Api) -> None:
    with _admin_client(api) as admin:
        response = admin.post("/api/admin/dead-letters/redrive", json={"confirm": False})
    assert response.status_code == 422


def test_overview_shows_queue_jobs_and_failures(api: Api) -> None:
    with _admin_client(api) as admin, api.user() as member:
        waiting = _send_message(member)
        failing = _send_message(member, "Will fail")
        claim = jobs.claim(api.engine, JobRef(JobKind.chat, failing["id"], 1), lease_seconds=60)
        assert claim is not None
        assert jobs.fail(api.engine, claim, "insufficient_quota", "quota exceeded")
        overview = admin.get("/api/admin/overview").json()

    assert overview["queue"]["visible"] >= 1
    assert overview["queue"]["dead_letters"] == 0
    assert overview["queue"]["oldest_age_seconds"] >= 0
    by_status = {(c["kind"], c["status"]): c["count"] for c in overview["jobs_last_hour"]}
    assert by_status == {("chat", "queued"): 1, ("chat", "failed"): 1}
    assert waiting["status"] == "queued"
    (failure,) = overview["failures"]
    assert failure["error_code"] == "insufficient_quota" and failure["count"] == 1
    assert failure["last_at"].endswith("Z")
    assert overview["failures_hours"] == 24


def test_dead_letters_list_their_errors_and_redrive_retries_them(
    db_engine: Engine, launch_api: Launch, make_settings: Callable[..., Settings]
) -> None:
    # One receive allowed: the second receive moves the message to the dead-letter queue.
    queue = open_queue(make_settings(max_receives=1), db_engine)
    with launch_api(queue=queue) as api, _admin_client(api) as admin, api.user() as member:
        answer = _send_message(member)
        (received,) = queue.receive(max_messages=1, wait_seconds=0)
        queue.change_visibility(received.receipt, 0)
        assert queue.receive(max_messages=1, wait_seconds=0) == []
        ref = JobRef(JobKind.chat, answer["id"], 1)
        assert jobs.fail_unclaimed(db_engine, ref, RETRIES_EXHAUSTED, "gave up after 1 receive")

        (letter,) = admin.get("/api/admin/dead-letters").json()
        assert letter["job_id"] == answer["id"] and letter["kind"] == "chat"
        assert letter["error_code"] == RETRIES_EXHAUSTED
        assert letter["error"] == "gave up after 1 receive"
        assert letter["action"] == "retry"

        redriven = admin.post("/api/admin/dead-letters/redrive", json={"confirm": True})
        assert redriven.json() == {"retried": 1, "moved": 1}
        assert admin.get("/api/admin/dead-letters").json() == []
    with Session(db_engine) as session:
        row = session.get(Message, answer["id"])
        assert row is not None and row.status == JobStatus.queued and row.attempt == 2


def _aira_admin(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AIRA_DATABASE_URL": database_url, "AIRA_ENV": "test"}
    return subprocess.run(
        [AIRA_ADMIN, *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_aira_admin_grants_and_revokes_the_console(api: Api, database_url: str) -> None:
    token = api.register("Lead@Example.com")
    with api.client(token) as lead:
        assert lead.get("/api/admin/overview").status_code == 404

        granted = _aira_admin(database_url, "grant", "lead@example.com")
        assert granted.returncode == 0, granted.stderr
        assert lead.get("/api/admin/overview").status_code == 200
        assert _aira_admin(database_url, "list").stdout.split() == ["lead@example.com"]

        revoked = _aira_admin(database_url, "revoke", "lead@example.com")
        assert revoked.returncode == 0, revoked.stderr
        assert lead.get("/api/admin/overview").status_code == 404

    unknown = _aira_admin(database_url, "grant", "nobody@example.com")
    assert unknown.returncode == 1
    assert "no user with email nobody@example.com" in unknown.stderr
