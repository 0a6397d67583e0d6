"""An operator's mistakes and broken storage end in one sentence on stderr, never a traceback."""

from __future__ import annotations

import asyncio
import ctypes
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.db import Database
from tests.db.helpers import answer, make_post
from tests.postgres import database_url

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.abcdef.ghijklmnopqrstuvwxyz0123456789abcd"
PR_CAPBSET_DROP, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 24, 1, 2


def _as_plain_user() -> None:
    """In the child, before exec: root loses its power to ignore file permissions, so a folder
    or file without write permission is refused as it is for any other user."""
    if os.geteuid() == 0:
        libc = ctypes.CDLL(None, use_errno=True)
        for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
            if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
                raise OSError(ctypes.get_errno(), "prctl")


def bot(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DISCORD_", "DATABASE_", "HEALTH_", "LOG_"))
    }
    clean.update(DISCORD_TOKEN=TOKEN, DISCORD_API_BASE_URL="http://127.0.0.1:9/api/v10")
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        preexec_fn=_as_plain_user,  # before exec; the test process starts no thread meanwhile
    )


def one_sentence(result: subprocess.CompletedProcess[str], *words: str) -> str:
    assert result.returncode != 0, result
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0], (word, lines[0])
    return lines[0]


def damaged(path: Path) -> Path:
    path.write_bytes(b"this is not a database, it was overwritten\n" * 200)
    return path


def database(path: Path, *, upto: int | None = None) -> Path:
    async def fill() -> None:
        async with await Database.open(path, migrate_upto=upto) as db:
            if upto is None:
                await answer(db, user=1, post=await make_post(db, "2026-11-30"))

    asyncio.run(fill())
    return path


def read_only_folder(folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    folder.chmod(0o555)
    return folder


@pytest.fixture(autouse=True)
def writable_again(tmp_path: Path) -> object:
    yield None
    for p in tmp_path.rglob("*"):
        if p.is_dir():
            p.chmod(0o755)


START_CASES: dict[str, tuple[Callable[[Path], Path], tuple[str, ...]]] = {
    "a folder": (lambda t: t, ("DATABASE_PATH", "folder")),
    "under a file": (lambda t: damaged(t / "file") / "bot.sqlite3", ("DATABASE_PATH", "folder")),
    "unwritable folder (a bind mount owned by another user)": (
        lambda t: read_only_folder(t / "data") / "bot.sqlite3",
        ("DATABASE_PATH", "write", f"user {os.getuid()}"),
    ),
    "read-only file in a read-only folder": (
        lambda t: (
            (database(t / "ro" / "bot.sqlite3").chmod(0o444), read_only_folder(t / "ro"))[1]
            / "bot.sqlite3"
        ),
        ("DATABASE_PATH", "read-only"),
    ),
    "damaged": (lambda t: damaged(t / "bot.sqlite3"), ("not a SQLite database",)),
}


@pytest.mark.parametrize("case", list(START_CASES))
def test_unusable_database_at_start_is_one_sentence(tmp_path: Path, case: str) -> None:
    make, words = START_CASES[case]
    path = make(tmp_path)
    one_sentence(bot(tmp_path, DATABASE_PATH=str(path)), *words)


def test_utf16_env_file_is_one_sentence(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(f"DISCORD_TOKEN={TOKEN}\n", encoding="utf-16")
    one_sentence(bot(tmp_path, "invite"), ".env", "UTF-8")


def test_utf8_env_file_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(f"DISCORD_TOKEN={TOKEN}\n", encoding="utf-8-sig")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DISCORD_")}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "invite"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and "client_id=123456789012345678" in result.stdout, result


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DISCORD_API_BASE_URL", "not a url"),
        ("DISCORD_API_BASE_URL", "discord.com/api/v10"),
        ("DISCORD_GATEWAY_URL", "not a url"),
        ("DISCORD_GATEWAY_URL", "https://gateway.discord.gg"),
        ("DATABASE_URL", "mysql://bot@localhost/studybot"),
        ("DATABASE_URL", "studybot.sqlite3"),
    ],
)
def test_bad_url_setting_is_one_sentence(tmp_path: Path, name: str, value: str) -> None:
    result = bot(tmp_path, **{name: value, "DATABASE_PATH": str(tmp_path / "bot.sqlite3")})
    one_sentence(result, name)
    assert not (tmp_path / "bot.sqlite3").exists()


DB_CASES: dict[str, tuple[Callable[[Path], tuple[Path, list[str]]], tuple[str, ...]]] = {
    "check a damaged file": (lambda t: (damaged(t / "db"), ["check"]), ("not a SQLite database",)),
    "check a missing file": (lambda t: (t / "none", ["check"]), ("no database",)),
    "check a folder": (lambda t: (t, ["check"]), ("folder",)),
    "back up a damaged file": (
        lambda t: (damaged(t / "db"), ["backup", str(t / "copy")]),
        ("not a SQLite database",),
    ),
    "back up into an unwritable folder": (
        lambda t: (database(t / "db"), ["backup", str(read_only_folder(t / "ro") / "copy")]),
        ("cannot write", "ro"),
    ),
    "back up onto a folder": (
        lambda t: (database(t / "db"), ["backup", str(t)]),
        ("already exists",),
    ),
    "back up under a file": (
        lambda t: (database(t / "db"), ["backup", str(damaged(t / "file") / "copy")]),
        ("folder",),
    ),
}


@pytest.mark.parametrize("case", list(DB_CASES))
def test_db_commands_on_bad_files_are_one_sentence(tmp_path: Path, case: str) -> None:
    make, words = DB_CASES[case]
    path, args = make(tmp_path)
    before = path.read_bytes() if path.is_file() else None
    one_sentence(bot(tmp_path, "db", *args, DATABASE_PATH=str(path)), *words)
    if before is not None:
        assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("upto", "journal"),
    [(None, "wal"), (None, "delete"), (1, "delete")],
    ids=["as the bot leaves it", "rollback journal", "older schema"],
)
def test_db_check_leaves_the_file_as_it_was(tmp_path: Path, upto: int | None, journal: str) -> None:
    path = database(tmp_path / "bot.sqlite3", upto=upto)
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA journal_mode = {journal}")  # DELETE: as an older version left it
    conn.close()
    before = path.read_bytes()
    files = {p.name for p in tmp_path.iterdir()}
    result = bot(tmp_path, "db", "check", DATABASE_PATH=str(path))
    assert result.returncode == 0, result
    assert f"{path}: ok" in result.stdout
    assert path.read_bytes() == before
    new = {p.name: p.stat().st_size for p in tmp_path.iterdir() if p.name not in files}
    if journal == "wal":  # a reader of a WAL database shares its index (-shm); nothing is logged
        assert new.keys() <= {"bot.sqlite3-wal", "bot.sqlite3-shm"}
        assert new.get("bot.sqlite3-wal", 0) == 0
    else:  # not turned into a WAL database
        assert new == {}


def test_unusable_postgres_at_start_is_one_sentence(tmp_path: Path, postgres_server: str) -> None:
    """A server that is not there, and a database that is not: one sentence each, naming the
    setting, never the password."""
    down = bot(tmp_path, DATABASE_URL="postgresql://bot:s3cret@127.0.0.1:9/studybot")
    line = one_sentence(down, "DATABASE_URL", "cannot reach the PostgreSQL server")
    assert "s3cret" not in line
    missing = bot(tmp_path, DATABASE_URL=database_url(postgres_server, "no_such_database"))
    one_sentence(missing, "DATABASE_URL", "no_such_database does not exist")
