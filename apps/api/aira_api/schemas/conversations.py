from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

from aira_api.schemas.common import UtcDatetime
from aira_api.schemas.messages import MessagePublic

Title = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]


class ConversationCreate(BaseModel):
    title: Title = ""


class ConversationUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Title


class ConversationPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    created_at: UtcDatetime
    updated_at: UtcDatetime


class ConversationWithMessages(ConversationPublic):
    messages: list[MessagePublic]
