"""The worker answers chat messages and writes stories through the real queue, database and an
OpenAI-speaking server over HTTP."""

from aira_core.models import JobKind, JobStatus, Story
from aira_core.queue.port import JobQueue
from sqlalchemy import Engine

from tests.support.jobs import (
    ask,
    conversation_messages,
    create_conversation,
    create_user,
    load,
    request_story,
    wait_final,
    wait_until,
)
from tests.support.openai_server import RunningServer
from tests.worker.conftest import RunWorker, all_stacks


@all_stacks
def test_streams_the_answer_into_the_row_then_finishes(
    db_engine: Engine, queue: JobQueue, use_llm: RunningServer, run_worker: RunWorker
) -> None:
    use_llm.control.set_latency(1.5)
    conversation = create_conversation(db_engine, create_user(db_engine))
    answer = ask(db_engine, queue, conversation, "hello there")
    assert answer.id is not None
    with run_worker():
        partial = wait_until(
            lambda: (
                (row := load(db_engine, JobKind.chat, answer.id)).status == JobStatus.running
                and row.content
                and row
            ),
            10,
            "partial text while the answer streams",
        )
        done = wait_final(db_engine, JobKind.chat, answer.id)
    expected = "You said: hello there. This is answer number 1."
    assert done.status == JobStatus.done
    assert done.content == expected
    assert expected.startswith(partial.content) and partial.content != expected
    assert done.lease_token is None or done.lease_until is None
    stats = queue.stats()
    assert (stats.visible, stats.in_flight, stats.dead_letters) == (0, 0, 0)


@all_stacks
def test_the_answer_uses_the_conversation_history_in_the_users_language(
    db_engine: Engine, queue: JobQueue, use_llm: RunningServer, run_worker: RunWorker
) -> None:
    conversation = create_conversation(db_engine, create_user(db_engine, locale="ko"))
    with run_worker():
        first = ask(db_engine, queue, conversation, "내 이름은 민수야")
        wait_final(db_engine, JobKind.chat, first.id or 0)
        second = ask(db_engine, queue, conversation, "내 이름이 뭐였지?")
        done = wait_final(db_engine, JobKind.chat, second.id or 0)
    assert done.content == (
        "You said: 내 이름이 뭐였지?. Earlier you said: 내 이름은 민수야. This is answer number 2."
    )
    sent = use_llm.control.stats()["recent"][-1]["messages"]
    assert [m["role"] for m in sent] == ["system", "user", "assistant", "user"]
    assert "한국어" in sent[0]["content"]
    assert sent[2]["content"].startswith("You said: 내 이름은 민수야.")
    roles = [m.role for m in conversation_messages(db_engine, conversation)]
    assert roles == ["user", "assistant", "user", "assistant"]


def test_a_story_gets_a_title_and_pages(
    db_engine: Engine, queue: JobQueue, use_llm: RunningServer, run_worker: RunWorker
) -> None:
    story = request_story(db_engine, queue, create_user(db_engine), theme="a shy moon")
    with run_worker():
        done = wait_final(db_engine, JobKind.story, story.id or 0)
    assert isinstance(done, Story)
    assert done.status == JobStatus.done
    assert done.title == "The Echo Story"
    assert len(done.pages) == 3
    assert "a shy moon" in done.pages[0]
    assert done.content.startswith("Title: The Echo Story")
