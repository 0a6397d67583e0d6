"""The SQLite engine: one file, read through aiosqlite, written by the writer's own connection.

Why ``synchronous=FULL``: in WAL mode NORMAL can lose the last commits on a power cut (never
corrupting the file); FULL syncs the log on each commit. Group commit spreads that sync over every
write of the batch, so the bot keeps the durability an acknowledged answer deserves at little cost.
Reads use the aiosqlite connection; in WAL mode they never wait for the writer and see every
committed write.
"""

from __future__ import annotations

import asyncio
import errno
import fcntl
import logging
import os
import sqlite3
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path
from typing import Any, cast

import aiosqlite

from bot.db.engine import (
    LATEST_VERSION,
    Connection,
    DatabaseError,
    Row,
    migrations,
    too_new,
)

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000


def is_full(exc: BaseException) -> bool:
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
    if is_full(exc):
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


async def _schema_version(conn: aiosqlite.Connection, path: Path) -> int:
    (version,) = list(await conn.execute_fetchall("PRAGMA user_version"))[0]
    if version > LATEST_VERSION:
        raise too_new(version, str(path))
    return int(version)


async def _apply_migrations(conn: aiosqlite.Connection, version: int, upto: int | None) -> None:
    for number, name, sql in migrations("sqlite"):
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
                "(two copies would answer every click twice), or set DATABASE_PATH to another "
                "file (several processes share one PostgreSQL database, not one SQLite file)"
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


class SqliteEngine:
    dialect = "sqlite"

    def __init__(self, conn: aiosqlite.Connection, path: Path, lock: _InstanceLock) -> None:
        self.conn = conn
        self.path = path
        self.where = str(path)
        self._lock = lock
        self._writer: sqlite3.Connection | None = None

    @classmethod
    async def open(cls, path: Path, *, migrate_upto: int | None = None) -> SqliteEngine:
        if str(path) == ":memory:":
            raise DatabaseError("the database must be a file: its writer has its own connection")
        lock = _InstanceLock(path)
        try:
            await asyncio.to_thread(_probe, path, lock)
            conn = await cls._reader(path, migrate_upto)
        except (OSError, sqlite3.Error) as exc:
            lock.release()
            raise DatabaseError(storage_problem(path, exc)) from exc
        except BaseException:
            lock.release()
            raise
        return cls(conn, path, lock)

    @staticmethod
    async def _reader(path: Path, migrate_upto: int | None) -> aiosqlite.Connection:
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
        return conn

    async def fetchall(self, sql: str, params: Sequence[Any]) -> list[Row]:
        return list(await self.conn.execute_fetchall(sql, params))

    async def close(self) -> None:
        await self.conn.close()
        self._lock.release()

    # --- the writer's thread ------------------------------------------------------------------
    @property
    def connection(self) -> Connection:
        assert self._writer is not None
        return cast(Connection, self._writer)

    def connect_writer(self) -> None:
        """Opened (and only ever used) in the writer's thread; fails now, not at the first
        answer, if the file is read-only."""
        try:
            conn = sqlite3.connect(self.path, isolation_level=None)
        except sqlite3.Error as exc:
            raise DatabaseError(storage_problem(self.path, exc)) from exc
        conn.row_factory = sqlite3.Row
        try:
            for pragma in (
                f"busy_timeout = {BUSY_TIMEOUT_MS}",
                "synchronous = FULL",  # per connection: see the module's docstring
                "foreign_keys = ON",
            ):
                conn.execute(f"PRAGMA {pragma}")
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
        except sqlite3.Error as exc:
            conn.close()
            raise DatabaseError(storage_problem(self.path, exc)) from exc
        self._writer = conn

    def close_writer(self) -> None:
        if self._writer is not None:
            self._writer.close()

    def begin(self) -> None:
        assert self._writer is not None
        self._writer.execute("BEGIN IMMEDIATE")

    def commit(self) -> None:
        assert self._writer is not None
        self._writer.execute("COMMIT")

    def rollback(self) -> None:
        if self._writer is not None and self._writer.in_transaction:
            try:
                self._writer.execute("ROLLBACK")
            except sqlite3.Error:
                log.exception("database: rollback failed")

    def lost_race(self, exc: BaseException) -> bool:
        return False  # one process per file: there is no other writer to race

    def disk_full(self, exc: BaseException) -> bool:
        return is_full(exc)
