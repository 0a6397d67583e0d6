"""Messages as a person reads them, for terminal transcripts (the demo)."""

from __future__ import annotations

import re
import textwrap
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from emulator.state import iter_components

if TYPE_CHECKING:
    from emulator.server import Emulator
    from emulator.state import Message

_STYLES = {1: "", 2: "", 3: "✓", 4: "✗"}


def readable(text: str, emu: Emulator) -> str:
    """Discord markup to plain words: timestamps, mentions, bold and escapes."""

    def stamp(m: re.Match[str]) -> str:
        when = datetime.fromtimestamp(int(m.group(1)), UTC)
        return (
            when.strftime("%a %d %b %H:%M UTC") if m.group(2) != "R" else when.strftime("%H:%M UTC")
        )

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

    text = re.sub(r"<t:(\d+):(\w)>", stamp, text)
    text = re.sub(r"<@&(\d+)>", role, text)
    text = re.sub(r"<@!?(\d+)>", user, text)
    text = re.sub(r"<#(\d+)>", channel, text)
    return text.replace("**", "").replace("\\", "")


def describe(message: Message, emu: Emulator, width: int = 88) -> str:
    """A message as a box of text: content, embeds, fields, footer and its buttons."""
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
    buttons = []
    for comp in iter_components(message.components):
        if comp.get("type") == 2:
            mark = _STYLES.get(comp.get("style", 2), "")
            state = " (closed)" if comp.get("disabled") and not mark else ""
            buttons.append(f"[{comp.get('label', '?')}{mark}]{state}")
    if buttons:
        add(" ".join(buttons))
    return "\n".join(lines)
