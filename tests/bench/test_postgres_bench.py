"""The PostgreSQL benchmarks at a tiny size: the storage burst on both engines, the fan-out over
two shard processes, and the leaderboard database moved by `db copy` and compared row for row."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import asyncpg

from bench import fanout, leaderboard, postgres, roundtrip, storage
from bench.common import Report
from emulator import Emulator
from tests.postgres import drop_database, new_database


def test_the_burst_is_measured_on_both_engines_each_way(postgres_server: str) -> None:
    figures = storage.measure(postgres_server, answers=60, rounds=1)
    results = {r.name: r for r in storage.results(figures, answers=60)}
    for engine in storage.ENGINES:
        for batch in (storage.GROUPED, storage.SINGLE):
            f = figures[engine, batch]
            assert len(f.latencies) == 60
            assert f.rate > 0
        # one transaction per answer, plus the posts' set-up writes
        assert min(figures[engine, storage.SINGLE].transactions) >= 60
        assert results[f"{engine}: group commit / one commit each"].ok is not None
    assert "group commit: PostgreSQL / SQLite" in results


def test_the_durable_cluster_syncs_its_writes() -> None:
    with postgres.server() as url:
        assert "fsync=on, synchronous_commit=on" in postgres.durability(url)


def test_two_shard_processes_post_each_server_once(postgres_server: str) -> None:
    report = Report("fan-out")
    results = fanout._measure(40, False, fanout.TWO_SHARDS, postgres_server)
    assert results["missed"] == 0
    assert results["duplicated"] == 0
    fanout._add(report, 40, False, results, fanout.TWO_SHARDS.label)
    assert any(r.name.endswith("posts missed / duplicated") and r.ok for r in report.results)


async def _change_one_answer(url: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(
            "UPDATE answers SET points = points + 1 WHERE id = (SELECT min(id) FROM answers)"
        )
    finally:
        await conn.close()


def test_the_copied_leaderboard_database_reads_back_equal_and_is_timed(
    tmp_path: Path, postgres_server: str
) -> None:
    path = tmp_path / "bot.sqlite3"
    emu = Emulator(validate=False)
    big = emu.add_guild("Big server")
    members = [emu.add_member(big, f"member{i}").id for i in range(20)]
    week = leaderboard._fill(path, [big.id, 7, 8], members, answers_in_all=300)
    url = asyncio.run(new_database(postgres_server))
    try:
        copied = leaderboard.copy_and_compare(path, url)
        assert copied.report.ok
        assert copied.differences == []
        with sqlite3.connect(path) as conn:
            assert conn.execute("SELECT count(*) FROM answers").fetchone()[0] == 300
        timings = asyncio.run(leaderboard._db_timings(url, big.id, week, members, rounds=3))
        assert [len(timings.samples[k]) for k in ("leaderboard", "naive")] == [3, 5]
        assert len(timings.samples["stats"]) == 3
        assert timings.failures == {}
        on_sqlite = asyncio.run(leaderboard._db_timings(path, big.id, week, members, rounds=3))
        assert len(on_sqlite.samples["stats"]) == 3
        assert on_sqlite.failures == {}
        asyncio.run(_change_one_answer(url))
        tables = roundtrip.table_columns(path)
        changed = roundtrip.differences(
            roundtrip.sqlite_digests(path, tables),
            asyncio.run(roundtrip.postgres_digests(url, tables)),
        )
        assert changed == ["answers: 300 / 300 rows"]
    finally:
        asyncio.run(drop_database(url))
