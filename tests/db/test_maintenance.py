"""Online backup while the bot writes, and the operator's health check."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from bot.db import Database
from bot.db.maintenance import backup, check
from bot.db.qotd import mark_revealed
from tests.db.helpers import answer, make_post


async def test_backup_while_writes_are_running(tmp_path: Path) -> None:
    source = tmp_path / "live.sqlite3"
    async with await Database.open(source) as db:
        posts = [await make_post(db, f"2026-11-{d:02d}", channel_id=d) for d in range(1, 21)]
        writing = asyncio.gather(*(answer(db, user=u, post=posts[u % 20]) for u in range(2000)))
        copies = []
        for n in range(3):
            await asyncio.sleep(0.01)
            target = tmp_path / f"copy{n}.sqlite3"
            await asyncio.to_thread(backup, source, target)
            copies.append(target)
        await writing
    for target in copies:
        assert await check(target) == []  # integrity and score consistency
        with sqlite3.connect(target) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_cli_backup_and_check(tmp_path: Path) -> None:
    source = tmp_path / "bot.sqlite3"

    async def fill() -> None:
        async with await Database.open(source) as db:
            post = await make_post(db, "2026-11-30")
            await answer(db, user=1, post=post)
            await mark_revealed(db, post.id)

    asyncio.run(fill())
    env = {**os.environ, "DATABASE_PATH": str(source)}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", "db", *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            check=False,
        )

    ok = run("check")
    assert ok.returncode == 0 and ok.stdout.strip().endswith(": ok"), ok.stderr
    copy = tmp_path / "backup.sqlite3"
    done = run("backup", str(copy))
    assert done.returncode == 0 and copy.is_file()
    again = run("backup", str(copy))
    assert again.returncode == 1 and "already exists" in again.stderr

    with sqlite3.connect(source) as conn:  # corrupt a total behind the bot's back
        conn.execute("UPDATE scores SET points = points + 1 WHERE board = 'qotd'")
    bad = run("check")
    assert bad.returncode == 1
    assert "expected 10, stored 11" in bad.stdout
    missing = subprocess.run(
        [sys.executable, "-m", "bot", "db", "check"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
        env={**os.environ, "DATABASE_PATH": str(tmp_path / "nope.sqlite3")},
    )
    assert missing.returncode == 1 and "no database at" in missing.stderr
