"""Without OPENAI_API_KEY and OPENAI_BASE_URL the worker answers with the offline responder: the
product works, and the answer says plainly it is offline, in the user's language."""

import pytest
from aira_core.models import JobKind, JobStatus, Story
from aira_core.queue.port import JobQueue
from sqlalchemy import Engine

from tests.support.jobs import ask, create_conversation, create_user, request_story, wait_final
from tests.worker.conftest import RunWorker


@pytest.mark.parametrize(
    ("locale", "phrase"), [("en", "Aira is running offline"), ("ko", "오프라인 모드")]
)
def test_chat_answers_say_they_are_offline(
    db_engine: Engine, queue: JobQueue, run_worker: RunWorker, locale: str, phrase: str
) -> None:
    conversation = create_conversation(db_engine, create_user(db_engine, locale=locale))
    answer = ask(db_engine, queue, conversation, "안녕 hello")
    with run_worker():
        done = wait_final(db_engine, JobKind.chat, answer.id or 0)
    assert done.status == JobStatus.done
    assert phrase in done.content
    assert "안녕 hello" in done.content


def test_stories_are_short_placeholders_that_say_so(
    db_engine: Engine, queue: JobQueue, run_worker: RunWorker
) -> None:
    story = request_story(db_engine, queue, create_user(db_engine), language="ko", theme="용")
    with run_worker():
        done = wait_final(db_engine, JobKind.story, story.id or 0)
    assert isinstance(done, Story)
    assert done.status == JobStatus.done
    assert done.title == "Mina의 용 이야기 (오프라인)"
    assert len(done.pages) == 2
    assert "오프라인 모드" in done.pages[0]
