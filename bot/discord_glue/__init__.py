"""What the cogs share to talk to Discord: the Bot class, its command tree and error handler,
``reply()``, embeds, permissions, the member directory, the posting pacer and the bot's
adjustments to discord.py.

Feature behaviour lives in ``cogs/``; rules live in ``bot/study/``. Nothing here imports a cog.
"""
