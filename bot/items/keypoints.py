"""The reference answer as a checklist of key points, for a member to tick what they recalled.

A list item becomes "label: description", prose becomes its sentences; code blocks and tables
are left out (a member recalls ideas, not listings). The checklist holds 3 to 7 points, each
short enough for a Discord select option.
"""

from __future__ import annotations

import re

from bot.bank.answer import Unit
from bot.bank.model import Question
from bot.bank.text import content_key, plain, shorten
from bot.items.entries import answer_units, entry_of_text, sentences, strip_links
from bot.items.words import content_stems, words

MIN_POINTS = 3
MAX_POINTS = 7
POINT_LIMIT = 100  # a Discord select option's label
# List items this short are terms ("Precision", "Recall"): several fit in one point.
SHORT_POINT_WORDS = 4
# Where a sentence splits into clauses that each say something.
_CLAUSE_BREAK = re.compile(r"\s*;\s+|,\s+(?=(?:and|but|while|whereas|which|so|because)\s)")
MIN_CLAUSE_WORDS = 3


def key_points(question: Question) -> tuple[str, ...]:
    """The answer as 3 to 7 plain-text points of at most 100 characters each (fewer than 3 only
    when the answer is that short); never empty when the question has an answer."""
    units = answer_units(question)
    points = _dedupe(_points_of(units))
    if not points:
        points = _fallback(units, question.answer)
    if len(points) > MAX_POINTS:
        points = _merge_terms(points)
    if len(points) > MAX_POINTS:
        points = _keep_most_informative(points, question.prompt)
    while len(points) < MIN_POINTS and (split := _split_longest(points)) is not None:
        points = split
    cleaned = [c for c in (_unmarked(p) for p in points) if c]
    return tuple(shorten(c, POINT_LIMIT) for c in cleaned or [_unmarked(question.answer)] if c)


def _unmarked(point: str) -> str:
    """Marks that :func:`plain` leaves (a code span holding backticks, unpaired stars) go too."""
    return " ".join(point.replace("`", " ").replace("**", "").split())


def _points_of(units: list[Unit]) -> list[str]:
    points: list[str] = []
    consumed: set[int] = set()
    for n, unit in enumerate(units):
        if n in consumed:
            continue
        if unit.kind == "item" and unit.level == 0:
            points.extend(_item_point(unit.text))
        elif unit.kind == "heading" and n + 1 < len(units) and units[n + 1].kind == "para":
            consumed.add(n + 1)
            label = plain(unit.text).rstrip(":. ")
            first = _prose_points(units[n + 1].text)
            points.append(f"{label}: {first[0]}" if first else label)
            points.extend(first[1:])
        elif unit.kind == "para":
            points.extend(_prose_points(unit.text))
        # Nested items belong to their parent, headings alone introduce a list, and code
        # blocks and tables are not recalled word for word.
    return points


def _item_point(text: str) -> list[str]:
    entry = entry_of_text(text)
    if entry is not None:
        return [f"{entry.label}: {entry.description}" if entry.description else entry.label]
    cleaned = plain(strip_links(text))
    return [cleaned] if words(cleaned) else []


def _prose_points(text: str) -> list[str]:
    """A paragraph's sentences, without those that only announce a list ("Strategies include:")."""
    found = sentences(plain(strip_links(text)))
    return [s for s in found if words(s) and not s.rstrip().endswith(":")]


def _dedupe(points: list[str]) -> list[str]:
    seen: set[str] = set()
    kept = []
    for point in points:
        key = content_key(point)
        if key and key not in seen:
            seen.add(key)
            kept.append(point)
    return kept


def _fallback(units: list[Unit], answer: str) -> list[str]:
    """An answer that is only code, a table or list-introducing lines still gets one point."""
    for unit in units:
        if unit.kind == "code":
            lines = [ln.strip() for ln in unit.text.splitlines()[1:-1] if ln.strip()]
            if lines:
                return [f"Code: {lines[0]}"]
        if unit.kind in ("table", "heading", "item", "para"):
            text = plain(strip_links(unit.text.splitlines()[0])).strip("|: ")
            if words(text):
                return [text]
    text = plain(answer)
    return [text] if words(text) else []


def _merge_terms(points: list[str]) -> list[str]:
    """Join runs of short points (bare terms) into one point each, as long as it fits."""
    merged: list[str] = []
    for point in points:
        prev = merged[-1] if merged else None
        if (
            prev is not None
            and _is_short(point)
            and _is_short(prev.split(", ")[-1])
            and len(prev) + 2 + len(point) <= POINT_LIMIT
        ):
            merged[-1] = f"{prev}, {point}"
        else:
            merged.append(point)
    return merged


def _is_short(point: str) -> bool:
    return len(point.split()) <= SHORT_POINT_WORDS


def _keep_most_informative(points: list[str], prompt: str) -> list[str]:
    """Drop the points that add the fewest new words (not in the prompt or earlier points)
    until seven remain, keeping the answer's order."""
    known = set(content_stems(prompt))
    scores = []
    for point in points:
        stems = content_stems(point)
        scores.append(len(stems - known))
        known |= stems
    # Ties drop the later point: an answer's opening usually carries its gist.
    ranked = sorted(range(len(points)), key=lambda i: (-scores[i], i))
    keep = sorted(ranked[:MAX_POINTS])
    return [points[i] for i in keep]


def _split_longest(points: list[str]) -> list[str] | None:
    """The points with the longest splittable one cut into its clauses, or ``None``."""
    for n in sorted(range(len(points)), key=lambda i: -len(points[i])):
        clauses = _clauses(points[n])
        if len(clauses) > 1:
            room = MAX_POINTS - len(points) + 1
            return [*points[:n], *clauses[:room], *points[n + 1 :]]
    return None


def _clauses(sentence: str) -> list[str]:
    pieces = [p.strip(" ,;") for p in _CLAUSE_BREAK.split(sentence)]
    pieces = [p for p in pieces if p]
    if len(pieces) < 2 or any(len(p.split()) < MIN_CLAUSE_WORDS for p in pieces):
        return []
    return pieces
