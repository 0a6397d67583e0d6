"""/leaderboard and /stats: rankings per period and board, and a member's own progress."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, cast

import discord
from discord import app_commands
from discord.ext import commands

from bot.bank.cloze import asking
from bot.bank.text import shorten
from bot.db.answers import (
    get_streak,
    period_key_for,
)
from bot.db.reviews import review_stats
from bot.db.self_grades import member_grades
from bot.db.stats import (
    BoardTotal,
    TopicScore,
    board_totals,
    missed_post_since,
    recent_answers,
    topic_scores,
)
from bot.db.suggestions import contributed as questions_contributed
from bot.discord_glue.boards import board_page
from bot.discord_glue.client import StudyBot, UserError, reply, with_cog
from bot.discord_glue.progress import progress_file, show_card
from bot.discord_glue.render import (
    BOARD_LABELS,
    COLOUR,
    BoardLine,
    bank_text,
    leaderboard_embed,
    name_of,
    ts,
)
from bot.discord_glue.report import owed_outcomes
from bot.study.periods import ALL_TIME
from bot.study.streaks import shown
from bot.web.server import member_link

PAGE_SIZE = 10
RETENTION_WINDOW = timedelta(days=30)
CARD_STATES = (
    ("new", "new"),
    ("learning", "learning"),
    ("relearning", "relearning"),
    ("review", "in review"),
)
MAX_PAGE = 10**6  # more than any server's members / PAGE_SIZE


Period = Literal["week", "month", "all"]
Board = Literal["qotd", "quiz", "all"]


class PageButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"lb:(?P<board>qotd|quiz|all):(?P<period>week|month|all):(?P<page>\d+):(?P<dir>[pn])",
):
    def __init__(
        self, board: Board, period: Period, page: int, direction: str, *, disabled: bool = False
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label="◀ Previous" if direction == "p" else "Next ▶",
                style=discord.ButtonStyle.secondary,
                custom_id=f"lb:{board}:{period}:{page}:{direction}",
                disabled=disabled,
            )
        )
        self.board, self.period, self.page = board, period, page

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> PageButton:
        board = cast(Board, match["board"])
        return cls(board, cast(Period, match["period"]), int(match["page"]), match["dir"])

    async def callback(self, interaction: discord.Interaction[StudyBot]) -> None:  # type: ignore[override]
        async def page(cog: Leaderboard) -> None:
            if not 0 <= self.page <= MAX_PAGE:  # a forged custom_id: no board has that page
                raise UserError("This button is out of date: run /leaderboard again.")
            embed, view = await cog.render(interaction, self.board, self.period, self.page)
            await interaction.response.edit_message(embed=embed, view=view)

        await with_cog(interaction, Leaderboard.__cog_name__, page)


class ShareButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"progress:share:(?P<user>\d+)"
):
    """Posts the member's progress card in the channel, for everyone; the custom_id names whose
    card it is, and only that member may share it."""

    def __init__(self, user_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Share",
                style=discord.ButtonStyle.secondary,
                custom_id=f"progress:share:{user_id}",
            )
        )
        self.user_id = user_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> ShareButton:
        return cls(int(match["user"]))

    async def callback(self, interaction: discord.Interaction[StudyBot]) -> None:  # type: ignore[override]
        async def share(cog: Leaderboard) -> None:
            await cog.share_card(interaction, self.user_id)

        await with_cog(interaction, Leaderboard.__cog_name__, share)


class Leaderboard(commands.Cog):
    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot
        self.db = bot.services.db
        self.clock = bot.services.clock
        self.members = bot.members

    async def render(
        self, interaction: discord.Interaction[StudyBot], board: Board, period: Period, page: int
    ) -> tuple[discord.Embed, discord.ui.View]:
        guild = interaction.guild
        assert guild is not None
        zone = await self.bot.zones.get(guild.id)
        key = period_key_for(period, self.clock.now(), zone)
        ranked = await board_page(
            self.db, self.members, guild, board, key, page, interaction.user.id
        )
        page, pages, own, rows = ranked.page, ranked.pages, ranked.own, ranked.rows
        embed = leaderboard_embed(
            [BoardLine(r.rank, r.user_id, r.points, r.correct, r.answered) for r in rows],
            period=period,
            board=board,
            page=page,
            pages=pages,
            own=BoardLine(own.rank, own.user_id, own.points, own.correct, own.answered)
            if own
            else None,
        )
        view = discord.ui.View(timeout=None)
        view.add_item(PageButton(board, period, max(page - 1, 0), "p", disabled=page <= 0))
        view.add_item(PageButton(board, period, page + 1, "n", disabled=page + 1 >= pages))
        return embed, view

    @app_commands.command(name="leaderboard", description="Who has the most points")
    @app_commands.guild_only()
    @app_commands.describe(
        period="week (default), month or all time", board="qotd, quiz or all (default)"
    )
    async def leaderboard(
        self,
        interaction: discord.Interaction[StudyBot],
        period: Period = "week",
        board: Board = "all",
    ) -> None:
        embed, view = await self.render(interaction, board, period, 0)
        await reply(interaction, embed=embed, view=view)

    @app_commands.command(name="stats", description="Your progress (or another member's)")
    @app_commands.guild_only()
    @app_commands.describe(member="Whose stats (default: yours)")
    async def stats(
        self, interaction: discord.Interaction[StudyBot], member: discord.User | None = None
    ) -> None:
        assert interaction.guild_id is not None
        target = member or interaction.user
        own = target.id == interaction.user.id  # open answers are shown to their member only
        guild_id = interaction.guild_id
        totals = {t.board: t for t in await board_totals(self.db, guild_id, target.id, ALL_TIME)}
        overall = totals.get("all")
        recent = await recent_answers(self.db, guild_id, target.id, include_open=own)
        grades = await member_grades(self.db, guild_id, target.id)
        # a member's cards move when they answer, before a question of the day is revealed:
        # only their own /stats shows them
        since = self.clock.now() - RETENTION_WINDOW
        studied = await review_stats(self.db, guild_id, target.id, since) if own else None
        contributed = await questions_contributed(self.db, guild_id, target.id)
        credit = f"\nQuestions contributed: {contributed}" if contributed else ""
        owed = await owed_outcomes(self.db, guild_id, target.id) if own else None
        embed = discord.Embed(title="Stats", colour=COLOUR, description=name_of(target.id) + credit)
        practised = grades.total or (studied is not None and studied.reviews)
        if overall is None and not recent and not practised:
            embed.description = f"{name_of(target.id)} has not answered anything yet.{credit}"
            await reply(interaction, owed, embed=embed)
            return
        overall = overall or BoardTotal("all", 0, 0, 0)
        accuracy = round(100 * overall.correct / overall.answered) if overall.answered else 0
        embed.add_field(
            name="Answered",
            value=f"{overall.answered} · {overall.correct} right ({accuracy}%)",
            inline=True,
        )
        embed.add_field(
            name="Points (all time)",
            value="\n".join(
                f"{BOARD_LABELS[b]}: {totals[b].points}"
                for b in ("qotd", "quiz", "all")
                if b in totals
            )
            or "None yet: question-of-the-day points count at the reveal",
            inline=True,
        )
        if grades.total:
            embed.add_field(
                name="Recalled and self-graded (no points)",
                value=f"{grades.total} · Again {grades.again} · Hard {grades.hard} · "
                f"Good {grades.good} · Easy {grades.easy}",
                inline=False,
            )
        if studied is not None and studied.reviews:
            retention = (
                f"{round(100 * studied.retention)}%" if studied.retention is not None else "-"
            )
            states = " · ".join(
                f"{name} {studied.by_state[key]}"
                for key, name in CARD_STATES
                if studied.by_state.get(key)
            )
            embed.add_field(
                name="Reviews (spaced repetition)",
                value=f"{studied.reviews} done · retention, last 30 days: {retention}\n"
                f"Cards: {states}",
                inline=False,
            )
        streak = await get_streak(self.db, guild_id, target.id)
        current = shown(
            streak,
            streak is not None and await missed_post_since(self.db, guild_id, streak.last_date),
        )
        embed.add_field(
            name="Question-of-the-day streak",
            value=f"Current: {current} · best: {streak.best if streak else 0}",
            inline=False,
        )
        topics = [
            t
            for t in await topic_scores(self.db, guild_id, target.id, include_open=own)
            if t.answered >= 2
        ]
        if topics:
            ranked = sorted(topics, key=lambda t: (t.accuracy, t.answered))
            best, worst = ranked[-1], ranked[0]
            lines = [
                f"Strongest: {_topic(best)} ({round(best.accuracy * 100)}% of {best.answered})"
            ]
            if worst is not best:
                lines.append(
                    f"Weakest: {_topic(worst)} ({round(worst.accuracy * 100)}% of {worst.answered})"
                )
            embed.add_field(name="Topics", value="\n".join(lines), inline=False)
        lines = []
        for answer in recent:
            question = self.bot.services.banks.find(answer.question_id)
            prompt = (
                bank_text(shorten(asking(question.prompt), 70), inline=True)
                if question
                else "(a question no longer loaded)"
            )
            mark = "✅" if answer.correct else "❌"
            when = ts(datetime.fromtimestamp(answer.answered_at, UTC), "R")
            pending = "" if answer.counted else " · ⏳ on the boards at the reveal"
            lines.append(f"{mark} {prompt} · {when}{pending}")
        if lines:
            embed.add_field(name="Last answers", value="\n".join(lines)[:1024], inline=False)
        link = await member_link(self.db, self.bot.services.settings, guild_id, target.id)
        if own and link:
            embed.add_field(name="Your progress page (only for you)", value=link, inline=False)
        if not own:  # a member's card is shown to them only, unless they share it
            await reply(interaction, owed, embed=embed)
            return
        card = await progress_file(self.bot, guild_id, target.id)
        view = discord.ui.View(timeout=None)
        view.add_item(ShareButton(target.id))
        await reply(interaction, owed, embed=show_card(embed, card), view=view, files=[card])

    async def share_card(self, interaction: discord.Interaction[StudyBot], user_id: int) -> None:
        if interaction.user.id != user_id or interaction.guild_id is None:
            raise UserError("Only the member whose progress card this is can share it.")
        card = await progress_file(self.bot, interaction.guild_id, user_id)
        embed = discord.Embed(title="Progress", colour=COLOUR, description=name_of(user_id))
        await reply(interaction, embed=show_card(embed, card), files=[card], ephemeral=False)


def _topic(score: TopicScore) -> str:
    return bank_text(shorten(score.topic, 100), inline=True)


async def setup(bot: StudyBot) -> None:
    bot.add_dynamic_items(PageButton, ShareButton)
    await bot.add_cog(Leaderboard(bot))


async def teardown(bot: StudyBot) -> None:
    bot.remove_dynamic_items(PageButton, ShareButton)
