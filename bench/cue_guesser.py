"""A test-wise learner who does not know the subject: picks a multiple-choice option from
surface cues alone, to measure how much a bank's choice items leak their answer.

Each cue scores every option of one item; the weighted sum picks the option (ties go to the
longer option, then the earlier one, so the pick is deterministic). The cues are those that
test-wiseness studies (Millman, Bishop and Ebel, 1965) and item-writing guides (Haladyna and
Downing) list as flaws a learner exploits:

- overlap: the option repeats the prompt's words (by stem), distinctive words weighing most;
- blank: a ``___`` in an option stands for a term that was masked because the prompt names it;
- grammar: the words around a blank (``a``/``an``, a singular or plural verb) fit the prompt's
  term, or the option fits the article and verb around the prompt's own blank;
- form: the prompt asks for a list and the option is a list, or for a definition and the option
  defines something;
- length: the longest, most worked-over option;
- qualifiers: hedged options ("usually", "can") are right more often than absolute ones
  ("always", "never");
- all of the above: when offered, it is the best bet;
- odd one out: the one option whose shape differs from all the others;
- convergence: the option that shares most words with the other options (distractors are often
  written by varying the right answer).

Run ``python -m bench.cue_guesser BANK...`` to print its hit rate and chance on what
``python -m bot bank quiz --json`` asks for seeds 0..19.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import snowballstemmer

if TYPE_CHECKING:
    from bench.common import Report

ROOT = Path(__file__).resolve().parents[1]
SEEDS = range(20)

Cue = Callable[[str, Sequence[str]], list[float]]

_WORD = re.compile(r"[A-Za-z0-9]+")
_BLANK = re.compile(r"_{2,}")
_STOPWORDS = frozenset(
    """a about above after again all also an and any are as at be because been being below
    between both but by can could did do does doing down during each either few for from
    further had has have having he her here his how i if in into is it its itself just me more
    most my no nor not of off on once only or other our out over own same she should so some
    such than that the their them then there these they this those through to too under until
    up very was we were what when where which while who whom why will with would you your
    explain describe discuss define mean means name give list example examples use used using
    """.split()
)
_VERBS = frozenset(
    """refer use work involve mean allow help learn generate create make produce consist
    describe represent occur take provide enable remain seem become include require contain
    let give keep show lead cause apply measure train predict map store add remove reduce
    improve act serve run depend""".split()
)
_SINGULAR_VERBS = frozenset({"is", "was", "has", "does"})
_PLURAL_VERBS = frozenset({"are", "were", "have", "do"})
_CONSONANT_SOUND = re.compile(r"^(uni|use|usu|uti|eu|one|once|ubiq)", re.IGNORECASE)
_VOWEL_SOUND_LETTERS = frozenset("AEFHILMNORSX")
_HEDGES = re.compile(
    r"\b(usually|often|generally|typically|may|might|can|could|sometimes|some|most|likely|"
    r"tends?|relatively|mainly|mostly|frequently)\b",
    re.IGNORECASE,
)
_ABSOLUTES = re.compile(
    r"\b(always|never|only|none|every|all|must|completely|entirely|impossible|guaranteed|"
    r"cannot|no one|nothing)\b",
    re.IGNORECASE,
)
_ALL_ABOVE = re.compile(r"\ball of the (above|these|options)\b|^both\b", re.IGNORECASE)
_NONE_ABOVE = re.compile(r"\bnone of the (above|these|options)\b", re.IGNORECASE)
_ASKS_LIST = re.compile(
    r"\b(what are( some)?|some|different|list|name|which \w+s|examples|ways|types|kinds|"
    r"techniques|methods|metrics|strategies|challenges|considerations|steps|advantages|"
    r"benefits|differences?)\b",
    re.IGNORECASE,
)
_ASKS_DEFINITION = re.compile(
    r"^\s*(what is|what's|what does|define|explain the concept|describe the concept|"
    r"explain what|what do you mean)\b",
    re.IGNORECASE,
)
_DEFINES = re.compile(
    r"\b(is|are) (a|an|the)\b|\brefers? to\b|\bmeans?\b|\binvolves?\b|\bis (used|called)\b",
    re.IGNORECASE,
)
_TERM_PATTERNS = (
    re.compile(r"[\"“]([^\"”]+)[\"”]"),
    re.compile(r"\bwhat (?:is|are) (?:an? |the )?([^,?.;]+)", re.IGNORECASE),
    re.compile(r"\b(?:concept|idea|notion|term) of (?:an? |the )?([^,?.;]+)", re.IGNORECASE),
    re.compile(r"\bdoes (\S+) stand for", re.IGNORECASE),
    re.compile(r"\bhow (?:does|do) (?:an? |the )?([^,?.;]+?) (?:work|differ)", re.IGNORECASE),
)


@cache
def _stem(word: str) -> str:
    stem: str = _stemmer().stemWord(word.lower())
    return stem


@cache
def _stemmer() -> Any:
    return snowballstemmer.stemmer("english")


def words(text: str) -> list[str]:
    """The words of ``text``, with a blank left out."""
    return _WORD.findall(_BLANK.sub(" ", text))


def content_stems(text: str) -> list[str]:
    """Stems of the words that carry meaning, in order (stopwords dropped)."""
    return [_stem(w) for w in words(text) if w.lower() not in _STOPWORDS]


def _scaled(values: list[float]) -> list[float]:
    """Divides by the largest absolute value, so every cue's scores lie in [-1, 1]."""
    top = max((abs(v) for v in values), default=0.0)
    return [v / top for v in values] if top else [0.0] * len(values)


