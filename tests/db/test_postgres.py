"""What only PostgreSQL has: several processes on one database. Two ``Database`` objects stand for
two bot processes; every claim between them is decided by the database. Also its migrations, its
refusals in one sentence, and the operator's commands on it."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from bot.db import Connection, Database, DatabaseError, DatabaseTooNew, DatabaseUnavailable
from bot.db import qotd as store
from bot.db.answers import score_mismatches
from bot.db.engine import LATEST_VERSION, CommitUnknown, is_postgres_url
from bot.db.postgres import PostgresEngine, redacted, to_postgres, to_postgres_named
from tests.db.helpers import answer, make_post
from tests.postgres import database_url


@pytest.fixture
async def two(postgres_url: str) -> AsyncIterator[tuple[Database, Database]]:
    """Two processes' databases on one PostgreSQL database, opened at the same time (both
    migrate it: once)."""
    first, second = await asyncio.gather(Database.open(postgres_url), Database.open(postgres_url))
    async with first, second:
        yield first, second


def test_parameters_are_numbered_as_sqlite_numbers_them() -> None:
    assert to_postgres("SELECT ? , ?, '?', \"a?\" WHERE x = ?") == (
        "SELECT $1 , $2, '?', \"a?\" WHERE x = $3"
    )
    assert to_postgres("VALUES (?, ?, ?4 IS NULL, ?)") == "VALUES ($1, $2, $4 IS NULL, $5)"
    assert to_postgres_named("VALUES (:a, :b, :a, x::text, ':c')") == (
        "VALUES ($1, $2, $1, x::text, ':c')",
        ("a", "b"),
    )


async def test_two_processes_migrate_once(
    postgres_url: str, two: tuple[Database, Database]
) -> None:
    conn = await asyncpg.connect(postgres_url)
    try:
        assert await conn.fetch("SELECT version FROM schema_version") == [(LATEST_VERSION,)]
    finally:
        await conn.close()


async def test_one_claim_wins_when_two_processes_race(two: tuple[Database, Database]) -> None:
    first, second = two
    schedule = await store.save_schedule(
        first, store.ScheduleSpec(1, 10, "09:00", "UTC", 0b1111111, "seed"), next_due=0, now=0
    )
    for day in range(20):  # 20 question-of-the-day ticks, both processes claiming each
        date = f"2026-12-{day + 1:02d}"

        def claim(
            db: Database, nonce: str, date: str = date, day: int = day
        ) -> asyncio.Future[store.Post | None]:
            return asyncio.ensure_future(
                store.claim_post(
                    db,
                    store.Claim(
                        schedule.id,
                        1,
                        10,
                        date,
                        "seed",
                        f"q{day}",
                        nonce,
                        1,
                        reveal_at=10**10,
                        next_due=0,
                    ),
                    now=0,
                )
            )

        results = await asyncio.gather(claim(first, "a"), claim(second, "b"))
        assert sum(post is not None for post in results) == 1, results
    assert await first.scalar("SELECT count(*) FROM posts") == 20
    assert await first.scalar("SELECT count(DISTINCT local_date) FROM posts") == 20


async def test_answers_from_two_processes_count_once(two: tuple[Database, Database]) -> None:
    """Members click from both processes (a click may be delivered twice): each counts once and
    every total equals its answers, though the processes' transactions conflict and are run
    again."""
    first, second = two
    post = await make_post(first, "2026-11-30")
    clicks = [
        answer(db, user=user, post=post, correct=user % 3 != 0)
        for user in range(1, 121)
        for db in (first, second)
    ]
    outcomes = await asyncio.gather(*clicks)
    assert sum(o.recorded for o in outcomes) == 120
    assert await first.scalar("SELECT count(*) FROM answers") == 120
    assert await score_mismatches(first) == []


async def test_a_newer_schema_is_refused_and_left_alone(postgres_url: str) -> None:
    async with await Database.open(postgres_url):
        pass
    conn = await asyncpg.connect(postgres_url)
    try:
        await conn.execute("UPDATE schema_version SET version = $1", LATEST_VERSION + 1)
        with pytest.raises(DatabaseTooNew, match=r"newer version of the bot.*not changed"):
            await Database.open(postgres_url)
        assert await conn.fetchval("SELECT version FROM schema_version") == LATEST_VERSION + 1
    finally:
        await conn.close()


async def test_a_failing_migration_is_rolled_back(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.db import engine, postgres

    broken = [
        *engine.migrations("postgresql"),
        (LATEST_VERSION + 1, "999_broken.sql", "CREATE TABLE a (x int); SELECT nope();"),
    ]
    monkeypatch.setattr(postgres, "migrations", lambda dialect: broken)
    monkeypatch.setattr(postgres, "LATEST_VERSION", LATEST_VERSION + 1)
    with pytest.raises(DatabaseError, match=r"999_broken\.sql failed and was rolled back"):
        await Database.open(postgres_url)
    conn = await asyncpg.connect(postgres_url)
    try:
        assert await conn.fetchval("SELECT to_regclass('a')") is None
        assert await conn.fetchval("SELECT to_regclass('answers')") is None  # all or nothing
    finally:
        await conn.close()


async def test_unusable_urls_get_one_sentence_without_the_password(postgres_url: str) -> None:
    missing = database_url(postgres_url, "no_such_database")
    with pytest.raises(DatabaseError, match="the database no_such_database does not exist"):
        await Database.open(missing)
    with pytest.raises(DatabaseError, match="cannot reach the PostgreSQL server") as refused:
        await Database.open("postgresql://bot:s3cret@127.0.0.1:1/studybot")
    assert "s3cret" not in str(refused.value) and "bot:***@127.0.0.1:1" in str(refused.value)


def run_cli(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "db", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        cwd=cwd,
        check=False,
    )


async def test_cli_check_backup_and_copy(tmp_path: Path, postgres_url: str) -> None:
    source = tmp_path / "bot.sqlite3"
    async with await Database.open(source) as db:
        post = await make_post(db, "2026-11-30")
        await answer(db, user=1, post=post)
        await store.mark_revealed(db, post.id)
    moved = await asyncio.to_thread(
        run_cli, {"DATABASE_PATH": str(source)}, tmp_path, "copy", "--to", postgres_url
    )
    assert moved.returncode == 0, moved.stderr
    assert "row counts equal, db check ok" in moved.stdout
    on_postgres = {"DATABASE_URL": postgres_url}
    checked = await asyncio.to_thread(run_cli, on_postgres, tmp_path, "check")
    assert checked.returncode == 0 and checked.stdout.strip().endswith(": ok"), checked.stderr
    conn = await asyncpg.connect(postgres_url)
    try:
        await conn.execute("UPDATE scores SET points = points + 1 WHERE board = 'qotd'")
    finally:
        await conn.close()
    bad = await asyncio.to_thread(run_cli, on_postgres, tmp_path, "check")
    assert bad.returncode == 1 and "expected 10, stored 11" in bad.stdout
    backup = await asyncio.to_thread(run_cli, on_postgres, tmp_path, "backup", "x.dump")
    assert backup.returncode == 1 and "pg_dump --format=custom" in backup.stderr
    assert "Traceback" not in backup.stderr + bad.stderr + checked.stderr
    wrong = await asyncio.to_thread(run_cli, {"DATABASE_URL": "mysql://x"}, tmp_path, "check")
    assert wrong.returncode != 0 and "DATABASE_URL" in wrong.stderr
    assert "postgresql://" in wrong.stderr and "Traceback" not in wrong.stderr


async def test_a_restarted_server_costs_no_write(postgres_url: str) -> None:
    """The server closes every connection (a restart, a failover): the next writes and reads
    work on new connections, and nothing written before is lost."""
    async with await Database.open(postgres_url) as db:
        post = await make_post(db, "2026-11-30")
        assert (await answer(db, user=1, post=post)).recorded
        admin = await asyncpg.connect(postgres_url)
        try:
            closed = await admin.fetchval(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        finally:
            await admin.close()
        assert closed >= 2  # the writer's and at least one reader's
        assert (await answer(db, user=2, post=post)).recorded
        assert await db.scalar("SELECT count(*) FROM answers") == 2
        assert isinstance(db.engine, PostgresEngine) and db.engine.connection_losses == 1


async def test_a_write_that_lost_a_race_runs_again_on_what_won(
    two: tuple[Database, Database],
) -> None:
    """A read-then-write in one process while the other process changes the same row: the
    database refuses the stale commit, the write runs again on the committed value, and neither
    change is lost."""
    first, second = two
    await first.execute("INSERT INTO bot_state (key, value) VALUES ('n', '0')")
    read_once, other_committed = threading.Event(), threading.Event()
    attempts: list[str] = []

    def add_one(conn: Connection) -> str:
        (value,) = conn.execute("SELECT value FROM bot_state WHERE key = 'n'").fetchone()
        attempts.append(value)
        if len(attempts) == 1:  # the first run: let the other process commit meanwhile
            read_once.set()
            other_committed.wait(10)
        conn.execute("UPDATE bot_state SET value = ? WHERE key = 'n'", (str(int(value) + 1),))
        return str(value)

    racing = asyncio.ensure_future(first.write(add_one))
    assert await asyncio.to_thread(read_once.wait, 10)
    await second.execute("UPDATE bot_state SET value = '10' WHERE key = 'n'")
    other_committed.set()
    assert await racing == "10"  # the run that committed read the other process's value
    assert attempts == ["0", "10"] and first.races == 1
    assert await first.scalar("SELECT value FROM bot_state WHERE key = 'n'") == "11"


async def test_writes_fail_in_a_sentence_while_the_server_refuses_then_work_again(
    postgres_url: str,
) -> None:
    """The server closes the connections and refuses new ones for a while: a write meanwhile
    fails as unavailable (a member is asked to try again), and the first write after works."""
    name = postgres_url.rsplit("/", 1)[1]
    async with await Database.open(postgres_url) as db:
        post = await make_post(db, "2026-11-30")
        admin = await asyncpg.connect(database_url(postgres_url, "postgres"))
        try:
            await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            await admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name
            )
            with pytest.raises(DatabaseUnavailable, match="cannot be used now"):
                await answer(db, user=1, post=post)
            with pytest.raises(DatabaseUnavailable):  # no connection left to come back to
                await answer(db, user=2, post=post)
        finally:
            await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
            await admin.close()
        assert (await answer(db, user=1, post=post)).recorded
        assert await db.scalar("SELECT count(*) FROM answers") == 1


def test_urls_are_told_without_passwords_and_any_case_of_scheme_is_postgres() -> None:
    assert redacted("postgresql://u:p@h:5/d") == "postgresql://u:***@h:5/d"
    assert redacted("postgresql://u@h/d?password=p&sslmode=require") == (
        "postgresql://u@h/d?password=***&sslmode=require"
    )
    assert redacted("postgresql://u:p@h:notaport/d") == "postgresql://u:***@h:notaport/d"
    assert is_postgres_url("PostgreSQL://u@h/d") and not is_postgres_url(Path("postgresql:"))


async def test_a_connection_lost_at_commit_is_reported_unknown_and_not_run_again(
    postgres_url: str,
) -> None:
    """The server ends the writer's connection after the write ran, before its COMMIT is
    answered: the writer cannot know whether it was kept, so it neither reports it done nor runs
    it again (which could apply it twice); the next write works on a new connection."""
    async with await Database.open(postgres_url) as db:
        ran, killed = threading.Event(), threading.Event()
        runs: list[int] = []

        def insert(conn: Connection) -> None:
            (pid,) = conn.execute("SELECT pg_backend_pid()").fetchone()
            runs.append(pid)
            conn.execute("INSERT INTO bot_state (key, value) VALUES ('k', 'v')")
            ran.set()
            killed.wait(10)

        pending = asyncio.ensure_future(db.write(insert))
        assert await asyncio.to_thread(ran.wait, 10)
        admin = await asyncpg.connect(postgres_url)
        try:
            await admin.execute("SELECT pg_terminate_backend($1)", runs[0])
        finally:
            await admin.close()
        killed.set()
        with pytest.raises(CommitUnknown, match="may or may not have been saved"):
            await pending
        assert len(runs) == 1  # not run again
        await db.execute("INSERT INTO bot_state (key, value) VALUES ('after', 'v')")
        assert await db.scalar("SELECT count(*) FROM bot_state WHERE key = 'after'") == 1
