"""Summary multiple choice: built only where a learner cannot answer it from surface cues."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bench.data import yaml_bank
from bot.bank import Bank, load_bank
from bot.bank.loader import BUNDLED_BANKS
from bot.bank.text import content_key
from bot.items.model import Item, Kind
from bot.items.summary import (
    DISTRACTORS,
    LENGTH_RATIO,
    RIGHT_EXPLAINS,
    SummaryMaker,
    content_stems,
    detach,
    second_half,
)

SEED = BUNDLED_BANKS / "generative-ai-interview-questions.md"
SEEDS = range(40)
_WORDS = re.compile(r"[a-z]+")
_CRUDE_STOP = frozenset("a an the of to in on for and or is are it its what how why you do".split())


@pytest.fixture(scope="module")
def seed() -> Bank:
    bank = load_bank(SEED).bank
    assert bank is not None
    return bank


@pytest.fixture(scope="module")
def maker(seed: Bank) -> SummaryMaker:
    return SummaryMaker(seed).prepare()


def bank_of(tmp_path: Path, text: str, name: str = "bank.md") -> Bank:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    bank = load_bank(path).bank
    assert bank is not None
    return bank


def seed_items(seed: Bank, maker: SummaryMaker, seeds: range = SEEDS) -> list[Item]:
    items = [maker.item(q, s) for q in seed.questions for s in seeds]
    return [i for i in items if i is not None]


def wrong_options(item: Item) -> list[str]:
    assert item.options is not None
    return [o for n, o in enumerate(item.options) if n != item.correct]


# A few plain answers in the shape of the seed's, for the checks the seed does not reach.
FILLER = """
Q: What is a tokenizer?
A: A tokenizer splits raw text into the units a model reads. It defines the vocabulary a \
network can see. Unknown words fall apart into smaller known pieces.

Q: What is a learning rate?
A: The learning rate scales each step of gradient descent. Too large a value makes training \
diverge quickly. Too small a value makes progress painfully slow overall.

Q: What is dropout?
A: Dropout randomly silences units during training. Silenced units force the network to \
spread what it learns. Inference switches every unit back on and rescales them.

Q: What is a loss function?
A: A loss function measures how far predictions fall from targets. Gradients of this number \
tell each parameter which way to move. Cross-entropy suits classification tasks well.

