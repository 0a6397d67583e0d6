"""A fixed shuffle that is computed only as far as it is read.

The question of the day walks a shuffled bank: shuffling a bank of 10,000 questions for every
post would cost milliseconds of event-loop time per server, and only the first few unused
questions are ever looked at.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")


def rotation(items: Sequence[T], seed: str) -> Iterator[T]:
    """``items`` in an order fixed by ``seed``, each once (a Fisher-Yates shuffle done lazily:
    reading k items costs O(k))."""
    rng = random.Random(seed)  # noqa: S311 - variety, not security
    n = len(items)
    moved: dict[int, int] = {}  # position -> index of the item now there, where it changed
    for i in range(n):
        j = rng.randrange(i, n)
        picked = moved.get(j, j)
        moved[j] = moved.pop(i, i)
        yield items[picked]
