"""What the review channel shows: a suggested or reported question, its outcome, and what the
member is told of it."""

from __future__ import annotations

import discord

from bot.bank.cloze import asking
from bot.bank.model import Question
from bot.bank.text import shorten
from bot.db.suggestions import Report, Suggestion
from bot.discord_glue.render import (
    MAX_FIELD,
    RIGHT,
    WRONG,
    bank_text,
    cut,
    name_of,
    prompt_text,
    question_meta,
)
from bot.discord_glue.report import REASON_LABELS

PENDING = discord.Colour.gold()
NEUTRAL = discord.Colour.light_grey()


def question_text(question: Question) -> str:
    """The question as a member is asked it, with what counts as right."""
    lines = [prompt_text(question)]
    if question.choices is not None:
        for i, choice in enumerate(question.choices):
            mark = "✅" if i == question.correct else "▫️"
            lines.append(f"{mark} {bank_text(shorten(choice, 200), inline=True)}")
    if question.aliases:
        accepted = ", ".join(bank_text(a, inline=True) for a in question.aliases[:20])
        lines.append(f"Typed answers accepted: {accepted}")
    if question.answer.strip():
        lines.append(f"\n**Reference answer**\n{cut(bank_text(question.answer), 1500)}")
    return cut("\n".join(lines), 3900)


def short_prompt(question: Question) -> str:
    return bank_text(shorten(asking(question.prompt), 120), inline=True)


def suggestion_embed(
    suggestion: Suggestion, bank_name: str, *, decided_by: int | None = None
) -> discord.Embed:
    """A suggestion as reviewers see it; once decided, its outcome and who decided."""
    status = suggestion.status
    colour = {"pending": PENDING, "approved": RIGHT, "rejected": WRONG}[status]
    embed = discord.Embed(
        title=f"Suggested question #{suggestion.id}",
        description=question_text(suggestion.question),
        colour=colour,
    )
    embed.add_field(name="Suggested by", value=name_of(suggestion.user_id), inline=True)
    embed.add_field(name="Goes into", value=bank_text(bank_name, inline=True), inline=True)
    who = name_of(decided_by or suggestion.decided_by or 0)
    if status == "approved":
        embed.add_field(name="Approved", value=f"by {who}", inline=False)
    elif status == "rejected":
        why = f": {bank_text(suggestion.reason, inline=True)}" if suggestion.reason else ""
        embed.add_field(name="Rejected", value=cut(f"by {who}{why}", MAX_FIELD), inline=False)
    meta = question_meta(suggestion.question)
    if meta:
        embed.set_footer(text=meta)
    return embed


REPORT_OUTCOMES = {
    "edited": "Question edited",
    "retired": "Question retired",
    "dismissed": "Dismissed",
}


def report_embed(
    report: Report, question: Question | None, bank_name: str, *, read_only: bool
) -> discord.Embed:
    """A report as reviewers see it: the question as the bank has it, who reported and why."""
    colour = PENDING if report.status == "open" else NEUTRAL
    described = (
        question_text(question)
        if question is not None
        else "(this question is no longer in its bank)"
    )
    embed = discord.Embed(
        title=f"Problem report #{report.id}: {REASON_LABELS[report.reason]}",
        description=described,
        colour=colour,
    )
    why = REASON_LABELS[report.reason]
    if report.note.strip():
        why += f": {bank_text(report.note, inline=True)}"
    embed.add_field(name="Reported by", value=name_of(report.user_id), inline=True)
    embed.add_field(
        name="Bank",
        value=cut(f"{bank_text(bank_name, inline=True)} · id `{report.question_id}`", MAX_FIELD),
        inline=True,
    )
    embed.add_field(name="Why", value=cut(why, MAX_FIELD), inline=False)
    if report.status != "open":
        outcome = f"{REPORT_OUTCOMES[report.status]} by {name_of(report.decided_by or 0)}"
        embed.add_field(name="Outcome", value=outcome, inline=False)
    elif read_only:
        embed.add_field(
            name="Shared bank",
            value="The operator's banks are read-only here: dismiss this report once the "
            "operator is told.",
            inline=False,
        )
    return embed


def suggestion_outcome(suggestion: Suggestion, guild_name: str, bank_name: str) -> str:
    """What the author is told, by direct message or at their next /suggest or /stats."""
    where = discord.utils.escape_markdown(guild_name)
    asked = short_prompt(suggestion.question)
    if suggestion.status == "approved":
        return (
            f"Your suggested question “{asked}” was approved in **{where}** and added to the "
            f"bank {bank_text(bank_name, inline=True)}. Thank you!"
        )
    why = (
        f" Reason: {bank_text(shorten(suggestion.reason, 500), inline=True)}"
        if suggestion.reason
        else ""
    )
    return f"Your suggested question “{asked}” was not accepted in **{where}**.{why}"


def report_outcome(report: Report, question: Question | None, guild_name: str) -> str:
    where = discord.utils.escape_markdown(guild_name)
    asked = f"“{short_prompt(question)}”" if question is not None else "a question"
    done = {
        "edited": "the question was corrected",
        "retired": "the question was retired",
        "dismissed": "the reviewers kept the question as it is",
    }[report.status]
    return f"Your report on {asked} in **{where}** was handled: {done}. Thank you!"