Q: What is beam search?
A: Beam search keeps the few most likely partial sequences. Each decoding step extends every \
kept sequence by one token. Decoding stops once every kept sequence has finished.
"""


def test_seed_gets_summary_items_only_where_they_hold(seed: Bank, maker: SummaryMaker) -> None:
    askable = [q for q in seed.questions if maker.askable(q)]
    assert len(askable) >= 9
    for q in seed.questions:
        assert maker.askable(q) == all(maker.item(q, s) is not None for s in range(10))
        assert (maker.why_not(q) is None) == maker.askable(q)
        if not maker.askable(q):
            assert maker.why_not(q), q.prompt


def test_items_are_well_formed_and_deterministic(seed: Bank, maker: SummaryMaker) -> None:
    for item in seed_items(seed, maker, range(5)):
        assert item.kind is Kind.SUMMARY and item.variant == "summary"
        assert item.options is not None and item.explains is not None
        assert len(item.options) == DISTRACTORS + 1
        assert len({content_key(o) for o in item.options}) == DISTRACTORS + 1
        assert item.correct is not None and item.explains[item.correct] == RIGHT_EXPLAINS
        question = seed.get(item.question_id)
        assert question is not None and item.prompt == question.prompt
    q = next(q for q in seed.questions if maker.askable(q))
    assert maker.item(q, 3) == SummaryMaker(seed).item(q, 3)
    assert len({maker.item(q, s) for s in SEEDS}) > 1


def test_every_prompt_word_is_absent_from_every_option(seed: Bank, maker: SummaryMaker) -> None:
    for item in seed_items(seed, maker):
        banned = content_stems(item.prompt)
        assert item.options is not None
        for option in item.options:
            assert banned.isdisjoint(content_stems(option)), (item.prompt, option)


def test_no_blank_article_or_shape_gives_the_right_option_away(
    seed: Bank, maker: SummaryMaker
) -> None:
    for item in seed_items(seed, maker):
        assert item.options is not None and item.correct is not None
        right = item.options[item.correct]
        for option in item.options:
            assert "___" not in option and "…" not in option
            assert not re.match(r"(?i)(a|an|the)\s", option)
        is_list = not right.endswith(".")
        assert all((not o.endswith(".")) == is_list for o in item.options)
        if is_list:
            count = right.count(", ") + 1
            assert all(abs(o.count(", ") + 1 - count) <= 1 for o in item.options)
        else:
            for option in item.options:
                longer, shorter = sorted((len(option), len(right)), reverse=True)
                assert longer / shorter <= LENGTH_RATIO


def test_distractors_vary_by_seed(seed: Bank, maker: SummaryMaker) -> None:
    for q in seed.questions:
        if not maker.askable(q):
            continue
        seen = set()
        for s in SEEDS:
            item = maker.item(q, s)
            assert item is not None
            seen.update(wrong_options(item))
        assert len(seen) >= 8, (q.prompt, len(seen))


def test_no_wrong_option_is_another_questions_right_option(seed: Bank, maker: SummaryMaker) -> None:
    items = seed_items(seed, maker)
    rights = {}
    for item in items:
        assert item.options is not None and item.correct is not None
        rights[content_key(item.options[item.correct])] = item.question_id
    assert rights
    for item in items:
        for option in wrong_options(item):
            assert content_key(option) not in rights, option


def test_wrong_options_explain_what_they_describe(seed: Bank, maker: SummaryMaker) -> None:
    prompts = {q.prompt for q in seed.questions}
    for item in seed_items(seed, maker, range(5)):
        assert item.explains is not None
        for n, explains in enumerate(item.explains):
            if n != item.correct:
                assert "the answer to: " in explains
                assert explains.split("the answer to: ", 1)[1].rstrip(")") in prompts


def test_right_option_restates_the_answer_and_feedback_has_it_whole(
    seed: Bank, maker: SummaryMaker
) -> None:
    what = next(q for q in seed.questions if q.prompt == "What is Generative AI?")
    item = maker.item(what, 0)
    assert item is not None and item.options is not None and item.correct is not None
    assert item.options[item.correct] == (
        "Algorithms that create new content, such as text, images, music, or code."
    )
    assert item.answer.startswith("Generative AI refers to algorithms")
    metrics = next(q for q in seed.questions if q.prompt.startswith("What metrics"))
    item = maker.item(metrics, 0)
    assert item is not None and item.options is not None and item.correct is not None
    # "Human evaluation" would repeat the prompt's "evaluate": left out, never cut to "Human".
    assert item.options[item.correct] == "Perplexity, BLEU score, ROUGE score"
    assert "Human evaluation" in item.answer


def test_a_distractor_the_right_answer_names_is_dropped(seed: Bank, maker: SummaryMaker) -> None:
    # The challenges answer names bias: the ethics list (Bias, Misinformation, ...) is
    # arguably right too.
    challenges = next(q for q in seed.questions if q.prompt.startswith("What are some challenges"))
    for s in SEEDS:
        item = maker.item(challenges, s)
        assert item is not None
        for option in wrong_options(item):
            assert "Misinformation" not in option and "Privacy" not in option


def test_a_list_the_answer_recommends_is_never_a_wrong_option(tmp_path: Path) -> None:
    bank = bank_of(
        tmp_path,
        FILLER
        + """
Q: How do you speed up a slow model?
A: Try quantization and pruning first, then distillation into a smaller student network.

Q: Name some model compression techniques.
A:
- **Quantization:** Fewer bits per weight.
- **Pruning:** Removing weights that matter little.
- **Distillation:** Training a small student on a large teacher.
""",
    )
    maker = SummaryMaker(bank)
    slow = next(q for q in bank.questions if q.prompt.startswith("How do you speed up"))
    for s in SEEDS:
        item = maker.item(slow, s)
        if item is not None:
            assert not any("Quantization" in o or "Pruning" in o for o in wrong_options(item))


def test_prompt_words_inside_the_answer_mean_no_item(tmp_path: Path) -> None:
    bank = bank_of(
        tmp_path,
        FILLER
        + """
