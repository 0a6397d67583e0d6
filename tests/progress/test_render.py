"""Drawing the card: a PNG of the layout's size, its text inside the card and readable."""

from __future__ import annotations

import io
from datetime import date, timedelta

from PIL import Image, ImageColor

from bot.progress import ProgressInputs, TopicAccuracy, build_layout, render_png
from bot.progress.layout import BACKGROUND, MUTED, PANEL, TEXT, TILE_W, TOPIC_X, Text
from bot.progress.render import fitted, font

TODAY = date(2026, 11, 18)


def full_inputs(name: str = "Topic") -> ProgressInputs:
    """84 days studied, 10 topics: the fullest card."""
    return ProgressInputs(
        TODAY,
        {TODAY - timedelta(days=k): k % 12 for k in range(84)},
        current_streak=4,
        best_streak=19,
        due_week=37,
        topics=tuple(TopicAccuracy(f"{name} {i}", 10 + i, i) for i in range(10)),
    )


def test_render_gives_a_png_of_the_layouts_size() -> None:
    layout = build_layout(full_inputs())
    png = render_png(layout)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.size == (layout.width, layout.height) == (800, 420)
    assert image.mode == "RGB"  # opaque: the card brings its own background to both themes
    assert image.getpixel((2, 2)) == ImageColor.getrgb(BACKGROUND)
    today = layout.cells[-1].rect
    inner = image.getpixel((today.x + today.width // 2, today.y + today.height // 2))
    assert inner == ImageColor.getrgb(layout.cells[-1].rect.fill)


def box(text: Text) -> tuple[float, float, float, float]:
    return font(text.size).getbbox(fitted(text), anchor=text.anchor)


def test_the_widest_text_stays_inside_the_card_and_its_tile() -> None:
    inputs = full_inputs("W" * 80)
    layout = build_layout(
        ProgressInputs(inputs.today, inputs.studied, 9_999, 99_999_999, 999_999, inputs.topics)
    )
    for text in layout.texts:
        left, top, right, bottom = box(text)
        assert 0 <= text.x + left <= text.x + right <= 800, text
        assert 0 <= text.y + top <= text.y + bottom <= 420, text
        if text.x < TOPIC_X and text.y >= 284:  # the tiles' texts
            tile = 24 + (text.x - 24) // 120 * 120
            assert text.x + right <= tile + TILE_W - 12, text
    labels = [t for t in layout.texts if t.x == TOPIC_X and t.size == 16]
    scores = [t for t in layout.texts if t.anchor == "ra" and t.x > TOPIC_X]
    for label, score in zip(labels, scores, strict=True):
        assert label.x + box(label)[2] < score.x + box(score)[0], label.text
        assert fitted(label).endswith("…")


def test_a_text_that_fits_is_drawn_as_it_is() -> None:
    text = Text(0, 0, "Statistics", 16, TEXT, max_width=240)
    assert fitted(text) == "Statistics"
    assert fitted(Text(0, 0, "Statistics", 16, TEXT, max_width=40)) == "Stat…"


def contrast(a: str, b: str) -> float:
    def luminance(colour: str) -> float:
        channels = [c / 255 for c in ImageColor.getrgb(colour)[:3]]
        lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_text_colours_pass_wcag_aa_on_the_card_and_its_tiles() -> None:
    for colour in (TEXT, MUTED):
        for ground in (BACKGROUND, PANEL):
            assert contrast(colour, ground) >= 4.5, (colour, ground)
