"""The OpenAI-speaking test server as the official SDK sees it, in a thread and as a process."""

import openai
import pytest
from openai.types.chat import ChatCompletionMessageParam

from tests.support.fixtures import openai_server, openai_server_process
from tests.support.openai_server import RunningServer

__all__ = ["openai_server", "openai_server_process"]

CONVERSATION: list[ChatCompletionMessageParam] = [
    {"role": "user", "content": "hello"},
    {"role": "assistant", "content": "hi"},
    {"role": "user", "content": "안녕"},
]


def _client(server: RunningServer) -> openai.OpenAI:
    return openai.OpenAI(
        api_key="sk-test",
        base_url=server.base_url,
        max_retries=0,
        timeout=openai.Timeout(5, read=1),
    )


@pytest.mark.parametrize("fixture", ["openai_server", "openai_server_process"])
def test_streams_an_answer_that_quotes_the_conversation(
    fixture: str, request: pytest.FixtureRequest
) -> None:
    server: RunningServer = request.getfixturevalue(fixture)
    stream = _client(server).chat.completions.create(
        model="m", messages=CONVERSATION, stream=True, stream_options={"include_usage": True}
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "You said: 안녕. Earlier you said: hello. This is answer number 2."
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens == 12
    assert server.control.counter("completions") == 1


def test_a_note_ends_every_answer_until_removed(openai_server: RunningServer) -> None:
    client = _client(openai_server)
    plain = "You said: 안녕. Earlier you said: hello. This is answer number 2."
    assert openai_server.control.set_note("Put another way.")["note"] == "Put another way."
    noted = client.chat.completions.create(model="m", messages=CONVERSATION)
    openai_server.control.set_note("")
    removed = client.chat.completions.create(model="m", messages=CONVERSATION)
    assert noted.choices[0].message.content == f"{plain} Put another way."
    assert removed.choices[0].message.content == plain


def test_faults_are_served_in_order_then_answers_resume(openai_server: RunningServer) -> None:
    client = _client(openai_server)
    openai_server.control.inject("rate_limit", count=1, retry_after=3)
    openai_server.control.inject("insufficient_quota", count=1)
    with pytest.raises(openai.RateLimitError) as limited:
        client.chat.completions.create(model="m", messages=CONVERSATION)
    assert limited.value.response.headers["retry-after"] == "3"
    with pytest.raises(openai.RateLimitError) as quota:
        client.chat.completions.create(model="m", messages=CONVERSATION)
    assert quota.value.code == "insufficient_quota"
    answer = client.chat.completions.create(model="m", messages=CONVERSATION)
    assert answer.choices[0].message.content is not None


def test_a_stall_hangs_until_the_client_times_out(openai_server: RunningServer) -> None:
    openai_server.control.inject("stall", count=1)
    stream = _client(openai_server).chat.completions.create(
        model="m", messages=CONVERSATION, stream=True
    )
    with pytest.raises(openai.APITimeoutError):
        list(stream)
    assert openai_server.control.counter("stalls") == 1


def test_always_fail_lasts_until_reset(openai_server: RunningServer) -> None:
    client = _client(openai_server)
    openai_server.control.always_fail("server_error")
    for _ in range(3):
        with pytest.raises(openai.InternalServerError):
            client.chat.completions.create(model="m", messages=CONVERSATION)
    openai_server.control.reset()
    assert client.chat.completions.create(model="m", messages=CONVERSATION).choices
