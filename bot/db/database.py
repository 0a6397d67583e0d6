"""The bot's database: its reads, and the single writer that commits writes in batches.

Two engines sit behind the same front (``Database.open`` picks by its target): a SQLite file, the
default and the embedded choice (``bot/db/sqlite.py``), and a PostgreSQL server for instances that
outgrow one process (``bot/db/postgres.py``). Repository functions are written once against this
front; the SQL they run is the subset both engines read the same way, with ``?`` parameters.

Why one writer per process: SQLite allows one write transaction at a time, and two coroutines that
opened transactions on one connection would commit or roll back each other's work. So every write
goes through a queue served by one task, which also commits many small writes in one transaction
(group commit). A write's caller's ``await`` returns only once the transaction holding it is
committed; a write that fails is undone alone (the batch is rolled back and replayed one by one).
On PostgreSQL the same queue gives the same group commit; several processes (shards) then write
concurrently, each batch in a serializable transaction that is run again when PostgreSQL reports
it raced another process's, so every claim is decided by the database.

Why writes are plain functions run in the writer's own thread and connection: a batch is then
one hop to that thread and back, however many statements its writes run, instead of one hop
(and one wake-up of the event loop) per statement. A write must therefore be safe to run again:
it reads what it needs inside its transaction and touches nothing outside it.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from bot.db.engine import (
    CommitUnknown,
    Connection,
    DatabaseClosed,
    DatabaseFull,
    DatabaseUnavailable,
    Engine,
    RaceLost,
    Row,
    Write,
    is_postgres_url,
)
from bot.db.postgres import PostgresEngine
from bot.db.sqlite import SqliteEngine
from bot.metrics import DB_WRITE_SECONDS

log = logging.getLogger(__name__)

T = TypeVar("T")

MAX_BATCH = 512
FULL_WARNING_EVERY = 600.0  # seconds
RACE_RETRIES = 20  # a batch that keeps losing races to other processes fails after this many


class Database:
    """Owns the connections. Use ``async with await Database.open(target) as db``; always closed
    after. ``target`` is a SQLite file's path or a ``postgresql://`` URL."""

    def __init__(self, engine: Engine, thread: ThreadPoolExecutor, max_batch: int = MAX_BATCH):
        self.engine = engine
        self.dialect = engine.dialect
        self._thread = thread
        self.max_batch = max_batch  # 1 makes every write its own transaction (benchmarks)
        self._queue: asyncio.Queue[tuple[Write, asyncio.Future[Any]] | None] = asyncio.Queue()
        self._writer: asyncio.Task[None] | None = None
        self._closing = False
        self._full_since: float | None = None  # when a full disk was last reported
        self._full_told = True  # whether writes working again was reported since
        self.batches = 0  # transactions committed by the writer (for benchmarks and tests)
        self.races = 0  # batches run again after losing a race to another process

    @classmethod
    async def open(
        cls, target: Path | str, *, migrate_upto: int | None = None, max_batch: int = MAX_BATCH
    ) -> Database:
        engine: Engine
        if is_postgres_url(target):
            engine = await PostgresEngine.open(str(target), migrate_upto=migrate_upto)
        else:
            engine = await SqliteEngine.open(Path(target), migrate_upto=migrate_upto)
        thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="db-writer")
        try:
            await asyncio.get_running_loop().run_in_executor(thread, engine.connect_writer)
        except BaseException:
            thread.shutdown()
            await engine.close()
            raise
        db = cls(engine, thread, max_batch)
        db._writer = asyncio.create_task(db._write_loop(), name="db-writer")
        return db

    @property
    def where(self) -> str:
        """The database, as the operator named it (a URL without its password)."""
        return self.engine.where

    async def __aenter__(self) -> Database:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Commit what is queued, stop the writer, close the connections. Safe to call twice."""
        if self._closing:
            return
        self._closing = True
        if self._writer is not None:
            await self._queue.put(None)
            await self._writer
        await asyncio.get_running_loop().run_in_executor(self._thread, self.engine.close_writer)
        self._thread.shutdown()
        await self.engine.close()

    # --- reads ----------------------------------------------------------------------------------
    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return await self.engine.fetchall(sql, params)

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = await self.fetchone(sql, params)
        return row[0] if row is not None else None

    # --- writes ---------------------------------------------------------------------------------
    async def write(self, fn: Callable[[Connection], T]) -> T:
        """Run ``fn`` in the writer's thread and transaction; returns once that transaction is
        committed. ``fn`` is a plain function: it must not touch the event loop, and it may be
        run more than once (only the run that commits counts)."""
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
                self.where,
            )
        elif not full and not self._full_told and any(ok for ok, _ in outcomes):
            self._full_told = True
            log.info("the database could be written again")

    def _commit_batch(self, writes: list[Write]) -> list[tuple[bool, Any]]:
        """In the writer's thread: run the writes in one transaction; (ok, result or error)
        for each. If any write fails, the transaction is rolled back and each write is run again
        alone, so only the failing one fails; the common path pays for no savepoints. A batch
        that lost a race with another process is run again whole, after a short random wait."""
        for attempt in range(RACE_RETRIES):
            outcome = self._try_batch(writes)
            if outcome is not None:
                return outcome
            self.races += 1
            time.sleep(random.uniform(0, 0.002 * 2 ** min(attempt, 6)))  # noqa: S311 - jitter
        lost = RaceLost(f"a write kept conflicting with other processes' ({self.where})")
        return [(False, lost)] * len(writes)

    def _try_batch(self, writes: list[Write]) -> list[tuple[bool, Any]] | None:
        engine = self.engine
        started = time.perf_counter()
        try:
            engine.begin()
        except Exception as exc:  # the database cannot be reached: no write of the batch ran
            engine.rollback()
            unavailable = DatabaseUnavailable(f"the database {self.where} cannot be used now")
            unavailable.__cause__ = exc
            return [(False, unavailable)] * len(writes)
        try:
            results = [fn(engine.connection) for fn in writes]
            engine.commit()
        except CommitUnknown as unknown:  # the batch may be kept: never run it again
            return [(False, unknown)] * len(writes)
        except Exception as exc:
            engine.rollback()
            if engine.lost_race(exc):
                return None
            if len(writes) > 1:
                return [self._commit_batch([fn])[0] for fn in writes]
            # Not logged here: the caller awaiting the write gets the exception and decides
            # (a refusal such as a busy channel is expected; a bug is logged where it surfaces).
            if engine.disk_full(exc):
                full = DatabaseFull(f"the disk holding {self.where} is full")
                full.__cause__ = exc
                return [(False, full)]
            return [(False, exc)]
        DB_WRITE_SECONDS.observe(time.perf_counter() - started)
        self.batches += 1
        return [(True, result) for result in results]
