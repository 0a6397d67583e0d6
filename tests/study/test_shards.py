"""Which shard a server is on, and the shard ids a process is told to serve."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.study.shards import Shards, parse_shard_ids, shard_of

SNOWFLAKES = st.integers(min_value=0, max_value=2**63 - 1)


def test_shard_of_uses_the_timestamp_bits_as_discord_documents() -> None:
    # Discord's example: guild 81384788765712384 on shard 0 of 1, and (id >> 22) % count
    assert shard_of(81384788765712384, 1) == 0
    assert shard_of(81384788765712384, 16) == (81384788765712384 >> 22) % 16
    assert shard_of(5 << 22, 2) == 1
    assert shard_of((4 << 22) | 0x3FFFFF, 2) == 0  # the low 22 bits never move a server


@given(SNOWFLAKES, st.integers(min_value=1, max_value=64))
def test_every_server_is_on_exactly_one_shard(guild_id: int, count: int) -> None:
    serving = [i for i in range(count) if Shards(count, (i,)).serves(guild_id)]
    assert serving == [shard_of(guild_id, count)]
    assert Shards.every(count).serves(guild_id)


@pytest.mark.parametrize(
    ("text", "count", "ids"),
    [
        ("", 4, (0, 1, 2, 3)),
        ("  ", 1, (0,)),
        ("0,1", 4, (0, 1)),
        ("0-3", 4, (0, 1, 2, 3)),
        ("3, 1-2, 1", 8, (1, 2, 3)),
        ("5", 6, (5,)),
    ],
)
def test_shard_ids_are_read_as_ids_and_ranges(text: str, count: int, ids: tuple[int, ...]) -> None:
    assert parse_shard_ids(text, count) == ids


@pytest.mark.parametrize(
    ("text", "count", "message"),
    [
        ("a", 2, "'a' is not a shard id or a range: write ids like 0,1 or a range like 0-3"),
        ("0,", 2, "'' is not a shard id or a range: write ids like 0,1 or a range like 0-3"),
        ("3-1", 4, "'3-1' is not a range from a lower to a higher shard id"),
        ("-1", 4, "'-1' is not a shard id or a range: write ids like 0,1 or a range like 0-3"),
        ("2", 2, "shard 2 does not exist with SHARD_COUNT=2 (ids go from 0 to 1)"),
        ("0-4", 4, "shard 4 does not exist with SHARD_COUNT=4 (ids go from 0 to 3)"),
    ],
)
def test_unusable_shard_ids_are_refused_in_one_sentence(
    text: str, count: int, message: str
) -> None:
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        parse_shard_ids(text, count)


@given(
    st.integers(min_value=1, max_value=32).flatmap(
        lambda n: st.tuples(
            st.just(n), st.sets(st.integers(min_value=0, max_value=n - 1), min_size=1)
        )
    )
)
def test_written_ids_read_back_as_written(case: tuple[int, set[int]]) -> None:
    count, ids = case
    assert parse_shard_ids(",".join(map(str, ids)), count) == tuple(sorted(ids))


def test_a_process_serving_every_shard_needs_no_filter() -> None:
    assert Shards.every(3).complete
    assert not Shards(3, (0, 2)).complete
    assert not Shards.every(1).sharded
    assert Shards(2, (1,)).sharded


def test_each_process_has_its_part_of_the_global_rate() -> None:
    """Processes of one bot share its one global limit: their shares add up to the whole."""
    halves = [Shards(4, (0, 1)), Shards(4, (2,)), Shards(4, (3,))]
    assert [s.share for s in halves] == [0.5, 0.25, 0.25]
    assert sum(s.share for s in halves) == 1
    assert Shards.every(4).share == Shards.every(1).share == 1
