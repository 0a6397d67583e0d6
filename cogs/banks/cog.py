"""/bank: a server's own question banks, uploaded and managed from Discord.

Every command and button that changes a bank checks, on the server side, that the member may
manage questions (Manage Server or the question editors role). An uploaded file is read by the
same loaders as the operator's banks and imported whole, after a preview, or not at all.
"""

from __future__ import annotations

import asyncio
import io
import logging
import secrets
import time
from dataclasses import dataclass, field

import discord
from discord import app_commands
from discord.ext import commands

from bot.bank.changes import BankChanges
from bot.bank.loader import LoadResult, load_bank_bytes
from bot.bank.model import Bank, Question
from bot.bank.native import dump_native
from bot.db import qotd as qotd_store
from bot.db.guilds import set_editor_role, set_review_channel
from bot.db.server_banks import MAX_SERVER_QUESTIONS, TooManyQuestions, server_question_count
from bot.discord_glue.autocomplete import bank_choices
from bot.discord_glue.client import StudyBot, UserError, reply
from bot.discord_glue.editors import require_editor
from bot.items.maker import ItemMaker
from bot.items.model import CHOICE_KINDS, TYPED_KINDS, Item, Kind
from bot.server_banks import slug_of
from cogs.banks.buttons import COG_NAME, confirm_view, pages_view
from cogs.banks.render import (
    SAMPLES,
    Usable,
    list_embed,
    page_count,
    page_embed,
    preview_embed,
    refusal_text,
)

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
PENDING_SECONDS = 15 * 60  # an interaction's token lives 15 minutes: so does a pending change
RECALL_KINDS = frozenset((Kind.RECALL,))
REVIEW_CHANNEL_NEEDS = discord.Permissions(view_channel=True, send_messages=True, embed_links=True)


@dataclass(slots=True)
class Pending:
    """An upload or a removal waiting for its Confirm."""

    user_id: int
    guild_id: int
    slug: str
    name: str
    questions: list[Question] | None  # None: a removal
    source: str | None = None
    created: float = field(default_factory=time.monotonic)


def usable(maker: ItemMaker, bank: Bank) -> Usable:
    """How many questions can be asked each way (blocking for a large bank: run in a thread)."""
    return Usable(
        choice=sum(maker.askable(q, CHOICE_KINDS) for q in bank.questions),
        typed=sum(maker.askable(q, TYPED_KINDS) for q in bank.questions),
        recall=sum(maker.askable(q, RECALL_KINDS) for q in bank.questions),
    )


def read_upload(
    filename: str, raw: bytes
) -> tuple[LoadResult, Usable | None, list[tuple[Question, Item | None]]]:
    """The file read, and (when it loaded) how it can be asked and its first questions as
    they will be (blocking: run in a thread)."""
    result = load_bank_bytes(filename, raw)
    if result.bank is None or result.errors:
        return result, None, []
    maker = ItemMaker(result.bank).prepare()
    samples = [(q, maker.item(q, 0)) for q in result.bank.questions[:SAMPLES]]
    return result, usable(maker, result.bank), samples


