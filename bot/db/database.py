"""The bot's SQLite database: its migrations, the reading connection and the single writer.

Why one writer: SQLite allows one write transaction at a time, and two coroutines that opened
transactions on one connection would commit or roll back each other's work. So every write goes
through a queue served by one task, which also commits many small writes in one transaction
(group commit). A write's caller's ``await`` returns only once the transaction holding it is
committed; a write that fails is undone alone (the batch is rolled back and replayed one by one).

Why writes are plain functions run in the writer's own thread and connection: a batch is then
one hop to that thread and back, however many statements its writes run, instead of one hop
(and one wake-up of the event loop) per statement. Reads use the aiosqlite connection; in WAL
mode they never wait for the writer and see every committed write.

Why ``synchronous=FULL``: in WAL mode NORMAL can lose the last commits on a power cut (never
corrupting the file); FULL syncs the log on each commit. Group commit spreads that sync over every
write of the batch, so the bot keeps the durability an acknowledged answer deserves at little cost.
"""

from __future__ import annotations

import asyncio
import errno
import fcntl
import logging
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from bot.metrics import DB_WRITE_SECONDS

log = logging.getLogger(__name__)

T = TypeVar("T")
Write = Callable[[sqlite3.Connection], Any]  # runs in the writer's thread, inside its transaction

MAX_BATCH = 512
FULL_WARNING_EVERY = 600.0  # seconds
BUSY_TIMEOUT_MS = 5000


class DatabaseError(Exception):
    """A problem with the database file that the operator must act on."""


class DatabaseTooNew(DatabaseError):
    pass


class DatabaseClosed(DatabaseError):
    pass


class DatabaseFull(DatabaseError):
    """The disk holding the database is full: the write was not made."""


def _is_full(exc: BaseException) -> bool:
    return (
        isinstance(exc, sqlite3.Error)
        and getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL
    ) or (isinstance(exc, OSError) and exc.errno == errno.ENOSPC)


