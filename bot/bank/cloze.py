"""Clozes in Anki's syntax: ``{{c1::transformer}}``, ``{{c2::attention::a mechanism}}``.

A question whose prompt holds gaps is a cloze: each gap number is one way of asking it (that
number's gaps hidden, the others shown), and its reference answer is the prompt with every gap
filled in. Text in inline code or a fenced code block is code, never a gap, so a bank can show
the syntax itself (```` `{{c1::x}}` ````). Pure text functions, used by the loaders to check and
answer clozes and by :mod:`bot.items.authored` to build the items.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

# A run of backticks, then anything up to the same run (CommonMark's code span), or a fence.
_CODE = re.compile(
    r"^ {0,3}(?P<fence>```+|~~~+)[^\n]*\n.*?(?:^ {0,3}(?P=fence)[ \t]*$|\Z)"
    r"|(?<!`)(?P<ticks>`+)(?!`).+?(?<!`)(?P=ticks)(?!`)",
    re.DOTALL | re.MULTILINE,
)
# What an author means as a gap: ``{{c`` then digits (perhaps none) and ``::``.
_OPEN = re.compile(r"\{\{c(?P<number>\d*)::")
_CLOSE = "}}"
_HIDDEN = "\0"


@dataclass(frozen=True, slots=True)
class Gap:
    """One ``{{cN::text::hint}}`` of a text; ``start``/``end`` delimit it in that text."""

    number: int
    text: str
    hint: str
    start: int
    end: int

    @property
    def shown(self) -> str:
        """How the gap reads while it is asked: its hint in brackets, or ``[...]``."""
        return f"[{self.hint}]" if self.hint else "[...]"


@dataclass(frozen=True, slots=True)
class ClozeError:
    """A malformed gap: ``offset`` is where it starts in the text."""

    offset: int
    message: str


def _without_code(text: str) -> str:
    """``text`` with its code spans and fenced blocks blanked out, offsets unchanged."""
    if "`" not in text and "~~~" not in text:
        return text
    return _CODE.sub(lambda m: _HIDDEN * len(m.group()), text)


def _scan(text: str) -> tuple[list[Gap], list[ClozeError]]:
    gaps: list[Gap] = []
    errors: list[ClozeError] = []
    if "{{c" not in text:
        return gaps, errors
    visible = _without_code(text)
    pos = 0
    while (opening := _OPEN.search(visible, pos)) is not None:
        start = opening.start()
        close = visible.find(_CLOSE, opening.end())
        following = _OPEN.search(visible, opening.end())
        written = _excerpt(text[start : close + 2 if close >= 0 else len(text)])
        if close < 0 or (following is not None and following.start() < close):
            errors.append(ClozeError(start, _unclosed(written, nested=close >= 0)))
            pos = opening.end()
            continue
        pos = close + len(_CLOSE)
        body = text[opening.end() : close]
        answer, _, hint = body.partition("::")
        problem = _problem(opening.group("number"), answer, written)
        if problem:
            errors.append(ClozeError(start, problem))
            continue
        gaps.append(Gap(int(opening.group("number")), answer, hint.strip(), start, pos))
    return gaps, errors


def _unclosed(written: str, *, nested: bool) -> str:
    if nested:
        return f"the cloze {written} is not closed before the next one opens (clozes cannot nest)"
    return f"the cloze {written} is never closed with '}}}}'"


def _problem(number: str, answer: str, written: str) -> str | None:
    if not number:
        return f"the cloze {written} has no number: write {{{{c1::...}}}}, {{{{c2::...}}}}"
    if int(number) == 0:
        return f"the cloze {written} is numbered 0: cloze numbers start at c1"
    if not answer.strip():
        return f"the cloze {written} has an empty answer"
    return None


def _excerpt(written: str) -> str:
    return repr(written if len(written) <= 40 else written[:39] + "…")


def gaps(text: str) -> list[Gap]:
    """The well-formed gaps of ``text`` in order (none inside code)."""
    return _scan(text)[0]


def errors(text: str) -> list[ClozeError]:
    """The malformed gaps of ``text``: never closed, without a number, numbered 0, empty."""
    return _scan(text)[1]


def is_cloze(text: str) -> bool:
    """Whether ``text`` holds at least one well-formed gap."""
    return bool(gaps(text))


def numbers(text: str) -> list[int]:
    """The gap numbers of ``text``, each once, in increasing order."""
    return sorted({gap.number for gap in gaps(text)})


def _rewrite(text: str, show: Callable[[Gap], str]) -> str:
    parts: list[str] = []
    pos = 0
    for gap in gaps(text):
        parts += [text[pos : gap.start], show(gap)]
        pos = gap.end
    parts.append(text[pos:])
    return "".join(parts)


def filled(text: str, *, bold: bool = False) -> str:
    """``text`` with every gap filled in; in bold (once) for a reference answer."""

    def fill(gap: Gap) -> str:
        if not bold or (gap.text.startswith("**") and gap.text.endswith("**")):
            return gap.text
        return f"**{gap.text}**"

    return _rewrite(text, fill)


def asking(text: str, number: int | None = None) -> str:
    """``text`` as asked for gap ``number``: its gaps shown as ``[...]`` (or ``[hint]``), the
    other numbers' gaps filled in. Without a number, every gap is hidden (a safe display)."""
    return _rewrite(text, lambda g: g.shown if number in (None, g.number) else g.text)


def answers(text: str, number: int) -> list[str]:
    """The texts of gap ``number``'s gaps, in order."""
    return [gap.text for gap in gaps(text) if gap.number == number]
