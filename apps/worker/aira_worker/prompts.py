"""Chat and story prompts, in the user's language (Korean or English).

A chat prompt is a system message (who Aira is, what we know about the family) followed by the
conversation so far. A story prompt asks for the format `story_format` parses.
"""

from dataclasses import dataclass, field

from aira_core.models import JobKind

from aira_worker.job_input import ChatInput, JobInput, Profile, StoryInput

SUPPORTED_LOCALES = ("ko", "en")
PAGES_BY_LENGTH = {"short": 4, "medium": 6, "long": 10}

CHAT_SYSTEM = {
    "en": (
        "You are Aira, a warm and helpful assistant for families with young children. "
        "Answer in English unless the user writes in another language. Be clear and concise, "
        "and keep everything suitable for children."
    ),
    "ko": (
        "당신은 어린 자녀를 둔 가족을 돕는 따뜻하고 친절한 AI 도우미 Aira입니다. "
        "사용자가 다른 언어로 쓰지 않는 한 한국어로 답하세요. 명확하고 간결하게, "
        "항상 아이에게 알맞은 내용으로 답하세요."
    ),
}

STORY_SYSTEM = {
    "en": (
        "You write gentle, imaginative fairy tales for young children, in English. Use simple "
        "words that suit the child's age, no violence or fear, and a warm ending.\n"
        "Format: the first line is `Title: <the title>`. Then the story, split into "
        "{pages} pages of 2-4 sentences; put a line containing only `---` between pages. "
        "Write nothing else."
    ),
    "ko": (
        "당신은 어린아이를 위한 다정하고 상상력 넘치는 동화를 한국어로 씁니다. 아이의 나이에 맞는 "
        "쉬운 말을 쓰고, 폭력이나 무서운 내용 없이 따뜻하게 끝맺으세요.\n"
        "형식: 첫 줄은 `Title: <제목>` 입니다. 그다음 이야기를 {pages}쪽으로 나누어 쓰고, "
        "각 쪽은 2~4문장입니다. 쪽 사이에는 `---`만 있는 줄을 넣으세요. 다른 말은 쓰지 마세요."
    ),
}


@dataclass(frozen=True)
class Prompt:
    kind: JobKind
    locale: str
    messages: list[dict[str, str]]
    # What the offline responder mentions, so its answer still fits the request.
    subject: dict[str, str] = field(default_factory=dict)


def locale_of(value: str | None) -> str:
    """Korean is the product's default language."""
    return value if value in SUPPORTED_LOCALES else "ko"


def build_prompt(job_input: JobInput) -> Prompt:
    if isinstance(job_input, StoryInput):
        return story_prompt(job_input)
    return chat_prompt(job_input)


def chat_prompt(job_input: ChatInput) -> Prompt:
    locale = locale_of(job_input.profile.locale)
    system = " ".join(filter(None, [CHAT_SYSTEM[locale], _family_facts(job_input.profile, locale)]))
    turns = [{"role": turn.role, "content": turn.content} for turn in job_input.history]
    last_user = next((t.content for t in reversed(job_input.history) if t.role == "user"), "")
    return Prompt(
        JobKind.chat,
        locale,
        [{"role": "system", "content": system}, *turns],
        {"last_user_message": last_user},
    )


FAMILY_FACTS = {
    "en": {
        "user": "The user's name is {name}.",
        "child": "Their child is {name}.",
        "child_age": "Their child is {name}, aged {age}.",
        "interests": "The child likes: {interests}.",
    },
    "ko": {
        "user": "사용자의 이름은 {name}입니다.",
        "child": "자녀의 이름은 {name}입니다.",
        "child_age": "자녀의 이름은 {name}이고 {age}살입니다.",
        "interests": "아이가 좋아하는 것: {interests}.",
    },
}

STORY_REQUEST = {
    "en": "Write a {length} story of {pages} pages for {name}, aged {age}. Theme: {theme}.",
    "ko": "{age}살 {name}에게 들려줄 {pages}쪽짜리 동화를 써 주세요. 주제: {theme}.",
}
STORY_MORAL = {"en": " Moral: {moral}.", "ko": " 교훈: {moral}."}


def _family_facts(profile: Profile, locale: str) -> str:
    """What the user told us about the family (profile fields), so answers can be personal."""
    phrases = FAMILY_FACTS[locale]
    facts = []
    if profile.display_name:
        facts.append(phrases["user"].format(name=profile.display_name))
    if profile.child_name:
        key = "child" if profile.child_age is None else "child_age"
        facts.append(phrases[key].format(name=profile.child_name, age=profile.child_age))
    if profile.interests:
        facts.append(phrases["interests"].format(interests=", ".join(profile.interests)))
    return " ".join(facts)


def story_prompt(job_input: StoryInput) -> Prompt:
    locale = locale_of(job_input.language)
    pages = PAGES_BY_LENGTH.get(job_input.length, PAGES_BY_LENGTH["short"])
    system = STORY_SYSTEM[locale].format(pages=pages)
    request = STORY_REQUEST[locale].format(
        length=job_input.length,
        pages=pages,
        name=job_input.child_name,
        age=job_input.age,
        theme=job_input.theme,
    )
    if job_input.moral:
        request += STORY_MORAL[locale].format(moral=job_input.moral)
    return Prompt(
        JobKind.story,
        locale,
        [{"role": "system", "content": system}, {"role": "user", "content": request}],
        {"child_name": job_input.child_name, "theme": job_input.theme},
    )


def fallback_title(prompt: Prompt) -> str:
    """Title for a story answer that came without one."""
    name, theme = prompt.subject.get("child_name", ""), prompt.subject.get("theme", "")
    if prompt.locale == "ko":
        return f"{name}의 {theme} 이야기"
    return f"A story for {name}: {theme}"
