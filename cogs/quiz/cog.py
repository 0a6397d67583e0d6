"""/quiz: practice on demand, alone (private) or as a group game in the channel."""

from __future__ import annotations

import asyncio
import logging
import random
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import aiohttp
import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.bank.model import Bank, Difficulty, Question
from bot.bank.text import shorten
from bot.db import quiz as store
from bot.db import reviews
from bot.db.answers import NewAnswer, record_answer
from bot.db.self_grades import NewSelfGrade, record_self_grade
from bot.discord_glue.autocomplete import bank_choices, topic_choices
from bot.discord_glue.client import StudyBot, UserError, reply, report_error, send
from bot.discord_glue.custom_ids import is_row_id
from bot.discord_glue.modals import typed_answer
from bot.discord_glue.render import (
    answer_embeds,
    answer_text,
    choice_text,
    graded_embeds,
    group_result_embed,
    group_results_embed,
    prompt_text,
    quiz_feedback_embeds,
    quiz_question_embed,
    quiz_summary_embed,
)
from bot.discord_glue.report import report_button
from bot.items.maker import quiz_kinds
from bot.items.model import Item, Kind
from bot.study.quiz import (
    ABANDONED_AFTER,
    DEFAULT_QUESTIONS,
    GROUP_SECONDS,
    MAX_QUESTIONS,
    MAX_SOLO_QUIZZES,
    MIN_QUESTIONS,
    SOLO_SECONDS,
    answer_buttons,
    draw,
    eligible,
    fits,
    points,
    review_grade,
)
from bot.study.review import draw_order
from cogs.quiz.buttons import (
    COG_NAME,
    MODAL_PREFIX,
    RECALL,
    QuizButtons,
    answer_modal,
    full_answer_view,
    modal_question,
    next_view,
    question_view,
    results_view,
    summary_view,
)

log = logging.getLogger(__name__)


def echo(value: str) -> str:
    """A member's option value quoted back to them, shortened to a readable length."""
    return repr(shorten(value, 100))


RECENTLY = timedelta(days=7)  # a question missed this recently comes first in a solo quiz
SWEEP_SECONDS = 300  # how often idle quizzes are looked for
FIND_LIMIT = 50  # latest messages searched for a question asked just before a restart


def question_nonce(qq_id: int) -> str:
    """The nonce a group question is sent with, the same on every attempt (at most 23 of
    the 25 characters Discord allows)."""
    return f"quiz{qq_id}"


def asks(message: discord.Message, qq_id: int) -> bool:
    """Whether ``message`` carries the answer buttons of quiz question ``qq_id``."""
    wanted = (f"quiz:a:{qq_id}:", f"quiz:t:{qq_id}")
    for row in message.components:
        for item in getattr(row, "children", ()):
            custom_id = getattr(item, "custom_id", None)
            if isinstance(custom_id, str) and (
                custom_id.startswith(wanted[0]) or custom_id == wanted[1]
            ):
                return True
    return False


