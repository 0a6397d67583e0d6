"""Answer text as a list of blocks, so that repeated paragraphs and bullets can be kept once.

An answer is split into units: paragraphs, list items, bold sub-headings, code blocks and
tables. Two units are the same when their :func:`content_key` is, i.e. they differ only in
whitespace, markup or punctuation style. The cleaned answer is rendered back to Markdown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.bank.text import clean_inline, content_key, plain

_ITEM = re.compile(r"^(?P<indent>\s*)(?P<marker>[*+-]|\d{1,3}[.)])\s+(?P<text>\S.*)$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_BOLD_LINE = re.compile(r"^\s*(\*\*|__)(?P<text>[^*_].*?)(\1)\s*(?::\s*)?$")


@dataclass(frozen=True, slots=True)
class Unit:
    kind: str  # "para", "item", "heading", "code", "table"
    text: str
    level: int = 0
    marker: str = "-"
    key: str = field(init=False, compare=False, repr=False)  # computed once: compared often

    def __post_init__(self) -> None:
        key = "code:" + self.text.strip() if self.kind == "code" else content_key(self.text)
        object.__setattr__(self, "key", key)

    def render(self) -> str:
        if self.kind == "item":
            return "  " * self.level + f"{self.marker} {self.text}"
        return self.text


def _indent_width(line: str) -> int:
    expanded = line.expandtabs(4)
    return len(expanded) - len(expanded.lstrip(" "))


def parse_units(lines: list[str]) -> list[Unit]:
    """Split answer lines (already dedented) into units."""
    units: list[Unit] = []
    para: list[str] = []
    item: tuple[int, str, list[str]] | None = None  # (indent, marker, text lines)
    item_indents: list[int] = []
    table: list[str] = []
    i = 0

    def flush() -> None:
        nonlocal para, item, table
        if para:
            units.append(Unit("para", "\n".join(clean_inline(p) for p in para)))
            para = []
        if item is not None:
            indent, marker, text = item
            while item_indents and item_indents[-1] > indent:
                item_indents.pop()
            if not item_indents or item_indents[-1] < indent:
                item_indents.append(indent)
            level = len(item_indents) - 1
            units.append(Unit("item", clean_inline(" ".join(text)), level, marker))
            item = None
        if table:
            units.append(Unit("table", "\n".join(t.strip() for t in table)))
            table = []

    while i < len(lines):
        line = lines[i].rstrip()
        fence = _FENCE.match(line) if "```" in line or "~~~" in line else None
        if fence:
            flush()
            item_indents.clear()
            block = [line.strip()]
            mark = fence.group(1)
            i += 1
            while i < len(lines) and not lines[i].strip().startswith(mark):
                block.append(lines[i].rstrip())
                i += 1
            block.append(mark)
            units.append(Unit("code", "\n".join(block)))
            i += 1
            continue
        i += 1
        lead = line.lstrip()
        if not lead:
            if para or item is not None or table:
                flush()
            continue
        if lead[0] == "|":
            if not table:
                flush()
            table.append(line)
            continue
        if table:
            flush()
        m = _ITEM.match(line) if lead[0] in "*+-" or lead[0].isdigit() else None
        if m:
            flush()
            marker = m.group("marker")
            marker = "-" if marker in "*+-" else marker
            item = (_indent_width(m.group("indent")), marker, [m.group("text")])
            continue
        if item is not None and _indent_width(line) > item[0]:
            item[2].append(line.strip())
            continue
        bold = _BOLD_LINE.match(line) if lead[0] in "*_" else None
        if bold:
            flush()
            item_indents.clear()
            units.append(Unit("heading", line.strip()))
            continue
        if item is not None:
            # A flush-left line right after a list item starts a new paragraph.
            flush()
            item_indents.clear()
        para.append(line)
    flush()
    return units


def render_units(units: list[Unit]) -> str:
    parts: list[str] = []
    prev: Unit | None = None
    for unit in units:
        if prev is not None:
            tight = unit.kind == "item" and (
                prev.kind == "item"
                or (prev.kind in ("para", "heading") and plain(prev.text).endswith(":"))
            )
            parts.append("\n" if tight else "\n\n")
        parts.append(unit.render())
        prev = unit
    return "".join(parts)


def dedupe_units(units: list[Unit], seen: set[str] | None = None) -> list[Unit]:
    """Keep the first of units with the same key; ``seen`` carries keys across answer variants."""
    seen = set() if seen is None else seen
    kept: list[Unit] = []
    for unit in units:
        if unit.kind == "heading":
            kept.append(unit)  # sub-headings repeat legitimately; empty ones go below
        elif unit.key and unit.key not in seen:
            seen.add(unit.key)
            kept.append(unit)
    # A sub-heading whose section lost all its content to deduplication goes too.
    return [
        u
        for n, u in enumerate(kept)
        if u.kind != "heading" or (n + 1 < len(kept) and kept[n + 1].kind != "heading")
    ]
