"""Sleeping that a stop request cuts short."""

import asyncio
import contextlib


async def stopped_within(stopping: asyncio.Event, seconds: float) -> bool:
    """Wait up to `seconds`; True as soon as `stopping` is set."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stopping.wait(), timeout=seconds)
    return stopping.is_set()
