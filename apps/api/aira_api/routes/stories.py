from typing import Annotated

from aira_core import jobs
from aira_core.models import JobKind, Story
from fastapi import Header, Response, status
from sqlmodel import col, func, select
from sse_starlette import EventSourceResponse

from aira_api.deps import CurrentUser, EngineDep, PollerDep, QueueDep, SessionDep
from aira_api.responses import errors
from aira_api.routing import api_router
from aira_api.schemas.common import Id, Limit, Offset, Page
from aira_api.schemas.stories import StoryCreate, StoryPublic
from aira_api.services import job_control
from aira_api.services.ownership import owned_story
from aira_api.streaming.response import job_event_response
from aira_api.streaming.snapshot import JobRow

router = api_router(prefix="/api/stories", tags=["stories"], responses=errors(401, 404, 413))


@router.post("", status_code=status.HTTP_202_ACCEPTED, response_model=StoryPublic)
def create_story(
    body: StoryCreate, user: CurrentUser, session: SessionDep, engine: EngineDep, queue: QueueDep
) -> StoryPublic:
    """Queue a fairy tale; follow it with its `events` stream or poll it."""
    assert user.id is not None
    story = Story(user_id=user.id, **body.model_dump())
    session.add(story)
    session.commit()
    jobs.publish(engine, queue, story)
    return StoryPublic.of(story)


@router.get("", response_model=Page[StoryPublic])
def list_stories(
    user: CurrentUser,
    session: SessionDep,
    offset: Offset = 0,
    limit: Limit = 50,
) -> Page[StoryPublic]:
    """The user's stories, newest first."""
    mine = Story.user_id == user.id
    count = session.exec(select(func.count()).select_from(Story).where(mine)).one()
    rows = session.exec(
        select(Story).where(mine).order_by(col(Story.id).desc()).offset(offset).limit(limit)
    ).all()
    return Page(data=[StoryPublic.of(row) for row in rows], count=count)


@router.get("/{story_id}", response_model=StoryPublic)
def read_story(story_id: Id, user: CurrentUser, session: SessionDep) -> StoryPublic:
    return StoryPublic.of(owned_story(session, user, story_id))


@router.get(
    "/{story_id}/events",
    response_class=EventSourceResponse,
    responses={200: {"content": {"text/event-stream": {}}}},
)
def stream_story(
    story_id: Id,
    user: CurrentUser,
    session: SessionDep,
    poller: PollerDep,
    last_event_id: Annotated[str | None, Header(alias="Last-Event-ID")] = None,
) -> EventSourceResponse:
    """Server-Sent Events like a message's: `delta`, `reset`, then `done` (with `title` and
    `pages`), `failed` or `cancelled`."""
    story = owned_story(session, user, story_id)
    return job_event_response(poller, JobKind.story, story, last_event_id, _story_payload)


@router.post("/{story_id}/stop", response_model=StoryPublic, responses=errors(409))
def stop_story(
    story_id: Id, user: CurrentUser, session: SessionDep, engine: EngineDep
) -> StoryPublic:
    story = owned_story(session, user, story_id)
    return StoryPublic.of(_as_story(job_control.stop(session, engine, JobKind.story, story)))


@router.post(
    "/{story_id}/retry",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=StoryPublic,
    responses=errors(409),
)
def retry_story(
    story_id: Id, user: CurrentUser, session: SessionDep, engine: EngineDep, queue: QueueDep
) -> StoryPublic:
    story = owned_story(session, user, story_id)
    retried = job_control.retry(session, engine, queue, JobKind.story, story)
    return StoryPublic.of(_as_story(retried))


@router.delete("/{story_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_story(story_id: Id, user: CurrentUser, session: SessionDep) -> Response:
    session.delete(owned_story(session, user, story_id))
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _as_story(row: JobRow) -> Story:
    assert isinstance(row, Story)
    return row


def _story_payload(row: JobRow) -> dict[str, object]:
    return StoryPublic.of(_as_story(row)).model_dump(mode="json")
