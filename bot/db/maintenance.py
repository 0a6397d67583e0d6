"""Operator tasks: an online backup and a health check of the database file.

Both only read the database: ``check`` reads it through a read-only connection and checks the
scores on a private copy (migrated there if it is older), so the file checked stays as it was.
"""

from __future__ import annotations

import asyncio
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path

from bot.db.answers import score_mismatches
from bot.db.database import Database, DatabaseError
from bot.db.reviews import card_problems
from bot.db.sqlite import BUSY_TIMEOUT_MS, storage_problem


def _existing(source: Path) -> None:
    if source.is_dir():
        raise DatabaseError(storage_problem(source, IsADirectoryError(str(source))))
    if not source.is_file():
        raise DatabaseError(f"no database at {source}: check DATABASE_PATH")


def _read_only(source: Path) -> sqlite3.Connection:
    """A connection that cannot change the file (nor turn on WAL, nor migrate it)."""
    conn = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn


def _copy(source: Path, target: Path) -> None:
    with closing(_read_only(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


def backup(source: Path, target: Path) -> int:
    """Copy ``source`` to ``target`` with SQLite's online backup, consistent even while the bot
    writes (the copy is one read transaction). Returns the size of the copy in bytes."""
    _existing(source)
    if target.exists():
        raise FileExistsError(f"{target} already exists; choose a new file name")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(
            f"cannot create the folder {target.parent} for the backup ({exc.strerror or exc})"
        ) from exc
    try:
        _copy(source, target)
    except sqlite3.Error as exc:
        if not target.exists() or target.stat().st_size == 0:
            target.unlink(missing_ok=True)
        try:
            with closing(_read_only(source)) as conn:
                conn.execute("PRAGMA schema_version").fetchone()
        except sqlite3.Error as source_exc:
            raise DatabaseError(storage_problem(source, source_exc)) from exc
        raise DatabaseError(
            f"cannot write the backup to {target}: "
            + storage_problem(target, exc, what="the backup").split(": ", 1)[-1]
        ) from exc
    return target.stat().st_size


def _integrity(source: Path) -> list[str]:
    with closing(_read_only(source)) as conn:
        problems = [row[0] for row in conn.execute("PRAGMA integrity_check") if row[0] != "ok"]
        problems += [
            f"foreign key: {tuple(row)}" for row in conn.execute("PRAGMA foreign_key_check")
        ]
    return problems


async def check(path: Path) -> list[str]:
    """Problems found: SQLite's integrity check, then totals that differ from their answers.
    The file is only read."""
    _existing(path)
    try:
        problems = await asyncio.to_thread(_integrity, path)
        if problems:
            return problems  # the score check needs sound pages
        with tempfile.TemporaryDirectory(prefix="studybot-check-") as folder:
            copy = Path(folder) / "check.sqlite3"
            await asyncio.to_thread(_copy, path, copy)
            async with await Database.open(copy) as db:  # migrates the copy if it is older
                problems += await score_mismatches(db)
                problems += await db.write(card_problems)
    except sqlite3.Error as exc:
        raise DatabaseError(storage_problem(path, exc)) from exc
    return problems
