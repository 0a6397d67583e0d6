"""What a storage engine provides to ``Database``: reads on the event loop, and a writer
connection used only in the writer's thread."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any, Protocol

import asyncpg

from bot.db.database import Connection, Row

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
