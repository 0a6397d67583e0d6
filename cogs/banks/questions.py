"""/question: one question at a time in a server's own banks (add, edit, remove, find).

The form's submission is read by an ``on_interaction`` listener from its custom_id (``qform:a:``
to add to a bank, ``qform:e:`` to edit a question by id), so it works after a restart, and
everything it names is checked again on the server side.
"""

from __future__ import annotations

import re
from typing import Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.bank.form import QuestionForm, read_form
from bot.bank.model import Bank, Question
from bot.bank.text import plain, shorten
from bot.db.server_banks import TooManyQuestions
from bot.discord_glue.client import StudyBot, UserError, reply, report_error
from bot.discord_glue.editors import require_editor
from bot.discord_glue.modals import modal_values
from bot.discord_glue.question_form import form_of, question_modal, typed_back
from bot.server_banks import slug_of
from cogs.banks.render import question_embed, question_line

FORM = "qform:"
_FORM = re.compile(r"qform:(?P<act>[ae]):(?P<d>[emh-]):(?P<target>.{1,80})")
DIFFICULTY = {"e": "easy", "m": "medium", "h": "hard", "-": None}
FOUND_SHOWN = 10


@app_commands.guild_only()
class Questions(
    commands.GroupCog,
    name="Questions",
    group_name="question",
    group_description="This server's questions",
):
    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot
        self.library = bot.services.banks
        self.server_banks = bot.server_banks
        self.clock = bot.services.clock
        super().__init__()

    def _now(self) -> int:
        return int(self.clock.now().timestamp())

    def _own_question(self, guild_id: int | None, question_id: str) -> tuple[Bank, Question]:
        found = self.server_banks.find(guild_id, question_id) if guild_id is not None else None
        if found is None:
            raise UserError(
                f"This server's banks have no question {question_id!r}: "
                "find it with /question find (the operator's shared banks are read-only)."
            )
        return found

    # --- commands ----------
    @app_commands.command(name="add", description="Add a question to one of this server's banks")
    @app_commands.describe(
        bank="The bank (a new name makes a new bank)", difficulty="How hard it is"
    )
    async def add(
        self,
        interaction: discord.Interaction[StudyBot],
        bank: app_commands.Range[str, 1, 80],
        difficulty: Literal["easy", "medium", "hard"] | None = None,
    ) -> None:
        await require_editor(interaction)
        target = self._target_name(interaction.guild_id, bank)
        d = difficulty[0] if difficulty else "-"
        await interaction.response.send_modal(
            question_modal("New question", f"{FORM}a:{d}:{target}", QuestionForm(""))
        )

    def _target_name(self, guild_id: int | None, bank: str) -> str:
        """The name of the server bank ``bank`` names (an existing one, or a new one)."""
        assert guild_id is not None
        existing = self.library.choose(guild_id, bank)
        if existing is not None and existing.owner == guild_id:
            return existing.name[:80]
        if existing is not None or self.server_banks.shared_clash(slug_of(bank)) is not None:
            raise UserError(
                f"{bank!r} is a shared bank, which is read-only: "
                "name one of this server's banks, or a new one."
            )
        if not slug_of(bank):
            raise UserError(f"{bank!r} cannot name a bank: use letters or digits.")
        return bank.strip()[:80]

    @app_commands.command(name="edit", description="Edit a question of this server's banks")
    @app_commands.describe(id="The question (type to search)", difficulty="A new difficulty")
    async def edit(
        self,
        interaction: discord.Interaction[StudyBot],
        id: str,
        difficulty: Literal["easy", "medium", "hard"] | None = None,
    ) -> None:
        await require_editor(interaction)
        _, question = self._own_question(interaction.guild_id, id)
        if len(question.answer) > 4000:
            raise UserError(
                "This answer is too long to edit in a form: "
                "use /bank export, edit the file and upload it."
            )
        d = difficulty[0] if difficulty else "-"
        await interaction.response.send_modal(
            question_modal(
                "Edit question",
                f"{FORM}e:{d}:{question.id}",
                QuestionForm.of(question),
                question.topic,
            )
        )

    @app_commands.command(name="remove", description="Remove a question from this server's banks")
    @app_commands.describe(id="The question (type to search)")
    async def remove(self, interaction: discord.Interaction[StudyBot], id: str) -> None:
        await require_editor(interaction)
        assert interaction.guild_id is not None
        bank, question = self._own_question(interaction.guild_id, id)
        slug = bank.key.rpartition(":")[2]
        if not await self.server_banks.remove_question(interaction.guild_id, slug, question.id):
            raise UserError("This question was already removed.")
        await reply(
            interaction,
            f"Removed from **{discord.utils.escape_markdown(bank.name)}**: "
            f"{question_line(question)}\n"
            "Members' answers and points stay.",
        )

    @app_commands.command(name="find", description="Find a question by its words or id")
    @app_commands.describe(text="Words of the question, or its id")
    async def find(self, interaction: discord.Interaction[StudyBot], text: str) -> None:
        await require_editor(interaction)  # a question's page shows its answer
        found = self._search(interaction.guild_id, text)
        if not found:
            raise UserError(f"No question here matches {shorten(text, 80)!r}.")
        if len(found) == 1:
            await reply(interaction, embed=question_embed(*found[0]))
            return
        lines = [
            f"{question_line(q)} · {discord.utils.escape_markdown(b.name)}"
            for b, q in found[:FOUND_SHOWN]
        ]
        more = (
            f"\n… and {len(found) - FOUND_SHOWN} more: add words."
            if len(found) > FOUND_SHOWN
            else ""
        )
        await reply(interaction, "\n".join(lines) + more)

    def _search(self, guild_id: int | None, text: str) -> list[tuple[Bank, Question]]:
        wanted = text.strip().casefold()
        exact = [
            (b, q) for b in self.library.visible(guild_id) if (q := b.get(text.strip())) is not None
        ]
        if exact:
            return exact
        return [
            (b, q)
            for b in self.library.visible(guild_id)
            for q in b.questions
            if wanted and wanted in plain(q.prompt).casefold()
        ]

    # --- autocomplete ----------
    @edit.autocomplete("id")
    @remove.autocomplete("id")
    async def _own_ids(
        self, interaction: discord.Interaction[StudyBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return self._choices(interaction.guild_id, current, own_only=True)

    @find.autocomplete("text")
    async def _any_ids(
        self, interaction: discord.Interaction[StudyBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return self._choices(interaction.guild_id, current, own_only=False)

    def _choices(
        self, guild_id: int | None, current: str, *, own_only: bool
    ) -> list[app_commands.Choice[str]]:
        wanted = current.strip().casefold()
        out = []
        for bank in self.library.visible(guild_id):
            if own_only and bank.owner != guild_id:
                continue
            for q in bank.questions:
                prompt = plain(q.prompt)
                if wanted in prompt.casefold() or wanted == q.id:
                    out.append(
                        app_commands.Choice(
                            name=shorten(f"{prompt} · {bank.name}", 100), value=q.id
                        )
                    )
                    if len(out) == 25:
                        return out
        return out

    @add.autocomplete("bank")
    async def _own_banks(
        self, interaction: discord.Interaction[StudyBot], current: str
    ) -> list[app_commands.Choice[str]]:
        wanted = current.casefold()
        return [
            app_commands.Choice(
                name=shorten(f"{b.name} ({len(b.questions)} questions)", 100), value=b.name[:100]
            )
            for b in self.library.visible(interaction.guild_id)
            if b.owner == interaction.guild_id and wanted in b.name.casefold()
        ][:25]

    # --- the form's submission ----------
    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction[StudyBot]) -> None:
        if interaction.type is not discord.InteractionType.modal_submit:
            return
        data: dict[str, Any] = dict(interaction.data or {})
        custom_id = str(data.get("custom_id", ""))
        if not custom_id.startswith(FORM):
            return
        values = modal_values(data)
        try:
            matched = _FORM.fullmatch(custom_id)
            if matched is None:
                raise UserError("This form is not valid.")
            await require_editor(interaction)
            text = await self._save(interaction, matched, values)
            await reply(interaction, text)
        except UserError as exc:
            form, topic = form_of(values)
            shown = typed_back(form, topic)
            await reply(interaction, f"{exc}\n\nWhat you typed, to paste back:\n{shown}")
        except Exception as exc:
            await report_error(interaction, exc)

    async def _save(
        self,
        interaction: discord.Interaction[StudyBot],
        matched: re.Match[str],
        values: dict[str, str],
    ) -> str:
        guild_id = interaction.guild_id
        assert guild_id is not None
        form, topic = form_of(values)
        difficulty = DIFFICULTY[matched["d"]]
        if matched["act"] == "a":
            name = self._target_name(guild_id, matched["target"])
            question, problems = read_form(form, topic=topic, difficulty=difficulty)
            if question is None:
                raise UserError("Not added: " + " ".join(problems))
            existing = self.server_banks.own(guild_id, slug_of(name))
            if existing is not None and existing.get(question.id) is not None:
                raise UserError(
                    f"**{name}** already has this question (id `{question.id}`): "
                    "change it with /question edit."
                )
            slug = slug_of(name)
            verb = "Added to"
        else:
            bank, old = self._own_question(guild_id, matched["target"])
            question, problems = read_form(
                form, topic=topic or "", difficulty=difficulty, question_id=old.id, keep=old
            )
            if question is None:
                raise UserError("Not saved: " + " ".join(problems))
            name, slug, verb = bank.name, bank.key.rpartition(":")[2], "Saved in"
        try:
            await self.server_banks.put_question(
                guild_id, slug, question, user_id=interaction.user.id, now=self._now(), name=name
            )
        except TooManyQuestions as exc:
            raise UserError(
                f"Not saved: this server already holds the {exc.limit:,} questions it may keep."
            ) from None
        return f"{verb} **{discord.utils.escape_markdown(name)}**: {question_line(question)}"
