"""Waiting on answers through the API, as a user's browser would."""

from typing import Any

from tests.integrity.api_client import ApiUser
from tests.support.jobs import wait_until

FINAL = ("done", "failed", "cancelled")


def answer_text(question: str, number: int = 1) -> str:
    """What the OpenAI-speaking test server answers to a first question."""
    return f"You said: {question}. This is answer number {number}."


def wait_streaming(user: ApiUser, message_id: int, timeout: float = 30) -> dict[str, Any]:
    def streaming() -> dict[str, Any] | None:
        message = user.message(message_id)
        return message if message["status"] == "running" and message["content"] else None

    return wait_until(streaming, timeout, f"answer {message_id} to stream")


def wait_settled(user: ApiUser, message_id: int, timeout: float = 60) -> dict[str, Any]:
    def settled() -> dict[str, Any] | None:
        message = user.message(message_id)
        return message if message["status"] in FINAL else None

    return wait_until(settled, timeout, f"answer {message_id} to settle")


def assert_answered_once(user: ApiUser, conversation_id: int, question: str) -> None:
    """One user message and one finished answer holding the text exactly once."""
    messages = user.conversation_messages(conversation_id)
    assert [(m["role"], m["status"]) for m in messages] == [("user", "done"), ("assistant", "done")]
    assert messages[1]["content"] == answer_text(question)
