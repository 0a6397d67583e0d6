"""What every storage engine shares: the rows and connection a repository function sees, the
errors an operator is told, the migrations, and what an engine provides to ``Database``: reads on
the event loop, and a writer connection used only in the writer's thread."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

import asyncpg


class Row(Protocol):
    """A result row: by position or by column name (sqlite3.Row and asyncpg.Record both are)."""

    def __getitem__(self, key: int | str, /) -> Any: ...
    def keys(self) -> Iterable[str]: ...
    def __iter__(self) -> Iterator[Any]: ...
    def __len__(self) -> int: ...


class Cursor(Protocol):
    @property
    def rowcount(self) -> int: ...
    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    """What a write receives: the subset of ``sqlite3.Connection`` both engines provide."""

    def execute(
        self, sql: str, parameters: Sequence[Any] | Mapping[str, Any] = (), /
    ) -> Cursor: ...
    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> Cursor: ...


Write = Callable[[Connection], Any]  # runs in the writer's thread, inside its transaction


class DatabaseError(Exception):
    """A problem with the database that the operator must act on."""


class DatabaseTooNew(DatabaseError):
    pass


class DatabaseClosed(DatabaseError):
    pass


class DatabaseFull(DatabaseError):
    """The disk holding the database is full: the write was not made."""


class DatabaseUnavailable(DatabaseError):
    """The write could not be made now (the server is unreachable, or other processes kept
    winning); it may work in a moment."""


class RaceLost(DatabaseUnavailable):
    """A write kept conflicting with other processes' writes and was not made."""


class CommitUnknown(DatabaseUnavailable):
    """The connection died during COMMIT: the server may or may not have kept the batch, so its
    writes are neither reported done nor run again."""


def migrations(dialect: str = "sqlite") -> list[tuple[int, str, str]]:
    """The numbered migrations shipped with the bot for ``dialect``: (version, file name, SQL),
    in order. SQLite's start at 001; PostgreSQL's start at the schema of the version PostgreSQL
    support arrived with (its own folder), then take the shared file of each later version unless
    the folder has its own."""
    root = resources.files("bot.db") / "migrations"
    shared = _numbered(root)
    if dialect == "sqlite":
        found = shared
        expected = list(range(1, len(found) + 1))
    else:
        own = _numbered(root / dialect)
        first = own[0][0]
        versions = {v for v, _, _ in own}
        found = sorted(own + [m for m in shared if m[0] > first and m[0] not in versions])
        expected = list(range(first, first + len(found)))
    if [v for v, _, _ in found] != expected:
        raise DatabaseError(f"{dialect} migrations must be numbered without gaps: {found}")
    return found


def _numbered(folder: Any) -> list[tuple[int, str, str]]:
    return sorted(
        (int(entry.name[:3]), entry.name, entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".sql") and entry.name[:3].isdigit()
    )


LATEST_VERSION = len(migrations())


def too_new(version: int, where: str) -> DatabaseTooNew:
    return DatabaseTooNew(
        f"{where} was written by a newer version of the bot (schema {version}, this version "
        f"knows up to {LATEST_VERSION}); upgrade the bot or restore a backup. "
        "The database was not changed."
    )


def is_postgres_url(target: Path | str) -> bool:
    return isinstance(target, str) and target.lower().startswith(("postgresql://", "postgres://"))


# A write that breaks a UNIQUE, CHECK or foreign-key rule raises one of these, whatever the engine.
CONSTRAINT_ERRORS: tuple[type[Exception], ...] = (
    sqlite3.IntegrityError,
    asyncpg.IntegrityConstraintViolationError,
)


class Engine(Protocol):
    dialect: str  # "sqlite" or "postgresql"
    where: str  # the database as the operator named it, for messages (never a password)

    async def fetchall(self, sql: str, params: Sequence[Any]) -> list[Row]: ...
    async def close(self) -> None: ...

    # In the writer's thread only:
    @property
    def connection(self) -> Connection: ...
    def connect_writer(self) -> None: ...
    def close_writer(self) -> None: ...
    def begin(self) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...
    def lost_race(self, exc: BaseException) -> bool:
        """Whether ``exc`` means another process's transaction won: the batch may run again."""
        ...

    def disk_full(self, exc: BaseException) -> bool: ...
