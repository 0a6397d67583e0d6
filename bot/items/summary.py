"""Summary multiple choice, only where it can be answered by knowing the subject alone.

The right option restates the question's own answer; the wrong options are other statements of
the same bank. Measured as a learner would, such options leak through surface cues, so every item
built here holds these checks, and a question that cannot hold them gets no summary item (it is
asked as recall or which-one instead):

- No option contains a content word of the prompt (compared by stem). The right option loses the
  answer's leading subject ("Latent space is ..."), list labels lose words of the prompt; when that
  leaves too little, or a word of the prompt sits inside the sentence, there is no item. Wrong
  options that contain a word of the prompt are never used. No option has a blank.
- Every option has the same shape: all sentences (as many as the right one) or all lists of
  labels, none starting with an article (no "a"/"an" agreement), each wrong sentence within
  ``LENGTH_RATIO`` of the right one's length, each wrong list within one label of it.
- Wrong options are drawn by the seed from the ``POOL`` best candidates, so they vary by post.
- A wrong option is never another question's right option: sentences that a question's own right
  option uses are not offered elsewhere, and a list is offered as a strict subset of its labels.
- A wrong option whose label or key term occurs in the right answer's text is not used: it is
  arguably right too.
- For "what is X and why / how / what are the benefits", the right option has a sentence for
  each half; without one for the second half there is no item.
"""

from __future__ import annotations

import bisect
import itertools
import random
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from bot.bank.answer import Unit, parse_units
from bot.bank.model import Bank, Question
from bot.bank.text import plain
from bot.items import words
from bot.items.model import Item, Kind
from bot.items.words import stem

DISTRACTORS = 3
MAX_SENTENCE_CHARS = 200
MIN_CONTENT_WORDS = 3
LENGTH_RATIO = 1.5  # a wrong sentence is at most 1.5 times longer or shorter than the right one
MAX_LABELS = 4  # in the right option; a wrong list has as many, or one fewer
MAX_LIST_ENTRIES = 6  # of a list that stands as a wrong option, the first ones
MIN_LABELS = 3
POOL = 10  # the seed picks the wrong options among this many best candidates
WINDOW = 48  # in a large bank, candidates ranked per shape: this many either side in length
NEAR_DUPLICATE = 0.6  # share of stems two statements may have in common

RIGHT_EXPLAINS = "the answer to this question"

_WORD = re.compile(r"[^\W_]+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(])")
_LABEL = re.compile(r"^\*\*(.+?)\*\*\s*:?\s*(.*)$|^__(.+?)__\s*:?\s*(.*)$")
_PARENTHESIS = re.compile(r"\s*\([^()]*\)")
_QUOTED = re.compile(r"[\"“”']([^\"“”']{2,60})[\"“”']")
_TERM = re.compile(
    r"^(?:what|who) (?:is|are) (?:an? |the )?(?P<t>.+?)(?:\?|,| and | in | for |$)"
    r"|^(?:define|describe|explain)(?: the)?(?: concept of| term)? (?:an? |the )?"
    r"(?P<u>.+?)(?: and |,|\?|\.|$)",
    re.I,
)
# A statement's own subject: "Latent space is", "Diffusion models work by", "Benefits include",
# "This is crucial because". Removed from every option alike, so that no option echoes a
# prompt and none reads differently from the others.
_LEAD = re.compile(
    r"^(?:(?:it|this|that)(?:'s|’s| is)? (?:important|crucial|essential|vital|key|useful)"
    r"(?: because| since| as| for)?"
    r"|(?P<subject>[\w\-'’()\"]+(?: [\w\-'’()\"]+){0,5}?) (?:is|are|refers to|refer to|means"
    r"|involves|involve|uses|use|works by|work by|consists of|consist of|includes|include"
    r"|describes|represents))\s+(?=\S)",
    re.I,
)
_ARTICLE = re.compile(r"^(?:a|an|the|it|they|this|these)\s+(?=\w)", re.I)

