"""What a job needs from the database before generating: the conversation so far, or the story
request, plus the user's language. Read once per claim, in one short transaction."""

from dataclasses import dataclass
from datetime import datetime

from aira_core.db import session_scope
from aira_core.jobs import JobRef
from aira_core.models import Conversation, JobKind, JobStatus, Message, Story, User
from sqlalchemy import Engine
from sqlmodel import col, select

# The oldest turns are dropped first when a conversation grows beyond these.
HISTORY_MAX_MESSAGES = 40
HISTORY_MAX_CHARS = 24_000
# Answers the user saw (finished, or stopped with their partial text) are part of the history.
SHOWN_STATUSES = (JobStatus.done, JobStatus.cancelled)


@dataclass(frozen=True)
class Turn:
    role: str  # "user" | "assistant"
    content: str


@dataclass(frozen=True)
class Profile:
    locale: str
    display_name: str
    child_name: str | None
    child_age: int | None
    interests: tuple[str, ...]


@dataclass(frozen=True)
class ChatInput:
    profile: Profile
    history: tuple[Turn, ...]  # oldest first, ending with the message to answer
    enqueued_at: datetime | None


@dataclass(frozen=True)
class StoryInput:
    child_name: str
    age: int
    theme: str
    moral: str | None
    length: str
    language: str
    enqueued_at: datetime | None


JobInput = ChatInput | StoryInput


def load_input(engine: Engine, ref: JobRef) -> JobInput | None:
    """The job's input, or None when its row is gone (the conversation or story was deleted)."""
    with session_scope(engine) as session:
        if ref.kind is JobKind.story:
            story = session.get(Story, ref.id)
            return None if story is None else _story_input(story)
        found = session.exec(
            select(Message, User)
            .join(Conversation, col(Conversation.id) == Message.conversation_id)
            .join(User, col(User.id) == Conversation.user_id)
            .where(Message.id == ref.id)
        ).first()
        if found is None:
            return None
        answer, user = found
        earlier = session.exec(
            select(Message)
            .where(Message.conversation_id == answer.conversation_id, col(Message.id) < ref.id)
            .order_by(col(Message.id).desc())
            .limit(HISTORY_MAX_MESSAGES * 2)
        ).all()
        history = _history(reversed(earlier))
        return ChatInput(_profile(user), history, answer.enqueued_at)


def _history(messages: "reversed[Message]") -> tuple[Turn, ...]:
    turns = [
        Turn(m.role, m.content)
        for m in messages
        if m.content.strip() and (m.role == "user" or m.status in SHOWN_STATUSES)
    ]
    turns = turns[-HISTORY_MAX_MESSAGES:]
    while len(turns) > 1 and sum(len(t.content) for t in turns) > HISTORY_MAX_CHARS:
        turns.pop(0)
    return tuple(turns)


def _profile(user: User) -> Profile:
    return Profile(
        locale=user.locale,
        display_name=user.display_name,
        child_name=user.child_name,
        child_age=user.child_age,
        interests=tuple(user.interests or ()),
    )


def _story_input(story: Story) -> StoryInput:
    return StoryInput(
        child_name=story.child_name,
        age=story.age,
        theme=story.theme,
        moral=story.moral,
        length=story.length,
        language=story.language,
        enqueued_at=story.enqueued_at,
    )
