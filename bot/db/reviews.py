"""Review cards (one per member and question in a server), their review log, and the members'
review settings. The scheduling itself is pure (bot/study/review.py); here it is stored.

Every judged answer and every self-grade reviews the member's card in the same transaction as
the answer (:func:`apply_review`), so a card never misses or doubles an answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from bot.db.database import Database
from bot.db.engine import Connection, Row
from bot.db.shards import on_shards
from bot.db.streaks import advance_streak
from bot.study.review import (
    CardState,
    Grade,
    Phase,
    from_row,
    log_to_row,
    new_card,
    review,
    to_row,
)
from bot.study.shards import Shards

Source = Literal["qotd", "quiz", "review"]
DEFAULT_NEW_PER_DAY = 10


@dataclass(frozen=True, slots=True)
class NewReview:
    guild_id: int
    user_id: int
    bank: str
    question_id: str
    grade: int  # 1 Again ... 4 Easy
    at: datetime
    source: Source


@dataclass(frozen=True, slots=True)
class Card:
    id: int
    guild_id: int
    user_id: int
    bank: str
    question_id: str
    state: CardState
    introduced: str | None


def _mapping(row: Row) -> dict[str, Any]:
    return {k: row[k] for k in row.keys()}  # noqa: SIM118 - Row


def _card(row: Row) -> Card:
    return Card(
        id=row["id"],
        guild_id=row["guild_id"],
        user_id=row["user_id"],
        bank=row["bank"],
        question_id=row["question_id"],
        state=from_row(_mapping(row)),
        introduced=row["introduced"],
    )


def apply_review(conn: Connection, r: NewReview) -> Card:
    """Review the member's card for the question (made now if it has none), inside the
    caller's transaction; the review is logged."""
    rows = conn.execute(
        "SELECT * FROM cards WHERE guild_id = ? AND user_id = ? AND question_id = ?",
        (r.guild_id, r.user_id, r.question_id),
    ).fetchall()
    before = from_row(rows[0]) if rows else new_card(r.at)
    after, log = review(before, Grade(r.grade), r.at)
    values = to_row(after)
    card_row = conn.execute(
        "INSERT INTO cards (guild_id, user_id, bank, question_id, due, state, stability, "
        "difficulty, step, last_review, reps, lapses, created_at) "
        "VALUES (:guild_id, :user_id, :bank, :question_id, :due, :state, :stability, "
        ":difficulty, :step, :last_review, :reps, :lapses, :created_at) "
        "ON CONFLICT (guild_id, user_id, question_id) DO UPDATE SET bank = excluded.bank, "
        "due = excluded.due, state = excluded.state, stability = excluded.stability, "
        "difficulty = excluded.difficulty, step = excluded.step, "
        "last_review = excluded.last_review, reps = excluded.reps, lapses = excluded.lapses "
        "RETURNING *",
        {
            **values,
            "guild_id": r.guild_id,
            "user_id": r.user_id,
            "bank": r.bank,
            "question_id": r.question_id,
            "created_at": int(r.at.timestamp()),
        },
    ).fetchone()
    logged = log_to_row(log)
    conn.execute(
        "INSERT INTO review_logs (card_id, grade, reviewed_at, state, source) "
        "VALUES (?, ?, ?, ?, ?)",
        (card_row["id"], logged["grade"], logged["reviewed_at"], logged["state"], r.source),
    )
    return _card(card_row)


async def record_review(
    db: Database, r: NewReview, *, reps: int | None = None, local_date: str | None = None
) -> Card | None:
    """Review a card from /review; with ``reps``, only if the card still has that many
    reviews (a second click on the same card's old buttons changes nothing: None). A review
    on ``local_date`` (the server's) keeps the member's streak going, as studying that day."""

    def tx(conn: Connection) -> Card | None:
        if reps is not None:
            current = conn.execute(
                "SELECT reps FROM cards WHERE guild_id = ? AND user_id = ? AND question_id = ?",
                (r.guild_id, r.user_id, r.question_id),
            ).fetchone()
            if current is None or current[0] != reps:
                return None
        advance_streak(conn, r.guild_id, r.user_id, local_date)
        return apply_review(conn, r)

    return await db.write(tx)


# --- reading cards ----------


