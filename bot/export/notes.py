"""What an export holds: one note per question, in the order a learner should study them, and
the same notes as CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.bank.model import Bank, Question

CSV_COLUMNS = ("id", "prompt", "body", "answer", "topic", "difficulty", "missed", "due")
# A spreadsheet runs a cell that starts with one of these as a formula; a bank is untrusted.
# A Markdown list's "- " is left alone: it is the common case and no formula.
_FORMULA_STARTS = ("=", "+", "@", "\t", "\r")


@dataclass(frozen=True, slots=True)
class ExportNote:
    """One question as exported. ``prompt``, ``body`` and ``answer`` are Markdown; ``missed``
    and ``due`` put a member's weak questions first."""

    id: str
    prompt: str
    answer: str
    body: str = ""
    topic: str | None = None
    difficulty: str | None = None
    missed: bool = False
    due: bool = False

    @classmethod
    def of_question(
        cls, question: Question, *, missed: bool = False, due: bool = False
    ) -> ExportNote:
        return cls(
            id=question.id,
            prompt=question.prompt,
            answer=question.answer,
            body=question.body,
            topic=question.topic,
            difficulty=question.difficulty.value if question.difficulty else None,
            missed=missed,
            due=due,
        )


def bank_notes(bank: Bank) -> list[ExportNote]:
    return [ExportNote.of_question(q) for q in bank.questions]


def study_order(notes: Iterable[ExportNote]) -> list[ExportNote]:
    """Missed questions first, then due ones, then the rest, each group in its given order."""
    return sorted(notes, key=lambda note: (not note.missed, not note.due))


def _cell(text: str) -> str:
    formula = text.startswith(_FORMULA_STARTS) or (text[:1] == "-" and text[:2] != "- ")
    return "'" + text if formula else text


def csv_export(notes: Sequence[ExportNote]) -> str:
    """The notes as CSV with a header row, in study order; the text columns are Markdown."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for note in study_order(notes):
        writer.writerow(
            [
                note.id,
                _cell(note.prompt),
                _cell(note.body),
                _cell(note.answer),
                _cell(note.topic or ""),
                note.difficulty or "",
                "yes" if note.missed else "",
                "yes" if note.due else "",
            ]
        )
    return out.getvalue()