def _dt(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


class Quiz(commands.Cog, name=COG_NAME):
    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot
        self.db = bot.services.db
        self.banks = bot.services.banks
        self.clock = bot.services.clock
        self.runners: dict[int, asyncio.Task[None]] = {}
        self.stops: dict[int, asyncio.Event] = {}
        self._resume_task: asyncio.Task[None]

    # --- lifecycle ----------
    async def cog_load(self) -> None:
        self._resume_task = asyncio.create_task(self._resume(), name="quiz-resume")
        self.sweep.start()

    async def cog_unload(self) -> None:
        """Group quizzes stop here and carry on from the database after a restart."""
        self.sweep.cancel()
        tasks = [self._resume_task, *self.runners.values()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self.runners.clear()

    async def _resume(self) -> None:
        """Group quizzes that were running when the bot stopped go on where they were."""
        await self.bot.wait_until_ready()  # a task, not cog_load itself: waiting here is safe
        for session in await store.running_quizzes(self.db):
            if session.mode == "group":
                self._start_runner(session.id)

    @tasks.loop(seconds=SWEEP_SECONDS)
    async def sweep(self) -> None:
        try:
            await self.expire_idle()
        except Exception:  # the next sweep tries again; the loop must not die
            log.exception("quiz: could not end idle quizzes")

    async def expire_idle(self) -> None:
        """End the solo quizzes nobody has touched for a while (a dismissed private message, a
        member who left): they would otherwise stay running for ever. Group quizzes move on by
        their timer and end by themselves, also when they cannot go on."""
        before = (self.clock.now() - ABANDONED_AFTER).timestamp()
        for session in await store.idle_solo_quizzes(self.db, before):
            if await store.end_quiz(self.db, session.id, "stopped", self.clock.now().timestamp()):
                log.info("quiz %s ended after %s without activity", session.id, ABANDONED_AFTER)

    # --- helpers ----------
    def _bank_and_question(
        self, session: store.QuizSession, qq: store.QuizQuestion
    ) -> tuple[Bank, Question]:
        bank = self.banks.get(session.bank)
        question = bank.get(qq.question_id) if bank else None
        if bank is None or question is None:
            raise UserError("The bank of this quiz is no longer loaded, so it cannot go on.")
        return bank, question

    @staticmethod
    def _check_shown(item: Item, *, group: bool) -> None:
        """Refuse to ask a question whose options cannot all be shown as buttons."""
        options = item.options or ()
        if len(options) > answer_buttons(group=group):
            raise UserError(
                f"A question of this quiz has {len(options)} choices, more than the "
                f"{answer_buttons(group=group)} buttons a message can show here."
            )

    @staticmethod
    def _kinds(session: store.QuizSession) -> frozenset[Kind]:
        return quiz_kinds(session.mode, session.typed, session.format)

    def _item(
        self,
        session: store.QuizSession,
        bank: Bank,
        question: Question,
        qq: store.QuizQuestion | None = None,
    ) -> Item:
        """The item a quiz question is asked as: the one stored when it was asked, so that
        what a click means never changes, or the best of the quiz's kinds before that."""
        if qq is not None and qq.item:
            try:
                return Item.loads(qq.item)
            except ValueError as exc:
                log.warning("quiz question %s has an unreadable item (%s); rebuilt", qq.id, exc)
        if qq is not None and qq.asked_at is not None:
            raise UserError(  # asked before items were stored: its options cannot be rebuilt
                "This quiz was started before the bot's last upgrade and cannot go on; "
                "start a new one with /quiz."
            )
        item = self.banks.item(bank.key, question, session.id, self._kinds(session))
        if item is None:
            raise UserError("A question of this quiz can no longer be asked this way.")
        return item

    async def _load(
        self, interaction: discord.Interaction[StudyBot], qq_id: int, *, what: str = "button"
    ) -> tuple[store.QuizSession, store.QuizQuestion]:
        """The quiz question a button or answer form names, once it is known to belong to the
        server and channel the interaction comes from."""
        if not is_row_id(qq_id):
            raise UserError(f"This {what} is not valid.")
        qq = await store.quiz_question(self.db, qq_id)
        session = await store.get_quiz(self.db, qq.session_id) if qq else None
        if qq is None or session is None:
            raise UserError("This quiz no longer exists. Start a new one with /quiz.")
        self._belongs(interaction, session, what)
        return session, qq

    async def _load_session(
        self, interaction: discord.Interaction[StudyBot], session_id: int
    ) -> store.QuizSession:
        if not is_row_id(session_id):
            raise UserError("This button is not valid.")
        session = await store.get_quiz(self.db, session_id)
        if session is None:
            raise UserError("This quiz no longer exists. Start a new one with /quiz.")
        self._belongs(interaction, session, "button")
        return session

    @staticmethod
    def _belongs(
        interaction: discord.Interaction[StudyBot], session: store.QuizSession, what: str
    ) -> None:
        """Refuse a click or answer that names a quiz of another server or channel (a forged
        custom_id: Discord sends whatever the client claims)."""
        if session.guild_id != interaction.guild_id:
            raise UserError(f"This {what} is not from this server.")
        if session.channel_id != interaction.channel_id:
            raise UserError(f"This {what} belongs to a quiz in another channel.")

    # --- /quiz ----------
    @app_commands.command(
        name="quiz", description="Practice: a quiz alone (private) or with the channel"
    )
    @app_commands.guild_only()
    @app_commands.describe(
        questions=f"How many questions ({MIN_QUESTIONS}-{MAX_QUESTIONS}, "
        f"default {DEFAULT_QUESTIONS})",
        topic="Only questions of this topic",
        difficulty="Only questions of this difficulty",
        mode="solo: just you, privately (default); group: everyone in the channel",
        bank="The question bank (default: the first one)",
        typed="Type the answers instead of picking (banks with accepted short answers)",
        format="auto: the best way to ask each question (default); choice: buttons only; "
        "recall: check yourself against the key points",
    )
    async def quiz(
        self,
        interaction: discord.Interaction[StudyBot],
        questions: app_commands.Range[int, MIN_QUESTIONS, MAX_QUESTIONS] = DEFAULT_QUESTIONS,
        topic: str | None = None,
        difficulty: Literal["easy", "medium", "hard"] | None = None,
        mode: Literal["solo", "group"] = "solo",
        bank: str | None = None,
        typed: bool | None = None,
        format: Literal["auto", "choice", "recall"] = "auto",
    ) -> None:
        assert interaction.guild_id is not None and interaction.channel_id is not None
        if format not in ("auto", "choice", "recall"):
            raise UserError(f"There is no format {echo(format)}: choose auto, choice or recall.")
        # Discord's client keeps to the declared choices and range; a tampered one need not.
        if mode not in ("solo", "group"):
            raise UserError(f"There is no quiz mode {echo(mode)}: choose solo or group.")
        if difficulty is not None and difficulty not in ("easy", "medium", "hard"):
            raise UserError(
                f"There is no difficulty {echo(difficulty)}: choose easy, medium or hard."
            )
        if not MIN_QUESTIONS <= questions <= MAX_QUESTIONS:
            raise UserError(f"Choose between {MIN_QUESTIONS} and {MAX_QUESTIONS} questions.")
        if mode == "group":
            self._check_group_allowed(interaction)
        chosen = self.banks.choose(interaction.guild_id, bank)
        if chosen is None:
            raise UserError(
                f"There is no bank {echo(bank or '')}. "
                f"Banks here: {self.banks.names(interaction.guild_id)}."
            )
        can_type = any(q.aliases for q in chosen.questions)
        if typed and not can_type:
            raise UserError(
                f"**{chosen.name}** has no short accepted answers to type; play it with buttons."
            )
        if typed is None:  # typed by default for banks made of short answers (trivia lists)
            typed = (
                format == "auto"
                and can_type
                and all(q.aliases and not q.has_choices for q in chosen.questions)
            )

        room = answer_buttons(group=mode == "group")

        kinds = quiz_kinds(mode, typed, format)
        if not kinds:
            raise UserError(
                f"Typed answers cannot be played as {format}: leave out typed or format."
                if typed
                else "A group quiz is judged, so it cannot be played as self-graded recall."
            )

        def playable(q: Question) -> bool:
            return fits(q, room) and self.banks.askable(chosen.key, q, kinds)

        level = Difficulty(difficulty) if difficulty else None
        pool = eligible(chosen.questions, topic=topic, difficulty=level, playable=playable)
        if not pool:
            what = " and ".join(x for x in (topic and f"topic {echo(topic)}", difficulty) if x)
            raise UserError(
                f"**{chosen.name}** has no question{' with ' + what if what else ''} to ask."
            )
        now = self.clock.now()
        picked = await self._draw(interaction, pool, questions, mode, now)
        spec = store.QuizSpec(
            guild_id=interaction.guild_id,
            channel_id=interaction.channel_id,
            user_id=interaction.user.id,
            mode=mode,
            bank=chosen.key,
            topic=topic,
            difficulty=difficulty,
            typed=typed,
            format=format,
        )
        try:
            session, qqs = await store.create_quiz(
                self.db, spec, [q.id for q in picked], now.timestamp(), solo_limit=MAX_SOLO_QUIZZES
            )
        except store.GroupQuizRunning:
            raise UserError(
                "A group quiz is already running in this channel. Its starter or a server "
                "manager can stop it with its Stop button."
            ) from None
        except store.MemberGroupQuizRunning as running:
            raise UserError(
                f"You are already running a group quiz in <#{running.channel_id}>; stop it with "
                "its Stop button or let it finish first."
            ) from None
        try:
            if mode == "group":
                await reply(
                    interaction,
                    f"{interaction.user.mention} started a group quiz: {len(picked)} question(s) "
                    f"from **{chosen.name}**, {GROUP_SECONDS} s each. Everyone may answer!",
                    ephemeral=False,
                )
                self._start_runner(session.id)
                return
            await self._ask_solo(interaction, session, chosen, qqs[0], picked[0], edit=False)
        except Exception as exc:
            # A quiz nobody can see must not hold the channel (or the member) until a restart.
            await store.end_quiz(self.db, session.id, "stopped", self.clock.now().timestamp())
            if isinstance(exc, discord.HTTPException | aiohttp.ClientError):
                log.warning("quiz %s called off: its start was not posted: %s", session.id, exc)
                raise UserError(
                    "Discord did not take the start of this quiz, so it was called off; "
                    "please try again."
                ) from exc
            raise

    async def _draw(
        self,
        interaction: discord.Interaction[StudyBot],
        pool: list[Question],
        count: int,
        mode: str,
        now: datetime,
    ) -> list[Question]:
        """A solo quiz draws the member's due and recently missed questions first, then those
        they have not met, then the rest; a group quiz, questions the starter has not seen."""
        assert interaction.guild_id is not None
        guild_id, user_id = interaction.guild_id, interaction.user.id
        if mode == "group":
            seen = await store.recently_seen(self.db, guild_id, user_id)
            return draw(pool, count, seen, seed=interaction.id)
        cards = await reviews.member_cards(self.db, guild_id, user_id)
        missed = await reviews.recently_missed(self.db, guild_id, user_id, now - RECENTLY)
        by_id = {q.id: q for q in pool}
        rng = random.Random(interaction.id)  # noqa: S311 - variety, not security
        order = draw_order(list(by_id), cards, missed, now, rng)
        return [by_id[qid] for qid in order[:count]]

    async def _ask_solo(
        self,
        interaction: discord.Interaction[StudyBot],
        session: store.QuizSession,
        bank: Bank,
        qq: store.QuizQuestion,
        question: Question,
        *,
        edit: bool,
    ) -> None:
        """Ask a solo quiz's question privately: a new message, or in place of the last one."""
        now = self.clock.now()
        item = self._item(session, bank, question)
        self._check_shown(item, group=False)
        deadline = now + timedelta(seconds=SOLO_SECONDS)
        await store.mark_asked(
            self.db, qq.id, None, now.timestamp(), deadline.timestamp(), item.dumps()
        )
        embed = quiz_question_embed(
            question,
            item,
            position=qq.position,
            total=session.total,
            deadline=deadline,
            group=False,
        )
        if edit:
            await interaction.response.edit_message(embed=embed, view=question_view(qq.id, item))
        else:
            await reply(interaction, embed=embed, view=question_view(qq.id, item))

    @staticmethod
    def _check_group_allowed(interaction: discord.Interaction[StudyBot]) -> None:
        """A group quiz speaks in the channel: its starter and the bot must be able to."""
        in_thread = isinstance(interaction.channel, discord.Thread)
        member, bot = interaction.permissions, interaction.app_permissions
        if not (member.send_messages_in_threads if in_thread else member.send_messages):
            raise UserError(
                "You cannot send messages in this channel, so you cannot start a group quiz "
                "here; a solo quiz (mode:solo) works anywhere."
            )
        if not (bot.send_messages_in_threads if in_thread else bot.send_messages) or not (
            bot.embed_links
        ):
            raise UserError(
                "I need the Send Messages and Embed Links permissions in this channel to run a "
                "group quiz here."
            )

    @quiz.autocomplete("bank")
    async def _bank_choices(
        self, interaction: discord.Interaction[StudyBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return bank_choices(self.banks, current, interaction.guild_id)

    @quiz.autocomplete("topic")
    async def _topic_choices(
        self, interaction: discord.Interaction[StudyBot], current: str
    ) -> list[app_commands.Choice[str]]:
        bank = getattr(interaction.namespace, "bank", None)
        return topic_choices(self.banks, bank, current, interaction.guild_id)

    # --- answering ----------
    async def on_choice(
        self, interaction: discord.Interaction[StudyBot], qq_id: int, choice: int
    ) -> None:
        session, qq = await self._load(interaction, qq_id)
        bank, question = self._bank_and_question(session, qq)
        item = self._item(session, bank, question, qq)
        if not item.is_choice:
            raise UserError("This button is out of date.")
        if not 0 <= choice < len(item.options or ()):
            raise UserError("This button is not valid.")
        given = choice_text(item, choice)
        await self._answer(
            interaction, session, qq, question, item, choice == item.correct, given, choice=choice
        )

    async def open_typed(self, interaction: discord.Interaction[StudyBot], qq_id: int) -> None:
        session, qq = await self._load(interaction, qq_id)
        self._check_open(interaction, session, qq)
        modal = answer_modal(qq_id)
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
            qq_id = modal_question(custom_id)
            if qq_id is None:
                raise UserError("This answer form is not valid.")
            session, qq = await self._load(interaction, qq_id, what="answer form")
            self._check_open(interaction, session, qq)
            bank, question = self._bank_and_question(session, qq)
            item = self._item(session, bank, question, qq)
            if not item.is_typed:
                raise UserError("This answer form is out of date.")
            # a group quiz shows answers only when time is up
            typed = typed_answer(data, item, question.prompt, hint=session.mode != "group")
            await self._answer(
                interaction,
                session,
                qq,
                question,
                item,
                typed.right,
                typed.given,
                response=typed.guess,
            )
        except Exception as exc:
            await report_error(interaction, exc)

    def _check_open(
        self,
        interaction: discord.Interaction[StudyBot],
        session: store.QuizSession,
        qq: store.QuizQuestion,
    ) -> None:
        if session.state != "running":
            raise UserError("This quiz has ended. Start a new one with /quiz.")
        if session.mode == "solo":
            if interaction.user.id != session.user_id:
                raise UserError("This is someone else's quiz. Start your own with /quiz.")
            if qq.position != session.position:
                raise UserError("This question is over; use the buttons of the current one.")
        elif qq.asked_at is None:
            raise UserError("This question has not been asked yet.")
        elif qq.closed:
            raise UserError("Time is up for this question.")

    async def _answer(
        self,
        interaction: discord.Interaction[StudyBot],
        session: store.QuizSession,
        qq: store.QuizQuestion,
        question: Question,
        item: Item,
        right: bool,
        given: str,
        *,
        choice: int | None = None,
        response: str | None = None,
    ) -> None:
        self._check_open(interaction, session, qq)
        group = session.mode == "group"
        if group:  # acknowledge first: a group click must never wait on the database
            await interaction.response.defer(ephemeral=True, thinking=True)
        now = self.clock.now()
        asked = qq.asked_at or now.timestamp()
        deadline = qq.deadline or asked + (GROUP_SECONDS if group else SOLO_SECONDS)
        timed_out = now.timestamp() > deadline
        if group and timed_out:
            raise UserError("Time is up for this question.")
        correct = right and not timed_out
        earned = points(
            correct, group=group, elapsed=now.timestamp() - asked, duration=deadline - asked
        )
        outcome = await record_answer(
            self.db,
            NewAnswer(
                guild_id=session.guild_id,
                user_id=interaction.user.id,
                board="quiz",
                question_id=question.id,
                correct=correct,
                points=earned,
                answered_at=now,
                timezone=await self.bot.zones.get(session.guild_id),
                quiz_question_id=qq.id,
                topic=question.topic,
                choice=choice,
                response=response,
                bank=session.bank,
                # knowing the answer is what a card remembers, late or not
                grade=review_grade(
                    right, group=group, elapsed=now.timestamp() - asked, duration=deadline - asked
                ),
            ),
        )
        if not outcome.recorded:
            raise UserError("You already answered this question; your first answer counts.")
        if group:
            await interaction.followup.send(
                f"Answer locked in: {given}. The answer is shown when the time is up.",
                ephemeral=True,
                allowed_mentions=discord.AllowedMentions.none(),
            )
            return
        last = qq.position + 1 >= session.total
        embeds = quiz_feedback_embeds(
            question,
            item,
            correct=correct,
            given=given,
            earned=earned,
            credited=outcome.credited,
            timed_out=timed_out,
            choice=choice,
        )
        embeds[0].set_footer(text=f"Question {qq.position + 1} of {session.total}")
        view = next_view(session.id, last=last).add_item(report_button("quiz", qq.id))
        await interaction.response.edit_message(embeds=embeds, view=view)

    # --- solo: next question and summary ----------
    async def on_next(self, interaction: discord.Interaction[StudyBot], session_id: int) -> None:
        session = await self._load_session(interaction, session_id)
        if session.state != "running":
            raise UserError("This quiz has ended. Start a new one with /quiz.")
        if interaction.user.id != session.user_id:
            raise UserError("This is someone else's quiz. Start your own with /quiz.")
        qqs = await store.quiz_questions(self.db, session.id)
        current = qqs[session.position]
        answered = {
            r.position
            for r in await store.member_results(self.db, session.id, session.user_id)
            if r.answered
        }
        if current.position not in answered and self.clock.now().timestamp() <= (
            current.deadline or 0
        ):
            raise UserError("Answer this question first.")
        if session.position + 1 >= session.total:
            await self._finish_solo(interaction, session)
            return
        nxt = qqs[session.position + 1]
        try:
            bank, question = self._bank_and_question(session, nxt)
            await self._ask_solo(interaction, session, bank, nxt, question, edit=True)
        except UserError as exc:
            await store.end_quiz(self.db, session.id, "stopped", self.clock.now().timestamp())
            raise UserError(f"{exc} This quiz has ended; your answers so far are kept.") from exc

    async def _finish_solo(
        self, interaction: discord.Interaction[StudyBot], session: store.QuizSession
    ) -> None:
        now = self.clock.now()
        await store.end_quiz(self.db, session.id, "finished", now.timestamp())
        results = await store.member_results(self.db, session.id, session.user_id)
        missed = self._missed(session, results)
        embed = quiz_summary_embed(
            right=sum(r.correct for r in results if r.grade is None),
            total=len(results),
            points=sum(r.points for r in results),
            seconds=now.timestamp() - session.started_at,
            missed=missed,
            graded=sum(r.grade is not None for r in results),
        )
        view = summary_view(session.id) if missed else None
        await interaction.response.edit_message(embed=embed, view=view)

    def _missed(
        self, session: store.QuizSession, results: list[store.QuestionResult]
    ) -> list[tuple[Question, str]]:
        """The questions a member missed, each with its right answer in words."""
        bank = self.banks.get(session.bank)
        missed = []
        for r in results:
            question = bank.get(r.question_id) if bank else None
            if bank is None or question is None or not r.missed:
                continue
            try:
                item = Item.loads(r.item) if r.item else self._item(session, bank, question)
            except (ValueError, UserError):
                continue
            missed.append((question, answer_text(item)))
        return missed

    # --- recall: a private checklist and a self-grade ----------
    async def _recall_question(
        self, interaction: discord.Interaction[StudyBot], qq_id: int
    ) -> tuple[store.QuizSession, store.QuizQuestion, Question, Item]:
        session, qq = await self._load(interaction, qq_id)
        if session.state != "running":
            raise UserError("This quiz has ended. Start a new one with /quiz.")
        if interaction.user.id != session.user_id:
            raise UserError("This is someone else's quiz. Start your own with /quiz.")
        if qq.position != session.position:
            raise UserError("This question is over; use the buttons of the current one.")
        bank, question = self._bank_and_question(session, qq)
        item = self._item(session, bank, question, qq)
        if item.kind is not Kind.RECALL:
            raise UserError("This button is out of date.")
        return session, qq, question, item

    async def recall_show(self, interaction: discord.Interaction[StudyBot], row: int) -> None:
        _, _, question, item = await self._recall_question(interaction, row)
        embed, view = RECALL.checklist(row, question, item)
        await interaction.response.edit_message(embed=embed, view=view)

    async def recall_tick(
        self, interaction: discord.Interaction[StudyBot], row: int, ticked: list[int]
    ) -> None:
        _, _, question, item = await self._recall_question(interaction, row)
        embed, view = RECALL.checklist(row, question, item, ticked)
        await interaction.response.edit_message(embed=embed, view=view)

    async def recall_grade(
        self, interaction: discord.Interaction[StudyBot], row: int, grade: int, ticked: int
    ) -> None:
        session, qq, question, item = await self._recall_question(interaction, row)
        recalled = min(ticked, len(item.key_points))
        outcome = await record_self_grade(
            self.db,
            NewSelfGrade(
                guild_id=session.guild_id,
                user_id=interaction.user.id,
                board="quiz",
                question_id=question.id,
                grade=grade,
                recalled=recalled,
                points_total=len(item.key_points),
                graded_at=self.clock.now(),
                quiz_question_id=qq.id,
                topic=question.topic,
                bank=session.bank,
            ),
        )
        embeds = graded_embeds(
            question,
            item,
            grade=outcome.grade,
            recalled=recalled,
            already=not outcome.recorded,
            streak=None,
        )
        embeds[0].set_footer(text=f"Question {qq.position + 1} of {session.total}")
        last = qq.position + 1 >= session.total
        view = next_view(session.id, last=last).add_item(report_button("quiz", qq.id))
        await interaction.response.edit_message(embeds=embeds, view=view)

    # --- after a quiz: what was missed, the full answer ----------
    async def on_review_missed(
        self, interaction: discord.Interaction[StudyBot], session_id: int
    ) -> None:
        """Ask the clicking member, privately, the questions of a quiz they missed."""
        old = await self._load_session(interaction, session_id)
        if old.state == "running":
            raise UserError("This quiz is still running: review it once it has ended.")
        if old.mode == "solo" and interaction.user.id != old.user_id:
            raise UserError("This is someone else's quiz. Start your own with /quiz.")
        bank = self.banks.get(old.bank)
        if bank is None:
            raise UserError("The bank of this quiz is no longer loaded.")
        results = await store.member_results(self.db, old.id, interaction.user.id)
        missed = [r.question_id for r in results if r.missed and bank.get(r.question_id)]
        if not missed:
            raise UserError("You missed nothing in this quiz: well done!")
        assert interaction.guild_id is not None and interaction.channel_id is not None
        # the button is under a group's results too: acknowledge before any write
        await interaction.response.defer(ephemeral=True, thinking=True)
        spec = store.QuizSpec(
            guild_id=interaction.guild_id,
            channel_id=interaction.channel_id,
            user_id=interaction.user.id,
            mode="solo",
            bank=bank.key,
            topic=old.topic,
            difficulty=old.difficulty,
            typed=old.typed,
            format="recall" if old.format == "recall" else "auto",
        )
        session, qqs = await store.create_quiz(
            self.db, spec, missed, self.clock.now().timestamp(), solo_limit=MAX_SOLO_QUIZZES
        )
        first = bank.get(qqs[0].question_id)
        assert first is not None
        try:
            await self._ask_solo(interaction, session, bank, qqs[0], first, edit=False)
        except Exception:
            # a review nobody can see must not hold one of the member's quiz places
            await store.end_quiz(self.db, session.id, "stopped", self.clock.now().timestamp())
            raise

    async def on_full_answer(self, interaction: discord.Interaction[StudyBot], qq_id: int) -> None:
        session, qq = await self._load(interaction, qq_id)
        _, question = self._bank_and_question(session, qq)
        if not qq.closed:
            raise UserError("This question is still open: the answer is shown when time is up.")
        embeds = answer_embeds(
            question,
            title="Full answer",
            colour=discord.Colour.green(),
            lead=prompt_text(question),
        )
        await reply(interaction, embeds=embeds)

    # --- group quizzes ----------
    def _start_runner(self, session_id: int) -> None:
        if session_id in self.runners and not self.runners[session_id].done():
            return
        self.stops[session_id] = asyncio.Event()
        task = asyncio.create_task(self._run_group(session_id), name=f"group-quiz-{session_id}")
        self.runners[session_id] = task
        task.add_done_callback(lambda t: self._runner_done(session_id, t))

    def _runner_done(self, session_id: int, task: asyncio.Task[None]) -> None:
        if self.runners.get(session_id) is task:
            del self.runners[session_id]
            self.stops.pop(session_id, None)
        if not task.cancelled() and task.exception() is not None:
            log.error("group quiz %s failed", session_id, exc_info=task.exception())

    async def _run_group(self, session_id: int) -> None:
        """Play a group quiz; if it cannot go on, end it and say so in its channel."""
        try:
            await self._play_group(session_id)
        except Exception as exc:
            if isinstance(exc, UserError):
                reason = str(exc)
                log.warning("group quiz %s stopped: %s", session_id, reason)
            elif isinstance(exc, discord.HTTPException | aiohttp.ClientError | TimeoutError):
                reason = "Discord did not take its next message."
                log.warning("group quiz %s stopped: Discord failed: %s", session_id, exc)
            else:
                reason = "Something went wrong on my side; it has been logged."
                log.error("group quiz %s failed", session_id, exc_info=exc)
            await self._abandon(session_id, reason)

    async def _abandon(self, session_id: int, reason: str) -> None:
        if not await store.end_quiz(self.db, session_id, "stopped", self.clock.now().timestamp()):
            return
        session = await store.get_quiz(self.db, session_id)
        if session is None:
            return
        try:
            await send(
                self.bot.get_partial_messageable(session.channel_id),
                f"This group quiz stopped: {reason} The scores so far are kept.",
            )
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as exc:
            log.warning("group quiz %s: could not say that it stopped: %s", session_id, exc)

    async def on_stop(self, interaction: discord.Interaction[StudyBot], session_id: int) -> None:
        session = await self._load_session(interaction, session_id)
        if session.state != "running":
            raise UserError("This quiz has already ended.")
        allowed = interaction.user.id == session.user_id or interaction.permissions.manage_guild
        if not allowed:
            raise UserError("Only the member who started the quiz or a server manager can stop it.")
        await interaction.response.defer(ephemeral=True, thinking=True)
        if await store.end_quiz(self.db, session.id, "stopped", self.clock.now().timestamp()):
            event = self.stops.get(session.id)
            if event is not None:
                event.set()
            else:  # no runner in this process (it was not resumed): post the results here
                await self._post_results(session, stopped=True)
        await interaction.followup.send("Quiz stopped. The scores so far are kept.", ephemeral=True)

    async def _play_group(self, session_id: int) -> None:
        session = await store.get_quiz(self.db, session_id)
        if session is None:
            return
        channel = self.bot.get_partial_messageable(session.channel_id)
        stop = self.stops[session_id]
        for qq in await store.quiz_questions(self.db, session_id):
            if qq.position < session.position or qq.closed:
                continue
            fresh = await store.get_quiz(self.db, session_id)
            if fresh is None or fresh.state != "running" or stop.is_set():
                break
            bank, question = self._bank_and_question(session, qq)
            item = self._item(session, bank, question, qq)
            self._check_shown(item, group=True)
            message_id, deadline = qq.message_id, qq.deadline
            if message_id is None and deadline is not None:
                # Asked before a crash or restart, perhaps sent: find it rather than ask twice.
                message_id = await self._find_question(channel, qq.id)
                if message_id is not None:
                    await store.set_question_message(self.db, qq.id, message_id)
                elif deadline <= self.clock.now().timestamp():
                    deadline = None  # nobody saw it: ask it again with a whole timer
            if message_id is None:
                now = self.clock.now()
                if deadline is None:
                    # The timer starts before the question is sent: a member may click as soon
                    # as it appears, and the answer must find its start and deadline stored.
                    deadline = (now + timedelta(seconds=GROUP_SECONDS)).timestamp()
                    await store.mark_asked(
                        self.db, qq.id, None, now.timestamp(), deadline, item.dumps()
                    )
                embed = quiz_question_embed(
                    question,
                    item,
                    position=qq.position,
                    total=session.total,
                    deadline=_dt(deadline),
                    group=True,
                )
                # The nonce makes Discord return the first message if this one is a repeat.
                message = await send(
                    channel,
                    embed=embed,
                    view=question_view(qq.id, item, session=session.id),
                    nonce=question_nonce(qq.id),
                )
                await store.set_question_message(self.db, qq.id, message.id)
                message_id = message.id
            assert deadline is not None  # stored with the question when it was first asked
            sleeping = asyncio.ensure_future(self.clock.sleep_until(_dt(deadline)))
            stopping = asyncio.ensure_future(stop.wait())
            await asyncio.wait({sleeping, stopping}, return_when=asyncio.FIRST_COMPLETED)
            sleeping.cancel()
            stopping.cancel()
            await self._close_group_question(session, qq, question, item, message_id)
            if stop.is_set():
                break
        ended = await store.end_quiz(self.db, session_id, "finished", self.clock.now().timestamp())
        await self._post_results(session, stopped=not ended)

    async def _find_question(self, channel: discord.PartialMessageable, qq_id: int) -> int | None:
        """The message that asked quiz question ``qq_id``, among the channel's latest."""
        me = self.bot.user.id if self.bot.user else None
        try:
            async for message in channel.history(limit=FIND_LIMIT):
                if message.author.id == me and asks(message, qq_id):
                    return message.id
        except (discord.HTTPException, aiohttp.ClientError) as exc:
            log.warning("group quiz: could not read back question %s: %s", qq_id, exc)
        return None

    async def _close_group_question(
        self,
        session: store.QuizSession,
        qq: store.QuizQuestion,
        question: Question,
        item: Item,
        message_id: int,
    ) -> None:
        if not await store.close_question(self.db, qq.id):
            return
        channel = self.bot.get_partial_messageable(session.channel_id)
        try:
            await channel.get_partial_message(message_id).edit(
                view=question_view(qq.id, item, session=session.id, closed=True)
            )
        except discord.HTTPException as exc:
            log.warning("group quiz %s: could not close question %s: %s", session.id, qq.id, exc)
        answers = await store.question_answers(self.db, qq.id)
        await send(
            channel,
            embed=group_result_embed(question, item, answers),
            view=full_answer_view(qq.id).add_item(report_button("quiz", qq.id)),
        )

    async def _post_results(self, session: store.QuizSession, *, stopped: bool) -> None:
        scores = await store.session_scores(self.db, session.id)
        channel = self.bot.get_partial_messageable(session.channel_id)
        await send(
            channel,
            embed=group_results_embed(
                [(s.user_id, s.points, s.correct) for s in scores], session.total, stopped=stopped
            ),
            view=results_view(session.id),
        )


_implements_buttons: type[QuizButtons] = Quiz  # checked by mypy