async def get_card(db: Database, card_id: int) -> Card | None:
    row = await db.fetchone("SELECT * FROM cards WHERE id = ?", (card_id,))
    return _card(row) if row else None


async def next_due_card(
    db: Database, guild_id: int, user_id: int, now: datetime, after: Card | None = None
) -> Card | None:
    """The member's card due the longest, if any is due (an index range read); with
    ``after``, the next one after that card."""
    due, card_id = (after.state.due.timestamp(), after.id) if after else (-1, -1)
    row = await db.fetchone(
        "SELECT * FROM cards WHERE guild_id = ? AND user_id = ? AND due <= ? "
        "AND (due, id) > (?, ?) ORDER BY due, id LIMIT 1",
        (guild_id, user_id, int(now.timestamp()), int(due), card_id),
    )
    return _card(row) if row else None


@dataclass(frozen=True, slots=True)
class Dues:
    now: int
    today: int
    week: int
    next_due: datetime | None  # the soonest card not due yet


async def due_summary(
    db: Database, guild_id: int, user_id: int, now: datetime, end_of_day: datetime
) -> Dues:
    """How many cards are due now, by the end of the member's day, and within 7 days."""
    week = now.timestamp() + 7 * 86400
    row = await db.fetchone(
        "SELECT count(*) FILTER (WHERE due <= ?3), count(*) FILTER (WHERE due <= ?4), "
        "count(*) FILTER (WHERE due <= ?5), min(due) FILTER (WHERE due > ?3) "
        "FROM cards WHERE guild_id = ?1 AND user_id = ?2 AND due <= ?5 + 31536000",
        (guild_id, user_id, int(now.timestamp()), int(end_of_day.timestamp()), int(week)),
    )
    assert row is not None
    soonest = datetime.fromtimestamp(row[3], UTC) if row[3] is not None else None
    if soonest is None:  # nothing within a year: look further
        later = await db.scalar(
            "SELECT min(due) FROM cards WHERE guild_id = ? AND user_id = ? AND due > ?",
            (guild_id, user_id, int(now.timestamp())),
        )
        soonest = datetime.fromtimestamp(later, UTC) if later is not None else None
    return Dues(int(row[0]), int(row[1]), int(row[2]), soonest)


async def carded_questions(db: Database, guild_id: int, user_id: int, bank: str) -> set[str]:
    """The questions of ``bank`` the member has a card for."""
    rows = await db.fetchall(
        "SELECT question_id FROM cards WHERE guild_id = ? AND user_id = ? AND bank = ?",
        (guild_id, user_id, bank),
    )
    return {r[0] for r in rows}


async def card_count(db: Database, guild_id: int, user_id: int, bank: str) -> int:
    value = await db.scalar(
        "SELECT count(*) FROM cards WHERE guild_id = ? AND user_id = ? AND bank = ?",
        (guild_id, user_id, bank),
    )
    return int(value or 0)


async def member_cards(db: Database, guild_id: int, user_id: int) -> dict[str, CardState]:
    """The member's cards by question id (for a quiz draw: due and missed first)."""
    rows = await db.fetchall(
        "SELECT * FROM cards WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
    )
    return {r["question_id"]: from_row(_mapping(r)) for r in rows}


async def member_card_list(db: Database, guild_id: int, user_id: int) -> list[Card]:
    """Every card of the member in the server, soonest due first."""
    rows = await db.fetchall(
        "SELECT * FROM cards WHERE guild_id = ? AND user_id = ? ORDER BY due, id",
        (guild_id, user_id),
    )
    return [_card(r) for r in rows]


async def recently_missed(db: Database, guild_id: int, user_id: int, since: datetime) -> set[str]:
    rows = await db.fetchall(
        "SELECT DISTINCT c.question_id FROM review_logs l JOIN cards c ON c.id = l.card_id "
        "WHERE c.guild_id = ? AND c.user_id = ? AND l.grade = 1 AND l.reviewed_at >= ?",
        (guild_id, user_id, int(since.timestamp())),
    )
    return {r[0] for r in rows}


