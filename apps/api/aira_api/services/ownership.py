"""Loads a resource only for its owner. Other users' resources answer 404, exactly like missing
ones, so ids reveal nothing about who else uses the service."""

from aira_core.models import Conversation, Message, Story, User
from fastapi import HTTPException, status
from sqlmodel import Session, col, select


def not_found(what: str) -> HTTPException:
    return HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail=f"{what} not found")


def owned_conversation(session: Session, user: User, conversation_id: int) -> Conversation:
    conversation = session.get(Conversation, conversation_id)
    if conversation is None or conversation.user_id != user.id:
        raise not_found("Conversation")
    return conversation


def owned_message(session: Session, user: User, message_id: int) -> Message:
    stmt = (
        select(Message)
        .join(Conversation, col(Conversation.id) == col(Message.conversation_id))
        .where(Message.id == message_id, Conversation.user_id == user.id)
    )
    message = session.exec(stmt).first()
    if message is None:
        raise not_found("Message")
    return message


def owned_story(session: Session, user: User, story_id: int) -> Story:
    story = session.get(Story, story_id)
    if story is None or story.user_id != user.id:
        raise not_found("Story")
    return story
