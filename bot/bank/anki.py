"""Anki text exports: File > Export > Notes in Plain Text (``.txt``), or any tab-separated ``.tsv``.

Anki writes a few header lines, then one note a line::

    #separator:tab
    #html:true
    #deck column:3
    #tags column:4
    What is <b>overfitting</b>?<TAB>Learning the noise<br>of the data<TAB>ML::Basics<TAB>ml hard

The first note field is the question, the second the answer; further fields are not used. Fields
containing the separator, quotes or line breaks are quoted CSV-style. With ``#html:true`` fields
are HTML and are turned into Markdown text (see :mod:`bot.bank.html_text`); ``[sound:...]``
references are dropped. The first tag names the topic unless a deck column names several decks;
``difficulty::hard`` or a plain ``easy``/``medium``/``hard`` tag sets the difficulty. Cloze notes
(``{{c1::...}}``) are asked as one question each, their gaps shown as ``[...]``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.bank.answer import parse_units
from bot.bank.build import Problems, RawQuestion
from bot.bank.csvbank import records
from bot.bank.html_text import html_to_text
from bot.bank.model import Difficulty, parse_difficulty

SEPARATORS = {
    "tab": "\t",
    "comma": ",",
    "semicolon": ";",
    "pipe": "|",
    "space": " ",
    "colon": ":",
}
_SEPARATOR_NAMES = {v: k for k, v in SEPARATORS.items()}
_HEADER = re.compile(r"^#(?P<key>[a-z][a-z ]*):(?P<value>.*)$", re.IGNORECASE)
_COLUMN_HEADERS = {
    "tags column": "tags",
    "deck column": "deck",
    "notetype column": "notetype",
    "guid column": "guid",
}
# Names in a "#columns:" header that mark a column as not a note field.
_COLUMN_NAMES = {
    "tags": "tags",
    "deck": "deck",
    "notetype": "notetype",
    "note type": "notetype",
    "guid": "guid",
}
_CLOZE = re.compile(r"\{\{c\d+::(?P<text>.*?)(?:::(?P<hint>.*?))?\}\}", re.DOTALL)
_SOUND = re.compile(r"\[sound:[^\]]*\]")
# Only to guess whether a header-less export holds HTML; the conversion itself is a real parser.
_LOOKS_HTML = re.compile(r"<(?:br|div|p|b|i|u|span|img|ul|ol|li|code|pre)\b[^>]*>|&nbsp;", re.I)
_IGNORED_TAGS = {"leech", "marked"}
_DIFFICULTY_PREFIXES = ("difficulty::", "level::")


def _headers(lines: list[str]) -> list[tuple[int, str, str]]:
    """The ``#key:value`` lines at the top of the file, with their line numbers."""
    found = []
    for n, line in enumerate(lines, start=1):
        m = _HEADER.match(line)
        if not m:
            break
        found.append((n, " ".join(m.group("key").lower().split()), m.group("value")))
    return found


def is_anki(text: str) -> bool:
    """Anki's export headers (``#separator:`` or ``#html:``) at the top of the file."""
    return any(key in ("separator", "html") for _, key, _ in _headers(text.split("\n", 40)[:40]))


def is_tab_separated(text: str) -> bool:
    """Anki's older text format without headers: most lines are ``front<TAB>back``."""
    lines = [line for line in text.split("\n", 200)[:200] if line.strip() and line[0] != "#"]
    return len(lines) >= 2 and sum("\t" in line for line in lines) * 3 >= len(lines) * 2


@dataclass(slots=True)
class _Layout:
    separator: str = "\t"
    html: bool | None = None
    columns: dict[str, int] = field(default_factory=dict)  # tags/deck/notetype/guid -> index
    deck: str | None = None
    notetype: str | None = None
    tags: list[str] = field(default_factory=list)


def _read_headers(headers: list[tuple[int, str, str]], problems: Problems) -> _Layout:
    layout = _Layout()
    named_columns: tuple[int, str] | None = None
    for line, key, value in headers:
        if key == "separator":
            sep = SEPARATORS.get(value.strip().lower(), value if len(value) == 1 else None)
            if sep is None:
                problems.error(
                    line,
                    f"unknown separator {value!r}: use tab, comma, semicolon, pipe, space, "
                    "colon or the character itself",
                )
            else:
                layout.separator = sep
        elif key == "html":
            word = value.strip().lower()
            if word not in ("true", "false"):
                problems.warn(line, f"'#html:' must be true or false, not {value!r}; guessing")
            else:
                layout.html = word == "true"
        elif key in _COLUMN_HEADERS:
            if not value.strip().isdigit() or int(value) < 1:
                problems.error(line, f"'#{key}:' must be a column number from 1, not {value!r}")
            else:
                layout.columns[_COLUMN_HEADERS[key]] = int(value) - 1
        elif key == "columns":
            named_columns = (line, value)
        elif key == "deck":
            layout.deck = value.strip() or None
        elif key == "notetype":
            layout.notetype = value.strip() or None
        elif key == "tags":
            layout.tags = value.split()
    if named_columns is not None:
        for n, name in enumerate(named_columns[1].split(layout.separator)):
            kind = _COLUMN_NAMES.get(" ".join(name.strip().lower().split()))
            if kind and kind not in layout.columns:
                layout.columns[kind] = n
    return layout


