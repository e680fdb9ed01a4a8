"""Prompts speak the user's language and carry the conversation and the family's profile."""

from aira_worker.job_input import ChatInput, Profile, StoryInput, Turn
from aira_worker.prompts import build_prompt, fallback_title

PROFILE = Profile("ko", "지은", "민아", 5, ("공룡", "우주"))


def test_a_chat_prompt_is_the_system_message_then_the_conversation() -> None:
    history = (
        Turn("user", "안녕"),
        Turn("assistant", "안녕하세요!"),
        Turn("user", "공룡 얘기 해줘"),
    )
    prompt = build_prompt(ChatInput(PROFILE, history, None))
    system, *turns = prompt.messages
    assert system["role"] == "system"
    assert "한국어" in system["content"]
    assert "민아이고 5살" in system["content"]
    assert "공룡, 우주" in system["content"]
    assert turns == [{"role": t.role, "content": t.content} for t in history]
    assert prompt.subject["last_user_message"] == "공룡 얘기 해줘"


def test_an_unknown_locale_falls_back_to_korean() -> None:
    profile = Profile("fr", "", None, None, ())
    prompt = build_prompt(ChatInput(profile, (Turn("user", "bonjour"),), None))
    assert prompt.locale == "ko"


def test_a_story_prompt_asks_for_the_parsed_format_in_the_storys_language() -> None:
    story = StoryInput("Mina", 5, "a shy moon", "kindness", "medium", "en", None)
    prompt = build_prompt(story)
    system, request = prompt.messages
    assert "Title:" in system["content"] and "---" in system["content"]
    assert "6 pages" in system["content"]
    assert request["content"] == (
        "Write a medium story of 6 pages for Mina, aged 5. Theme: a shy moon. Moral: kindness."
    )
    assert fallback_title(prompt) == "A story for Mina: a shy moon"
