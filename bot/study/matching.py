"""Judging typed answers against a question's accepted answers, word by word.

Case, punctuation, accents, Discord markdown, articles and emoji are not graded. Each word of an
accepted answer must be present, in order, in the guess:

- a word may have a typo: none for words of up to 4 letters or written as an acronym (``ReLU``),
  one edit for 5 to 7 letters, two from 8 (an edit is a letter wrong, missing, extra, or two
  neighbours swapped);
- a word may be in another form: plural or singular, Net/Nets for Network, Graphic/Graphical for
  Graphics, Convolution for Convolutional, Overfit/Overfitted for Overfitting; joined or split
  (``Autoencoder``, ``Auto-Encoder``, ``Auto Encoder``);
- the connectives from/with/through/via/by are interchangeable, or may be left out.

Words around the answer are allowed when they add no second answer: a sentence frame ("It stands
for ...", "I think it's ...", "Is it ...?", "GPU: ..."), trailing generic words ("Adam
optimizer", "ReLU activation function"), trailing words the question itself uses, a
parenthesised acronym or gloss, and a remark after a comma ("..., I believe"). A guess that
hedges ("ReLU or GELU", "not ReLU, it's GELU") or names a near miss the bank rejects is refused,
even when the right answer appears in it: a guess is never accepted because it merely contains
an answer.

:func:`judge` returns a :class:`Verdict`: accepted, close (refused but near an accepted answer,
with the answer to suggest) or wrong.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from rapidfuzz.distance import OSA

_NON_WORD = re.compile(r"[^\w\s]|_")
# A capital that starts a lower-case word inside a token: "largeLanguageModel" is three words,
# "ReLU" and "PReLU" are one.
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z][a-z]{2})")
# Code that names the answer: "torch.optim.Adam(...)", "nn.ReLU()", "F.relu(x)" name Adam, ReLU.
_CODE_CALL = re.compile(
    r"\b(?:[A-Za-z_]\w*\.)+([A-Za-z_]\w+)(?:\((?:[^()]|\([^()]*\))*\))?|\b([A-Za-z_]\w+)\(\w*\)"
)
# Examples after an answer ("..., like GPT-4 or Llama", "(e.g. a BPE subword)") are remarks.
_EXAMPLES = re.compile(
    r"(?:(?:,\s*|\(\s*)(?:like|e\.?\s?g\.?|such as|for example|for instance)|"
    r"\s+(?:e\.?\s?g\.?|such as|for example|for instance))\b[^)]*\)?\s*$",
    re.IGNORECASE,
)
# A parenthesised aside: a gloss about the answer, not a second answer, unless it names a near
# miss or takes the answer back ("ReLU (not GELU)").
_ASIDE = re.compile(r"\(([^()]*)\)")


def _strip_accents(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


# --- words ----------------------------------------------------------------------------------

ARTICLES = frozenset({"the", "a", "an"})
CONNECTIVES = frozenset({"from", "with", "through", "via", "by"})
# Trailing words that name the kind of thing an answer is, and so add no second answer.
GENERIC = frozenset(
    {
        "activation", "algorithm", "approach", "architecture", "concept", "function", "layer",
        "mechanism", "method", "metric", "model", "optimiser", "optimizer", "optimisation",
        "optimization", "score", "technique", "term",
    }
)  # fmt: skip
# Leading words of a sentence that frames the answer ("It stands for", "I think it's").
FRAME = frozenset(
    {
        "answer", "believe", "called", "final", "guess", "i", "im", "is", "it", "its", "m",
        "means", "my", "pretty", "s", "stand", "stands", "sure", "think", "this", "for", "was",
        "that", "refers", "to", "known", "as", "name", "so", "well", "ok", "okay", "hmm", "um",
        "yes", "yeah", "am", "probably", "definitely", "obviously", "d", "id", "say", "would",
        "they", "re", "theyre", "these", "are", *ARTICLES, *GENERIC,
    }
)  # fmt: skip
# Trailing words of a remark about the answer ("adam I think", "... right?").
TAIL = frozenset({"right", "i", "think", "guess", "believe", "suppose", "correct", "lol"})
# Words that take an answer back or hedge it ("no wait", "not ReLU", "maybe").
HEDGES = frozenset({"not", "no", "wait", "maybe", "perhaps", "either", "nor", "never", "isn"})
# Words that make a clause beside the answer a remark about it ("..., like ChatGPT", "..., which
# is used for ...") rather than a second answer ("Paris, London").
REMARK = frozenset(
    {
        "like", "eg", "e", "g", "ie", "such", "which", "where", "used", "uses", "use", "for",
        "are", "was", "in", "of", "on", "and", "the", "a", "an", "lol", "haha", "right", "vs",
        "etc", "usually", "ones", "thing", "good", "question",
    }
)  # fmt: skip
MAX_BARE_WORDS = 3  # a clause this short, with no remark word, reads as another answer
# Other forms of a word, and the short forms learners type for the field's long words.
_FORMS = {
    "net": "network",
    "nets": "network",
    "networks": "network",
    "lang": "language",
    "conv": "convolution",
    "attn": "attention",
    "eval": "evaluation",
}
_SUFFIXES = ("ing", "ed", "al", "s")


@dataclass(frozen=True, slots=True)
class Word:
    text: str  # casefolded, accents removed
    acronym: bool = False  # written with two capitals or more (ReLU, GPU): no typo forgiven

    @property
    def budget(self) -> int:
        """Typos forgiven in this word: none up to 4 letters or for an acronym, one up to 7
        (a word of 4 letters may still have two neighbours swapped, see :func:`word_cost`)."""
        n = len(self.text)
        if self.acronym or n <= 4 or any(c.isdigit() for c in self.text):
            return 0
        return 1 if n <= 7 else 2


def words(text: str) -> tuple[Word, ...]:
    """The words of a text, without articles; connectives are kept (see :func:`_content`)."""
    out = []
    text = _CAMEL.sub(" ", _strip_accents(text))
    for raw in _NON_WORD.sub(" ", text).split():
        acronym = sum(c.isupper() for c in raw) >= 2
        word = raw.casefold()
        if word not in ARTICLES:
            out.append(Word(word, acronym))
    return tuple(out)


def _content(ws: Sequence[Word]) -> tuple[Word, ...]:
    return tuple(w for w in ws if w.text not in CONNECTIVES)


@lru_cache(maxsize=4096)
def stem(word: str) -> str:
    """A crude stem for comparing forms of one word: ``overfitted`` and ``overfitting`` both
    give ``overfit``, ``graphical`` and ``graphics`` give ``graphic``, ``units`` gives ``unit``."""
    word = _FORMS.get(word, word)
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            if len(word) >= 4 and word[-1] == word[-2] and word[-1] not in "aeiou":
                word = word[:-1]  # overfitting, overfitted: overfit
            break
    return word


def word_cost(answer: Word, guess: str, *, typos: bool = True) -> int | None:
    """Edits needed for ``guess`` to be the answer's word (None: it is another word)."""
    a = answer.text
    if a == guess or stem(a) == stem(guess):
        return 0
    if not typos or guess.isdigit():
        return None
    if answer.budget == 0:
        swapped = (
            len(a) == 4
            and not answer.acronym
            and len(guess) == 4
            and sorted(a) == sorted(guess)
            and OSA.distance(a, guess) == 1
        )
        return 1 if swapped else None
    cost = OSA.distance(a, guess, score_cutoff=answer.budget)
    return cost if cost <= answer.budget else None


