"""The story answer format and its parsing into a title and pages.

The model is asked for a `Title:` line followed by pages separated by a line `---`. Models do not
always comply, so parsing also accepts a Markdown heading or `제목:` as the title, `***`/`===` as
separators, and falls back to paragraphs as pages and a given title.
"""

import re

TITLE_MAX_CHARS = 300
PAGE_SEPARATOR = "---"
# A title line: `Title: ...`, `**제목**: ...`, `# Title: ...`; the colon may be full-width.
_TITLE_LINE = re.compile(
    r"^\s*(?:#+\s*)?\**\s*(?:title|제목)\s*\**\s*[:\uff1a]\s*(?P<title>.+)$", re.I
)
_HEADING = re.compile(r"^\s*#+\s*(?P<title>.+)$")
_SEPARATOR = re.compile(r"^\s*(?:-{3,}|\*{3,}|={3,})\s*$", re.M)
_PAGE_LABEL = re.compile(r"^\s*\**\s*(?:page|페이지)\s*\d+\s*\**\s*[:.)]?\s*\**\s*", re.I)


def parse_story(text: str, fallback_title: str) -> tuple[str, list[str]]:
    """(title, pages) of a finished story answer."""
    lines = text.strip().splitlines()
    title = ""
    if lines and (match := _TITLE_LINE.match(lines[0]) or _HEADING.match(lines[0])):
        title = _clean_title(match.group("title"))
        lines = lines[1:]
    body = "\n".join(lines).strip()
    pages = _pages(body)
    return (title or fallback_title)[:TITLE_MAX_CHARS], pages


def _clean_title(raw: str) -> str:
    return raw.strip().strip("*_\"'“”「」").strip()


def _pages(body: str) -> list[str]:
    parts = _SEPARATOR.split(body)
    if len(parts) == 1:
        parts = re.split(r"\n\s*\n", body)
    pages = [_PAGE_LABEL.sub("", part.strip(), count=1).strip() for part in parts]
    return [page for page in pages if page]