# The words that say what kind of answer is wanted, not what it is about.
_ASKING = frozenset("explain describe discuss define concept term".split())

_WHY = re.compile(
    r"\b(?:because|crucial|important|essential|vital|key|enables?|allows?|helps?|so that|"
    r"matters?|useful)\b",
    re.I,
)
_BENEFIT = re.compile(
    r"\b(?:benefits?|advantages?|faster|better|cheaper|less|reduced?|improves?|allows?|"
    r"enables?)\b",
    re.I,
)
_HOW = re.compile(r"\b(?:by|through|using|works?|steps?|first|then|process)\b", re.I)
_DIFFER = re.compile(r"\b(?:unlike|whereas|while|than|differs?|instead|compared)\b", re.I)
_SECOND_HALF = re.compile(r"(?:,\s*|\s)and (?P<rest>(?:why|how|what|in what)\b.*)$", re.I)


def content_stems(text: str) -> frozenset[str]:
    """The stems of ``text``'s content words: what a prompt and an option may not share."""
    return words.content_stems(plain(text), _ASKING)


def key_term(prompt: str) -> str | None:
    """The term a question asks about: "latent space" in a prompt that quotes it."""
    text = plain(prompt)
    quoted = _QUOTED.search(text)
    if quoted:
        return quoted.group(1).strip()
    m = _TERM.search(text)
    if m:
        term = (m.group("t") or m.group("u") or "").strip(" ?.,")
        if 0 < len(term.split()) <= 6:
            return term
    return None


def detach(sentence: str, subject: frozenset[str] = frozenset()) -> str:
    """``sentence`` without its leading subject, pronoun or article, capitalised: "Latent space
    is a lower-dimensional representation." -> "Lower-dimensional representation.".

    ``subject`` holds the stems of the answer's own prompt: a sentence that opens with them
    ("Dropout randomly silences units") opens with its verb instead."""
    text = _LEAD.sub("", sentence, count=1)
    text = _ARTICLE.sub("", text, count=1)
    words = text.split(" ")
    lead = 0
    while lead < len(words) - 1 and _is_subject(words[lead], subject):
        lead += 1
    text = " ".join(words[lead:])
    return text[:1].upper() + text[1:] if text else text


def _is_subject(word: str, subject: frozenset[str]) -> bool:
    found = _WORD.findall(word)
    return bool(found) and all(
        w.casefold() in ("a", "an", "the") or stem(w) in subject for w in found
    )


def second_half(prompt: str) -> re.Pattern[str] | None:
    """What a sentence for the prompt's second half ("and why is it important") looks like, or
    None when the prompt asks one thing."""
    m = _SECOND_HALF.search(plain(prompt))
    if m is None:
        return None
    rest = m.group("rest").casefold()
    if "why" in rest or "importan" in rest:
        return _WHY
    if "benefit" in rest or "advantage" in rest:
        return _BENEFIT
    if "differ" in rest or "compare" in rest:
        return _DIFFER
    if rest.startswith("how"):
        return _HOW
    return None


def _form(text: str) -> str:
    """How an option opens, so that wrong options can read like the right one."""
    first = text.split(" ", 1)[0].casefold()
    if first in ("it", "this", "they", "these", "that"):
        return "pronoun"
    return "gerund" if first.endswith("ing") else "other"


def _near(a: frozenset[str], b: frozenset[str]) -> bool:
    return bool(a and b) and len(a & b) / len(a | b) >= NEAR_DUPLICATE


@dataclass(frozen=True, slots=True)
class _Entry:
    label: str  # the list entry's label, plain, without parentheses
    description: str  # plain


@dataclass(frozen=True, slots=True)
class _Parsed:
    """One answer as the statements a summary is built from."""

    sentences: tuple[str, ...]  # of its paragraphs, list lead-ins left out
    entries: tuple[_Entry, ...]  # its top-level list, when it has one
    is_list: bool  # answered by its list (the right option is then its labels)
    stems: frozenset[str]  # of the whole answer


