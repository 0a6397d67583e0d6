"""A bank written back in this bot's own YAML (docs/banks.md), with each question's id.

Reading the file again gives the same questions with the same ids: a group can export a bank,
edit it in a text editor and upload it again without losing its members' history.
"""

from __future__ import annotations

from typing import Any

import yaml

from bot.bank import cloze
from bot.bank.model import Bank, Question


class _Dumper(yaml.SafeDumper):
    pass


def _text(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    # Answers are Markdown over several lines: a literal block keeps them readable
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _text)


def _explanation(question: Question) -> str:
    """What the author wrote as the answer: a cloze's answer starts with its filled-in text,
    which the loader adds again."""
    if not cloze.is_cloze(question.prompt):
        return question.answer
    filled = cloze.filled(question.prompt, bold=True)
    if question.answer.startswith(filled):
        return question.answer[len(filled) :].lstrip("\n")
    return question.answer


def question_entry(question: Question) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": question.id, "prompt": question.prompt}
    if question.body:
        entry["body"] = question.body
    explanation = _explanation(question)
    if explanation:
        entry["answer"] = explanation
    if question.alternatives:
        entry["alternatives"] = list(question.alternatives)
    if question.choices is not None and question.correct is not None:
        entry["choices"] = list(question.choices)
        entry["correct"] = question.correct
    if question.aliases:
        entry["aliases"] = list(question.aliases)
    if question.rejects:
        entry["reject"] = list(question.rejects)
    if question.topic:
        entry["topic"] = question.topic
    if question.difficulty:
        entry["difficulty"] = question.difficulty.value
    return entry


def dump_native(bank: Bank) -> str:
    data = {"name": bank.name, "questions": [question_entry(q) for q in bank.questions]}
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100, indent=2)
