"""Markdown Q&A documents, read with a CommonMark parser (markdown-it-py).

The parser finds the blocks (headings, paragraphs, lists, code, tables, HTML, block quotes) and
their lines; this module then finds the document's own question pattern: which repeated
structure carries the questions (a heading level, bold lines, numbered list items, ``<details>``
blocks, ``Q:``/``A:`` labels), decided per document by counting which one repeats and is
followed by answer content. The decision is reported as the document's *shape*.

Headings above the question level are topics (or difficulty), headings below it belong to the
answer. What sits between a prompt and its answer (code, images, options) is the question's
body. Lettered options or a task list with an answer key become choices.
"""

from __future__ import annotations

import bisect
import functools
import gc
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token

from bot.bank.answer import parse_units, render_units
from bot.bank.build import Problems, RawQuestion
from bot.bank.html_text import html_to_text
from bot.bank.model import Difficulty, parse_difficulty
from bot.bank.text import content_key, plain

# Only the blocks are used (inline text is read from the source), so inline parsing is off.
_MD = MarkdownIt("commonmark").enable("table").disable(["inline", "text_join"])
assert _MD.core.ruler.get_active_rules() == ["normalize", "block"]


def _block_tokens(src: str) -> list[Token]:
    """``_MD.parse(src)``: the block pass alone, without rewriting every newline of a text that
    has neither a carriage return nor a NUL for the core's ``normalize`` rule to change."""
    if "\r" in src or "\0" in src:
        return _MD.parse(src)
    tokens: list[Token] = []
    _MD.block.parse(src, _MD, {}, tokens)
    return tokens


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a document is read.

    Reading 1 MB builds about 75,000 tokens and as many nodes and lines, none of them in a
    reference cycle, and the collector walked all of them again and again as they piled up:
    0.12 s of a 0.8 s load. Reference counting still frees everything as usual.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# No pattern below has two unbounded quantifiers that can match the same text next to each other.
_Q_MARK = re.compile(
    r"^[*_]{0,2}(?:Q|Question)\s*(?:#\s*)?(?:\d+\s*)?(?:[*_]{1,2}\s*)?[:.)][*_]{0,2}\s*(?P<text>.*)$",
    re.IGNORECASE,
)
_A_MARK = re.compile(
    r"^(?:>\s?)?(?:#{1,6}\s)?[*_]{0,2}(?:A|Ans|Answer|Correct answer|Solution)\s?(?:\d{1,4}\s?)?"
    r"(?:[*_]{1,2}\s?)?:[*_]{0,2}\s*(?P<text>.*)$",
    re.IGNORECASE,
)
_KEY = re.compile(r"[A-Z](?:\s?[,&]?\s?[A-Z]){0,7}|[a-z]|\d{1,2}")
_KEY_LEAD = re.compile(r"([A-Za-z]|\d{1,2})[.):]\s")
_BOLD_START = re.compile(r"^(\*\*|__)(?P<text>.+?)\1(?P<rest>.*)$")
_NUM_MARKER = re.compile(r"^(\*\*|__)\d{1,3}\)")
_LABEL = re.compile(
    r"^(?:(?:Q|Question)\s?#?\d{0,4}[a-z]?\s?[.):\-]|\d{1,4}[a-z]?\s?[.)])\s?", re.IGNORECASE
)
_NUMBERED = re.compile(r"^(?:(?:Q|Question)\s?#?\d{1,4}[a-z]?|\d{1,4}[a-z]?)\s?[.):\-]", re.I)
_Q_PREFIXED = re.compile(r"^(?:Q|Question)\s?#?\d{1,4}[a-z]?\b", re.IGNORECASE)
_HEADING_LINE = re.compile(r"^#{1,6}\s")
_FENCE = re.compile(r"^\s*(```|~~~)")
_ITEM_MARK = re.compile(r"^( *)(\d{1,9}[.)]|[-+*])( *)")
_TASK = re.compile(r"^[-*+]\s\[(?P<mark>[ xX])\]\s(?P<text>.*)$")
_OPTION = re.compile(r"^(?:[-*+]\s)?\(?(?P<letter>[A-Za-z]|[1-9]\d?)[.):]\s(?P<text>\S.*)$")
_NAV = re.compile(r"^\[.{0,80}\]\(#[^()\s]{0,200}\)$")
_CITATION = re.compile(r"\s?\[\[[^\[\]]{1,40}\]\([^()\s]{1,500}\)\]")
_LINK_ONLY = re.compile(
    r"^(?:[-*+]\s|\d{1,3}[.)]\s)?(?:\[[^\[\]]{0,300}\]\([^()\s]{0,500}\)|<?https?://[^\s<>]{1,500}>?)\.?$"
)
_SUMMARY = re.compile(r"<summary[^<>]*>", re.IGNORECASE)
_SUMMARY_END = re.compile(r"</summary>", re.IGNORECASE)
_DETAILS_END = re.compile(r"</details>", re.IGNORECASE)
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]{0,20}(?:\s[^<>]{0,500})?/?>")
_LONE_TAG = re.compile(
    r"^\s{0,40}</?(?:p|br|div|hr|span|details|center|summary)\s?/?>\s{0,40}$", re.I
)
_CODE_SPAN = re.compile(r"(`+)[^`]{0,2000}?\1")
_SHORTCODE = re.compile(r":[a-z0-9_+\-]{1,40}:")
_COUNT_SUFFIX = re.compile(r"\s?\(\d{1,5}\)$")
_DIFFICULTY_HEADING = re.compile(
    r"^(?:(?:level )?\d+ )?(?P<word>basic|beginner|easy|intermediate|medium|advanced|hard|expert)s?"
    r"(?: (?:level|questions?|concepts|topics))?$"
)
_DIFFICULTY_WORD = re.compile(
    r"[(\[](?P<word>easy|medium|hard|basic|beginner|intermediate|advanced|expert)[)\]]$",
    re.IGNORECASE,
)
_MARKER_EMOJI = {
    "👶": Difficulty.EASY,
    "🐣": Difficulty.EASY,
    "⭐": Difficulty.MEDIUM,
    "🌟": Difficulty.MEDIUM,
    "🚀": Difficulty.HARD,
    "🔥": Difficulty.HARD,
}
_INVISIBLE = "\u200d\ufe0f\u200b "
_ANSWER_SUMMARIES = {
    "answer", "answers", "solution", "show answer", "show solution", "explanation", "reveal",
    "click to see answer", "see answer", "hint", "correct answer", "click here",
}  # fmt: skip
_PLACEHOLDERS = {
    "answer here", "to be completed", "tbd", "todo", "coming soon", "to do", "wip",
    "answer", "no answer yet", "to be added",
}  # fmt: skip


