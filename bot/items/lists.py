"""Which-one items: a list answer asked entry by entry, its siblings as the other options.

"The model keeps producing a narrow variety of outputs. — Which one of the challenges in
training GANs is this?" with Mode collapse / Evaluation / Computational cost / Bias: every
option names one entry of the same list, so only knowing the entries tells them apart. The
reverse item gives the label and offers the siblings' descriptions.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.bank.model import Question
from bot.bank.text import content_key, plain, shorten
from bot.items.entries import Entry, answer_units, entry_lists, list_entries, sentences
from bot.items.keypoints import key_points
from bot.items.model import Item, Kind
from bot.items.words import STOP_WORDS, content_stems, stem, words

__all__ = [
    "Entry",
    "coinciding_pairs",
    "list_entries",
    "mask_words",
    "which_description_item",
    "which_description_items",
    "which_one_item",
    "which_one_items",
]

MASK = "___"
MAX_OPTIONS = 4
MIN_WRONG_OPTIONS = 2
PROMPT_LIMIT = 300
EXPLAIN_LIMIT = 150
CONTEXT_LIMIT = 150
# Two descriptions nearly coincide when, each masked of its own label, their words match at
# least this much (rapidfuzz token_set_ratio, 0-100). Measured on the seed and the real banks:
# pairs a reader cannot tell apart score 93-100 ("add a ___ to your application" for each
# `ng generate` command; BLEU and ROUGE both "Measures the similarity/overlap between the
# generated text and a reference text"), while the closest siblings that a learner does tell
# apart score at most 88 ("show running containers" / "show all containers", "for read
# permission" / "for write permission").
COINCIDE_RATIO = 90.0

_WORD_SPAN = re.compile(r"[^\W_]+", re.UNICODE)
_MASK_RUN = re.compile(re.escape(MASK) + r"(?:[\s\-/&.'’]+" + re.escape(MASK) + r")+")
_PARENS = re.compile(r"\s*\([^)]*\)")


@dataclass(frozen=True, slots=True)
class _Sibling:
    """An entry with what pairing it needs, computed once per list."""

    index: int
    entry: Entry
    label_stems: frozenset[str]
    masked: str  # the description without its label's words

    @property
    def usable(self) -> bool:
        content = [w for w in words(self.masked) if w not in STOP_WORDS]
        return len(self.masked.split()) >= 3 and len(content) >= 2


def mask_words(text: str, stems: frozenset[str]) -> str:
    """``text`` with every word whose stem is in ``stems`` replaced by ``___`` (a run of masked
    words becomes one blank, so its length tells nothing)."""
    if not stems:
        return text
    masked = _WORD_SPAN.sub(lambda m: MASK if stem(m.group(0)) in stems else m.group(0), text)
    return _MASK_RUN.sub(MASK, masked)


def _siblings(entries: list[Entry]) -> list[_Sibling]:
    result = []
    for index, entry in enumerate(entries):
        stems = content_stems(entry.label)
        masked = _sentence_case(mask_words(entry.description, stems))
        result.append(_Sibling(index, entry, stems, masked))
    return result


def _sentence_case(text: str) -> str:
    """A description read after its label ("**SIGHUP** - is sent ...") standing on its own."""
    return text[0].upper() + text[1:] if text[:1].islower() else text


def _labels_coincide(a: _Sibling, b: _Sibling) -> bool:
    same_key = content_key(a.entry.label) == content_key(b.entry.label)
    return same_key or (bool(a.label_stems) and a.label_stems == b.label_stems)


def _descriptions_coincide(a: _Sibling, b: _Sibling) -> bool:
    if not a.masked or not b.masked:
        return False
    return fuzz.token_set_ratio(content_key(a.masked), content_key(b.masked)) >= COINCIDE_RATIO


def _names(description: str, label_stems: frozenset[str]) -> bool:
    """Whether a description names that label (every meaningful word of it appears)."""
    return bool(label_stems) and label_stems <= content_stems(description)


def _may_pair(a: _Sibling, b: _Sibling) -> bool:
    """Whether two siblings may be offered together without the options giving the answer away
    or two options being equally right."""
    return not (
        _labels_coincide(a, b)
        or _descriptions_coincide(a, b)
        or _names(a.entry.description, b.label_stems)
        or _names(b.entry.description, a.label_stems)
    )


def coinciding_pairs(question: Question) -> list[tuple[str, str]]:
    """Label pairs of the answer's lists that the bank fails to tell apart: the same label
    twice, or descriptions that nearly coincide once each is masked of its own label."""
    pairs = []
    for entries in entry_lists(question):
        siblings = _siblings(entries)
        for n, a in enumerate(siblings):
            for b in siblings[n + 1 :]:
                if _labels_coincide(a, b) or _descriptions_coincide(a, b):
                    pairs.append((a.entry.label, b.entry.label))
    return pairs


def _rng(question: Question, kind: Kind, entry_index: int, seed: int) -> random.Random:
    # A string seed is hashed with SHA-512: the same draw on every run and every machine.
    return random.Random(f"{question.id}:{kind.value}:{entry_index}:{seed}")  # noqa: S311


def _draw(
    question: Question, kind: Kind, entry_index: int, seed: int
) -> tuple[list[_Sibling], _Sibling, list[_Sibling]] | None:
    """The list, the asked entry and the options in order (the asked one among them), or
    ``None`` when the entry cannot be asked this way."""
    siblings = _siblings(list_entries(question))
    if not 0 <= entry_index < len(siblings):
        return None
    usable = [s for s in siblings if s.usable]
    asked = siblings[entry_index]
    if len(usable) < MIN_WRONG_OPTIONS + 1 or not asked.usable:
        return None
    wrong = [s for s in usable if s is not asked and _may_pair(asked, s)]
    wrong = _distinct(asked, wrong, kind)
    if len(wrong) < MIN_WRONG_OPTIONS:
        return None
    rng = _rng(question, kind, entry_index, seed)
    rng.shuffle(wrong)
    options = [asked]
    for candidate in wrong:
        # Two wrong options that coincide would each tell the other is not the answer.
        if len(options) < MAX_OPTIONS and all(_may_pair(candidate, o) for o in options[1:]):
            options.append(candidate)
    if len(options) < MIN_WRONG_OPTIONS + 1:
        return None
    rng.shuffle(options)
    return siblings, asked, options


def _distinct(asked: _Sibling, wrong: list[_Sibling], kind: Kind) -> list[_Sibling]:
    """Wrong options whose shown text differs from every other option's."""
    seen = {_shown(asked, kind)}
    kept = []
    for s in wrong:
        key = _shown(s, kind)
        if key not in seen:
            seen.add(key)
            kept.append(s)
    return kept


