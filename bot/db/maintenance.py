"""Operator tasks: an online backup and a health check of the database file."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from bot.db.answers import score_mismatches
from bot.db.database import Database


def backup(source: Path, target: Path) -> int:
    """Copy ``source`` to ``target`` with SQLite's online backup, consistent even while the bot
    writes (the copy is one read transaction). Returns the size of the copy in bytes."""
    if not source.is_file():
        raise FileNotFoundError(f"no database at {source}")
    if target.exists():
        raise FileExistsError(f"{target} already exists; choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    with (
        closing(sqlite3.connect(source)) as src,
        closing(sqlite3.connect(target)) as dst,
    ):
        src.execute("PRAGMA busy_timeout = 5000")
        src.backup(dst)
    return target.stat().st_size


async def check(path: Path) -> list[str]:
    """Problems found: SQLite's integrity check, then totals that differ from their answers."""
    if not path.is_file():  # noqa: ASYNC240 - one stat before opening
        raise FileNotFoundError(f"no database at {path}")
    async with await Database.open(path) as db:
        problems = [row[0] for row in await db.fetchall("PRAGMA integrity_check") if row[0] != "ok"]
        problems += [
            f"foreign key: {tuple(row)}" for row in await db.fetchall("PRAGMA foreign_key_check")
        ]
        problems += await score_mismatches(db)
    return problems
