"""A card layout drawn as PNG with Pillow. CPU-bound: callers on the event loop run it in a
thread (Pillow releases the GIL while it draws and encodes)."""

from __future__ import annotations

import io
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from bot.progress.layout import CardLayout, Rect, Text

ELLIPSIS = "…"


@lru_cache(maxsize=8)
def font(size: int) -> ImageFont.FreeTypeFont:
    """Pillow's own scalable font (Aileron): nothing depends on the host's fonts."""
    loaded = ImageFont.load_default(size=size)
    if not isinstance(loaded, ImageFont.FreeTypeFont):
        raise RuntimeError("Pillow was built without FreeType: the progress card needs it.")
    return loaded


def render_png(layout: CardLayout) -> bytes:
    image = Image.new("RGB", (layout.width, layout.height), layout.background)
    draw = ImageDraw.Draw(image)
    for rect in layout.panels:
        _rect(draw, rect)
    for cell in layout.cells:
        _rect(draw, cell.rect)
    for bar in layout.bars:
        _rect(draw, bar.track)
        _rect(draw, bar.fill)
    for text in layout.texts:
        draw.text(
            (text.x, text.y),
            fitted(text),
            fill=text.colour,
            font=font(text.size),
            anchor=text.anchor,
        )
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False, compress_level=6)
    return out.getvalue()


def fitted(text: Text) -> str:
    """The text as drawn: shortened with an ellipsis to its ``max_width``, if it has one."""
    face = font(text.size)
    if text.max_width is None or face.getlength(text.text) <= text.max_width:
        return text.text
    kept = text.text.rstrip(ELLIPSIS)
    while kept and face.getlength(kept + ELLIPSIS) > text.max_width:
        kept = kept[:-1]
    return kept.rstrip() + ELLIPSIS


def _rect(draw: ImageDraw.ImageDraw, rect: Rect) -> None:
    if rect.width <= 0 or rect.height <= 0:
        return  # a topic with no right answer has an empty bar
    box = (rect.x, rect.y, rect.x + rect.width - 1, rect.y + rect.height - 1)
    radius = min(rect.radius, rect.width // 2, rect.height // 2)
    width = 2 if rect.outline else 0
    draw.rounded_rectangle(box, radius=radius, fill=rect.fill, outline=rect.outline, width=width)
