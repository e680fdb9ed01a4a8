"""Password hashing (argon2) and access tokens (JWT, HS256, `sub` = user id)."""

import os
import threading
from datetime import UTC, datetime, timedelta

import jwt
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

ALGORITHM = "HS256"

# Argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): ~20 ms of one core per
# hash instead of ~160 ms with pwdlib's default (64 MiB, 3 passes, 4 lanes), which made logging
# in the costliest request by far. Older hashes keep verifying with their own parameters.
password_hash = PasswordHash((Argon2Hasher(time_cost=2, memory_cost=19456, parallelism=1),))
# At most one hash per core at a time: a burst of logins queues here instead of thrashing the
# CPU, and every other request with it.
_hashing = threading.BoundedSemaphore(os.cpu_count() or 1)
# Verified when the account does not exist, so a login costs the same either way and response
# times do not tell which emails are registered.
_DUMMY_HASH = password_hash.hash("not-a-real-password")


def hash_password(password: str) -> str:
    with _hashing:
        return password_hash.hash(password)


def verify_password(password: str, hashed: str | None) -> bool:
    with _hashing:
        if hashed is None:
            password_hash.verify(password, _DUMMY_HASH)
            return False
        return password_hash.verify(password, hashed)


def create_access_token(user_id: int, secret: str, ttl_seconds: int) -> str:
    now = datetime.now(UTC)
    claims = {"sub": str(user_id), "iat": now, "exp": now + timedelta(seconds=ttl_seconds)}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def user_id_from_token(token: str, secret: str) -> int | None:
    """The user id a valid token names; None for a forged, tampered, expired or malformed one.

    Only HS256 is accepted, so `alg: none` and algorithm-confusion tokens are rejected.
    """
    try:
        claims = jwt.decode(
            token, secret, algorithms=[ALGORITHM], options={"require": ["sub", "exp"]}
        )
        return int(claims["sub"])
    except (jwt.InvalidTokenError, ValueError):
        return None
