"""The PostgreSQL engine (asyncpg): a pool of reading connections on the event loop, and the
writer's connection, driven from the writer's thread on that thread's own event loop.

The repository's SQL is written once with SQLite's ``?`` and ``?N`` parameters; it reaches
PostgreSQL with ``$N`` ones (``to_postgres``), and nothing else is rewritten. Columns are typed so
results read alike: 64-bit ``BIGINT`` where SQLite has ``INTEGER``, ``DOUBLE PRECISION`` for
``REAL``; ``numeric`` results (a ``sum`` of ``BIGINT``) come back as ``int`` (or ``float``), as
SQLite's do.

Each batch of writes runs in one SERIALIZABLE transaction: when two processes race for the same
work (two shards claiming a post, say), PostgreSQL lets one commit and fails the other with a
serialization failure, which ``Database`` answers by running the batch again.

Migrations: a database starts at the schema of the first PostgreSQL version (its own folder of
migrations); the version is kept in ``schema_version``, changed under an advisory lock so that two
processes starting together migrate once.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import asyncpg

from bot.db.engine import (
    LATEST_VERSION,
    CommitUnknown,
    Connection,
    Cursor,
    DatabaseError,
    Row,
    migrations,
    too_new,
)

log = logging.getLogger(__name__)
_Conn = "asyncpg.Connection[Any] | asyncpg.pool.PoolConnectionProxy[Any]"

READERS = 8  # connections in the reading pool
MIGRATION_LOCK = 0x57_75_64_79  # pg_advisory_xact_lock key held while migrating
CONNECT_TIMEOUT = 10.0  # seconds
# A statement that gets no answer in this long (a network gone silent, a lock held elsewhere)
# fails instead of holding the writer, and every write queued behind it, for ever.
COMMAND_TIMEOUT = 60.0  # seconds

# The connection itself failed (the server restarted, a network blip): nothing of the statement
# was done, and a new connection may work.
CONNECTION_LOST = (
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.OperatorInterventionError,
    OSError,
)

_TOKEN = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|\?(\d*)")
_NAMED = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|(?<!:):([A-Za-z_]\w*)")
_RETURNS_ROWS = re.compile(r"^\s*(SELECT|WITH|VALUES)\b|\bRETURNING\b", re.IGNORECASE)


@functools.lru_cache(maxsize=2048)
def to_postgres(sql: str) -> str:
    """``sql`` with ``?`` and ``?N`` parameters written ``$N`` (quoted text left alone)."""
    highest = 0  # as in SQLite, a bare ``?`` is one more than the highest number so far

    def replace(match: re.Match[str]) -> str:
        nonlocal highest
        token = match.group(0)
        if token[0] in "'\"":
            return token
        number = int(match.group(1)) if match.group(1) else highest + 1
        highest = max(highest, number)
        return f"${number}"

    return _TOKEN.sub(replace, sql)


@functools.lru_cache(maxsize=256)
def to_postgres_named(sql: str) -> tuple[str, tuple[str, ...]]:
    """``sql`` with ``:name`` parameters written ``$N``, and the names in the order of N."""
    names: list[str] = []

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name is None:
            return match.group(0)
        if name not in names:
            names.append(name)
        return f"${names.index(name) + 1}"

    return _NAMED.sub(replace, sql), tuple(names)


def redacted(url: str) -> str:
    """``url`` without its password (in the user part or the query), for messages and logs."""
    try:
        parts = urlsplit(url)
        user, _, host = parts.netloc.rpartition("@")
        if ":" in user:
            user = user.split(":", 1)[0] + ":***"
        query = "&".join(
            f"{k}=***" if k.lower() in ("password", "sslpassword") else f"{k}={v}"
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
        )
        netloc = f"{user}@{host}" if user else host
        return urlunsplit(parts._replace(netloc=netloc, query=query))
    except ValueError:
        return f"{url.split(':', 1)[0]}://***"


def _number(text: str) -> int | float:
    """A ``numeric`` value as SQLite would return it."""
    return int(text) if text.lstrip("-").isdigit() else float(text)


async def _prepare(conn: asyncpg.Connection[Any]) -> None:
    await conn.set_type_codec(
        "numeric", schema="pg_catalog", encoder=str, decoder=_number, format="text"
    )


def _rowcount(status: str) -> int:
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else -1


def connection_problem(url: str, exc: BaseException) -> str:
    """One sentence for the operator about why the PostgreSQL database cannot be used."""
    where = redacted(url)
    if isinstance(exc, asyncpg.InvalidCatalogNameError):
        name = urlsplit(url).path.lstrip("/") or "(none)"
        return f"DATABASE_URL {where}: the database {name} does not exist; create it first"
    if isinstance(
        exc, asyncpg.InvalidAuthorizationSpecificationError | asyncpg.InvalidPasswordError
    ):
        return f"DATABASE_URL {where}: the server refused the user or password ({exc})"
    if isinstance(exc, OSError | asyncio.TimeoutError):
        return (
            f"DATABASE_URL {where}: cannot reach the PostgreSQL server "
            f"({exc.strerror if isinstance(exc, OSError) and exc.strerror else 'no answer'}); "
            "check that it runs and that the host and port are right"
        )
    if isinstance(exc, ValueError):
        return f"DATABASE_URL {where} is not a usable postgresql:// URL ({exc})"
    return f"DATABASE_URL {where} cannot be used: {exc}"


async def _migrate(
    conn: asyncpg.Connection[Any] | asyncpg.pool.PoolConnectionProxy[Any],
    where: str,
    upto: int | None,
) -> None:
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
        if upto != 0:  # a check (upto 0) reads and never creates
            await conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)"
            )
        found = await conn.fetchval("SELECT to_regclass('schema_version') IS NOT NULL")
        version = (
            await conn.fetchval("SELECT max(version) FROM schema_version") if found else 0
        ) or 0
        if version > LATEST_VERSION:
            raise too_new(version, where)
        for number, name, sql in migrations("postgresql"):
            if number <= version or (upto is not None and number > upto):
                continue
            log.info("database: applying migration %s", name)
            try:
                async with conn.transaction():  # a savepoint: the error names the migration
                    await conn.execute(sql)
                    await conn.execute("DELETE FROM schema_version")
                    await conn.execute("INSERT INTO schema_version VALUES ($1)", number)
            except asyncpg.PostgresError as exc:
                raise DatabaseError(f"migration {name} failed and was rolled back: {exc}") from exc


class _Cursor:
    def __init__(self, rows: list[asyncpg.Record], rowcount: int) -> None:
        self._rows = rows
        self.rowcount = rowcount

    def fetchone(self) -> Any:
        return self._rows[0] if self._rows else None

    def fetchall(self) -> list[Any]:
        return self._rows

    def __iter__(self) -> Iterator[Any]:
        return iter(self._rows)


class _WriterConnection:
    """``sqlite3.Connection``'s ``execute`` and ``executemany`` over an asyncpg connection, for
    writes: each statement runs to completion on the writer thread's own event loop."""

    def __init__(self, loop: asyncio.AbstractEventLoop, conn: asyncpg.Connection[Any]) -> None:
        self._loop = loop
        self.conn = conn

    def run(self, sql: str, *args: Any) -> str:
        return self._loop.run_until_complete(self.conn.execute(sql, *args))

    def execute(self, sql: str, parameters: Sequence[Any] | Mapping[str, Any] = (), /) -> Cursor:
        if isinstance(parameters, Mapping):
            query, names = to_postgres_named(sql)
            parameters = [parameters[name] for name in names]
        else:
            query = to_postgres(sql)
        if _RETURNS_ROWS.search(query):
            rows = self._loop.run_until_complete(self.conn.fetch(query, *parameters))
            return _Cursor(rows, len(rows))
        return _Cursor([], _rowcount(self.run(query, *parameters)))

    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> Cursor:
        rows = list(parameters)
        if rows:
            self._loop.run_until_complete(self.conn.executemany(to_postgres(sql), rows))
        return _Cursor([], len(rows))