def _entry(unit: Unit) -> _Entry:
    text = unit.text
    m = _LABEL.match(text)
    if m:
        label, description = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
    else:
        label, _, description = text.partition(":")
    label = _PARENTHESIS.sub("", plain(label)).strip(" :")
    return _Entry(" ".join(label.split()), plain(description))


def _parse(question: Question) -> _Parsed:
    units = parse_units(question.answer.split("\n"))
    items = [u for u in units if u.kind == "item" and u.level == 0]
    first_item = next((n for n, u in enumerate(units) if u.kind == "item"), None)
    lead = units[:first_item] if first_item is not None else units
    sentences: list[str] = []
    for unit in units:
        text = plain(unit.text) if unit.kind == "para" else ""
        if text and not text.endswith(":"):
            sentences.extend(s.strip() for s in _SENTENCE_END.split(text) if s.strip())
    entries = tuple(e for e in (_entry(u) for u in items) if e.label)
    is_list = len(entries) >= 2 and len(lead) <= 1
    return _Parsed(tuple(sentences), entries, is_list, content_stems(question.answer))


@dataclass(frozen=True, slots=True)
class _Right:
    text: str
    answer: str  # the same statement unmasked, for feedback
    shape: str  # "sentence" or "list"
    size: int  # sentences, or labels
    used: frozenset[int]  # the sentences it uses
    labels: tuple[str, ...] = ()  # the list labels it shows


@dataclass(frozen=True, slots=True)
class _Statement:
    """A sentence that can stand as a wrong option (already detached)."""

    text: str
    stems: frozenset[str]
    source: str  # question id
    size: int  # sentences
    key: frozenset[str]  # stems of the label or key term it is about: arguably right if present
    explains: str
    form: str


@dataclass(frozen=True, slots=True)
class _LabelList:
    """A list answer whose labels can stand, as a strict subset, as a wrong option."""

    labels: tuple[str, ...]
    label_stems: tuple[frozenset[str], ...]
    own: frozenset[str]  # the labels its own right option shows: never shown together elsewhere
    source: str
    prompt: str


@dataclass(frozen=True, slots=True)
class _ListOption:
    """The wrong options one list answer can give a question: the seed picks one."""

    source: str
    texts: tuple[tuple[str, str], ...]  # (option, what it describes)


@dataclass(slots=True)
class _Pool:
    statements: dict[int, tuple[list[int], list[_Statement]]] = field(default_factory=dict)
    lists: list[_LabelList] = field(default_factory=list)
    lists_by_topic: dict[str, list[_LabelList]] = field(default_factory=dict)
    topics: dict[str, str | None] = field(default_factory=dict)


