"""/suggest, the "Report a problem" button, and the review channel where the server's question
editors approve, edit, reject, retire or dismiss.

Every decision is claimed in the database first (a conditional update of the undecided row),
then carried out: of two reviewers clicking at once, one decides and the other is told so.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

import aiohttp
import discord
from discord import app_commands
from discord.ext import commands

from bot.bank.form import QuestionForm, read_form
from bot.bank.model import Bank, Question
from bot.db import suggestions as store
from bot.db.guilds import question_settings
from bot.db.server_banks import TooManyQuestions
from bot.discord_glue.autocomplete import bank_choices
from bot.discord_glue.client import UserError, before_deadline, reply, report_error, send
from bot.discord_glue.editors import require_editor
from bot.discord_glue.modals import modal_values
from bot.discord_glue.question_form import form_of, question_modal, typed_back
from bot.discord_glue.report import (
    MAX_NOTE,
    MODAL_PREFIX,
    ReportHandler,
    modal_target,
    owed_outcomes,
    read_reason,
    report_modal,
)
from bot.server_banks import slug_of
from bot.study.periods import local_date
from cogs.suggestions.buttons import ReviewButtons, report_review_view, suggestion_view
from cogs.suggestions.render import (
    report_embed,
    report_outcome,
    suggestion_embed,
    suggestion_outcome,
)

if TYPE_CHECKING:
    from bot.discord_glue.client import StudyBot

log = logging.getLogger(__name__)

DEFAULT_BANK = "suggestions"
NO_CHANNEL = (
    "This server has no review channel for suggestions and reports yet: an admin sets one with "
    "/bank settings review_channel:."
)
CAP = (
    f"You have suggested {store.DAILY_SUGGESTIONS} questions today, the most a day: "
    "suggest more tomorrow."
)
FORM = "suggest:form:"
EDITED = "suggest:edited:"
WHY = "suggest:why:"
REPORT_EDITED = "reported:edited:"
MAX_REJECT_REASON = 500
_SLUG = re.compile(r"[a-z0-9-]{1,40}")


def _refused(reason: str, form: QuestionForm, topic: str | None) -> str:
    return f"{reason}\n\nWhat you typed, to paste back:\n{typed_back(form, topic)}"


def _row(custom_id: str, prefix: str) -> int:
    rest = custom_id.removeprefix(prefix)
    if not (rest.isascii() and rest.isdigit()) or not 0 < int(rest) < 2**63:
        raise UserError("This form is not valid.")
    return int(rest)


def _reject_modal(row: int) -> discord.ui.Modal:
    modal = discord.ui.Modal(title="Reject the suggestion", custom_id=f"{WHY}{row}", timeout=None)
    modal.add_item(
        discord.ui.TextInput(
            label="Reason, told to the author (optional)",
            custom_id="reason",
            style=discord.TextStyle.paragraph,
            required=False,
            max_length=MAX_REJECT_REASON,
        )
    )
    return modal


async def _show(interaction: discord.Interaction[StudyBot], embed: discord.Embed) -> None:
    """Replace the review message's embed with ``embed`` and remove its buttons."""
    if interaction.response.is_done():
        await interaction.edit_original_response(embed=embed, view=None)
    else:
        await interaction.response.edit_message(embed=embed, view=None)


