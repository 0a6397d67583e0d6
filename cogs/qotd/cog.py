"""/qotd: admins set up and manage the question of the day; members answer it with buttons and
read past questions in /qotd archive."""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from itertools import islice
from typing import Literal
from zoneinfo import ZoneInfo

import discord
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger
from discord import app_commands
from discord.ext import commands

from bot.bank.model import Bank, Question
from bot.db import qotd as store
from bot.db.answers import NewAnswer, get_streak, record_answer
from bot.db.self_grades import NewSelfGrade, record_self_grade
from bot.discord_glue.autocomplete import bank_choices
from bot.discord_glue.client import Pressure, StudyBot, UserError, permission_names, reply
from bot.discord_glue.permissions import FEATURE_PERMISSIONS
from bot.discord_glue.render import feedback_embeds, graded_embeds, ts
from bot.discord_glue.report import report_view
from bot.items.library import BankLibrary
from bot.items.model import Item
from bot.study.review import grade_for
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
from cogs.qotd.buttons import (
    COG_NAME,
    OUT_OF_DATE,
    RECALL,
    STALE_LIST,
    QotdButtons,
    archive_buttons,
    skip_buttons,
)
from cogs.qotd.pages import ARCHIVE_PAGE, UPCOMING, archive_embed, upcoming_embed
from cogs.qotd.posting import DISCUSSION, Poster, qotd_kinds

log = logging.getLogger(__name__)

# How /qotd setup and /qotd edit describe the options they share.
SCHEDULE_OPTIONS = {
    "time": "Local time, HH:MM (24 h)",
    "timezone": "Your timezone, e.g. Europe/Berlin",
    "days": "daily, weekdays, weekends or days like mon,wed,fri",
    "role": "A role to ping with each question",
    "thread": "Open a discussion thread under each question",
    "format": "auto (default), choice (buttons), recall (self-graded) or discussion (a thread)",
}
FORMATS = ("auto", "choice", "recall", DISCUSSION)
Format = Literal["auto", "choice", "recall", "discussion"]
FORMAT_NAMES = {
    "auto": "the best way for each question",
    "choice": "multiple choice only",
    "recall": "recall, self-graded",
    DISCUSSION: "discussion only (no answers or points; the thread is the point)",
}
# Every member may read past questions; every other /qotd command needs Manage Server.
FOR_MEMBERS = frozenset({"archive"})

TICK_SECONDS = 30
# Answers worked on at once; more clicks are acknowledged first ("thinking..."), then served.
# Few slots keep a burst's acknowledgements ahead of the replies: with 1,000 clicks in a second,
# 4 slots gave an acknowledgement p99 of 0.6 s where 16 gave 0.9 s (bench/answers.py).
ANSWER_SLOTS = 4
COUNT_REFRESH_SECONDS = 5
NEEDED = FEATURE_PERMISSIONS["qotd"]
NEEDED_FOR_THREADS = FEATURE_PERMISSIONS["qotd threads"]


REVEAL_AFTER_MIN, REVEAL_AFTER_MAX = 1, 72  # hours


def _permission_names(perms: discord.Permissions) -> str:
    return permission_names([name for name, value in perms if value])


def _describe_reveal(minutes: int | None) -> str:
    return f"after {minutes // 60} h" if minutes is not None else "just before the next question"


def _settings_diff(
    old: store.Schedule, new: store.Schedule, banks: BankLibrary
) -> list[tuple[str, str, str]]:
    """Each setting of a schedule, before and after: (name, old, new)."""

    def bank_name(key: str) -> str:
        found = banks.get(key)
        return found.name if found else key

    def role(role_id: int | None) -> str:
        return f"<@&{role_id}>" if role_id else "none"

    return [
        ("time", old.local_time, new.local_time),
        ("timezone", old.timezone, new.timezone),
        ("days", describe_days(old.days), describe_days(new.days)),
        ("role", role(old.role_id), role(new.role_id)),
        ("bank", bank_name(old.bank), bank_name(new.bank)),
        ("reveal", _describe_reveal(old.reveal_after_min), _describe_reveal(new.reveal_after_min)),
        ("thread", "yes" if old.thread else "no", "yes" if new.thread else "no"),
        (
            "format",
            FORMAT_NAMES.get(old.format, old.format),
            FORMAT_NAMES.get(new.format, new.format),
        ),
    ]


