"""The offline responder: with no language model configured, answers say so plainly (in the
user's language) and arrive as a short stream, so the whole product works without a cloud."""

import asyncio
from collections.abc import AsyncIterator

from aira_core.models import JobKind

from aira_worker.prompts import Prompt
from aira_worker.story_format import PAGE_SEPARATOR

WORD_DELAY_SECONDS = 0.03
QUOTE_MAX_CHARS = 200

CHAT_ANSWER = {
    "en": (
        "Aira is running offline: no language model is configured, so this is not a real answer. "
        "Set OPENAI_API_KEY (or OPENAI_BASE_URL) and restart the worker to get real answers. "
        "Your message arrived safely: “{quote}”"
    ),
    "ko": (
        "Aira는 지금 오프라인 모드로 실행 중입니다. "
        "언어 모델이 설정되지 않아 실제 답변이 아닙니다. 실제 답변을 받으려면 "
        "OPENAI_API_KEY(또는 OPENAI_BASE_URL)를 설정하고 워커를 다시 시작하세요. "
        "보내신 메시지는 잘 받았습니다: “{quote}”"
    ),
}

STORY_ANSWER = {
    "en": (
        "Title: A story for {name} (offline)\n\n"
        "Aira is running offline: no language model is configured, so this is a placeholder "
        "instead of a new story.\n\n{sep}\n\n"
        "Once upon a time, {name} dreamed about {theme}. When Aira is back online, "
        "a real story will be waiting. The end."
    ),
    "ko": (
        "Title: {name}의 {theme} 이야기 (오프라인)\n\n"
        "Aira는 지금 오프라인 모드로 실행 중입니다. 언어 모델이 설정되지 않아 새 동화 대신 "
        "안내 문장을 보여 드립니다.\n\n{sep}\n\n"
        "옛날 옛적에 {name}은(는) {theme}에 대한 꿈을 꾸었어요. Aira가 다시 온라인이 되면 "
        "진짜 동화가 기다리고 있을 거예요. 끝."
    ),
}


def offline_answer(prompt: Prompt) -> str:
    if prompt.kind is JobKind.story:
        return STORY_ANSWER[prompt.locale].format(
            name=prompt.subject.get("child_name", ""),
            theme=prompt.subject.get("theme", ""),
            sep=PAGE_SEPARATOR,
        )
    quote = prompt.subject.get("last_user_message", "")
    if len(quote) > QUOTE_MAX_CHARS:
        quote = quote[:QUOTE_MAX_CHARS] + "…"
    return CHAT_ANSWER[prompt.locale].format(quote=quote)


class OfflineResponder:
    def __init__(self, word_delay: float = WORD_DELAY_SECONDS) -> None:
        self.word_delay = word_delay

    async def stream(self, prompt: Prompt) -> AsyncIterator[str]:
        for index, word in enumerate(offline_answer(prompt).split(" ")):
            await asyncio.sleep(self.word_delay)
            yield word if index == 0 else " " + word

    async def aclose(self) -> None:
        return None
