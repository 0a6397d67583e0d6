"""The study rules: due times across timezones, quiz draws and points, streaks, periods, the
daily rotation and typed-answer matching.

Plain values in, plain values out. Nothing here imports discord, aiohttp or the database (an
import contract in pyproject.toml checks it), so every rule is tested exactly and fast.
"""
