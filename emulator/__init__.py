"""A local Discord emulator (REST + gateway on 127.0.0.1) for tests, benchmarks and the demo.

It imports nothing from the bot: any discord.py client can log into it.
"""

from emulator.actions import Handle
from emulator.server import Emulator
from emulator.state import Channel, Guild, Member, Message, Role, User

__all__ = ["Channel", "Emulator", "Guild", "Handle", "Member", "Message", "Role", "User"]
