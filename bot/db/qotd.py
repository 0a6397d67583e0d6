"""Question-of-the-day schedules, their question rotation, and posts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.db.answers import count_open_answers
from bot.db.database import Database
from bot.db.engine import Connection, Row
from bot.db.shards import on_shards
from bot.metrics import POSTS_SENT
from bot.study.shards import Shards


@dataclass(frozen=True, slots=True)
class ScheduleSpec:
    """What an admin sets with ``/qotd setup``."""

    guild_id: int
    channel_id: int
    local_time: str
    timezone: str
    days: int
    bank: str
    role_id: int | None = None
    reveal_after_min: int | None = None
    thread: bool = False
    # how questions are asked: 'auto', 'choice', 'recall' or 'discussion' (no answers)
    format: str = "auto"


@dataclass(frozen=True, slots=True)
class Schedule:
    id: int
    guild_id: int
    channel_id: int
    local_time: str
    timezone: str
    days: int
    role_id: int | None
    bank: str
    reveal_after_min: int | None
    thread: bool
    paused: bool
    next_due: int
    error: str | None
    notice: str | None
    format: str = "auto"


@dataclass(frozen=True, slots=True)
class Post:
    id: int
    guild_id: int
    channel_id: int
    schedule_id: int | None
    local_date: str
    bank: str
    question_id: str
    nonce: str
    state: str
    message_id: int | None
    thread_id: int | None
    claimed_at: int
    posted_at: int | None
    reveal_at: int
    item: str | None = None  # the item asked, as JSON (bot.items.model.Item.dumps)
    discussion: bool = False  # posted for discussion only: no answers, the thread is the point


def _schedule(row: Row) -> Schedule:
    return Schedule(
        id=row["id"],
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        local_time=row["local_time"],
        timezone=row["timezone"],
        days=row["days"],
        role_id=row["role_id"],
        bank=row["bank"],
        reveal_after_min=row["reveal_after_min"],
        thread=bool(row["thread"]),
        paused=bool(row["paused"]),
        next_due=row["next_due"],
        error=row["error"],
        notice=row["notice"],
        format=row["format"],
    )


def _post(row: Row) -> Post:
    return _post_of({k: row[k] for k in row.keys()})  # noqa: SIM118 - Row


def _post_of(values: dict[str, object]) -> Post:
    values["discussion"] = bool(values.get("discussion"))
    return Post(**values)  # type: ignore[arg-type]


async def save_schedule(
    db: Database, spec: ScheduleSpec, next_due: int, now: int, *, keep_paused: bool = False
) -> Schedule:
    """Create the channel's schedule or update it; clears a previous error, and the pause unless
    ``keep_paused``."""

    def tx(conn: Connection) -> Schedule:
        rows = conn.execute(
            "INSERT INTO schedules (guild_id, channel_id, local_time, timezone, days, role_id, "
            "bank, reveal_after_min, thread, format, next_due, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (channel_id) DO UPDATE SET local_time = excluded.local_time, "
            "timezone = excluded.timezone, days = excluded.days, role_id = excluded.role_id, "
            "bank = excluded.bank, reveal_after_min = excluded.reveal_after_min, "
            "thread = excluded.thread, format = excluded.format, next_due = excluded.next_due, "
            "paused = CASE WHEN ? = 1 THEN schedules.paused ELSE 0 END, "
            "error = NULL, notice = NULL, updated_at = excluded.updated_at "
            "WHERE schedules.guild_id = excluded.guild_id RETURNING *",
            (
                spec.guild_id,
                spec.channel_id,
                spec.local_time,
                spec.timezone,
                spec.days,
                spec.role_id,
                spec.bank,
                spec.reveal_after_min,
                int(spec.thread),
                spec.format,
                next_due,
                now,
                now,
                int(keep_paused),
            ),
        ).fetchall()
        if not rows:
            raise ValueError(f"channel {spec.channel_id} has a schedule in another server")
        return _schedule(list(rows)[0])

    return await db.write(tx)


async def get_schedule(db: Database, guild_id: int, channel_id: int) -> Schedule | None:
    row = await db.fetchone(
        "SELECT * FROM schedules WHERE guild_id = ? AND channel_id = ?", (guild_id, channel_id)
    )
    return _schedule(row) if row else None


async def schedule_by_id(db: Database, schedule_id: int) -> Schedule | None:
    row = await db.fetchone("SELECT * FROM schedules WHERE id = ?", (schedule_id,))
    return _schedule(row) if row else None


async def guild_schedules(db: Database, guild_id: int) -> list[Schedule]:
    rows = await db.fetchall(
        "SELECT * FROM schedules WHERE guild_id = ? ORDER BY channel_id", (guild_id,)
    )
    return [_schedule(r) for r in rows]


async def due_schedules(
    db: Database, now: int, limit: int = 1000, shards: Shards | None = None
) -> list[Schedule]:
    """Schedules due at ``now``, of the servers on ``shards`` (all servers when None)."""
    mine, params = on_shards(shards)
    rows = await db.fetchall(
        "SELECT * FROM schedules WHERE next_due <= ? AND paused = 0 AND error IS NULL"  # noqa: S608 - fixed text and bound ids
        f"{mine} ORDER BY next_due, id LIMIT ?",
        (now, *params, limit),
    )
    return [_schedule(r) for r in rows]


async def set_paused(
    db: Database, guild_id: int, channel_id: int, paused: bool, next_due: int | None = None
) -> bool:
    if next_due is None:
        changed = await db.execute(
            "UPDATE schedules SET paused = ? WHERE guild_id = ? AND channel_id = ?",
            (int(paused), guild_id, channel_id),
        )
    else:
        changed = await db.execute(
            "UPDATE schedules SET paused = ?, next_due = ?, error = NULL "
            "WHERE guild_id = ? AND channel_id = ?",
            (int(paused), next_due, guild_id, channel_id),
        )
    return changed > 0


async def remove_schedule(db: Database, guild_id: int, channel_id: int) -> bool:
    return (
        await db.execute(
            "DELETE FROM schedules WHERE guild_id = ? AND channel_id = ?", (guild_id, channel_id)
        )
        > 0
    )


async def set_schedule_error(db: Database, schedule_id: int, error: str | None) -> bool:
    """Mark why posting stopped; returns False when that error was already recorded."""
    return (
        await db.execute(
            "UPDATE schedules SET error = ?1 WHERE id = ?2 AND ((error IS NULL) <> "
            "(CAST(?1 AS TEXT) IS NULL) OR error <> ?1)",  # IS DISTINCT FROM, in SQLite < 3.39
            (error, schedule_id),
        )
        > 0
    )


async def set_schedule_notice(db: Database, schedule_id: int, notice: str) -> None:
    """A note for /qotd status (a skipped post, ...); the schedule goes on."""
    await db.execute("UPDATE schedules SET notice = ? WHERE id = ?", (notice, schedule_id))


async def move_schedule(
    db: Database, schedule_id: int, next_due: int, notice: str | None = None
) -> None:
    await db.execute(
        "UPDATE schedules SET next_due = ?, notice = coalesce(?, notice) WHERE id = ?",
        (next_due, notice, schedule_id),
    )


@dataclass(frozen=True, slots=True)
class Rotation:
    """Where a channel is in its rotation: the current cycle and the questions asked in it, and
    per cycle (this one or the next) the questions moved to its end, in the order moved."""

    cycle: int
    used: frozenset[str]
    deferred: Mapping[int, tuple[str, ...]] = field(default_factory=dict)


async def channel_rotation(db: Database, channel_id: int) -> Rotation:
    """The channel's rotation, whichever schedules served it (kept when one is removed)."""
    rows = await db.fetchall(
        "SELECT cycle, question_id FROM channel_used WHERE channel_id = ?1 AND cycle = "
        "(SELECT max(cycle) FROM channel_used WHERE channel_id = ?1)",
        (channel_id,),
    )
    cycle = rows[0][0] if rows else 1
    moved = await db.fetchall(
        "SELECT cycle, question_id FROM channel_deferred WHERE channel_id = ? AND cycle >= ? "
        "ORDER BY cycle, position",
        (channel_id, cycle),
    )
    deferred: dict[int, tuple[str, ...]] = {}
    for row in moved:
        deferred[row[0]] = (*deferred.get(row[0], ()), row[1])
    return Rotation(cycle, frozenset(r[1] for r in rows), deferred)


