"""/help: what the bot does and every command it has, read from the command tree itself."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_glue.client import StudyBot, reply
from bot.study.quiz import QUIZ_LIMITS, SCORING_RULES
from bot.study.recall import HOW_ASKED
from bot.study.review import REVIEWING

INTRO = (
    "I help this server study: a question of the day from a question bank, quizzes on demand "
    "and a leaderboard. Answers are private: only you see whether you were right. "
    "A right answer to the question of the day earns 10 points and keeps your streak going. "
    "Suggest questions with /suggest, and press Report a problem under an answer to flag a "
    "wrong or unclear question: the server's question editors decide."
)


def command_lines(tree: app_commands.CommandTree[StudyBot]) -> list[tuple[str, str]]:
    """(name, description) of every command, a group's subcommands under its name."""
    lines: list[tuple[str, str]] = []

    def walk(item: app_commands.Command[Any, ..., Any] | app_commands.Group) -> None:
        if isinstance(item, app_commands.Group):
            for child in item.commands:
                walk(child)
        else:
            lines.append((f"/{item.qualified_name}", item.description))

    for command in sorted(tree.get_commands(), key=lambda c: c.name):
        if isinstance(command, app_commands.Command | app_commands.Group):
            walk(command)
    return lines


def command_fields(tree: app_commands.CommandTree[StudyBot]) -> list[tuple[str, str]]:
    """One field per top-level command (an embed holds 25): a group lists its subcommands."""
    fields: dict[str, list[str]] = {}
    for name, description in command_lines(tree):
        top, _, sub = name.partition(" ")
        fields.setdefault(top, []).append(f"`{sub}`: {description}" if sub else description)
    return [(top, "\n".join(lines)[:1024]) for top, lines in fields.items()]


class Help(commands.Cog):
    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot

    @app_commands.command(name="help", description="What this bot does and how to use it")
    async def help(self, interaction: discord.Interaction[StudyBot]) -> None:
        embed = discord.Embed(title="Study bot", description=INTRO, colour=discord.Colour.blurple())
        embed.add_field(name="How questions are asked", value=HOW_ASKED, inline=False)
        embed.add_field(name="Remembering it next month", value=REVIEWING, inline=False)
        embed.add_field(name="Fair scoring", value=SCORING_RULES, inline=False)
        embed.add_field(name="Quizzes", value=QUIZ_LIMITS, inline=False)
        for name, description in command_fields(self.bot.tree)[:21]:  # 25 fields in all
            embed.add_field(name=name, value=description or "\u200b", inline=False)
        await reply(interaction, embed=embed)


async def setup(bot: StudyBot) -> None:
    await bot.add_cog(Help(bot))
