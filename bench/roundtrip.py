"""Whether a PostgreSQL copy holds exactly the SQLite database's rows, table by table.

Each table gets an order-independent digest on each side: every row (the SQLite table's columns,
in its order) is hashed, and the hashes are added modulo 2^128, so equal digests mean equal
multisets of rows whatever order each engine returns them in. Values are compared as the bot reads
them: a boolean as 0 or 1, and a whole float as the integer it equals (SQLite keeps 3 in a REAL
column as an integer, PostgreSQL as 3.0).
"""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg

MODULUS = 1 << 128
FETCH = 20_000


@dataclass(frozen=True)
class Digest:
    rows: int
    value: int


def _normal(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, memoryview):
        return bytes(value)
    return value


def _row_hash(row: Any) -> int:
    text = repr(tuple(_normal(v) for v in row)).encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=16).digest(), "big")


class _Accumulator:
    def __init__(self) -> None:
        self.rows = 0
        self.value = 0

    def add(self, row: Any) -> None:
        self.rows += 1
        self.value = (self.value + _row_hash(row)) % MODULUS

    def digest(self) -> Digest:
        return Digest(self.rows, self.value)


def table_columns(path: Path) -> dict[str, list[str]]:
    """The SQLite database's tables and their columns."""
    with sqlite3.connect(path) as conn:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {
            n: [r[0] for r in conn.execute("SELECT name FROM pragma_table_info(?)", (n,))]
            for n in sorted(names)
        }


def _select(table: str, columns: list[str]) -> str:
    quoted = ", ".join(f'"{c}"' for c in columns)
    return f'SELECT {quoted} FROM "{table}"'


def sqlite_digests(path: Path, tables: dict[str, list[str]]) -> dict[str, Digest]:
    out = {}
    with sqlite3.connect(path) as conn:
        for table, columns in tables.items():
            acc = _Accumulator()
            for row in conn.execute(_select(table, columns)):
                acc.add(row)
            out[table] = acc.digest()
    return out


async def postgres_digests(url: str, tables: dict[str, list[str]]) -> dict[str, Digest]:
    out = {}
    conn = await asyncpg.connect(url)
    try:
        for table, columns in tables.items():
            acc = _Accumulator()
            async with conn.transaction():
                async for row in conn.cursor(_select(table, columns), prefetch=FETCH):
                    acc.add(row)
            out[table] = acc.digest()
    finally:
        await conn.close()
    return out


def differences(a: dict[str, Digest], b: dict[str, Digest]) -> list[str]:
    """The tables whose rows differ, each with both row counts."""
    return [
        f"{t}: {a[t].rows if t in a else 'no table'} / {b[t].rows if t in b else 'no table'} rows"
        for t in sorted(set(a) | set(b))
        if a.get(t) != b.get(t)
    ]