def _defer(conn: Connection, channel_id: int, cycle: int, question_id: str) -> None:
    conn.execute(
        "INSERT INTO channel_deferred (channel_id, cycle, question_id, position) "
        "VALUES (?1, ?2, ?3, (SELECT coalesce(max(position), 0) + 1 FROM channel_deferred "
        "WHERE channel_id = ?1 AND cycle = ?2)) "
        "ON CONFLICT (channel_id, cycle, question_id) DO UPDATE SET position = excluded.position",
        (channel_id, cycle, question_id),
    )


async def defer_question(db: Database, channel_id: int, cycle: int, question_id: str) -> None:
    """Move a question to the end of the channel's ``cycle``: asked after every other one."""
    await db.write(lambda conn: _defer(conn, channel_id, cycle, question_id))


@dataclass(frozen=True, slots=True)
class Claim:
    schedule_id: int
    guild_id: int
    channel_id: int
    local_date: str
    bank: str
    question_id: str
    nonce: str
    cycle: int
    reveal_at: int
    next_due: int
    item: str | None = None  # the item the post asks, as JSON
    discussion: bool = False


async def claim_post(db: Database, claim: Claim, now: int) -> Post | None:
    """Claim (channel, local date) and its question, and move the schedule on, atomically.

    Returns None when that date was already claimed in the channel, by this schedule or by one
    removed since: a channel never gets two posts of one date.
    """

    def tx(conn: Connection) -> Post | None:
        rows = list(
            conn.execute(
                "INSERT INTO posts (guild_id, channel_id, schedule_id, local_date, bank, "
                "question_id, nonce, claimed_at, reveal_at, item, discussion) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING *",
                (
                    claim.guild_id,
                    claim.channel_id,
                    claim.schedule_id,
                    claim.local_date,
                    claim.bank,
                    claim.question_id,
                    claim.nonce,
                    now,
                    claim.reveal_at,
                    claim.item,
                    int(claim.discussion),
                ),
            ).fetchall()
        )
        conn.execute(
            "UPDATE schedules SET next_due = ?1 WHERE id = ?2 AND next_due < ?1",
            (claim.next_due, claim.schedule_id),
        )
        if not rows:
            return None
        conn.execute(
            "INSERT INTO channel_used (channel_id, cycle, question_id) VALUES (?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            (claim.channel_id, claim.cycle, claim.question_id),
        )
        return _post(rows[0])

    return await db.write(tx)


