"""A PostgreSQL server for the benchmarks, with the durability a production server has.

The test suite's throwaway cluster (tests/postgres.py) switches fsync and synchronous commit off
for speed; write figures measured that way would flatter PostgreSQL against SQLite, which syncs.
This cluster is the same throwaway one with those settings put back to PostgreSQL's defaults.
Set STUDYBOT_BENCH_POSTGRES to the URL of an existing server (whose user may CREATE DATABASE)
to measure that server instead.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from contextlib import contextmanager

import asyncpg

from tests.postgres import Cluster, drop_database, new_database, throwaway_cluster

SERVER_URL_VARIABLE = "STUDYBOT_BENCH_POSTGRES"
# Later lines of postgresql.conf win: these undo the test cluster's speed settings.
DURABLE_SETTINGS = {
    "fsync": "on",
    "synchronous_commit": "on",
    "full_page_writes": "on",
    "wal_level": "replica",
    "max_wal_senders": "10",
}


class DurableCluster(Cluster):
    def initialise(self) -> None:
        super().initialise()
        with (self.data / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.writelines(f"{name} = {value}\n" for name, value in DURABLE_SETTINGS.items())


@contextmanager
def server() -> Iterator[str]:
    """The base URL of a durable PostgreSQL server: STUDYBOT_BENCH_POSTGRES, or a cluster
    started for the benchmark and removed after it."""
    existing = os.environ.get(SERVER_URL_VARIABLE)
    if existing:
        yield existing
        return
    with throwaway_cluster(DurableCluster) as url:
        yield url


def create_database(server_url: str) -> str:
    """A new empty database on the server; its URL."""
    return asyncio.run(new_database(server_url))


def remove_database(url: str) -> None:
    asyncio.run(drop_database(url))


async def setting(url: str, name: str) -> str:
    """A server setting as the server reports it (to state fsync in the results)."""
    connection = await asyncpg.connect(url)
    try:
        value: str = await connection.fetchval(f"SHOW {name}")
        return value
    finally:
        await connection.close()


def durability(url: str) -> str:
    names = ("fsync", "synchronous_commit", "full_page_writes")
    values = [asyncio.run(setting(url, n)) for n in names]
    version = asyncio.run(setting(url, "server_version")).split()[0]
    return f"PostgreSQL {version} on loopback, " + ", ".join(
        f"{n}={v}" for n, v in zip(names, values, strict=True)
    )