async def introduced_on(db: Database, guild_id: int, user_id: int, local_date: str) -> int:
    """New cards /review introduced to the member on a local date."""
    value = await db.scalar(
        "SELECT count(*) FROM cards WHERE guild_id = ? AND user_id = ? AND introduced = ? "
        "AND introduced IS NOT NULL",
        (guild_id, user_id, local_date),
    )
    return int(value or 0)


async def introduce(
    db: Database,
    guild_id: int,
    user_id: int,
    bank: str,
    question_id: str,
    now: datetime,
    local_date: str,
) -> Card:
    """A new card for a question the member has not met yet, due now (the one they have, if
    an answer made it meanwhile)."""

    def tx(conn: Connection) -> Card:
        values = to_row(new_card(now))
        conn.execute(
            "INSERT INTO cards (guild_id, user_id, bank, question_id, due, state, stability, "
            "difficulty, step, last_review, reps, lapses, introduced, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, ?, NULL, 0, 0, ?, ?) "
            "ON CONFLICT (guild_id, user_id, question_id) DO NOTHING",
            (
                guild_id,
                user_id,
                bank,
                question_id,
                values["due"],
                values["state"],
                values["step"],
                local_date,
                int(now.timestamp()),
            ),
        )
        row = conn.execute(
            "SELECT * FROM cards WHERE guild_id = ? AND user_id = ? AND question_id = ?",
            (guild_id, user_id, question_id),
        ).fetchone()
        return _card(row)

    return await db.write(tx)


@dataclass(frozen=True, slots=True)
class ReviewStats:
    reviews: int
    retention: float | None  # share recalled of reviews of cards in review, last 30 days
    by_state: dict[str, int]


async def review_stats(db: Database, guild_id: int, user_id: int, since: datetime) -> ReviewStats:
    reviews = await db.scalar(
        "SELECT count(*) FROM review_logs l JOIN cards c ON c.id = l.card_id "
        "WHERE c.guild_id = ? AND c.user_id = ?",
        (guild_id, user_id),
    )
    # Anki's "true retention": of the reviews of cards in review, the share not forgotten
    row = await db.fetchone(
        "SELECT count(*), count(*) FILTER (WHERE l.grade > ?) FROM review_logs l JOIN cards c "
        "ON c.id = l.card_id WHERE c.guild_id = ? AND c.user_id = ? AND l.reviewed_at >= ? "
        "AND l.state = ?",
        (int(Grade.AGAIN), guild_id, user_id, int(since.timestamp()), Phase.REVIEW.value),
    )
    assert row is not None
    retained = row[1] / row[0] if row[0] else None
    states = await db.fetchall(
        "SELECT state, count(*) FROM cards WHERE guild_id = ? AND user_id = ? GROUP BY state",
        (guild_id, user_id),
    )
    return ReviewStats(int(reviews or 0), retained, {r[0]: int(r[1]) for r in states})


# --- settings ----------


@dataclass(frozen=True, slots=True)
class ReviewSettings:
    new_per_day: int  # the member's own, or the server's default
    own_new_per_day: bool
    remind_time: str | None
    remind_tz: str | None
    remind_next: int | None
    dm_closed: bool


async def review_settings(db: Database, guild_id: int, user_id: int) -> ReviewSettings:
    row = await db.fetchone(
        "SELECT s.new_per_day, s.remind_time, s.remind_tz, s.remind_next, s.dm_closed, "
        "(SELECT new_per_day FROM guild_settings WHERE guild_id = ?1) AS server "
        "FROM (SELECT 1) AS one LEFT JOIN review_settings s ON s.guild_id = ?1 AND s.user_id = ?2",
        (guild_id, user_id),
    )
    assert row is not None
    server = row["server"] if row["server"] is not None else DEFAULT_NEW_PER_DAY
    own = row["new_per_day"]
    return ReviewSettings(
        new_per_day=own if own is not None else server,
        own_new_per_day=own is not None,
        remind_time=row["remind_time"],
        remind_tz=row["remind_tz"],
        remind_next=row["remind_next"],
        dm_closed=bool(row["dm_closed"]),
    )


async def set_member_new_per_day(
    db: Database, guild_id: int, user_id: int, count: int | None
) -> None:
    await db.execute(
        "INSERT INTO review_settings (guild_id, user_id, new_per_day) VALUES (?, ?, ?) "
        "ON CONFLICT (guild_id, user_id) DO UPDATE SET new_per_day = excluded.new_per_day",
        (guild_id, user_id, count),
    )


