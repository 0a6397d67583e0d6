"""The question model shared by every bank format.

Nothing here imports discord: a question is plain data, so loaders, choice generation and
the scoring code are tested without a client.
"""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass, field

from bot.bank.text import content_key, prompt_key


class Difficulty(enum.StrEnum):
    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"


DIFFICULTY_WORDS: dict[str, Difficulty] = {
    "basic": Difficulty.EASY,
    "beginner": Difficulty.EASY,
    "easy": Difficulty.EASY,
    "intermediate": Difficulty.MEDIUM,
    "medium": Difficulty.MEDIUM,
    "advanced": Difficulty.HARD,
    "hard": Difficulty.HARD,
    "expert": Difficulty.HARD,
}


def parse_difficulty(value: object) -> Difficulty | None:
    """Map a bank's difficulty word (Basic, Intermediate, hard, ...) to the model's scale."""
    if value is None:
        return None
    return DIFFICULTY_WORDS.get(str(value).strip().lower())


def question_id(prompt: str, body: str = "") -> str:
    """A stable id from the normalised prompt: reordering or reloading a file keeps it.

    ``body`` is given only where two different questions of a bank share a prompt ("What's the
    output?" above different code): then the body tells them apart.
    """
    return question_id_of_keys(prompt_key(prompt), content_key(body) if body else None)


def question_id_of_keys(prompt_key: str, body_key: str | None = None) -> str:
    """:func:`question_id` from the prompt's :func:`prompt_key` and, if the body is given, the
    body's :func:`content_key`, for a caller that has computed them already."""
    key = prompt_key if body_key is None else f"{prompt_key}\n{body_key}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    prompt: str
    answer: str
    source: str
    alternatives: tuple[str, ...] = ()
    topic: str | None = None
    difficulty: Difficulty | None = None
    choices: tuple[str, ...] | None = None
    correct: int | None = None
    aliases: tuple[str, ...] = ()
    rejects: tuple[str, ...] = ()  # near misses refused when typed (GELU for ReLU)
    body: str = ""  # Markdown shown under the prompt: code, images, statements

    @property
    def has_choices(self) -> bool:
        return self.choices is not None and self.correct is not None

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "prompt": self.prompt,
            "body": self.body,
            "answer": self.answer,
            "alternatives": list(self.alternatives),
            "topic": self.topic,
            "difficulty": self.difficulty.value if self.difficulty else None,
            "choices": list(self.choices) if self.choices is not None else None,
            "correct": self.correct,
            "aliases": list(self.aliases),
            "rejects": list(self.rejects),
            "source": self.source,
        }

    @classmethod
    def from_json(cls, data: dict[str, object], source: str) -> Question:
        """The question :meth:`to_json` wrote (``source`` says where it is kept now)."""

        def texts(key: str) -> tuple[str, ...]:
            value = data.get(key)
            return tuple(str(v) for v in value) if isinstance(value, list) else ()

        choices = data.get("choices")
        correct = data.get("correct")
        topic = data.get("topic")
        return cls(
            id=str(data["id"]),
            prompt=str(data["prompt"]),
            body=str(data.get("body") or ""),
            answer=str(data.get("answer") or ""),
            alternatives=texts("alternatives"),
            topic=str(topic) if topic else None,
            difficulty=parse_difficulty(data.get("difficulty")),
            choices=texts("choices") if isinstance(choices, list) else None,
            correct=correct if isinstance(correct, int) else None,
            aliases=texts("aliases"),
            rejects=texts("rejects"),
            source=source,
        )


@dataclass(slots=True)
class Bank:
    """A named set of questions. ``key`` is the file stem, used to refer to the bank in settings."""

    key: str
    name: str
    questions: list[Question] = field(default_factory=list)
    owner: int | None = None  # the server whose bank it is; None: the operator's, shared
    _by_id: dict[str, Question] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id = {q.id: q for q in self.questions}

    def topics(self) -> list[str]:
        return sorted({q.topic for q in self.questions if q.topic})

    def get(self, qid: str) -> Question | None:
        return self._by_id.get(qid)