@app_commands.guild_only()
class Banks(
    commands.GroupCog, name=COG_NAME, group_name="bank", group_description="Question banks"
):
    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot
        self.db = bot.services.db
        self.library = bot.services.banks
        self.server_banks = bot.server_banks
        self.clock = bot.services.clock
        self._pending: dict[str, Pending] = {}
        self._usable: dict[str, tuple[Bank, Usable]] = {}  # counted once per version of a bank
        super().__init__()

    # --- pending uploads and removals ----------
    def _hold(self, pending: Pending) -> str:
        now = time.monotonic()
        for token in [t for t, p in self._pending.items() if now - p.created > PENDING_SECONDS]:
            del self._pending[token]
        token = secrets.token_hex(8)
        self._pending[token] = pending
        return token

    async def on_pending(
        self, interaction: discord.Interaction[StudyBot], token: str, *, confirm: bool
    ) -> None:
        pending = self._pending.get(token)
        if (
            pending is None
            or time.monotonic() - pending.created > PENDING_SECONDS
            or pending.guild_id != interaction.guild_id
        ):
            raise UserError("This confirmation has expired: run the command again.")
        if pending.user_id != interaction.user.id:
            raise UserError("Only the member who ran the command can confirm it.")
        await require_editor(interaction)
        del self._pending[token]
        if not confirm:
            await interaction.response.edit_message(
                content="Cancelled: nothing was changed.", embed=None, view=None
            )
            return
        await interaction.response.defer()
        if pending.questions is None:
            text = await self._remove(pending)
        else:
            text = await self._import(interaction, pending)
        await interaction.edit_original_response(content=text, embed=None, view=None)

    async def _import(self, interaction: discord.Interaction[StudyBot], pending: Pending) -> str:
        assert pending.questions is not None
        try:
            changes = await self.server_banks.replace(
                pending.guild_id,
                pending.slug,
                pending.name,
                pending.questions,
                source=pending.source,
                user_id=interaction.user.id,
                now=int(self.clock.now().timestamp()),
            )
        except TooManyQuestions as exc:
            return self._too_many(exc.total)
        log.info(
            "bank %s:%s imported by %s: %d added, %d edited, %d removed",
            pending.guild_id,
            pending.slug,
            interaction.user.id,
            len(changes.added),
            len(changes.edited),
            len(changes.removed),
        )
        return (
            f"Imported **{discord.utils.escape_markdown(pending.name)}**: "
            f"{len(pending.questions)} questions ({_counts(changes)}). Use it with "
            f"`/qotd setup bank:{pending.slug}` or `/quiz bank:{pending.slug}`."
        )

    @staticmethod
    def _too_many(total: int) -> str:
        return (
            f"Not imported: this server would hold {total:,} questions, more than the "
            f"{MAX_SERVER_QUESTIONS:,} a server may keep. Remove a bank or some questions first."
        )

    # --- /bank upload ----------
    @app_commands.command(
        name="upload", description="Add or replace one of this server's banks from a file"
    )
    @app_commands.describe(
        file="A bank file: Markdown, YAML, JSON, CSV, an Anki or Red trivia export (2 MB at most)",
        name="The bank's name (default: the name in the file, or the file's name)",
    )
    async def upload(
        self,
        interaction: discord.Interaction[StudyBot],
        file: discord.Attachment,
        name: app_commands.Range[str, 1, 80] | None = None,
    ) -> None:
        await require_editor(interaction)
        assert interaction.guild_id is not None
        if file.size > MAX_UPLOAD_BYTES:
            raise UserError(
                f"{file.filename} is {file.size / 2**20:.1f} MB; a bank file may be at most 2 MB "
                "(split it into several banks)."
            )
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            raw = await file.read()
        except (discord.HTTPException, discord.NotFound) as exc:
            raise UserError(
                f"I could not download {file.filename} from Discord ({exc.status}); try again."
            ) from None
        if len(raw) > MAX_UPLOAD_BYTES:
            raise UserError(f"{file.filename} is larger than 2 MB.")
        result, counts, samples = await asyncio.to_thread(read_upload, file.filename, raw)
        if result.errors or result.bank is None or counts is None:
            await reply(interaction, refusal_text(file.filename, result))
            return
        bank_name = (name or result.bank.name).strip()
        slug = slug_of(bank_name)
        if not slug:
            raise UserError(f"{bank_name!r} cannot name a bank: use letters or digits (name:).")
        clash = self.server_banks.shared_clash(slug)
        if clash is not None:
            raise UserError(
                f"A shared bank is already called {clash.name!r}: "
                "give yours another name with name:."
            )
        kept, changes = self.server_banks.preview(interaction.guild_id, slug, result.bank.questions)
        others = await server_question_count(self.db, interaction.guild_id)
        current = self.server_banks.own(interaction.guild_id, slug)
        total = others - (len(current.questions) if current else 0) + len(kept)
        if total > MAX_SERVER_QUESTIONS:
            raise UserError(self._too_many(total))
        token = self._hold(
            Pending(interaction.user.id, interaction.guild_id, slug, bank_name, kept, file.filename)
        )
        embed = preview_embed(
            bank_name, result, result.bank, counts, samples, changes if current else None
        )
        await reply(
            interaction, embed=embed, view=confirm_view(token, "Replace" if current else "Import")
        )

    # --- /bank list, show, export ----------
    @app_commands.command(name="list", description="The banks this server can use")
    async def list_(self, interaction: discord.Interaction[StudyBot]) -> None:
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        rows = []
        for bank in self.library.visible(interaction.guild_id):
            counted = self._usable.get(bank.key)
            if counted is None or counted[0] is not bank:  # new, or a new version of it
                maker = self.library.maker(bank.key)
                if maker is None:
                    continue
                counted = self._usable[bank.key] = (
                    bank,
                    await asyncio.to_thread(usable, maker, bank),
                )
            rows.append((bank, counted[1]))
        await reply(interaction, embed=list_embed(rows, interaction.guild_id))

    def _named(self, interaction: discord.Interaction[StudyBot], name: str) -> Bank:
        found = self.library.choose(interaction.guild_id, name)
        if found is None:
            raise UserError(
                f"There is no bank {name!r} here. "
                f"Banks here: {self.library.names(interaction.guild_id)}."
            )
        return found

    def _own(self, interaction: discord.Interaction[StudyBot], name: str) -> Bank:
        found = self._named(interaction, name)
        if found.owner != interaction.guild_id:
            raise UserError(
                f"{found.name!r} is one of the operator's shared banks, which are read-only here."
            )
        return found

    @app_commands.command(name="show", description="The questions of a bank, page by page")
    @app_commands.describe(name="The bank", page="The page to start at")
    async def show(
        self,
        interaction: discord.Interaction[StudyBot],
        name: str,
        page: app_commands.Range[int, 1, 10000] = 1,
    ) -> None:
        await require_editor(interaction)  # a bank's pages show its answers
        bank = self._named(interaction, name)
        index = min(page, page_count(bank)) - 1
        await reply(
            interaction,
            embed=page_embed(bank, index),
            view=pages_view(bank.key, index, page_count(bank)),
        )

    async def on_page(
        self, interaction: discord.Interaction[StudyBot], key: str, page: int
    ) -> None:
        await require_editor(interaction)
        if not self.library.may_use(interaction.guild_id, key):
            raise UserError("This bank is no longer here: run /bank show again.")
        bank = self.library.get(key)
        assert bank is not None
        page = min(page, page_count(bank) - 1)
        await interaction.response.edit_message(
            embed=page_embed(bank, page), view=pages_view(key, page, page_count(bank))
        )

    @app_commands.command(
        name="export", description="A bank as a file in this bot's YAML, to edit and upload again"
    )
    @app_commands.describe(name="The bank")
    async def export(self, interaction: discord.Interaction[StudyBot], name: str) -> None:
        await require_editor(interaction)
        bank = self._named(interaction, name)
        text = await asyncio.to_thread(dump_native, bank)
        stem = slug_of(bank.name) or "bank"
        await reply(
            interaction,
            f"**{discord.utils.escape_markdown(bank.name)}**: {len(bank.questions)} questions. "
            "Each keeps its `id:` so an edited file uploaded again keeps members' history.",
            files=[discord.File(io.BytesIO(text.encode("utf-8")), filename=f"{stem}.yaml")],
        )

    # --- /bank remove ----------
    @app_commands.command(name="remove", description="Remove one of this server's banks")
    @app_commands.describe(name="The bank")
    async def remove(self, interaction: discord.Interaction[StudyBot], name: str) -> None:
        await require_editor(interaction)
        assert interaction.guild_id is not None
        bank = self._own(interaction, name)
        slug = bank.key.rpartition(":")[2]
        using = [
            s
            for s in await qotd_store.guild_schedules(self.db, interaction.guild_id)
            if s.bank == bank.key
        ]
        token = self._hold(
            Pending(interaction.user.id, interaction.guild_id, slug, bank.name, None)
        )
        warning = (
            "\nThe question of the day in "
            + ", ".join(f"<#{s.channel_id}>" for s in using)
            + " uses it and will stop until another bank is chosen with `/qotd edit bank:`."
            if using
            else ""
        )
        await reply(
            interaction,
            f"Remove **{discord.utils.escape_markdown(bank.name)}** and its {len(bank.questions)} "
            f"questions? Members' answers and points stay.{warning}",
            view=confirm_view(token, "Remove"),
        )

    async def _remove(self, pending: Pending) -> str:
        key = f"{pending.guild_id}:{pending.slug}"
        removed = await self.server_banks.remove_bank(pending.guild_id, pending.slug)
        if not removed:
            return f"**{discord.utils.escape_markdown(pending.name)}** was already removed."
        stopped = []
        for schedule in await qotd_store.guild_schedules(self.db, pending.guild_id):
            if schedule.bank != key:
                continue
            reason = f"its bank {pending.name!r} was removed; pick another with /qotd edit bank:"
            await qotd_store.set_schedule_error(self.db, schedule.id, reason)
            stopped.append(schedule.channel_id)
            await self._tell_channel(schedule.channel_id, pending.name)
        text = f"Removed **{discord.utils.escape_markdown(pending.name)}**."
        if stopped:
            text += (
                " The question of the day stopped in " + ", ".join(f"<#{c}>" for c in stopped) + "."
            )
        return text

    async def _tell_channel(self, channel_id: int, name: str) -> None:
        channel = self.bot.get_channel(channel_id)
        if not isinstance(channel, discord.abc.Messageable):
            return
        try:
            await channel.send(
                "The question of the day here has stopped: its bank "
                f"**{discord.utils.escape_markdown(name)}** was removed. "
                "An admin can choose another with `/qotd edit bank:`.",
                allowed_mentions=discord.AllowedMentions.none(),
            )
        except discord.HTTPException as exc:
            log.info("bank removal: could not tell channel %s (%s)", channel_id, exc.status)

    # --- /bank settings ----------
    @app_commands.command(
        name="settings",
        description="Who may manage questions, and where suggestions and reports go",
    )
    @app_commands.describe(
        editor_role="Members with this role may manage questions (besides Manage Server)",
        review_channel="Where member suggestions and problem reports are posted for review",
        clear_editor_role="Remove the question editors role",
    )
    async def settings(
        self,
        interaction: discord.Interaction[StudyBot],
        editor_role: discord.Role | None = None,
        review_channel: discord.TextChannel | None = None,
        clear_editor_role: bool = False,
    ) -> None:
        if not interaction.permissions.manage_guild:
            raise UserError(
                "Only members with Manage Server choose the editors and the review channel."
            )
        assert interaction.guild_id is not None
        now = int(self.clock.now().timestamp())
        said = []
        if editor_role is not None and clear_editor_role:
            raise UserError("Give editor_role or clear_editor_role, not both.")
        if editor_role is not None:
            if editor_role.is_default():
                raise UserError(
                    "@everyone cannot be the editors role: pick a role, or use Manage Server."
                )
            await set_editor_role(self.db, interaction.guild_id, editor_role.id, now)
            said.append(f"Members with {editor_role.mention} may now manage questions.")
        if clear_editor_role:
            await set_editor_role(self.db, interaction.guild_id, None, now)
            said.append("Only Manage Server may manage questions now.")
        if review_channel is not None:
            missing = discord.Permissions(
                REVIEW_CHANNEL_NEEDS.value
                & ~review_channel.permissions_for(review_channel.guild.me).value
            )
            if missing.value:
                names = ", ".join(n.replace("_", " ") for n, v in missing if v)
                raise UserError(
                    f"I need {names} in {review_channel.mention} to post suggestions there."
                )
            await set_review_channel(self.db, interaction.guild_id, review_channel.id, now)
            said.append(f"Suggestions and problem reports now go to {review_channel.mention}.")
        if not said:
            raise UserError("Give editor_role, review_channel or clear_editor_role.")
        await reply(interaction, "\n".join(said))

    # --- autocomplete ----------
    @show.autocomplete("name")
    @export.autocomplete("name")
    async def _any_bank(
        self, interaction: discord.Interaction[StudyBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return bank_choices(self.library, current, interaction.guild_id)

    @remove.autocomplete("name")
    async def _own_bank(
        self, interaction: discord.Interaction[StudyBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return bank_choices(self.library, current, interaction.guild_id, own_only=True)


def _counts(changes: BankChanges) -> str:
    return (
        f"{len(changes.added)} added, {len(changes.edited)} edited, "
        f"{len(changes.removed)} removed, {changes.unchanged} unchanged"
    )
