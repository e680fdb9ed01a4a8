"""Accounts read in the last few seconds, per API process.

A user's requests come in bursts (send, stream, history), and a valid token already says who
asks: the read only checks that the account still exists. Remembering it for a few seconds saves
a pooled connection and a query on most requests. Routes that show or change the profile read
it afresh.
"""

import threading

from aira_core.models import User
from cachetools import TTLCache

TTL_SECONDS = 5.0
MAX_USERS = 10_000


class RecentUsers:
    def __init__(self, ttl_seconds: float = TTL_SECONDS) -> None:
        self._users: TTLCache[int, User] = TTLCache(maxsize=MAX_USERS, ttl=ttl_seconds)
        self._lock = threading.Lock()  # route threads share it

    def get(self, user_id: int) -> User | None:
        with self._lock:
            return self._users.get(user_id)

    def remember(self, user: User) -> None:
        assert user.id is not None
        with self._lock:
            self._users[user.id] = user
