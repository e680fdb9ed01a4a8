"""The operators' console: admins only; for everyone else these routes do not exist (404)."""

from datetime import timedelta
from typing import Annotated

from aira_core import jobs
from aira_core.dead_letters import Plan, plan_for, retry_jobs
from aira_core.models import User, utcnow
from aira_core.queue.port import QueueUnavailable
from fastapi import Depends, HTTPException, Query, status
from fastapi.security import OAuth2PasswordBearer

from aira_api.deps import EngineDep, QueueDep, SessionDep, StateDep
from aira_api.responses import ErrorDetail, errors
from aira_api.routing import api_router
from aira_api.schemas.admin import (
    ConsoleOverview,
    DeadLetterPublic,
    QueueDepth,
    RedriveRequest,
    RedriveResult,
)
from aira_api.security import user_id_from_token
from aira_api.services.console import failures_by_code, jobs_by_status

DEAD_LETTERS_PER_PAGE = 100
_optional_bearer = OAuth2PasswordBearer(tokenUrl="/api/auth/token", auto_error=False)


def require_admin(
    session: SessionDep,
    state: StateDep,
    token: Annotated[str | None, Depends(_optional_bearer)],
) -> User:
    """The signed-in admin; anyone else (signed in or not) is told the route does not exist."""
    user_id = user_id_from_token(token, state.jwt_secret) if token else None
    user = session.get(User, user_id) if user_id is not None else None
    if user is None or not user.is_admin:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="Not Found")
    return user


router = api_router(
    prefix="/api/admin",
    tags=["admin"],
    dependencies=[Depends(require_admin, scope="function")],
    responses={
        **errors(404, 413),
        503: {"model": ErrorDetail, "description": "The job queue is unreachable"},
    },
)


def _unavailable(error: QueueUnavailable) -> HTTPException:
    return HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, detail=f"Queue unavailable: {error}")


@router.get("/overview", response_model=ConsoleOverview)
def overview(
    session: SessionDep,
    engine: EngineDep,
    queue: QueueDep,
    failures_hours: Annotated[int, Query(ge=1, le=24 * 14)] = 24,
) -> ConsoleOverview:
    """Queue depth and oldest age, jobs by status over the last hour, failures by error code."""
    try:
        stats = queue.stats()
    except QueueUnavailable as error:
        raise _unavailable(error) from error
    # From the rows, before the session takes a connection: SQS reports its oldest message's
    # age only to CloudWatch.
    oldest = jobs.oldest_queued_age(engine)
    now = utcnow()
    return ConsoleOverview(
        queue=QueueDepth(
            visible=stats.visible,
            in_flight=stats.in_flight,
            dead_letters=stats.dead_letters,
            oldest_age_seconds=oldest,
        ),
        jobs_last_hour=jobs_by_status(session, now - timedelta(hours=1)),
        failures=failures_by_code(session, now - timedelta(hours=failures_hours)),
        failures_hours=failures_hours,
    )


def _public(plan: Plan) -> DeadLetterPublic:
    ref = plan.ref
    return DeadLetterPublic(
        message_id=plan.letter.message_id,
        receive_count=plan.letter.receive_count,
        kind=ref.kind if ref else None,
        job_id=ref.id if ref else None,
        attempt=ref.attempt if ref else None,
        status=plan.status,
        error_code=plan.error_code,
        error=plan.error,
        action=plan.action,  # type: ignore[arg-type]
    )


def _plans(engine: EngineDep, queue: QueueDep) -> list[Plan]:
    try:
        letters = queue.dead_letters(limit=DEAD_LETTERS_PER_PAGE)
    except QueueUnavailable as error:
        raise _unavailable(error) from error
    return [plan_for(engine, letter) for letter in letters]


@router.get("/dead-letters", response_model=list[DeadLetterPublic])
def dead_letters(engine: EngineDep, queue: QueueDep) -> list[DeadLetterPublic]:
    """Dead-lettered jobs (up to 100), each with its error and what a redrive would do."""
    return [_public(plan) for plan in _plans(engine, queue)]


@router.post("/dead-letters/redrive", response_model=RedriveResult)
def redrive(body: RedriveRequest, engine: EngineDep, queue: QueueDep) -> RedriveResult:
    """Retry the jobs whose receives ran out and move the listed messages back to the queue."""
    plans = _plans(engine, queue)
    if not plans:
        return RedriveResult(retried=0, moved=0)
    retried = retry_jobs(engine, queue, plans)
    try:
        moved = queue.redrive(limit=len(plans))
    except QueueUnavailable as error:
        raise _unavailable(error) from error
    return RedriveResult(retried=retried, moved=moved)
