"""``db copy``: a SQLite database with every kind of row moves into an empty PostgreSQL one
unchanged (compared row by row), totals stay equal to their answers, and the bot writes on in
the copy (ids go on after the copied ones)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from bot.db import Database, DatabaseError
from bot.db import suggestions as store
from bot.db.answers import score_mismatches
from bot.db.copy import copy_to_postgres
from bot.db.reviews import NewReview, record_review
from bot.study.review import Grade
from tests.db.helpers import T0, answer, make_post, make_quiz_questions
from tests.db.test_suggestions import q


async def fill(path: Path) -> None:
    """A little of everything: question-of-the-day and quiz answers, a card and its log, a
    suggestion and a report."""
    async with await Database.open(path) as db:
        for day in ("2026-11-30", "2026-12-01"):
            post = await make_post(db, day, question=f"q-{day}")
            for user in (7, 8, 9):
                await answer(db, user=user, post=post, correct=user != 9)
        for quiz_question in await make_quiz_questions(db, 3):
            await answer(db, user=7, quiz_question=quiz_question, question=f"z{quiz_question}")
        await record_review(
            db, NewReview(1, 7, "seed", "q-2026-11-30", int(Grade.GOOD), T0, "review")
        )
        await store.add_suggestion(
            db, 1, 8, "suggestions", q("What is a tensor?"), local_date="2026-12-01", now=5
        )
        await store.add_report(db, 1, 9, "seed", "q-2026-11-30", "wrong", "the answer", now=6)


async def rows(db: Database, table: str) -> list[tuple[Any, ...]]:
    found = await db.fetchall(f'SELECT * FROM "{table}"')
    return sorted((tuple(r) for r in found), key=repr)


def same(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(float(a), float(b), rel_tol=0, abs_tol=1e-9)
    return bool(a == b)


async def test_a_copy_is_row_for_row_the_same_and_checks_clean(
    tmp_path: Path, postgres_url: str
) -> None:
    source = tmp_path / "bot.sqlite3"
    await fill(source)
    report = await copy_to_postgres(source, postgres_url)
    assert report.ok, report.summary()
    assert {name for name, _, _ in report.tables} >= {"answers", "scores", "cards", "reports"}
    assert sum(n for _, n, _ in report.tables) > 50
    async with await Database.open(source) as lite, await Database.open(postgres_url) as pg:
        for table, _, _ in report.tables:
            a, b = await rows(lite, table), await rows(pg, table)
            assert len(a) == len(b), table
            for left, right in zip(a, b, strict=True):
                assert all(same(x, y) for x, y in zip(left, right, strict=True)), (
                    table,
                    left,
                    right,
                )
        # The bot goes on in the copy: new rows take ids after the copied ones.
        before = await pg.scalar("SELECT max(id) FROM answers")
        post = await make_post(pg, "2026-12-02", question="q-new")
        assert (await answer(pg, user=7, post=post)).recorded
        assert await pg.scalar("SELECT max(id) FROM answers") > before
        assert await score_mismatches(pg) == []


async def test_a_database_with_data_is_not_copied_into(tmp_path: Path, postgres_url: str) -> None:
    source = tmp_path / "bot.sqlite3"
    await fill(source)
    assert (await copy_to_postgres(source, postgres_url)).ok
    with pytest.raises(DatabaseError, match="already holds data"):
        await copy_to_postgres(source, postgres_url)


async def test_a_running_bot_or_a_missing_file_is_refused(
    tmp_path: Path, postgres_url: str
) -> None:
    with pytest.raises(DatabaseError, match="no database at"):
        await copy_to_postgres(tmp_path / "none.sqlite3", postgres_url)
    source = tmp_path / "bot.sqlite3"
    await fill(source)
    async with await Database.open(source):  # the bot, still running on the file
        with pytest.raises(DatabaseError, match="another copy of the bot is already using"):
            await copy_to_postgres(source, postgres_url)
