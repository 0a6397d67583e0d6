"""Plain-text Q&A files: ``Question: ...`` / ``Answer: ...`` (or ``Solution:``) blocks.

Recognised labels, in any case, at the start of a line:

- question: ``Question:``, ``Question 12:``, ``Question 12.``, ``Q:``, ``Q12.``, ``Q12)``;
- answer: ``Answer:``, ``Ans:``, ``Solution:``, ``A:``, ``A12.`` (a bare ``A.`` or ``A)`` is a
  choice of a multiple-choice question, not an answer).

A question or an answer goes on until the next label, so both may be wrapped over several lines
(wrapped lines are joined; a blank line or a list item starts a new paragraph in an answer);
blank lines between blocks are optional. Text before the first question (a title) is ignored.
A second answer to the same question is another version of its answer (see
:func:`bot.bank.build.build_questions`).
"""

from __future__ import annotations

import re

from bot.bank.answer import parse_units
from bot.bank.build import Problems, RawQuestion

_NUMBER = r"(?:\s*#?\s*\d+)"
_QUESTION = re.compile(
    rf"^\s*(?:question{_NUMBER}?\s*[:.)]|q(?:{_NUMBER}\s*[:.)]|\s*:))\s*(?P<text>.*)$",
    re.IGNORECASE,
)
_ANSWER = re.compile(
    rf"^\s*(?:(?:answer|ans|solution){_NUMBER}?\s*[:.)]|a(?:{_NUMBER}\s*[:.)]|\s*:))\s*(?P<text>.*)$",
    re.IGNORECASE,
)
# Markdown structure: when it outweighs the labels, the Markdown reader reads the file.
_MARKDOWN = re.compile(r"^\s*(?:#{1,6}\s|\*\*|__|<details|```|~~~|\d+\.\s+\*\*)", re.IGNORECASE)
_LIST_ITEM = re.compile(r"^\s*(?:[*+-]|\d{1,3}[.)])\s+\S")
_LONG_LABEL = re.compile(r"^\s*(?:question|solution|answer|q\s*#?\s*\d)", re.IGNORECASE)


def is_plaintext(text: str) -> bool:
    """``Question:``/``Answer:``/``Solution:`` labels dominate and Markdown structure is rare.

    A file of short ``Q:``/``A:`` lines under Markdown headings stays Markdown (headings give
    it topics and difficulties); the same lines without Markdown structure are plain text.
    """
    questions = answers = long_labels = markdown = 0
    for line in text.split("\n"):
        if _QUESTION.match(line):
            questions += 1
        elif _ANSWER.match(line):
            answers += 1
        else:
            markdown += bool(_MARKDOWN.match(line))
            continue
        long_labels += bool(_LONG_LABEL.match(line))
    if not questions or not answers:
        return False
    return markdown == 0 or long_labels > markdown


def _unwrap(lines: list[str]) -> list[str]:
    """Join lines wrapped inside a paragraph or list item; a blank line or an item starts anew."""
    if any(line.lstrip().startswith(("```", "~~~")) for line in lines):
        return lines  # code keeps its lines
    out: list[str] = []
    for line in lines:
        if out and out[-1].strip() and line.strip() and not _LIST_ITEM.match(line):
            out[-1] = f"{out[-1].rstrip()} {line.strip()}"
        else:
            out.append(line)
    return out


def read_plaintext(text: str, problems: Problems) -> list[RawQuestion]:
    raws: list[RawQuestion] = []
    current: RawQuestion | None = None
    prompt_lines: list[str] = []
    answer_lines: list[str] | None = None

    def finish_answer() -> None:
        nonlocal answer_lines
        if current is not None and answer_lines is not None:
            units = parse_units(_unwrap(answer_lines))
            if units:  # an empty answer leaves the question without one: build skips it
                current.answers.append(units)
        answer_lines = None

    for n, line in enumerate(text.split("\n"), start=1):
        q = _QUESTION.match(line)
        a = _ANSWER.match(line) if q is None else None
        if q:
            finish_answer()
            current = RawQuestion(prompt="", line=n)
            raws.append(current)
            prompt_lines = [q.group("text")]
            current.prompt = q.group("text")
        elif a:
            finish_answer()
            if current is None:
                problems.warn(n, "an answer without a question before it: ignored")
                continue
            answer_lines = [a.group("text")]
        elif answer_lines is not None:
            answer_lines.append(line)
        elif current is not None and line.strip():  # a question wrapped over several lines
            prompt_lines.append(line)
            current.prompt = "\n".join(prompt_lines)
    finish_answer()
    return raws