Q: What is gradient clipping?
A: Clipping caps each gradient so that a single gradient never explodes the update.
""",
    )
    maker = SummaryMaker(bank)
    clipping = next(q for q in bank.questions if "clipping" in q.prompt)
    assert maker.item(clipping, 0) is None and not maker.askable(clipping)
    assert "repeat words of the prompt" in (maker.why_not(clipping) or "")


def test_what_and_why_needs_both_halves(tmp_path: Path) -> None:
    both = """
Q: What is weight decay, and why is it important?
A: Weight decay shrinks every parameter slightly at each update step. This is crucial because \
smaller parameters keep the network from overfitting noisy training examples.
"""
    half = """
Q: What is weight decay, and why is it important?
A: Weight decay shrinks every parameter slightly at each update step.
"""
    bank = bank_of(tmp_path, FILLER + both)
    maker = SummaryMaker(bank)
    q = bank.questions[-1]
    item = maker.item(q, 0)
    assert item is not None and item.options is not None and item.correct is not None
    assert item.options[item.correct] == (
        "Shrinks every parameter slightly at each update step. Smaller parameters keep the "
        "network from overfitting noisy training examples."
    )
    bank = bank_of(tmp_path, FILLER + half, "half.md")
    maker = SummaryMaker(bank)
    q = bank.questions[-1]
    assert maker.item(q, 0) is None
    assert "second half" in (maker.why_not(q) or "")


def test_prompt_halves_are_recognised() -> None:
    assert second_half("What is X, and why is it important for Y?") is not None
    assert second_half("How does X work, and what are the benefits?") is not None
    assert second_half("Explain the concept of X and how they differ from GANs.") is not None
    assert second_half("What is X?") is None
    assert detach("Latent space is a lower-dimensional map.") == "Lower-dimensional map."
    assert detach("It captures the features.") == "Captures the features."


def test_explicit_choices_and_lone_questions_are_not_summary_items(tmp_path: Path) -> None:
    yaml = "questions:\n  - prompt: Pick B\n    choices: [a, b, c]\n    correct: 1\n"
    bank = bank_of(tmp_path, yaml, "explicit.yaml")
    maker = SummaryMaker(bank)
    assert maker.item(bank.questions[0], 0) is None
    assert "own choices" in (maker.why_not(bank.questions[0]) or "")
    lone = bank_of(tmp_path, "Q: What is a tokenizer?\nA: It splits raw text into units.\n", "1.md")
    assert SummaryMaker(lone).item(lone.questions[0], 0) is None


def test_near_duplicates_of_the_right_option_are_never_offered(tmp_path: Path) -> None:
    bank = bank_of(
        tmp_path,
        FILLER
        + """
Q: What is a GPU?
A: A processor built for massively parallel numeric work.

Q: What is a graphics card?
A: A processor built for massively parallel numeric work!
""",
    )
    maker = SummaryMaker(bank)
    gpu = next(q for q in bank.questions if q.prompt == "What is a GPU?")
    for s in SEEDS:
        item = maker.item(gpu, s)
        assert item is not None
        assert all("parallel numeric" not in o for o in wrong_options(item))


def test_word_overlap_with_the_prompt_picks_the_right_option_no_more_than_chance(
    seed: Bank, maker: SummaryMaker
) -> None:
    """A crude cue: pick the option sharing most words (first five letters) with the prompt;
    ties split evenly. Over the seed's items and 20 seeds, at most chance + 0.10."""

    def words(text: str) -> set[str]:
        return {w[:5] for w in _WORDS.findall(text.casefold()) if w not in _CRUDE_STOP}

    hits = 0.0
    items = seed_items(seed, maker, range(20))
    for item in items:
        assert item.options is not None
        shared = [len(words(o) & words(item.prompt)) for o in item.options]
        best = [n for n, k in enumerate(shared) if k == max(shared)]
        hits += (item.correct in best) / len(best)
    rate = hits / len(items)
    assert rate <= 1 / len(item.options) + 0.10, rate


def test_large_bank_items_are_cheap_and_askable_agrees(tmp_path: Path) -> None:
    bank = load_bank(yaml_bank(tmp_path / "big.yaml", 3000)).bank
    assert bank is not None
    maker = SummaryMaker(bank).prepare()
    for question in bank.questions[::97]:
        item = maker.item(question, 5)
        assert maker.askable(question) == (item is not None)
        if item is not None:
            assert item.options is not None and len(set(item.options)) == DISTRACTORS + 1
