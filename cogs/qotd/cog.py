"""/qotd: admins set up the question of the day; members answer it with buttons."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import discord
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger
from discord import app_commands
from discord.ext import commands

from bot.db import qotd as store
from bot.db.answers import NewAnswer, get_streak, record_answer
from bot.discord_glue.autocomplete import bank_choices
from bot.discord_glue.client import Pressure, StudyBot, UserError, permission_names, reply
from bot.discord_glue.permissions import FEATURE_PERMISSIONS
from bot.discord_glue.render import feedback_embeds, ts
from bot.study.schedule import (
    ScheduleError,
    describe_days,
    next_due,
    parse_days,
    parse_time,
    resolve_timezone,
    suggest_timezones,
)
from bot.study.scoring import qotd_points
from cogs.qotd.buttons import COG_NAME, OUT_OF_DATE, QotdButtons
from cogs.qotd.posting import Poster

log = logging.getLogger(__name__)

TICK_SECONDS = 30
# Answers worked on at once; more clicks are acknowledged first ("thinking..."), then served.
# Few slots keep a burst's acknowledgements ahead of the replies: with 1,000 clicks in a second,
# 4 slots gave an acknowledgement p99 of 0.6 s where 16 gave 0.9 s (bench/answers.py).
ANSWER_SLOTS = 4
COUNT_REFRESH_SECONDS = 5
NEEDED = FEATURE_PERMISSIONS["qotd"]
NEEDED_FOR_THREADS = FEATURE_PERMISSIONS["qotd threads"]


def _permission_names(perms: discord.Permissions) -> str:
    return permission_names([name for name, value in perms if value])


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Qotd(
    commands.GroupCog,
    name=COG_NAME,
    group_name="qotd",
    group_description="Question of the day",
):
    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot
        self.db = bot.services.db
        self.banks = bot.services.banks
        self.clock = bot.services.clock
        self.poster = Poster(bot)
        self.pressure = Pressure(ANSWER_SLOTS)
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self._jobs: set[asyncio.Task[object]] = set()
        super().__init__()

    # --- lifecycle ----------
    async def cog_load(self) -> None:
        self.scheduler.add_job(
            self._job,
            IntervalTrigger(seconds=TICK_SECONDS),
            args=[self.poster.tick],
            id="qotd-tick",
            coalesce=True,
            max_instances=1,
            misfire_grace_time=10 * TICK_SECONDS,
            next_run_time=datetime.now(UTC),
        )
        self.scheduler.add_job(
            self._job,
            IntervalTrigger(seconds=COUNT_REFRESH_SECONDS),
            args=[self.poster.flush_counts],
            id="qotd-counts",
            coalesce=True,
            max_instances=1,
        )
        self.scheduler.start()

    async def cog_unload(self) -> None:
        """Stop the tick: the post in hand finishes, nothing new starts."""
        self.poster.stopping = True
        self.scheduler.shutdown(wait=False)
        await asyncio.gather(*self._jobs, return_exceptions=True)

    async def _job(self, work: Callable[[], Awaitable[None]]) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._jobs.add(task)
        try:
            await self.bot.wait_until_ready()  # a job, not setup_hook: waiting here is safe
            await work()
        except asyncio.CancelledError:
            log.info("qotd: %s stopped at shutdown", getattr(work, "__name__", "job"))
        except Exception:
            log.exception("qotd: %s failed", getattr(work, "__name__", "job"))
        finally:
            if task is not None:
                self._jobs.discard(task)

    # --- permission check for every /qotd command ----------
    async def interaction_check(self, interaction: discord.Interaction[StudyBot]) -> bool:  # type: ignore[override]
        if interaction.guild is None:
            raise app_commands.NoPrivateMessage()
        if not interaction.permissions.manage_guild:
            raise app_commands.MissingPermissions(["manage_guild"])
        return True

    # --- helpers ----------
    def _now(self) -> datetime:
        return self.clock.now()

    async def _schedule_for(
        self, interaction: discord.Interaction[StudyBot], channel: discord.TextChannel | None
    ) -> store.Schedule:
        assert interaction.guild_id is not None
        if channel is not None:
            found = await store.get_schedule(self.db, interaction.guild_id, channel.id)
            if found is None:
                raise UserError(f"There is no question of the day in {channel.mention}.")
            return found
        schedules = await store.guild_schedules(self.db, interaction.guild_id)
        here = [s for s in schedules if s.channel_id == interaction.channel_id]
        if here:
            return here[0]
        if len(schedules) == 1:
            return schedules[0]
        if not schedules:
            raise UserError("This server has no question of the day yet: use /qotd setup.")
        raise UserError("This server has several; name the channel.")

    def _missing_permissions(self, channel: discord.abc.GuildChannel, thread: bool) -> str | None:
        me = channel.guild.me
        perms = channel.permissions_for(me)
        needed = NEEDED | NEEDED_FOR_THREADS if thread else NEEDED
        missing = discord.Permissions(needed.value & ~perms.value)
        return _permission_names(missing) if missing.value else None

    # --- commands ----------
    @app_commands.command(name="setup", description="Post a daily question in a channel")
    @app_commands.describe(
        channel="Where to post",
        time="Local time, HH:MM (24 h)",
        timezone="Your timezone, e.g. Europe/Berlin",
        days="daily, weekdays, weekends or days like mon,wed,fri",
        role="A role to ping with each question",
        bank="The question bank (default: the first one)",
        reveal_after="Hours until the answer is revealed (default: just before the next question)",
        thread="Open a discussion thread under each question",
    )
    async def setup(
        self,
        interaction: discord.Interaction[StudyBot],
        channel: discord.TextChannel,
        time: str,
        timezone: str,
        days: str = "daily",
        role: discord.Role | None = None,
        bank: str | None = None,
        reveal_after: app_commands.Range[int, 1, 72] | None = None,
        thread: bool = False,
    ) -> None:
        assert interaction.guild_id is not None
        try:
            local_time = parse_time(time)
            zone, zone_note = resolve_timezone(timezone)
            mask = parse_days(days)
        except ScheduleError as exc:
            raise UserError(str(exc)) from None
        bank_key = bank or self.banks.default_key()
        chosen = self.banks.get(bank_key) if bank_key else None
        if chosen is None:
            known = ", ".join(self.banks.banks) or "none"
            raise UserError(f"There is no bank {bank!r}. Loaded banks: {known}.")
        now = self._now()
        due, _ = next_due(now, local_time, mask, zone)
        schedule = await store.save_schedule(
            self.db,
            store.ScheduleSpec(
                guild_id=interaction.guild_id,
                channel_id=channel.id,
                local_time=local_time,
                timezone=zone,
                days=mask,
                bank=chosen.key,
                role_id=role.id if role else None,
                reveal_after_min=reveal_after * 60 if reveal_after else None,
                thread=thread,
            ),
            next_due=int(due.timestamp()),
            now=int(now.timestamp()),
        )
        await self.bot.zones.set(
            interaction.guild_id, zone, int(now.timestamp()), only_if_unset=True
        )
        reveal = f"after {reveal_after} h" if reveal_after else "just before the next question"
        lines = [
            f"Question of the day set for {channel.mention}: {local_time} {zone}, "
            f"{describe_days(schedule.days)}, from **{chosen.name}**"
            + (f", pinging {role.mention}" if role else "")
            + (", with a discussion thread" if thread else "")
            + ".",
            f"First question: {ts(due, 'F')} ({ts(due, 'R')}). Answers revealed {reveal}.",
        ]
        if zone_note:
            lines.append(f"Note: {zone_note}.")
        missing = self._missing_permissions(channel, thread)
        if missing:
            lines.append(f"⚠️ I am missing permissions in {channel.mention}: {missing}.")
        await reply(interaction, "\n".join(lines))

    @setup.autocomplete("timezone")
    async def _timezone_choices(
        self, interaction: discord.Interaction[StudyBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=z, value=z) for z in suggest_timezones(current)]

    @setup.autocomplete("days")
    async def _days_choices(
        self, interaction: discord.Interaction[StudyBot], current: str
    ) -> list[app_commands.Choice[str]]:
        options = ["daily", "weekdays", "weekends", "mon,wed,fri", "tue,thu"]
        return [app_commands.Choice(name=o, value=o) for o in options if current.lower() in o]

    @setup.autocomplete("bank")
    async def _bank_choices(
        self, interaction: discord.Interaction[StudyBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return bank_choices(self.banks, current)

    @app_commands.command(name="status", description="Every question-of-the-day schedule here")
    async def status(self, interaction: discord.Interaction[StudyBot]) -> None:
        assert interaction.guild_id is not None
        schedules = await store.guild_schedules(self.db, interaction.guild_id)
        if not schedules:
            await reply(interaction, "No question of the day here yet: use /qotd setup.")
            return
        embed = discord.Embed(title="Question of the day", colour=discord.Colour.blurple())
        for s in schedules[:25]:
            bank = self.banks.get(s.bank)
            turn = await store.channel_rotation(self.db, s.channel_id)
            total = len(bank.questions) if bank else 0
            # the questions of this bank asked in the cycle (the channel may have used another)
            used = [q for q in turn.used if bank is not None and bank.get(q) is not None]
            state = "⏸️ paused" if s.paused else ("⚠️ stopped" if s.error else "▶️ active")
            lines = [
                f"{state} · {s.local_time} {s.timezone}, {describe_days(s.days)}",
                f"Bank: {bank.name if bank else s.bank} · {max(total - len(used), 0)} of {total} "
                "questions left in this cycle",
            ]
            if not s.paused and not s.error:
                lines.append(f"Next: {ts(datetime.fromtimestamp(s.next_due, UTC), 'F')}")
            if s.error:
                lines.append(f"Problem: {s.error}. Fix it, then /qotd resume.")
            if s.notice:
                lines.append(f"Note: {s.notice}")
            embed.add_field(
                name=f"#{self._channel_name(interaction.guild, s.channel_id)}",
                value="\n".join(lines)[:1024],
                inline=False,
            )
        await reply(interaction, embed=embed)

    @staticmethod
    def _channel_name(guild: discord.Guild | None, channel_id: int) -> str:
        channel = guild.get_channel_or_thread(channel_id) if guild else None
        return channel.name if channel else str(channel_id)

    @app_commands.command(name="post-now", description="Post today's question now")
    @app_commands.describe(channel="The channel (default: this one)")
    async def post_now(
        self, interaction: discord.Interaction[StudyBot], channel: discord.TextChannel | None = None
    ) -> None:
        schedule = await self._schedule_for(interaction, channel)
        await interaction.response.defer(ephemeral=True, thinking=True)
        now = self._now()
        today = now.astimezone(ZoneInfo(schedule.timezone)).date()
        existing = await store.channel_post_on(self.db, schedule.channel_id, today.isoformat())
        if existing is not None:
            await reply(interaction, f"Today's question is already posted: {self._link(existing)}")
            return
        upcoming, day = next_due(now, schedule.local_time, schedule.days, schedule.timezone)
        if day == today:
            upcoming, _ = next_due(upcoming, schedule.local_time, schedule.days, schedule.timezone)
        post = await self.poster.publish(schedule, today, now, upcoming)
        if post is None or post.message_id is None:
            fresh = await store.schedule_by_id(self.db, schedule.id)
            problem = fresh.error if fresh and fresh.error else "it could not be sent; try again"
            raise UserError(f"No question was posted: {problem}.")
        await reply(interaction, f"Posted: {self._link(post)}")

    def _link(self, post: store.Post) -> str:
        guild = post.guild_id
        return f"https://discord.com/channels/{guild}/{post.channel_id}/{post.message_id}"

    @app_commands.command(name="pause", description="Pause a question of the day")
    @app_commands.describe(channel="The channel (default: this one)")
    async def pause(
        self, interaction: discord.Interaction[StudyBot], channel: discord.TextChannel | None = None
    ) -> None:
        schedule = await self._schedule_for(interaction, channel)
        await store.set_paused(self.db, schedule.guild_id, schedule.channel_id, True)
        await reply(interaction, f"Paused the question of the day in <#{schedule.channel_id}>.")

    @app_commands.command(
        name="resume", description="Resume a paused or stopped question of the day"
    )
    @app_commands.describe(channel="The channel (default: this one)")
    async def resume(
        self, interaction: discord.Interaction[StudyBot], channel: discord.TextChannel | None = None
    ) -> None:
        schedule = await self._schedule_for(interaction, channel)
        due, _ = next_due(self._now(), schedule.local_time, schedule.days, schedule.timezone)
        await store.set_paused(
            self.db, schedule.guild_id, schedule.channel_id, False, next_due=int(due.timestamp())
        )
        await reply(
            interaction,
            f"Resumed in <#{schedule.channel_id}>. Next question: {ts(due, 'F')} ({ts(due, 'R')}).",
        )

    @app_commands.command(name="remove", description="Stop the question of the day in a channel")
    @app_commands.describe(channel="The channel")
    async def remove(
        self, interaction: discord.Interaction[StudyBot], channel: discord.TextChannel
    ) -> None:
        assert interaction.guild_id is not None
        if not await store.remove_schedule(self.db, interaction.guild_id, channel.id):
            raise UserError(f"There is no question of the day in {channel.mention}.")
        await reply(
            interaction,
            f"Removed the question of the day from {channel.mention}. Answers and scores are kept.",
        )

    # --- answering ----------
    async def answer(
        self, interaction: discord.Interaction[StudyBot], post_id: int, choice: int
    ) -> None:
        """A member clicked an answer button: record once, reply privately, within Discord's 3 s
        (acknowledging first only when the work runs late)."""
        embeds = await self.pressure.run(
            interaction, lambda: self._record(interaction, post_id, choice)
        )
        await reply(interaction, embeds=embeds)

    async def _record(
        self, interaction: discord.Interaction[StudyBot], post_id: int, choice: int
    ) -> list[discord.Embed]:
        post = await self.poster.post(post_id)
        if post is None or post.guild_id != interaction.guild_id:
            raise UserError("This question is no longer available.")
        now = self._now()
        if post.state == "revealed" or now.timestamp() >= post.reveal_at:
            raise UserError(
                "Answers to this question are closed: the answer has been revealed in the channel. "
                "Watch for the next question!"
            )
        bank = self.banks.get(post.bank)
        question = bank.get(post.question_id) if bank else None
        mc = self.banks.choices(post.bank, question, post.id) if question else None
        if question is None or mc is None:
            raise UserError("This question's bank is no longer loaded, so it cannot be answered.")
        if not 0 <= choice < len(mc.options):
            raise UserError(OUT_OF_DATE)
        correct = choice == mc.correct
        outcome = await record_answer(
            self.db,
            NewAnswer(
                guild_id=post.guild_id,
                user_id=interaction.user.id,
                board="qotd",
                question_id=question.id,
                correct=correct,
                points=qotd_points(correct),
                answered_at=now,
                timezone=await self.bot.zones.get(post.guild_id),
                post_id=post.id,
                local_date=post.local_date,
                topic=question.topic,
                choice=choice,
            ),
        )
        if outcome.recorded:
            self.poster.dirty.add(post.id)
            streak = outcome.streak.current if outcome.streak else None
        else:
            existing = await get_streak(self.db, post.guild_id, interaction.user.id)
            streak = existing.current if existing else None
        first_choice = outcome.answer.choice if outcome.answer.choice is not None else choice
        return feedback_embeds(
            question,
            mc,
            first_choice,
            points=outcome.credited,
            streak=streak,
            already=not outcome.recorded,
        )


_implements_buttons: type[QotdButtons] = Qotd  # checked by mypy