class SummaryMaker:
    """Builds summary items for the questions of one bank; answers are read once per bank."""

    def __init__(self, bank: Bank) -> None:
        self.bank = bank
        self._parsed: dict[str, _Parsed] = {}
        self._right: dict[str, _Right | str] = {}
        self._prompt_stems: dict[str, frozenset[str]] = {}
        self._pool: _Pool | None = None
        self._askable: dict[str, bool] = {}
        self._wrong: dict[str, list[_Statement | _ListOption]] = {}

    # -- preparation ------------------------------------------------------------------------

    def prepare(self) -> SummaryMaker:
        """Read every answer now rather than on the first click."""
        self._candidate_pool()
        return self

    def _answer(self, question: Question) -> _Parsed:
        found = self._parsed.get(question.id)
        if found is None:
            found = self._parsed[question.id] = _parse(question)
        return found

    def _stems_of_prompt(self, question: Question) -> frozenset[str]:
        found = self._prompt_stems.get(question.id)
        if found is None:
            found = self._prompt_stems[question.id] = content_stems(question.prompt)
        return found

    def _right_option(self, question: Question) -> _Right | str:
        """The right option, or why there is none."""
        found = self._right.get(question.id)
        if found is None:
            found = self._right[question.id] = self._build_right(question)
        return found

    def _build_right(self, question: Question) -> _Right | str:
        if question.has_choices:
            return "asked with the bank's own choices"
        parsed = self._answer(question)
        banned = self._stems_of_prompt(question)
        if parsed.is_list:
            return _right_list(parsed, banned)
        return _right_sentences(parsed, banned, second_half(question.prompt))

    def _candidate_pool(self) -> _Pool:
        if self._pool is None:
            pool = _Pool()
            by_size: dict[int, list[_Statement]] = {}
            seen: set[str] = set()
            for q in self.bank.questions:
                if q.has_choices:
                    continue
                pool.topics[q.id] = q.topic
                for statement in self._statements(q):
                    if statement.text not in seen:
                        seen.add(statement.text)
                        by_size.setdefault(statement.size, []).append(statement)
                label_list = self._label_list(q)
                if label_list is not None:
                    pool.lists.append(label_list)
                    if q.topic:
                        pool.lists_by_topic.setdefault(q.topic, []).append(label_list)
            for size, statements in by_size.items():
                statements.sort(key=lambda s: len(s.text))
                pool.statements[size] = ([len(s.text) for s in statements], statements)
            self._pool = pool
        return self._pool

    def _statements(self, question: Question) -> Iterator[_Statement]:
        """The sentences of ``question``'s answer that its own right option does not use, singly
        and in pairs, and the descriptions of its list entries."""
        parsed = self._answer(question)
        right = self._right_option(question)
        used = right.used if isinstance(right, _Right) else frozenset()
        term = key_term(question.prompt)
        key = content_stems(term) if term else frozenset()
        about = f"the answer to: {plain(question.prompt)}"
        subject = self._stems_of_prompt(question)
        detached = [detach(s, subject) for s in parsed.sentences]
        for n, text in enumerate(detached):
            if n in used or not _usable(text):
                continue
            yield _statement(text, question.id, 1, key, about)
            if n + 1 < len(detached) and n + 1 not in used and _usable(detached[n + 1]):
                yield _statement(f"{text} {detached[n + 1]}", question.id, 2, key, about)
        for entry in parsed.entries:
            text = detach(entry.description, subject)
            if _usable(text):
                explains = f"{entry.label} (from the answer to: {plain(question.prompt)})"
                yield _statement(text, question.id, 1, content_stems(entry.label), explains)

    def _label_list(self, question: Question) -> _LabelList | None:
        parsed = self._answer(question)
        if not parsed.is_list or len(parsed.entries) < MIN_LABELS:
            return None
        entries = parsed.entries[:MAX_LIST_ENTRIES]
        right = self._right_option(question)
        own = frozenset(right.labels) if isinstance(right, _Right) else frozenset()
        return _LabelList(
            tuple(e.label for e in entries),
            tuple(content_stems(e.label) for e in entries),
            own,
            question.id,
            plain(question.prompt),
        )

    # -- asking ------------------------------------------------------------------------------

    def askable(self, question: Question) -> bool:
        """Whether ``question`` can be asked as summary choice (cheap, remembered): exactly when
        :meth:`item` gives an item for every seed."""
        found = self._askable.get(question.id)
        if found is None:
            found = self._askable[question.id] = self.why_not(question) is None
        return found

    def why_not(self, question: Question) -> str | None:
        """A sentence saying why ``question`` cannot be asked as summary choice, or None."""
        right = self._right_option(question)
        if isinstance(right, str):
            return f"not offered as summary choice: {right}"
        if len(_sources(self._eligible(question, right))) < DISTRACTORS:
            return (
                "not offered as summary choice: the bank has fewer than three other answers "
                "that can stand as wrong options without repeating the prompt's words"
            )
        return None

    def item(self, question: Question, seed: int) -> Item | None:
        """The summary item of ``question`` for ``seed``, or None when it cannot pass the checks
        (then for every seed)."""
        right = self._right_option(question)
        if isinstance(right, str):
            return None
        eligible = self._eligible(question, right)
        if len(_sources(eligible)) < DISTRACTORS:
            return None
        rng = random.Random(f"summary:{question.id}:{seed}")  # noqa: S311 - variety, not secrecy
        picked = _pick(eligible, rng)
        options = [(right.text, RIGHT_EXPLAINS)]
        options += [self._option_of(c, rng) for c in picked]
        rng.shuffle(options)
        texts = tuple(t for t, _ in options)
        return Item(
            kind=Kind.SUMMARY,
            question_id=question.id,
            prompt=question.prompt,
            options=texts,
            correct=texts.index(right.text),
            explains=tuple(e for _, e in options),
            answer=right.answer,
            variant="summary",
        )

    @staticmethod
    def _option_of(candidate: _Statement | _ListOption, rng: random.Random) -> tuple[str, str]:
        if isinstance(candidate, _Statement):
            return candidate.text, candidate.explains
        return rng.choice(candidate.texts)

    def _eligible(self, question: Question, right: _Right) -> list[_Statement | _ListOption]:
        """The wrong options ``question`` may show, best first: the same for every seed, so
        read once per question."""
        found = self._wrong.get(question.id)
        if found is None:
            found = self._wrong[question.id] = self._rank(question, right)
        return found

    def _rank(self, question: Question, right: _Right) -> list[_Statement | _ListOption]:
        pool = self._candidate_pool()
        banned = self._stems_of_prompt(question)
        answer = self._answer(question).stems
        right_stems = content_stems(right.text)
        topic = question.topic
        if right.shape == "list":
            return self._eligible_lists(question, right, banned, answer)
        form = _form(right.text)
        ranked = []
        for c in self._nearest(pool, right):
            if c.source == question.id or not banned.isdisjoint(c.stems):
                continue
            if (c.key and c.key <= answer) or _near(c.stems, right_stems):
                continue
            ratio = max(len(c.text), len(right.text)) / min(len(c.text), len(right.text))
            if ratio > LENGTH_RATIO:
                continue
            same_topic = topic is not None and pool.topics.get(c.source) == topic
            score = 2.0 * same_topic + 1.0 * (c.form == form) - (ratio - 1.0)
            ranked.append((-score, c.text, c))
        ranked.sort(key=lambda r: (r[0], r[1]))
        return [c for _, _, c in ranked]

    def _eligible_lists(
        self, question: Question, right: _Right, banned: frozenset[str], answer: frozenset[str]
    ) -> list[_Statement | _ListOption]:
        """Lists of the same topic first (the most plausible wrong answers), then the others in
        bank order; read only until ``2 * POOL`` fit or ``4 * WINDOW`` were read, so that a bank
        of thousands costs no more than a small one."""
        pool = self._candidate_pool()
        same = pool.lists_by_topic.get(question.topic, []) if question.topic else []
        fitting: list[_Statement | _ListOption] = []
        seen: set[str] = set()
        for c in itertools.chain(same, pool.lists):
            if c.source == question.id or c.source in seen:
                continue
            seen.add(c.source)
            if len(seen) > 4 * WINDOW:
                break
            if any(stems and stems <= answer for stems in c.label_stems):
                continue  # a label the right answer itself names: arguably right
            texts = _subsets(c, right, banned)
            if texts:
                fitting.append(_ListOption(c.source, tuple(texts)))
                if len(fitting) >= 2 * POOL:
                    break
        return fitting

    @staticmethod
    def _nearest(pool: _Pool, right: _Right) -> list[_Statement]:
        """The statements of the right option's size nearest to it in length."""
        lengths, statements = pool.statements.get(right.size, ([], []))
        if len(statements) <= 4 * WINDOW:
            return statements
        at = bisect.bisect_left(lengths, len(right.text))
        return statements[max(0, at - WINDOW) : at + WINDOW]


