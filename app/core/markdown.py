"""Markdown that people write (news, announcements, survey texts) turned into what is stored and served.

``render_markdown`` parses CommonMark plus tables and strikethrough with markdown-it-py (raw HTML in the source is
not passed through: it is escaped as text), then runs the result through ``app.core.html.sanitize_html`` (nh3), so
links with a ``javascript:`` URL, event attributes and inline styles never survive even if the parser let one by.
``plain_excerpt`` gives the text without markup, whitespace collapsed, cut on a word boundary with "…".
"""

from __future__ import annotations

import html
import re

from markdown_it import MarkdownIt

from app.core.html import sanitize_html

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)
#: Tags that separate words (blocks, line breaks); every other tag (emphasis, links, code) sits inside a sentence.
_BLOCK_TAGS = re.compile(r"</?(?:p|h[1-6]|li|ul|ol|blockquote|pre|table|thead|tbody|tr|td|th|hr|br)\b[^>]*>")
_TAGS = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"\s+")


def render_markdown(source: str) -> str:
    """Sanitised HTML for a Markdown text (empty text → empty string)."""
    if not source.strip():
        return ""
    return sanitize_html(_md.render(source))


def plain_text(source: str) -> str:
    """The words of a Markdown text without any markup, whitespace collapsed."""
    if not source.strip():
        return ""
    text = _TAGS.sub("", _BLOCK_TAGS.sub(" ", _md.render(source)))
    return _SPACES.sub(" ", html.unescape(text)).strip()


def plain_excerpt(source: str, limit: int = 200) -> str:
    """At most ``limit`` characters of ``plain_text(source)``, cut after a whole word with "…" when longer."""
    text = plain_text(source)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip() + "…"
