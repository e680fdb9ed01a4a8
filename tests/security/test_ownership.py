"""Everything a user owns is invisible to every other user: 404, never 403 (which would confirm
that the id exists), and nothing changes."""

import httpx
import pytest

from tests.security.conftest import Account

STORY = {"child_name": "Mina", "age": 5, "theme": "stars", "length": "short", "language": "en"}


@pytest.fixture(scope="module")
def alices_things(api: httpx.Client, alice: Account) -> dict[str, int]:
    conversation = api.post("/api/conversations", json={"title": "mine"}, headers=alice.headers)
    assert conversation.status_code == 201, conversation.text
    conversation_id = conversation.json()["id"]
    sent = api.post(
        f"/api/conversations/{conversation_id}/messages",
        json={"content": "hello"},
        headers=alice.headers,
    )
    assert sent.status_code == 202, sent.text
    story = api.post("/api/stories", json=STORY, headers=alice.headers)
    assert story.status_code == 202, story.text
    return {
        "conversation": conversation_id,
        "user_message": sent.json()["user_message"]["id"],
        "answer": sent.json()["assistant_message"]["id"],
        "story": story.json()["id"],
    }


def other_users_requests(things: dict[str, int]) -> list[tuple[str, str, dict[str, object]]]:
    conversation, answer, story = things["conversation"], things["answer"], things["story"]
    return [
        ("GET", f"/api/conversations/{conversation}", {}),
        ("PATCH", f"/api/conversations/{conversation}", {"json": {"title": "stolen"}}),
        ("POST", f"/api/conversations/{conversation}/messages", {"json": {"content": "hi"}}),
        ("DELETE", f"/api/conversations/{conversation}", {}),
        ("GET", f"/api/messages/{answer}", {}),
        ("GET", f"/api/messages/{things['user_message']}", {}),
        ("GET", f"/api/messages/{answer}/events", {}),
        ("POST", f"/api/messages/{answer}/stop", {}),
        ("POST", f"/api/messages/{answer}/retry", {}),
        ("GET", f"/api/stories/{story}", {}),
        ("GET", f"/api/stories/{story}/events", {}),
    ]


def test_every_resource_of_alice_is_404_for_bob(
    api: httpx.Client, alice: Account, bob: Account, alices_things: dict[str, int]
) -> None:
    for method, path, extra in other_users_requests(alices_things):
        response = api.request(method, path, headers=bob.headers, **extra)  # type: ignore[arg-type]
        assert response.status_code == 404, f"{method} {path}: {response.status_code}"


def test_lists_show_only_own_resources(
    api: httpx.Client, alice: Account, bob: Account, alices_things: dict[str, int]
) -> None:
    conversations = api.get("/api/conversations", headers=bob.headers).json()
    stories = api.get("/api/stories", headers=bob.headers).json()
    assert alices_things["conversation"] not in _ids(conversations)
    assert alices_things["story"] not in _ids(stories)


def test_alices_resources_are_untouched(
    api: httpx.Client, alice: Account, bob: Account, alices_things: dict[str, int]
) -> None:
    for method, path, extra in other_users_requests(alices_things):
        api.request(method, path, headers=bob.headers, **extra)  # type: ignore[arg-type]
    conversation = api.get(
        f"/api/conversations/{alices_things['conversation']}", headers=alice.headers
    )
    assert conversation.status_code == 200
    assert conversation.json()["title"] == "mine"
    assert [m["content"] for m in conversation.json()["messages"] if m["role"] == "user"] == [
        "hello"
    ]


def _ids(listing: dict[str, list[dict[str, int]]]) -> set[int]:
    return {item["id"] for item in listing["data"]}
