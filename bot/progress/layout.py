"""Where everything on the progress card goes: plain values, so the design is tested exactly.

The card is 800x420 on its own dark, opaque background, so it reads the same in Discord's light
and dark themes. Text is at least 14 px. The heatmap ramp is viridis (blue to yellow), whose
lightness rises with each level: it reads for every kind of colour blindness and in greyscale.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from bot.progress.days import WINDOW_DAYS, window_start
from bot.progress.model import ProgressInputs, TopicAccuracy

WIDTH, HEIGHT = 800, 420
BACKGROUND = "#15171C"
PANEL = "#22252B"
TEXT = "#F2F3F5"
MUTED = "#B5BAC1"
EMPTY = "#2B2F36"  # a day without study, and the track behind a topic's bar
RAMP = (EMPTY, "#3B528B", "#21918C", "#5EC962", "#FDE725")
BAR = "#56B4E9"
LEVEL_FROM = (1, 3, 6, 10)  # a day's count from which each level 1-4 starts

MARGIN = 24
GRID_X, GRID_Y = 64, 74
CELL, PITCH = 20, 24
COLUMNS = 13  # 84 days ending on any weekday span 12 or 13 Monday-first weeks
TILE_Y, TILE_W, TILE_H, TILE_GAP = 284, 108, 112, 12
TOPIC_X, TOPIC_W, TOPIC_Y, TOPIC_PITCH = 412, 364, 58, 46
TOPIC_LABEL_W = 240  # the rest of the row holds the score
MORE_PITCH = 24
MAX_BARS = 6  # beyond it, the 3 strongest and the 3 weakest
MIN_ANSWERED = 2  # as /stats: one answer says little about a topic
MAX_TOPIC_CHARS = 30
MAX_ALT = 1024  # Discord's limit on an attachment's description
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WEEKDAYS = ((0, "Mon"), (2, "Wed"), (4, "Fri"))


@dataclass(frozen=True, slots=True)
class Rect:
    x: int
    y: int
    width: int
    height: int
    fill: str
    radius: int = 0
    outline: str | None = None


@dataclass(frozen=True, slots=True)
class Text:
    """``anchor`` is Pillow's: "la" left and top of the ascender, "ra" right, "lm" middle.
    A text wider than ``max_width`` pixels is shortened where it is drawn (widths are the
    font's business)."""

    x: int
    y: int
    text: str
    size: int
    colour: str
    anchor: str = "la"
    max_width: int | None = None


@dataclass(frozen=True, slots=True)
class Cell:
    day: date
    count: int
    level: int  # 0 (nothing studied) to 4
    rect: Rect


@dataclass(frozen=True, slots=True)
class Bar:
    topic: str
    percent: int
    track: Rect
    fill: Rect


@dataclass(frozen=True, slots=True)
class CardLayout:
    width: int
    height: int
    background: str
    panels: tuple[Rect, ...]
    cells: tuple[Cell, ...]
    bars: tuple[Bar, ...]
    texts: tuple[Text, ...]
    alt_text: str


def build_layout(inputs: ProgressInputs) -> CardLayout:
    cells = heatmap_cells(inputs.today, inputs.studied)
    ranked = ranked_topics(inputs.topics)
    shown, hidden = shown_topics(ranked)
    bars, bar_texts = topic_rows(shown, hidden)
    panels, tile_texts = tiles(inputs, cells)
    texts = (
        *heatmap_texts(inputs, cells),
        *legend_texts(),
        *tile_texts,
        Text(TOPIC_X, 20, "Accuracy by topic", 18, TEXT),
        *bar_texts,
    )
    return CardLayout(
        WIDTH,
        HEIGHT,
        BACKGROUND,
        (*legend_swatches(), *panels),
        cells,
        tuple(bars),
        texts,
        alt_text(inputs, cells, shown),
    )


# --- the heatmap ----------


def level_of(count: int) -> int:
    return sum(count >= start for start in LEVEL_FROM)


def heatmap_cells(today: date, studied: Mapping[date, int]) -> tuple[Cell, ...]:
    """One cell per day of the window: a column per Monday-first week, today's the last."""
    this_monday = today - timedelta(days=today.weekday())
    cells = []
    for offset in range(WINDOW_DAYS):
        day = window_start(today) + timedelta(days=offset)
        column = COLUMNS - 1 - (this_monday - (day - timedelta(days=day.weekday()))).days // 7
        count = studied.get(day, 0)
        level = level_of(count)
        rect = Rect(
            GRID_X + column * PITCH,
            GRID_Y + day.weekday() * PITCH,
            CELL,
            CELL,
            RAMP[level],
            3,
            TEXT if day == today else None,
        )
        cells.append(Cell(day, count, level, rect))
    return tuple(cells)


def month_labels(cells: tuple[Cell, ...]) -> list[Text]:
    """A month's name over the week its first day falls in; the window's first month too,
    when the next name leaves it room."""
    starts = [c for c in cells if c.day.day == 1]
    labels = [Text(c.rect.x, 52, MONTHS[c.day.month - 1], 14, MUTED) for c in starts]
    first = cells[0]
    if first.day.day != 1 and (not starts or starts[0].rect.x - first.rect.x >= 2 * PITCH):
        labels.insert(0, Text(first.rect.x, 52, MONTHS[first.day.month - 1], 14, MUTED))
    return labels


def heatmap_texts(inputs: ProgressInputs, cells: tuple[Cell, ...]) -> list[Text]:
    total = sum(c.count for c in cells)
    done = f"{total} answer{'' if total == 1 else 's'} and reviews"
    right = GRID_X + (COLUMNS - 1) * PITCH + CELL
    return [
        Text(MARGIN, 20, "Last 12 weeks", 18, TEXT),
        Text(right, 24, done, 14, MUTED, "ra"),
        *month_labels(cells),
        *(
            Text(MARGIN, GRID_Y + row * PITCH + CELL // 2, name, 14, MUTED, "lm")
            for row, name in WEEKDAYS
        ),
    ]


def legend_swatches() -> list[Rect]:
    return [Rect(GRID_X + 40 + i * 18, 252, 14, 14, colour, 3) for i, colour in enumerate(RAMP)]


def legend_texts() -> list[Text]:
    return [
        Text(GRID_X, 251, "Less", 14, MUTED),
        Text(GRID_X + 40 + len(RAMP) * 18 + 4, 251, "More", 14, MUTED),
    ]


# --- the tiles ----------


def tiles(inputs: ProgressInputs, cells: tuple[Cell, ...]) -> tuple[list[Rect], list[Text]]:
    active = sum(1 for c in cells if c.count)
    figures = (
        ("Day streak", inputs.current_streak, f"best {compact(inputs.best_streak)}"),
        ("Active days", active, f"of last {WINDOW_DAYS}"),
        ("Cards due", inputs.due_week, "next 7 days"),
    )
    panels, texts = [], []
    for i, (label, value, note) in enumerate(figures):
        x = MARGIN + i * (TILE_W + TILE_GAP)
        panels.append(Rect(x, TILE_Y, TILE_W, TILE_H, PANEL, 8))
        texts += [
            Text(x + 12, TILE_Y + 12, label, 14, MUTED),
            Text(x + 12, TILE_Y + 34, compact(value), 36, TEXT),
            Text(x + 12, TILE_Y + 84, note, 14, MUTED),
        ]
    return panels, texts


def compact(number: int) -> str:
    """Four characters below a billion, so a tile's figure fits: 9999, 12k, 999k, 3M."""
    if number >= 10**6:
        return f"{number // 10**6}M"
    if number >= 10**4:
        return f"{number // 10**3}k"
    return str(number)


# --- the topics ----------


def ranked_topics(topics: tuple[TopicAccuracy, ...]) -> list[TopicAccuracy]:
    """Topics with enough answers, strongest first (more answers first among equals)."""
    enough = [t for t in topics if t.answered >= MIN_ANSWERED]
    return sorted(enough, key=lambda t: (-Fraction(t.correct, t.answered), -t.answered, t.topic))


def shown_topics(ranked: list[TopicAccuracy]) -> tuple[list[TopicAccuracy], int]:
    """The topics on the card and how many are left out between the strongest and weakest."""
    if len(ranked) <= MAX_BARS:
        return ranked, 0
    half = MAX_BARS // 2
    return [*ranked[:half], *ranked[-half:]], len(ranked) - MAX_BARS


def percent(t: TopicAccuracy) -> int:
    """Rounded half up, in integers (no float ties)."""
    return (200 * t.correct + t.answered) // (2 * t.answered)


def topic_rows(shown: list[TopicAccuracy], hidden: int) -> tuple[list[Bar], list[Text]]:
    if not shown:
        return [], [Text(TOPIC_X, TOPIC_Y, "Accuracy shows once a topic has 2 answers.", 14, MUTED)]
    bars, texts = [], []
    y = TOPIC_Y
    for i, topic in enumerate(shown):
        if hidden and i == MAX_BARS // 2:
            more = f"… {hidden} more topic{'' if hidden == 1 else 's'}"
            texts.append(Text(TOPIC_X, y, more, 14, MUTED))
            y += MORE_PITCH
        score = f"{percent(topic)}% of {topic.answered}"
        texts += [
            Text(TOPIC_X, y, short(topic.topic), 16, TEXT, max_width=TOPIC_LABEL_W),
            Text(TOPIC_X + TOPIC_W, y + 1, score, 14, MUTED, "ra"),
        ]
        filled = TOPIC_W * topic.correct // topic.answered
        bars.append(
            Bar(
                topic.topic,
                percent(topic),
                Rect(TOPIC_X, y + 24, TOPIC_W, 10, EMPTY, 5),
                Rect(TOPIC_X, y + 24, filled, 10, BAR, 5),
            )
        )
        y += TOPIC_PITCH
    return bars, texts


def short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= MAX_TOPIC_CHARS else flat[: MAX_TOPIC_CHARS - 1].rstrip() + "…"


# --- for screen readers ----------


def alt_text(inputs: ProgressInputs, cells: tuple[Cell, ...], shown: list[TopicAccuracy]) -> str:
    active = sum(1 for c in cells if c.count)
    total = sum(c.count for c in cells)
    text = (
        f"Progress card. Last 12 weeks: studied on {active} of {WINDOW_DAYS} days, "
        f"{total} answers and reviews. Day streak {inputs.current_streak}, "
        f"best {inputs.best_streak}. Cards due in the next 7 days: {inputs.due_week}."
    )
    if shown:
        topics = "; ".join(f"{short(t.topic)} {percent(t)}% of {t.answered}" for t in shown)
        text += f" Accuracy by topic: {topics}."
    return text if len(text) <= MAX_ALT else text[: MAX_ALT - 1] + "…"