@dataclass(slots=True)
class _Note:
    line: int
    front: str
    back: str
    tags: list[str]
    deck: str | None
    cloze: bool


def _field(text: str, html: bool) -> tuple[str, int]:
    text = _SOUND.sub("", text)
    if html:
        return html_to_text(text)
    return text.strip(), 0


def _tag_words(tags: list[str]) -> tuple[str | None, Difficulty | None]:
    """The topic (first tag that is not a difficulty) and the difficulty named by the tags."""
    topic: str | None = None
    difficulty: Difficulty | None = None
    for tag in tags:
        lower = tag.lower()
        prefix = next((p for p in _DIFFICULTY_PREFIXES if lower.startswith(p)), None)
        level = parse_difficulty(lower[len(prefix) :] if prefix else lower)
        if prefix or lower in ("easy", "medium", "hard"):
            difficulty = difficulty or level
        elif topic is None and lower not in _IGNORED_TAGS:
            topic = _last_part(tag).replace("_", " ")
    return topic, difficulty


def _last_part(name: str) -> str:
    """``Languages::French`` -> ``French`` (Anki's hierarchy separator)."""
    return name.split("::")[-1].strip()


def _cloze_prompt(text: str) -> str:
    return _CLOZE.sub(lambda m: f"[{m.group('hint')}]" if m.group("hint") else "[...]", text)


def _cloze_answer(text: str) -> str:
    """The note's text with its gaps filled in, in bold (once, if the gap was bold already)."""

    def fill(m: re.Match[str]) -> str:
        gap = m.group("text")
        return gap if gap.startswith("**") and gap.endswith("**") else f"**{gap}**"

    return _CLOZE.sub(fill, text)


def read_anki(text: str, tsv: bool, problems: Problems) -> tuple[str | None, list[RawQuestion]]:
    """Read an Anki text export; returns the bank name (the deck, when there is one) and notes."""
    lines = text.split("\n")
    headers = _headers(lines)
    layout = _read_headers(headers, problems)
    first = len(headers) + 1
    body = lines[first - 1 :]
    if not any(h[1] == "separator" for h in headers) and not tsv:
        sample = next((line for line in body if line.strip()), "")
        layout.separator = next((s for s in ("\t", ";", ",") if s in sample), "\t")
    if layout.html is None:
        layout.html = bool(_LOOKS_HTML.search("\n".join(body)))
    special = set(layout.columns.values())
    sep_name = _SEPARATOR_NAMES.get(layout.separator, repr(layout.separator))

    notes: list[_Note] = []
    for line, cells in records(body, first, layout.separator, problems):
        note = _read_note(cells, line, layout, special, sep_name, problems)
        if note is not None:
            notes.append(note)

    decks = {n.deck for n in notes if n.deck}
    single_deck = _last_part(next(iter(decks))) if len(decks) == 1 else None
    raws: list[RawQuestion] = []
    clozes = [n for n in notes if n.cloze]
    for note in notes:
        topic, difficulty = _tag_words(note.tags)
        if len(decks) > 1 and note.deck and _last_part(note.deck) != "Default":
            topic = _last_part(note.deck)  # several decks: each note's deck is its topic
        if note.cloze:
            prompt = _cloze_prompt(note.front)
            answer = "\n\n".join(a for a in (_cloze_answer(note.front), note.back) if a)
        else:
            prompt, answer = note.front, note.back
        raws.append(
            RawQuestion(
                prompt=prompt,
                line=note.line,
                answers=[parse_units(answer.split("\n"))] if answer else [],
                topic=topic,
                difficulty=difficulty,
            )
        )
    if clozes:
        problems.warn(
            clozes[0].line,
            f"{len(clozes)} Cloze note(s): each is asked as one question, its gaps shown as "
            "[...] and filled in the answer",
        )
    return (single_deck if single_deck != "Default" else None), raws


def _read_note(
    cells: list[str],
    line: int,
    layout: _Layout,
    special: set[int],
    sep_name: str,
    problems: Problems,
) -> _Note | None:
    def column(kind: str) -> str:
        n = layout.columns.get(kind)
        return cells[n].strip() if n is not None and n < len(cells) else ""

    notetype = column("notetype") or layout.notetype or ""
    fields = [cell for n, cell in enumerate(cells) if n not in special]
    front, front_images = _field(fields[0], layout.html is True) if fields else ("", 0)
    cloze = "cloze" in notetype.lower() or bool(_CLOZE.search(front))
    if len(fields) < 2 and not cloze:
        problems.error(
            line,
            f"expected a front and a back separated by {sep_name}; found {len(fields)} field(s)",
        )
        return None
    back, back_images = _field(fields[1], layout.html is True) if len(fields) > 1 else ("", 0)
    if front_images + back_images:
        problems.warn(line, f"dropped {front_images + back_images} image(s): Discord shows text")
    return _Note(
        line=line,
        front=front,
        back=back,
        tags=column("tags").split() + layout.tags,
        deck=column("deck") or layout.deck,
        cloze=cloze,
    )
