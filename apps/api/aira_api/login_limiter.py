"""Throttles password guessing: failed logins are counted per account and client address in a
moving window, so an attacker is slowed down while the real user, from another address or once
the window has moved on, is never locked out for good."""

import math
import time

from limits import RateLimitItem, RateLimitItemPerMinute, RateLimitItemPerSecond
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

# Per account and address: a few typos are fine, a guessing run is not.
ACCOUNT_FAILURES = RateLimitItemPerMinute(5, 5)
# Per address across all accounts: slows down credential stuffing from one client.
ADDRESS_FAILURES = RateLimitItemPerSecond(50, 15 * 60)


class LoginLimiter:
    """Per-process counters; each API process limits on its own (the limit is per process)."""

    def __init__(self) -> None:
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    def retry_after(self, email: str, address: str) -> int | None:
        """Seconds until another attempt is allowed, or None when one is allowed now."""
        blocked = [
            self._limiter.get_window_stats(item, *keys).reset_time
            for item, keys in self._limits(email, address)
            if not self._limiter.test(item, *keys)
        ]
        if not blocked:
            return None
        return max(1, math.ceil(max(blocked) - time.time()))

    def record_failure(self, email: str, address: str) -> None:
        for item, keys in self._limits(email, address):
            self._limiter.hit(item, *keys)

    def record_success(self, email: str, address: str) -> None:
        self._limiter.clear(ACCOUNT_FAILURES, "account", email, address)

    @staticmethod
    def _limits(email: str, address: str) -> list[tuple[RateLimitItem, tuple[str, ...]]]:
        return [
            (ACCOUNT_FAILURES, ("account", email, address)),
            (ADDRESS_FAILURES, ("address", address)),
        ]
