from aira_core.models import Conversation, Message
from fastapi import Response, status
from sqlmodel import col, delete, func, select

from aira_api.deps import CurrentUser, SessionDep
from aira_api.responses import errors
from aira_api.routing import api_router
from aira_api.schemas.common import Id, Limit, Offset, Page
from aira_api.schemas.conversations import (
    ConversationCreate,
    ConversationPublic,
    ConversationUpdate,
    ConversationWithMessages,
)
from aira_api.schemas.messages import MessagePublic
from aira_api.services.ownership import owned_conversation

router = api_router(
    prefix="/api/conversations", tags=["conversations"], responses=errors(401, 404, 413)
)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ConversationPublic)
def create_conversation(
    body: ConversationCreate, user: CurrentUser, session: SessionDep
) -> Conversation:
    assert user.id is not None
    conversation = Conversation(user_id=user.id, title=body.title)
    session.add(conversation)
    session.commit()
    return conversation


@router.get("", response_model=Page[ConversationPublic])
def list_conversations(
    user: CurrentUser,
    session: SessionDep,
    offset: Offset = 0,
    limit: Limit = 50,
) -> Page[ConversationPublic]:
    """The user's conversations, most recently active first."""
    mine = Conversation.user_id == user.id
    count = session.exec(select(func.count()).select_from(Conversation).where(mine)).one()
    rows = session.exec(
        select(Conversation)
        .where(mine)
        .order_by(col(Conversation.updated_at).desc(), col(Conversation.id).desc())
        .offset(offset)
        .limit(limit)
    ).all()
    return Page(data=[ConversationPublic.model_validate(row) for row in rows], count=count)


@router.get("/{conversation_id}", response_model=ConversationWithMessages)
def read_conversation(
    conversation_id: Id, user: CurrentUser, session: SessionDep
) -> ConversationWithMessages:
    """The conversation with all its messages, oldest first."""
    conversation = owned_conversation(session, user, conversation_id)
    messages = session.exec(
        select(Message).where(Message.conversation_id == conversation.id).order_by(col(Message.id))
    ).all()
    return ConversationWithMessages(
        **ConversationPublic.model_validate(conversation).model_dump(),
        messages=[MessagePublic.of(message) for message in messages],
    )


@router.patch("/{conversation_id}", response_model=ConversationPublic)
def update_conversation(
    conversation_id: Id, body: ConversationUpdate, user: CurrentUser, session: SessionDep
) -> Conversation:
    conversation = owned_conversation(session, user, conversation_id)
    conversation.title = body.title
    session.add(conversation)
    session.commit()
    return conversation


@router.delete("/{conversation_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_conversation(conversation_id: Id, user: CurrentUser, session: SessionDep) -> Response:
    """Deletes the conversation and its messages; answers still generating are dropped."""
    conversation = owned_conversation(session, user, conversation_id)
    session.exec(delete(Message).where(col(Message.conversation_id) == conversation.id))
    session.delete(conversation)
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)
