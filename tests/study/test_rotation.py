"""The lazy shuffle the question of the day walks through."""

from __future__ import annotations

import itertools
import random
from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from bot.study.rotation import rotation


@given(st.integers(min_value=0, max_value=60), st.text(max_size=8))
def test_every_item_exactly_once(n: int, seed: str) -> None:
    items = list(range(n))
    assert sorted(rotation(items, seed)) == items


def test_fixed_by_seed_and_varied_across_seeds() -> None:
    items = [f"q{n}" for n in range(50)]
    assert list(rotation(items, "7:0")) == list(rotation(items, "7:0"))
    assert len({tuple(rotation(items, f"7:{cycle}")) for cycle in range(10)}) == 10


def test_reads_only_what_it_yields() -> None:
    # A sequence of ten million items is never copied: taking five costs five steps.
    first = list(itertools.islice(rotation(range(10_000_000), "s"), 5))
    assert len(set(first)) == 5


def test_first_item_is_uniform() -> None:
    counts = Counter(next(rotation(range(5), str(seed))) for seed in range(5000))
    assert set(counts) == set(range(5))
    assert all(800 < c < 1200 for c in counts.values()), counts


def test_same_distribution_as_a_full_shuffle() -> None:
    # Position of item 0 after a lazy shuffle vs random.shuffle: both uniform over positions.
    lazy = Counter(list(rotation(range(4), f"a{s}")).index(0) for s in range(4000))
    full = Counter()
    for s in range(4000):
        x = list(range(4))
        random.Random(f"b{s}").shuffle(x)
        full[x.index(0)] += 1
    for position in range(4):
        assert abs(lazy[position] - full[position]) < 250
