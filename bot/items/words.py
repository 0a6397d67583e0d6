"""Words as the items compare them: casefolded, by their English Snowball stem, function words
left out. A prompt and an option, or a label and its description, "share a word" when they share
a stem here."""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer

from bot.bank.text import unify_punctuation

_WORD = re.compile(r"[^\W_]+", re.UNICODE)

# Function words: never masked, never counted as content.
STOP_WORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each either else etc
    few for from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just let like may me might more most much must my myself no nor not of
    off often on once one only or other our ours ourselves out over own per same shall she should
    so some such than that the their theirs them themselves then there these they this those
    through to too under until up upon us use used using very via was we were what when where
    which while who whom whose why will with within without would yet you your yours yourself
    yourselves e g ie eg""".split()
)

_stemmer = snowballstemmer.stemmer("english")


def words(text: str) -> list[str]:
    """The words of ``text``, casefolded; hyphenated and dotted words are split."""
    return _WORD.findall(unify_punctuation(text).casefold())


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """The English Snowball stem of ``word`` (lower case): "generating" -> "generat"."""
    return str(_stemmer.stemWord(word.casefold()))


def content_stems(text: str, ignore: frozenset[str] = frozenset()) -> frozenset[str]:
    """Stems of the words of ``text`` that carry meaning: function words and ``ignore`` left
    out."""
    return frozenset(stem(w) for w in words(text) if w not in STOP_WORDS and w not in ignore)