def _usable(text: str) -> bool:
    return (
        0 < len(text) <= MAX_SENTENCE_CHARS
        and len(content_stems(text)) >= MIN_CONTENT_WORDS
        and not text.endswith(":")
    )


def _statement(text: str, source: str, size: int, key: frozenset[str], why: str) -> _Statement:
    return _Statement(text, content_stems(text), source, size, key, why, _form(text))


def _right_sentences(
    parsed: _Parsed, banned: frozenset[str], second: re.Pattern[str] | None
) -> _Right | str:
    """What the answer says (one of its first two sentences) and, when the prompt asks for a
    second half, a later sentence that gives it; none of them repeating the prompt."""
    sentences = parsed.sentences
    if not sentences:
        return "the answer has no sentence to summarise"
    detached = [detach(s, banned) for s in sentences]
    clean = [
        n
        for n, text in enumerate(detached)
        if _usable(text) and banned.isdisjoint(content_stems(text))
    ]
    what = next((n for n in clean if n < 2), None)
    if what is None:
        return "the answer's opening sentences repeat words of the prompt"
    used = [what]
    if second is not None:
        why = next((n for n in clean if n != what and second.search(sentences[n])), None)
        if why is None:
            return "the answer has no sentence for the second half of the prompt"
        used.append(why)
    used.sort()
    text = " ".join(detached[n] for n in used)
    answer = " ".join(sentences[n] for n in used)
    return _Right(text, answer, "sentence", len(used), frozenset(used))


