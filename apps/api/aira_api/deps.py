"""Dependencies, as `Annotated` aliases so route signatures read like prose."""

from collections.abc import AsyncIterator
from typing import Annotated

import anyio.to_thread
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


async def get_session(state: StateDep) -> AsyncIterator[Session]:
    session = Session(state.engine, expire_on_commit=False)
    try:
        yield session
    finally:
        if session.in_transaction():
            # Hands the connection back on threads of its own: waiting for a route thread while
            # holding a connection deadlocks under load (those threads wait for connections).
            await anyio.to_thread.run_sync(session.close, limiter=state.session_closers)
        else:
            session.close()


# Closed as soon as the route returns, before the response is sent: a streaming response must not
# hold a pooled connection for the length of the stream.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
TokenDep = Annotated[str, Depends(oauth2_scheme)]

INVALID_CREDENTIALS = HTTPException(
    status_code=status.HTTP_401_UNAUTHORIZED,
    detail="Could not validate credentials",
    headers={"WWW-Authenticate": "Bearer"},
)


def get_current_user(token: TokenDep, state: StateDep) -> User:
    """The token's user, as read in the last few seconds (recent_users.py) or now, on a
    connection of its own that is back in the pool before the route runs. Shared between
    requests: read-only, never attached to a session."""
    user_id = user_id_from_token(token, state.jwt_secret)
    if user_id is None:
        raise INVALID_CREDENTIALS
    user = state.recent_users.get(user_id)
    if user is None:
        with Session(state.engine, expire_on_commit=False) as session:
            user = session.get(User, user_id)
        if user is None:
            raise INVALID_CREDENTIALS
        state.recent_users.remember(user)
    return user


CurrentUser = Annotated[User, Depends(get_current_user, scope="function")]
