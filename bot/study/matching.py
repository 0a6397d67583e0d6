"""Lenient matching of typed answers against a question's accepted answers.

Case, punctuation, accents, leading articles and a small typo (scaled to the answer's length)
are forgiven. A guess is never accepted because it merely contains an answer: "paris or london"
does not match "Paris".
"""

from __future__ import annotations

import re
import unicodedata

_ARTICLES = re.compile(r"^(?:the|a|an)\s+")
_NON_WORD = re.compile(r"[^\w\s]|_")


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = " ".join(_NON_WORD.sub(" ", text).split())
    return _ARTICLES.sub("", text)


def tolerance(answer: str) -> int:
    """Typos forgiven: none for short answers, one up to 7 characters, then two."""
    n = len(answer.replace(" ", ""))
    if n <= 3:
        return 0
    if n <= 7:
        return 1
    return 2


def distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (edits and swaps of neighbours), capped at limit+1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def matches(guess: str, accepted: tuple[str, ...] | list[str]) -> bool:
    g = normalise(guess)
    if not g:
        return False
    for answer in accepted:
        a = normalise(answer)
        if not a:
            continue
        if g == a:
            return True
        if a.isdigit() or g.isdigit():
            continue  # numbers must be exact
        if distance(g, a, tolerance(a)) <= tolerance(a):
            return True
    return False