def _right_list(parsed: _Parsed, banned: frozenset[str]) -> _Right | str:
    """The list's first labels that do not repeat the prompt; none if fewer than three do.

    A label with a word of the prompt is left out rather than cut ("Human evaluation" in an
    answer about evaluation): a cut label would tell which option was edited."""
    labels = [e.label for e in parsed.entries if banned.isdisjoint(content_stems(e.label))]
    if len(labels) < MIN_LABELS:
        return "its list labels repeat the prompt's own words"
    shown = tuple(labels[:MAX_LABELS])
    full = ", ".join(e.label for e in parsed.entries)
    return _Right(", ".join(shown), full, "list", len(shown), frozenset(), shown)


def _subsets(candidate: _LabelList, right: _Right, banned: frozenset[str]) -> list[tuple[str, str]]:
    """The wrong options a list can give: as many labels as the right option (or one fewer),
    of entries that repeat nothing of the prompt, in the list's order, never its own right
    option's labels."""
    clean = [
        label
        for label, stems in zip(candidate.labels, candidate.label_stems, strict=True)
        if banned.isdisjoint(stems)
    ]
    size = min(right.size, len(clean))
    if size < max(2, right.size - 1):
        return []
    whole = f"the answer to: {candidate.prompt}"
    part = f"some of the answer to: {candidate.prompt}"
    return [
        (", ".join(chosen), whole if len(chosen) == len(candidate.labels) else part)
        for chosen in itertools.combinations(clean, size)
        if frozenset(chosen) != candidate.own
    ]


def _sources(candidates: Iterable[_Statement | _ListOption]) -> set[str]:
    return {c.source for c in candidates}


def _pick(
    eligible: list[_Statement | _ListOption], rng: random.Random
) -> list[_Statement | _ListOption]:
    """Three wrong options from different answers, drawn among the ``POOL`` best; the pool
    widens when its best share answers."""
    best: list[_Statement | _ListOption] = []
    sources: set[str] = set()
    for c in eligible:
        best.append(c)
        sources.add(c.source)
        if len(best) >= POOL and len(sources) >= DISTRACTORS:
            break
    rng.shuffle(best)
    picked: list[_Statement | _ListOption] = []
    for c in best:
        if all(c.source != p.source for p in picked):
            picked.append(c)
            if len(picked) == DISTRACTORS:
                break
    return picked
