"""/quiz: practice on demand, alone (private) or as a group game in the channel."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.bank.choices import MultipleChoice
from bot.bank.model import Bank, Difficulty, Question
from bot.db import quiz as store
from bot.db.answers import NewAnswer, record_answer
from bot.discord_glue.autocomplete import bank_choices, topic_choices
from bot.discord_glue.client import StudyBot, UserError, reply, report_error
from bot.discord_glue.render import (
    choice_text,
    group_result_embed,
    group_results_embed,
    quiz_feedback_embeds,
    quiz_question_embed,
    quiz_summary_embed,
    right_answer_text,
)
from bot.study.matching import matches
from bot.study.quiz import (
    DEFAULT_QUESTIONS,
    GROUP_SECONDS,
    MAX_QUESTIONS,
    MIN_QUESTIONS,
    SOLO_SECONDS,
    draw,
    eligible,
    points,
)
from cogs.quiz.buttons import (
    COG_NAME,
    MODAL_PREFIX,
    QuizButtons,
    answer_modal,
    modal_value,
    next_view,
    question_view,
)

log = logging.getLogger(__name__)


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

    async def cog_unload(self) -> None:
        """Group quizzes stop here and carry on from the database after a restart."""
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

    # --- helpers ----------
    def _bank_and_question(
        self, session: store.QuizSession, qq: store.QuizQuestion
    ) -> tuple[Bank, Question]:
        bank = self.banks.get(session.bank)
        question = bank.get(qq.question_id) if bank else None
        if bank is None or question is None:
            raise UserError("The bank of this quiz is no longer loaded, so it cannot go on.")
        return bank, question

    def _mc(
        self, session: store.QuizSession, bank: Bank, question: Question
    ) -> MultipleChoice | None:
        if session.typed:
            return None
        return self.banks.choices(bank.key, question, session.id)

    async def _load(self, qq_id: int) -> tuple[store.QuizSession, store.QuizQuestion]:
        qq = await store.quiz_question(self.db, qq_id)
        session = await store.get_quiz(self.db, qq.session_id) if qq else None
        if qq is None or session is None:
            raise UserError("This quiz no longer exists. Start a new one with /quiz.")
        return session, qq

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
    ) -> None:
        assert interaction.guild_id is not None and interaction.channel_id is not None
        bank_key = bank or self.banks.default_key()
        chosen = self.banks.get(bank_key) if bank_key else None
        if chosen is None:
            raise UserError(
                f"There is no bank {bank!r}. Loaded banks: {', '.join(self.banks.banks)}."
            )
        can_type = any(q.aliases for q in chosen.questions)
        if typed and not can_type:
            raise UserError(
                f"**{chosen.name}** has no short accepted answers to type; play it with buttons."
            )
        if typed is None:  # typed by default for banks made of short answers (trivia lists)
            typed = can_type and all(q.aliases and not q.has_choices for q in chosen.questions)

        def playable(q: Question) -> bool:
            if typed:
                return bool(q.aliases)
            return self.banks.askable(chosen.key, q)

        level = Difficulty(difficulty) if difficulty else None
        pool = eligible(chosen.questions, topic=topic, difficulty=level, playable=playable)
        if not pool:
            what = " and ".join(x for x in (topic and f"topic {topic!r}", difficulty) if x)
            raise UserError(
                f"**{chosen.name}** has no question{' with ' + what if what else ''} to ask."
            )
        seen = await store.recently_seen(self.db, interaction.guild_id, interaction.user.id)
        now = self.clock.now()
        picked = draw(pool, questions, seen, seed=interaction.id)
        spec = store.QuizSpec(
            guild_id=interaction.guild_id,
            channel_id=interaction.channel_id,
            user_id=interaction.user.id,
            mode=mode,
            bank=chosen.key,
            topic=topic,
            difficulty=difficulty,
            typed=typed,
        )
        try:
            session, qqs = await store.create_quiz(
                self.db, spec, [q.id for q in picked], now.timestamp()
            )
        except store.GroupQuizRunning:
            raise UserError(
                "A group quiz is already running in this channel. Its starter or a server "
                "manager can stop it with its Stop button."
            ) from None
        if mode == "group":
            await reply(
                interaction,
                f"{interaction.user.mention} started a group quiz: {len(picked)} question(s) from "
                f"**{chosen.name}**, {GROUP_SECONDS} s each. Everyone may answer!",
                ephemeral=False,
            )
            self._start_runner(session.id)
            return
        first = qqs[0]
        deadline = now + timedelta(seconds=SOLO_SECONDS)
        await store.mark_asked(self.db, first.id, None, now.timestamp(), deadline.timestamp())
        mc = self._mc(session, chosen, picked[0])
        embed = quiz_question_embed(
            picked[0], mc, position=0, total=len(picked), deadline=deadline, group=False
        )
        await interaction.response.send_message(
            embed=embed,
            view=question_view(first.id, mc),
            ephemeral=True,
            allowed_mentions=discord.AllowedMentions.none(),
        )

    @quiz.autocomplete("bank")
    async def _bank_choices(
        self, interaction: discord.Interaction[StudyBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return bank_choices(self.banks, current)

    @quiz.autocomplete("topic")
    async def _topic_choices(
        self, interaction: discord.Interaction[StudyBot], current: str
    ) -> list[app_commands.Choice[str]]:
        bank = getattr(interaction.namespace, "bank", None)
        return topic_choices(self.banks, bank, current)

    # --- answering ----------
    async def on_choice(
        self, interaction: discord.Interaction[StudyBot], qq_id: int, choice: int
    ) -> None:
        session, qq = await self._load(qq_id)
        bank, question = self._bank_and_question(session, qq)
        mc = self._mc(session, bank, question)
        if mc is None or not 0 <= choice < len(mc.options):
            raise UserError("This button is out of date.")
        given = choice_text(mc, choice)
        await self._answer(
            interaction, session, qq, question, mc, choice == mc.correct, given, choice=choice
        )

    async def open_typed(self, interaction: discord.Interaction[StudyBot], qq_id: int) -> None:
        session, qq = await self._load(qq_id)
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
            session, qq = await self._load(int(custom_id.removeprefix(MODAL_PREFIX)))
            _, question = self._bank_and_question(session, qq)
            guess = modal_value(data).strip()
            if not guess:
                raise UserError("Type an answer first.")
            right = matches(guess, question.aliases)
            given = f"**{discord.utils.escape_markdown(guess[:200])}**"
            await self._answer(
                interaction, session, qq, question, None, right, given, response=guess[:200]
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
        elif qq.closed:
            raise UserError("Time is up for this question.")

    async def _answer(
        self,
        interaction: discord.Interaction[StudyBot],
        session: store.QuizSession,
        qq: store.QuizQuestion,
        question: Question,
        mc: MultipleChoice | None,
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
            mc,
            correct=correct,
            given=given,
            earned=earned,
            credited=outcome.credited,
            timed_out=timed_out,
        )
        embeds[0].set_footer(text=f"Question {qq.position + 1} of {session.total}")
        await interaction.response.edit_message(
            embeds=embeds, view=next_view(session.id, last=last)
        )

    # --- solo: next question and summary ----------
    async def on_next(self, interaction: discord.Interaction[StudyBot], session_id: int) -> None:
        session = await store.get_quiz(self.db, session_id)
        if session is None or session.state != "running":
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
        now = self.clock.now()
        deadline = now + timedelta(seconds=SOLO_SECONDS)
        await store.mark_asked(self.db, nxt.id, None, now.timestamp(), deadline.timestamp())
        bank, question = self._bank_and_question(session, nxt)
        mc = self._mc(session, bank, question)
        embed = quiz_question_embed(
            question, mc, position=nxt.position, total=session.total, deadline=deadline, group=False
        )
        await interaction.response.edit_message(embed=embed, view=question_view(nxt.id, mc))

    async def _finish_solo(
        self, interaction: discord.Interaction[StudyBot], session: store.QuizSession
    ) -> None:
        now = self.clock.now()
        await store.end_quiz(self.db, session.id, "finished", now.timestamp())
        results = await store.member_results(self.db, session.id, session.user_id)
        bank = self.banks.get(session.bank)
        missed = []
        for r in results:
            question = bank.get(r.question_id) if bank else None
            if question is not None and not r.correct:
                mc = self._mc(session, bank, question) if bank else None
                missed.append((question, right_answer_text(question, mc)))
        embed = quiz_summary_embed(
            right=sum(r.correct for r in results),
            total=len(results),
            points=sum(r.points for r in results),
            seconds=now.timestamp() - session.started_at,
            missed=missed,
        )
        await interaction.response.edit_message(embed=embed, view=None)

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

    async def on_stop(self, interaction: discord.Interaction[StudyBot], session_id: int) -> None:
        session = await store.get_quiz(self.db, session_id)
        if session is None or session.state != "running":
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

    async def _run_group(self, session_id: int) -> None:
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
            mc = self._mc(session, bank, question)
            message_id, deadline = qq.message_id, qq.deadline
            if message_id is None or deadline is None:
                now = self.clock.now()
                ends = now + timedelta(seconds=GROUP_SECONDS)
                embed = quiz_question_embed(
                    question,
                    mc,
                    position=qq.position,
                    total=session.total,
                    deadline=ends,
                    group=True,
                )
                # The timer starts before the question is sent: a member may click as soon as
                # it appears, and the answer must find its start and deadline in the database.
                await store.mark_asked(self.db, qq.id, None, now.timestamp(), ends.timestamp())
                message = await channel.send(
                    embed=embed,
                    view=question_view(qq.id, mc, session=session.id),
                    allowed_mentions=discord.AllowedMentions.none(),
                )
                await store.set_question_message(self.db, qq.id, message.id)
                message_id, deadline = message.id, ends.timestamp()
            sleeping = asyncio.ensure_future(self.clock.sleep_until(_dt(deadline)))
            stopping = asyncio.ensure_future(stop.wait())
            await asyncio.wait({sleeping, stopping}, return_when=asyncio.FIRST_COMPLETED)
            sleeping.cancel()
            stopping.cancel()
            await self._close_group_question(session, qq, question, mc, message_id)
            if stop.is_set():
                break
        ended = await store.end_quiz(self.db, session_id, "finished", self.clock.now().timestamp())
        await self._post_results(session, stopped=not ended)

    async def _close_group_question(
        self,
        session: store.QuizSession,
        qq: store.QuizQuestion,
        question: Question,
        mc: MultipleChoice | None,
        message_id: int,
    ) -> None:
        if not await store.close_question(self.db, qq.id):
            return
        channel = self.bot.get_partial_messageable(session.channel_id)
        try:
            await channel.get_partial_message(message_id).edit(
                view=question_view(qq.id, mc, session=session.id, closed=True)
            )
        except discord.HTTPException as exc:
            log.warning("group quiz %s: could not close question %s: %s", session.id, qq.id, exc)
        answers = await store.question_answers(self.db, qq.id)
        await channel.send(
            embed=group_result_embed(question, mc, answers),
            allowed_mentions=discord.AllowedMentions.none(),
        )

    async def _post_results(self, session: store.QuizSession, *, stopped: bool) -> None:
        scores = await store.session_scores(self.db, session.id)
        channel = self.bot.get_partial_messageable(session.channel_id)
        await channel.send(
            embed=group_results_embed(
                [(s.user_id, s.points, s.correct) for s in scores], session.total, stopped=stopped
            ),
            allowed_mentions=discord.AllowedMentions.none(),
        )


_implements_buttons: type[QuizButtons] = Quiz  # checked by mypy
