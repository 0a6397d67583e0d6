"""Anki packages (``.apkg``) built with genanki: one deck, one note per question.

The front is the prompt (and the body under it), the back the reference answer; all three are
Markdown rendered to HTML with raw HTML escaped, since a bank is untrusted text. Topic and
difficulty become tags. The deck and note type ids derive from their names and each note's guid
from its question id, so importing a newer export updates the notes instead of duplicating them.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import sqlite3
import tempfile
import time
import zipfile
from collections.abc import Sequence
from pathlib import Path

import genanki
from markdown_it import MarkdownIt

from bot.bank.model import Bank
from bot.export.notes import ExportNote, bank_notes, study_order

# html=False: a <script> or <img onerror=...> in a bank comes out as text, not markup
_MD = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
MODEL_NAME = "Study bot question"
CSS = """.card { font-family: sans-serif; font-size: 18px; text-align: left; }
.prompt { font-weight: bold; }
pre { background: #f4f4f4; padding: 0.5em; overflow-x: auto; }"""
FRONT = '<div class="prompt">{{Prompt}}</div>{{#Body}}<div class="body">{{Body}}</div>{{/Body}}'
BACK = '{{FrontSide}}<hr id="answer"><div class="answer">{{Answer}}</div>'


def stable_id(kind: str, name: str) -> int:
    """An id in the range genanki recommends for deck and note type ids, from a name."""
    digest = hashlib.sha256(f"studybot:{kind}:{name}".encode()).digest()
    return (1 << 30) + int.from_bytes(digest[:4], "big") % (1 << 30)


def markdown_html(text: str) -> str:
    return str(_MD.render(text)).strip()


def prompt_html(text: str) -> str:
    return str(_MD.renderInline(text)).strip()


def tag(text: str) -> str:
    """An Anki tag: no spaces (Anki splits tags on them)."""
    return "_".join(text.split())


def note_tags(note: ExportNote) -> list[str]:
    tags = [tag(t) for t in (note.topic, note.difficulty) if t and t.strip()]
    return [*tags, "missed"] if note.missed else tags


def _model() -> genanki.Model:
    return genanki.Model(
        stable_id("model", MODEL_NAME),
        MODEL_NAME,
        fields=[{"name": "Prompt"}, {"name": "Body"}, {"name": "Answer"}],
        templates=[{"name": "Recall", "qfmt": FRONT, "afmt": BACK}],
        css=CSS,
    )


def _deck(notes: Sequence[ExportNote], deck_name: str, deck_key: str | None) -> genanki.Deck:
    model = _model()
    key = deck_key or deck_name
    deck = genanki.Deck(stable_id("deck", key), deck_name)
    for position, note in enumerate(study_order(notes)):
        deck.add_note(
            genanki.Note(
                model=model,
                fields=[
                    prompt_html(note.prompt),
                    markdown_html(note.body),
                    markdown_html(note.answer),
                ],
                sort_field=note.prompt,
                tags=note_tags(note),
                guid=genanki.guid_for("studybot", note.id)
                if deck_key is None
                else genanki.guid_for("studybot", deck_key, note.id),
                due=position,  # Anki shows new cards in this order: missed and due first
            )
        )
    return deck


def _write(package: genanki.Package, path: Path, timestamp: float) -> None:
    """What genanki's ``write_to_file`` does, but its temporary collection is removed afterwards
    and the package appears at ``path`` only once complete."""
    with tempfile.TemporaryDirectory() as work:
        collection = Path(work) / "collection.anki2"
        connection = sqlite3.connect(collection)
        try:
            package.write_to_db(
                connection.cursor(), timestamp, itertools.count(int(timestamp * 1000))
            )
            connection.commit()
        finally:
            connection.close()
        partial = path.with_name(f".{path.name}.partial")
        try:
            with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as apkg:
                apkg.write(collection, "collection.anki2")
                apkg.writestr("media", "{}")
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)


def build_package(
    notes: Sequence[ExportNote],
    deck_name: str,
    path: Path,
    *,
    timestamp: float | None = None,
    deck_key: str | None = None,
) -> int:
    """Write ``notes`` as one Anki deck to ``path``; returns the number of notes written.
    ``timestamp`` (unix seconds) marks the notes as modified then: a later export replaces an
    earlier one's notes on import. ``deck_key`` (a server's id) keeps one deck per key, whatever
    its name becomes; without it the deck is the name's. Raises OSError when ``path`` cannot be
    written."""
    package = genanki.Package(_deck(notes, deck_name, deck_key))
    _write(package, path, time.time() if timestamp is None else timestamp)
    return len(notes)


def bank_package(bank: Bank, path: Path, *, deck_name: str) -> int:
    """A whole bank as an Anki deck; returns the number of notes written."""
    return build_package(bank_notes(bank), deck_name, path)
