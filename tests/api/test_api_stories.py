"""Fairy tales: queued as jobs, validated, listed, read with title and pages, streamed."""

from typing import Any

from aira_core import jobs
from aira_core.jobs import JobRef
from aira_core.models import JobKind
from aira_core.queue.port import JobQueue

from tests.api.support import Api, read_events, text_of

STORY = {
    "child_name": "하늘",
    "age": 5,
    "theme": "바다 속 모험",
    "moral": "친구를 돕자",
    "length": "short",
    "language": "ko",
}


def _finish(api: Api, story: dict[str, Any], pages: list[str]) -> None:
    claim = jobs.claim(api.engine, JobRef(JobKind.story, story["id"], story["attempt"]), 60)
    assert claim is not None
    jobs.save_progress(api.engine, claim, pages[0])
    jobs.complete(api.engine, claim, "\n\n".join(pages), title="하늘의 바다 모험", pages=pages)


def test_story_is_queued_then_read_with_title_and_pages(api: Api, api_queue: JobQueue) -> None:
    pages = [
        "하늘이는 바다를 좋아했어요.",
        "어느 날 작은 거북이를 만났어요.",
        "둘은 친구가 되었어요.",
    ]
    with api.user() as client:
        created = client.post("/api/stories", json=STORY)
        story = created.json()
        queued = [JobRef.parse(m.body) for m in api_queue.receive(max_messages=10, wait_seconds=0)]
        _finish(api, story, pages)
        read = client.get(f"/api/stories/{story['id']}").json()
        listed = client.get("/api/stories").json()
        events = read_events(client, f"/api/stories/{story['id']}/events")
    assert created.status_code == 202
    assert (story["status"], story["title"], story["pages"]) == ("queued", "", [])
    assert queued == [JobRef(JobKind.story, story["id"], 1)]
    assert (read["status"], read["title"], read["pages"]) == ("done", "하늘의 바다 모험", pages)
    assert listed["count"] == 1 and listed["data"][0] == read
    assert [e.event for e in events] == ["delta", "done"]
    assert text_of(events) == "\n\n".join(pages)
    assert events[-1].json()["pages"] == pages


def test_story_requests_are_validated(api: Api) -> None:
    invalid = [
        STORY | {"age": 1},
        STORY | {"age": 13},
        STORY | {"language": "fr"},
        STORY | {"length": "epic"},
        STORY | {"child_name": " "},
        {key: value for key, value in STORY.items() if key != "theme"},
    ]
    with api.user() as client:
        statuses = [client.post("/api/stories", json=body).status_code for body in invalid]
        listed = client.get("/api/stories").json()
    assert statuses == [422] * len(invalid)
    assert listed["count"] == 0


def test_stories_belong_to_their_author(api: Api) -> None:
    with api.user() as author, api.user() as stranger:
        story = author.post("/api/stories", json=STORY).json()
        path = f"/api/stories/{story['id']}"
        attempts = [
            stranger.get(path),
            stranger.get(f"{path}/events"),
            stranger.post(f"{path}/stop"),
            stranger.post(f"{path}/retry"),
            stranger.delete(path),
        ]
        listed = stranger.get("/api/stories").json()
        stopped = author.post(f"{path}/stop")
        retried = author.post(f"{path}/retry")
        deleted = author.delete(path)
        gone = author.get(path)
    assert [r.status_code for r in attempts] == [404] * len(attempts)
    assert listed["count"] == 0
    assert stopped.json()["status"] == "cancelled"
    assert retried.status_code == 202 and retried.json()["attempt"] == 2
    assert deleted.status_code == 204 and gone.status_code == 404
