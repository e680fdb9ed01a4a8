from aira_core.models import User

from aira_api.deps import INVALID_CREDENTIALS, CurrentUser, SessionDep
from aira_api.responses import errors
from aira_api.routing import api_router
from aira_api.schemas.users import UserPublic, UserUpdate

router = api_router(prefix="/api/users", tags=["users"], responses=errors(401, 413))


@router.get("/me", response_model=UserPublic)
def read_me(user: CurrentUser, session: SessionDep) -> User:
    return _fresh(session, user)


@router.patch("/me", response_model=UserPublic)
def update_me(body: UserUpdate, user: CurrentUser, session: SessionDep) -> User:
    """Change profile fields; `null` clears the child's name and age."""
    user = _fresh(session, user)
    for name, value in body.model_dump(exclude_unset=True).items():
        if value is None and name in ("display_name", "locale", "interests"):
            continue  # these always have a value; null leaves them as they are
        setattr(user, name, value)
    session.add(user)
    session.commit()
    return user


def _fresh(session: SessionDep, user: CurrentUser) -> User:
    """The profile as stored now (the signed-in user may be a few seconds old)."""
    fresh = session.get(User, user.id)
    if fresh is None:
        raise INVALID_CREDENTIALS
    return fresh
