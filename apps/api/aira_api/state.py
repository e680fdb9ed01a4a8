"""What one API process holds for its lifetime, created by the app factory and its lifespan."""

from dataclasses import dataclass, field

import anyio
from aira_core.queue.port import JobQueue
from aira_core.settings import Settings
from sqlalchemy import Engine

from aira_api.login_limiter import LoginLimiter
from aira_api.recent_users import RecentUsers
from aira_api.streaming.poller import JobPoller


@dataclass
class AppState:
    settings: Settings
    jwt_secret: str
    engine: Engine
    queue: JobQueue
    poller: JobPoller
    login_limiter: LoginLimiter
    owns_engine: bool  # created by the app factory, so closed with the app
    # Threads that only hand connections back to the pool, apart from the route threads.
    session_closers: anyio.CapacityLimiter = field(default_factory=lambda: anyio.CapacityLimiter(8))
    recent_users: RecentUsers = field(default_factory=RecentUsers)
