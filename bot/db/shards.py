"""The SQL condition that keeps a query to the servers of a process's shards."""

from __future__ import annotations

from bot.study.shards import Shards


def on_shards(shards: Shards | None, column: str = "guild_id") -> tuple[str, tuple[int, ...]]:
    """`` AND <column is on one of shards>`` and its parameters, to add to a WHERE clause;
    nothing when ``shards`` is every shard. The shard is computed in the query, so a process
    never reads (or claims) another process's work."""
    if shards is None or shards.complete:
        return "", ()
    marks = ", ".join("?" * len(shards.ids))
    return f" AND (({column} >> 22) % ?) IN ({marks})", (shards.count, *shards.ids)
