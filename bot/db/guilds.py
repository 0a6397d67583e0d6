"""Per-server settings."""

from __future__ import annotations

from bot.db.database import Database

DEFAULT_TIMEZONE = "UTC"


async def guild_timezone(db: Database, guild_id: int) -> str:
    value = await db.scalar("SELECT timezone FROM guild_settings WHERE guild_id = ?", (guild_id,))
    return str(value) if value else DEFAULT_TIMEZONE


async def set_guild_timezone(
    db: Database, guild_id: int, timezone: str, now: int, *, only_if_unset: bool = False
) -> None:
    """Set the zone used for leaderboard periods and streak days."""
    if only_if_unset:
        await db.execute(
            "INSERT OR IGNORE INTO guild_settings (guild_id, timezone, updated_at) "
            "VALUES (?, ?, ?)",
            (guild_id, timezone, now),
        )
    else:
        await db.execute(
            "INSERT INTO guild_settings (guild_id, timezone, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (guild_id) DO UPDATE SET timezone = excluded.timezone, "
            "updated_at = excluded.updated_at",
            (guild_id, timezone, now),
        )