class Suggestions(commands.Cog):
    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot
        self.db = bot.db
        self.banks = bot.services.banks
        self.clock = bot.services.clock

    def _now(self) -> int:
        return int(self.clock.now().timestamp())

    async def _today(self, guild_id: int) -> str:
        return local_date(self.clock.now(), await self.bot.zones.get(guild_id)).isoformat()

    # --- the review channel and the members told ----------
    async def _review_channel_id(self, guild_id: int) -> int:
        _, channel_id = await question_settings(self.db, guild_id)
        if channel_id is None:
            raise UserError(NO_CHANNEL)
        return channel_id

    async def _review_channel(self, guild_id: int) -> discord.TextChannel | discord.Thread:
        channel_id = await self._review_channel_id(guild_id)
        guild = self.bot.get_guild(guild_id)
        channel: object = guild.get_channel_or_thread(channel_id) if guild else None
        if channel is None:
            try:
                channel = await self.bot.fetch_channel(channel_id)
            except (discord.NotFound, discord.Forbidden):
                channel = None
        if not isinstance(channel, discord.TextChannel | discord.Thread):
            raise UserError(
                f"The review channel <#{channel_id}> is gone or hidden from me: an admin sets "
                "another with /bank settings review_channel:."
            )
        return channel

    @staticmethod
    def _cannot_post(channel_id: int) -> str:
        return (
            f"I cannot post in the review channel <#{channel_id}>: an admin must let me View "
            "Channel, Send Messages and Embed Links there."
        )

    async def _post(
        self,
        channel: discord.TextChannel | discord.Thread,
        embed: discord.Embed,
        view: discord.ui.View,
    ) -> discord.Message | None:
        """The review message, or None when the channel refuses it."""
        try:
            return await send(channel, embed=embed, view=view)
        except (discord.Forbidden, discord.NotFound) as exc:
            log.info("review channel %s refused a post: %s", channel.id, exc)
            return None

    async def _tell(self, guild_id: int, user_id: int, text: str) -> None:
        """Tell a member an outcome by direct message; when that fails, at their next /suggest
        or /stats in the server."""
        try:
            user = self.bot.get_user(user_id) or await self.bot.fetch_user(user_id)
            await user.send(text, allowed_mentions=discord.AllowedMentions.none())
            return
        except (discord.Forbidden, discord.NotFound):
            pass  # DMs closed, or the account is gone
        except (discord.HTTPException, aiohttp.ClientError) as exc:
            log.warning("could not tell %s an outcome by direct message: %s", user_id, exc)
        await store.add_notice(self.db, guild_id, user_id, text, now=self._now())

    def _bank_name(self, guild_id: int, slug: str) -> str:
        bank = self.bot.server_banks.own(guild_id, slug)
        return bank.name if bank is not None else slug

    # --- /suggest ----------
    def _target_slug(self, guild_id: int, bank: str | None) -> str:
        """The slug of the server bank ``bank`` names (its key from autocomplete, its slug or
        its name); the default bank when none is named."""
        if not bank or not bank.strip():
            return DEFAULT_BANK
        prefix = f"{guild_id}:"
        slug = bank.removeprefix(prefix) if bank.startswith(prefix) else slug_of(bank)
        if slug != DEFAULT_BANK and self.bot.server_banks.own(guild_id, slug) is None:
            raise UserError(
                f"This server has no bank called {bank!r}: pick one of its own banks from the "
                f"list, or leave bank empty for “{DEFAULT_BANK}”."
            )
        return slug

    @app_commands.command(
        name="suggest", description="Suggest a question for this server's question banks"
    )
    @app_commands.guild_only()
    @app_commands.describe(
        bank=f"The server bank it should go into (default: {DEFAULT_BANK})",
        topic="Its topic (you can change it in the form)",
    )
    async def suggest(
        self,
        interaction: discord.Interaction[StudyBot],
        bank: str | None = None,
        topic: app_commands.Range[str, 1, 100] | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        guild_id, user_id = interaction.guild_id, interaction.user.id
        try:
            await self._review_channel_id(guild_id)
            slug = self._target_slug(guild_id, bank)
            made = await store.suggestions_on(
                self.db, guild_id, user_id, await self._today(guild_id)
            )
            if made >= store.DAILY_SUGGESTIONS:
                raise UserError(CAP)
        except UserError as exc:
            owed = await owed_outcomes(self.db, guild_id, user_id)
            raise UserError(f"{exc}\n\n{owed}" if owed else str(exc)) from None
        modal = question_modal("Suggest a question", f"{FORM}{slug}", QuestionForm(""), topic)
        await interaction.response.send_modal(modal)
        modal.stop()  # the submission is handled by on_interaction, also after a restart

    @suggest.autocomplete("bank")
    async def _bank_choices(
        self, interaction: discord.Interaction[StudyBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return bank_choices(self.banks, current, interaction.guild_id, own_only=True)

    async def _submit_suggestion(
        self, interaction: discord.Interaction[StudyBot], slug: str, values: dict[str, str]
    ) -> str:
        guild_id = interaction.guild_id
        if guild_id is None or not _SLUG.fullmatch(slug):
            raise UserError("This form is not valid.")
        form, topic = form_of(values)
        question, reasons = read_form(form, topic=topic)
        if question is None:
            raise UserError(_refused(reasons[0], form, topic))
        try:
            channel = await self._review_channel(guild_id)
            suggestion = await store.add_suggestion(
                self.db,
                guild_id,
                interaction.user.id,
                slug,
                question,
                local_date=await self._today(guild_id),
                now=self._now(),
            )
        except store.DailyCapReached:
            raise UserError(_refused(CAP, form, topic)) from None
        except UserError as exc:
            raise UserError(_refused(str(exc), form, topic)) from None
        embed = suggestion_embed(suggestion, self._bank_name(guild_id, slug))
        message = await self._post(channel, embed, suggestion_view(suggestion.id))
        if message is None:
            await store.delete_suggestion(self.db, suggestion.id)
            raise UserError(_refused(self._cannot_post(channel.id), form, topic))
        await store.set_suggestion_message(self.db, suggestion.id, channel.id, message.id)
        thanks = (
            f"Thank you: your question is with the reviewers in <#{channel.id}>. I will tell "
            "you their decision by direct message."
        )
        owed = await owed_outcomes(self.db, guild_id, interaction.user.id)
        return f"{thanks}\n\n{owed}" if owed else thanks

    # --- deciding a suggestion ----------
    async def _pending(
        self, interaction: discord.Interaction[StudyBot], row: int
    ) -> store.Suggestion:
        await require_editor(interaction)
        suggestion = await store.get_suggestion(self.db, row)
        if suggestion is None or suggestion.guild_id != interaction.guild_id:
            raise UserError("This suggestion does not exist in this server.")
        if suggestion.status != "pending":
            who = f" by <@{suggestion.decided_by}>" if suggestion.decided_by else ""
            raise UserError(
                f"This suggestion was already {suggestion.status}{who}; nothing was changed."
            )
        return suggestion

    async def on_suggestion(
        self, interaction: discord.Interaction[StudyBot], action: str, row: int
    ) -> None:
        suggestion = await self._pending(interaction, row)
        if action == "approve":
            await self._approve(interaction, suggestion, suggestion.question)
            return
        if action == "edit":
            question = suggestion.question
            modal = question_modal(
                "Edit, then approve", f"{EDITED}{row}", QuestionForm.of(question), question.topic
            )
        else:
            modal = _reject_modal(row)
        await interaction.response.send_modal(modal)
        modal.stop()

    def _clash(self, guild_id: int, slug: str, question: Question) -> None:
        bank = self.bot.server_banks.own(guild_id, slug)
        if bank is not None and bank.get(question.id) is not None:
            raise UserError(
                f"The bank {bank.name!r} already has a question worded like this one (id "
                f"`{question.id}`): reject this suggestion, or edit its wording first."
            )

    async def _approve(
        self,
        interaction: discord.Interaction[StudyBot],
        suggestion: store.Suggestion,
        question: Question,
    ) -> None:
        guild_id, slug = suggestion.guild_id, suggestion.bank
        self._clash(guild_id, slug, question)
        by = interaction.user.id
        # a bank's new version is prepared before it is served: with thousands of questions
        # that can outlast Discord's 3 s, so the click is acknowledged first
        await interaction.response.defer()
        if not await store.approve_suggestion(
            self.db, suggestion.id, question, by=by, now=self._now()
        ):
            raise UserError("Another reviewer decided this suggestion just now; nothing changed.")
        try:
            await self.bot.server_banks.put_question(
                guild_id, slug, question, user_id=by, now=self._now()
            )
        except TooManyQuestions as exc:
            await store.reopen_suggestion(self.db, suggestion)
            raise UserError(
                f"This server holds the most questions it may ({exc.limit}): remove some before "
                "approving more."
            ) from None
        except BaseException:
            await store.reopen_suggestion(self.db, suggestion)
            raise
        await self._decided(interaction, suggestion.id)

    async def _decided(self, interaction: discord.Interaction[StudyBot], row: int) -> None:
        """Show the outcome on the review message (its buttons gone) and tell the author."""
        decided = await store.get_suggestion(self.db, row)
        assert decided is not None
        name = self._bank_name(decided.guild_id, decided.bank)
        await _show(interaction, suggestion_embed(decided, name))
        guild = interaction.guild
        await self._tell(
            decided.guild_id,
            decided.user_id,
            suggestion_outcome(decided, guild.name if guild else "the server", name),
        )

    async def _submit_edit(
        self, interaction: discord.Interaction[StudyBot], row: int, values: dict[str, str]
    ) -> None:
        suggestion = await self._pending(interaction, row)
        form, topic = form_of(values)
        question, reasons = read_form(form, topic=topic, keep=suggestion.question)
        if question is None:
            raise UserError(_refused(reasons[0], form, topic))
        await self._approve(interaction, suggestion, question)

    async def _submit_reject(
        self, interaction: discord.Interaction[StudyBot], row: int, values: dict[str, str]
    ) -> None:
        suggestion = await self._pending(interaction, row)
        reason = values.get("reason", "").strip()[:MAX_REJECT_REASON] or None
        if not await store.reject_suggestion(
            self.db, suggestion.id, reason, by=interaction.user.id, now=self._now()
        ):
            raise UserError("Another reviewer decided this suggestion just now; nothing changed.")
        await self._decided(interaction, suggestion.id)

    # --- reports ----------
    async def _reported(
        self, interaction: discord.Interaction[StudyBot], source: str, row: int
    ) -> tuple[store.ReportedQuestion, Bank, Question]:
        """The question the report button's row was shown with, in this server."""
        target = await store.reported_question(self.db, source, row)
        here = interaction.guild_id
        if target is None or (
            target.guild_id != here if here is not None else target.owner != interaction.user.id
        ):
            raise UserError("This question cannot be reported from here.")
        bank = self.banks.get(target.bank)
        question = bank.get(target.question_id) if bank is not None else None
        if bank is None or question is None:
            raise UserError("This question is no longer in its bank: there is nothing to report.")
        return target, bank, question

    async def open_report(
        self, interaction: discord.Interaction[StudyBot], source: str, row: int
    ) -> None:
        target, _, _ = await self._reported(interaction, source, row)
        await self._review_channel_id(target.guild_id)
        modal = report_modal(source, row)
        await interaction.response.send_modal(modal)
        modal.stop()

    async def _submit_report(
        self, interaction: discord.Interaction[StudyBot], custom_id: str, values: dict[str, str]
    ) -> str:
        named = modal_target(custom_id)
        if named is None:
            raise UserError("This form is not valid.")
        target, bank, question = await self._reported(interaction, *named)
        typed = values.get("reason", "").strip()
        note = values.get("note", "").strip()[:MAX_NOTE]
        reason = read_reason(typed)
        if reason is None:
            shown = discord.utils.escape_markdown(typed[:100])
            back = f"\nYour details: {discord.utils.escape_markdown(note)}" if note else ""
            raise UserError(
                f"Start “What is wrong” with wrong, unclear, typo or other (you wrote “{shown}”)."
                + back
            )
        channel = await self._review_channel(target.guild_id)
        report = await store.add_report(
            self.db,
            target.guild_id,
            interaction.user.id,
            bank.key,
            question.id,
            reason,
            note,
            now=self._now(),
        )
        if report is None:
            raise UserError("You reported this question already; the reviewers have it.")
        read_only = bank.owner is None
        embed = report_embed(report, question, bank.name, read_only=read_only)
        message = await self._post(
            channel, embed, report_review_view(report.id, read_only=read_only)
        )
        if message is None:
            await store.delete_report(self.db, report.id)
            raise UserError(self._cannot_post(channel.id))
        await store.set_report_message(self.db, report.id, channel.id, message.id)
        return (
            f"Thank you: your report is with the reviewers in <#{channel.id}>. I will tell you "
            "what they did by direct message."
        )

    async def _open(
        self, interaction: discord.Interaction[StudyBot], row: int
    ) -> tuple[store.Report, Bank | None, Question | None]:
        await require_editor(interaction)
        report = await store.get_report(self.db, row)
        if report is None or report.guild_id != interaction.guild_id:
            raise UserError("This report does not exist in this server.")
        if report.status != "open":
            who = f" by <@{report.decided_by}>" if report.decided_by else ""
            raise UserError(f"This report was already handled{who}; nothing was changed.")
        bank = self.banks.get(report.bank)
        return report, bank, bank.get(report.question_id) if bank is not None else None

    @staticmethod
    def _editable(bank: Bank | None, question: Question | None) -> tuple[Bank, Question]:
        if bank is not None and bank.owner is None:
            raise UserError(
                "The operator's shared banks are read-only here: dismiss this report, and tell "
                "the operator."
            )
        if bank is None or question is None:
            raise UserError("This question is no longer in its bank: dismiss this report.")
        return bank, question

    async def on_report(
        self, interaction: discord.Interaction[StudyBot], action: str, row: int
    ) -> None:
        report, bank, question = await self._open(interaction, row)
        if action == "dismiss":
            await self._close_report(interaction, report, "dismissed", question)
            return
        bank, question = self._editable(bank, question)
        if action == "edit":
            modal = question_modal(
                "Edit the question",
                f"{REPORT_EDITED}{row}",
                QuestionForm.of(question),
                question.topic,
            )
            await interaction.response.send_modal(modal)
            modal.stop()
            return
        slug = bank.key.partition(":")[2]
        await self._close_report(
            interaction,
            report,
            "retired",
            question,
            change=lambda: self.bot.server_banks.remove_question(
                report.guild_id, slug, question.id
            ),
        )

    async def _close_report(
        self,
        interaction: discord.Interaction[StudyBot],
        report: store.Report,
        status: store.ReportStatus,
        question: Question | None,
        change: Any = None,
    ) -> None:
        """Claim the report as ``status``, make the ``change`` to the bank (undone claim if it
        fails), show the outcome and tell the reporter."""
        if not await store.decide_report(
            self.db, report.id, status, by=interaction.user.id, now=self._now()
        ):
            raise UserError("Another reviewer handled this report just now; nothing changed.")
        if change is not None:
            await interaction.response.defer()  # as for an approval: the bank is prepared anew
            try:
                await change()
            except TooManyQuestions as exc:
                await store.reopen_report(self.db, report.id)
                raise UserError(
                    f"This server holds the most questions it may ({exc.limit})."
                ) from None
            except BaseException:
                await store.reopen_report(self.db, report.id)
                raise
        decided = await store.get_report(self.db, report.id)
        assert decided is not None
        bank = self.banks.get(report.bank)
        name = bank.name if bank is not None else report.bank
        embed = report_embed(
            decided, question, name, read_only=bank is not None and bank.owner is None
        )
        await _show(interaction, embed)
        guild = interaction.guild
        text = report_outcome(decided, question, guild.name if guild else "the server")
        await self._tell(decided.guild_id, decided.user_id, text)

    async def _submit_report_edit(
        self, interaction: discord.Interaction[StudyBot], row: int, values: dict[str, str]
    ) -> None:
        report, bank, question = await self._open(interaction, row)
        bank, question = self._editable(bank, question)
        form, topic = form_of(values)
        edited, reasons = read_form(form, topic=topic, question_id=question.id, keep=question)
        if edited is None:
            raise UserError(_refused(reasons[0], form, topic))
        slug = bank.key.partition(":")[2]
        await self._close_report(
            interaction,
            report,
            "edited",
            edited,
            change=lambda: self.bot.server_banks.put_question(
                report.guild_id, slug, edited, user_id=interaction.user.id, now=self._now()
            ),
        )

    # --- form submissions ----------
    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction[StudyBot]) -> None:
        if interaction.type is not discord.InteractionType.modal_submit:
            return
        data: dict[str, Any] = dict(interaction.data or {})
        custom_id = str(data.get("custom_id", ""))
        if not custom_id.startswith((FORM, EDITED, WHY, REPORT_EDITED, MODAL_PREFIX)):
            return
        try:
            await self._submitted(interaction, custom_id, modal_values(data))
        except Exception as exc:
            await report_error(interaction, exc)

    async def _submitted(
        self, interaction: discord.Interaction[StudyBot], custom_id: str, values: dict[str, str]
    ) -> None:
        if custom_id.startswith(FORM):
            slug = custom_id.removeprefix(FORM)
            text = await before_deadline(
                interaction, self._submit_suggestion(interaction, slug, values)
            )
            await reply(interaction, text)
        elif custom_id.startswith(MODAL_PREFIX):
            text = await before_deadline(
                interaction, self._submit_report(interaction, custom_id, values)
            )
            await reply(interaction, text)
        elif custom_id.startswith(EDITED):
            await self._submit_edit(interaction, _row(custom_id, EDITED), values)
        elif custom_id.startswith(WHY):
            await self._submit_reject(interaction, _row(custom_id, WHY), values)
        else:
            await self._submit_report_edit(interaction, _row(custom_id, REPORT_EDITED), values)


_implements_buttons: type[ReviewButtons] = Suggestions  # checked by mypy
_implements_reports: type[ReportHandler] = Suggestions  # checked by mypy
