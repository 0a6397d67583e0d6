"""The private lists of /qotd upcoming and /qotd archive."""

from __future__ import annotations

from datetime import date

import discord

from bot.bank.cloze import asking
from bot.bank.model import Question
from bot.bank.text import shorten
from bot.db.qotd import ArchivedPost
from bot.discord_glue.render import COLOUR, archive_stats_line, bank_text, cut
from bot.items.model import Item

UPCOMING = 5  # questions listed by /qotd upcoming
ARCHIVE_PAGE = 5  # past questions per page of /qotd archive
# One page holds five fields: together within Discord's 6,000 characters per message.
FIELD_NAME = 200
FIELD_VALUE = 950


def upcoming_embed(channel_id: int, questions: list[Question]) -> discord.Embed:
    """The next questions of a channel, numbered as their Skip buttons are."""
    lines = [
        f"**{n}.** {bank_text(shorten(asking(q.prompt), 200), inline=True)}"
        for n, q in enumerate(questions, 1)
    ]
    description = (
        f"The next questions for <#{channel_id}>, in the order they will be posted. "
        "**Skip** moves one to the end of the cycle: it is posted after every other question.\n\n"
        + "\n".join(lines)
    )
    return discord.Embed(title="Coming up", description=description, colour=COLOUR)


def archive_embed(
    channel_id: int,
    entries: list[tuple[ArchivedPost, Question | None, Item | None]],
    page: int,
    pages: int,
) -> discord.Embed:
    """One page of a channel's past questions, newest first, with their answers and stats."""
    embed = discord.Embed(
        title="Past questions of the day",
        description=f"Revealed questions of <#{channel_id}>, newest first.",
        colour=COLOUR,
    )
    for archived, question, item in entries:
        day = date.fromisoformat(archived.post.local_date)
        prompt = item.prompt if item is not None else (question.prompt if question else "")
        shown = bank_text(shorten(asking(prompt), FIELD_NAME), inline=True)
        name = f"{day:%a %d %b %Y} · {shown}"
        embed.add_field(
            name=shorten(name, 256), value=_archive_value(archived, question, item), inline=False
        )
    embed.set_footer(text=f"Page {page + 1} of {pages}")
    return embed


def _archive_value(archived: ArchivedPost, question: Question | None, item: Item | None) -> str:
    stats = archive_stats_line(archived, item)
    reference = question.answer if question is not None else (item.answer if item else "")
    answer = cut(bank_text(reference), FIELD_VALUE - len(stats) - 30) if reference else "-"
    return f"{answer}\n*{stats}*"
