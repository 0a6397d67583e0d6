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

import bisect
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass

from bot.bank.answer import Unit, parse_units
from bot.bank.model import Bank, Question
from bot.bank.text import content_key, plain, shorten

MAX_OPTIONS = 4
MAX_OPTION_CHARS = 150
MASK = "___"

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(])")
_LABEL = re.compile(r"^\*\*(.+?)\*\*|^__(.+?)__")
_PARENTHESIS = re.compile(r"\s*\([^()]*\)")
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


WINDOW = 16  # per kind of answer, the candidates closest in length to the right option


_ANY_TOPIC = object()


@dataclass(slots=True)
class _Pool:
    """The answers that can stand as wrong options, indexed by kind and length.

    ``summaries`` is in bank order. ``by_topic`` maps a topic (and ``_ANY_TOPIC``) to one list
    per (shape, difficulty) of its answers' lengths and positions, sorted by length: the
    candidates a question's ranking prefers are then found with a few bisections instead of a
    pass over a bank of thousands.
    """

    summaries: list[tuple[Question, Summary]]
    by_topic: dict[object, list[tuple[list[int], list[int]]]]


class ChoiceMaker:
    """Derives options for the questions of one bank; summaries are computed once per bank."""

    def __init__(self, bank: Bank) -> None:
        self.bank = bank
        self._summaries: dict[str, Summary] = {}
        self._pool: _Pool | None = None
        self._askable: dict[str, bool] = {}

    def _summary(self, question: Question) -> Summary:
        found = self._summaries.get(question.id)
        if found is None:
            found = self._summaries[question.id] = summarise(question)
        return found

    def prepare(self) -> ChoiceMaker:
        """Summarise every answer now (about 0.2 ms a question) rather than on the first click."""
        self._candidate_pool()
        return self

    def _candidate_pool(self) -> _Pool:
        if self._pool is None:
            summaries = []
            for q in self.bank.questions:
                if q.has_choices:
                    continue
                summary = self._summary(q)
                if summary.text:
                    summaries.append((q, summary))
            kinds: dict[object, dict[object, list[tuple[int, int]]]] = {}
            for pos, (q, summary) in enumerate(summaries):
                entry = (len(summary.text), pos)
                for topic in (_ANY_TOPIC, summary.topic):
                    per_kind = kinds.setdefault(topic, {})
                    per_kind.setdefault((summary.shape, q.difficulty), []).append(entry)
            by_topic: dict[object, list[tuple[list[int], list[int]]]] = {}
            for topic, per_kind in kinds.items():
                by_topic[topic] = [
                    ([n for n, _ in entries], [pos for _, pos in entries])
                    for entries in (sorted(e) for e in per_kind.values())
                ]
            self._pool = _Pool(summaries, by_topic)
        return self._pool

    def _nearest(self, pool: _Pool, right: Summary) -> list[tuple[Question, Summary]]:
        """The candidates the ranking below prefers, in bank order: of every kind, the WINDOW
        answers on either side of the right option's length. A small bank gives all of them."""
        if len(pool.summaries) <= 4 * WINDOW:
            return pool.summaries
        length = len(right.text)
        positions: set[int] = set()
        for lengths, members in pool.by_topic[_ANY_TOPIC] + pool.by_topic.get(right.topic, []):
            at = bisect.bisect_left(lengths, length)
            positions.update(members[max(0, at - WINDOW) : at + WINDOW])
        return [pool.summaries[pos] for pos in sorted(positions)]

    def askable(self, question: Question) -> bool:
        """Whether ``question`` can be asked as multiple choice (cheap, remembered): the same
        answer as ``choices(question, seed) is not None`` for every seed."""
        found = self._askable.get(question.id)
        if found is None:
            found = question.has_choices or self._has_wrong_option(question)
            self._askable[question.id] = found
        return found

    def can_ask(self, question: Question) -> bool:
        """Whether the bot can ask ``question`` at all: as multiple choice, or typed (it has
        accepted answers), as /quiz does."""
        return bool(question.aliases) or self.askable(question)

    def _has_wrong_option(self, question: Question) -> bool:
        right = self._summary(question)
        if not right.text:
            return False
        return any(
            other.id != question.id and not _near_duplicate(cand, right)
            for other, cand in self._candidates()
        )

    def _candidates(self) -> Iterator[tuple[Question, Summary]]:
        """The pool's answers in bank order, summarised only as far as they are read: one
        question's askability is then known after a few summaries, not the whole bank's."""
        if self._pool is not None:
            yield from self._pool.summaries
            return
        for q in self.bank.questions:
            if not q.has_choices:
                summary = self._summary(q)
                if summary.text:
                    yield q, summary

    def why_not(self, question: Question) -> str | None:
        """Why ``question`` cannot be asked as multiple choice, or None when it can."""
        return (
            None
            if self.askable(question)
            else (
                "not offered as multiple choice: the bank has no other answer to draw a wrong "
                "option from"
            )
        )

    def choices(self, question: Question, seed: int) -> MultipleChoice | None:
        if question.choices is not None and question.correct is not None:
            return MultipleChoice(question.choices, question.correct)
        right = self._summary(question)
        if not right.text:
            return None
        pool = self._candidate_pool()
        nearest = self._nearest(pool, right)
        picked = self._pick(question, right, nearest, seed)
        if len(picked) < MAX_OPTIONS - 1 and len(nearest) < len(pool.summaries):
            # The nearest answers were too alike: rank the whole bank (rare, and slower).
            picked = self._pick(question, right, pool.summaries, seed)
        if not picked:
            return None
        term = key_term(question.prompt)
        options = [right.text] + [shorten(mask(p.text, term), MAX_OPTION_CHARS) for p in picked]
        order = list(range(len(options)))
        rng = random.Random(f"{question.id}:{seed}:order")  # noqa: S311
        rng.shuffle(order)
        return MultipleChoice(tuple(options[i] for i in order), order.index(0))

    @staticmethod
    def _pick(
        question: Question,
        right: Summary,
        candidates: list[tuple[Question, Summary]],
        seed: int,
    ) -> list[Summary]:
        """Up to three wrong options: same topic, same shape, same difficulty and similar length
        first, ties broken by the seed; never a near-duplicate of the right option or of
        each other."""
        rng = random.Random(f"{question.id}:{seed}")  # noqa: S311 - fairness, not security
        ranked = []
        for other, cand in candidates:
            if other.id == question.id:
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
        return picked
