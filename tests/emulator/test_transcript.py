"""Transcripts show Discord's timestamp markup the way a Discord client does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from emulator import Emulator
from emulator.transcript import describe, file_size, readable

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("offset", "shown"),
    [
        (timedelta(hours=2), "in 2 hours"),
        (timedelta(seconds=60), "in a minute"),
        (timedelta(minutes=5), "in 5 minutes"),
        (timedelta(seconds=10), "in a few seconds"),
        (-timedelta(minutes=30), "30 minutes ago"),
        (timedelta(days=3), "in 3 days"),
        (-timedelta(days=400), "a year ago"),
    ],
)
def test_relative_timestamps_are_relative_to_the_readers_time(
    offset: timedelta, shown: str
) -> None:
    emu = Emulator()
    emu.now = lambda: NOW
    when = int((NOW + offset).timestamp())
    assert readable(f"The answer is revealed <t:{when}:R>.", emu) == (
        f"The answer is revealed {shown}."
    )


def test_absolute_styles_follow_discord() -> None:
    emu = Emulator()
    when = int(datetime(2026, 12, 1, 11, 5, 9, tzinfo=UTC).timestamp())
    shown = {
        style: readable(f"<t:{when}{':' + style if style else ''}>", emu)
        for style in ("t", "T", "d", "D", "f", "F", "")
    }
    assert shown == {
        "t": "11:05",
        "T": "11:05:09",
        "d": "01/12/2026",
        "D": "01 December 2026",
        "f": "01 December 2026 11:05",
        "F": "Tuesday, 01 December 2026 11:05",
        "": "01 December 2026 11:05",
    }


@pytest.mark.parametrize(
    ("size", "shown"),
    [(10, "10 bytes"), (1023, "1023 bytes"), (1536, "1.50 KB"), (10 * 1024 * 1024, "10.00 MB")],
)
def test_file_sizes_read_as_discord_shows_them(size: int, shown: str) -> None:
    assert file_size(size) == shown


def test_a_message_shows_its_files() -> None:
    emu = Emulator()
    guild = emu.add_guild()
    channel = emu.text_channel(guild)
    message = emu.create_message(channel, {"content": "Your cards"})
    message.attachments = [
        {"id": "1", "filename": "cards.apkg", "size": 2048, "url": "u", "proxy_url": "u"},
        {"id": "2", "filename": "cards.csv", "size": 10, "url": "u", "proxy_url": "u"},
    ]
    assert describe(message, emu).splitlines() == [
        "  Your cards",
        "  📎 cards.apkg (2.00 KB)",
        "  📎 cards.csv (10 bytes)",
    ]
