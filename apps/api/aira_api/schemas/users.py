from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints

from aira_api.schemas.common import UtcDatetime

Locale = Literal["ko", "en"]
DisplayName = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]
ChildName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Interest = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
Password = Annotated[str, Field(min_length=8, max_length=128)]


class UserCreate(BaseModel):
    email: EmailStr
    password: Password
    display_name: DisplayName = ""


class UserUpdate(BaseModel):
    """Profile fields a user may change; fields left out stay as they are."""

    model_config = ConfigDict(extra="forbid")

    display_name: DisplayName | None = None
    locale: Locale | None = None
    child_name: ChildName | None = None
    child_age: int | None = Field(default=None, ge=0, le=18)
    interests: list[Interest] | None = Field(default=None, max_length=20)


class UserPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    display_name: str
    locale: str
    child_name: str | None
    child_age: int | None
    interests: list[str]
    is_admin: bool = Field(description="Sees the operators' console (made with `aira-admin`)")
    created_at: UtcDatetime
