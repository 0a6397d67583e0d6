"""Members' suggested questions and problem reports, and the outcomes owed to their authors.

A suggestion or a report is decided once: the decision is one conditional UPDATE of a pending
row, so of two reviewers clicking at once exactly one decides and the other is told.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Literal

from bot.bank.model import Question
from bot.db.database import Database
from bot.db.engine import CONSTRAINT_ERRORS, Connection, Row

DAILY_SUGGESTIONS = 5  # per member, per server, per the server's day

SuggestionStatus = Literal["pending", "approved", "rejected"]
ReportStatus = Literal["open", "edited", "retired", "dismissed"]
ReportReason = Literal["wrong", "unclear", "typo", "other"]
REPORT_REASONS: tuple[ReportReason, ...] = ("wrong", "unclear", "typo", "other")

# Where a "Report a problem" button was shown: its custom_id names a row of one of these, and
# the question is read from that row, never from the client.
ReportSource = Literal["post", "quiz", "card"]
_SOURCE_SQL: dict[str, str] = {
    "post": "SELECT guild_id, bank, question_id FROM posts WHERE id = ?",
    "quiz": "SELECT s.guild_id, s.bank, q.question_id FROM quiz_questions q "
    "JOIN quiz_sessions s ON s.id = q.session_id WHERE q.id = ?",
    "card": "SELECT guild_id, bank, question_id, user_id FROM cards WHERE id = ?",
}


class DailyCapReached(Exception):
    def __init__(self, cap: int) -> None:
        super().__init__(f"{cap} suggestions today already")
        self.cap = cap


@dataclass(frozen=True, slots=True)
class Suggestion:
    id: int
    guild_id: int
    user_id: int
    bank: str
    question: Question
    local_date: str
    status: SuggestionStatus
    reason: str | None
    decided_by: int | None
    review_channel_id: int | None
    review_message_id: int | None


@dataclass(frozen=True, slots=True)
class Report:
    id: int
    guild_id: int
    user_id: int
    bank: str
    question_id: str
    reason: ReportReason
    note: str
    status: ReportStatus
    decided_by: int | None
    review_channel_id: int | None
    review_message_id: int | None


@dataclass(frozen=True, slots=True)
class ReportedQuestion:
    """The question a report button was shown with, as the server's own rows say."""

    guild_id: int
    bank: str
    question_id: str
    owner: int | None = None  # the member whose review card it is; None for shared rows


def _question_json(question: Question) -> str:
    return json.dumps(question.to_json(), ensure_ascii=False)


def _suggestion(row: Row) -> Suggestion:
    return Suggestion(
        id=row["id"],
        guild_id=row["guild_id"],
        user_id=row["user_id"],
        bank=row["bank"],
        question=Question.from_json(json.loads(row["question"]), f"suggestion {row['id']}"),
        local_date=row["local_date"],
        status=row["status"],
        reason=row["reason"],
        decided_by=row["decided_by"],
        review_channel_id=row["review_channel_id"],
        review_message_id=row["review_message_id"],
    )


def _report(row: Row) -> Report:
    return Report(
        id=row["id"],
        guild_id=row["guild_id"],
        user_id=row["user_id"],
        bank=row["bank"],
        question_id=row["question_id"],
        reason=row["reason"],
        note=row["note"],
        status=row["status"],
        decided_by=row["decided_by"],
        review_channel_id=row["review_channel_id"],
        review_message_id=row["review_message_id"],
    )


# --- suggestions ------------------------------------------------------------------------------


async def add_suggestion(
    db: Database,
    guild_id: int,
    user_id: int,
    bank: str,
    question: Question,
    *,
    local_date: str,
    now: int,
    cap: int = DAILY_SUGGESTIONS,
) -> Suggestion:
    """Store a pending suggestion; raises :class:`DailyCapReached` when the member has made
    ``cap`` on ``local_date`` already (counted in the transaction that would pass it)."""

    def tx(conn: Connection) -> int:
        made = conn.execute(
            "SELECT count(*) FROM suggestions WHERE guild_id = ? AND user_id = ? "
            "AND local_date = ?",
            (guild_id, user_id, local_date),
        ).fetchone()[0]
        if made >= cap:
            raise DailyCapReached(cap)
        cursor = conn.execute(
            "INSERT INTO suggestions (guild_id, user_id, bank, question, local_date, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            (guild_id, user_id, bank, _question_json(question), local_date, now),
        )
        return int(cursor.fetchone()[0])

    row_id = await db.write(tx)
    found = await get_suggestion(db, row_id)
    assert found is not None
    return found


async def delete_suggestion(db: Database, suggestion_id: int) -> None:
    """Forget a suggestion that never reached the review channel: it does not count."""
    await db.execute(
        "DELETE FROM suggestions WHERE id = ? AND review_message_id IS NULL", (suggestion_id,)
    )


async def suggestions_on(db: Database, guild_id: int, user_id: int, local_date: str) -> int:
    return int(
        await db.scalar(
            "SELECT count(*) FROM suggestions WHERE guild_id = ? AND user_id = ? "
            "AND local_date = ?",
            (guild_id, user_id, local_date),
        )
    )


async def get_suggestion(db: Database, suggestion_id: int) -> Suggestion | None:
    row = await db.fetchone("SELECT * FROM suggestions WHERE id = ?", (suggestion_id,))
    return _suggestion(row) if row else None


async def set_suggestion_message(
    db: Database, suggestion_id: int, channel_id: int, message_id: int
) -> None:
    await db.execute(
        "UPDATE suggestions SET review_channel_id = ?, review_message_id = ? WHERE id = ?",
        (channel_id, message_id, suggestion_id),
    )


