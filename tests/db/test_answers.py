"""Answers count once, totals equal the sum of the answers, and leaderboards read the totals."""

from __future__ import annotations

import asyncio
import random
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.db import Database
from bot.db.answers import (
    forget_member,
    get_streak,
    leaderboard,
    member_score,
    post_answers,
    score_mismatches,
)
from bot.db.qotd import mark_revealed
from tests.conftest import ENGINES
from tests.db.helpers import T0, answer, make_post, make_quiz_questions
from tests.postgres import drop_database, new_database


async def test_an_answer_counts_once(db: Database) -> None:
    post = await make_post(db, "2026-11-30")
    first = await answer(db, user=7, post=post, correct=True)
    again = await answer(db, user=7, post=post, correct=False)
    assert first.recorded and first.credited == 10
    assert not again.recorded and again.answer.correct  # the first answer stands
    assert again.answer.id == first.answer.id
    assert await member_score(db, 1, "qotd", "all", 7) is None  # on the boards at the reveal
    assert await mark_revealed(db, post.id)
    row = await member_score(db, 1, "qotd", "all", 7)
    assert row is not None and (row.points, row.answered, row.correct) == (10, 1, 1)


async def test_open_answers_reach_the_boards_once_at_the_reveal(db: Database) -> None:
    post = await make_post(db, "2026-11-30")
    await answer(db, user=1, post=post, correct=True)
    await answer(db, user=2, post=post, correct=False)
    assert await db.scalar("SELECT count(*) FROM scores") == 0
    assert await score_mismatches(db) == []
    assert await mark_revealed(db, post.id)
    assert not await mark_revealed(db, post.id)  # a second reveal counts nothing again
    one = await member_score(db, 1, "qotd", "all", 1)
    two = await member_score(db, 1, "qotd", "all", 2)
    assert one is not None and (one.points, one.answered, one.correct) == (10, 1, 1)
    assert two is not None and (two.points, two.answered, two.correct) == (0, 1, 0)
    late = await answer(db, user=3, post=post, correct=True)  # recorded after the reveal
    assert late.recorded
    three = await member_score(db, 1, "qotd", "all", 3)
    assert three is not None and three.points == 10
    assert await score_mismatches(db) == []


async def test_hundreds_of_concurrent_clicks_with_duplicates(db: Database) -> None:
    posts = [await make_post(db, f"2026-11-{d:02d}", channel_id=10 + d) for d in range(1, 6)]
    rng = random.Random(5)
    clicks = [
        (user, rng.choice(posts), rng.random() < 0.6) for user in range(120) for _ in range(4)
    ]
    outcomes = await asyncio.gather(*(answer(db, user=u, post=p, correct=c) for u, p, c in clicks))
    recorded = {(o.answer.user_id, o.answer.id) for o in outcomes}
    distinct = {(u, p.id) for u, p, _ in clicks}
    assert sum(o.recorded for o in outcomes) == len(distinct) == len(recorded)
    assert await db.scalar("SELECT count(*) FROM answers") == len(distinct)
    assert await score_mismatches(db) == []
    for post in posts:
        await mark_revealed(db, post.id)
    assert await score_mismatches(db) == []
    total = await db.scalar("SELECT sum(points) FROM answers")
    board_total = await db.scalar(
        "SELECT sum(points) FROM scores WHERE board = 'qotd' AND period = 'all'"
    )
    assert total == board_total


async def test_quiz_question_scores_once_per_period(db: Database) -> None:
    week1, week2 = T0, T0 + timedelta(days=7)
    await make_quiz_questions(db, 3)
    assert (await answer(db, user=1, quiz_question=1, question="q", at=week1)).credited == 10
    assert (await answer(db, user=1, quiz_question=2, question="q", at=week1)).credited == 0
    later = await answer(db, user=1, quiz_question=3, question="q", at=week2)
    assert later.recorded and later.credited == 0  # all-time: already scored
    weekly = await leaderboard(db, 1, "quiz", "2026-W50")
    assert [(r.user_id, r.points) for r in weekly] == [(1, 10)]  # but it counts in a new week
    alltime = await member_score(db, 1, "quiz", "all", 1)
    assert alltime is not None and (alltime.points, alltime.answered) == (10, 3)
    assert await score_mismatches(db) == []


async def test_periods_follow_the_server_timezone(db: Database) -> None:
    # 23:30 UTC on Sunday is already Monday 00:30 in Berlin: a new week there.
    sunday_late = datetime(2026, 12, 6, 21, 30, tzinfo=UTC)  # 22:30 Sunday in Berlin
    monday_berlin = sunday_late + timedelta(hours=2)  # 23:30 UTC, still Sunday in UTC
    await make_quiz_questions(db, 2)
    await answer(
        db, user=1, quiz_question=1, question="a", at=sunday_late, timezone="Europe/Berlin"
    )
    await answer(
        db, user=1, quiz_question=2, question="b", at=monday_berlin, timezone="Europe/Berlin"
    )
    weeks = {r[0] for r in await db.fetchall("SELECT week_key FROM answers")}
    assert weeks == {"2026-W49", "2026-W50"}


