"""Text normalisation used to recognise the same question or paragraph written twice."""

from __future__ import annotations

import operator
import re
import unicodedata

_PUNCT_STYLE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\u2026": "...",
    }
)

# Optional parts are grouped with what follows them, so no two unbounded quantifiers can match
# the same spaces next to each other (that backtracks for minutes on a long run of spaces).
_QUESTION_LABEL = re.compile(
    r"^\s*(?:(?:q(?:uestion)?\s*(?:#\s*)?(?:\d+\s*)?|\d+\s*)[:.)\-]\s*"
    r"|q(?:uestion)?\s*(?:#\s*)?\d+\s+)",
    re.IGNORECASE,
)
# Only real HTML tags are markup: ``tool upgrade <name>`` is not ``tool upgrade``.
_MARKUP = re.compile(
    r"[*_`~]+|</?(?:b|i|em|strong|code|br|p|span|div|sup|sub|u|s|a|img|kbd|pre|small|mark|"
    r"strike|del|ins|tt|font|center|summary|details|hr|li|ul|ol)(?:\s[^<>]{0,500})?/?>",
    re.IGNORECASE,
)
_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
# The italic text stops at the next star, so a line of unclosed `` *a`` runs is read in linear time.
_ITALIC = re.compile(r"(?<![\w*])\*(?!\s)([^*]+?)(?<!\s)\*(?![\w*])")
_INLINE_CODE = re.compile(r"`([^`]+)`")
# What ``\1`` would insert, without the template being expanded in Python for every match.
_FIRST_GROUP = operator.methodcaller("group", 1)
_WORD = re.compile(r"\w+")


def unify_punctuation(text: str) -> str:
    """Straight quotes, plain hyphens and plain spaces instead of their typographic variants."""
    if text.isascii():
        return text  # nothing to normalise or translate
    return unicodedata.normalize("NFKC", text).translate(_PUNCT_STYLE)


def strip_question_label(text: str) -> str:
    """``Q1: What is X?`` -> ``What is X?``; also ``Question 3.``, ``3)``, ``Q:``."""
    return _QUESTION_LABEL.sub("", text, count=1)


def content_key(text: str) -> str:
    """A key equal for texts that differ only in markup, case, whitespace or punctuation."""
    text = unify_punctuation(text)
    # Without a "<" the only markup that is not already punctuation is "_" (a word character).
    text = _MARKUP.sub(" ", text) if "<" in text else text.replace("_", " ")
    return " ".join(_WORD.findall(text.casefold()))


def prompt_key(prompt: str) -> str:
    """The identity of a question: its prompt without numbering, markup, case or punctuation."""
    return content_key(strip_question_label(_MARKUP.sub("", unify_punctuation(prompt))))


def clean_inline(text: str) -> str:
    """Collapse runs of spaces and trim; keeps Markdown markup."""
    return " ".join(text.split())


def plain(text: str) -> str:
    """Text without Markdown emphasis or inline code marks, for prompts and option labels."""
    if "**" in text or "__" in text:
        text = _BOLD.sub(lambda m: m.group(1) or m.group(2), text)
    if "*" in text:
        text = _ITALIC.sub(_FIRST_GROUP, text)
    if "`" in text:
        text = _INLINE_CODE.sub(_unquoted_code, text)
    return clean_inline(text)


def _unquoted_code(match: re.Match[str]) -> str:
    # Code that writes a cloze (`{{c1::x}}`) keeps its marks: without them it would be a gap.
    return match.group() if "{{c" in match.group(1) else match.group(1)


def shorten(text: str, limit: int) -> str:
    """Cut ``text`` to at most ``limit`` characters at a word boundary, marking the cut."""
    text = clean_inline(text)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-") + "…"
