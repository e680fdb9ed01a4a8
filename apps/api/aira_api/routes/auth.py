from typing import Annotated

from aira_core.models import User
from fastapi import Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordRequestForm
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from aira_api.deps import LoginLimiterDep, SessionDep, StateDep
from aira_api.responses import errors
from aira_api.routing import api_router
from aira_api.schemas.auth import Token
from aira_api.schemas.users import UserCreate, UserPublic
from aira_api.security import create_access_token, hash_password, verify_password

router = api_router(prefix="/api/auth", tags=["auth"], responses=errors(413))

_email_taken = HTTPException(status.HTTP_409_CONFLICT, detail="Email is already registered")


@router.post(
    "/register",
    status_code=status.HTTP_201_CREATED,
    response_model=UserPublic,
    responses=errors(409),
)
def register(body: UserCreate, session: SessionDep) -> User:
    email = body.email.lower()
    # Hashed before the session holds a pooled connection: the hash takes a while.
    hashed = hash_password(body.password)
    if session.exec(select(User).where(User.email == email)).first() is not None:
        raise _email_taken
    user = User(email=email, password_hash=hashed, display_name=body.display_name)
    session.add(user)
    try:
        session.commit()
    except IntegrityError:  # registered concurrently
        raise _email_taken from None
    return user


@router.post("/token", response_model=Token, responses=errors(401, 429))
def login(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    request: Request,
    session: SessionDep,
    state: StateDep,
    limiter: LoginLimiterDep,
) -> Token:
    """OAuth2 password flow: `username` is the email address."""
    email = form.username.strip().lower()
    address = request.client.host if request.client else "unknown"
    wait = limiter.retry_after(email, address)
    if wait is not None:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            detail="Too many failed sign-in attempts; try again later",
            headers={"Retry-After": str(wait)},
        )
    user = session.exec(select(User).where(User.email == email)).first()
    session.close()  # the hash takes a while; the pooled connection is not needed meanwhile
    valid = verify_password(form.password, user.password_hash if user else None)
    if user is None or not valid:
        limiter.record_failure(email, address)
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="Incorrect email or password",
            headers={"WWW-Authenticate": "Bearer"},
        )
    limiter.record_success(email, address)
    assert user.id is not None
    ttl = state.settings.jwt_ttl_seconds
    return Token(access_token=create_access_token(user.id, state.jwt_secret, ttl), expires_in=ttl)