async def test_leaderboard_ties_share_a_rank_and_pages(db: Database) -> None:
    points = {1: 30, 2: 50, 3: 30, 4: 10, 5: 50, 6: 20}
    await make_quiz_questions(db, 6)
    for user, pts in points.items():
        await answer(db, user=user, quiz_question=user, question=f"q{user}", points=pts)
    page1 = await leaderboard(db, 1, "all", "all", limit=3)
    assert [(r.rank, r.user_id, r.points) for r in page1] == [(1, 2, 50), (1, 5, 50), (3, 1, 30)]
    page2 = await leaderboard(db, 1, "all", "all", limit=3, offset=3)
    assert [(r.rank, r.user_id) for r in page2] == [(3, 3), (5, 6), (6, 4)]
    hidden = await leaderboard(db, 1, "all", "all", limit=3, exclude=frozenset({2}))
    assert [(r.rank, r.user_id) for r in hidden] == [(1, 5), (2, 1), (2, 3)]
    own = await member_score(db, 1, "all", "all", 4)
    assert own is not None and own.rank == 6


async def test_streaks_skip_days_without_posts_and_break_on_missed_posts(db: Database) -> None:
    monday = await make_post(db, "2026-11-30", channel_id=1)
    wednesday = await make_post(db, "2026-12-02", channel_id=2)  # no post on Tuesday
    thursday = await make_post(db, "2026-12-03", channel_id=3)
    friday = await make_post(db, "2026-12-04", channel_id=4)
    assert (await answer(db, user=9, post=monday)).streak.current == 1  # type: ignore[union-attr]
    assert (await answer(db, user=9, post=wednesday)).streak.current == 2  # type: ignore[union-attr]
    # Thursday missed, Friday answered: the streak starts again; the best is kept.
    outcome = await answer(db, user=9, post=friday)
    assert outcome.streak is not None and (outcome.streak.current, outcome.streak.best) == (1, 2)
    # answering the old Thursday post late changes nothing
    late = await answer(db, user=9, post=thursday)
    assert late.streak is not None and late.streak.current == 1
    streak = await get_streak(db, 1, 9)
    assert streak is not None and streak.last_date == "2026-12-04"


async def test_forget_member_deletes_everything_of_that_member_only(db: Database) -> None:
    post = await make_post(db, "2026-11-30")
    await make_quiz_questions(db, 5)
    await answer(db, user=1, post=post)
    await answer(db, user=2, post=post)
    await answer(db, user=1, quiz_question=5, question="x")
    await mark_revealed(db, post.id)
    assert await forget_member(db, 1, 1) == 2
    assert [a.user_id for a in await post_answers(db, post.id)] == [2]
    for table in ("scores", "streaks", "quiz_credit", "answers"):
        assert await db.scalar(f"SELECT count(*) FROM {table} WHERE user_id = 1") == 0
    assert await member_score(db, 1, "qotd", "all", 2) is not None
    assert await score_mismatches(db) == []


answer_events = st.lists(
    st.tuples(
        st.integers(1, 6),  # user
        st.integers(0, 3),  # post index, or quiz question when board is quiz
        st.booleans(),  # quiz?
        st.booleans(),  # correct
        st.integers(0, 40),  # days after T0
        st.integers(1, 20),  # points
    ),
    max_size=60,
)


@pytest.mark.parametrize("engine", ENGINES)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(events=answer_events)
def test_totals_always_equal_the_sum_of_answers(
    engine: str, postgres_server: str, events: list[tuple[int, ...]]
) -> None:
    async def scenario(path: Path) -> None:
        target = await new_database(postgres_server) if engine == "postgresql" else path
        try:
            await run(target)
        finally:
            if isinstance(target, str):
                await drop_database(target)

    async def run(target: Path | str) -> None:
        async with await Database.open(target) as db:
            posts = [await make_post(db, f"2026-12-0{d + 1}", channel_id=d) for d in range(4)]
            await make_quiz_questions(db, 4)
            await asyncio.gather(
                *(
                    answer(
                        db,
                        user=user,
                        post=None if quiz else posts[idx],
                        quiz_question=idx + 1 if quiz else None,
                        question=f"q{idx % 2}",
                        correct=correct,
                        points=pts,
                        at=T0 + timedelta(days=days),
                        timezone="America/New_York",
                    )
                    for user, idx, quiz, correct, days, pts in events
                )
            )
            assert await score_mismatches(db) == []
            distinct = {(u, i, q) for u, i, q, *_ in events}
            assert await db.scalar("SELECT count(*) FROM answers") == len(distinct)

    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(scenario(Path(folder) / "p.sqlite3"))
