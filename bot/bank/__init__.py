"""Question banks: the model, the loaders for every format, and multiple-choice generation."""

from bot.bank.loader import BUNDLED_BANKS, LoadResult, load_bank, load_library
from bot.bank.model import Bank, Difficulty, Question

__all__ = [
    "BUNDLED_BANKS",
    "Bank",
    "Difficulty",
    "LoadResult",
    "Question",
    "load_bank",
    "load_library",
]
