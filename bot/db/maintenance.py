"""Operator tasks: an online backup and a health check of the database.

On SQLite both only read the file: ``check`` reads it through a read-only connection and checks
the scores on a private copy (migrated there if it is older), so the file checked stays as it
was. On PostgreSQL, backups are ``pg_dump``'s (the server's own tool), and ``check`` reads the
live database in one transaction, so a bot writing meanwhile cannot make it see half an answer.
"""

from __future__ import annotations

import asyncio
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path

from bot.db.answers import score_problems
from bot.db.database import Database
from bot.db.engine import LATEST_VERSION, Connection, DatabaseError, is_postgres_url
from bot.db.reviews import card_problems
from bot.db.sqlite import BUSY_TIMEOUT_MS, storage_problem


def existing(source: Path) -> None:
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


PG_DUMP_ADVICE = (
    "back up a PostgreSQL database with its own tool while the bot runs: "
    'pg_dump --format=custom --file=studybot.dump "$DATABASE_URL" '
    "(restore into an empty database with pg_restore --dbname=...)"
)


def backup(source: Path | str, target: Path) -> int:
    """Copy ``source`` to ``target`` with SQLite's online backup, consistent even while the bot
    writes (the copy is one read transaction). Returns the size of the copy in bytes."""
    if is_postgres_url(source):
        raise DatabaseError(PG_DUMP_ADVICE)
    source = Path(source)
    existing(source)
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


def consistency_problems(conn: Connection) -> list[str]:
    """Totals that differ from their answers, and cards that differ from their review log."""
    return score_problems(conn) + card_problems(conn)


async def check(path: Path | str) -> list[str]:
    """Problems found: SQLite's integrity check, then totals that differ from their answers.
    The file is only read."""
    if is_postgres_url(path):
        async with await Database.open(path, migrate_upto=0) as db:  # reads only: no migration
            found = await db.scalar("SELECT to_regclass('schema_version') IS NOT NULL")
            version = await db.scalar("SELECT max(version) FROM schema_version") if found else 0
            if version != LATEST_VERSION:
                return [
                    f"schema version {version or 0}, this bot's is {LATEST_VERSION}: start the "
                    "bot once to migrate it, then check again"
                ]
            return await db.write(consistency_problems)
    path = Path(path)
    existing(path)
    try:
        problems = await asyncio.to_thread(_integrity, path)
        if problems:
            return problems  # the score check needs sound pages
        with tempfile.TemporaryDirectory(prefix="studybot-check-") as folder:
            copy = Path(folder) / "check.sqlite3"
            await asyncio.to_thread(_copy, path, copy)
            async with await Database.open(copy) as db:  # migrates the copy if it is older
                problems += await db.write(consistency_problems)
    except sqlite3.Error as exc:
        raise DatabaseError(storage_problem(path, exc)) from exc
    return problems
