"""Bank and member text as HTML: Markdown rendered with raw HTML turned off, so a bank (untrusted
input) can never put markup on a page: a ``<script>`` in a question shows as text."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markupsafe import Markup

_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def markdown_html(text: str) -> Markup:
    """``text`` as HTML; raw HTML in it is escaped, unsafe link schemes (javascript:) dropped."""
    return Markup(_MARKDOWN.render(text))  # noqa: S704 - markdown-it escapes: html is off


def markdown_inline(text: str) -> Markup:
    """One line of ``text`` (a question's prompt, in a heading) as inline HTML, as safe."""
    return Markup(_MARKDOWN.renderInline(text))  # noqa: S704 - markdown-it escapes: html is off