def _shown(sibling: _Sibling, kind: Kind) -> str:
    if kind is Kind.WHICH_ONE:
        return content_key(sibling.entry.label)
    return content_key(shorten(sibling.masked, EXPLAIN_LIMIT))


# -- the line that says what is asked -------------------------------------------------------

_DETERMINERS = r"(?:(?:some|the|a few|a|an|different|various|several|main|most common)\s+)*"
_ASKED_PATTERNS = (
    re.compile(r"^(?:what|which) (?:are|were) (?:some of )?" + _DETERMINERS + r"(?P<np>.+?)\?*$"),
    re.compile(
        r"^(?:what|which) (?P<np>[\w\s\-/]+?) (?:do|does|did|can|could|would|should|will|might)"
        r" (?:you|we|i|one)\b.*$"
    ),
    re.compile(r"^(?:describe|explain|list|name|give) " + _DETERMINERS + r"(?P<np>.+?)[.?]*$"),
)
_LEAD_IN = re.compile(
    r"(?:^|,\s*)" + _DETERMINERS + r"(?P<np>[\w\s\-]+?)\s+(?:include|includes|exist|are)"
    r"(?:,?\s*including)?:$",
    re.IGNORECASE,
)
# Where a noun phrase stops: what follows is a clause about it, not a name for it.
_NP_END = re.compile(
    r"\s+(?:and (?:how|why|what|which|when)|along with|when|that|which|who|where|you)\b.*$"
)
_NOT_A_KIND = ("difference", "differences", "example", "examples", "way", "ways")
MAX_NP_CHARS = 60
SELF_CONTAINED_NP_WORDS = 3  # "challenges in training GANs" says what is asked on its own


def _plural_head(np: str) -> bool:
    """Whether the phrase names a kind of things ("challenges in training GANs")."""
    head = re.split(r"\s+(?:of|in|for|with|associated|between|to|on|when)\s+", np, maxsplit=1)[0]
    last = head.split()[-1] if head.split() else ""
    plural = last.endswith("s") and not last.endswith(("ss", "us", "is"))
    return plural and head.split()[0] not in _NOT_A_KIND


def _clean_np(np: str) -> str | None:
    np = _NP_END.sub("", _PARENS.sub("", np)).strip(" ,.?:")
    if not np or "," in np or len(np) > MAX_NP_CHARS or not _plural_head(np):
        return None
    return np


def _prompt_np(prompt: str) -> str | None:
    for sentence in reversed(sentences(plain(prompt))):
        lowered = sentence[0].lower() + sentence[1:]
        for pattern in _ASKED_PATTERNS:
            m = pattern.match(lowered)
            if m is not None and (np := _clean_np(m.group("np"))) is not None:
                return np
    return None


