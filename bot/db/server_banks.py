"""Banks owned by a server: stored here, served by the bank library beside the operator's.

Every change is one transaction: a bank is replaced whole or not at all, and the limit on a
server's questions is checked inside the transaction that would pass it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from bot.bank.model import Bank, Question
from bot.db.database import Database
from bot.db.engine import Connection, Row

MAX_SERVER_QUESTIONS = 5000


def bank_key(guild_id: int, slug: str) -> str:
    """The library's key of a server's bank (never a file stem: those have no ':')."""
    return f"{guild_id}:{slug}"


class TooManyQuestions(Exception):
    def __init__(self, total: int, limit: int) -> None:
        super().__init__(f"{total} questions, over the limit of {limit}")
        self.total = total
        self.limit = limit


@dataclass(frozen=True, slots=True)
class StoredBank:
    guild_id: int
    slug: str
    name: str
    source: str | None
    questions: list[Question]

    def bank(self) -> Bank:
        return Bank(
            key=bank_key(self.guild_id, self.slug),
            name=self.name,
            questions=self.questions,
            owner=self.guild_id,
        )


def _question(row: Row) -> Question:
    return Question.from_json(json.loads(row["question"]), f"{row['bank']}#{row['position']}")


def _count_others(conn: Connection, guild_id: int, slug: str) -> int:
    return int(
        conn.execute(
            "SELECT count(*) FROM server_questions WHERE guild_id = ? AND bank != ?",
            (guild_id, slug),
        ).fetchone()[0]
    )


def _upsert_bank(
    conn: Connection,
    guild_id: int,
    slug: str,
    name: str | None,
    source: str | None,
    user_id: int | None,
    now: int,
) -> None:
    conn.execute(
        "INSERT INTO server_banks (guild_id, slug, name, source, updated_by, updated_at) "
        "VALUES (?, ?, coalesce(?, ?), ?, ?, ?) ON CONFLICT (guild_id, slug) DO UPDATE SET "
        "name = coalesce(?, server_banks.name), "
        "source = coalesce(excluded.source, server_banks.source), "
        "updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        (guild_id, slug, name, slug, source, user_id, now, name),
    )


async def all_server_banks(db: Database) -> list[StoredBank]:
    """Every server's banks, for the library at start-up."""
    banks = await db.fetchall("SELECT * FROM server_banks ORDER BY guild_id, slug")
    rows = await db.fetchall(
        "SELECT guild_id, bank, position, question FROM server_questions "
        "ORDER BY guild_id, bank, position"
    )
    questions: dict[tuple[int, str], list[Question]] = {}
    for row in rows:
        questions.setdefault((row["guild_id"], row["bank"]), []).append(_question(row))
    return [
        StoredBank(
            b["guild_id"],
            b["slug"],
            b["name"],
            b["source"],
            questions.get((b["guild_id"], b["slug"]), []),
        )
        for b in banks
    ]


async def server_bank(db: Database, guild_id: int, slug: str) -> StoredBank | None:
    found = await db.fetchone(
        "SELECT * FROM server_banks WHERE guild_id = ? AND slug = ?", (guild_id, slug)
    )
    if found is None:
        return None
    rows = await db.fetchall(
        "SELECT bank, position, question FROM server_questions WHERE guild_id = ? AND bank = ? "
        "ORDER BY position",
        (guild_id, slug),
    )
    return StoredBank(guild_id, slug, found["name"], found["source"], [_question(r) for r in rows])


async def server_question_count(db: Database, guild_id: int) -> int:
    return int(
        await db.scalar("SELECT count(*) FROM server_questions WHERE guild_id = ?", (guild_id,))
    )


async def save_bank(
    db: Database,
    guild_id: int,
    slug: str,
    name: str,
    questions: Sequence[Question],
    *,
    source: str | None,
    user_id: int | None,
    now: int,
    limit: int = MAX_SERVER_QUESTIONS,
) -> None:
    """Create or replace a server's bank with ``questions``, all or nothing.

    Raises :class:`TooManyQuestions` when the server would hold more than ``limit`` questions.
    """
    payload = [(q.id, json.dumps(q.to_json(), ensure_ascii=False)) for q in questions]

    def tx(conn: Connection) -> None:
        total = _count_others(conn, guild_id, slug) + len(payload)
        if total > limit:
            raise TooManyQuestions(total, limit)
        _upsert_bank(conn, guild_id, slug, name, source, user_id, now)
        conn.execute(
            "DELETE FROM server_questions WHERE guild_id = ? AND bank = ?", (guild_id, slug)
        )
        conn.executemany(
            "INSERT INTO server_questions (guild_id, bank, id, position, question) "
            "VALUES (?, ?, ?, ?, ?)",
            [(guild_id, slug, qid, i, data) for i, (qid, data) in enumerate(payload)],
        )

    await db.write(tx)


async def put_question(
    db: Database,
    guild_id: int,
    slug: str,
    question: Question,
    *,
    user_id: int | None,
    now: int,
    limit: int = MAX_SERVER_QUESTIONS,
    name: str | None = None,
) -> bool:
    """Add ``question`` to a server's bank (made, called ``name``, if it does not exist), or
    replace the question of the same id in place. True when it was added, False when it
    replaced one."""
    data = json.dumps(question.to_json(), ensure_ascii=False)

    def tx(conn: Connection) -> bool:
        conn.execute(
            "INSERT INTO server_banks (guild_id, slug, name, updated_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (guild_id, slug, name or slug, now),
        )
        _upsert_bank(conn, guild_id, slug, None, None, user_id, now)
        changed = conn.execute(
            "UPDATE server_questions SET question = ? WHERE guild_id = ? AND bank = ? AND id = ?",
            (data, guild_id, slug, question.id),
        ).rowcount
        if changed:
            return False
        total = int(
            conn.execute(
                "SELECT count(*) FROM server_questions WHERE guild_id = ?", (guild_id,)
            ).fetchone()[0]
        )
        if total + 1 > limit:
            raise TooManyQuestions(total + 1, limit)
        conn.execute(
            "INSERT INTO server_questions (guild_id, bank, id, position, question) "
            "SELECT ?, ?, ?, coalesce(max(position) + 1, 0), ? FROM server_questions "
            "WHERE guild_id = ? AND bank = ?",
            (guild_id, slug, question.id, data, guild_id, slug),
        )
        return True

    return await db.write(tx)


async def delete_question(db: Database, guild_id: int, slug: str, question_id: str) -> bool:
    return (
        await db.execute(
            "DELETE FROM server_questions WHERE guild_id = ? AND bank = ? AND id = ?",
            (guild_id, slug, question_id),
        )
        > 0
    )


async def delete_bank(db: Database, guild_id: int, slug: str) -> bool:
    def tx(conn: Connection) -> bool:
        conn.execute(
            "DELETE FROM server_questions WHERE guild_id = ? AND bank = ?", (guild_id, slug)
        )
        return (
            conn.execute(
                "DELETE FROM server_banks WHERE guild_id = ? AND slug = ?", (guild_id, slug)
            ).rowcount
            > 0
        )

    return await db.write(tx)
