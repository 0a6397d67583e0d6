"""Moving a member's streak on, inside the transaction of what earned the day: an answer to
a question of the day, a self-grade of one, or a review."""

from __future__ import annotations

from bot.db.engine import Connection
from bot.study.streaks import Streak, advance


def advance_streak(
    conn: Connection, guild_id: int, user_id: int, local_date: str | None
) -> Streak | None:
    """Move the member's streak on for answering (or self-grading) the post of ``local_date``."""
    if local_date is None:
        return None
    rows = list(
        conn.execute(
            "SELECT current, best, last_date, EXISTS (SELECT 1 FROM posts p "
            "WHERE p.guild_id = s.guild_id AND p.local_date > s.last_date "
            "AND p.local_date < ? AND p.state IN ('posted', 'revealed') AND p.discussion = 0) "
            "AS missed "
            "FROM streaks s WHERE guild_id = ? AND user_id = ?",
            (local_date, guild_id, user_id),
        ).fetchall()
    )
    previous = Streak(*rows[0][:3]) if rows else None
    streak = advance(previous, local_date, bool(rows and rows[0]["missed"]))
    if streak != previous:
        conn.execute(
            "INSERT INTO streaks (guild_id, user_id, current, best, last_date) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (guild_id, user_id) DO UPDATE SET "
            "current = excluded.current, best = excluded.best, last_date = excluded.last_date",
            (guild_id, user_id, streak.current, streak.best, streak.last_date),
        )
    return streak
