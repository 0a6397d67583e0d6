"""A question typed into a Discord form (/question add, /question edit, /suggest), read by the
same rules as a bank file, so a form accepts exactly what an upload would."""

from __future__ import annotations

from dataclasses import dataclass

from bot.bank import cloze
from bot.bank.build import Problems, build_questions
from bot.bank.model import Question
from bot.bank.native import question_entry
from bot.bank.structured import read_native

RIGHT_MARK = "*"


@dataclass(frozen=True, slots=True)
class QuestionForm:
    """The form's fields as typed: choices one per line, the right one starting with ``*``;
    accepted typed answers one per line."""

    prompt: str
    answer: str = ""
    choices: str = ""
    accepted: str = ""

    @classmethod
    def of(cls, question: Question) -> QuestionForm:
        """The form filled in with ``question``, for an edit."""
        entry = question_entry(question)
        choices = entry.get("choices") or []
        return cls(
            prompt=question.prompt,
            answer=str(entry.get("answer", "")),
            choices="\n".join(
                (RIGHT_MARK if i == question.correct else "") + c for i, c in enumerate(choices)
            ),
            accepted="\n".join(question.aliases),
        )


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def read_form(
    form: QuestionForm,
    *,
    topic: str | None = None,
    difficulty: str | None = None,
    question_id: str | None = None,
    keep: Question | None = None,
) -> tuple[Question | None, list[str]]:
    """The question the form describes, or None and why (each reason one sentence).

    ``keep``: the question being edited, whose other fields (alternatives, rejects, body, topic
    and difficulty when not given) carry over.
    """
    if not form.prompt.strip():
        return None, ["Write the question."]
    if not (form.answer.strip() or form.choices.strip() or form.accepted.strip()) and not (
        cloze.is_cloze(form.prompt)
    ):
        return None, ["Give an answer, choices or accepted answers."]
    entry: dict[str, object] = {"prompt": form.prompt.strip(), "answer": form.answer.strip()}
    if keep is not None:
        entry.update(
            {
                k: v
                for k, v in question_entry(keep).items()
                if k in ("alternatives", "reject", "body")
            }
        )
        topic = topic if topic is not None else keep.topic
        difficulty = (
            difficulty
            if difficulty is not None
            else (keep.difficulty.value if keep.difficulty else None)
        )
    choices = _lines(form.choices)
    if choices:
        marked = [i for i, c in enumerate(choices) if c.startswith(RIGHT_MARK)]
        if len(marked) != 1:
            return None, [
                f"Mark exactly one choice as the right one by starting its line with "
                f"{RIGHT_MARK} (found {len(marked)})."
            ]
        entry["choices"] = [c.removeprefix(RIGHT_MARK).strip() for c in choices]
        entry["correct"] = marked[0]
    accepted = _lines(form.accepted)
    if accepted:
        entry["aliases"] = accepted
    if topic:
        entry["topic"] = topic
    if difficulty:
        entry["difficulty"] = difficulty
    if question_id is not None:
        entry["id"] = question_id
    warnings: list[str] = []
    errors: list[str] = []
    problems = Problems("form", warnings, errors)
    _, raws = read_native({"questions": [entry]}, problems)
    questions = build_questions(raws, problems) if raws else []
    reasons = [_sentence(e) for e in errors + warnings]
    if not questions:
        return None, reasons or ["The form holds no question."]
    return questions[0], []


def _sentence(problem: str) -> str:
    """A loader's problem ("form: question 1: 'choices' must ...") as a sentence for a form."""
    text = problem.removeprefix("form: ").removeprefix("form:1: ")
    text = text.removeprefix("question 1: ")
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")
