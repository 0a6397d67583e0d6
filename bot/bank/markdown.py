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

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_Q_MARK = re.compile(
    r"^[*_]{0,2}(?:Q|Question)\s*#?\s*\d*\s*[*_]{0,2}\s*[:.)][*_]{0,2}\s*(?P<text>.*?)\s*[*_]{0,2}\s*$",
    re.IGNORECASE,
)
_A_MARK = re.compile(
    r"^[*_]{0,2}(?:A|Ans|Answer)\s*\d*\s*[*_]{0,2}\s*:[*_]{0,2}\s*(?P<text>.*)$", re.IGNORECASE
)
_BOLD_ONLY = re.compile(r"^(\*\*|__)(?P<text>.+?)\1\s*$")
_LIST_QUESTION = re.compile(r"^(?P<num>\d{1,3}[.)]|[*+-])\s+(\*\*|__)(?P<q>.+?)\2\s*(?P<rest>.*)$")
_NUMBERED = re.compile(r"^\d{1,3}[.)]\s+")
_FENCE = re.compile(r"^\s*(```|~~~)")
_DIFFICULTY_HEADING = re.compile(
    r"^(?:(?:level )?\d+ )?(?P<word>basic|beginner|easy|intermediate|medium|advanced|hard|expert)s?"
    r"(?: (?:level|questions?|concepts|topics))?$"
)
_TAG = re.compile(r"<[^>]+>")


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

    def _next_nonblank(self, i: int) -> str:
        for line in self.lines[i + 1 :]:
            if line.strip():
                return line
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
            j = i + 1
            while j < len(self.lines) and not self.lines[j].strip().startswith(fence.group(1)):
                j += 1
            for k in range(i, min(j + 1, len(self.lines))):
                self.buffer.append(self._dedent(self.lines[k]))
            return j + 1

        if stripped.lower().startswith("<details"):
            return self._details(i)

        heading = _HEADING.match(stripped) if not raw.startswith((" ", "\t")) else None
        if heading:
            level, text = len(heading.group(1)), heading.group(2)
            q = _Q_MARK.match(text)
            prompt = q.group("text") if q else text
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
        if q and q.group("text"):
            self._open(q.group("text"), lineno)
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
        block: list[str] = []
        while i < len(self.lines):
            block.append(self.lines[i])
            if "</details>" in self.lines[i].lower():
                break
            i += 1
        else:
            self.problems.warn(start + 1, "a <details> block is never closed; read to the end")
        text = "\n".join(block)
        summary = re.search(r"<summary[^>]*>(.*?)</summary>", text, re.IGNORECASE | re.DOTALL)
        if not summary:
            self.problems.warn(start + 1, "skipped a <details> block without a <summary>")
            return i + 1
        prompt = " ".join(_TAG.sub(" ", summary.group(1)).split())
        body = text[summary.end() :]
        body = re.sub(r"</details>.*", "", body, flags=re.IGNORECASE | re.DOTALL)
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
