"""HTML fields (as Anki stores them) to the Markdown text a question is shown in.

A real parser (the standard library's :mod:`html.parser`) reads the HTML: ``<br>`` and block
elements become line breaks, ``<b>``/``<i>``/``<code>`` Markdown bold, italic and code, list
items ``-`` or ``1.`` lines, entities are decoded. Images cannot be shown and are dropped (the
caller is told how many). A tag that is not HTML, such as ``<formula>`` written by hand, is kept
as the text it is.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_LIST_ITEM = re.compile(r"^\s*(?:-|\d+\.) ")
MAX_LIST_DEPTH = 6  # nested lists deeper than this are shown at this depth

# Elements whose tags are dropped (their text is kept); anything else is not HTML and kept as text.
_BLOCK = {
    "div", "p", "section", "article", "header", "footer", "blockquote", "table", "h1", "h2",
    "h3", "h4", "h5", "h6",
}  # fmt: skip
_ROW = {"tr"}
_CELL = {"td", "th"}
_INLINE = {
    "span", "font", "u", "s", "strike", "del", "ins", "mark", "small", "big", "sub", "sup", "a",
    "abbr", "cite", "q", "tt", "kbd", "samp", "var", "label", "center", "html", "body", "head",
    "thead", "tbody", "tfoot", "caption", "colgroup", "col", "ruby", "rt", "rp", "hr", "wbr",
    "anki-mathjax", "svg", "audio", "video", "source",
}  # fmt: skip
_SKIP_CONTENT = {"script", "style", "title"}
_MARKS = {"b": "**", "strong": "**", "i": "*", "em": "*", "code": "`"}


class _ToText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.lists: list[list[int]] = []  # per open list: [next number] or [] for bullets
        self.pre = 0
        self.skip = 0
        self.images = 0

    def _newline(self, blank: bool = False) -> None:
        """End the line (``blank``: and leave an empty one), looking only at the output's end:
        rebuilding the whole text for every tag took quadratic time."""
        parts = self.parts
        while parts and not parts[-1].strip(" "):
            if "\n" in parts[-1] or not parts[-1]:
                break
            parts.pop()  # trailing spaces only
        if parts:
            parts[-1] = parts[-1].rstrip(" ")
        if not parts or not any(parts):
            self.parts = []
            return
        trailing = 0
        for part in reversed(parts):
            stripped = part.rstrip("\n")
            trailing += len(part) - len(stripped)
            if stripped or trailing >= 2:
                break
        wanted = "\n\n" if blank else "\n"
        if trailing < 2:
            parts.append(wanted[min(trailing, len(wanted)) :])

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_CONTENT:
            self.skip += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "img":
            self.images += 1
        elif tag in _MARKS:
            self.parts.append(_MARKS[tag])
        elif tag == "pre":
            self._newline()
            self.parts.append("```\n")
            self.pre += 1
        elif tag in ("ul", "ol"):
            self._newline()
            self.lists.append([1] if tag == "ol" else [])
        elif tag == "li":
            self._newline()
            indent = "  " * min(max(len(self.lists) - 1, 0), MAX_LIST_DEPTH)
            counter = self.lists[-1] if self.lists else []
            if counter:
                self.parts.append(f"{indent}{counter[0]}. ")
                counter[0] += 1
            else:
                self.parts.append(f"{indent}- ")
        elif tag in _BLOCK or tag in _ROW:
            self._newline(blank=tag == "p")
        elif tag in _CELL:
            self.parts.append(" ")
        elif tag not in _INLINE:
            self.parts.append(self.get_starttag_text() or "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _MARKS or tag in ("ul", "ol", "li", "pre") or tag in _SKIP_CONTENT:
            return  # <b/> and the like are empty elements
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_CONTENT:
            self.skip = max(self.skip - 1, 0)
        elif tag in _MARKS:
            self._close_mark(_MARKS[tag])
        elif tag == "pre":
            self._newline()
            self.parts.append("```\n")
            self.pre = max(self.pre - 1, 0)
        elif tag in ("ul", "ol"):
            if self.lists:
                self.lists.pop()
            self._newline()
        elif tag in _BLOCK or tag in _ROW or tag == "li":
            self._newline(blank=tag == "p")
        elif tag not in _INLINE and tag not in _CELL and tag not in ("br", "img"):
            self.parts.append(f"</{tag}>")

    def _close_mark(self, mark: str) -> None:
        """Close ``**``/``*``/`````; an empty one is dropped, a space inside moves outside."""
        if self.parts and self.parts[-1] == mark:
            self.parts.pop()
            return
        trailing = ""
        while self.parts and self.parts[-1].endswith(" ") and self.parts[-1] != mark:
            trailing = " "
            self.parts[-1] = self.parts[-1].rstrip(" ")
            if not self.parts[-1]:
                self.parts.pop()
            else:
                break
        self.parts.append(mark + trailing)

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.pre:
            self.parts.append(data)
            return
        text = " ".join(data.replace("\xa0", " ").split())
        if data[:1].isspace() or data[:1] == "\xa0":
            text = " " + text
        if (data[-1:].isspace() or data[-1:] == "\xa0") and text.strip():
            text += " "
        self.parts.append(text)


def html_to_text(html: str) -> tuple[str, int]:
    """The field as Markdown text, and how many images it had (they are dropped)."""
    parser = _ToText()
    parser.feed(html)
    parser.close()
    lines: list[str] = []
    in_code = False
    for line in "".join(parser.parts).split("\n"):
        if line.strip() == "```":
            in_code = not in_code
        if in_code:
            lines.append(line.rstrip())
        elif line.strip() or (lines and lines[-1]):  # at most one blank line in a row
            # keep a nested list item's indent, trim the rest
            lines.append(line.rstrip() if _LIST_ITEM.match(line) else line.strip())
    return "\n".join(lines).strip("\n"), parser.images
