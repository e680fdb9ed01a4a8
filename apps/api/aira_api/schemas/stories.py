from typing import Annotated, Literal

from aira_core.models import JobStatus, Story
from pydantic import BaseModel, Field, StringConstraints

from aira_api.schemas.common import UtcDatetime
from aira_api.streaming.snapshot import visible_text

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Theme = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Moral = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]


class StoryCreate(BaseModel):
    child_name: Name
    age: int = Field(ge=2, le=12)
    theme: Theme
    moral: Moral | None = None
    length: Literal["short", "medium", "long"] = "medium"
    language: Literal["ko", "en"] = "ko"


class StoryPublic(BaseModel):
    id: int
    child_name: str
    age: int
    theme: str
    moral: str | None
    length: str
    language: str
    status: JobStatus
    attempt: int
    title: str
    pages: list[str]
    content: str = Field(description="The text generated so far (streams while running)")
    error_code: str | None
    error: str | None
    created_at: UtcDatetime
    updated_at: UtcDatetime

    @classmethod
    def of(cls, row: Story) -> "StoryPublic":
        assert row.id is not None
        return cls(
            id=row.id,
            child_name=row.child_name,
            age=row.age,
            theme=row.theme,
            moral=row.moral,
            length=row.length,
            language=row.language,
            status=row.status,
            attempt=row.attempt,
            title=row.title,
            pages=row.pages,
            content=visible_text(row.status, row.content),
            error_code=row.error_code,
            error=row.error,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )
