"""Dependencies, as `Annotated` aliases so route signatures read like prose."""

from collections.abc import Iterator
from typing import Annotated

from aira_core.models import User
from aira_core.queue.port import JobQueue
from aira_core.settings import Settings
from fastapi import Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import Engine
from sqlmodel import Session

from aira_api.login_limiter import LoginLimiter
from aira_api.security import user_id_from_token
from aira_api.state import AppState
from aira_api.streaming.poller import JobPoller

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/auth/token")


def get_state(request: Request) -> AppState:
    state: AppState = request.app.state.aira
    return state


StateDep = Annotated[AppState, Depends(get_state)]


def get_settings(state: StateDep) -> Settings:
    return state.settings


def get_engine(state: StateDep) -> Engine:
    return state.engine


def get_queue(state: StateDep) -> JobQueue:
    return state.queue


def get_poller(state: StateDep) -> JobPoller:
    return state.poller


def get_login_limiter(state: StateDep) -> LoginLimiter:
    return state.login_limiter


SettingsDep = Annotated[Settings, Depends(get_settings)]
EngineDep = Annotated[Engine, Depends(get_engine)]
QueueDep = Annotated[JobQueue, Depends(get_queue)]
PollerDep = Annotated[JobPoller, Depends(get_poller)]
LoginLimiterDep = Annotated[LoginLimiter, Depends(get_login_limiter)]


def get_session(engine: EngineDep) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session


# Closed as soon as the route returns, before the response is sent: a streaming response must not
# hold a pooled connection for the length of the stream.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
TokenDep = Annotated[str, Depends(oauth2_scheme)]

_invalid_credentials = HTTPException(
    status_code=status.HTTP_401_UNAUTHORIZED,
    detail="Could not validate credentials",
    headers={"WWW-Authenticate": "Bearer"},
)


def get_current_user(session: SessionDep, token: TokenDep, state: StateDep) -> User:
    user_id = user_id_from_token(token, state.jwt_secret)
    user = session.get(User, user_id) if user_id is not None else None
    if user is None:
        raise _invalid_credentials
    return user


CurrentUser = Annotated[User, Depends(get_current_user, scope="function")]