class PostgresEngine:
    dialect = "postgresql"

    def __init__(self, url: str, pool: asyncpg.Pool[Any]) -> None:
        self.url = url
        self.where = redacted(url)
        self.pool = pool
        self._writer: _WriterConnection | None = None
        self.connection_losses = 0  # writer connections replaced (for tests and logs)

    @classmethod
    async def open(cls, url: str, *, migrate_upto: int | None = None) -> PostgresEngine:
        try:
            pool = await asyncpg.create_pool(
                url,
                min_size=1,
                max_size=READERS,
                init=_prepare,
                timeout=CONNECT_TIMEOUT,
                command_timeout=COMMAND_TIMEOUT,
            )
        except (TimeoutError, OSError, ValueError, asyncpg.PostgresError) as exc:
            raise DatabaseError(connection_problem(url, exc)) from exc
        try:
            async with pool.acquire() as conn:
                await _migrate(conn, redacted(url), migrate_upto)
        except BaseException:
            await pool.close()
            raise
        return cls(url, pool)

    async def fetchall(self, sql: str, params: Sequence[Any]) -> list[Row]:
        query = to_postgres(sql)
        try:
            return list(await self.pool.fetch(query, *params))
        except CONNECTION_LOST:  # a pooled connection the server closed: reads run again safely
            return list(await self.pool.fetch(query, *params))

    async def close(self) -> None:
        await self.pool.close()

    # --- the writer's thread ------------------------------------------------------------------
    @property
    def connection(self) -> Connection:
        assert self._writer is not None
        return self._writer

    def connect_writer(self) -> None:
        loop = asyncio.new_event_loop()
        try:
            conn = loop.run_until_complete(
                asyncpg.connect(self.url, timeout=CONNECT_TIMEOUT, command_timeout=COMMAND_TIMEOUT)
            )
            loop.run_until_complete(_prepare(conn))
        except (TimeoutError, OSError, ValueError, asyncpg.PostgresError) as exc:
            loop.close()
            raise DatabaseError(connection_problem(self.url, exc)) from exc
        self._writer = _WriterConnection(loop, conn)

    def close_writer(self) -> None:
        if self._writer is not None:
            loop = self._writer._loop
            try:
                loop.run_until_complete(self._writer.conn.close(timeout=CONNECT_TIMEOUT))
            except CONNECTION_LOST:
                self._writer.conn.terminate()
            loop.close()
            self._writer = None

    def begin(self) -> None:
        """Start the batch's transaction; a connection the server closed since the last batch
        is replaced first (nothing of this batch has run yet). While the server refuses, this
        raises DatabaseError, and the next batch tries again."""
        if self._writer is None or self._writer.conn.is_closed():
            self._reconnect("closed")
        assert self._writer is not None
        try:
            self._writer.run("BEGIN ISOLATION LEVEL SERIALIZABLE")
        except CONNECTION_LOST as exc:
            self._reconnect(str(exc))
            assert self._writer is not None
            self._writer.run("BEGIN ISOLATION LEVEL SERIALIZABLE")

    def _reconnect(self, why: str) -> None:
        log.warning("database: the connection to %s was lost (%s); reconnecting", self.where, why)
        self.close_writer()
        self.connection_losses += 1
        self.connect_writer()

    def commit(self) -> None:
        assert self._writer is not None
        try:
            self._writer.run("COMMIT")
        except CONNECTION_LOST as exc:
            raise CommitUnknown(
                f"the connection to {self.where} was lost while committing; the write may or may "
                "not have been saved"
            ) from exc

    def rollback(self) -> None:
        if self._writer is None or self._writer.conn.is_closed():
            return
        try:
            self._writer.run("ROLLBACK")
        except CONNECTION_LOST:
            pass  # the transaction died with the connection; the next batch reconnects
        except asyncpg.PostgresError:
            log.exception("database: rollback failed")

    def lost_race(self, exc: BaseException) -> bool:
        """Another process's transaction won, or the connection died before COMMIT (nothing of
        the batch was kept): either way the batch may run again."""
        return isinstance(
            exc, (asyncpg.SerializationError, asyncpg.DeadlockDetectedError, *CONNECTION_LOST)
        )

    def disk_full(self, exc: BaseException) -> bool:
        return isinstance(exc, asyncpg.DiskFullError)