@dataclass(slots=True)
class Node:
    kind: str  # "heading", "para", "details", "block"
    line: int  # 1-based first line
    lines: list[tuple[int, str]] = field(default_factory=list)
    level: int = 0
    text: str = ""  # heading text, <details> summary
    item: bool = False  # first block of an expanded numbered-list item
    in_item: bool = False
    closed: bool = True
    summary: tuple[str, list[tuple[int, str]], int] | None = None  # <details>: read once


@dataclass(slots=True)
class _Tree:
    tok: Token | None
    children: list[_Tree] = field(default_factory=list)
    inline: Token | None = None


# Blocks the reader takes whole, by their lines: what they contain is never looked at.
_OPAQUE = frozenset({"bullet_list_open", "blockquote_open", "table_open"})


def _tree(tokens: list[Token]) -> _Tree:
    root = _Tree(None)
    stack = [root]
    top = root
    inside = 0  # depth inside an opaque block
    for tok in tokens:
        nesting = tok.nesting
        if inside:
            inside += nesting
        elif nesting == 1 and tok.type in _OPAQUE:
            top.children.append(_Tree(tok))
            inside = 1
        elif nesting == 1:
            node = _Tree(tok)
            top.children.append(node)
            stack.append(node)
            top = node
        elif nesting == -1:
            if len(stack) > 1:
                stack.pop()
                top = stack[-1]
        elif tok.type == "inline":
            top.inline = tok
        else:
            top.children.append(_Tree(tok))
    return root


def _span(tree: _Tree) -> tuple[int, int]:
    tok = tree.tok
    if tok is None or tok.map is None:
        return 0, 0
    return tok.map[0], tok.map[1]


# text helpers ------------------------------------------------------------------------------
@functools.lru_cache(maxsize=4096)  # the text around tags repeats ("<b>", "</b> is ")
def _html_segment(text: str) -> str:
    if not _TAG.search(text) and "&" not in text:
        return text
    if _LONE_TAG.match(text):
        return ""
    lead = text[: len(text) - len(text.lstrip())]
    tail = text[len(text.rstrip()) :]
    converted, _ = html_to_text(text)
    return lead + converted + tail if converted else ""