# ---------------------------------------------------------------------------------------------
# The cues: each returns one score per option, in [-1, 1].


def overlap(
    prompt: str, options: Sequence[str], topic: Collection[str] = frozenset()
) -> list[float]:
    """Prompt stems and stem pairs that an option repeats, each weighted by how few options
    repeat it: a word every option shares tells the learner nothing, and neither does a word
    of the test's topic (``topic``: stems found in most prompts of the test). Two distinctive
    repeats are as sure a sign as any more."""
    asked = content_stems(prompt)
    wanted: set[object] = {s for s in asked if s not in topic}
    wanted |= {pair for pair in _pairs(asked) if not set(pair) <= set(topic)}
    repeats = [({*content_stems(o), *_pairs(content_stems(o))}) & wanted for o in options]
    counts = Counter(cue for shared in repeats for cue in shared)
    n = len(options)
    return [
        min(1.0, sum((n - counts[cue]) / (n - 1) for cue in shared) / 2) if n > 1 else 0.0
        for shared in repeats
    ]


def _pairs(stems: list[str]) -> list[tuple[str, str]]:
    return list(itertools.pairwise(stems))


def blank(prompt: str, options: Sequence[str]) -> list[float]:
    """When the prompt asks about a term, an option with a blank had a term masked, and terms
    are masked because the prompt names them."""
    if _BLANK.search(prompt) or prompt_term(prompt) is None:
        return [0.0] * len(options)
    return [1.0 if _BLANK.search(o) else 0.0 for o in options]


@dataclass(frozen=True)
class Term:
    """What the prompt asks about, as far as its grammar shows."""

    text: str
    plural: bool

    @property
    def takes_an(self) -> bool:
        return starts_with_vowel_sound(self.text)


def prompt_term(prompt: str) -> Term | None:
    """The term the prompt asks about (a quoted phrase, the X of "what is X", "the concept of
    X", "what does X stand for"), or None when its wording does not show one."""
    for pattern in _TERM_PATTERNS:
        m = pattern.search(prompt)
        if m:
            text = re.split(r"\s+(?:and|in|for|when|with|particularly)\s+", m.group(1))[0]
            text = text.strip(" \"'“”")
            if text:
                asked_as_plural = bool(re.search(r"\bwhat are\b", prompt, re.IGNORECASE))
                return Term(text, asked_as_plural or is_plural_noun(text.split()[-1]))
    return None


def is_plural_noun(word: str) -> bool:
    if re.fullmatch(r"[A-Z]{2,}s", word):
        return True
    lower = word.lower()
    return len(lower) > 3 and lower.endswith("s") and not lower.endswith(("ss", "us", "is"))


def starts_with_vowel_sound(text: str) -> bool:
    first = text.strip(" \"'“”(").split(" ")[0] if text.strip() else ""
    if not first:
        return False
    if re.fullmatch(r"[A-Z]{2,}s?", first):
        return first[0] in _VOWEL_SOUND_LETTERS
    if first.lower().startswith(("hour", "honest", "honor", "honour", "heir")):
        return True
    return first[0].lower() in "aeiou" and not _CONSONANT_SOUND.match(first)


def verb_number(word: str) -> bool | None:
    """True for a plural verb, False for a singular one, None for a word that is neither."""
    lower = word.lower()
    if lower in _SINGULAR_VERBS:
        return False
    if lower in _PLURAL_VERBS or lower in _VERBS:
        return True
    if lower.endswith("es") and lower[:-2] in _VERBS:
        return False
    if lower.endswith("s") and lower[:-1] in _VERBS:
        return False
    return None


def grammar(prompt: str, options: Sequence[str]) -> list[float]:
    """-1 for each article or verb around a blank that cannot fit, +0.25 for each that fits."""
    if _BLANK.search(prompt):
        return _scaled([_fill_fit(prompt, option) for option in options])
    term = prompt_term(prompt)
    if term is None:
        return [0.0] * len(options)
    return _scaled([_blank_fit(option, term) for option in options])


