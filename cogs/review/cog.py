"""/review: each member's due cards, privately, one at a time; new questions at a capped rate
a day; an opt-in daily reminder by direct message when cards are due."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.bank.model import Question
from bot.db import qotd as qotd_store
from bot.db import reviews as store
from bot.discord_glue.client import StudyBot, UserError, reply, report_error
from bot.discord_glue.modals import typed_answer
from bot.discord_glue.progress import progress_file, show_card
from bot.discord_glue.render import (
    choice_text,
    due_line,
    graded_embeds,
    quiz_feedback_embeds,
    review_card_embed,
    review_done_embed,
    ts,
)
from bot.discord_glue.report import report_button
from bot.items.maker import REVIEW_KINDS
from bot.items.model import Item, Kind
from bot.study.review import Grade, end_of_local_day, grade_for
from bot.study.rotation import rotation
from bot.study.schedule import ALL_DAYS, ScheduleError, next_due, parse_time, resolve_timezone
from cogs.review.buttons import (
    COG_NAME,
    MODAL_PREFIX,
    RECALL,
    ReviewButtons,
    answer_modal,
    card_of_row,
    card_view,
    modal_card,
    next_view,
    recall_row,
)

log = logging.getLogger(__name__)

REMINDER_SECONDS = 60
MAX_SKIPPED = 50  # due cards of unloaded banks passed over to find one to ask
MAX_NEW_PER_DAY = 100
DM_CLOSED = 50007  # Discord: "Cannot send messages to this user"
DM_CLOSED_NOTICE = (
    "I could not send your review reminder by direct message: your direct messages from this "
    "server are closed, so reminders are off. Allow them and set `/review remind` again."
)


class Review(commands.Cog, name=COG_NAME):
    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot
        self.db = bot.services.db
        self.banks = bot.services.banks
        self.clock = bot.services.clock

    async def cog_load(self) -> None:
        self.reminders.start()

    async def cog_unload(self) -> None:
        self.reminders.cancel()

    # --- /review ----------
    @app_commands.command(name="review", description="Review your cards that are due, privately")
    @app_commands.guild_only()
    @app_commands.describe(
        remind="A daily reminder by direct message when cards are due: HH:MM, or off",
        timezone="Your timezone for the reminder, e.g. Europe/Berlin (default: the server's)",
        new_per_day=f"New questions a day for you (0-{MAX_NEW_PER_DAY})",
        server_default="With new_per_day: set the server's default instead (Manage Server)",
    )
    async def review(
        self,
        interaction: discord.Interaction[StudyBot],
        remind: str | None = None,
        timezone: str | None = None,
        new_per_day: app_commands.Range[int, 0, MAX_NEW_PER_DAY] | None = None,
        server_default: bool = False,
    ) -> None:
        assert interaction.guild_id is not None
        guild_id, user_id = interaction.guild_id, interaction.user.id
        lines = []
        if new_per_day is not None:
            lines.append(await self._set_new_per_day(interaction, new_per_day, server_default))
        elif server_default:
            raise UserError("Give new_per_day with server_default.")
        if remind is not None or timezone is not None:
            lines.append(await self._set_reminder(interaction, remind, timezone))
        if lines:
            dues = await self._dues(guild_id, user_id)
            await reply(interaction, "\n".join([*lines, dues]))
            return
        embed, view = await self._next(
            guild_id, user_id, notice=await self._notice(guild_id, user_id)
        )
        if view is None:  # nothing left to review: the member's progress instead
            card = await progress_file(self.bot, guild_id, user_id)
            await reply(interaction, embed=show_card(embed, card), files=[card])
            return
        await reply(interaction, embed=embed, view=view)

    async def _set_new_per_day(
        self, interaction: discord.Interaction[StudyBot], count: int, server: bool
    ) -> str:
        assert interaction.guild_id is not None
        if not 0 <= count <= MAX_NEW_PER_DAY:
            raise UserError(f"new_per_day must be 0 to {MAX_NEW_PER_DAY}, not {count}.")
        if server:
            if not interaction.permissions.manage_guild:
                raise UserError("Only members with Manage Server set the server's default.")
            now = int(self.clock.now().timestamp())
            await store.set_server_new_per_day(self.db, interaction.guild_id, count, now)
            return f"New questions a day, by default in this server: {count}."
        await store.set_member_new_per_day(
            self.db, interaction.guild_id, interaction.user.id, count
        )
        return f"New questions a day for you: {count}."

    async def _set_reminder(
        self, interaction: discord.Interaction[StudyBot], remind: str | None, timezone: str | None
    ) -> str:
        assert interaction.guild_id is not None
        guild_id, user_id = interaction.guild_id, interaction.user.id
        if remind is not None and remind.strip().lower() == "off":
            await store.set_reminder(self.db, guild_id, user_id, None, None, None)
            return "Review reminders are off."
        settings = await store.review_settings(self.db, guild_id, user_id)
        try:
            local_time = parse_time(remind) if remind is not None else settings.remind_time
            if local_time is None:
                raise UserError("Give the reminder's time: remind:HH:MM (or remind:off).")
            zone, note = (
                resolve_timezone(timezone)
                if timezone is not None
                else (settings.remind_tz or await self.bot.zones.get(guild_id), None)
            )
        except ScheduleError as exc:
            raise UserError(str(exc)) from None
        first, _ = next_due(self.clock.now(), local_time, ALL_DAYS, zone)
        await store.set_reminder(
            self.db, guild_id, user_id, local_time, zone, int(first.timestamp())
        )
        line = (
            f"I will remind you by direct message at {local_time} {zone} on days when cards are "
            f"due, once a day at most; the first check is {ts(first, 'R')}. "
            "Your direct messages must be open to this server's members."
        )
        return f"{line} ({note})" if note else line

    async def _notice(self, guild_id: int, user_id: int) -> str | None:
        """Tell a member once, here, that their reminder could not reach them."""
        settings = await store.review_settings(self.db, guild_id, user_id)
        if not settings.dm_closed:
            return None
        await store.set_dm_closed(self.db, guild_id, user_id, False)
        return DM_CLOSED_NOTICE

    async def _dues(self, guild_id: int, user_id: int) -> str:
        now = self.clock.now()
        zone = await self.bot.zones.get(guild_id)
        dues = await store.due_summary(self.db, guild_id, user_id, now, end_of_local_day(now, zone))
        return due_line(dues.now, dues.today, dues.week, dues.next_due)

    # --- asking the next card ----------
    async def _next(
        self, guild_id: int, user_id: int, *, notice: str | None = None
    ) -> tuple[discord.Embed, discord.ui.View | None]:
        """The member's next card asked as its item, or the all-done summary."""
        now = self.clock.now()
        card = await self._first_due(guild_id, user_id, now)
        new = card is None
        if card is None:
            card = await self._introduce(guild_id, user_id, now)
        due = await self._dues(guild_id, user_id)
        question = self._question(card) if card is not None else None
        if card is None or question is None:
            return review_done_embed(due, notice=notice), None
        item = self._item(card, question)
        await store.set_shown_item(self.db, card.id, card.state.reps, item.dumps())
        embed = review_card_embed(question, item, due=due, new=new, notice=notice)
        return embed, card_view(card.id, card.state.reps, item)

    async def _first_due(self, guild_id: int, user_id: int, now: datetime) -> store.Card | None:
        """The member's card due the longest whose question is still served: a card of a
        bank no longer loaded waits, unasked, until its bank is back."""
        card = await store.next_due_card(self.db, guild_id, user_id, now)
        for _ in range(MAX_SKIPPED):
            if card is None or self._question(card) is not None:
                return card
            card = await store.next_due_card(self.db, guild_id, user_id, now, after=card)
        return None

    def _question(self, card: store.Card) -> Question | None:
        bank = self.banks.get(card.bank)
        return bank.get(card.question_id) if bank else None

    def _item(self, card: store.Card, question: Question) -> Item:
        # the seed changes with every review: the same card is not asked the same way twice
        item = self.banks.item(
            card.bank, question, recall_row(card.id, card.state.reps), REVIEW_KINDS
        )
        if item is None:
            raise UserError("This card's question can no longer be asked.")
        return item

    async def _introduce(self, guild_id: int, user_id: int, now: datetime) -> store.Card | None:
        """A question the member has not met, if today's allowance of new ones is not spent:
        from the bank of the server's question of the day, else the first bank."""
        settings = await store.review_settings(self.db, guild_id, user_id)
        zone = await self.bot.zones.get(guild_id)
        today = now.astimezone(ZoneInfo(zone)).date().isoformat()
        if await store.introduced_on(self.db, guild_id, user_id, today) >= settings.new_per_day:
            return None
        schedules = await qotd_store.guild_schedules(self.db, guild_id)
        chosen = [b for s in schedules if (b := self.banks.get(s.bank)) is not None]
        bank = next(iter(chosen), None) or self.banks.choose(guild_id, None)
        if bank is None:
            return None
        if await store.card_count(self.db, guild_id, user_id, bank.key) >= len(bank.questions):
            return None  # every question of the bank has its card already
        known = await store.carded_questions(self.db, guild_id, user_id, bank.key)
        order = sorted(bank.questions, key=lambda q: q.id)
        for question in rotation(order, f"review {guild_id}:{user_id}"):
            if question.id not in known and self.banks.askable(bank.key, question, REVIEW_KINDS):
                return await store.introduce(
                    self.db, guild_id, user_id, bank.key, question.id, now, today
                )
        return None

    # --- loading what a click names ----------
    async def _card(
        self, interaction: discord.Interaction[StudyBot], card_id: int, reps: int
    ) -> tuple[store.Card, Question, Item]:
        card = await store.get_card(self.db, card_id)
        if card is None or card.user_id != interaction.user.id:
            raise UserError("These are someone else's cards: start your own with /review.")
        if interaction.guild_id is not None and card.guild_id != interaction.guild_id:
            raise UserError("This card belongs to another server.")
        if card.state.reps != reps:
            raise UserError("You have reviewed this card already: press Next card.")
        question = self._question(card)
        if question is None:
            raise UserError("This card's bank is no longer loaded.")
        shown = await store.shown_item(self.db, card.id, reps)  # what the member was asked
        return card, question, Item.loads(shown) if shown else self._item(card, question)

    async def _grade(
        self,
        interaction: discord.Interaction[StudyBot],
        card: store.Card,
        grade: Grade,
        embeds: list[discord.Embed],
    ) -> None:
        zone = await self.bot.zones.get(card.guild_id)
        now = self.clock.now()
        done = await store.record_review(
            self.db,
            store.NewReview(
                card.guild_id, card.user_id, card.bank, card.question_id, int(grade), now, "review"
            ),
            reps=card.state.reps,
            local_date=now.astimezone(ZoneInfo(zone)).date().isoformat(),
        )
        if done is None:
            raise UserError("You have reviewed this card already: press Next card.")
        embeds[0].add_field(
            name="Next review of this card", value=ts(done.state.due, "R"), inline=False
        )
        view = next_view(card.guild_id).add_item(report_button("card", card.id))
        if interaction.response.is_done():
            await interaction.edit_original_response(embeds=embeds, view=view)
        else:
            await interaction.response.edit_message(embeds=embeds, view=view)

    # --- buttons ----------
    async def on_choice(
        self, interaction: discord.Interaction[StudyBot], card_id: int, reps: int, choice: int
    ) -> None:
        card, question, item = await self._card(interaction, card_id, reps)
        if not item.is_choice or not 0 <= choice < len(item.options or ()):
            raise UserError("This button is out of date.")
        right = choice == item.correct
        embeds = quiz_feedback_embeds(
            question,
            item,
            correct=right,
            given=choice_text(item, choice),
            earned=0,
            credited=0,
            timed_out=False,
            choice=choice,
        )
        await self._grade(interaction, card, grade_for(right), embeds)

    async def open_typed(
        self, interaction: discord.Interaction[StudyBot], card_id: int, reps: int
    ) -> None:
        _, _, item = await self._card(interaction, card_id, reps)
        if not item.is_typed:
            raise UserError("This button is out of date.")
        modal = answer_modal(card_id, reps)
        await interaction.response.send_modal(modal)
        modal.stop()  # the submission is handled by on_interaction, also after a restart

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction[StudyBot]) -> None:
        if interaction.type is not discord.InteractionType.modal_submit:
            return
        data: dict[str, Any] = dict(interaction.data or {})
        custom_id = str(data.get("custom_id", ""))
        if not custom_id.startswith(MODAL_PREFIX):
            return
        try:
            named = modal_card(custom_id)
            if named is None:
                raise UserError("This answer form is not valid.")
            card, question, item = await self._card(interaction, *named)
            if not item.is_typed:
                raise UserError("This answer form is out of date.")
            typed = typed_answer(data, item, question.prompt)
            embeds = quiz_feedback_embeds(
                question,
                item,
                correct=typed.right,
                given=typed.given,
                earned=0,
                credited=0,
                timed_out=False,
            )
            await self._grade(interaction, card, grade_for(typed.right), embeds)
        except Exception as exc:
            await report_error(interaction, exc)

    async def on_next(
        self, interaction: discord.Interaction[StudyBot], guild_id: int, *, start: bool
    ) -> None:
        if interaction.guild_id is not None and interaction.guild_id != guild_id:
            raise UserError("This button belongs to another server's review.")
        await self._check_member(guild_id, interaction.user.id)
        embed, view = await self._next(guild_id, interaction.user.id)
        if start:  # from a reminder: it stays, the review goes on in a new message
            await interaction.response.send_message(embed=embed, view=view or discord.utils.MISSING)
            return
        await interaction.response.edit_message(embed=embed, view=view)

    async def _check_member(self, guild_id: int, user_id: int) -> None:
        """Cards are reviewed by members of their server only (a direct message names it)."""
        guild = self.bot.get_guild(guild_id)
        if guild is None:
            raise UserError("I am no longer in that server, so its cards cannot be reviewed.")
        if guild.get_member(user_id) is None:
            try:
                await guild.fetch_member(user_id)
            except discord.NotFound:
                raise UserError(
                    "You are no longer a member of that server, so its cards cannot be reviewed."
                ) from None

    # --- recall ----------
    async def _recall_card(
        self, interaction: discord.Interaction[StudyBot], row: int
    ) -> tuple[store.Card, Question, Item]:
        card_id, reps = card_of_row(row)
        card, question, item = await self._card(interaction, card_id, reps)
        if item.kind is not Kind.RECALL:
            raise UserError("This button is out of date.")
        return card, question, item

    async def recall_show(self, interaction: discord.Interaction[StudyBot], row: int) -> None:
        _, question, item = await self._recall_card(interaction, row)
        embed, view = RECALL.checklist(row, question, item)
        await interaction.response.edit_message(embed=embed, view=view)

    async def recall_tick(
        self, interaction: discord.Interaction[StudyBot], row: int, ticked: list[int]
    ) -> None:
        _, question, item = await self._recall_card(interaction, row)
        embed, view = RECALL.checklist(row, question, item, ticked)
        await interaction.response.edit_message(embed=embed, view=view)

    async def recall_grade(
        self, interaction: discord.Interaction[StudyBot], row: int, grade: int, ticked: int
    ) -> None:
        card, question, item = await self._recall_card(interaction, row)
        embeds = graded_embeds(
            question,
            item,
            grade=grade,
            recalled=min(ticked, len(item.key_points)),
            already=False,
            streak=None,
        )
        await self._grade(interaction, card, Grade(grade), embeds)

    # --- reminders ----------
    @tasks.loop(seconds=REMINDER_SECONDS)
    async def reminders(self) -> None:
        try:
            await self.send_reminders(self.clock.now())
        except Exception:  # the next minute tries again; the loop must not die
            log.exception("review: reminders failed")

    @reminders.before_loop
    async def _ready(self) -> None:
        await self.bot.wait_until_ready()

    async def send_reminders(self, now: datetime) -> int:
        """Send the reminders due at ``now`` to members with cards due; returns how many went
        out. Each reminder moves to its next day first, so none goes out twice."""
        sent = 0
        due = await store.due_reminders(
            self.db, int(now.timestamp()), shards=self.bot.served_shards
        )
        for reminder in due:
            following, _ = next_due(
                now + timedelta(seconds=1), reminder.remind_time, ALL_DAYS, reminder.remind_tz
            )
            claimed = await store.move_reminder(
                self.db,
                reminder.guild_id,
                reminder.user_id,
                reminder.remind_next,
                int(following.timestamp()),
            )
            if not claimed:
                continue
            try:
                sent += await self._remind(reminder, now)
            except Exception:
                log.exception(
                    "review: reminder of %s in %s failed", reminder.user_id, reminder.guild_id
                )
        return sent

    async def _remind(self, reminder: store.Reminder, now: datetime) -> int:
        try:
            await self._check_member(reminder.guild_id, reminder.user_id)
        except UserError:  # the bot or the member left the server: its reminders end
            await store.set_reminder(self.db, reminder.guild_id, reminder.user_id, None, None, None)
            return 0
        guild = self.bot.get_guild(reminder.guild_id)
        assert guild is not None
        if await self._first_due(reminder.guild_id, reminder.user_id, now) is None:
            return 0  # only when a card can be reviewed
        zone = await self.bot.zones.get(reminder.guild_id)
        dues = await store.due_summary(
            self.db, reminder.guild_id, reminder.user_id, now, end_of_local_day(now, zone)
        )
        if not dues.now:
            return 0  # only when cards are due
        cards = "1 card is" if dues.now == 1 else f"{dues.now} cards are"
        try:
            user = self.bot.get_user(reminder.user_id) or await self.bot.fetch_user(
                reminder.user_id
            )
            await user.send(
                f"{cards} due for review in **{discord.utils.escape_markdown(guild.name)}**. "
                f"Review them here, or with /review in the server. (Reminders: `/review "
                "remind:off` in the server turns them off.)",
                view=next_view(reminder.guild_id, start=True),
                allowed_mentions=discord.AllowedMentions.none(),
            )
        except discord.Forbidden as exc:
            if exc.code != DM_CLOSED:
                raise
            # closed DMs: reminders stop, and the member is told once, privately, in the server
            await store.set_reminder(self.db, reminder.guild_id, reminder.user_id, None, None, None)
            await store.set_dm_closed(self.db, reminder.guild_id, reminder.user_id, True)
            return 0
        except (discord.HTTPException, aiohttp.ClientError) as exc:
            log.warning("review: reminder to %s not sent: %s", reminder.user_id, exc)
            return 0
        return 1


_implements_buttons: type[ReviewButtons] = Review  # checked by mypy
