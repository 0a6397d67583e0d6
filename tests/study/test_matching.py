from __future__ import annotations

import pytest

from bot.study.matching import matches, normalise

SHAKESPEARE = ("William Shakespeare", "Shakespeare")


@pytest.mark.parametrize(
    "guess",
    [
        "shakespeare",
        "SHAKESPEARE!",
        "  william   shakespeare ",
        "Shakespear",
        "Shakespaere",
        "william shakespere",
        "Wiliam Shakespeare",
    ],
)
def test_near_misses_are_accepted(guess: str) -> None:
    assert matches(guess, SHAKESPEARE)


@pytest.mark.parametrize(
    "guess", ["", "shake", "Marlowe", "Shakespeare and Marlowe", "william", "Shkspr"]
)
def test_wrong_answers_and_longer_guesses_are_refused(guess: str) -> None:
    assert not matches(guess, SHAKESPEARE)


def test_accents_articles_numbers_and_short_answers() -> None:
    assert matches("Sao Paulo", ("São Paulo",))
    assert matches("the Eiffel Tower", ("Eiffel Tower",))
    assert matches("an apple", ("Apple",))
    assert matches("1945", ("1945",))
    assert not matches("1946", ("1945",))
    assert matches("GPU", ("gpu",))
    assert not matches("CPU", ("GPU",))  # no typo tolerance on 3 letters
    assert not matches("paris london", ("Paris",))
    assert normalise("  The  Café!  ") == "cafe"
