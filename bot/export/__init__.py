"""Exports of questions and review cards to files learners take elsewhere: Anki packages and CSV.

Plain values in, a file out. Nothing here imports discord, aiohttp or the bot's database (an
import contract in pyproject.toml checks it); the one SQLite use is the Anki collection that a
package holds.
"""
