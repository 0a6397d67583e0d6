"""Multiple choice derived from open answers: deterministic, plausible, never giving itself away."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from bench.data import yaml_bank
from bot.bank import Bank, LoadResult, load_bank
from bot.bank.choices import (
    MASK,
    MAX_OPTION_CHARS,
    MAX_OPTIONS,
    ChoiceMaker,
    Summary,
    key_term,
)
from bot.bank.loader import BUNDLED_BANKS
from bot.bank.model import Question
from bot.bank.text import content_key

SEED = BUNDLED_BANKS / "generative-ai-interview-questions.md"
Load = Callable[..., LoadResult]


@pytest.fixture(scope="module")
def seed() -> Bank:
    bank = load_bank(SEED).bank
    assert bank is not None
    return bank


def test_every_seed_question_gets_four_distinct_options(seed: Bank) -> None:
    maker = ChoiceMaker(seed)
    for q in seed.questions:
        mc = maker.choices(q, seed=7)
        assert mc is not None
        assert len(mc.options) == MAX_OPTIONS
        assert len({content_key(o) for o in mc.options}) == MAX_OPTIONS
        assert all(0 < len(o) <= MAX_OPTION_CHARS for o in mc.options)
        assert 0 <= mc.correct < MAX_OPTIONS


def test_options_are_deterministic_per_question_and_seed(seed: Bank) -> None:
    q = seed.questions[0]
    first = ChoiceMaker(seed).choices(q, seed=1)
    assert first == ChoiceMaker(seed).choices(q, seed=1)
    orders = {ChoiceMaker(seed).choices(q, seed=s) for s in range(10)}
    assert len(orders) > 1  # another seed (another post) may shuffle differently


def test_right_option_summarises_its_own_answer(seed: Bank) -> None:
    maker = ChoiceMaker(seed)
    listy = next(q for q in seed.questions if q.prompt.startswith("What metrics"))
    mc = maker.choices(listy, 0)
    assert mc is not None
    assert mc.options[mc.correct] == "Perplexity, BLEU score, ROUGE score, Human evaluation"
    prose = seed.questions[0]
    mc = maker.choices(prose, 0)
    assert mc is not None
    assert mc.options[mc.correct] == (
        f"{MASK} refers to algorithms that create new content, "
        "such as text, images, music, or code."
    )


def test_same_shape_preferred_for_wrong_options(seed: Bank) -> None:
    maker = ChoiceMaker(seed)
    listy = next(q for q in seed.questions if q.prompt.startswith("What metrics"))
    mc = maker.choices(listy, 3)
    assert mc is not None
    assert all("," in o for o in mc.options)  # every option is a list of labels


def test_key_term_is_masked_in_every_option(seed: Bank) -> None:
    maker = ChoiceMaker(seed)
    q = next(q for q in seed.questions if "latent space" in q.prompt)
    assert key_term(q.prompt) == "latent space"
    mc = maker.choices(q, 0)
    assert mc is not None
    assert all("latent space" not in o.lower() for o in mc.options)
    assert MASK in mc.options[mc.correct]


def test_near_duplicates_of_the_right_option_are_never_offered(load: Load) -> None:
    doc = (
        "Q: What is a GPU?\nA: A processor for parallel work.\n\n"
        "Q: What is a graphics card?\nA: A processor for parallel work!\n\n"
        "Q: What is RAM?\nA: Fast volatile memory.\n"
    )
    result = load("near.md", doc)
    assert result.bank is not None
    mc = ChoiceMaker(result.bank).choices(result.bank.questions[0], 0)
    assert mc is not None
    assert mc.options[mc.correct] == "A processor for parallel work."
    assert len(mc.options) == 2  # the copy from the second question is not a wrong option


def test_single_question_bank_is_not_multiple_choice(load: Load) -> None:
    result = load("one.md", "Q: Alone?\nA: Yes.\n")
    assert result.bank is not None
    maker = ChoiceMaker(result.bank)
    q = result.bank.questions[0]
    assert maker.choices(q, 0) is None
    assert maker.why_not(q) is not None and "not offered as multiple choice" in maker.why_not(q)


def test_explicit_choices_are_used_as_they_are(load: Load) -> None:
    doc = "questions:\n  - prompt: Pick B\n    choices: [a, b, c]\n    correct: 1\n"
    result = load("explicit.yaml", doc)
    assert result.bank is not None
    mc = ChoiceMaker(result.bank).choices(result.bank.questions[0], 99)
    assert mc is not None and (mc.options, mc.correct) == (("a", "b", "c"), 1)


def test_cli_quiz_json() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "bank", "quiz", str(SEED), "--seed", "3", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert len(doc["questions"]) == 17
    for q in doc["questions"]:
        assert len(q["options"]) == 4
        assert q["correct_option"] in range(4)


def test_large_bank_options_rank_as_well_as_the_whole_bank(tmp_path: Path) -> None:
    # Beyond a few dozen answers only the nearest of each kind are ranked; the options chosen
    # must score exactly as well as a ranking of the whole bank would (ties may pick others).
    result = load_bank(yaml_bank(tmp_path / "big.yaml", 3000))
    assert result.bank is not None
    bank = result.bank
    maker = ChoiceMaker(bank).prepare()
    pool = maker._candidate_pool()

    def scores(question: Question, picked: list[Summary]) -> list[float]:
        right = maker._summary(question)
        by_text = {s.text: (q, s) for q, s in pool.summaries}
        out = []
        for summary in picked:
            other, cand = by_text[summary.text]
            ratio = min(len(cand.text), len(right.text)) / max(len(cand.text), len(right.text))
            out.append(
                3.0 * (cand.topic == right.topic)
                + 2.0 * (cand.shape == right.shape)
                + 1.0 * (other.difficulty == question.difficulty)
                + round(ratio, 9)
            )
        return sorted(out)

    for question in bank.questions[::97]:
        right = maker._summary(question)
        nearest = maker._nearest(pool, right)
        assert len(nearest) < len(pool.summaries) // 4
        windowed = maker._pick(question, right, nearest, seed=5)
        whole = maker._pick(question, right, pool.summaries, seed=5)
        assert len(windowed) == MAX_OPTIONS - 1
        assert scores(question, windowed) == scores(question, whole)
        mc = maker.choices(question, 5)
        assert mc is not None and len(set(mc.options)) == MAX_OPTIONS
        assert maker.askable(question)


def test_askable_agrees_with_choices(seed: Bank, load: Load) -> None:
    near = load(
        "near.md",
        "Q: What is a GPU?\nA: A processor for parallel work.\n\n"
        "Q: What is a graphics card?\nA: A processor for parallel work!\n",
    ).bank
    assert near is not None
    for bank in (seed, near):
        maker = ChoiceMaker(bank)
        for q in bank.questions:
            assert maker.askable(q) == (maker.choices(q, 0) is not None), q.prompt