def _inline_html(line: str) -> str:
    """HTML tags in a line of Markdown as text; code spans are kept as written."""
    if "<" not in line and "&" not in line:
        return line
    out: list[str] = []
    pos = 0
    for m in _CODE_SPAN.finditer(line):
        out.append(_html_segment(line[pos : m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(_html_segment(line[pos:]))
    return "".join(out)


def _is_nav(line: str) -> bool:
    """A line that is only a link to an anchor of this document ("back to top")."""
    core = line.strip().strip("*_ ")
    return bool(_NAV.match(core)) and not core.startswith("[](")


@functools.lru_cache(maxsize=4096)  # summaries and labels repeat ("<b>Answer</b>")
def clean_text(text: str) -> str:
    """A prompt or heading as plain text: HTML, citations and markup removed."""
    if "[[" in text:
        text = _CITATION.sub("", text)
    text = _inline_html(text)
    return plain(text.replace("\n", " "))


def split_marker(text: str) -> tuple[str, Difficulty | None]:
    """``What is X? 👶`` -> (``What is X?``, easy); also ``(easy)``, ``[Hard]`` and ``***``."""
    found: Difficulty | None = None
    t = text.rstrip(_INVISIBLE)
    for _ in range(6):
        core = t.rstrip(_INVISIBLE)
        if len(core) >= 2 and core[-1].isascii() and core[-1].isalpha():
            before = core[:-1].rstrip(_INVISIBLE)
            if before and before[-1] in _MARKER_EMOJI:
                core = before  # a stray letter typed after the marker
        if core and core[-1] in _MARKER_EMOJI:
            found = _MARKER_EMOJI[core[-1]]
            t = core[:-1].rstrip(_INVISIBLE)
            continue
        word = _DIFFICULTY_WORD.search(core)
        if word:
            found = parse_difficulty(word.group("word"))
            t = core[: word.start()].rstrip()
            continue
        if core.endswith("***"):
            t = core.rstrip("*").rstrip()
            continue
        break
    return t.strip(), found


def _prompt(text: str) -> tuple[str, Difficulty | None]:
    text = clean_text(text)
    text, difficulty = split_marker(text)
    stripped = _LABEL.sub("", text, count=1).strip()
    return (stripped or text), difficulty


@functools.lru_cache(maxsize=4096)  # each heading is asked about several times
def _heading_difficulty(text: str) -> Difficulty | None:
    m = _DIFFICULTY_HEADING.match(content_key(text))
    return parse_difficulty(m.group("word")) if m else None


def _topic_name(text: str) -> str:
    text = _SHORTCODE.sub("", clean_text(text))
    text = _LABEL.sub("", text.strip(), count=1)
    return _COUNT_SUFFIX.sub("", text.strip()).rstrip(":").strip()


_LABEL_START = frozenset("AaQqSsCc*_")
_ANSWER_HEADING = re.compile(
    r"^(?:(?:short|long|full|detailed|the|model|sample|example) )?"
    r"(?:answer|solution|explanation)s?$"
)
_NOT_TOPICS = {"table of contents", "contents", "toc", "index", "questions", "answers"}


@functools.lru_cache(maxsize=4096)
def _is_answer_heading(text: str) -> bool:
    return bool(_ANSWER_HEADING.match(content_key(text)))


@functools.lru_cache(maxsize=4096)  # "<b>Answer</b>" on every question
def _summary_is_answer(summary: str) -> bool:
    key = content_key(summary)
    return key in _ANSWER_SUMMARIES or key.startswith(("answer", "solution", "show answer"))


def _bold_line(line: str) -> str | None:
    """The text of a line that is all bold (``**What is X? 👶**``), or None."""
    m = _BOLD_START.match(line.strip())
    if not m:
        return None
    rest = m.group("rest").strip()
    if rest and split_marker("x " + rest)[0] != "x":
        return None
    text = m.group("text").strip()
    return text if text and not text.endswith(":") and not text.startswith("*") else None


def _dedent(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The lines without the indent they all share (``lines`` itself when there is none)."""
    cut: int | None = None
    for _, t in lines:
        if t.strip():
            width = len(t) - len(t.lstrip(" "))
            if width == 0:
                return lines
            cut = width if cut is None else min(cut, width)
    if not cut:
        return lines
    return [(n, t[cut:]) for n, t in lines]


# the document as a sequence of nodes --------------------------------------------------------
_FENCE_LINE = re.compile(r"^ {0,12}(`{3,}|~{3,})(.*)$")


def _open_fence(tok: Token, lines: list[str]) -> bool:
    """A fence token the parser ran to the end of its container: it was never closed."""
    if tok.type != "fence" or tok.map is None:
        return False
    start, end = tok.map
    last = lines[end - 1].strip() if end - 1 > start else ""
    return not (last.startswith(tok.markup) and not last.strip(tok.markup[0]))


class _Reader:
    def __init__(self, text: str, problems: Problems) -> None:
        self.problems = problems
        self.lines = text.split("\n")
        if self._front_matter():
            text = "\n".join(self.lines)
        tokens = self._parse(text)
        self.root = _tree(tokens)
        self.work = list(self.lines)
        self.closer_lines = [
            n for n, line in enumerate(self.lines) if "</" in line and _DETAILS_END.search(line)
        ]

    def _front_matter(self) -> bool:
        """Blank a YAML front matter block; whether there was one."""
        if self.lines and self.lines[0].strip() == "---":
            for n in range(1, min(len(self.lines), 200)):
                if self.lines[n].strip() in ("---", "..."):
                    for k in range(n + 1):
                        self.lines[k] = ""
                    return True
        return False

    def _parse(self, text: str) -> list[Token]:
        """Tokens, with each code fence never closed ended at the next blank line (warned).

        A fence the parser leaves open is found on the first parse; the lines after it are then
        scanned once for every other open fence, so a file of many costs one more parse, not one
        per fence. What the scan cannot settle is closed one fence a parse, a few times at most.
        """
        tokens = _block_tokens(text)  # the lines, joined
        for round_ in range(4):
            unclosed = [
                tok for tok in tokens if tok.type == "fence" and _open_fence(tok, self.lines)
            ]
            if not unclosed:
                return tokens
            first = unclosed[0]
            assert first.map is not None
            if round_ == 0:
                self._close_fences(first.map[0])
            else:
                self._close_at_blank(first.map[0], first.markup)
            tokens = _block_tokens("\n".join(self.lines))
        return tokens

    def _close_at_blank(self, start: int, markup: str) -> int:
        """Close the fence opened on line ``start`` at the next blank line; returns that line."""
        self.problems.warn(
            start + 1,
            f"a code block ({markup[:3]}) opened here is never closed; it was ended at the next "
            "blank line",
        )
        blank = next(
            (j for j in range(start + 1, len(self.lines)) if not self.lines[j].strip()), None
        )
        indent = self.lines[start][: len(self.lines[start]) - len(self.lines[start].lstrip())]
        if blank is None:
            self.lines.append(indent + markup)
            return len(self.lines) - 1
        self.lines[blank] = indent + markup
        return blank

    def _close_fences(self, start: int) -> None:
        """From line ``start``: every fence with no closing line after it ends at the next blank
        line."""
        fences = [_FENCE_LINE.match(line) for line in self.lines]
        # the longest bare fence of each kind after each line: a fence is closed only by one at
        # least as long as itself
        longest: dict[str, list[int]] = {"`": [0] * (len(fences) + 1), "~": [0] * (len(fences) + 1)}
        for n in range(len(fences) - 1, -1, -1):
            for after in longest.values():
                after[n] = after[n + 1]
            m = fences[n]
            if m and not m.group(2).strip():
                kind = m.group(1)[0]
                longest[kind][n] = max(longest[kind][n], len(m.group(1)))
        open_: tuple[str, int] | None = None
        n = start
        while n < len(self.lines):
            m = fences[n] if n < len(fences) else None
            if m is None:
                n += 1
                continue
            marker = m.group(1)
            if open_ is None:
                if longest[marker[0]][n + 1] >= len(marker):
                    open_ = (marker[0], len(marker))
                else:
                    n = self._close_at_blank(n, marker) + 1
                    continue
            elif marker[0] == open_[0] and len(marker) >= open_[1] and not m.group(2).strip():
                open_ = None
            n += 1

    def _has_closer(self, start: int, end: int) -> bool:
        """Whether lines ``start..end`` hold a ``</details>``."""
        at = bisect.bisect_left(self.closer_lines, start)
        return at < len(self.closer_lines) and self.closer_lines[at] < end

    def _closers(self, trees: list[_Tree]) -> list[int]:
        """The indices of the blocks among ``trees`` that hold a ``</details>`` line.

        Sibling blocks follow each other without overlapping, so each closing line is placed in
        its block by bisection instead of every block being searched for one.
        """
        spans = [_span(t) if t.tok is not None else (-1, -1) for t in trees]
        starts = [start for start, _ in spans]
        if not spans or any(
            start >= end or end > after
            for (start, end), (after, _) in zip(spans, [*spans[1:], (sys.maxsize, 0)], strict=True)
        ):
            return [
                n for n, t in enumerate(trees) if t.tok is not None and self._has_closer(*_span(t))
            ]
        lo = bisect.bisect_left(self.closer_lines, starts[0])
        hi = bisect.bisect_left(self.closer_lines, spans[-1][1])
        found: list[int] = []
        for line in self.closer_lines[lo:hi]:
            n = bisect.bisect_right(starts, line) - 1
            if line < spans[n][1] and (not found or found[-1] != n):
                found.append(n)
        return found

    def src(self, start: int, end: int, indent: int) -> list[tuple[int, str]]:
        end = min(end, len(self.work))
        if indent == 0:  # nothing to cut: the lines as they are
            return list(zip(range(start + 1, end + 1), self.work[start:end], strict=True))
        out = []
        for n in range(start, end):
            line = self.work[n]
            lead = len(line) - len(line.lstrip(" "))
            out.append((n + 1, line[min(lead, indent) :]))
        return out

    def nodes(
        self, trees: list[_Tree], indent: int, expand: bool, in_item: bool = False
    ) -> list[Node]:
        out: list[Node] = []
        closers = self._closers(trees)
        last_closer = closers[-1] if closers else -1
        i = 0
        while i < len(trees):
            tree = trees[i]
            tok = tree.tok
            assert tok is not None
            start, end = _span(tree)
            if tok.type == "heading_open":
                text = tree.inline.content if tree.inline else ""
                out.append(Node("heading", start + 1, [], int(tok.tag[1:]), text, in_item=in_item))
            elif tok.type == "paragraph_open":
                out.append(Node("para", start + 1, self.src(start, end, indent), in_item=in_item))
            elif tok.type == "html_block" and tok.content.lstrip().lower().startswith("<details"):
                if last_closer < i:
                    self.problems.warn(
                        start + 1,
                        "a <details> block opened here is never closed; it was ended at the "
                        "next blank line",
                    )
                    node = Node("details", start + 1, self.src(start, end, indent), in_item=in_item)
                    node.closed = False
                    out.append(node)
                    i += 1
                    continue
                region_start, k = start, i
                while True:
                    at = bisect.bisect_left(closers, k)
                    j = closers[at] if at < len(closers) else None
                    if j is None:
                        node = Node(
                            "details",
                            region_start + 1,
                            self.src(
                                region_start, max(region_start + 1, _span(trees[k - 1])[1]), indent
                            ),
                            in_item=in_item,
                        )
                        node.closed = False
                        self.problems.warn(
                            region_start + 1,
                            "a <details> block opened here is never closed; it was ended at the "
                            "next blank line",
                        )
                        out.append(node)
                        break
                    tail = self._chunks(region_start, _span(trees[j])[1], indent, in_item, out)
                    k = j + 1
                    if tail is None:
                        break
                    region_start = tail
                i = k
                continue
            elif tok.type == "hr":
                pass
            elif tok.type == "code_block":
                # indented code: kept verbatim, as a fenced block
                body = [
                    (n, t[4:] if t[:4] == "    " else t.lstrip())
                    for n, t in self.src(start, end, indent)
                ]
                while body and not body[-1][1].strip():
                    body.pop()
                fenced = [(start + 1, "```"), *body, (end, "```")]
                out.append(Node("block", start + 1, fenced, in_item=in_item))
            elif tok.type == "ordered_list_open" and expand and _list_qualifies(tree, self):
                for item in tree.children:
                    s = _span(item)[0]
                    m = _ITEM_MARK.match(self.work[s]) if s < len(self.work) else None
                    offset = indent
                    if m:
                        spaces = len(m.group(3))
                        offset = (
                            len(m.group(1)) + len(m.group(2)) + (spaces if 1 <= spaces <= 4 else 1)
                        )
                        self.work[s] = " " * offset + self.work[s][offset:]
                    sub = self.nodes(item.children, offset, False, True)
                    if sub:
                        sub[0].item = True
                        out.extend(sub)
            else:
                out.append(Node("block", start + 1, self.src(start, end, indent), in_item=in_item))
            i += 1
        return out

    def _chunks(
        self, start: int, end: int, indent: int, in_item: bool, out: list[Node]
    ) -> int | None:
        """Split lines ``start..end`` into <details> nodes and other blocks; the line where an
        unfinished <details> opens, if any."""
        n = start
        other: list[tuple[int, str]] = []

        def flush() -> None:
            if any(t.strip() for _, t in other):
                out.append(Node("block", other[0][0], list(other), in_item=in_item))
            other.clear()

        while n < end:
            line = self.lines[n]
            if line.strip().lower().startswith("<details"):
                at = bisect.bisect_left(self.closer_lines, n)  # the next </details> line
                close = self.closer_lines[at] if at < len(self.closer_lines) else None
                if close is None or close >= end:
                    flush()
                    return n
                flush()
                out.append(Node("details", n + 1, self.src(n, close + 1, indent), in_item=in_item))
                n = close + 1
                continue
            if line.strip() and not _DETAILS_END.search(line):
                other.extend(self.src(n, n + 1, indent))
            n += 1
        flush()
        return None


def _list_qualifies(tree: _Tree, reader: _Reader) -> bool:
    items = [c for c in tree.children if c.tok is not None and c.tok.type == "list_item_open"]
    good = sum(_item_is_question(item, reader) for item in items)
    return bool(items) and good * 2 >= len(items)


def _item_is_question(item: _Tree, reader: _Reader) -> bool:
    if not item.children:
        return False
    first = item.children[0]
    if first.tok is not None and first.tok.type == "heading_open":
        return True
    if first.tok is not None and first.tok.type == "paragraph_open" and first.inline:
        head = first.inline.content.split("\n")[0]
        bold = _bold_line(head)
        if bold is not None:
            return True
        m = _BOLD_START.match(head)
        if m and m.group("text").rstrip().endswith("?"):
            return True
    start, end = _span(item)
    for n in range(start + 1, min(end, len(reader.lines))):
        line = reader.lines[n].strip()
        if line.lower().startswith("<details") or _A_MARK.match(line) or _TASK.match(line):
            return True
    return False


# shape ---------------------------------------------------------------------------------------
@dataclass(slots=True)
class Shape:
    kind: str  # "labels", "details", "list", "heading", "bold"
    level: int = 0
    numbered: bool = False  # heading questions must be numbered at their level
    q_prefixed: bool = False  # "Q12." / "Question 12" headings at any level

    def describe(self) -> str:
        if self.kind == "heading":
            extra = ", numbered" if self.numbered else ""
            extra = ", numbered Q1, Q2, ..." if self.q_prefixed else extra
            return f"questions are level-{self.level} headings{extra}"
        return {
            "labels": "questions are Q:/A: labels",
            "details": "questions are <details> blocks (the summary is the question)",
            "list": "questions are numbered list items",
            "bold": "questions are bold lines",
        }[self.kind]


def _para_lines(node: Node) -> list[str]:
    return [t.strip() for _, t in node.lines]


def _choose_shape(nodes: list[Node], list_items: int, title_line: int | None) -> Shape | None:
    counts: dict[tuple[str, int], int] = {}
    numbered: dict[int, int] = {}
    q_prefixed: dict[int, int] = {}
    for n, node in enumerate(nodes):
        nxt = nodes[n + 1] if n + 1 < len(nodes) else None
        if node.kind == "heading":
            if (
                node.line == title_line
                or _heading_difficulty(node.text)
                or _is_answer_heading(node.text)
            ):
                continue
            if nxt is None or (nxt.kind == "heading" and not _is_answer_heading(nxt.text)):
                continue
            key = ("heading", node.level)
            counts[key] = counts.get(key, 0) + 1
            text = clean_text(node.text)
            if _NUMBERED.match(text):
                numbered[node.level] = numbered.get(node.level, 0) + 1
            if _Q_PREFIXED.match(text):
                q_prefixed[node.level] = q_prefixed.get(node.level, 0) + 1
        elif node.kind == "para":
            lines = _para_lines(node)
            labels = sum(1 for line in lines if _Q_MARK.match(line))
            if labels:
                counts[("labels", 0)] = counts.get(("labels", 0), 0) + labels
            elif (
                lines
                and (_bold_line(lines[0]) or _NUM_MARKER.match(lines[0]))
                and (len(lines) > 1 or (nxt is not None and nxt.kind != "heading"))
            ):
                counts[("bold", 0)] = counts.get(("bold", 0), 0) + 1
        elif node.kind == "details":
            summary = _details_summary(node)
            if summary is not None and not _summary_is_answer(summary[0]):
                counts[("details", 0)] = counts.get(("details", 0), 0) + 1
    if list_items:
        counts[("list", 0)] = list_items
    if not counts:
        return None
    order = ["labels", "details", "list", "heading", "bold"]
    (kind, level), _ = max(
        counts.items(), key=lambda kv: (kv[1], -order.index(kv[0][0]), -kv[0][1])
    )
    shape = Shape(kind, level)
    if kind == "heading":
        total = counts[(kind, level)]
        shape.q_prefixed = q_prefixed.get(level, 0) * 5 >= total * 3
        shape.numbered = shape.q_prefixed or numbered.get(level, 0) * 5 >= total * 3
    return shape


def _details_summary(node: Node) -> tuple[str, list[tuple[int, str]], int] | None:
    """The summary of a <details> node, its body lines and the summary's line (None without a
    summary)."""
    if node.summary is None:
        node.summary = _read_summary(node)
    return node.summary


def _read_summary(node: Node) -> tuple[str, list[tuple[int, str]], int] | None:
    text = "\n".join(t for _, t in node.lines)
    opening = _SUMMARY.search(text)
    closing = _SUMMARY_END.search(text, opening.end()) if opening else None
    if opening is None or closing is None:
        return None
    summary = text[opening.end() : closing.start()]
    body_start = closing.end()
    end_match = _DETAILS_END.search(text, body_start)
    body_end = end_match.start() if end_match else len(text)
    first_line = node.line + text.count("\n", 0, body_start)
    body = text[body_start:body_end].split("\n")
    lines = [(first_line + k, line) for k, line in enumerate(body)]
    if lines and not lines[0][1].strip():
        lines = lines[1:]
    return summary, _dedent(lines), node.line + text.count("\n", 0, opening.start())


# questions -----------------------------------------------------------------------------------
@dataclass(slots=True)
class _Open:
    prompt: str
    line: int
    topic: str | None
    difficulty: Difficulty | None
    heading_level: int | None = None
    continues: bool = False  # a plain Q: prompt may wrap onto the next lines
    pre: list[tuple[int, str]] = field(default_factory=list)
    variants: list[list[tuple[int, str]]] = field(default_factory=list)

    def add(self, lines: list[tuple[int, str]], blank: bool = True) -> None:
        target = self.variants[-1] if self.variants else self.pre
        if blank and target:
            target.append((lines[0][0] if lines else 0, ""))
        target.extend(lines)


@dataclass(slots=True)
class _Section:
    level: int
    topic: str | None
    difficulty: Difficulty | None


def clean_lines(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Answer or body lines as Markdown to show: HTML as text, headings as bold lines, no
    navigation or citation links; code blocks verbatim."""
    out: list[tuple[int, str]] = []
    fence: str | None = None
    for n, line in lines:
        m = _FENCE.match(line) if "```" in line or "~~~" in line else None
        if fence is not None:
            out.append((n, line))
            if m and m.group(1) == fence:
                fence = None
            continue
        if m:
            fence = m.group(1)
            out.append((n, line))
            continue
        stripped = line.strip()
        if "](#" in stripped and _is_nav(stripped):
            continue
        if stripped[:1] == "#" and _HEADING_LINE.match(stripped):
            text = clean_text(stripped.lstrip("#").strip().rstrip("#").strip())
            out.append((n, f"**{text}**" if text else ""))
            continue
        if "[[" in line:
            line = _CITATION.sub("", line)
        if "<" in line or "&" in line:
            converted = _inline_html(line)
            if not converted.strip():
                out.append((n, ""))
                continue
            out.extend((n, part) for part in converted.split("\n"))
            continue
        out.append((n, line))
    return out


def _label(n: int, numbered: bool) -> str:
    return str(n + 1) if numbered else "abcdefghijklmnopqrstuvwxyz"[n] if n < 26 else "?"


def _options(
    lines: list[tuple[int, str]],
) -> tuple[int, int, list[str], list[int], str] | None:
    """A run of options in ``lines``: (start, end, texts, marked indices, kind), the kind being
    "task" (``- [x]``), "letter" (``A)``) or "number" (``1.``)."""
    fence = False
    n = 0
    while n < len(lines):
        text = lines[n][1].strip()
        if ("```" in text or "~~~" in text) and _FENCE.match(text):
            fence = not fence
        if fence:
            n += 1
            continue
        task = _TASK.match(text)
        option = _OPTION.match(text)
        if task or (option and option.group("letter") in "Aa1"):
            numbered = bool(option and option.group("letter") == "1") and not task
            texts: list[str] = []
            marked: list[int] = []
            k = n
            while k < len(lines):
                t = lines[k][1].strip()
                if not t:
                    k += 1
                    continue
                tm = _TASK.match(t) if task else None
                om = _OPTION.match(t) if not task else None
                if tm:
                    if tm.group("mark") in "xX":
                        marked.append(len(texts))
                    texts.append(clean_text(tm.group("text")))
                elif om and om.group("letter").lower() == _label(len(texts), numbered):
                    texts.append(clean_text(om.group("text")))
                else:
                    break
                k += 1
            if len(texts) >= 2:
                return n, k, texts, marked, "task" if task else "number" if numbered else "letter"
        n += 1
    return None


def _key(lines: list[tuple[int, str]]) -> tuple[int, list[int], bool] | None:
    """The answer key line (``Answer: B``, ``Correct Answer: AB``, ``Answer: 2``), the options
    it names and whether it names them by number."""
    for n, (_, line) in enumerate(lines[:12]):
        m = _A_MARK.match(line.strip())
        if not m:
            continue
        rest = m.group("text").strip().strip("*_ .").strip()
        if not _KEY.fullmatch(rest):
            lead = _KEY_LEAD.match(rest)
            if lead is None:
                continue
            rest = lead.group(1)
        if rest.isdigit():
            return n, [int(rest) - 1], True
        letters = [c for c in rest if c.isalpha()]
        return n, [ord(c.upper()) - ord("A") for c in letters], False
    return None


def _render(lines: list[tuple[int, str]]) -> str:
    return render_units(parse_units([t for _, t in lines]))


def _finish(q: _Open, problems: Problems) -> RawQuestion | None:
    pre = clean_lines(q.pre)
    variants = [clean_lines(v) for v in q.variants]
    raw = RawQuestion(prompt=q.prompt, line=q.line, topic=q.topic, difficulty=q.difficulty)
    found = _options(pre)
    body_lines = pre
    if found is not None:
        start, end, texts, marked, kind = found
        task = kind == "task"
        after = pre[end:]
        if not variants and after:
            variants = [after]
        key = _key(variants[0]) if variants else None
        if key is not None and key[2] != (kind == "number"):
            key = None  # "Answer: 2" names a numbered option, "Answer: B" a lettered one
        correct = marked if task else (key[1] if key else [])
        correct = [c for c in correct if 0 <= c < len(texts)]
        if correct:
            body_lines = pre[:start]
            if len(correct) == 1:
                raw.choices = tuple(texts)
                raw.correct = correct[0]
                if key is not None and variants:
                    variants[0] = variants[0][: key[0]] + variants[0][key[0] + 1 :]
            else:
                problems.warn(
                    q.line,
                    f"question {q.prompt[:50]!r} has {len(correct)} right options; it is asked "
                    "as an open question with the marked options as its answer",
                )
                marked_lines = [(q.line, f"- {texts[c]}") for c in correct]
                variants = [marked_lines + [(q.line, "")] + (variants[0] if variants else [])]
                variants += []
        elif not variants:
            variants = [pre]
            body_lines = []
    elif not variants:
        variants = [pre]
        body_lines = []
    raw.body = _render(body_lines) if body_lines else ""
    for v in variants:
        units = parse_units([t for _, t in v])
        if units:
            raw.answers.append(units)
    if raw.choices is None and raw.answers:
        text = render_units([u for units in raw.answers for u in units])
        if len(text) < 40 and content_key(text) in _PLACEHOLDERS:
            problems.warn(
                q.line, f"skipped question {q.prompt[:50]!r}: its answer is a placeholder"
            )
            return None
        if all(_LINK_ONLY.match(line.strip()) for line in text.split("\n") if line.strip()):
            problems.warn(
                q.line, f"skipped question {q.prompt[:50]!r}: its answer is only a list of links"
            )
            return None
    return raw


class _Builder:
    def __init__(self, shape: Shape | None, problems: Problems) -> None:
        self.shape = shape
        self.problems = problems
        self.title: str | None = None
        self.sections: list[_Section] = []
        self.current: _Open | None = None
        self.out: list[RawQuestion] = []

    def topic(self) -> str | None:
        return next((s.topic for s in reversed(self.sections) if s.topic), None)

    def difficulty(self) -> Difficulty | None:
        return next((s.difficulty for s in reversed(self.sections) if s.difficulty), None)

    def push_section(self, level: int, text: str, is_topic: bool = True) -> None:
        while self.sections and self.sections[-1].level >= level:
            self.sections.pop()
        difficulty = _heading_difficulty(text)
        name = _topic_name(text)
        if content_key(name) in _NOT_TOPICS:
            name = ""
        topic = None if difficulty or not is_topic else (name or None)
        self.sections.append(_Section(level, topic, difficulty))

    def close(self) -> None:
        if self.current is not None:
            raw = _finish(self.current, self.problems)
            if raw is not None:
                self.out.append(raw)
        self.current = None

    def open(self, text: str, line: int, heading_level: int | None = None) -> _Open:
        self.close()
        prompt, difficulty = _prompt(text)
        self.current = _Open(
            prompt,
            line,
            self.topic(),
            difficulty or self.difficulty(),
            heading_level=heading_level,
        )
        return self.current

    # nodes -----------------------------------------------------------------------------------
    def _stray_heading_question(self, node: Node, nxt: Node | None) -> bool:
        """A heading asking a question (``### 3. What is X?``) with its answer under it, in a
        document whose questions have another shape."""
        text = clean_text(node.text)
        if not (text.endswith("?") or _NUMBERED.match(text)) or _heading_difficulty(text):
            return False
        if nxt is None or nxt.kind not in ("para", "block"):
            return False
        first = nxt.lines[0][1].strip() if nxt.kind == "para" and nxt.lines else ""
        bold_shape = self.shape is not None and self.shape.kind == "bold"
        return not _Q_MARK.match(first) and not (bold_shape and _bold_line(first))

    def heading(self, node: Node, nxt: Node | None = None) -> None:
        shape = self.shape
        text = node.text.strip()
        cleaned = clean_text(text)
        cur = self.current
        if cur is not None and _is_answer_heading(text) and not node.item:
            cur.add([(node.line, f"**{cleaned}**")])
            return
        if shape is not None and shape.kind == "list" and node.item:
            self.open(text, node.line, node.level)
            return
        if shape is not None and shape.kind == "heading" and not _heading_difficulty(text):
            matches = not shape.numbered or bool(_NUMBERED.match(cleaned))
            if shape.q_prefixed and _Q_PREFIXED.match(cleaned):
                self.open(text, node.line, node.level)
                return
            if node.level == shape.level and matches:
                self.open(text, node.line, node.level)
                return
            if cur is not None and node.level > shape.level:
                cur.add([(node.line, f"**{cleaned}**")])
                return
            if cur is not None and node.level == shape.level and not cur.variants:
                cur.add([(node.line, f"**{cleaned}**")])
                return
            self.close()
            if node.level == 1 and self.title is None:
                self.title = cleaned
            else:
                self.push_section(node.level, text, is_topic=node.level < shape.level)
            return
        if cur is not None and (
            node.in_item or (cur.heading_level is not None and node.level > cur.heading_level)
        ):
            cur.add([(node.line, f"**{cleaned}**")])
            return
        if not node.in_item and self._stray_heading_question(node, nxt):
            self.open(text, node.line, node.level)
            return
        self.close()
        if node.level == 1 and self.title is None:
            self.title = cleaned
        else:
            self.push_section(node.level, text)

    def para(self, node: Node, nxt: Node | None) -> None:
        shape = self.shape
        lines = node.lines
        first = lines[0][1].strip() if lines else ""
        if shape is not None and shape.kind == "list" and node.item:
            bold = _BOLD_START.match(first)
            if bold:
                self.open(bold.group("text"), node.line)
                rest = [(lines[0][0], bold.group("rest").strip())] if bold.group("rest") else []
                rest += lines[1:]
                if rest:
                    assert self.current is not None
                    self.current.add(rest, blank=False)
            else:
                self.open(" ".join(t for _, t in lines), node.line)
            return
        if shape is not None and shape.kind == "bold" and _NUM_MARKER.match(first):
            self.open(" ".join(t.strip() for _, t in lines), node.line)
            return
        k = 0
        pending: list[tuple[int, str]] = []
        added_block = False

        def flush() -> None:
            nonlocal pending, added_block
            if pending and self.current is not None:
                self.current.add(pending, blank=not added_block)
                added_block = True
            pending = []

        while k < len(lines):
            lineno, raw_line = lines[k]
            line = raw_line.strip()
            q = _Q_MARK.match(line)
            if q and q.group("text").strip(" *_"):
                flush()
                text = q.group("text")
                cur = self.open(_trim_bold(text), lineno)
                cur.continues = not line.startswith(("*", "_"))
                added_block = True
                k += 1
                continue
            a = _A_MARK.match(line)
            if a and self.current is not None and not _key([(lineno, line)]):
                flush()
                self.current.continues = False
                self.current.variants.append([])
                if a.group("text").strip():
                    self.current.variants[-1].append((lineno, a.group("text")))
                added_block = True
                k += 1
                continue
            bold_text = _bold_line(line)
            next_line = lines[k + 1][1].strip() if k + 1 < len(lines) else ""
            if bold_text is not None and (
                (_A_MARK.match(next_line) and not _key([(0, next_line)]))
                or (shape is not None and shape.kind == "bold" and k == 0)
            ):
                flush()
                self.open(bold_text, lineno)
                added_block = True
                k += 1
                continue
            now = self.current
            if (
                now is not None
                and now.continues
                and not now.variants
                and not now.pre
                and not pending
                and not now.prompt.rstrip().endswith("?")
            ):
                now.prompt = f"{now.prompt} {clean_text(line)}"
                k += 1
                continue
            if now is not None:
                now.continues = False
            pending.append((lineno, raw_line))
            k += 1
        flush()

    def details(self, node: Node) -> None:
        found = _details_summary(node)
        if found is None:
            self.problems.warn(node.line, "skipped a <details> block without a <summary>")
            return
        summary, body, summary_line = found
        if _summary_is_answer(clean_text(summary)):
            if self.current is not None:
                self.current.continues = False
                if self.current.variants:
                    self.current.add(body)
                else:
                    self.current.variants.append(list(body))
            return
        shape = self.shape
        question_like = clean_text(summary).rstrip().endswith("?") or (
            shape is not None and shape.kind == "details"
        )
        if question_like:
            self.open(summary, summary_line)
            assert self.current is not None
            self.current.variants.append(list(body))
            self.close()
            return
        if self.current is not None:
            self.current.add([(node.line, f"**{clean_text(summary)}**"), *body])

    def block(self, node: Node) -> None:
        if self.current is not None and any(
            t[:1] in _LABEL_START and (_A_MARK.match(t) or _Q_MARK.match(t)) for _, t in node.lines
        ):
            self.para(node, None)
            return
        if self.current is not None:
            self.current.continues = False
            self.current.add(node.lines)


def _trim_bold(text: str) -> str:
    text = text.strip()
    for _ in range(2):
        if text.endswith(("*", "_")):
            text = text[:-1]
    return text.rstrip()


def parse_markdown(
    text: str, problems: Problems
) -> tuple[str | None, list[RawQuestion], str | None]:
    """Parse a Markdown document: its title, raw questions and a sentence naming its shape."""
    with _collector_paused():
        return _parse_markdown(text, problems)


def _parse_markdown(
    text: str, problems: Problems
) -> tuple[str | None, list[RawQuestion], str | None]:
    reader = _Reader(text, problems)
    flat = reader.nodes(reader.root.children, 0, False)
    title_node = next((n for n in flat if n.kind == "heading" and n.level == 1), None)
    list_items = 0
    for tree in reader.root.children:
        tok = tree.tok
        if tok is not None and tok.type == "ordered_list_open" and _list_qualifies(tree, reader):
            list_items += sum(1 for item in tree.children if _item_is_question(item, reader))
    shape = _choose_shape(flat, list_items, title_node.line if title_node else None)
    if shape is not None and shape.kind == "list":
        reader.work = list(reader.lines)
        flat = reader.nodes(reader.root.children, 0, True)
    builder = _Builder(shape, problems)
    for n, node in enumerate(flat):
        nxt = flat[n + 1] if n + 1 < len(flat) else None
        if node.kind == "heading":
            builder.heading(node, nxt)
        elif node.kind == "para":
            builder.para(node, nxt)
        elif node.kind == "details":
            builder.details(node)
        else:
            builder.block(node)
    builder.close()
    return builder.title, builder.out, shape.describe() if shape else None