# No default_permissions: Discord applies a group's to every subcommand, and /qotd archive is for
# every member. interaction_check requires Manage Server for the others.
@app_commands.guild_only()
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
        command = interaction.command
        if command is not None and command.name in FOR_MEMBERS:
            return True
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

    # --- checking what an admin gave ----------
    @staticmethod
    async def _check_role(interaction: discord.Interaction[StudyBot], role: discord.Role) -> None:
        if role.is_default():
            raise UserError(
                "I do not ping @everyone: pick a role for the question of the day, or none."
            )
        guild = interaction.guild
        if guild is None:
            raise UserError(f"The role {role.name!r} no longer exists: pick another one.")
        if guild.get_role(role.id) is None:  # not in the cache yet, or deleted: ask Discord
            try:
                await guild.fetch_role(role.id)
            except discord.NotFound:
                raise UserError(
                    f"The role {role.name!r} no longer exists: pick another one."
                ) from None

    @staticmethod
    def _check_reveal_after(hours: int | None) -> None:
        # Discord enforces the option's range in its clients; a forged request is checked here
        if hours is not None and not REVEAL_AFTER_MIN <= hours <= REVEAL_AFTER_MAX:
            raise UserError(
                f"reveal_after must be {REVEAL_AFTER_MIN} to {REVEAL_AFTER_MAX} hours, not {hours}."
            )

    def _check_bank(self, guild_id: int | None, bank: str | None, fmt: str = "auto") -> Bank:
        if fmt not in FORMATS:
            raise UserError(
                f"There is no format {fmt!r}: choose auto, choice, recall or discussion."
            )
        chosen = self.banks.choose(guild_id, bank)
        if chosen is None:
            known = self.banks.names(guild_id)
            raise UserError(f"There is no bank {bank!r}. Banks here: {known}.")
        kinds = qotd_kinds(fmt)
        if not any(self.banks.askable(chosen.key, q, kinds) for q in chosen.questions):
            how = "as multiple choice" if fmt == "choice" else "as a question of the day"
            raise UserError(
                f"The bank {chosen.name!r} has no question that can be asked {how}: "
                "pick another bank" + (" or the format auto." if fmt == "choice" else ".")
            )
        return chosen

    def _check_discussion(self, channel: discord.TextChannel, fmt: str) -> None:
        """A discussion post always opens a thread: without the permissions it is pointless."""
        if fmt != DISCUSSION:
            return
        perms = channel.permissions_for(channel.guild.me)
        missing = discord.Permissions(NEEDED_FOR_THREADS.value & ~perms.value)
        if missing.value:
            raise UserError(
                f"The discussion format opens a thread under each question, and I am missing "
                f"{_permission_names(missing)} in {channel.mention}: grant them, then try again."
            )

    async def _first_due(
        self, channel_id: int, now: datetime, local_time: str, days: int, zone: str
    ) -> datetime:
        """The next due instant whose local date the channel has not had its question yet."""
        due, day = next_due(now, local_time, days, zone)
        if await store.channel_post_on(self.db, channel_id, day.isoformat()) is not None:
            due, _ = next_due(due, local_time, days, zone)
        return due

    async def _save(
        self,
        interaction: discord.Interaction[StudyBot],
        spec: store.ScheduleSpec,
        *,
        keep_paused: bool,
    ) -> tuple[store.Schedule, datetime]:
        now = self._now()
        due = await self._first_due(spec.channel_id, now, spec.local_time, spec.days, spec.timezone)
        schedule = await store.save_schedule(
            self.db,
            spec,
            next_due=int(due.timestamp()),
            now=int(now.timestamp()),
            keep_paused=keep_paused,
        )
        assert interaction.guild_id is not None
        await self.bot.zones.set(
            interaction.guild_id, spec.timezone, int(now.timestamp()), only_if_unset=True
        )
        return schedule, due

    def _summary(
        self, schedule: store.Schedule, due: datetime, channel: discord.TextChannel
    ) -> list[str]:
        bank = self.banks.get(schedule.bank)
        discussion = schedule.format == DISCUSSION
        lines = [
            f"Question of the day set for {channel.mention}: {schedule.local_time} "
            f"{schedule.timezone}, {describe_days(schedule.days)}, from "
            f"**{bank.name if bank else schedule.bank}**"
            + (f", pinging <@&{schedule.role_id}>" if schedule.role_id else "")
            + (", with a discussion thread" if schedule.thread or discussion else "")
            + (f", asked as {FORMAT_NAMES[schedule.format]}" if schedule.format != "auto" else "")
            + ".",
        ]
        if schedule.paused:
            lines.append("It is paused: /qotd resume starts it again.")
        else:
            lines.append(
                f"First question: {ts(due, 'F')} ({ts(due, 'R')}). "
                f"Answers revealed {_describe_reveal(schedule.reveal_after_min)}."
            )
        missing = self._missing_permissions(
            channel, schedule.thread or schedule.format == DISCUSSION
        )
        if missing:
            lines.append(f"⚠️ I am missing permissions in {channel.mention}: {missing}.")
        return lines

    # --- commands ----------
    @app_commands.command(name="setup", description="Post a daily question in a channel")
    @app_commands.describe(
        **SCHEDULE_OPTIONS,
        channel="Where to post",
        bank="The question bank (default: the first one)",
        reveal_after="Hours until the answer is revealed (default: just before the next question)",
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
        reveal_after: app_commands.Range[int, REVEAL_AFTER_MIN, REVEAL_AFTER_MAX] | None = None,
        thread: bool = False,
        format: Format = "auto",
    ) -> None:
        assert interaction.guild_id is not None
        try:
            local_time = parse_time(time)
            zone, zone_note = resolve_timezone(timezone)
            mask = parse_days(days)
        except ScheduleError as exc:
            raise UserError(str(exc)) from None
        target = channel
        if role is not None:
            await self._check_role(interaction, role)
        self._check_reveal_after(reveal_after)
        chosen = self._check_bank(interaction.guild_id, bank, format)
        self._check_discussion(target, format)
        previous = await store.get_schedule(self.db, interaction.guild_id, target.id)
        schedule, due = await self._save(
            interaction,
            store.ScheduleSpec(
                guild_id=interaction.guild_id,
                channel_id=target.id,
                local_time=local_time,
                timezone=zone,
                days=mask,
                bank=chosen.key,
                role_id=role.id if role else None,
                reveal_after_min=reveal_after * 60 if reveal_after else None,
                thread=thread,
                format=format,
            ),
            keep_paused=False,
        )
        lines = self._summary(schedule, due, target)
        if zone_note:
            lines.append(f"Note: {zone_note}.")
        if previous is not None:
            lines.append(self._replaced(previous, schedule))
        await reply(interaction, "\n".join(lines))

    def _replaced(self, previous: store.Schedule, now: store.Schedule) -> str:
        """What /qotd setup changed in an existing schedule, and what it kept."""
        changes = [
            f"{name} ({old} → {new})"
            for name, old, new in _settings_diff(previous, now, self.banks)
            if old != new
        ]
        changed = "; ".join(changes) if changes else "nothing"
        paused = " It was paused and is now active again." if previous.paused else ""
        return (
            f"This replaced the channel's previous settings; changed: {changed}.{paused} "
            "Answers, scores and the rotation of questions are kept. "
            "To change only some settings, use /qotd edit."
        )

    @app_commands.command(name="edit", description="Change some settings of a question of the day")
    @app_commands.describe(
        **SCHEDULE_OPTIONS,
        channel="The channel of the question of the day",
        clear_role="Ping no role any more",
        bank="The question bank",
        reveal_after="Hours until the answer is revealed",
    )
    async def edit(
        self,
        interaction: discord.Interaction[StudyBot],
        channel: discord.TextChannel,
        time: str | None = None,
        timezone: str | None = None,
        days: str | None = None,
        role: discord.Role | None = None,
        clear_role: bool = False,
        bank: str | None = None,
        reveal_after: app_commands.Range[int, REVEAL_AFTER_MIN, REVEAL_AFTER_MAX] | None = None,
        thread: bool | None = None,
        format: Format | None = None,
    ) -> None:
        """Change only the settings given; the others stay as they are (pause included)."""
        assert interaction.guild_id is not None
        current = await store.get_schedule(self.db, interaction.guild_id, channel.id)
        if current is None:
            raise UserError(
                f"There is no question of the day in {channel.mention}: use /qotd setup."
            )
        if role is not None and clear_role:
            raise UserError("Give either role or clear_role, not both.")
        try:
            local_time = parse_time(time) if time is not None else current.local_time
            zone, zone_note = (
                resolve_timezone(timezone) if timezone is not None else (current.timezone, None)
            )
            mask = parse_days(days) if days is not None else current.days
        except ScheduleError as exc:
            raise UserError(str(exc)) from None
        target = channel
        if role is not None:
            await self._check_role(interaction, role)
        self._check_reveal_after(reveal_after)
        fmt = format if format is not None else current.format
        bank_key = current.bank
        if bank is not None or format is not None:  # the bank must suit the format
            bank_key = self._check_bank(interaction.guild_id, bank or current.bank, fmt).key
        self._check_discussion(target, fmt)
        role_id = None if clear_role else (role.id if role is not None else current.role_id)
        schedule, due = await self._save(
            interaction,
            store.ScheduleSpec(
                guild_id=interaction.guild_id,
                channel_id=target.id,
                local_time=local_time,
                timezone=zone,
                days=mask,
                bank=bank_key,
                role_id=role_id,
                reveal_after_min=(
                    reveal_after * 60 if reveal_after is not None else current.reveal_after_min
                ),
                thread=thread if thread is not None else current.thread,
                format=fmt,
            ),
            keep_paused=True,
        )
        changes = [
            f"{name} ({old} → {new})"
            for name, old, new in _settings_diff(current, schedule, self.banks)
            if old != new
        ]
        lines = [f"Changed: {'; '.join(changes)}." if changes else "Nothing changed."]
        lines += self._summary(schedule, due, target)
        if zone_note:
            lines.append(f"Note: {zone_note}.")
        await reply(interaction, "\n".join(lines))

    @setup.autocomplete("timezone")
    @edit.autocomplete("timezone")
    async def _timezone_choices(
        self, interaction: discord.Interaction[StudyBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=z, value=z) for z in suggest_timezones(current)]

    @setup.autocomplete("days")
    @edit.autocomplete("days")
    async def _days_choices(
        self, interaction: discord.Interaction[StudyBot], current: str
    ) -> list[app_commands.Choice[str]]:
        options = ["daily", "weekdays", "weekends", "mon,wed,fri", "tue,thu"]
        return [app_commands.Choice(name=o, value=o) for o in options if current.lower() in o]

    @setup.autocomplete("bank")
    @edit.autocomplete("bank")
    async def _bank_choices(
        self, interaction: discord.Interaction[StudyBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return bank_choices(self.banks, current, interaction.guild_id)

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
            # the questions of this bank it can ask in its format, and those asked in the cycle
            # (the channel may have used another bank)
            kinds = qotd_kinds(s.format)
            askable = (
                {q.id for q in bank.questions if self.banks.askable(bank.key, q, kinds)}
                if bank
                else set()
            )
            total = len(askable)
            used = [q for q in turn.used if q in askable]
            state = "⏸️ paused" if s.paused else ("⚠️ stopped" if s.error else "▶️ active")
            lines = [
                f"{state} · {s.local_time} {s.timezone}, {describe_days(s.days)}",
                f"Bank: {bank.name if bank else s.bank} · {max(total - len(used), 0)} of {total} "
                "questions left in this cycle",
                f"Format: {FORMAT_NAMES.get(s.format, s.format)}",
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
            problem = (fresh.error or fresh.notice) if fresh else None
            problem = problem or "it could not be sent; try again"
            raise UserError(f"No question was posted: {problem.rstrip('.')}.")
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
        due = await self._first_due(
            schedule.channel_id, self._now(), schedule.local_time, schedule.days, schedule.timezone
        )
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

    # --- the rotation ahead, and today's post ----------
    async def _lineup(self, schedule: store.Schedule) -> list[tuple[Question, int]]:
        """The next questions the schedule will post (each once), with the cycle of each."""
        bank = self.banks.get(schedule.bank)
        if bank is None:
            raise UserError(
                f"The bank {schedule.bank!r} is no longer loaded: pick another with /qotd edit."
            )
        turn = await store.channel_rotation(self.db, schedule.channel_id)
        kinds = qotd_kinds(schedule.format)
        lineup: list[tuple[Question, int]] = []
        for question, cycle in islice(
            self.poster.lineup(bank, turn, schedule.channel_id, kinds), UPCOMING
        ):
            if any(question.id == q.id for q, _ in lineup):
                break  # a bank of fewer questions has come round again
            lineup.append((question, cycle))
        return lineup

    async def _upcoming_page(
        self, schedule: store.Schedule
    ) -> tuple[discord.Embed, discord.ui.View]:
        questions = [q for q, _ in await self._lineup(schedule)]
        if not questions:
            raise UserError(f"<#{schedule.channel_id}> has no question it can ask next.")
        return (
            upcoming_embed(schedule.channel_id, questions),
            skip_buttons(schedule.id, [q.id for q in questions]),
        )

    @app_commands.command(name="upcoming", description="The next questions, each with Skip")
    @app_commands.describe(channel="The channel (default: this one)")
    async def upcoming(
        self, interaction: discord.Interaction[StudyBot], channel: discord.TextChannel | None = None
    ) -> None:
        schedule = await self._schedule_for(interaction, channel)
        embed, view = await self._upcoming_page(schedule)
        await reply(interaction, embed=embed, view=view)

    async def skip_upcoming(
        self, interaction: discord.Interaction[StudyBot], schedule_id: int, question_id: str
    ) -> None:
        """Skip in /qotd upcoming: checked again here, since a custom_id can be forged or stale."""
        if not interaction.permissions.manage_guild:
            raise UserError("You need the Manage Server permission to skip questions.")
        schedule = await store.schedule_by_id(self.db, schedule_id)
        if schedule is None or schedule.guild_id != interaction.guild_id:
            raise UserError(STALE_LIST)
        cycles = [cycle for q, cycle in await self._lineup(schedule) if q.id == question_id]
        if not cycles:
            raise UserError(STALE_LIST)
        await store.defer_question(self.db, schedule.channel_id, cycles[0], question_id)
        embed, view = await self._upcoming_page(schedule)
        await interaction.response.edit_message(embed=embed, view=view)

    async def _post_to_replace(self, schedule: store.Schedule) -> store.Post:
        """Today's post of the schedule's channel, if it can still be replaced."""
        now = self._now()
        today = now.astimezone(ZoneInfo(schedule.timezone)).date()
        where = f"<#{schedule.channel_id}>"
        post = await store.channel_post_on(self.db, schedule.channel_id, today.isoformat())
        if post is None:
            raise UserError(f"There is no question in {where} today, so there is none to replace.")
        if post.state == "revealed" or now.timestamp() >= post.reveal_at:
            raise UserError(f"Today's question in {where} is already revealed: it stays.")
        if post.state != "posted":
            raise UserError(f"Today's question in {where} is being posted: try again in a minute.")
        bank = self.banks.get(schedule.bank)
        turn = await store.channel_rotation(self.db, schedule.channel_id)
        kinds = qotd_kinds(schedule.format)
        channel_id = schedule.channel_id
        if bank is None or not self.poster.pick_instead(
            bank, turn, channel_id, kinds, post.question_id
        ):
            raise UserError(f"The bank of {where} has no other question to ask instead.")
        return post

    @app_commands.command(name="skip", description="Replace today's question with another one")
    @app_commands.describe(channel="The channel (default: this one)")
    async def skip(
        self, interaction: discord.Interaction[StudyBot], channel: discord.TextChannel | None = None
    ) -> None:
        schedule = await self._schedule_for(interaction, channel)
        post = await self._post_to_replace(schedule)
        await interaction.response.defer(ephemeral=True, thinking=True)
        new = await self.poster.replace(post, schedule, self._now())
        if new is None or new.message_id is None:
            closed = await store.get_post(self.db, post.id)
            if closed is not None and closed.state != "replaced":
                raise UserError("Today's question was revealed meanwhile: it stays.")
            fresh = await store.schedule_by_id(self.db, schedule.id)
            problem = ((fresh.error or fresh.notice) if fresh else None) or "try /qotd post-now"
            raise UserError(
                f"Today's question was closed, but no new one could be posted: "
                f"{problem.rstrip('.')}."
            )
        await reply(
            interaction,
            f"Replaced today's question: {self._link(new)}. Answers already given keep their "
            "points; the replaced question comes back at the end of the cycle.",
        )

    @app_commands.command(name="reveal-now", description="Reveal the answer of the open question")
    @app_commands.describe(channel="The channel (default: this one)")
    async def reveal_now(
        self, interaction: discord.Interaction[StudyBot], channel: discord.TextChannel | None = None
    ) -> None:
        schedule = await self._schedule_for(interaction, channel)
        post = await store.open_post(self.db, schedule.channel_id)
        if post is None:
            raise UserError(f"There is no open question in <#{schedule.channel_id}> to reveal.")
        await interaction.response.defer(ephemeral=True, thinking=True)
        if not await self.poster.reveal(post):
            raise UserError("That question was revealed or replaced meanwhile.")
        await reply(interaction, f"Revealed: {self._link(post)}")

    # --- the archive, for every member ----------
    @app_commands.command(name="archive", description="Past questions of the day, with answers")
    @app_commands.describe(channel="The channel (default: this one)")
    async def archive(
        self, interaction: discord.Interaction[StudyBot], channel: discord.TextChannel | None = None
    ) -> None:
        channel_id = channel.id if channel is not None else interaction.channel_id
        assert channel_id is not None
        embed, view = await self._archive(interaction, channel_id, 0)
        await reply(interaction, embed=embed, view=view)

    async def archive_page(
        self, interaction: discord.Interaction[StudyBot], channel_id: int, page: int
    ) -> None:
        embed, view = await self._archive(interaction, channel_id, page)
        await interaction.response.edit_message(embed=embed, view=view)

    async def _archive(
        self, interaction: discord.Interaction[StudyBot], channel_id: int, page: int
    ) -> tuple[discord.Embed, discord.ui.View]:
        guild = interaction.guild
        if guild is None:
            raise app_commands.NoPrivateMessage()
        self._check_can_read(interaction, guild, channel_id)
        total = await store.count_archived(self.db, guild.id, channel_id)
        if not total:
            raise UserError(
                f"<#{channel_id}> has no past questions yet: each appears here once revealed."
            )
        pages = math.ceil(total / ARCHIVE_PAGE)
        page = min(page, pages - 1)  # the archive may have changed since the button was shown
        rows = await store.archived_posts(
            self.db, guild.id, channel_id, limit=ARCHIVE_PAGE, offset=page * ARCHIVE_PAGE
        )
        entries = [(row, *self._asked(row.post)) for row in rows]
        return archive_embed(channel_id, entries, page, pages), archive_buttons(
            channel_id, page, pages
        )

    @staticmethod
    def _check_can_read(
        interaction: discord.Interaction[StudyBot], guild: discord.Guild, channel_id: int
    ) -> None:
        """Past questions of a channel the member cannot see stay there."""
        channel = guild.get_channel_or_thread(channel_id)
        member = interaction.user
        if (
            channel is None
            or not isinstance(member, discord.Member)
            or not channel.permissions_for(member).view_channel
        ):
            raise UserError("I cannot show the past questions of a channel you cannot see.")

    def _asked(self, post: store.Post) -> tuple[Question | None, Item | None]:
        """The question of a past post (if its bank still has it) and the item it asked."""
        bank = self.banks.get(post.bank)
        return (bank.get(post.question_id) if bank else None), self.poster.item_of(post)

    # --- answering ----------
    async def answer(
        self, interaction: discord.Interaction[StudyBot], post_id: int, choice: int
    ) -> None:
        """A member clicked an answer button: record once, reply privately, within Discord's 3 s
        (acknowledging first only when the work runs late)."""
        embeds = await self.pressure.run(
            interaction, lambda: self._record(interaction, post_id, choice)
        )
        await reply(interaction, embeds=embeds, view=report_view("post", post_id))

    async def _open_post(
        self, interaction: discord.Interaction[StudyBot], post_id: int
    ) -> tuple[store.Post, Question, Item]:
        """The post a click names, still open for answers, with its question and item."""
        post = await self.poster.post(post_id)
        if post is None or post.guild_id != interaction.guild_id:
            raise UserError("This question is no longer available.")
        if post.channel_id != interaction.channel_id:
            raise UserError("This button belongs to a question of another channel.")
        if post.state == "replaced":
            raise UserError("This question was replaced by another one today: answer that one.")
        if post.discussion:
            raise UserError("This question is for discussion only: answer it in its thread.")
        if post.state == "revealed" or self._now().timestamp() >= post.reveal_at:
            raise UserError(
                "Answers to this question are closed: the answer has been revealed in the channel. "
                "Watch for the next question!"
            )
        bank = self.banks.get(post.bank)
        question = bank.get(post.question_id) if bank else None
        if question is None:
            raise UserError("This question's bank is no longer loaded, so it cannot be answered.")
        item = self.poster.item_of(post)
        if item is None:
            raise UserError(
                "This question was posted before the bot's last upgrade, so its buttons no "
                "longer work; its answer is revealed as planned."
            )
        return post, question, item

    async def _record(
        self, interaction: discord.Interaction[StudyBot], post_id: int, choice: int
    ) -> list[discord.Embed]:
        post, question, item = await self._open_post(interaction, post_id)
        if not item.is_choice or not 0 <= choice < len(item.options or ()):
            raise UserError(OUT_OF_DATE)
        now = self._now()
        correct = choice == item.correct
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
                bank=post.bank,
                grade=grade_for(correct),
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
            item,
            first_choice,
            points=outcome.credited,
            streak=streak,
            already=not outcome.recorded,
        )

    # --- recall: a private checklist and a self-grade ----------
    async def _recall_post(
        self, interaction: discord.Interaction[StudyBot], post_id: int
    ) -> tuple[store.Post, Question, Item]:
        post, question, item = await self._open_post(interaction, post_id)
        if item.is_choice:
            raise UserError(OUT_OF_DATE)
        return post, question, item

    async def recall_show(self, interaction: discord.Interaction[StudyBot], row: int) -> None:
        _, question, item = await self.pressure.run(
            interaction, lambda: self._recall_post(interaction, row)
        )
        embed, view = RECALL.checklist(row, question, item)
        await reply(interaction, embed=embed, view=view)

    async def recall_tick(
        self, interaction: discord.Interaction[StudyBot], row: int, ticked: list[int]
    ) -> None:
        _, question, item = await self._recall_post(interaction, row)
        embed, view = RECALL.checklist(row, question, item, ticked)
        await interaction.response.edit_message(embed=embed, view=view)

    async def recall_grade(
        self, interaction: discord.Interaction[StudyBot], row: int, grade: int, ticked: int
    ) -> None:
        await interaction.response.defer()  # acknowledged at once; the checklist is edited after
        post, question, item = await self._recall_post(interaction, row)
        outcome = await record_self_grade(
            self.db,
            NewSelfGrade(
                guild_id=post.guild_id,
                user_id=interaction.user.id,
                board="qotd",
                question_id=question.id,
                grade=grade,
                recalled=min(ticked, len(item.key_points)),
                points_total=len(item.key_points),
                graded_at=self._now(),
                post_id=post.id,
                local_date=post.local_date,
                topic=question.topic,
                bank=post.bank,
            ),
        )
        if outcome.recorded:
            self.poster.dirty.add(post.id)
            streak = outcome.streak.current if outcome.streak else None
        else:
            existing = await get_streak(self.db, post.guild_id, interaction.user.id)
            streak = existing.current if existing else None
        embeds = graded_embeds(
            question,
            item,
            grade=outcome.grade,
            recalled=min(ticked, len(item.key_points)),
            already=not outcome.recorded,
            streak=streak,
        )
        await interaction.edit_original_response(embeds=embeds, view=report_view("post", post.id))


_implements_buttons: type[QotdButtons] = Qotd  # checked by mypy