async def approve_suggestion(
    db: Database, suggestion_id: int, question: Question, *, by: int, now: int
) -> bool:
    """Mark a pending suggestion approved as ``question`` (the suggested one, or an edit of
    it); False when it was no longer pending."""
    return (
        await db.execute(
            "UPDATE suggestions SET status = 'approved', question = ?, decided_by = ?, "
            "decided_at = ? WHERE id = ? AND status = 'pending'",
            (_question_json(question), by, now, suggestion_id),
        )
        > 0
    )


async def reject_suggestion(
    db: Database, suggestion_id: int, reason: str | None, *, by: int, now: int
) -> bool:
    return (
        await db.execute(
            "UPDATE suggestions SET status = 'rejected', reason = ?, decided_by = ?, "
            "decided_at = ? WHERE id = ? AND status = 'pending'",
            (reason or None, by, now, suggestion_id),
        )
        > 0
    )


async def reopen_suggestion(db: Database, suggestion: Suggestion) -> None:
    """Undo an approval whose question could not be saved: pending again, as suggested."""
    await db.execute(
        "UPDATE suggestions SET status = 'pending', question = ?, decided_by = NULL, "
        "decided_at = NULL WHERE id = ?",
        (_question_json(suggestion.question), suggestion.id),
    )


async def contributed(db: Database, guild_id: int, user_id: int) -> int:
    """How many of the member's suggestions were approved in this server."""
    return int(
        await db.scalar(
            "SELECT count(*) FROM suggestions WHERE guild_id = ? AND user_id = ? "
            "AND status = 'approved'",
            (guild_id, user_id),
        )
    )


# --- reports ----------------------------------------------------------------------------------


async def reported_question(db: Database, source: str, row_id: int) -> ReportedQuestion | None:
    """The question shown with the row ``row_id`` of ``source`` (a post, a quiz question, a
    review card); None for a row that does not exist or a source that is not one."""
    sql = _SOURCE_SQL.get(source)
    found = await db.fetchone(sql, (row_id,)) if sql else None
    if found is None:
        return None
    owner = found["user_id"] if source == "card" else None
    return ReportedQuestion(found[0], found[1], found[2], owner)


async def add_report(
    db: Database,
    guild_id: int,
    user_id: int,
    bank: str,
    question_id: str,
    reason: ReportReason,
    note: str,
    *,
    now: int,
) -> Report | None:
    """Store an open report; None when the member already has one open on this question."""
    try:
        row_id = await db.write(
            lambda conn: conn.execute(
                "INSERT INTO reports (guild_id, user_id, bank, question_id, reason, note, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (guild_id, user_id, bank, question_id, reason, note, now),
            ).fetchone()[0]
        )
    except CONSTRAINT_ERRORS:
        return None
    return await get_report(db, int(row_id or 0))


async def get_report(db: Database, report_id: int) -> Report | None:
    row = await db.fetchone("SELECT * FROM reports WHERE id = ?", (report_id,))
    return _report(row) if row else None


async def set_report_message(
    db: Database, report_id: int, channel_id: int, message_id: int
) -> None:
    await db.execute(
        "UPDATE reports SET review_channel_id = ?, review_message_id = ? WHERE id = ?",
        (channel_id, message_id, report_id),
    )


async def decide_report(
    db: Database, report_id: int, status: ReportStatus, *, by: int, now: int
) -> bool:
    """Close an open report as ``status``; False when it was no longer open."""
    return (
        await db.execute(
            "UPDATE reports SET status = ?, decided_by = ?, decided_at = ? "
            "WHERE id = ? AND status = 'open'",
            (status, by, now, report_id),
        )
        > 0
    )


async def reopen_report(db: Database, report_id: int) -> None:
    await db.execute(
        "UPDATE reports SET status = 'open', decided_by = NULL, decided_at = NULL WHERE id = ?",
        (report_id,),
    )


async def delete_report(db: Database, report_id: int) -> None:
    """Forget a report that never reached the review channel, so the member may report again."""
    await db.execute("DELETE FROM reports WHERE id = ? AND review_message_id IS NULL", (report_id,))


# --- outcomes owed to members whose direct messages are closed --------------------------------


async def add_notice(db: Database, guild_id: int, user_id: int, text: str, *, now: int) -> None:
    await db.execute(
        "INSERT INTO outcome_notices (guild_id, user_id, text, created_at) VALUES (?, ?, ?, ?)",
        (guild_id, user_id, text, now),
    )


async def take_notices(db: Database, guild_id: int, user_id: int) -> list[str]:
    """The member's undelivered outcomes in this server, oldest first; each is given once."""
    if not await db.scalar(
        "SELECT 1 FROM outcome_notices WHERE guild_id = ? AND user_id = ? LIMIT 1",
        (guild_id, user_id),
    ):
        return []  # the common case reads, and leaves the writer alone

    def tx(conn: Connection) -> list[str]:
        rows = conn.execute(
            "DELETE FROM outcome_notices WHERE guild_id = ? AND user_id = ? RETURNING id, text",
            (guild_id, user_id),
        ).fetchall()
        return [text for _, text in sorted((row[0], row[1]) for row in rows)]

    return await db.write(tx)


async def forget_contributor(db: Database, guild_id: int, user_id: int) -> int:
    """Delete a member's suggestions, reports and notices in a server; returns how many
    suggestions and reports. Approved questions stay in their banks, no longer credited."""

    def tx(conn: Connection) -> int:
        deleted = 0
        for table in ("suggestions", "reports", "outcome_notices"):
            cursor = conn.execute(
                f"DELETE FROM {table} WHERE guild_id = ? AND user_id = ?",  # noqa: S608
                (guild_id, user_id),
            )
            if table != "outcome_notices":
                deleted += cursor.rowcount
        return deleted

    return await db.write(tx)
