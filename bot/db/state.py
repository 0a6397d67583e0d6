"""Small facts the bot keeps about itself (e.g. the hash of the last synced command list)."""

from __future__ import annotations

from bot.db.database import Database


async def get_state(db: Database, key: str) -> str | None:
    value = await db.scalar("SELECT value FROM bot_state WHERE key = ?", (key,))
    return str(value) if value is not None else None


async def set_state(db: Database, key: str, value: str) -> None:
    await db.execute(
        "INSERT INTO bot_state (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )
