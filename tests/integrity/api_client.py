"""A user of the API over HTTP: register, chat, read and retry answers."""

import uuid
from dataclasses import dataclass
from typing import Any

import httpx

PASSWORD = "integrity-password"


@dataclass
class ApiUser:
    base_url: str
    token: str

    @classmethod
    def register(cls, base_url: str) -> "ApiUser":
        email = f"user-{uuid.uuid4().hex[:10]}@example.com"
        with httpx.Client(base_url=base_url, timeout=30) as client:
            created = client.post("/api/auth/register", json={"email": email, "password": PASSWORD})
            assert created.status_code == 201, created.text
            token = client.post("/api/auth/token", data={"username": email, "password": PASSWORD})
            assert token.status_code == 200, token.text
        return cls(base_url, token.json()["access_token"])

    def _client(self) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.token}"}
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=30)

    def _call(self, method: str, path: str, expected: int, **kwargs: Any) -> Any:
        with self._client() as client:
            response = client.request(method, path, **kwargs)
        assert response.status_code == expected, f"{method} {path}: {response.text}"
        return response.json()

    def new_conversation(self) -> int:
        return int(self._call("POST", "/api/conversations", 201, json={"title": "test"})["id"])

    def send(self, conversation_id: int, content: str) -> int:
        """Send a message; returns the id of its (queued) answer."""
        pair = self._call(
            "POST", f"/api/conversations/{conversation_id}/messages", 202, json={"content": content}
        )
        assert pair["assistant_message"]["status"] == "queued"
        return int(pair["assistant_message"]["id"])

    def message(self, message_id: int) -> dict[str, Any]:
        return dict(self._call("GET", f"/api/messages/{message_id}", 200))

    def retry(self, message_id: int) -> dict[str, Any]:
        return dict(self._call("POST", f"/api/messages/{message_id}/retry", 202))

    def conversation_messages(self, conversation_id: int) -> list[dict[str, Any]]:
        return list(self._call("GET", f"/api/conversations/{conversation_id}", 200)["messages"])
