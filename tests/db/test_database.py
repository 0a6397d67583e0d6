"""The connection, migrations and the group-committing writer, on real SQLite files."""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.db import Database, DatabaseError, DatabaseTooNew
from bot.db.engine import LATEST_VERSION, migrations


async def test_pragmas(sqlite_db: Database) -> None:
    db = sqlite_db
    assert await db.scalar("PRAGMA journal_mode") == "wal"
    assert await db.scalar("PRAGMA foreign_keys") == 1
    assert await db.scalar("PRAGMA synchronous") == 2  # FULL
    assert await db.scalar("PRAGMA busy_timeout") == 5000
    assert await db.scalar("PRAGMA user_version") == LATEST_VERSION


def test_migrations_are_numbered_files() -> None:
    assert [v for v, _, _ in migrations()] == list(range(1, LATEST_VERSION + 1))


@pytest.mark.parametrize("start", range(LATEST_VERSION + 1))
async def test_migrates_from_every_earlier_version(tmp_path: Path, start: int) -> None:
    path = tmp_path / "old.sqlite3"
    if start:
        async with await Database.open(path, migrate_upto=start) as old:
            assert await old.scalar("PRAGMA user_version") == start
    async with await Database.open(path) as db:
        assert await db.scalar("PRAGMA user_version") == LATEST_VERSION
        tables = {r[0] for r in await db.fetchall("SELECT name FROM sqlite_master")}
        assert {"answers", "scores", "schedules", "posts", "streaks"} <= tables


async def test_refuses_a_database_from_a_newer_version(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE future (x)")
        conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(DatabaseTooNew, match="newer version of the bot"):
        await Database.open(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


async def test_a_failing_migration_is_rolled_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.db import sqlite

    broken = [
        *migrations(),
        (LATEST_VERSION + 1, "999_broken.sql", "CREATE TABLE a (x); SELECT nope();"),
    ]
    monkeypatch.setattr(sqlite, "migrations", lambda dialect: broken)
    monkeypatch.setattr(sqlite, "LATEST_VERSION", LATEST_VERSION + 1)
    path = tmp_path / "db.sqlite3"
    with pytest.raises(DatabaseError, match=r"999_broken\.sql failed and was rolled back"):
        await Database.open(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
        assert (
            conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'a'").fetchone()[0] == 0
        )


async def test_concurrent_writes_share_transactions_and_all_commit(db: Database) -> None:
    async def put(n: int) -> int:
        return await db.execute("INSERT INTO bot_state (key, value) VALUES (?, ?)", (f"k{n}", "v"))

    results = await asyncio.gather(*(put(n) for n in range(300)))
    assert results == [1] * 300
    assert await db.scalar("SELECT count(*) FROM bot_state") == 300
    assert db.batches < 300 / 5  # group commit: many writes per transaction


async def test_a_failing_write_is_undone_alone(db: Database) -> None:
    async def good(n: int) -> None:
        await db.execute("INSERT INTO bot_state (key, value) VALUES (?, 'ok')", (f"good{n}",))

    def bad(conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO bot_state (key, value) VALUES ('half', 'done')")
        raise RuntimeError("boom")

    tasks = [asyncio.ensure_future(good(n)) for n in range(50)]
    failing = asyncio.ensure_future(db.write(bad))
    tasks += [asyncio.ensure_future(good(n)) for n in range(50, 100)]
    await asyncio.gather(*tasks)
    with pytest.raises(RuntimeError, match="boom"):
        await failing
    assert await db.scalar("SELECT count(*) FROM bot_state WHERE value = 'ok'") == 100
    assert await db.scalar("SELECT count(*) FROM bot_state WHERE key = 'half'") == 0


async def test_close_commits_what_is_queued_and_refuses_more(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "x.sqlite3")
    pending = [
        asyncio.ensure_future(db.execute("INSERT INTO bot_state VALUES (?, 'v')", (f"k{n}",)))
        for n in range(20)
    ]
    await asyncio.sleep(0)
    await db.close()
    await asyncio.gather(*pending)
    with sqlite3.connect(tmp_path / "x.sqlite3") as conn:
        assert conn.execute("SELECT count(*) FROM bot_state").fetchone()[0] == 20
    from bot.db import DatabaseClosed

    with pytest.raises(DatabaseClosed):
        await db.execute("INSERT INTO bot_state VALUES ('late', 'v')")


async def test_writes_run_in_the_writer_thread_one_hop_per_batch(db: Database) -> None:
    import threading

    def where(n: int) -> Callable[[sqlite3.Connection], str]:
        def write(conn: sqlite3.Connection) -> str:
            conn.execute("INSERT INTO bot_state (key, value) VALUES (?, 'v')", (f"t{n}",))
            return threading.current_thread().name

        return write

    before = db.batches
    names = await asyncio.gather(*(db.write(where(n)) for n in range(50)))
    assert {n.split("_")[0] for n in names} == {"db-writer"}
    assert threading.current_thread().name not in names
    assert db.batches - before < 10  # many writes per hop and per transaction


async def test_a_database_in_memory_is_refused_with_a_reason() -> None:
    from bot.db import DatabaseError

    with pytest.raises(DatabaseError, match="must be a file"):
        await Database.open(":memory:")


RUNNING_QUIZ_QUERIES = [
    "SELECT channel_id FROM quiz_sessions WHERE guild_id = 1 AND user_id = 2 "
    "AND mode = 'group' AND state = 'running'",
    "UPDATE quiz_sessions SET state = 'stopped', ended_at = 0 WHERE id IN ("
    "SELECT id FROM (SELECT id, row_number() OVER (ORDER BY id DESC) AS newest "
    "FROM quiz_sessions WHERE guild_id = 1 AND user_id = 2 "
    "AND mode = 'solo' AND state = 'running') AS running WHERE newest > 2)",
    "SELECT * FROM quiz_sessions WHERE state = 'running' ORDER BY id",
    "SELECT s.* FROM quiz_sessions s WHERE s.state = 'running' AND s.mode = 'solo' ORDER BY s.id",
]


@pytest.mark.parametrize("sql", RUNNING_QUIZ_QUERIES)
async def test_running_quizzes_are_found_through_an_index(sqlite_db: Database, sql: str) -> None:
    """The quizzes table keeps every quiz ever played: finding the running ones (on /quiz, at
    start-up, in the idle sweep) must not read it all."""
    plan = " / ".join(str(row[3]) for row in await sqlite_db.fetchall(f"EXPLAIN QUERY PLAN {sql}"))
    assert "USING INDEX quiz_sessions_running" in plan, plan
