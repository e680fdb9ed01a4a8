"""Answers streamed from an OpenAI-compatible chat-completions API through the official SDK.

The SDK's own retries stay off by default: the queue retries with backoff and counts attempts,
and retrying in both places multiplies the calls. The read timeout bounds a stalled stream.
"""

from collections.abc import AsyncIterator
from typing import Any

import openai
from aira_core.settings import Settings

from aira_worker.config import WorkerSettings
from aira_worker.errors import content_filtered
from aira_worker.metrics import LLM_TOKENS
from aira_worker.prompts import Prompt

# Offline mode is decided by settings.offline; a base URL without a key (a local server) still
# needs some key for the SDK to send.
PLACEHOLDER_KEY = "no-key"


class OpenAIResponder:
    def __init__(self, client: openai.AsyncOpenAI, model: str) -> None:
        self.client = client
        self.model = model

    @classmethod
    def from_settings(cls, settings: Settings, worker: WorkerSettings) -> "OpenAIResponder":
        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
        timeout = openai.Timeout(
            worker.llm_read_timeout_seconds,
            connect=worker.llm_connect_timeout_seconds,
            read=worker.llm_read_timeout_seconds,
        )
        client = openai.AsyncOpenAI(
            api_key=key or PLACEHOLDER_KEY,
            base_url=settings.openai_base_url or None,
            max_retries=worker.llm_max_retries,
            timeout=timeout,
        )
        return cls(client, settings.llm_model)

    async def stream(self, prompt: Prompt) -> AsyncIterator[str]:
        # Our role/content dicts are the SDK's message params (TypedDicts it cannot infer).
        messages: Any = prompt.messages
        stream = await self.client.chat.completions.create(
            model=self.model,
            messages=messages,
            stream=True,
            stream_options={"include_usage": True},
        )
        async with stream:
            async for chunk in stream:
                if chunk.usage is not None:
                    LLM_TOKENS.labels(prompt.kind.value, "prompt").inc(chunk.usage.prompt_tokens)
                    LLM_TOKENS.labels(prompt.kind.value, "completion").inc(
                        chunk.usage.completion_tokens
                    )
                for choice in chunk.choices:
                    if choice.delta is not None and choice.delta.content:
                        yield choice.delta.content
                    if choice.finish_reason == "content_filter":
                        raise content_filtered()

    async def aclose(self) -> None:
        await self.client.close()
