"""The progress card: a member's last 12 weeks, streaks, topics and due cards as an image.

Plain values in, PNG bytes out: :mod:`bot.progress.layout` places every element (the part the
golden test checks), :mod:`bot.progress.render` draws a layout with Pillow. Nothing here imports
discord or the database (an import contract in pyproject.toml checks it).
"""

from bot.progress.days import WINDOW_DAYS, day_counts, window_bounds
from bot.progress.layout import CardLayout, build_layout
from bot.progress.model import ProgressInputs, TopicAccuracy
from bot.progress.render import render_png

__all__ = [
    "WINDOW_DAYS",
    "CardLayout",
    "ProgressInputs",
    "TopicAccuracy",
    "build_layout",
    "day_counts",
    "render_png",
    "window_bounds",
]