def align(answer: Sequence[Word], guess: Sequence[str], *, typos: bool = True) -> int | None:
    """Edits needed for the guess words to be the answer words, in order, one for one (a word
    may be written joined or split in two or three); None when they are not the answer."""

    @cache
    def go(i: int, j: int) -> int | None:
        if i == len(answer):
            return 0 if j == len(guess) else None
        best: int | None = None
        for take_a in (1, 2, 3):
            if i + take_a > len(answer):
                break
            joined_a = Word(
                "".join(w.text for w in answer[i : i + take_a]),
                any(w.acronym for w in answer[i : i + take_a]),
            )
            for take_g in (1, 2, 3):
                if j + take_g > len(guess) or (take_a > 1 and take_g > 1):
                    break
                cost = word_cost(joined_a, "".join(guess[j : j + take_g]), typos=typos)
                if cost is None:
                    continue
                rest = go(i + take_a, j + take_g)
                if rest is not None and (best is None or cost + rest < best):
                    best = cost + rest
        return best

    return go(0, 0)


# --- clauses --------------------------------------------------------------------------------

_CLAUSE_BREAK = re.compile(
    r"[.!?]+(?=\s|$)|[,;:](?=\s|$)|=|—|\s[-–]+\s|\(|\)|\[|\]|\bor\b|\bnor\b", re.IGNORECASE
)


def clauses(text: str) -> list[tuple[Word, ...]]:
    """The guess cut into clauses at sentence ends, commas, colons, dashes, parentheses and
    "or"; each clause as its words, empty ones left out."""
    parts = (words(part) for part in _CLAUSE_BREAK.split(text))
    return [p for p in parts if p]


