"""Partial answers written to their rows a few times a second, so readers see the text grow
without a database write per token. One flush loop serves every job of the process: each tick
writes all the answers that grew in one transaction, not one transaction per job."""

import asyncio
import contextlib
import logging
from collections.abc import Iterator

from aira_core import jobs
from aira_core.jobs import Claim
from sqlalchemy import Engine

log = logging.getLogger(__name__)


class ProgressWriter:
    """The text of one job as it streams in; `lost` is set when its row refuses a write (the
    job is no longer ours: stopped by the user or reclaimed)."""

    def __init__(self, claim: Claim, lost: asyncio.Event) -> None:
        self.claim = claim
        self.lost = lost
        self.saved_chars = 0
        self._parts: list[str] = []

    def append(self, delta: str) -> None:
        self._parts.append(delta)

    @property
    def text(self) -> str:
        if len(self._parts) > 1:
            self._parts = ["".join(self._parts)]
        return self._parts[0] if self._parts else ""


class ProgressFlusher:
    def __init__(self, engine: Engine, interval_seconds: float) -> None:
        self.engine = engine
        self.interval_seconds = interval_seconds
        self._writers: set[ProgressWriter] = set()
        self._loop: asyncio.Task[None] | None = None

    @contextlib.contextmanager
    def tracking(self, writer: ProgressWriter) -> Iterator[None]:
        """Flush `writer` while inside. A flush already under way when it leaves cannot undo the
        job's final write: that write changes the status its UPDATE requires."""
        self._writers.add(writer)
        if self._loop is None:
            self._loop = asyncio.create_task(self._run(), name="progress-flusher")
        try:
            yield
        finally:
            self._writers.discard(writer)

    async def _run(self) -> None:
        """Runs while some job is tracked; the next tracked job starts it again."""
        while True:
            await asyncio.sleep(self.interval_seconds)
            await self.flush()
            if not self._writers:
                self._loop = None
                return

    async def flush(self) -> None:
        grown = [(writer, writer.text) for writer in self._writers]
        grown = [(writer, text) for writer, text in grown if len(text) != writer.saved_chars]
        if not grown:
            return
        progress = [(writer.claim, text) for writer, text in grown]
        try:
            saved = await asyncio.to_thread(jobs.save_progress_batch, self.engine, progress)
        except Exception:
            log.warning("could not save the partial answers; will try again", exc_info=True)
            return
        for (writer, text), ok in zip(grown, saved, strict=True):
            if ok:
                writer.saved_chars = len(text)
            elif writer in self._writers:
                writer.lost.set()
