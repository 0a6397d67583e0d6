"""CSV question banks with a header row, as spreadsheets export them.

The header names the columns (case does not matter): ``question`` (or ``prompt``, ``front``),
``answer`` (or ``back``, ``solution``), and optionally ``choices`` (separated by ``|`` or ``;``),
``correct`` (the right choice's text, letter or 1-based number), ``topic`` (or ``category``,
``deck``), ``difficulty`` and ``accept`` (or ``aliases``: extra typed answers separated by ``|``).

Spreadsheet habits are understood: a BOM (removed when the file is decoded), Excel's ``sep=;``
first line, ``;`` or tab instead of ``,`` (chosen by which one splits the header into known
columns), and quoted cells spanning several lines.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator

from bot.bank.answer import parse_units
from bot.bank.build import Problems, RawQuestion
from bot.bank.model import parse_difficulty
from bot.bank.text import shorten

COLUMNS: dict[str, tuple[str, ...]] = {
    "question": ("question", "prompt", "front"),
    "answer": ("answer", "back", "solution"),
    "choices": ("choices", "options"),
    "correct": ("correct", "correct answer", "correct_answer"),
    "topic": ("topic", "category", "deck"),
    "difficulty": ("difficulty", "level"),
    "accept": ("accept", "aliases", "accepted answers", "accepted"),
}
_NAME_OF = {alias: name for name, aliases in COLUMNS.items() for alias in aliases}
DELIMITERS = (",", ";", "\t", "|")
_EXCEL_SEP = re.compile(r"^\s*sep=(.)\s*$", re.IGNORECASE)


def records(
    lines: list[str], first_line: int, delimiter: str, problems: Problems
) -> Iterator[tuple[int, list[str]]]:
    """Each CSV record of ``lines`` with the number of the line it starts on (blank ones skipped).

    A quoted cell that is never closed would swallow the rest of the file: that is an error
    naming the line it opens on, and the swallowed lines are not read as a question.
    """
    reader = csv.reader((line + "\n" for line in lines), delimiter=delimiter)
    consumed = 0
    while True:
        start = first_line + consumed
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problems.error(start, f"unreadable line: {exc}")
            return
        consumed = reader.line_num
        if row and row[-1].endswith("\n") and consumed == len(lines):
            end = len(lines) - next(n for n, line in enumerate(reversed(lines)) if line.strip())
            problems.error(
                start,
                f"a quoted cell opened on this line is never closed: lines {start}-"
                f"{first_line + end - 1} were not read (add the missing '\"')",
            )
            return
        if any(cell.strip() for cell in row):
            yield start, row


def _header_map(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for n, cell in enumerate(header):
        name = _NAME_OF.get(" ".join(cell.strip().lower().split()))
        if name and name not in found:
            found[name] = n
    return found


def has_header_row(text: str, delimiter: str) -> bool:
    """Whether the first line names a question column and an answer column (a ``.tsv`` saved
    from a spreadsheet rather than exported by Anki)."""
    first = next((line for line in text.split("\n", 50) if line.strip()), "")
    columns = _header_map(next(csv.reader([first], delimiter=delimiter), []))
    return "question" in columns and bool({"answer", "correct", "accept"} & columns.keys())


def _pick_delimiter(header_line: str) -> str:
    """The delimiter that splits the header into the most known column names (``,`` on a tie)."""

    def score(delimiter: str) -> int:
        cells = next(csv.reader([header_line], delimiter=delimiter), [])
        return len(_header_map(cells))

    return max(DELIMITERS, key=score)


def _split(cell: str, separators: str) -> list[str]:
    for sep in separators:
        if sep in cell:
            return [part.strip() for part in cell.split(sep) if part.strip()]
    return [cell.strip()] if cell.strip() else []


def _correct_index(value: str, choices: list[str]) -> int | None:
    """The right choice from its text, its letter (A, B, ...) or its 1-based number."""
    value = value.strip()
    if value in choices:
        return choices.index(value)
    folded = [c.casefold() for c in choices]
    if value.casefold() in folded:
        return folded.index(value.casefold())
    if len(value) == 1 and value.isalpha() and value.isascii():
        n = ord(value.upper()) - ord("A")
        return n if n < len(choices) else None
    if value.isdigit():
        n = int(value) - 1
        return n if 0 <= n < len(choices) else None
    return None


def read_csv(text: str, problems: Problems) -> list[RawQuestion]:
    """A CSV file with a header row; see the module's description and docs/banks.md."""
    lines = text.split("\n")
    first_line = 1
    # The header is the first non-blank line (after Excel's "sep=" line, when there is one).
    while first_line <= len(lines) and not lines[first_line - 1].strip():
        first_line += 1
    if first_line > len(lines):
        return []
    excel = _EXCEL_SEP.match(lines[first_line - 1])
    if excel:
        delimiter = excel.group(1)
        first_line += 1
        while first_line <= len(lines) and not lines[first_line - 1].strip():
            first_line += 1
        if first_line > len(lines):
            problems.error(None, "no header row: the file has only a 'sep=' line")
            return []
    else:
        delimiter = _pick_delimiter(lines[first_line - 1])

    rows = records(lines[first_line - 1 :], first_line, delimiter, problems)
    try:
        header_line, header = next(rows)
    except StopIteration:
        return []
    columns = _header_map(header)
    if "question" not in columns:
        problems.error(
            header_line,
            "no header row: the first line must name the columns, e.g. 'question,answer' "
            f"(found {shorten(', '.join(c.strip() for c in header), 60)!r})",
        )
        return []
    if not {"answer", "correct", "accept"} & columns.keys():
        problems.error(
            header_line,
            "no answer column: name one 'answer' (or 'back', 'solution'), 'correct' or 'accept'",
        )
        return []
    unknown = [c.strip() for n, c in enumerate(header) if n not in columns.values() and c.strip()]
    if unknown:
        problems.warn(header_line, f"ignored column(s) {', '.join(map(repr, unknown))}")

    raws: list[RawQuestion] = []
    for line, row in rows:
        raw = _read_row(row, columns, line, problems)
        if raw is not None:
            raws.append(raw)
    return raws


