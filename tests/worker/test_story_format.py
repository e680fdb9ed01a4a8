"""Parsing a story answer into a title and pages, whatever shape the model chose."""

import pytest
from aira_worker.story_format import parse_story


@pytest.mark.parametrize(
    "first_line",
    [
        "Title: The Brave Moon",
        "**Title:** The Brave Moon",
        "# The Brave Moon",
        "제목\uff1a The Brave Moon",
    ],
)
def test_the_title_line_is_recognised_in_its_usual_shapes(first_line: str) -> None:
    title, pages = parse_story(f"{first_line}\n\nOne.\n\n---\n\nTwo.", "fallback")
    assert (title, pages) == ("The Brave Moon", ["One.", "Two."])


def test_pages_are_split_on_separator_lines_and_lose_their_labels() -> None:
    text = "Title: T\nPage 1: Once upon a time.\nIt was dark.\n***\n**Page 2:** The end.\n===\n"
    assert parse_story(text, "fallback") == ("T", ["Once upon a time.\nIt was dark.", "The end."])


def test_without_title_or_separators_paragraphs_become_pages_under_the_fallback_title() -> None:
    text = "옛날 옛적에 용이 살았어요.\n\n용은 어둠을 무서워했어요.\n\n끝."
    title, pages = parse_story(text, "민아의 용 이야기")
    assert title == "민아의 용 이야기"
    assert pages == ["옛날 옛적에 용이 살았어요.", "용은 어둠을 무서워했어요.", "끝."]


def test_an_overlong_title_is_cut_to_the_column_size() -> None:
    title, _ = parse_story("Title: " + "x" * 500 + "\n\nPage.", "fallback")
    assert len(title) == 300
