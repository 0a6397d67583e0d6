"""The question form (a modal) of /question add and edit, /suggest and a reviewer's edit, and
reading it back: one form, read by the bank rules (bot/bank/form.py)."""

from __future__ import annotations

import discord

from bot.bank.form import QuestionForm
from bot.discord_glue.render import FENCE

MAX_PROMPT = 1000
MAX_ANSWER = 4000  # Discord's longest text input
MAX_LINES = 1000
MAX_TOPIC = 100


def question_modal(
    title: str, custom_id: str, form: QuestionForm, topic: str | None = None
) -> discord.ui.Modal:
    """The form, prefilled with ``form`` and ``topic`` (an edit, or a refused try)."""
    modal = discord.ui.Modal(title=title, custom_id=custom_id, timeout=None)
    fields = (
        ("Question", "prompt", form.prompt, MAX_PROMPT, True, "What is asked"),
        ("Answer", "answer", form.answer, MAX_ANSWER, False, "The reference answer, shown after"),
        ("Choices, one per line", "choices", form.choices, MAX_LINES, False, "*the right one"),
        ("Accepted typed answers, one per line", "accepted", form.accepted, MAX_LINES, False, ""),
    )
    for label, key, value, limit, required, hint in fields:
        modal.add_item(
            discord.ui.TextInput(
                label=label,
                custom_id=key,
                style=discord.TextStyle.paragraph,
                default=value[:limit] or None,
                max_length=limit,
                required=required,
                placeholder=hint or None,
            )
        )
    modal.add_item(
        discord.ui.TextInput(
            label="Topic (optional)",
            custom_id="topic",
            default=(topic or "")[:MAX_TOPIC] or None,
            max_length=MAX_TOPIC,
            required=False,
        )
    )
    return modal


def form_of(values: dict[str, str]) -> tuple[QuestionForm, str | None]:
    """The question form and the topic (None when left empty) a submission carries."""
    form = QuestionForm(
        prompt=values.get("prompt", ""),
        answer=values.get("answer", ""),
        choices=values.get("choices", ""),
        accepted=values.get("accepted", ""),
    )
    return form, values.get("topic", "").strip() or None


def typed_back(form: QuestionForm, topic: str | None) -> str:
    """What the member typed, shown back so a refusal loses none of it."""
    parts = [
        ("Question", form.prompt),
        ("Answer", form.answer),
        ("Choices", form.choices),
        ("Accepted answers", form.accepted),
        ("Topic", topic or ""),
    ]
    shown = []
    for label, text in parts:
        if text.strip():
            safe = text.replace(FENCE, "'''")  # a fence inside would close the block early
            shown.append(f"{label}:\n{FENCE}\n{safe}\n{FENCE}")
    return "\n".join(shown)
