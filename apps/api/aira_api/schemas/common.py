from datetime import UTC, datetime
from typing import Annotated, Generic, TypeVar

from fastapi import Path, Query
from pydantic import AfterValidator, BaseModel

T = TypeVar("T")


def _as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


# Ids and paging bounds: larger numbers cannot name a row and would overflow database integers.
MAX_ID = 2**63 - 1  # the largest BIGINT
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
Offset = Annotated[int, Query(ge=0, le=MAX_ID)]
Limit = Annotated[int, Query(ge=1, le=200)]

# The database stores naive UTC; responses say so explicitly ("...Z") so browsers do not read
# the times as local.
UtcDatetime = Annotated[datetime, AfterValidator(_as_utc)]


class Page(BaseModel, Generic[T]):
    """One page of a list, newest first, with the total count for paging."""

    data: list[T]
    count: int
