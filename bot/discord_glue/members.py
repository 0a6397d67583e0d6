"""Whether people are still members of a server, without the privileged members intent.

The bot asks Discord about the few members it is about to show (a leaderboard page) and
remembers the answer for a while, so members who left are not shown and no request is repeated.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable

import discord

log = logging.getLogger(__name__)

REMEMBER_SECONDS = 3600.0


class MemberDirectory:
    def __init__(self, remember: float = REMEMBER_SECONDS) -> None:
        self.remember = remember
        self._known: dict[tuple[int, int], tuple[bool, float]] = {}
        self._names: dict[tuple[int, int], str] = {}  # display names seen while asking

    def departed(self, guild_id: int) -> frozenset[int]:
        now = time.monotonic()
        return frozenset(
            user
            for (guild, user), (present, when) in self._known.items()
            if guild == guild_id and not present and now - when < self.remember
        )

    async def check(self, guild: discord.Guild, user_ids: Iterable[int]) -> frozenset[int]:
        """The users among ``user_ids`` who have left ``guild``."""
        gone = set()
        now = time.monotonic()
        for user_id in user_ids:
            known = self._known.get((guild.id, user_id))
            if known is not None and now - known[1] < self.remember:
                present = known[0]
            else:
                present = await self._ask(guild, user_id)
                self._known[(guild.id, user_id)] = (present, now)
            if not present:
                gone.add(user_id)
        return frozenset(gone)

    async def _ask(self, guild: discord.Guild, user_id: int) -> bool:
        member = guild.get_member(user_id)
        if member is None:
            try:
                member = await guild.fetch_member(user_id)
            except discord.NotFound:
                return False
            except discord.HTTPException as exc:
                log.warning("could not check member %s of %s: %s", user_id, guild.id, exc)
                return True
        self._names[(guild.id, user_id)] = member.display_name
        return True

    async def display_name(self, guild: discord.Guild, user_id: int) -> str | None:
        """The member's name in the server (None if they left or Discord cannot say), asked
        of Discord at most once while it is remembered."""
        gone = await self.check(guild, [user_id])
        if gone:
            return None
        return self._names.get((guild.id, user_id))

    def forget(self, guild_id: int, user_id: int) -> None:
        self._known.pop((guild_id, user_id), None)
        self._names.pop((guild_id, user_id), None)