async def confirm_post(db: Database, post_id: int, message_id: int, now: int) -> None:
    """The claimed post was sent as ``message_id`` (its thread, if any, is set after)."""
    if await db.execute(
        "UPDATE posts SET state = 'posted', message_id = ?, posted_at = ? "
        "WHERE id = ? AND state = 'claimed'",
        (message_id, now, post_id),
    ):
        POSTS_SENT.inc()


async def set_post_item(db: Database, post_id: int, item: str) -> None:
    """Store the item of a post claimed without one (by an older version), before it is sent."""
    await db.execute(
        "UPDATE posts SET item = ? WHERE id = ? AND item IS NULL AND state = 'claimed'",
        (item, post_id),
    )


async def set_post_thread(db: Database, post_id: int, thread_id: int) -> None:
    await db.execute("UPDATE posts SET thread_id = ? WHERE id = ?", (thread_id, post_id))


async def release_claim(db: Database, post_id: int, *, keep_question: bool = False) -> None:
    """Undo a claim whose message could not be sent, so the date can be posted later.

    ``keep_question``: the question stays asked in the channel's rotation (it could not be shown:
    the next post moves on to another one)."""

    def tx(conn: Connection) -> None:
        rows = list(
            conn.execute(
                "DELETE FROM posts WHERE id = ? AND state = 'claimed' "
                "RETURNING channel_id, question_id",
                (post_id,),
            ).fetchall()
        )
        if rows and not keep_question:
            conn.execute(
                "DELETE FROM channel_used WHERE channel_id = ?1 AND question_id = ?2 AND cycle = "
                "(SELECT max(cycle) FROM channel_used WHERE channel_id = ?1)",
                (rows[0][0], rows[0][1]),
            )

    await db.write(tx)


async def mark_revealed(db: Database, post_id: int) -> bool:
    """Close a post; its answers reach the boards in the same transaction."""

    def tx(conn: Connection) -> bool:
        closed = conn.execute(
            "UPDATE posts SET state = 'revealed' WHERE id = ? AND state = 'posted'", (post_id,)
        ).rowcount
        count_open_answers(conn, post_id)
        return closed > 0

    return await db.write(tx)


async def get_post(db: Database, post_id: int) -> Post | None:
    row = await db.fetchone("SELECT * FROM posts WHERE id = ?", (post_id,))
    return _post(row) if row else None


async def channel_post_on(db: Database, channel_id: int, local_date: str) -> Post | None:
    """The channel's post of a local date, whichever schedule made it."""
    row = await db.fetchone(
        "SELECT * FROM posts WHERE channel_id = ? AND local_date = ? "
        "AND state NOT IN ('failed', 'replaced')",
        (channel_id, local_date),
    )
    return _post(row) if row else None


async def posts_to_reveal(
    db: Database, now: int, limit: int = 500, shards: Shards | None = None
) -> list[Post]:
    """Open posts whose reveal is due, of the servers on ``shards`` (all servers when None)."""
    mine, params = on_shards(shards)
    rows = await db.fetchall(
        "SELECT * FROM posts WHERE state = 'posted' AND reveal_at <= ?"  # noqa: S608 - fixed text and bound ids
        f"{mine} ORDER BY reveal_at LIMIT ?",
        (now, *params, limit),
    )
    return [_post(r) for r in rows]