async def set_server_new_per_day(db: Database, guild_id: int, count: int, now: int) -> None:
    await db.execute(
        "INSERT INTO guild_settings (guild_id, new_per_day, updated_at) VALUES (?, ?, ?) "
        "ON CONFLICT (guild_id) DO UPDATE SET new_per_day = excluded.new_per_day, "
        "updated_at = excluded.updated_at",
        (guild_id, count, now),
    )


async def set_reminder(
    db: Database,
    guild_id: int,
    user_id: int,
    local_time: str | None,
    timezone: str | None,
    next_at: int | None,
) -> None:
    """Turn the member's daily reminder on (a time, a zone, the first instant) or off."""
    await db.execute(
        "INSERT INTO review_settings (guild_id, user_id, remind_time, remind_tz, remind_next) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (guild_id, user_id) DO UPDATE SET "
        "remind_time = excluded.remind_time, remind_tz = excluded.remind_tz, "
        "remind_next = excluded.remind_next, dm_closed = 0",
        (guild_id, user_id, local_time, timezone, next_at),
    )


@dataclass(frozen=True, slots=True)
class Reminder:
    guild_id: int
    user_id: int
    remind_time: str
    remind_tz: str
    remind_next: int


async def due_reminders(
    db: Database, now: int, limit: int = 500, shards: Shards | None = None
) -> list[Reminder]:
    """Reminders due at ``now``, of the servers on ``shards`` (all servers when None)."""
    mine, params = on_shards(shards)
    rows = await db.fetchall(
        "SELECT guild_id, user_id, remind_time, remind_tz, remind_next FROM review_settings "  # noqa: S608 - fixed text and bound ids
        f"WHERE remind_next IS NOT NULL AND remind_next <= ?{mine} ORDER BY remind_next LIMIT ?",
        (now, *params, limit),
    )
    return [Reminder(*r) for r in rows]


async def move_reminder(db: Database, guild_id: int, user_id: int, due: int, next_at: int) -> bool:
    """Claim a due reminder by moving it to its next day: True for the one caller that moved
    it (two ticks never send the same reminder twice)."""
    count = await db.execute(
        "UPDATE review_settings SET remind_next = ? "
        "WHERE guild_id = ? AND user_id = ? AND remind_next = ?",
        (next_at, guild_id, user_id, due),
    )
    return count > 0


async def set_dm_closed(db: Database, guild_id: int, user_id: int, closed: bool) -> None:
    await db.execute(
        "UPDATE review_settings SET dm_closed = ? WHERE guild_id = ? AND user_id = ?",
        (int(closed), guild_id, user_id),
    )


# --- checks ----------


def card_problems(conn: Connection) -> list[str]:
    """Cards whose review count differs from their log, or that were reviewed without a
    log (``db check``)."""
    rows = conn.execute(
        "SELECT c.id, c.guild_id, c.user_id, c.question_id, c.reps, "
        "(SELECT count(*) FROM review_logs l WHERE l.card_id = c.id) AS logged FROM cards c "
        "WHERE c.reps <> (SELECT count(*) FROM review_logs l WHERE l.card_id = c.id) "
        "OR (c.reps > 0 AND c.last_review IS NULL) OR (c.reps = 0 AND c.state <> 'new')"
    ).fetchall()
    return [
        f"card {r[0]} (guild {r[1]}, member {r[2]}, question {r[3]}): {r[4]} review(s) counted, "
        f"{r[5]} logged"
        for r in rows
    ]


async def set_shown_item(db: Database, card_id: int, reps: int, item: str) -> None:
    """Remember the item a card is shown as (a click on it is judged by it)."""
    await db.execute(
        "UPDATE cards SET shown_item = ?, shown_reps = ? WHERE id = ?", (item, reps, card_id)
    )


async def shown_item(db: Database, card_id: int, reps: int) -> str | None:
    """The item the card was shown as when it had ``reps`` reviews, if it was remembered."""
    value = await db.scalar(
        "SELECT shown_item FROM cards WHERE id = ? AND shown_reps = ?", (card_id, reps)
    )
    return str(value) if value is not None else None
