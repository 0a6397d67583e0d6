"""Moving up: ``python -m bot db copy --to postgresql://...`` copies the SQLite database into an
empty PostgreSQL one, then verifies the result (row counts equal table by table, and ``db check``:
every total equals the sum of its answers).

Both databases are brought to this version's schema first (as the bot does at start). The SQLite
file's instance lock is held for the whole copy, so a bot still running on it is refused rather
than adding answers that would not be copied. Rows are sent with PostgreSQL's binary COPY, in
chunks, inside one transaction: an interrupted copy leaves the target empty. The totals are copied
as they are, with the triggers that maintain them switched off for the copy, so ``db check``
compares the copied totals with the copied answers.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from graphlib import TopologicalSorter
from pathlib import Path
from typing import Any

import asyncpg

from bot.db.database import Database
from bot.db.engine import DatabaseError
from bot.db.maintenance import consistency_problems, existing
from bot.db.postgres import connection_problem, redacted

CHUNK = 20_000  # rows read from SQLite and sent to PostgreSQL at a time


@dataclass
class CopyReport:
    source: str
    target: str
    tables: list[tuple[str, int, int]] = field(default_factory=list)  # (table, source, target)
    problems: list[str] = field(default_factory=list)  # what db check found on the target
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems and all(a == b for _, a, b in self.tables)

    def summary(self) -> str:
        rows = sum(n for _, n, _ in self.tables)
        lines = [
            f"{name}: {copied} of {n} row(s)" for name, n, copied in self.tables if n != copied
        ]
        lines += self.problems
        verdict = (
            f"copied {rows} rows in {len(self.tables)} tables from {self.source} to "
            f"{self.target} in {self.seconds:.1f} s; row counts equal, db check ok"
            if self.ok
            else f"the copy to {self.target} does not match {self.source}: "
            f"{len(lines)} problem(s) above"
        )
        return "\n".join([*lines, verdict])


def _tables(conn: sqlite3.Connection) -> list[str]:
    """The bot's tables, each after the tables its foreign keys point to (the schema has no
    cycle of foreign keys)."""
    names = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    order: TopologicalSorter[str] = TopologicalSorter()
    for name in sorted(names):
        parents = {
            r[0] for r in conn.execute('SELECT "table" FROM pragma_foreign_key_list(?)', (name,))
        }
        order.add(name, *(p for p in parents if p != name))
    return list(order.static_order())


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[0] for r in conn.execute("SELECT name FROM pragma_table_info(?)", (table,))]


def _as_integer(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _as_float(value: Any) -> Any:
    return float(value) if isinstance(value, int) else value


_CONVERT: dict[str, Callable[[Any], Any]] = {
    "bigint": _as_integer,
    "integer": _as_integer,
    "double precision": _as_float,
}


async def _target_columns(pg: asyncpg.Connection[Any], table: str) -> dict[str, str]:
    rows = await pg.fetch(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = $1",
        table,
    )
    return {r["column_name"]: r["data_type"] for r in rows}


async def _refuse_unless_empty(pg: asyncpg.Connection[Any], tables: list[str], where: str) -> None:
    """Inside the copy's transaction, with the tables locked: a bot started on the target
    meanwhile waits for the copy instead of mixing its rows in."""
    names = ", ".join(f'"{t}"' for t in tables)
    await pg.execute(f"LOCK TABLE {names} IN EXCLUSIVE MODE")
    for table in tables:
        if await pg.fetchval(f'SELECT EXISTS (SELECT 1 FROM "{table}")'):  # noqa: S608 - a table of ours
            raise DatabaseError(
                f"{where} already holds data (table {table} is not empty): copy into an empty "
                "database (CREATE DATABASE ... for a new one)"
            )


async def _copy_table(src: sqlite3.Connection, pg: asyncpg.Connection[Any], table: str) -> None:
    columns = _columns(src, table)
    types = await _target_columns(pg, table)
    missing = [c for c in columns if c not in types]
    if missing:
        raise DatabaseError(f"table {table} has no column {', '.join(missing)} in PostgreSQL")
    convert = [_CONVERT.get(types[c], lambda v: v) for c in columns]
    quoted = ", ".join(f'"{c}"' for c in columns)
    cursor = src.execute(f'SELECT {quoted} FROM "{table}"')  # noqa: S608 - names of ours
    await pg.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER USER')
    while rows := await asyncio.to_thread(cursor.fetchmany, CHUNK):
        records = [tuple(f(v) for f, v in zip(convert, row, strict=True)) for row in rows]
        await pg.copy_records_to_table(table, records=records, columns=columns)
    await pg.execute(f'ALTER TABLE "{table}" ENABLE TRIGGER USER')
    identity = await pg.fetchval(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = "
        "current_schema() AND table_name = $1 AND is_identity = 'YES'",
        table,
    )
    if identity is not None:
        await pg.execute(
            f"SELECT setval(pg_get_serial_sequence($1, $2), "  # noqa: S608 - names of ours
            f'coalesce((SELECT max("{identity}") FROM "{table}"), 0) + 1, false)',
            table,
            identity,
        )


async def copy_to_postgres(source: Path, url: str) -> CopyReport:
    """Copy the SQLite database at ``source`` into the empty PostgreSQL database at ``url``."""
    started = time.perf_counter()
    report = CopyReport(str(source), redacted(url))
    existing(source)
    uri = f"{(await asyncio.to_thread(source.resolve)).as_uri()}?mode=ro"
    # The source stays open for its instance lock (and is migrated first, as at start-up).
    async with await Database.open(source), await Database.open(url) as target:
        src = sqlite3.connect(uri, uri=True, check_same_thread=False)
        try:
            pg = await asyncpg.connect(url)
        except (OSError, asyncpg.PostgresError) as exc:
            src.close()
            raise DatabaseError(connection_problem(url, exc)) from exc
        try:
            tables = _tables(src)
            async with pg.transaction():
                await _refuse_unless_empty(pg, tables, report.target)
                for table in tables:
                    try:
                        await _copy_table(src, pg, table)
                    except (asyncpg.PostgresError, asyncpg.InterfaceError, ValueError) as exc:
                        raise DatabaseError(
                            f"table {table} could not be copied, so nothing was: {exc}"
                        ) from exc
            await pg.execute("ANALYZE")  # plans for the copied sizes from the first query on
            for table in tables:
                count = f'SELECT count(*) FROM "{table}"'  # noqa: S608 - a table of ours
                report.tables.append(
                    (table, src.execute(count).fetchone()[0], await pg.fetchval(count))
                )
        finally:
            src.close()
            await pg.close()
        report.problems = await target.write(consistency_problems)
    report.seconds = time.perf_counter() - started
    return report
