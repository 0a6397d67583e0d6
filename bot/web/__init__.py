"""The optional web side of the bot: a read-only page per server that turned it on, members' own
progress pages through signed links, and /healthz and /metrics for operators. Served by aiohttp
inside the bot's process when WEB_PORT is set."""
