"""Messages as a person reads them, for terminal transcripts (the demo)."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol

from emulator.state import Channel, Guild, Message, User, iter_components


class World(Protocol):
    """What a transcript reads of the emulator (the Emulator is one)."""

    users: dict[int, User]
    channels: dict[int, Channel]
    guilds: dict[int, Guild]
    now: Callable[[], datetime]  # the readers' time, for relative timestamps


_STYLES = {1: "", 2: "", 3: "✓", 4: "✗"}


# How a Discord client (English, UTC) shows <t:unix:style>.
_STAMP_FORMATS = {
    "t": "%H:%M",
    "T": "%H:%M:%S",
    "d": "%d/%m/%Y",
    "D": "%d %B %Y",
    "f": "%d %B %Y %H:%M",
    "F": "%A, %d %B %Y %H:%M",
}


def relative(when: datetime, now: datetime) -> str:
    """``<t:...:R>`` as Discord's clients word it ("in 2 hours", "5 minutes ago")."""
    seconds = (when - now).total_seconds()
    s = abs(seconds)
    minutes, hours, days = s / 60, s / 3600, s / 86400
    if s < 45:
        amount = "a few seconds"
    elif s < 90:
        amount = "a minute"
    elif minutes < 45:
        amount = f"{round(minutes)} minutes"
    elif minutes < 90:
        amount = "an hour"
    elif hours < 22:
        amount = f"{round(hours)} hours"
    elif hours < 36:
        amount = "a day"
    elif days < 26:
        amount = f"{round(days)} days"
    elif days < 45:
        amount = "a month"
    elif days < 320:
        amount = f"{round(days / 30.4)} months"
    elif days < 548:
        amount = "a year"
    else:
        amount = f"{round(days / 365)} years"
    return f"in {amount}" if seconds > 0 else f"{amount} ago"


def timestamp(when: datetime, style: str, now: datetime) -> str:
    if style == "R":
        return relative(when, now)
    return when.strftime(_STAMP_FORMATS[style])


def readable(text: str, emu: World) -> str:
    """Discord markup to plain words: timestamps, mentions, bold and escapes."""

    def stamp(m: re.Match[str]) -> str:
        when = datetime.fromtimestamp(int(m.group(1)), UTC)
        return timestamp(when, m.group(2) or "f", emu.now())

    def user(m: re.Match[str]) -> str:
        found = emu.users.get(int(m.group(1)))
        return f"@{found.global_name or found.username}" if found else "@someone"

    def channel(m: re.Match[str]) -> str:
        found = emu.channels.get(int(m.group(1)))
        return f"#{found.name}" if found else "#channel"

    def role(m: re.Match[str]) -> str:
        for guild in emu.guilds.values():
            if int(m.group(1)) in guild.roles:
                return f"@{guild.roles[int(m.group(1))].name}"
        return "@role"

    text = re.sub(r"<t:(-?\d+)(?::([tTdDfFR]))?>", stamp, text)
    text = re.sub(r"<@&(\d+)>", role, text)
    text = re.sub(r"<@!?(\d+)>", user, text)
    text = re.sub(r"<#(\d+)>", channel, text)
    return text.replace("**", "").replace("\\", "")


def file_size(size: int) -> str:
    """A file's size as Discord's client shows it under an attachment (powers of 1024)."""
    if size < 1024:
        return f"{size} bytes"
    value = size / 1024
    for unit in ("KB", "MB"):
        if value < 1024:
            return f"{value:.2f} {unit}"
        value /= 1024
    return f"{value:.2f} GB"


def describe(message: Message, emu: World, width: int = 88) -> str:
    """A message as a box of text: content, embeds, fields, footer, files and its buttons."""
    lines: list[str] = []

    def add(text: str, indent: str = "  ") -> None:
        for paragraph in readable(text, emu).split("\n"):
            wrapped = textwrap.wrap(paragraph, width - len(indent)) or [""]
            lines.extend(indent + w for w in wrapped)

    if message.content:
        add(message.content)
    for embed in message.embeds:
        if embed.get("title"):
            add(f"[{embed['title']}]")
        if embed.get("description"):
            add(embed["description"])
        for field in embed.get("fields", []):
            add(f"{field['name']}: {field['value']}")
        if embed.get("footer"):
            add(f"({embed['footer']['text']})")
    for attachment in message.attachments:
        add(f"📎 {attachment['filename']} ({file_size(attachment['size'])})")
    buttons = []
    for comp in iter_components(message.components):
        if comp.get("type") == 3:  # a select menu: its placeholder, then what is picked
            picked = [o["label"].split(".")[0] for o in comp.get("options", []) if o.get("default")]
            chosen = f": {', '.join(picked)} ticked" if picked else ""
            add(f"[menu: {comp.get('placeholder', 'choose')}{chosen}]")
        if comp.get("type") == 2:
            mark = _STYLES.get(comp.get("style", 2), "")
            state = " (closed)" if comp.get("disabled") and not mark else ""
            buttons.append(f"[{comp.get('label', '?')}{mark}]{state}")
    if buttons:
        add(" ".join(buttons))
    return "\n".join(lines)