def _read_only_storage(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def storage_problem(path: Path, exc: BaseException, *, what: str = "DATABASE_PATH") -> str:
    """One sentence for the operator about why the database file ``path`` cannot be used."""
    folder = path.parent
    user = f"user {os.getuid()}" if hasattr(os, "getuid") else "its user"
    text = str(exc)
    if path.is_dir():
        return f"{what} {path} is a folder: name a file in it, such as {path / 'studybot.sqlite3'}"
    if isinstance(exc, OSError) and not folder.is_dir():
        return f"{what} {path}: its folder {folder} cannot be created ({exc.strerror or exc})"
    if _is_full(exc):
        return f"{what} {path}: the disk is full; free some space on it"
    if isinstance(exc, sqlite3.DatabaseError) and ("not a database" in text or "malformed" in text):
        return (
            f"{path} is not a SQLite database (damaged, or another kind of file): restore a "
            f"backup or set {what} to another file"
        )
    if _read_only_storage(folder):
        return f"{what} {path} is on read-only storage: the bot must be able to write there"
    if path.exists() and not os.access(path, os.W_OK):
        return (
            f"{what} {path} is read-only (file permissions): the bot ({user}) must be able to "
            "write to it and to its folder"
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        return (
            f"{what} {path}: the bot ({user}) cannot write to the folder {folder}; give that user "
            f"write access to it (for a bind mount, `chown {os.getuid()}` the folder on the host)"
            if hasattr(os, "getuid")
            else f"{what} {path}: the bot cannot write to the folder {folder}"
        )
    if "readonly" in text:
        return f"{what} {path} is read-only: the bot must be able to write to it and its folder"
    return f"{what} {path} cannot be used: {text}"


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


class _InstanceLock:
    """An OS lock on ``<database>-lock``: one bot process per database file. The OS releases it
    when the process ends, however it ends, so a crash leaves no stale lock; the file stays."""

    def __init__(self, path: Path) -> None:
        self.path = path.with_name(path.name + "-lock")
        self._fd: int | None = None

    def acquire(self, database: Path) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            _lock(fd)
        except OSError as exc:
            owner = os.pread(fd, 64, 0).decode(errors="replace").strip()
            os.close(fd)
            held_by = f" (process {owner})" if owner.isdigit() else ""
            raise DatabaseError(
                f"another copy of the bot is already using {database}{held_by}: stop it first "
                "(two copies would answer every click twice), or set DATABASE_PATH to another file"
            ) from exc
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor releases the lock
            self._fd = None


def _lock(fd: int) -> None:
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _probe(path: Path, lock: _InstanceLock) -> None:
    """Take the instance lock, open the file once and read its header: an unusable path fails
    here, with its reason."""
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a folder", str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    lock.acquire(path)
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA user_version").fetchone()


def _connect_writer(path: Path) -> sqlite3.Connection:
    """The writer's connection, opened (and only ever used) in the writer's thread."""
    conn = sqlite3.connect(path, isolation_level=None)  # used by this thread only
    conn.row_factory = sqlite3.Row
    for pragma in (
        f"busy_timeout = {BUSY_TIMEOUT_MS}",
        "synchronous = FULL",  # per connection: see the module's docstring
        "foreign_keys = ON",
    ):
        conn.execute(f"PRAGMA {pragma}")
    try:
        conn.execute("BEGIN IMMEDIATE")  # fails now, not at the first answer, if it is read-only
        conn.execute("ROLLBACK")
    except sqlite3.Error:
        conn.close()
        raise
    return conn


class Database:
    """Owns the connections. Use ``async with Database.open(path) as db``; always closed after."""

    def __init__(
        self,
        conn: aiosqlite.Connection,
        path: Path,
        writer: tuple[ThreadPoolExecutor, sqlite3.Connection],
        max_batch: int = MAX_BATCH,
        *,
        lock: _InstanceLock | None = None,
    ) -> None:
        self.conn = conn
        self._lock = lock
        self.path = path
        self._thread, self._writer_conn = writer
        self.max_batch = max_batch  # 1 makes every write its own transaction (benchmarks)
        self._queue: asyncio.Queue[tuple[Write, asyncio.Future[Any]] | None] = asyncio.Queue()
        self._writer: asyncio.Task[None] | None = None
        self._closing = False
        self._full_since: float | None = None  # when a full disk was last reported
        self._full_told = True  # whether writes working again was reported since
        self.batches = 0  # transactions committed by the writer (for benchmarks and tests)

    @classmethod
    async def open(
        cls, path: Path | str, *, migrate_upto: int | None = None, max_batch: int = MAX_BATCH
    ) -> Database:
        path = Path(path)
        if str(path) == ":memory:":
            raise DatabaseError("the database must be a file: its writer has its own connection")
        lock = _InstanceLock(path)
        try:
            await asyncio.to_thread(_probe, path, lock)
            return await cls._open_locked(path, lock, migrate_upto, max_batch)
        except (OSError, sqlite3.Error) as exc:
            lock.release()
            raise DatabaseError(storage_problem(path, exc)) from exc
        except BaseException:
            lock.release()
            raise

    @classmethod
    async def _open_locked(
        cls, path: Path, lock: _InstanceLock, migrate_upto: int | None, max_batch: int
    ) -> Database:
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
        thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="db-writer")
        try:
            writer = await asyncio.get_running_loop().run_in_executor(thread, _connect_writer, path)
        except BaseException:
            thread.shutdown()
            await conn.close()
            raise
        db = cls(conn, path, (thread, writer), max_batch, lock=lock)
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
        await asyncio.get_running_loop().run_in_executor(self._thread, self._writer_conn.close)
        self._thread.shutdown()
        await self.conn.close()
        if self._lock is not None:
            self._lock.release()

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
    async def write(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``fn`` in the writer's thread and transaction; returns once that transaction is
        committed. ``fn`` is a plain function: it must not touch the event loop."""
        if self._closing:
            raise DatabaseClosed("the database is closing; the write was not made")
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        await self._queue.put((fn, future))
        return await asyncio.shield(future)

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """One write statement; returns the number of rows it changed."""
        return await self.write(lambda conn: conn.execute(sql, params).rowcount)

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        rows = list(rows)  # a failed batch runs each write again: a generator would be spent
        await self.write(lambda conn: conn.executemany(sql, rows))

    async def _write_loop(self) -> None:
        loop = asyncio.get_running_loop()
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
            outcomes = await loop.run_in_executor(
                self._thread, self._commit_batch, [fn for fn, _ in batch]
            )
            self._note_space(outcomes)
            for (_, future), (ok, value) in zip(batch, outcomes, strict=True):
                if future.done():
                    continue
                if ok:
                    future.set_result(value)
                else:
                    future.set_exception(value)

    def _note_space(self, outcomes: list[tuple[bool, Any]]) -> None:
        """A full disk is one warning (at most every FULL_WARNING_EVERY seconds, as writes that
        fit in free pages may still succeed in between), and one line when writes work again."""
        full = any(not ok and isinstance(value, DatabaseFull) for ok, value in outcomes)
        now = time.monotonic()
        if full and (self._full_since is None or now - self._full_since > FULL_WARNING_EVERY):
            self._full_since = now
            self._full_told = False
            log.warning(
                "the disk holding %s is full: answers and quiz progress cannot be saved until "
                "space is freed (members are told to try again later)",
                self.path,
            )
        elif not full and not self._full_told and any(ok for ok, _ in outcomes):
            self._full_told = True
            log.info("the database could be written again")

    def _commit_batch(self, writes: list[Write]) -> list[tuple[bool, Any]]:
        """In the writer's thread: run the writes in one transaction; (ok, result or error)
        for each. If any write fails, the transaction is rolled back and each write is run again
        alone, so only the failing one fails; the common path pays for no savepoints."""
        conn = self._writer_conn
        started = time.perf_counter()
        try:
            conn.execute("BEGIN IMMEDIATE")
            results = [fn(conn) for fn in writes]
            conn.execute("COMMIT")
            DB_WRITE_SECONDS.observe(time.perf_counter() - started)
        except Exception as exc:
            if conn.in_transaction:
                try:
                    conn.execute("ROLLBACK")
                except sqlite3.Error:
                    log.exception("database: rollback failed")
            if len(writes) > 1:
                return [self._commit_batch([fn])[0] for fn in writes]
            # Not logged here: the caller awaiting the write gets the exception and decides
            # (a refusal such as a busy channel is expected; a bug is logged where it surfaces).
            if _is_full(exc):
                full = DatabaseFull(f"the disk holding {self.path} is full")
                full.__cause__ = exc
                return [(False, full)]
            return [(False, exc)]
        self.batches += 1
        return [(True, result) for result in results]
