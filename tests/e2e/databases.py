"""Which database the end-to-end bots use: a SQLite file by default, or a fresh PostgreSQL
database on the session's server when ``STUDYBOT_E2E_DATABASE=postgresql``."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from tests.postgres import drop_database, new_database

T = TypeVar("T")

SWITCH = "STUDYBOT_E2E_DATABASE"
ENGINES = ("sqlite", "postgresql")


class _Server:
    """The session's PostgreSQL server and the databases made on it, dropped at the end."""

    url: str | None = None
    made: list[str] = []  # noqa: RUF012 (one session-wide list, reset by serving())


def engine() -> str:
    chosen = os.environ.get(SWITCH, "").strip().lower() or "sqlite"
    if chosen not in ENGINES:
        raise ValueError(f"{SWITCH} must be one of {', '.join(ENGINES)}, not {chosen!r}")
    return chosen


def on_postgres() -> bool:
    return engine() == "postgresql"


@contextmanager
def serving(server_url: str) -> Iterator[None]:
    """Make ``server_url`` the server of fresh databases until the block ends, then drop them."""
    _Server.url, _Server.made = server_url, []
    try:
        yield
    finally:
        for url in _Server.made:
            _blocking(drop_database(url))
        _Server.url, _Server.made = None, []


def fresh_postgres_url() -> str:
    """A new empty database on the session's server. Synchronous, so that settings and
    environments can be built in plain functions; it runs on a thread of its own because the
    calling test's event loop is busy running the test."""
    if _Server.url is None:
        raise RuntimeError(f"no PostgreSQL server for the e2e bots: is {SWITCH} set?")
    url = _blocking(new_database(_Server.url))
    _Server.made.append(url)
    return url


def _blocking(work: Coroutine[Any, Any, T]) -> T:
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, work).result()


def database_settings(folder: Path, *, sqlite: bool = False) -> dict[str, object]:
    """Settings naming a bot's database: the file ``folder/bot.sqlite3``, and a fresh PostgreSQL
    database instead when the switch says so and ``sqlite`` (a test that reads the file itself)
    does not."""
    settings: dict[str, object] = {"database_path": folder / "bot.sqlite3"}
    if on_postgres() and not sqlite:
        settings["database_url"] = fresh_postgres_url()
    return settings


def database_env(folder: Path, *, sqlite: bool = False) -> dict[str, str]:
    """The same as environment variables, for a bot started as a process."""
    return {k.upper(): str(v) for k, v in database_settings(folder, sqlite=sqlite).items()}