MAX_GUESS = 2000  # characters judged: a quiz's answer form takes 200
MAX_FRAME_WORDS = 8  # "I am pretty sure it is ..."
MAX_TRAILING_WORDS = 4  # "... activation function", "... the training data"
_OR = re.compile(r"\b(?:or|nor)\b", re.IGNORECASE)
SHORT_GUESS = 12  # words: up to this, "or" is a choice between answers, not a turn of phrase


@dataclass(frozen=True, slots=True)
class Answers:
    """A question's accepted answers and known near misses, ready to compare."""

    accepted: tuple[tuple[str, tuple[Word, ...]], ...]
    rejects: tuple[tuple[Word, ...], ...]
    framing: frozenset[str]  # the question's own words and acronyms, allowed around an answer

    @classmethod
    def of(cls, accepted: Sequence[str], rejects: Sequence[str] = (), prompt: str = "") -> Answers:
        acc = tuple((a, _content(words(a))) for a in accepted if words(a))
        rej = tuple(_content(words(r)) for r in rejects if words(r))
        framing = {w.text for w in words(prompt)}
        for _, ws in acc:  # the answer's initials, e.g. "rlhf stands for ..."
            if len(ws) > 1:
                framing.add("".join(w.text[0] for w in ws))
        return cls(acc, rej, frozenset(framing))


def _trims(ws: tuple[Word, ...], framing: frozenset[str]) -> list[tuple[str, ...]]:
    """The clause with leading frame words and trailing generic or question words taken off, in
    every combination (the answer itself may start or end with such a word)."""
    texts = [w.text for w in ws]
    starts = [0]
    while (
        len(starts) <= MAX_FRAME_WORDS
        and starts[-1] < len(texts)
        and (texts[starts[-1]] in FRAME or texts[starts[-1]] in framing)
    ):
        starts.append(starts[-1] + 1)
    out = []
    last = len(texts)
    while last > 1 and len(texts) - last < MAX_TRAILING_WORDS and texts[last - 1] in TAIL:
        last -= 1
    for s in starts:
        end = last
        out.append(tuple(texts[s:end]))
        while end > max(s + 1, last - MAX_TRAILING_WORDS) and (
            texts[end - 1] in GENERIC or texts[end - 1] in framing
        ):
            end -= 1
            out.append(tuple(texts[s:end]))
    return out


class Kind(enum.Enum):
    ACCEPTED = "accepted"
    CLOSE = "close"
    WRONG = "wrong"


@dataclass(frozen=True, slots=True)
class Verdict:
    kind: Kind
    suggestion: str | None = None  # for CLOSE: the accepted answer the guess was near

    @property
    def accepted(self) -> bool:
        return self.kind is Kind.ACCEPTED

    def did_you_mean(self) -> str | None:
        """The sentence shown for a near miss."""
        if self.kind is Kind.CLOSE and self.suggestion:
            return f"Close, not accepted: did you mean {self.suggestion}?"
        return None


WRONG = Verdict(Kind.WRONG)


def _best(
    candidates: list[tuple[str, ...]], targets: Sequence[tuple[Word, ...]], *, typos: bool
) -> tuple[int, int] | None:
    """(edits, index of the target) of the closest match of any candidate, or None."""
    best: tuple[int, int] | None = None
    for cand in candidates:
        guess = tuple(t for t in cand if t not in CONNECTIVES)
        for n, target in enumerate(targets):
            cost = align(target, guess, typos=typos)
            if cost is not None and (best is None or cost < best[0]):
                best = (cost, n)
    return best


def _classify(ws: tuple[Word, ...], answers: Answers) -> tuple[str, int | None]:
    """One clause: ("accepted", n), ("reject", n), ("near", n), ("hedge", None) or
    ("other", None), where n is the accepted answer it is about."""
    cands = _trims(ws, answers.framing)
    targets = [ws for _, ws in answers.accepted]
    exact = _best(cands, targets, typos=False)
    if exact is not None:
        return "accepted", exact[1]
    if any(w.text in HEDGES for w in ws) and _about_answer(ws, answers):
        return "hedge", None
    rejected = _best(cands, answers.rejects, typos=True)
    typo = _best(cands, targets, typos=True)
    if typo is not None and (rejected is None or typo[0] < rejected[0]):
        return "accepted", typo[1]
    if rejected is not None:
        return "reject", 0
    near = _near(cands, targets)
    return ("near", near) if near is not None else ("other", None)


def _about_answer(ws: tuple[Word, ...], answers: Answers) -> bool:
    """Whether a clause with a hedge word is about the answer: it names a word of an accepted
    answer or a near miss, or is nothing but hedges ("no wait")."""
    named = {stem(w.text) for _, a in answers.accepted for w in a}
    named |= {stem(w.text) for r in answers.rejects for w in r}
    rest = [w.text for w in ws if w.text not in HEDGES and w.text not in FRAME]
    return not rest or any(stem(t) in named for t in rest)


