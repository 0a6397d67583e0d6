"""The one SQLite connection of the bot, its migrations, and the single writer.

Why one writer: an aiosqlite connection is one thread and one transaction state. Two coroutines
that open transactions on it concurrently commit or roll back each other's work. So every write
goes through a queue served by one task, which also commits many small writes in one transaction
(group commit). A write's caller's ``await`` returns only once the transaction holding it is
committed; a write that fails is undone alone (the batch is rolled back and replayed one by one).

Why ``synchronous=FULL``: in WAL mode NORMAL can lose the last commits on a power cut (never
corrupting the file); FULL syncs the log on each commit. Group commit spreads that sync over every
write of the batch, so the bot keeps the durability an acknowledged answer deserves at little cost.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Awaitable, Callable, Iterable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

log = logging.getLogger(__name__)

T = TypeVar("T")
Write = Callable[[aiosqlite.Connection], Awaitable[Any]]

MAX_BATCH = 512
BUSY_TIMEOUT_MS = 5000


class DatabaseError(Exception):
    """A problem with the database file that the operator must act on."""


class DatabaseTooNew(DatabaseError):
    pass


class DatabaseClosed(DatabaseError):
    pass


def migrations() -> list[tuple[int, str, str]]:
    """The numbered migrations shipped with the bot: (version, file name, SQL), in order."""
    folder = resources.files("bot.db") / "migrations"
    found = []
    for entry in folder.iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:3].isdigit():
            found.append((int(name[:3]), name, entry.read_text(encoding="utf-8")))
    found.sort()
    versions = [v for v, _, _ in found]
    if versions != list(range(1, len(found) + 1)):
        raise DatabaseError(f"migrations must be numbered 001, 002, ... without gaps: {versions}")
    return found


LATEST_VERSION = len(migrations())


async def _schema_version(conn: aiosqlite.Connection, path: Path) -> int:
    (version,) = list(await conn.execute_fetchall("PRAGMA user_version"))[0]
    if version > LATEST_VERSION:
        raise DatabaseTooNew(
            f"{path} was written by a newer version of the bot (schema {version}, this version "
            f"knows up to {LATEST_VERSION}); upgrade the bot or restore a backup. "
            "The file was not changed."
        )
    return int(version)


async def _apply_migrations(conn: aiosqlite.Connection, version: int, upto: int | None) -> None:
    for number, name, sql in migrations():
        if number <= version or (upto is not None and number > upto):
            continue
        log.info("database: applying migration %s", name)
        try:
            await conn.executescript(
                f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {number};\nCOMMIT;"
            )
        except sqlite3.Error as exc:
            if conn.in_transaction:
                await conn.rollback()
            raise DatabaseError(f"migration {name} failed and was rolled back: {exc}") from exc


class Database:
    """Owns the connection. Use ``async with Database.open(path) as db``; always closed after."""

    def __init__(self, conn: aiosqlite.Connection, path: Path, max_batch: int = MAX_BATCH) -> None:
        self.conn = conn
        self.path = path
        self.max_batch = max_batch  # 1 makes every write its own transaction (benchmarks)
        self._queue: asyncio.Queue[tuple[Write, asyncio.Future[Any]] | None] = asyncio.Queue()
        self._writer: asyncio.Task[None] | None = None
        self._closing = False
        self.batches = 0  # transactions committed by the writer (for benchmarks and tests)

    @classmethod
    async def open(
        cls, path: Path | str, *, migrate_upto: int | None = None, max_batch: int = MAX_BATCH
    ) -> Database:
        path = Path(path)
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(path, isolation_level=None)
        try:
            conn.row_factory = sqlite3.Row
            await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            version = await _schema_version(conn, path)  # before anything writes to the file
            await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA synchronous = FULL")
            await conn.execute("PRAGMA foreign_keys = ON")
            await _apply_migrations(conn, version, migrate_upto)
        except BaseException:
            await conn.close()
            raise
        db = cls(conn, path, max_batch)
        db._writer = asyncio.create_task(db._write_loop(), name="db-writer")
        return db

    async def __aenter__(self) -> Database:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Commit what is queued, stop the writer, close the connection. Safe to call twice."""
        if self._closing:
            return
        self._closing = True
        if self._writer is not None:
            await self._queue.put(None)
            await self._writer
        await self.conn.close()

    # --- reads ----------------------------------------------------------------------------------
    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        return list(await self.conn.execute_fetchall(sql, params))

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = await self.fetchone(sql, params)
        return row[0] if row is not None else None

    # --- writes ---------------------------------------------------------------------------------
    async def write(self, fn: Callable[[aiosqlite.Connection], Awaitable[T]]) -> T:
        """Run ``fn`` in the writer's transaction; returns once that transaction is committed."""
        if self._closing:
            raise DatabaseClosed("the database is closing; the write was not made")
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        await self._queue.put((fn, future))
        return await asyncio.shield(future)

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """One write statement; returns the number of rows it changed."""

        async def run(conn: aiosqlite.Connection) -> int:
            cursor = await conn.execute(sql, params)
            return cursor.rowcount

        return await self.write(run)

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        async def run(conn: aiosqlite.Connection) -> None:
            await conn.executemany(sql, rows)

        await self.write(run)

    async def _write_loop(self) -> None:
        stop = False
        while not stop:
            first = await self._queue.get()
            if first is None:
                break
            batch = [first]
            while len(batch) < self.max_batch and not self._queue.empty():
                item = self._queue.get_nowait()
                if item is None:
                    stop = True
                    break
                batch.append(item)
            await self._commit_batch(batch)

    async def _commit_batch(self, batch: list[tuple[Write, asyncio.Future[Any]]]) -> None:
        """Run the batch in one transaction. If any write fails, the transaction is rolled back
        and each write is run again alone, so only the failing one fails; the common path pays
        for no savepoints."""
        conn = self.conn
        results: list[Any] = []
        try:
            await conn.execute("BEGIN IMMEDIATE")
            for fn, _ in batch:
                results.append(await fn(conn))
            await conn.execute("COMMIT")
        except Exception as exc:
            if conn.in_transaction:
                try:
                    await conn.execute("ROLLBACK")
                except sqlite3.Error:
                    log.exception("database: rollback failed")
            if len(batch) > 1:
                for item in batch:
                    await self._commit_batch([item])
                return
            if not isinstance(exc, sqlite3.Error | ValueError | LookupError):
                log.exception("database: a write failed")
            future = batch[0][1]
            if not future.done():
                future.set_exception(exc)
            return
        self.batches += 1
        for (_, future), result in zip(batch, results, strict=True):
            if not future.done():
                future.set_result(result)
