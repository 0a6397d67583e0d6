"""What /bank and /question show: an upload's preview, the list of banks, a bank's pages."""

from __future__ import annotations

from dataclasses import dataclass

import discord

from bot.bank.changes import BankChanges
from bot.bank.loader import FORMAT_NAMES, LoadResult
from bot.bank.model import Bank, Question
from bot.bank.text import plain, shorten
from bot.discord_glue.render import bank_text, cut, item_prompt_text, option_lines
from bot.items.model import Item

PAGE_SIZE = 10
SHOWN_PROBLEMS = 8
SAMPLES = 3


@dataclass(frozen=True, slots=True)
class Usable:
    """How many of a bank's questions can be asked each way."""

    choice: int
    typed: int
    recall: int

    def text(self) -> str:
        return f"{self.choice} as choices · {self.typed} typed · {self.recall} as recall"


def _problems(title: str, problems: list[str]) -> str:
    shown = [
        f"• {discord.utils.escape_markdown(shorten(p, 180))}" for p in problems[:SHOWN_PROBLEMS]
    ]
    more = len(problems) - SHOWN_PROBLEMS
    if more > 0:
        shown.append(f"… and {more} more")
    return f"**{title}**\n" + "\n".join(shown)


def refusal_text(filename: str, result: LoadResult) -> str:
    """Why a file was not imported: every error with its line (the file's name starts each)."""
    count = len(result.errors)
    head = (
        f"**{discord.utils.escape_markdown(filename)}** was not imported "
        f"({count} error{'s' if count != 1 else ''}; nothing was changed):"
    )
    return cut(head + "\n" + _problems("Errors", result.errors).split("\n", 1)[1], 1900)


def _changes_text(changes: BankChanges) -> str:
    parts = [
        f"{len(changes.added)} added",
        f"{len(changes.edited)} edited",
        f"{len(changes.removed)} removed",
        f"{changes.unchanged} unchanged",
    ]
    lines = [", ".join(parts) + ". Members' history stays with edited questions."]
    for _, after in changes.edited[:3]:
        lines.append(f"✏️ {bank_text(shorten(plain(after.prompt), 80), inline=True)}")
    for gone in changes.removed[:3]:
        lines.append(f"➖ {bank_text(shorten(plain(gone.prompt), 80), inline=True)}")
    return "\n".join(lines)


def preview_embed(
    name: str,
    result: LoadResult,
    bank: Bank,
    usable: Usable,
    samples: list[tuple[Question, Item | None]],
    changes: BankChanges | None,
) -> discord.Embed:
    fmt = FORMAT_NAMES.get(result.format or "", result.format or "?")
    shape = f" ({result.shape})" if result.shape else ""
    embed = discord.Embed(
        title=f"Import {shorten(name, 200)}?",
        description=cut(
            f"**{discord.utils.escape_markdown(result.path)}**: {fmt}{shape}, "
            f"{len(bank.questions)} questions.\nAsked: {usable.text()}.",
            4000,
        ),
        color=discord.Color.blurple(),
    )
    topics = bank.topics()
    if topics:
        shown = ", ".join(topics[:15]) + (
            f" and {len(topics) - 15} more" if len(topics) > 15 else ""
        )
        embed.add_field(name="Topics", value=cut(bank_text(shown, inline=True), 1000), inline=False)
    if changes is not None:
        embed.add_field(
            name="Replaces the bank of this name",
            value=cut(_changes_text(changes), 1000),
            inline=False,
        )
    if result.warnings:
        embed.add_field(
            name=f"Warnings ({len(result.warnings)})",
            value=cut(_problems("", result.warnings).split("\n", 1)[1], 1000),
            inline=False,
        )
    for n, (question, item) in enumerate(samples, start=1):
        if item is None:
            text = f"{bank_text(shorten(plain(question.prompt), 200), inline=True)}\n(not askable)"
        else:
            text = item_prompt_text(question, item)
            if item.is_choice:
                text += "\n" + option_lines(item, mark_correct=True)
            elif item.is_typed:
                text += "\n(typed)"
            else:
                text += "\n(recall: the member checks themselves)"
        embed.add_field(
            name=f"Question {n}, as it will be asked", value=cut(text, 1000), inline=False
        )
    embed.set_footer(text="Confirm to import it; nothing changes until then.")
    return embed


def list_embed(rows: list[tuple[Bank, Usable]], guild_id: int) -> discord.Embed:
    embed = discord.Embed(title="Question banks", color=discord.Color.blurple())
    own = [(b, u) for b, u in rows if b.owner == guild_id]
    shared = [(b, u) for b, u in rows if b.owner is None]
    for title, group in (("This server's banks", own), ("Shared banks (read-only)", shared)):
        if not group:
            continue
        lines = [
            f"**{discord.utils.escape_markdown(b.name)}** (`{b.key.rpartition(':')[2]}`): "
            f"{len(b.questions)} questions, {u.text()}"
            for b, u in group
        ]
        embed.add_field(name=title, value=cut("\n".join(lines), 1024), inline=False)
    if not own:
        embed.description = (
            "This server has no bank of its own yet: `/bank upload` a file or `/question add`."
        )
    return embed


def page_count(bank: Bank) -> int:
    return max(1, -(-len(bank.questions) // PAGE_SIZE))


def question_line(question: Question) -> str:
    how = "choices" if question.has_choices else ("typed" if question.aliases else "open")
    prompt = bank_text(shorten(plain(question.prompt), 90), inline=True)
    return f"`{question.id}` {prompt} · {how}"


def page_embed(bank: Bank, page: int) -> discord.Embed:
    pages = page_count(bank)
    page = min(max(page, 0), pages - 1)
    shown = bank.questions[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    embed = discord.Embed(
        title=shorten(bank.name, 200),
        description=cut("\n".join(question_line(q) for q in shown) or "No questions.", 4000),
        color=discord.Color.blurple(),
    )
    embed.set_footer(text=f"Page {page + 1} of {pages} · {len(bank.questions)} questions")
    return embed


def question_embed(bank: Bank, question: Question) -> discord.Embed:
    embed = discord.Embed(
        title=cut(plain(question.prompt), 256),
        description=cut(bank_text(question.answer), 4000) if question.answer else None,
        color=discord.Color.blurple(),
    )
    if question.has_choices and question.choices is not None:
        lines = [
            ("✅ " if i == question.correct else "• ") + bank_text(shorten(c, 200), inline=True)
            for i, c in enumerate(question.choices)
        ]
        embed.add_field(name="Choices", value=cut("\n".join(lines), 1024), inline=False)
    if question.aliases:
        accepted = ", ".join(bank_text(a, inline=True) for a in question.aliases)
        embed.add_field(name="Accepted typed answers", value=cut(accepted, 1024), inline=False)
    meta = " · ".join(
        x for x in (question.topic, question.difficulty.value if question.difficulty else None) if x
    )
    embed.set_footer(
        text=cut(f"{bank.name} · id {question.id}" + (f" · {meta}" if meta else ""), 2048)
    )
    return embed
