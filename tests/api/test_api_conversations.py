"""Conversations: create, list, read with history, rename, delete, and other users' are 404."""

from tests.api.support import Api


def test_conversation_lifecycle(api: Api) -> None:
    with api.user() as client:
        created = client.post("/api/conversations", json={"title": "Bedtime"})
        untitled = client.post("/api/conversations", json={})
        assert created.status_code == untitled.status_code == 201
        first, second = created.json(), untitled.json()
        listed = client.get("/api/conversations").json()
        renamed = client.patch(f"/api/conversations/{second['id']}", json={"title": "Dinosaurs"})
        deleted = client.delete(f"/api/conversations/{first['id']}")
        gone = client.get(f"/api/conversations/{first['id']}")
        remaining = client.get("/api/conversations").json()
    assert first["title"] == "Bedtime" and second["title"] == ""
    assert listed["count"] == 2
    assert [c["id"] for c in listed["data"]] == [second["id"], first["id"]]  # newest first
    assert renamed.status_code == 200 and renamed.json()["title"] == "Dinosaurs"
    assert deleted.status_code == 204
    assert gone.status_code == 404 and gone.json() == {"detail": "Conversation not found"}
    assert remaining == {"count": 1, "data": [renamed.json()]}


def test_history_comes_in_order_and_titles_untitled_conversations(api: Api) -> None:
    with api.user() as client:
        conversation = client.post("/api/conversations", json={}).json()
        path = f"/api/conversations/{conversation['id']}"
        for text in ("Tell me about whales", "And dolphins?", "Thanks!"):
            assert client.post(f"{path}/messages", json={"content": text}).status_code == 202
        history = client.get(path).json()
        listed = client.get("/api/conversations").json()["data"][0]
    roles = [m["role"] for m in history["messages"]]
    assert roles == ["user", "assistant"] * 3
    assert [m["content"] for m in history["messages"] if m["role"] == "user"] == [
        "Tell me about whales",
        "And dolphins?",
        "Thanks!",
    ]
    ids = [m["id"] for m in history["messages"]]
    assert ids == sorted(ids)
    assert history["title"] == listed["title"] == "Tell me about whales"


def test_other_users_conversations_are_not_found(api: Api) -> None:
    with api.user() as owner, api.user() as stranger:
        conversation = owner.post("/api/conversations", json={"title": "Mine"}).json()
        path = f"/api/conversations/{conversation['id']}"
        sent = owner.post(f"{path}/messages", json={"content": "hello"}).json()
        answer_id = sent["assistant_message"]["id"]
        attempts = [
            stranger.get(path),
            stranger.patch(path, json={"title": "Yours"}),
            stranger.delete(path),
            stranger.post(f"{path}/messages", json={"content": "hi"}),
            stranger.get(f"/api/messages/{answer_id}"),
            stranger.get(f"/api/messages/{answer_id}/events"),
            stranger.post(f"/api/messages/{answer_id}/stop"),
            stranger.post(f"/api/messages/{answer_id}/retry"),
        ]
        listed = stranger.get("/api/conversations").json()
        still_there = owner.get(path)
    assert [response.status_code for response in attempts] == [404] * len(attempts)
    assert listed == {"count": 0, "data": []}
    assert still_there.status_code == 200 and still_there.json()["title"] == "Mine"


def test_conversation_input_is_validated(api: Api) -> None:
    with api.user() as client:
        too_long = client.post("/api/conversations", json={"title": "x" * 201})
        not_an_id = client.get("/api/conversations/abc")
        bad_page = client.get("/api/conversations", params={"limit": 0})
        huge_id = client.get(f"/api/conversations/{10**21}")
        huge_offset = client.get("/api/conversations", params={"offset": 10**21})
    statuses = {r.status_code for r in (too_long, not_an_id, bad_page, huge_id, huge_offset)}
    assert statuses == {422}
