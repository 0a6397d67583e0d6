"""The item: one way of asking a question, as plain data that can be stored with a post."""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass


class Kind(enum.StrEnum):
    RECALL = "recall"  # the prompt alone; the member reveals key points and grades themselves
    WHICH_ONE = "which_one"  # one list entry's description; the same list's labels as options
    WHICH_DESCRIPTION = "which_description"  # the reverse: a label; descriptions as options
    SUMMARY = "summary"  # the answer's summary against other answers' (only when leak-free)
    CHOICE = "choice"  # the bank's own options
    TRUE_FALSE = "true_false"  # the bank's own statement, true or false
    CLOZE = "cloze"  # a gap written as {{c1::...}}, typed
    TYPED = "typed"  # a short typed answer with the bank's accepted spellings


CHOICE_KINDS = frozenset(
    (Kind.WHICH_ONE, Kind.WHICH_DESCRIPTION, Kind.SUMMARY, Kind.CHOICE, Kind.TRUE_FALSE)
)
TYPED_KINDS = frozenset((Kind.CLOZE, Kind.TYPED))


class Format(enum.StrEnum):
    """What a schedule or a caller asks for: the best item, a choice item, or recall."""

    AUTO = "auto"
    CHOICE = "choice"
    RECALL = "recall"


@dataclass(frozen=True, slots=True)
class Item:
    """How a question is asked.

    ``prompt`` is what the member reads (Markdown): the question's own prompt, or for derived
    kinds the sentence built for the item. ``explains[i]`` says what option ``i`` actually
    describes ("the answer to: What are diffusion models?"), so that a wrong pick teaches;
    ``answer`` is the right answer in short and unmasked, for feedback. ``variant`` names which
    list entry or gap the item was built from, so the same item can be told apart later.
    """

    kind: Kind
    question_id: str
    prompt: str
    options: tuple[str, ...] | None = None
    correct: int | None = None
    explains: tuple[str, ...] | None = None
    answer: str = ""
    accepted: tuple[str, ...] = ()
    rejects: tuple[str, ...] = ()
    key_points: tuple[str, ...] = ()
    variant: str = ""

    @property
    def is_choice(self) -> bool:
        return self.kind in CHOICE_KINDS and self.options is not None and self.correct is not None

    @property
    def is_typed(self) -> bool:
        return self.kind in TYPED_KINDS

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind.value,
            "question_id": self.question_id,
            "prompt": self.prompt,
            "options": list(self.options) if self.options is not None else None,
            "correct": self.correct,
            "explains": list(self.explains) if self.explains is not None else None,
            "answer": self.answer,
            "accepted": list(self.accepted),
            "rejects": list(self.rejects),
            "key_points": list(self.key_points),
            "variant": self.variant,
        }

    def dumps(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def loads(cls, text: str) -> Item:
        """An item stored with a post or quiz question (``ValueError`` when it is not one)."""
        try:
            data = json.loads(text)
            options = data.get("options")
            explains = data.get("explains")
            return cls(
                kind=Kind(data["kind"]),
                question_id=str(data["question_id"]),
                prompt=str(data["prompt"]),
                options=tuple(str(o) for o in options) if options is not None else None,
                correct=int(data["correct"]) if data.get("correct") is not None else None,
                explains=tuple(str(e) for e in explains) if explains is not None else None,
                answer=str(data.get("answer", "")),
                accepted=tuple(str(a) for a in data.get("accepted", ())),
                rejects=tuple(str(r) for r in data.get("rejects", ())),
                key_points=tuple(str(k) for k in data.get("key_points", ())),
                variant=str(data.get("variant", "")),
            )
        except (KeyError, TypeError, AttributeError, json.JSONDecodeError) as exc:
            raise ValueError(f"not a stored item: {exc}") from exc
