"""Partial answers written to the job's row a few times a second, one UPDATE per flush, so
readers see the text grow without a database write per token."""

import asyncio
import logging

from aira_core import jobs
from aira_core.jobs import Claim
from sqlalchemy import Engine

log = logging.getLogger(__name__)


class ProgressWriter:
    def __init__(
        self, engine: Engine, claim: Claim, interval_seconds: float, lost: asyncio.Event
    ) -> None:
        self.engine = engine
        self.claim = claim
        self.interval_seconds = interval_seconds
        self.lost = lost
        self._parts: list[str] = []
        self._saved_chars = 0

    def append(self, delta: str) -> None:
        self._parts.append(delta)

    @property
    def text(self) -> str:
        if len(self._parts) > 1:
            self._parts = ["".join(self._parts)]
        return self._parts[0] if self._parts else ""

    async def run(self) -> None:
        """Flush until cancelled; sets `lost` when the row refuses the write (job not ours)."""
        while not self.lost.is_set():
            await asyncio.sleep(self.interval_seconds)
            await self.flush()

    async def flush(self) -> None:
        text = self.text
        if len(text) == self._saved_chars:
            return
        try:
            saved = await asyncio.to_thread(jobs.save_progress, self.engine, self.claim, text)
        except Exception:
            log.warning("could not save the partial answer; will try again", exc_info=True)
            return
        if saved:
            self._saved_chars = len(text)
        else:
            self.lost.set()