def _rival(ws: tuple[Word, ...], answers: Answers) -> bool:
    """Whether a clause beside an accepted one is a second answer rather than a remark: a few
    bare words, none of them framing, a remark or the question's own."""
    if len(ws) > MAX_BARE_WORDS:
        return False
    allowed = FRAME | REMARK | answers.framing
    framing = {stem(f) for f in answers.framing}  # "GANs" beside "generative adversarial ..."
    return not any(
        w.text in allowed or stem(w.text) in framing or any(c.isdigit() for c in w.text) for w in ws
    )


def _near(candidates: list[tuple[str, ...]], targets: Sequence[tuple[Word, ...]]) -> int | None:
    """An accepted answer the clause misses by one word of three or more (or a one-word answer
    by one more typo than forgiven)."""
    for cand in candidates:
        guess = tuple(t for t in cand if t not in CONNECTIVES)
        for n, target in enumerate(targets):
            if len(target) != len(guess) or len(target) == 2:
                continue
            misses = 0
            for a, g in zip(target, guess, strict=True):
                if any(c.isdigit() for c in a.text + g):
                    misses += 0 if a.text == g else 2  # numbers are exact, never near
                elif word_cost(a, g) is None:
                    slack = OSA.distance(a.text, g, score_cutoff=a.budget + 1)
                    misses += 1 if len(target) > 1 or slack <= a.budget + 1 else 2
            if misses == 1:
                return n
    return None


def judge(
    guess: str,
    accepted: Sequence[str],
    rejects: Sequence[str] = (),
    prompt: str = "",
) -> Verdict:
    """Judge a typed guess: accepted, close (with the accepted answer to suggest) or wrong.

    ``rejects`` are near misses the bank names (GELU for ReLU); ``prompt`` is the question, whose
    own words may frame an answer ("What does RLHF stand for?": "RLHF stands for ...").
    """
    return judge_with(guess, Answers.of(accepted, rejects, prompt))


def _plain_guess(guess: str) -> str:
    """The guess with code written around an answer reduced to its name and trailing examples
    cut off: what a learner meant to name."""
    guess = _CODE_CALL.sub(lambda m: m.group(1) or m.group(2), guess[:MAX_GUESS])
    return _EXAMPLES.sub("", guess).strip()


def judge_with(guess: str, answers: Answers) -> Verdict:
    if not answers.accepted:
        return WRONG
    guess = _plain_guess(guess)
    asides = _ASIDE.findall(guess)
    main = _ASIDE.sub(" ", guess).strip()
    if asides and main and _judge(main, answers).accepted:
        aside_kinds = {_classify(ws, answers)[0] for a in asides for ws in clauses(a)}
        if not aside_kinds & {"reject", "near", "hedge"}:
            return Verdict(Kind.ACCEPTED)
    return _judge(guess, answers)


def _judge(guess: str, answers: Answers) -> Verdict:
    whole = words(guess)  # "generative, adversarial network": punctuation inside an answer
    if (
        whole
        and len(whole) <= SHORT_GUESS
        and not _OR.search(guess)
        and _classify(whole, answers)[0] == "accepted"
        and all(_classify(ws, answers)[0] in ("accepted", "other") for ws in clauses(guess))
    ):
        return Verdict(Kind.ACCEPTED)
    parts = clauses(guess)
    if not parts:
        return WRONG
    if len(parts) > 1 and _OR.search(guess) and sum(len(p) for p in parts) <= SHORT_GUESS:
        return WRONG  # "ReLU or GELU": a short guess with "or" offers two answers
    kinds = [_classify(ws, answers) for ws in parts]
    found = [k for k, _ in kinds]
    reference = answers.accepted[0][0]
    if "accepted" in found and not {"reject", "near", "hedge"} & set(found):
        if any(
            k == "other" and _rival(ws, answers) for (k, _), ws in zip(kinds, parts, strict=True)
        ):
            return WRONG  # "Paris, London, Berlin": a list of guesses scores nothing
        return Verdict(Kind.ACCEPTED)
    committed = [(k, n) for k, n in kinds if k in ("accepted", "reject", "near")]
    if len(committed) == 1 and "hedge" not in found:
        kind, n = committed[0]
        suggestion = answers.accepted[n][0] if kind == "near" and n is not None else reference
        return Verdict(Kind.CLOSE, suggestion)
    return WRONG


def matches(guess: str, accepted: tuple[str, ...] | list[str]) -> bool:
    """Whether a typed guess is one of the accepted answers (see :func:`judge`)."""
    return judge(guess, accepted).accepted
