"""How long a job waits before its next try after a retryable failure."""

import math
import random

# SQS's largest visibility timeout.
MAX_VISIBILITY_SECONDS = 43_200


def retry_delay_seconds(
    receive_count: int, retry_after: float | None, *, base: float, cap: float
) -> int:
    """Honour the server's Retry-After; otherwise exponential backoff with jitter (so jobs that
    failed together do not come back together)."""
    if retry_after is not None:
        return min(math.ceil(retry_after), MAX_VISIBILITY_SECONDS)
    exponential = min(base * 2 ** max(receive_count - 1, 0), cap)
    return min(math.ceil(random.uniform(0.5, 1.0) * exponential), MAX_VISIBILITY_SECONDS)
