"""The cue-only guesser: each cue on a small hand-written item where only that cue tells the
options apart, then the pick, the hit rate and the reading of `bank quiz --json` output."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bench import cue_guesser
from bench.cue_guesser import (
    Term,
    all_of_the_above,
    blank,
    choice_items,
    convergence,
    form,
    grammar,
    guess,
    hit_rate,
    length,
    odd_one_out,
    overlap,
    prompt_term,
    qualifiers,
    starts_with_vowel_sound,
    topic_stems,
    verb_number,
)

# --- overlap ----------------------------------------------------------------------------------


def test_overlap_picks_the_option_that_repeats_the_prompt() -> None:
    prompt = "Why do glaciers retreat?"
    options = [
        "Rocks on the valley floor are worn down very slowly over many centuries.",
        "Glaciers retreat when warm summers melt more ice than winter snow adds.",
        "Tides rise and fall twice a day because of the pull of the moon.",
        "Volcanoes release gas and ash when pressure builds up under the crust.",
    ]
    assert overlap(prompt, options) == [0.0, 1.0, 0.0, 0.0]
    assert guess(prompt, options) == 1


def test_overlap_matches_words_by_stem() -> None:
    prompt = "How does melting affect glaciers?"
    assert overlap(prompt, ["A glacier melts from below.", "Rain falls on hills."]) == [1.0, 0.0]


def test_a_word_every_option_repeats_tells_nothing() -> None:
    prompt = "Which gas do plants give off in photosynthesis?"
    assert overlap(prompt, ["Plants make oxygen.", "Plants make nitrogen."]) == [0.0, 0.0]
    options = ["Plants make oxygen.", "Plants make nitrogen in photosynthesis."]
    assert overlap(prompt, options) == [0.0, 0.5]


def test_words_of_the_test_topic_do_not_count_as_overlap() -> None:
    prompt = "What is a generative model?"
    options = ["A generative model draws new samples.", "Latent codes compress the data."]
    assert overlap(prompt, options)[0] > 0
    assert overlap(prompt, options, topic={"generat", "model"}) == [0.0, 0.0]


def test_topic_stems_are_the_words_most_prompts_name() -> None:
    prompts = [
        "What is a generative model?",
        "How are generative models trained?",
        "Why do generative models hallucinate?",
        "What is latent space?",
        "What limits a generative model?",
    ]
    topic = topic_stems(prompts, share=0.6)
    assert "generat" in topic
    assert "latent" not in topic
    assert topic_stems(prompts[:2]) == frozenset()


# --- blank ------------------------------------------------------------------------------------


def test_a_blank_counts_when_the_prompt_asks_about_a_term() -> None:
    options = ["___ turns light into sugar.", "Mitochondria make energy."]
    assert blank("What is photosynthesis?", options) == [1.0, 0.0]


def test_a_blank_tells_nothing_when_the_prompt_names_no_term() -> None:
    options = ["___ turns light into sugar.", "Mitochondria make energy."]
    assert blank("Why do leaves change colour in autumn?", options) == [0.0, 0.0]


# --- grammar ----------------------------------------------------------------------------------


def test_the_article_before_an_option_blank_must_fit_the_prompt_term() -> None:
    prompt = "What is an enzyme?"
    options = ["A ___ speeds up reactions in cells.", "An ___ speeds up reactions in cells."]
    assert grammar(prompt, options)[1] > grammar(prompt, options)[0]
    assert guess(prompt, options) == 1


def test_the_verb_after_an_option_blank_must_agree_with_the_prompt_term() -> None:
    prompt = 'Explain the concept of "neural networks".'
    options = ["___ is a way to store photos.", "___ are layers of weighted sums."]
    scores = grammar(prompt, options)
    assert scores[0] < 0 < scores[1]
    assert guess(prompt, options) == 1


def test_an_option_must_fit_the_article_before_the_prompt_blank() -> None:
    prompt = "An ___ speeds up a reaction without being used up."
    options = ["catalyst", "enzyme", "inhibitor", "substrate"]
    scores = grammar(prompt, options)
    assert scores[0] < 0 and scores[3] < 0
    assert scores[1] > 0 and scores[2] > 0
    assert guess(prompt, options) in (1, 2)


def test_an_option_must_agree_with_the_verb_after_the_prompt_blank() -> None:
    prompt = "The ___ are copied before a cell divides."
    options = ["nucleolus", "membrane", "chromosomes", "cytoplasm"]
    assert guess(prompt, options) == 2


def test_prompt_term_reads_the_term_and_its_number() -> None:
    assert prompt_term("What is Generative AI?") == Term("Generative AI", plural=False)
    assert prompt_term("What are diffusion models?") == Term("diffusion models", plural=True)
    assert prompt_term('Describe the concept of "latent space" in models.') == Term(
        "latent space", plural=False
    )
    assert prompt_term("What does GPU stand for?") == Term("GPU", plural=False)
    assert prompt_term("Why is the sky blue?") is None


@pytest.mark.parametrize(
    ("text", "vowel_sound"),
    [
        ("apple", True),
        ("hour", True),
        ("unicorn", False),
        ("European", False),
        ("MRI scan", True),
        ("GPU", False),
        ("banana", False),
    ],
)
def test_starts_with_vowel_sound(text: str, vowel_sound: bool) -> None:
    assert starts_with_vowel_sound(text) is vowel_sound


@pytest.mark.parametrize(
    ("word", "plural"),
    [
        ("is", False),
        ("are", True),
        ("uses", False),
        ("use", True),
        ("refers", False),
        ("cat", None),
    ],
)
def test_verb_number(word: str, plural: bool | None) -> None:
    assert verb_number(word) is plural


# --- form -------------------------------------------------------------------------------------


def test_a_question_asking_for_several_things_wants_a_list() -> None:
    prompt = "What are some renewable energy sources?"
    options = [
        "Coal is burned to heat water for turbines.",
        "Solar, wind, hydro, geothermal",
        "Nuclear plants split heavy atoms apart.",
    ]
    assert form(prompt, options) == [0.0, 1.0, 0.0]
    assert guess(prompt, options) == 1


def test_a_question_asking_what_a_term_is_wants_a_definition() -> None:
    prompt = "What is osmosis?"
    options = ["Water, salt, sugar, membranes", "The movement of water through a membrane."]
    assert form(prompt, options) == [0.0, 0.0]
    options = ["Water, salt, sugar, membranes", "___ refers to water crossing a membrane."]
    assert form(prompt, options) == [0.0, 1.0]


# --- length -----------------------------------------------------------------------------------


def test_the_longest_option_is_picked_when_nothing_else_tells() -> None:
    prompt = "Pick one."
    options = ["Red", "Green leaves", "A blue sky at noon"]
    assert length(prompt, options) == [0.0, 0.25, 1.0]
    assert guess(prompt, options) == 2


# --- qualifiers -------------------------------------------------------------------------------


def test_hedged_options_beat_absolute_ones() -> None:
    options = [
        "Plants always grow toward light.",
        "Plants grow toward light.",
        "Plants usually grow toward light.",
    ]
    scores = qualifiers("Which is true of plants?", options)
    assert scores[0] < scores[1] < scores[2]
    assert guess("Which statement holds?", options) == 2


# --- all of the above -------------------------------------------------------------------------


def test_all_of_the_above_is_the_best_bet() -> None:
    prompt = "Which describes Venus?"
    options = [
        "It is closer to the sun than the earth is, by far.",
        "It has a thick atmosphere.",
        "All of the above",
    ]
    assert all_of_the_above(prompt, options) == [0.0, 0.0, 1.0]
    assert guess(prompt, options) == 2


def test_none_of_the_above_is_no_absolute_claim() -> None:
    options = ["None of the above", "It rains."]
    assert qualifiers("Pick one.", options) == [0.0, 0.0]
    assert all_of_the_above("Pick one.", options) == [0.0, 0.0]


# --- odd one out ------------------------------------------------------------------------------


def test_the_one_option_of_a_different_shape_stands_out() -> None:
    options = ["Alpha beta.", "Gamma delta.", "Epsilon zeta.", "Eta theta"]
    assert odd_one_out("Pick one.", options) == [0.0, 0.0, 0.0, 1.0]


def test_no_option_stands_out_when_shapes_are_mixed_evenly() -> None:
    options = ["Alpha beta.", "Gamma delta.", "Epsilon zeta", "Eta theta"]
    assert odd_one_out("Pick one.", options) == [0.0, 0.0, 0.0, 0.0]


# --- convergence ------------------------------------------------------------------------------


def test_the_option_sharing_most_words_with_the_others_converges() -> None:
    options = ["red apple pie", "green apple pie", "red cherry pie", "blue whale"]
    scores = convergence("Pick one.", options)
    assert scores[0] == 1.0
    assert scores[3] == 0.0
    assert guess("Pick one.", options) == 0


# --- the pick and the hit rate -----------------------------------------------------------------


def test_ties_go_to_the_longer_option_then_the_earlier_one() -> None:
    assert guess("Pick one.", ["ab", "cd"]) == 0
    assert guess("Pick one.", ["ab", "cde"]) == 1


def test_an_item_without_options_cannot_be_guessed() -> None:
    with pytest.raises(ValueError, match="without options"):
        guess("Pick one.", [])


def test_hit_rate_counts_right_guesses_against_chance() -> None:
    items = [
        {"prompt": "Pick one.", "options": ["Red", "A blue sky at noon"], "correct_option": 1},
        {"prompt": "Pick one.", "options": ["Red", "Green", "A blue sky"], "correct_option": 0},
        {"prompt": "Pick one.", "options": ["x", "y", "z", "a long one"], "correct_option": 3},
    ]
    rate, chance = hit_rate(items)
    assert rate == pytest.approx(2 / 3)
    assert chance == pytest.approx((1 / 2 + 1 / 3 + 1 / 4) / 3)


def test_hit_rate_needs_items() -> None:
    with pytest.raises(ValueError, match="no items"):
        hit_rate([])


# --- reading bank quiz --json --------------------------------------------------------------------


def _question(**fields: Any) -> dict[str, Any]:
    return {"prompt": "What is X?", "options": None, "correct_option": None, **fields}


def test_choice_items_reads_the_question_fields_when_there_are_no_items() -> None:
    quiz = {
        "questions": [
            _question(options=["a", "b"], correct_option=1),
            _question(prompt="Typed?"),
        ]
    }
    assert choice_items(quiz) == [
        {"prompt": "What is X?", "options": ["a", "b"], "correct_option": 1}
    ]


def test_choice_items_reads_every_item_with_options_when_items_are_listed() -> None:
    recall = {"kind": "recall", "prompt": "What is X?", "options": None, "correct_option": None}
    which = {
        "kind": "which-one",
        "prompt": "Which is Y?",
        "options": ["p", "q"],
        "correct_option": 0,
    }
    quiz = {"questions": [_question(options=["a", "b"], correct_option=1, items=[recall, which])]}
    assert choice_items(quiz) == [
        {"prompt": "Which is Y?", "options": ["p", "q"], "correct_option": 0}
    ]


def test_the_command_prints_hit_rate_and_chance_per_bank(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    asked: list[int] = []

    def fake_quiz(bank: Path, seed: int) -> dict[str, Any]:
        asked.append(seed)
        return {
            "questions": [_question(prompt="Pick one.", options=["a", "bb cc"], correct_option=1)]
        }

    monkeypatch.setattr(cue_guesser, "quiz_json", fake_quiz)
    cue_guesser.main(["some-bank.md"])
    assert asked == list(range(20))
    assert capsys.readouterr().out == "some-bank.md: hit rate 1.000, chance 0.500, 20 items\n"
