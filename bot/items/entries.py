"""The labelled entries of a list answer ("**Mode collapse:** the model ...") and word stems.

Shared by the key-point checklist and the which-one items: both read an answer's top-level list
items as a label and its description.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import sentencex

from bot.bank.answer import Unit, parse_units
from bot.bank.model import Question
from bot.bank.text import plain

# A label is a name, not a sentence: longer than this it is the start of a description.
MAX_MARKED_LABEL_WORDS = 8
MAX_PLAIN_LABEL_WORDS = 5
MAX_LABEL_CHARS = 80

_SEPARATOR = r"\s*(?:[:.,]|\s[-\u2013\u2014]|[-\u2013\u2014]\s)\s*"
_BOLD_LABEL = re.compile(r"^(\*\*|__)(?P<label>[^*_].*?)\1(?P<rest>.*)$")
_ITALIC_LABEL = re.compile(r"^([*_])(?P<label>[^*_\s][^*_]*?)\1(?![*_])(?P<rest>.*)$")
_CODE_LABEL = re.compile(r"^`(?P<label>[^`]+)`(?P<rest>" + _SEPARATOR + r"\S.*)$")
_PLAIN_COLON = re.compile(r"^(?P<label>[^:`*\[\]]{1,80}?):\s+(?P<rest>\S.*)$")
_PLAIN_DASH = re.compile(r"^(?P<label>[^`*\[\]]{1,80}?)\s+[-\u2013\u2014]\s+(?P<rest>\S.*)$")
_LEADING_SEPARATOR = re.compile(r"^(?:\s*[:.,;\-\u2013\u2014])+\s*")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_AUTOLINK = re.compile(r"<https?://[^>]*>|https?://\S+")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Entry:
    """One top-level list item read as a name (``label``) and what it says (``description``)."""

    label: str
    description: str


def sentences(text: str) -> list[str]:
    """``text`` cut into sentences (abbreviations such as "e.g." and decimals do not end one)."""
    pieces: Iterable[object] = sentencex.segment("en", text)
    return [s for s in (str(p).strip() for p in pieces) if s]


def strip_links(text: str) -> str:
    """Markdown links become their text; bare addresses go."""
    return _AUTOLINK.sub("", _LINK.sub(r"\1", text)).strip()


def _clean_label(label: str) -> str:
    return plain(label).strip().rstrip(":.,;").strip()


def _clean_description(rest: str) -> str:
    return plain(_LEADING_SEPARATOR.sub("", rest)).strip()


def _label_fits(label: str, max_words: int) -> bool:
    count = len(label.split())
    return 0 < count <= max_words and len(label) <= MAX_LABEL_CHARS and "http" not in label


def entry_of_text(text: str) -> Entry | None:
    """Read a list item's Markdown as ``Label: description`` in any of the shapes banks use:
    ``**Label**: d``, ``**Label:** d``, ``**Label** - d``, ``**Label.** d``, ``*Label* d``,
    ``\\`code\\` - d``, ``Label: d`` and ``Label - d`` (plain labels only when a few words long).
    ``None`` when the item has no label (a sentence, a bare term, a link)."""
    if _LINK.fullmatch(text.strip()) or _AUTOLINK.fullmatch(text.strip()):
        return None  # a reference link: its text is a title, not a label and a description
    text = strip_links(text.strip())
    for pattern, max_words in (
        (_BOLD_LABEL, MAX_MARKED_LABEL_WORDS),
        (_ITALIC_LABEL, MAX_MARKED_LABEL_WORDS),
        (_CODE_LABEL, MAX_MARKED_LABEL_WORDS),
        (_PLAIN_COLON, MAX_PLAIN_LABEL_WORDS),
        (_PLAIN_DASH, MAX_PLAIN_LABEL_WORDS),
    ):
        m = pattern.match(text)
        if m is None:
            continue
        label = _clean_label(m.group("label"))
        if _label_fits(label, max_words):
            return Entry(label, _clean_description(m.group("rest")))
    return None


def _heading_label(unit: Unit) -> str | None:
    label = _clean_label(unit.text)
    return label if _label_fits(label, MAX_MARKED_LABEL_WORDS) else None


def answer_units(question: Question) -> list[Unit]:
    return parse_units(question.answer.splitlines())


def _runs(units: list[Unit]) -> Iterator[list[Entry]]:
    """Each list of the answer as the entries it holds, in order.

    A list is a run of top-level items (nested items belong to their parent and do not break
    it), or a run of bold sub-headings each followed by a paragraph. Anything else ends it."""
    run: list[Entry] = []
    i = 0
    while i < len(units):
        unit = units[i]
        nxt = units[i + 1] if i + 1 < len(units) else None
        if unit.kind == "item":
            if unit.level == 0:
                entry = entry_of_text(unit.text)
                if entry is not None:
                    run.append(entry)
            i += 1
            continue
        label = _heading_label(unit) if unit.kind == "heading" else None
        if label is not None and nxt is not None and nxt.kind == "para":
            if run and not _is_heading_run(units, i):
                yield run
                run = []
            run.append(Entry(label, plain(strip_links(nxt.text))))
            i += 2
            continue
        if run:
            yield run
            run = []
        i += 1
    if run:
        yield run


def _is_heading_run(units: list[Unit], i: int) -> bool:
    """Whether the sub-heading at ``i`` continues a run of sub-headings with paragraphs."""
    return i >= 2 and units[i - 2].kind == "heading" and units[i - 1].kind == "para"


def entry_lists(question: Question) -> list[list[Entry]]:
    """Every list of the answer with its labelled entries (lists without labels left out)."""
    return [run for run in _runs(answer_units(question)) if run]


def list_entries(question: Question) -> list[Entry]:
    """The labelled top-level entries of the answer's main list: the one with most entries
    (the first of equals), since sibling options must come from one list."""
    best: list[Entry] = []
    for run in entry_lists(question):
        if len(run) > len(best):
            best = run
    return best