def _read_row(
    row: list[str], columns: dict[str, int], line: int, problems: Problems
) -> RawQuestion | None:
    def cell(name: str) -> str:
        n = columns.get(name)
        return row[n].strip() if n is not None and n < len(row) else ""

    prompt = cell("question")
    if not prompt:
        problems.warn(line, "skipped a row without a question")
        return None
    label = f"question {shorten(prompt, 50)!r}"
    answer, correct_text = cell("answer"), cell("correct")
    accept = _split(cell("accept"), "|")
    choices = _split(cell("choices"), "|;")
    if not answer and not correct_text and not accept:
        problems.warn(line, f"skipped {label}: it has no answer or correct choice")
        return None
    correct: int | None = None
    if choices:
        if len(choices) < 2:
            problems.error(line, f"{label}: 'choices' needs at least 2 choices separated by '|'")
            return None
        correct = _correct_index(correct_text or answer, choices)
        if correct is None:
            problems.error(
                line,
                f"{label}: 'correct' ({correct_text or answer!r}) must be one of the choices, "
                f"its letter (A-{chr(64 + min(len(choices), 26))}) or its number "
                f"(1-{len(choices)})",
            )
            return None
    elif correct_text and not answer:
        answer = correct_text
    difficulty_text = cell("difficulty")
    difficulty = parse_difficulty(difficulty_text)
    if difficulty_text and difficulty is None:
        problems.warn(line, f"{label}: unknown difficulty {difficulty_text!r} ignored")
    aliases = ([answer] if answer and accept else []) + accept
    return RawQuestion(
        prompt=prompt,
        line=line,
        answers=[parse_units(answer.split("\n"))] if answer else [],
        topic=cell("topic") or None,
        difficulty=difficulty,
        choices=tuple(choices) if choices else None,
        correct=correct,
        aliases=tuple(dict.fromkeys(aliases)),
    )
