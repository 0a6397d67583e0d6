"""Which servers a process serves when the bot is split into shards.

Discord assigns every server to one shard by a fixed formula of its id; a process connects some
of the shards (``SHARD_IDS`` of ``SHARD_COUNT``) and does the work of their servers only.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_SHARDS = 65536  # far beyond any bot's need: a typo, not a plan, above it


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard a server's events come on (Discord's formula)."""
    return (guild_id >> 22) % shard_count


@dataclass(frozen=True, slots=True)
class Shards:
    """The shards one process serves: ``ids`` among ``count``."""

    count: int
    ids: tuple[int, ...]

    @classmethod
    def every(cls, count: int = 1) -> Shards:
        return cls(count, tuple(range(count)))

    @property
    def complete(self) -> bool:
        """This process serves every server: nothing needs filtering."""
        return len(self.ids) == self.count

    @property
    def sharded(self) -> bool:
        return self.count > 1

    @property
    def share(self) -> float:
        """This process's part of the bot's servers (Discord spreads servers evenly over
        shards), and so of the bot's global request rate, which every process shares."""
        return len(self.ids) / self.count

    def serves(self, guild_id: int) -> bool:
        return shard_of(guild_id, self.count) in self.ids


def parse_shard_ids(text: str, count: int) -> tuple[int, ...]:
    """``"0,2"``, ``"0-3"`` or a mix (``"0-1,5"``) as sorted, distinct shard ids below
    ``count``; blank means every shard. ValueError names what is wrong, in one sentence."""
    if not text.strip():
        return tuple(range(count))
    ids: set[int] = set()
    for part in text.split(","):
        ids.update(_shard_range(part.strip(), count))
    return tuple(sorted(ids))


def _shard_range(part: str, count: int) -> range:
    low, sep, high = part.partition("-")
    try:
        first = int(low)
        last = int(high) if sep else first
    except ValueError:
        raise ValueError(
            f"{part!r} is not a shard id or a range: write ids like 0,1 or a range like 0-3"
        ) from None
    if first < 0 or last < first:
        raise ValueError(f"{part!r} is not a range from a lower to a higher shard id")
    if last >= count:
        raise ValueError(
            f"shard {last} does not exist with SHARD_COUNT={count} (ids go from 0 to {count - 1})"
        )
    return range(first, last + 1)
