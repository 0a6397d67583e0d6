"""Multiple choice for every question: explicit choices as they are, or options from answers.

Most real banks carry paragraphs, not one-word answers. For a question without explicit choices,
the right option is a short summary of its own answer (the labels of its bullet list, or its
first sentence) and the wrong options are summaries of other answers in the same bank: same topic
and same shape (list or sentence) and similar length preferred, near-duplicates of the right
option never used, and each question's own key term masked so that an option does not give the
answer away. The result is a pure function of (bank, question, seed): every member sees the same
options in the same order, also after a restart.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from bot.bank.answer import Unit, parse_units
from bot.bank.model import Bank, Question
from bot.bank.text import content_key, plain, shorten

MAX_OPTIONS = 4
MAX_OPTION_CHARS = 150
MASK = "___"

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(])")
_LABEL = re.compile(r"^\*\*(.+?)\*\*|^__(.+?)__")
_PARENTHESIS = re.compile(r"\s*\([^)]*\)")
_QUOTED = re.compile(r"[\"“”']([^\"“”']{2,60})[\"“”']")
_TERM_PATTERNS = (
    re.compile(
        r"^(?:what|who) (?:is|are|was|were) (?:an? |the )?(?P<t>.+?)(?:\?|,| and | in | for |$)",
        re.I,
    ),
    re.compile(
        r"^(?:define|describe|explain)(?: the)?(?: concept of| term)? (?:an? |the )?"
        r"(?P<t>.+?)(?: and |,|\?|\.|$)",
        re.I,
    ),
    re.compile(r"^how (?:does|do) (?P<t>.+?) work", re.I),
)
_STOP = frozenset(
    (
        "a an the of to in on for and or is are be by with as at it its this that from can "
        "such like e g i"
    ).split()
)


@dataclass(frozen=True, slots=True)
class MultipleChoice:
    options: tuple[str, ...]
    correct: int


@dataclass(frozen=True, slots=True)
class Summary:
    question_id: str
    text: str
    shape: str  # "list" or "sentence"
    topic: str | None
    words: frozenset[str]


def key_term(prompt: str) -> str | None:
    """The term a question asks about: "latent space" in a prompt that quotes it."""
    text = plain(prompt)
    quoted = _QUOTED.search(text)
    if quoted:
        return quoted.group(1).strip()
    for pattern in _TERM_PATTERNS:
        m = pattern.search(text)
        if m:
            term = m.group("t").strip(" ?.,")
            if 0 < len(term.split()) <= 6:
                return term
    return None


def mask(text: str, term: str | None) -> str:
    if not term:
        return text
    pattern = re.compile(r"(?<!\w)" + re.escape(term).replace(r"\ ", r"\s+") + r"s?(?!\w)", re.I)
    return pattern.sub(MASK, text)


def _words(text: str) -> frozenset[str]:
    return frozenset(w for w in content_key(text).split() if w not in _STOP)


def _summarise_units(units: list[Unit]) -> tuple[str, str]:
    items = [u for u in units if u.kind == "item" and u.level == 0]
    first_item = next((n for n, u in enumerate(units) if u.kind == "item"), None)
    lead = units[:first_item] if first_item is not None else units
    if len(items) >= 2 and len(lead) <= 1:
        labels = []
        for item in items:
            m = _LABEL.match(item.text)
            label = (m.group(1) or m.group(2)) if m else item.text.split(":")[0]
            label = _PARENTHESIS.sub("", plain(label)).rstrip(": ")
            labels.append(shorten(" ".join(label.split()), 40))
        return ", ".join(labels), "list"
    text = next((plain(u.text) for u in units if u.kind in ("para", "item")), "")
    first = _SENTENCE_END.split(text, maxsplit=1)[0] if text else ""
    return first, "sentence"


def summarise(question: Question) -> Summary:
    """The option that stands for ``question``'s answer, its own key term masked."""
    text, shape = _summarise_units(parse_units(question.answer.split("\n")))
    text = shorten(mask(text, key_term(question.prompt)), MAX_OPTION_CHARS)
    return Summary(question.id, text, shape, question.topic, _words(text))


def _near_duplicate(a: Summary, b: Summary) -> bool:
    if not a.words or not b.words:
        return content_key(a.text) == content_key(b.text)
    overlap = len(a.words & b.words) / len(a.words | b.words)
    return overlap >= 0.6 or a.words <= b.words or b.words <= a.words


class ChoiceMaker:
    """Derives options for the questions of one bank; summaries are computed once per bank."""

    def __init__(self, bank: Bank) -> None:
        self.bank = bank
        self._summaries: dict[str, Summary] = {}

    def _summary(self, question: Question) -> Summary:
        found = self._summaries.get(question.id)
        if found is None:
            found = self._summaries[question.id] = summarise(question)
        return found

    def why_not(self, question: Question) -> str | None:
        """Why ``question`` cannot be asked as multiple choice, or None when it can."""
        return (
            None
            if self.choices(question, 0)
            else (
                "not offered as multiple choice: the bank has no other answer to draw a wrong "
                "option from"
            )
        )

    def choices(self, question: Question, seed: int) -> MultipleChoice | None:
        if question.choices is not None and question.correct is not None:
            return MultipleChoice(question.choices, question.correct)
        rng = random.Random(f"{question.id}:{seed}")  # noqa: S311 - fairness, not security
        right = self._summary(question)
        if not right.text:
            return None
        term = key_term(question.prompt)
        ranked = []
        for other in self.bank.questions:
            if other.id == question.id or other.has_choices:
                continue
            cand = self._summary(other)
            if not cand.text:
                continue
            ratio = min(len(cand.text), len(right.text)) / max(len(cand.text), len(right.text))
            score = (
                3.0 * (cand.topic == right.topic)
                + 2.0 * (cand.shape == right.shape)
                + 1.0 * (other.difficulty == question.difficulty)
                + ratio
            )
            ranked.append((-score, rng.random(), cand))
        ranked.sort(key=lambda r: (r[0], r[1]))
        picked: list[Summary] = []
        for _, _, cand in ranked:
            if _near_duplicate(cand, right) or any(_near_duplicate(cand, p) for p in picked):
                continue
            picked.append(cand)
            if len(picked) == MAX_OPTIONS - 1:
                break
        if not picked:
            return None
        options = [right.text] + [shorten(mask(p.text, term), MAX_OPTION_CHARS) for p in picked]
        order = list(range(len(options)))
        rng.shuffle(order)
        return MultipleChoice(tuple(options[i] for i in order), order.index(0))
