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
            "INSERT INTO guild_settings (guild_id, timezone, updated_at) "
            "VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            (guild_id, timezone, now),
        )
    else:
        await db.execute(
            "INSERT INTO guild_settings (guild_id, timezone, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (guild_id) DO UPDATE SET timezone = excluded.timezone, "
            "updated_at = excluded.updated_at",
            (guild_id, timezone, now),
        )


class GuildZones:
    """The zone of each server, read once and kept: every answer needs it, it rarely changes,
    and it changes only through :meth:`set` (so the copy here is never stale)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._zones: dict[int, str] = {}

    async def get(self, guild_id: int) -> str:
        zone = self._zones.get(guild_id)
        if zone is None:
            zone = self._zones[guild_id] = await guild_timezone(self.db, guild_id)
        return zone

    async def set(
        self, guild_id: int, timezone: str, now: int, *, only_if_unset: bool = False
    ) -> None:
        await set_guild_timezone(self.db, guild_id, timezone, now, only_if_unset=only_if_unset)
        self._zones.pop(guild_id, None)


async def question_settings(db: Database, guild_id: int) -> tuple[int | None, int | None]:
    """The server's question editors role and its review channel (each None when unset)."""
    row = await db.fetchone(
        "SELECT editor_role_id, review_channel_id FROM guild_settings WHERE guild_id = ?",
        (guild_id,),
    )
    return (row["editor_role_id"], row["review_channel_id"]) if row else (None, None)


async def _set_setting(
    db: Database, guild_id: int, column: str, value: int | None, now: int
) -> None:
    await db.execute(
        f"INSERT INTO guild_settings (guild_id, {column}, updated_at) VALUES (?, ?, ?) "  # noqa: S608 - a fixed column name
        f"ON CONFLICT (guild_id) DO UPDATE SET {column} = excluded.{column}, "
        "updated_at = excluded.updated_at",
        (guild_id, value, now),
    )


async def set_editor_role(db: Database, guild_id: int, role_id: int | None, now: int) -> None:
    await _set_setting(db, guild_id, "editor_role_id", role_id, now)


async def set_review_channel(db: Database, guild_id: int, channel_id: int | None, now: int) -> None:
    await _set_setting(db, guild_id, "review_channel_id", channel_id, now)