def _lead_in_np(question: Question) -> str | None:
    """The kind named by the sentence that opens the list ("Mitigating strategies include:")."""
    for unit in answer_units(question):
        if unit.kind != "para":
            continue
        for sentence in sentences(plain(unit.text)):
            m = _LEAD_IN.search(sentence)
            if m is not None and (np := _clean_np(m.group("np").lower())) is not None:
                return np
    return None


def _asked_kind(question: Question, all_stems: frozenset[str]) -> tuple[str | None, bool]:
    """A noun phrase naming what the list holds, and whether it came from the prompt itself.

    A phrase with a word of a label in it is not used: it would hint at that option."""
    np = _prompt_np(question.prompt)
    if np is not None and not content_stems(np) & all_stems:
        return np, True
    np = _lead_in_np(question)
    if np is not None and not content_stems(np) & all_stems:
        return np, False
    return None, False


def _context(question: Question, all_stems: frozenset[str]) -> str:
    return shorten(mask_words(plain(question.prompt), all_stems), CONTEXT_LIMIT)


def _which_one_line(question: Question, all_stems: frozenset[str]) -> str:
    np, from_prompt = _asked_kind(question, all_stems)
    if np is None:
        return f"Which one is described here? (from: {_context(question, all_stems)})"
    line = f"Which one of the {np} is this?"
    if from_prompt and len(np.split()) >= SELF_CONTAINED_NP_WORDS:
        return line
    # A short kind ("metrics") or one read from the answer needs the question beside it.
    return f"{line} (from: {_context(question, all_stems)})"


def _which_description_line(question: Question, label: str, all_stems: frozenset[str]) -> str:
    np, from_prompt = _asked_kind(question, all_stems)
    if np is not None and from_prompt and len(np.split()) >= SELF_CONTAINED_NP_WORDS:
        return f"Which of these describes {label}, one of the {np}?"
    return f"Which of these describes {label}? (from: {shorten(plain(question.prompt), 150)})"


# -- the items ------------------------------------------------------------------------------


def _all_stems(siblings: list[_Sibling]) -> frozenset[str]:
    return frozenset().union(*(s.label_stems for s in siblings))


def which_one_item(question: Question, entry_index: int, seed: int) -> Item | None:
    """Entry ``entry_index`` of the answer's main list asked by its description, the labels of
    up to three siblings as the wrong options (``None`` when it cannot be asked this way)."""
    return _which_one(question, entry_index, seed, None)


def _which_one(
    question: Question, entry_index: int, seed: int, points: tuple[str, ...] | None
) -> Item | None:
    drawn = _draw(question, Kind.WHICH_ONE, entry_index, seed)
    if drawn is None:
        return None
    siblings, asked, options = drawn
    line = _which_one_line(question, _all_stems(siblings))
    return Item(
        kind=Kind.WHICH_ONE,
        question_id=question.id,
        prompt=f"{shorten(asked.masked, PROMPT_LIMIT)} — {line}",
        options=tuple(s.entry.label for s in options),
        correct=options.index(asked),
        explains=tuple(shorten(s.entry.description, EXPLAIN_LIMIT) for s in options),
        answer=asked.entry.label,
        key_points=key_points(question) if points is None else points,
        variant=f"entry:{entry_index}",
    )


def which_one_items(question: Question, seed: int = 0) -> list[Item]:
    """Every entry of the answer's main list that can be asked by its description."""
    points = key_points(question)
    count = len(list_entries(question))
    items = (_which_one(question, i, seed, points) for i in range(count))
    return [item for item in items if item is not None]


def which_description_item(question: Question, entry_index: int, seed: int) -> Item | None:
    """The reverse: entry ``entry_index``'s label, its own and up to three siblings'
    descriptions (each masked of its own label) as the options."""
    return _which_description(question, entry_index, seed, None)


def _which_description(
    question: Question, entry_index: int, seed: int, points: tuple[str, ...] | None
) -> Item | None:
    drawn = _draw(question, Kind.WHICH_DESCRIPTION, entry_index, seed)
    if drawn is None:
        return None
    siblings, asked, options = drawn
    return Item(
        kind=Kind.WHICH_DESCRIPTION,
        question_id=question.id,
        prompt=_which_description_line(question, asked.entry.label, _all_stems(siblings)),
        options=tuple(shorten(s.masked, EXPLAIN_LIMIT) for s in options),
        correct=options.index(asked),
        explains=tuple(s.entry.label for s in options),
        answer=shorten(asked.entry.description, EXPLAIN_LIMIT),
        key_points=key_points(question) if points is None else points,
        variant=f"entry:{entry_index}",
    )


def which_description_items(question: Question, seed: int = 0) -> list[Item]:
    """Every entry of the answer's main list that can be asked by its label."""
    points = key_points(question)
    count = len(list_entries(question))
    items = (_which_description(question, i, seed, points) for i in range(count))
    return [item for item in items if item is not None]
