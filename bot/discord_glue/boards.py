"""One page of a server's leaderboard, as /leaderboard shows it and the web page shows it: the
same query, the same members left out (those who have left the server), the same ranks."""

from __future__ import annotations

import math
from dataclasses import dataclass

import discord

from bot.db.answers import LeaderboardBoard, ScoreRow, count_ranked, leaderboard, member_score
from bot.db.database import Database
from bot.discord_glue.members import MemberDirectory

PAGE_SIZE = 10
MAX_CHECKS = 5  # rounds of asking Discord about the members of a page


@dataclass(frozen=True, slots=True)
class BoardPage:
    rows: list[ScoreRow]
    page: int
    pages: int
    own: ScoreRow | None  # the viewer's own line (None without a viewer or a score)


async def board_page(
    db: Database,
    members: MemberDirectory,
    guild: discord.Guild,
    board: LeaderboardBoard,
    period_key: str,
    page: int,
    viewer_id: int | None = None,
) -> BoardPage:
    """Page ``page`` (clamped to the pages there are) of the ranking of ``board`` in
    ``period_key``, members who left the server skipped."""
    gone = known_gone = members.departed(guild.id)
    total = await count_ranked(db, guild.id, board, period_key, gone)
    page = min(max(page, 0), max(0, math.ceil(total / PAGE_SIZE) - 1))  # the board may shrink
    rows: list[ScoreRow] = []
    for _ in range(MAX_CHECKS):  # members who left are skipped; ask about each shown member once
        rows = await leaderboard(
            db, guild.id, board, period_key, limit=PAGE_SIZE, offset=page * PAGE_SIZE, exclude=gone
        )
        newly = await members.check(guild, [r.user_id for r in rows if r.user_id != viewer_id])
        if not newly:
            break
        gone = gone | newly
    if gone != known_gone:
        total = await count_ranked(db, guild.id, board, period_key, gone)
    own = (
        await member_score(db, guild.id, board, period_key, viewer_id, gone)
        if viewer_id is not None
        else None
    )
    return BoardPage(rows, page, max(1, math.ceil(total / PAGE_SIZE)), own)