def _blank_fit(option: str, term: Term) -> float:
    """How well the prompt's term fits the blanks of an option."""
    score = 0.0
    for m in _BLANK.finditer(option):
        before = option[: m.start()].split()
        after = option[m.end() :].split()
        if before and before[-1].lower() in ("a", "an"):
            score += _agrees(before[-1].lower() == "an", term.takes_an)
            score += _agrees(False, term.plural)
        if after:
            number = verb_number(after[0].strip(",.;:"))
            if number is not None and not (before and before[-1].lower() == "of"):
                score += _agrees(number, term.plural)
    return score


def _fill_fit(prompt: str, option: str) -> float:
    """How well an option fills the blank of a fill-in-the-blank prompt."""
    m = _BLANK.search(prompt)
    assert m is not None
    before = prompt[: m.start()].split()
    after = prompt[m.end() :].split()
    option_words = option.split()
    if not option_words:
        return 0.0
    score = 0.0
    if before and before[-1].lower() in ("a", "an"):
        score += _agrees(before[-1].lower() == "an", starts_with_vowel_sound(option))
        score += _agrees(False, is_plural_noun(option_words[-1]))
    if after:
        number = verb_number(after[0].strip(",.;:"))
        if number is not None:
            score += _agrees(number, is_plural_noun(option_words[-1].strip(",.;:")))
    return score


def _agrees(expected: bool, actual: bool) -> float:
    return 0.25 if expected == actual else -1.0


def form(prompt: str, options: Sequence[str]) -> list[float]:
    """The answer has the form the question asks for: a list for "what are some ...", a
    definition for "what is ...". The prompt is read without its blank, if any."""
    asks_list = bool(_ASKS_LIST.search(prompt))
    asks_definition = bool(_ASKS_DEFINITION.search(prompt)) and not asks_list
    scores = []
    for option in options:
        if asks_list:
            scores.append(1.0 if looks_like_list(option) else 0.0)
        elif asks_definition:
            scores.append(1.0 if _DEFINES.search(option) and not looks_like_list(option) else 0.0)
        else:
            scores.append(0.0)
    return scores


def looks_like_list(option: str) -> bool:
    """Several short comma-separated items, not a sentence."""
    parts = [p for p in re.split(r",|;|\band\b", option) if p.strip()]
    return len(parts) >= 3 and all(len(p.split()) <= 5 for p in parts)


def length(prompt: str, options: Sequence[str]) -> list[float]:
    """Longer options score higher, from 0 for the shortest to 1 for the longest."""
    sizes = [len(words(o)) for o in options]
    low, high = min(sizes, default=0), max(sizes, default=0)
    if high == low:
        return [0.0] * len(options)
    return [(s - low) / (high - low) for s in sizes]


def qualifiers(prompt: str, options: Sequence[str]) -> list[float]:
    """Hedged options ("usually", "can") for, absolute ones ("always", "never") against."""
    scores = []
    for option in options:
        plain = _ALL_ABOVE.sub("", _NONE_ABOVE.sub("", option))
        scores.append(0.5 * min(2, len(_HEDGES.findall(plain))) - len(_ABSOLUTES.findall(plain)))
    return _scaled(scores)


def all_of_the_above(prompt: str, options: Sequence[str]) -> list[float]:
    return [1.0 if _ALL_ABOVE.search(o) else 0.0 for o in options]


def _shape(option: str) -> tuple[bool, bool, bool, bool]:
    return (
        bool(_BLANK.search(option)),
        looks_like_list(option),
        option.rstrip().endswith((".", "!", "?")),
        option[:1].isupper(),
    )


def odd_one_out(prompt: str, options: Sequence[str]) -> list[float]:
    """1 for the only option that differs in shape from all the others, when the others agree."""
    if len(options) < 3:
        return [0.0] * len(options)
    shapes = [_shape(o) for o in options]
    scores = [0.0] * len(options)
    for feature in range(len(shapes[0])):
        values = [s[feature] for s in shapes]
        for value in set(values):
            if values.count(value) == 1 and len(set(values)) == 2:
                scores[values.index(value)] += 1.0
    return _scaled(scores)


def convergence(prompt: str, options: Sequence[str]) -> list[float]:
    """Mean word overlap (Jaccard, by stem) of an option with the other options."""
    sets = [set(content_stems(o)) for o in options]
    scores = []
    for i, mine in enumerate(sets):
        others = [s for j, s in enumerate(sets) if j != i]
        similarity = [len(mine & s) / len(mine | s) for s in others if mine | s]
        scores.append(sum(similarity) / len(others) if others else 0.0)
    return _scaled(scores)


