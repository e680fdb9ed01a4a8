"""Who writes the answers: the configured language model, or the offline responder when none is
configured (no OPENAI_API_KEY and no OPENAI_BASE_URL)."""

from collections.abc import AsyncIterator
from typing import Protocol

from aira_core.settings import Settings

from aira_worker.config import WorkerSettings
from aira_worker.prompts import Prompt


class Responder(Protocol):
    def stream(self, prompt: Prompt) -> AsyncIterator[str]:
        """The answer as text deltas; raises `GenerationError` or the client's own errors."""
        ...

    async def aclose(self) -> None: ...


def create_responder(settings: Settings, worker: WorkerSettings) -> Responder:
    # Imported here so each responder's dependencies load only when it is used.
    if settings.offline:
        from aira_worker.offline import OfflineResponder

        return OfflineResponder()
    from aira_worker.llm import OpenAIResponder

    return OpenAIResponder.from_settings(settings, worker)
