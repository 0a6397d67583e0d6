"""/export: a member's cards, or (for admins) a whole bank, as an Anki package and a CSV file."""

from __future__ import annotations

import asyncio
import io
import re
import tempfile
from datetime import timedelta
from pathlib import Path

import discord
from discord import app_commands
from discord.ext import commands

from bot.db import reviews
from bot.discord_glue.autocomplete import bank_choices
from bot.discord_glue.client import StudyBot, UserError, reply
from bot.export.anki import build_package
from bot.export.notes import ExportNote, csv_export, study_order
from bot.study.review import Phase

# Discord refuses attachments over this for a bot without boosts (a whole message's files).
MAX_UPLOAD = 10 * 1024 * 1024
MISSED_WITHIN = timedelta(days=30)  # a question graded Again this recently counts as missed
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def file_stem(name: str) -> str:
    """A file name from a server's or bank's name: letters, digits, dots and dashes."""
    return _UNSAFE.sub("-", name).strip("-.")[:60] or "study"


def package_files(
    notes: list[ExportNote], deck_name: str, stem: str, deck_key: str | None
) -> list[discord.File]:
    """The notes as ``stem.apkg`` and ``stem.csv`` (blocking: run in a thread)."""
    with tempfile.TemporaryDirectory(prefix="studybot-export-") as folder:
        path = Path(folder) / f"{stem}.apkg"
        build_package(notes, deck_name, path, deck_key=deck_key)
        package = path.read_bytes()
    table = csv_export(notes).encode("utf-8")
    if len(package) + len(table) > MAX_UPLOAD:
        raise UserError(
            f"The export would be {(len(package) + len(table)) / 2**20:.1f} MB, more than the "
            "10 MB Discord takes in one message."
        )
    return [
        discord.File(io.BytesIO(package), filename=f"{stem}.apkg"),
        discord.File(io.BytesIO(table), filename=f"{stem}.csv"),
    ]


class Export(commands.Cog):
    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot
        self.db = bot.services.db
        self.banks = bot.services.banks
        self.clock = bot.services.clock

    @app_commands.command(
        name="export", description="Your cards as an Anki deck and CSV (admins: a whole bank)"
    )
    @app_commands.guild_only()
    @app_commands.describe(bank="Admins (Manage Server): export this whole bank instead")
    async def export(
        self, interaction: discord.Interaction[StudyBot], bank: str | None = None
    ) -> None:
        assert interaction.guild is not None
        guild = interaction.guild
        if bank is not None:
            if not interaction.permissions.manage_guild:
                raise UserError("Only members with Manage Server export a whole bank.")
            chosen = self.banks.choose(guild.id, bank)
            if chosen is None:
                known = self.banks.names(guild.id)
                raise UserError(f"There is no bank {bank!r}. Banks here: {known}.")
            notes = [ExportNote.of_question(q) for q in chosen.questions]
            deck, stem, key = chosen.name, file_stem(chosen.key), None
            what = f"the {len(notes)} questions of **{discord.utils.escape_markdown(chosen.name)}**"
        else:
            await interaction.response.defer(ephemeral=True, thinking=True)
            notes = await self._member_notes(guild.id, interaction.user.id)
            if not notes:
                raise UserError(
                    "You have no cards yet: answer a question of the day, a quiz or /review first."
                )
            # one deck per server, whatever the server is called
            deck, stem, key = guild.name, f"{file_stem(guild.name)}-cards", f"guild {guild.id}"
            what = f"your {len(notes)} cards, missed and due ones first"
        if not interaction.response.is_done():
            await interaction.response.defer(ephemeral=True, thinking=True)
        files = await asyncio.to_thread(package_files, study_order(notes), deck, stem, key)
        await reply(
            interaction,
            f"Here are {what}: the `.apkg` opens in Anki (File > Import; importing a later "
            "export again updates these notes), the `.csv` in a spreadsheet.",
            files=files,
        )

    async def _member_notes(self, guild_id: int, user_id: int) -> list[ExportNote]:
        now = self.clock.now()
        again = await reviews.recently_missed(self.db, guild_id, user_id, now - MISSED_WITHIN)
        notes = []
        for card in await reviews.member_card_list(self.db, guild_id, user_id):
            bank = self.banks.get(card.bank)
            question = bank.get(card.question_id) if bank else None
            if question is None:
                continue
            state = card.state
            missed = (
                state.lapses > 0 or state.state is Phase.RELEARNING or (card.question_id in again)
            )
            notes.append(ExportNote.of_question(question, missed=missed, due=state.is_due(now)))
        return notes

    @export.autocomplete("bank")
    async def _bank_choices(
        self, interaction: discord.Interaction[StudyBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return bank_choices(self.banks, current, interaction.guild_id)


async def setup(bot: StudyBot) -> None:
    await bot.add_cog(Export(bot))