CUES: tuple[tuple[str, float, Cue], ...] = (
    ("overlap", 3.0, overlap),
    ("blank", 1.5, blank),
    ("grammar", 2.0, grammar),
    ("form", 1.5, form),
    ("length", 1.0, length),
    ("qualifiers", 0.5, qualifiers),
    ("all of the above", 2.5, all_of_the_above),
    ("odd one out", 0.5, odd_one_out),
    ("convergence", 0.5, convergence),
)


def scores(
    prompt: str, options: Sequence[str], topic: Collection[str] = frozenset()
) -> list[float]:
    """The weighted sum of every cue, per option."""
    total = [0.0] * len(options)
    for _name, weight, cue in CUES:
        scored = partial(overlap, topic=topic) if cue is overlap else cue
        for i, value in enumerate(scored(prompt, options)):
            total[i] += weight * value
    return total


def guess(prompt: str, options: Sequence[str], topic: Collection[str] = frozenset()) -> int:
    """The index of the option a test-wise learner who does not know the subject picks;
    ``topic`` holds the stems of the test's topic, which the learner does not count as
    overlap (see ``topic_stems``)."""
    if not options:
        raise ValueError("an item without options cannot be guessed")
    total = scores(prompt, options, topic)
    return max(range(len(options)), key=lambda i: (round(total[i], 9), len(options[i]), -i))


def topic_stems(prompts: Iterable[str], share: float = 0.3, least: int = 5) -> frozenset[str]:
    """Stems found in at least ``share`` of the distinct prompts of a test (of at least
    ``least`` prompts): the test's topic, which every question names."""
    distinct = set(prompts)
    if len(distinct) < least:
        return frozenset()
    counts = Counter(stem for p in distinct for stem in set(content_stems(p)))
    return frozenset(stem for stem, n in counts.items() if n >= share * len(distinct))


def hit_rate(items: Iterable[Mapping[str, Any]]) -> tuple[float, float]:
    """(share of items the guesser gets right, chance = mean of 1/len(options)) over items
    with keys "prompt", "options" and "correct_option", taken as one test."""
    listed = list(items)
    if not listed:
        raise ValueError("no items with options to guess")
    topic = topic_stems(item["prompt"] for item in listed)
    hits = sum(
        guess(item["prompt"], item["options"], topic) == item["correct_option"] for item in listed
    )
    chance = sum(1 / len(item["options"]) for item in listed)
    return hits / len(listed), chance / len(listed)


# ---------------------------------------------------------------------------------------------
# Measuring what the bot asks.


def quiz_json(bank: Path, seed: int) -> dict[str, Any]:
    """``python -m bot bank quiz BANK --json --seed SEED``, parsed."""
    done = subprocess.run(
        [sys.executable, "-m", "bot", "bank", "quiz", str(bank), "--json", "--seed", str(seed)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    parsed: dict[str, Any] = json.loads(done.stdout)
    return parsed


def choice_items(quiz: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The items with options in one quiz: from each question's "items" when the bot lists
    them, else from the question's own "options" and "correct_option"."""
    found = []
    for question in quiz["questions"]:
        for item in question.get("items", [question]) or ():
            if item.get("options") and item.get("correct_option") is not None:
                found.append(
                    {
                        "prompt": item["prompt"],
                        "options": item["options"],
                        "correct_option": item["correct_option"],
                    }
                )
    return found


def measure(bank: Path, seeds: Iterable[int] = SEEDS) -> tuple[float, float, int]:
    """(hit rate, chance, number of items) over the bank's choice items for these seeds."""
    items = [item for seed in seeds for item in choice_items(quiz_json(bank, seed))]
    if not items:
        return float("nan"), float("nan"), 0
    rate, chance = hit_rate(items)
    return rate, chance, len(items)


BENCH_BANKS = (
    ROOT / "data/banks/generative-ai-interview-questions.md",
    ROOT / "tests/bank/real/ds-interviews-theory.md",
)


def run(report: Report) -> None:
    """The benchmark scenario: on the seed bank and a larger real one, the guesser's hit rate
    should be no more than chance + 0.10."""
    for bank in BENCH_BANKS:
        rate, chance, count = measure(bank)
        if not count:
            report.note(f"{bank.name}: no choice items")
            continue
        report.add(
            f"cue-only guesser, {bank.name}",
            f"{rate:.2f} (chance {chance:.2f}, {count} items)",
            "<= chance + 0.10",
            rate <= chance + 0.10,
        )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.cue_guesser",
        description="hit rate of a cue-only guesser on `bank quiz --json`, seeds 0..19",
    )
    parser.add_argument("banks", nargs="+", type=Path, metavar="BANK")
    args = parser.parse_args(argv)
    for bank in args.banks:
        rate, chance, count = measure(bank.resolve())
        if count:
            print(f"{bank}: hit rate {rate:.3f}, chance {chance:.3f}, {count} items")
        else:
            print(f"{bank}: no choice items")


if __name__ == "__main__":
    main()
