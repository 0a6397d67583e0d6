"""Markdown Q&A documents, in the shapes people actually write them.

Recognised question shapes (they may be mixed in one file):

- ``**Q1: What is X?**`` or ``**Q:** What is X?`` then ``**A:** ...`` (a second ``A:`` is a
  variant: a copy, or an alternative explanation);
- plain ``Q: ...`` / ``A: ...`` lines, answers spanning lines;
- one heading per question (``### 3. What is X?``), the answer being everything below it;
- numbered list items with a bold question (``1. **What is X?**``) and an indented answer;
- ``<details><summary>Question</summary> answer </details>`` blocks.

Headings named Basic/Beginner/Easy, Intermediate/Medium, Advanced/Hard/Expert set the difficulty of
what follows; other section headings set the topic; the first level-1 heading names the bank.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.bank.answer import parse_units
from bot.bank.build import Problems, RawQuestion
from bot.bank.model import Difficulty, parse_difficulty
from bot.bank.text import content_key, plain

# No pattern below has two unbounded quantifiers that can match the same text next to each other
# (like ``\s*#?\s*``): on a long run of spaces or stars those backtrack in cubic time (a 3 KB
# line took minutes). Optional parts are grouped with what must follow them, and trailing
# markup is trimmed in Python (``_trim``) rather than by a lazy ``.*?`` followed by ``\s*$``.
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_Q_MARK = re.compile(
    r"^[*_]{0,2}(?:Q|Question)\s*(?:#\s*)?(?:\d+\s*)?(?:[*_]{1,2}\s*)?[:.)][*_]{0,2}\s*(?P<text>.*)$",
    re.IGNORECASE,
)
_A_MARK = re.compile(
    r"^[*_]{0,2}(?:A|Ans|Answer)\s*(?:\d+\s*)?(?:[*_]{1,2}\s*)?:[*_]{0,2}\s*(?P<text>.*)$",
    re.IGNORECASE,
)
_BOLD_ONLY = re.compile(r"^(\*\*|__)(?P<text>.+?)\1\s*$")
_LIST_QUESTION = re.compile(r"^(?P<num>\d{1,3}[.)]|[*+-])\s+(\*\*|__)(?P<q>.+?)\2\s*(?P<rest>.*)$")
_NUMBERED = re.compile(r"^\d{1,3}[.)]\s+")
_FENCE = re.compile(r"^\s*(```|~~~)")
_DIFFICULTY_HEADING = re.compile(
    r"^(?:(?:level )?\d+ )?(?P<word>basic|beginner|easy|intermediate|medium|advanced|hard|expert)s?"
    r"(?: (?:level|questions?|concepts|topics))?$"
)
_TAG = re.compile(r"<[^<>]+>")
_SUMMARY = re.compile(r"<summary[^<>]*>", re.IGNORECASE)
_SUMMARY_END = re.compile(r"</summary>", re.IGNORECASE)
_DETAILS_END = re.compile(r"</details>", re.IGNORECASE)


def _trim(text: str, chars: str) -> str:
    """``text`` without surrounding whitespace and at most two trailing ``chars``."""
    text = text.strip()
    for _ in range(2):
        if text.endswith(tuple(chars)):
            text = text[:-1]
    return text.rstrip()


def _q_text(match: re.Match[str]) -> str:
    return _trim(match.group("text"), "*_")


def _is_question_text(text: str) -> bool:
    return plain(text).rstrip().endswith("?")


def _heading_difficulty(text: str) -> Difficulty | None:
    m = _DIFFICULTY_HEADING.match(content_key(text))
    return parse_difficulty(m.group("word")) if m else None


def _topic_name(text: str) -> str:
    return plain(_NUMBERED.sub("", text)).rstrip(":").strip()


@dataclass(slots=True)
class _Section:
    level: int
    topic: str | None
    difficulty: Difficulty | None


class _Parser:
    def __init__(self, lines: list[str], problems: Problems) -> None:
        self.lines = lines
        self.problems = problems
        self.title: str | None = None
        self.sections: list[_Section] = []
        self.out: list[RawQuestion] = []
        self.current: RawQuestion | None = None
        self.current_heading_level: int | None = None  # set for heading-shaped questions
        self.answer_indent = 0  # for numbered-list questions
        self.buffer: list[str] = []
        self.buffer_line = 0
        # Where the last line that could close a block is: a block opened after it is never
        # closed, which is known at once instead of by reading to the end of the file again.
        self.last_closer: dict[str, int] = {}
        for n, line in enumerate(lines):
            fence = _FENCE.match(line)
            if fence:
                self.last_closer[fence.group(1)] = n
            if "</details>" in line.lower():
                self.last_closer["</details>"] = n

    # context -------------------------------------------------------------
    def _topic(self) -> str | None:
        return next((s.topic for s in reversed(self.sections) if s.topic), None)

    def _difficulty(self) -> Difficulty | None:
        return next((s.difficulty for s in reversed(self.sections) if s.difficulty), None)

    def _push_section(self, level: int, text: str) -> None:
        while self.sections and self.sections[-1].level >= level:
            self.sections.pop()
        difficulty = _heading_difficulty(text)
        topic = None if difficulty else (_topic_name(text) or None)
        self.sections.append(_Section(level, topic, difficulty))

    # questions -----------------------------------------------------------
    def _flush_answer(self) -> None:
        if self.current is not None and any(s.strip() for s in self.buffer):
            self.current.answers.append(parse_units(self.buffer))
        self.buffer = []

    def _close(self) -> None:
        self._flush_answer()
        q = self.current
        if q is not None:
            if not q.answers and self.current_heading_level is not None:
                # A numbered heading with nothing below it is a section, not a question.
                self._push_section(self.current_heading_level, q.prompt)
            else:
                self.out.append(q)
        self.current = None
        self.current_heading_level = None
        self.answer_indent = 0

    def _open(self, prompt: str, line: int, heading_level: int | None = None) -> None:
        self._close()
        self.current = RawQuestion(
            prompt=prompt, line=line, topic=self._topic(), difficulty=self._difficulty()
        )
        self.current_heading_level = heading_level

    def _start_variant(self, text: str) -> None:
        self._flush_answer()
        if text.strip():
            self.buffer.append(text)

    def _block_end(self, i: int, closer: str, what: str) -> tuple[int, bool]:
        """The line that ends the block opened on line ``i`` and whether it is its closing line.

        A block never closed ends at the next blank line, with a warning: read to the end of
        the file, it would swallow every later question.
        """
        if self.last_closer.get(closer, -1) > i:
            return i + 1, True
        j = i + 1
        while j < len(self.lines) and self.lines[j].strip():
            j += 1
        self.problems.warn(
            i + 1, f"{what} opened here is never closed; it was ended at the next blank line"
        )
        return j, False

    def _next_nonblank(self, i: int) -> str:
        for j in range(i + 1, len(self.lines)):  # no copy of the rest: called once a line
            if self.lines[j].strip():
                return self.lines[j]
        return ""

    # main loop -----------------------------------------------------------
    def parse(self) -> list[RawQuestion]:
        i = 0
        while i < len(self.lines):
            i = self._line(i)
        self._close()
        return self.out

    def _line(self, i: int) -> int:
        raw = self.lines[i]
        lineno = i + 1
        stripped = raw.strip()

        if _FENCE.match(raw) and self.current is not None:
            fence = _FENCE.match(raw)
            assert fence is not None
            j, closed = self._block_end(i, fence.group(1), f"a code block ({fence.group(1)})")
            if closed:
                while not self.lines[j].strip().startswith(fence.group(1)):
                    j += 1
            for k in range(i, min(j + 1, len(self.lines)) if closed else j):
                self.buffer.append(self._dedent(self.lines[k]))
            if not closed:
                self.buffer.append(fence.group(1))
                return j
            return j + 1

        if stripped.lower().startswith("<details"):
            return self._details(i)

        heading = _HEADING.match(stripped) if not raw.startswith((" ", "\t")) else None
        if heading:
            level = len(heading.group(1))
            text = heading.group(2).strip().rstrip("#").rstrip()  # without closing #s
            q = _Q_MARK.match(text)
            prompt = _q_text(q) if q else text
            is_question = bool(q) or (
                _heading_difficulty(text) is None
                and (_is_question_text(text) or bool(_NUMBERED.match(text)))
            )
            if (
                self.current_heading_level is not None
                and level > self.current_heading_level
                and not is_question
            ):
                self.buffer.append(f"**{plain(text)}**")  # a sub-heading of the answer
                return i + 1
            if is_question:
                self._open(prompt, lineno, heading_level=level)
                return i + 1
            self._close()
            if level == 1 and self.title is None:
                self.title = plain(text)
            else:
                self._push_section(level, text)
            return i + 1

        q = _Q_MARK.match(stripped) if not raw.startswith((" ", "\t")) else None
        if q and _q_text(q):
            self._open(_q_text(q), lineno)
            return i + 1

        a = _A_MARK.match(stripped) if not raw.startswith((" ", "\t")) else None
        if a and self.current is not None:
            self._start_variant(a.group("text"))
            return i + 1

        bold = _BOLD_ONLY.match(stripped) if not raw.startswith((" ", "\t")) else None
        if bold and (
            _A_MARK.match(self._next_nonblank(i).strip())
            or (_is_question_text(bold.group("text")) and self.current_heading_level is None)
        ):
            self._open(bold.group("text"), lineno)
            return i + 1

        listed = _LIST_QUESTION.match(raw)
        if listed and _is_question_text(listed.group("q")):
            self._open(listed.group("q"), lineno)
            self.answer_indent = len(raw) - len(raw.lstrip()) + len(listed.group("num")) + 1
            if listed.group("rest"):
                self.buffer.append(listed.group("rest"))
            return i + 1

        if self.current is not None:
            self.buffer.append(self._dedent(raw))
        elif stripped and not _TAG.fullmatch(stripped):
            self._stray(lineno, stripped)
        return i + 1

    def _dedent(self, line: str) -> str:
        if not self.answer_indent:
            return line
        width = len(line) - len(line.lstrip(" "))
        return line[min(width, self.answer_indent) :]

    def _stray(self, lineno: int, text: str) -> None:
        if self.out or self.sections:
            self.problems.warn(lineno, f"ignored text outside any question: {plain(text)[:60]!r}")

    def _details(self, i: int) -> int:
        start = i
        one_line = "</details>" in self.lines[i].lower()
        end, closed = (
            (i + 1, True) if one_line else self._block_end(i, "</details>", "a <details> block")
        )
        if closed:
            while "</details>" not in self.lines[i].lower():
                i += 1
        else:
            i = end - 1
        text = "\n".join(self.lines[start : i + 1])
        opening = _SUMMARY.search(text)
        closing = _SUMMARY_END.search(text, opening.end()) if opening else None
        if opening is None or closing is None:
            self.problems.warn(start + 1, "skipped a <details> block without a <summary>")
            return i + 1
        prompt = " ".join(_TAG.sub(" ", text[opening.end() : closing.start()]).split())
        body = text[closing.end() :]
        details_end = _DETAILS_END.search(body)
        body = body if details_end is None else body[: details_end.start()]
        self._open(prompt, start + 1)
        body_lines = body.split("\n")
        indents = [len(b) - len(b.lstrip()) for b in body_lines if b.strip()]
        cut = min(indents, default=0)
        self.buffer.extend(b[cut:] for b in body_lines)
        self._close()
        return i + 1


def parse_markdown(text: str, problems: Problems) -> tuple[str | None, list[RawQuestion]]:
    """Parse a Markdown document; returns its title (first level-1 heading) and raw questions."""
    parser = _Parser(text.split("\n"), problems)
    questions = parser.parse()
    return parser.title, questions