async def unconfirmed_posts(db: Database, shards: Shards | None = None) -> list[Post]:
    """Claims not confirmed yet, of the servers on ``shards`` (all servers when None)."""
    mine, params = on_shards(shards)
    rows = await db.fetchall(
        f"SELECT * FROM posts WHERE state = 'claimed'{mine} ORDER BY claimed_at",  # noqa: S608 - fixed text and bound ids
        params,
    )
    return [_post(r) for r in rows]


async def replace_post(db: Database, post_id: int) -> bool:
    """Close an open post for a replacement of its date, atomically: its answers reach the boards
    (they keep their points), its date is left to the replacement, and its question goes back to
    the end of the channel's cycle. False when it was not open any more (revealed meanwhile)."""

    def tx(conn: Connection) -> bool:
        rows = list(
            conn.execute(
                "UPDATE posts SET state = 'replaced', schedule_id = NULL "
                "WHERE id = ? AND state = 'posted' RETURNING channel_id, question_id",
                (post_id,),
            ).fetchall()
        )
        if not rows:
            return False
        channel_id, question_id = rows[0]
        count_open_answers(conn, post_id)
        cycles = list(
            conn.execute(
                "DELETE FROM channel_used WHERE channel_id = ?1 AND question_id = ?2 AND cycle = "
                "(SELECT max(cycle) FROM channel_used WHERE channel_id = ?1) RETURNING cycle",
                (channel_id, question_id),
            ).fetchall()
        )
        if cycles:
            _defer(conn, channel_id, cycles[0][0], question_id)
        return True

    return await db.write(tx)


async def open_post(db: Database, channel_id: int) -> Post | None:
    """The channel's newest post still open for answers."""
    row = await db.fetchone(
        "SELECT * FROM posts WHERE channel_id = ? AND state = 'posted' "
        "ORDER BY local_date DESC, id DESC LIMIT 1",
        (channel_id,),
    )
    return _post(row) if row else None


@dataclass(frozen=True, slots=True)
class ArchivedPost:
    """A revealed post with what members did with it."""

    post: Post
    answered: int
    right: int
    grades: tuple[int, int, int, int]  # self-grades Again, Hard, Good, Easy


def _archive_where(channel_id: int | None) -> tuple[str, tuple[int, ...]]:
    """Revealed posts of one channel, or of every channel of the server (the web page)."""
    if channel_id is None:
        return "p.guild_id = ? AND p.state = 'revealed'", ()
    return "p.channel_id = ? AND p.state = 'revealed' AND p.guild_id = ?", (channel_id,)


async def count_archived(db: Database, guild_id: int, channel_id: int | None) -> int:
    where, channel = _archive_where(channel_id)
    return int(
        await db.scalar(f"SELECT count(*) FROM posts p WHERE {where}", (*channel, guild_id))  # noqa: S608 - fixed text
    )


async def archived_posts(
    db: Database, guild_id: int, channel_id: int | None, *, limit: int, offset: int
) -> list[ArchivedPost]:
    """Revealed posts (of the channel, or with None of the whole server), newest first, with
    their answer and self-grade counts."""
    where, channel = _archive_where(channel_id)
    rows = await db.fetchall(
        "SELECT p.*, "  # noqa: S608 - ``where`` is one of two fixed texts
        "(SELECT count(*) FROM answers a WHERE a.post_id = p.id) AS n_answered, "
        "(SELECT count(*) FROM answers a WHERE a.post_id = p.id AND a.correct = 1) AS n_right, "
        "(SELECT count(*) FROM self_grades g WHERE g.post_id = p.id AND g.grade = 1) AS g1, "
        "(SELECT count(*) FROM self_grades g WHERE g.post_id = p.id AND g.grade = 2) AS g2, "
        "(SELECT count(*) FROM self_grades g WHERE g.post_id = p.id AND g.grade = 3) AS g3, "
        "(SELECT count(*) FROM self_grades g WHERE g.post_id = p.id AND g.grade = 4) AS g4 "
        f"FROM posts p WHERE {where} "
        "ORDER BY p.local_date DESC, p.id DESC LIMIT ? OFFSET ?",
        (*channel, guild_id, limit, offset),
    )
    stats = ("n_answered", "n_right", "g1", "g2", "g3", "g4")
    return [
        ArchivedPost(
            _post_of({k: r[k] for k in r.keys() if k not in stats}),  # noqa: SIM118 - Row
            r["n_answered"],
            r["n_right"],
            (r["g1"], r["g2"], r["g3"], r["g4"]),
        )
        for r in rows
    ]


async def replaced_messages(db: Database, channel_id: int, local_date: str) -> list[int]:
    """The messages of the channel's posts of a date that were replaced, oldest first."""
    rows = await db.fetchall(
        "SELECT message_id FROM posts WHERE channel_id = ? AND local_date = ? "
        "AND state = 'replaced' ORDER BY id",
        (channel_id, local_date),
    )
    return [r[0] for r in rows]
