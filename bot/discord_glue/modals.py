"""Reading what a member typed into a submitted modal (the answer forms of quizzes and reviews)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import discord

from bot.discord_glue.client import UserError
from bot.items.model import Item
from bot.study.matching import judge


def modal_value(data: dict[str, Any]) -> str:
    """The text typed into the first input of a submitted modal."""
    for row in data.get("components", []):
        for item in row.get("components", [row.get("component", {})]):
            if isinstance(item, dict) and "value" in item:
                return str(item["value"])
        if "component" in row and "value" in row["component"]:
            return str(row["component"]["value"])
    return ""


def modal_values(data: dict[str, Any]) -> dict[str, str]:
    """Every input of a submitted modal: its custom_id and what was typed."""
    values: dict[str, str] = {}
    for row in data.get("components", []):
        for item in row.get("components", [row.get("component", {})]):
            if isinstance(item, dict) and "custom_id" in item and "value" in item:
                values[str(item["custom_id"])] = str(item["value"] or "")
    return values


MAX_TYPED = 200  # characters of a typed answer kept and shown back


def answer_form(custom_id: str) -> discord.ui.Modal:
    """The form a member types an answer into; its submission comes back as ``custom_id``."""
    modal = discord.ui.Modal(title="Your answer", custom_id=custom_id, timeout=None)
    modal.add_item(
        discord.ui.TextInput(
            label="Answer", custom_id="answer", max_length=MAX_TYPED, placeholder="Type it here"
        )
    )
    return modal


@dataclass(frozen=True, slots=True)
class TypedAnswer:
    guess: str  # as typed, at most MAX_TYPED characters
    right: bool
    given: str  # the guess as shown back, with "Close, not accepted: ..." when near


def typed_answer(
    data: dict[str, Any], item: Item, prompt: str, *, hint: bool = True
) -> TypedAnswer:
    """Judge the answer a submitted form carries against a typed item. ``hint``: say when a
    guess is near but refused (a group quiz keeps it for the end of the question)."""
    guess = modal_value(data).strip()[:MAX_TYPED]
    if not guess:
        raise UserError("Type an answer first.")
    verdict = judge(guess, item.accepted, item.rejects, prompt)
    given = f"**{discord.utils.escape_markdown(guess)}**"
    near = verdict.did_you_mean()
    if hint and near:
        given += f"\n{discord.utils.escape_markdown(near)}"
    return TypedAnswer(guess, verdict.accepted, given)
