"""The key-point checklist: 3 to 7 plain points of at most 100 characters."""

from __future__ import annotations

from bot.bank import Bank, Question
from bot.items.keypoints import key_points
from tests.items.conftest import question


def _assert_checklist(points: tuple[str, ...]) -> None:
    assert 1 <= len(points) <= 7
    for point in points:
        assert point.strip()
        assert len(point) <= 100
        assert "**" not in point
        assert "`" not in point


def test_every_seed_question_gets_a_checklist(seed: Bank) -> None:
    counts = []
    for q in seed.questions:
        points = key_points(q)
        _assert_checklist(points)
        counts.append(len(points))
    # Every seed answer has at least three sentences or entries.
    assert min(counts) >= 3


def test_every_real_question_gets_a_checklist(real_questions: list[Question]) -> None:
    for q in real_questions:
        if q.answer.strip():
            _assert_checklist(key_points(q))


def test_list_items_become_label_and_description() -> None:
    points = key_points(
        question(
            "Strategies include:\n"
            "- **Data Augmentation:** Expanding the dataset with underrepresented groups.\n"
            "- **Adversarial Training** - Training models to be robust against biased inputs.\n"
            "- `fairness` - Incorporating fairness metrics into the training objective.\n"
        )
    )
    assert points == (
        "Data Augmentation: Expanding the dataset with underrepresented groups.",
        "Adversarial Training: Training models to be robust against biased inputs.",
        "fairness: Incorporating fairness metrics into the training objective.",
    )


def test_prose_is_split_into_sentences() -> None:
    points = key_points(
        question(
            "Latent space is a compressed representation, e.g. of images. "
            "It captures the essential features of the data. "
            "Moving through it changes the output."
        )
    )
    assert points == (
        "Latent space is a compressed representation, e.g. of images.",
        "It captures the essential features of the data.",
        "Moving through it changes the output.",
    )


def test_a_short_answer_is_split_into_its_clauses() -> None:
    points = key_points(
        question(
            "The generator makes samples, while the discriminator judges them; "
            "both of them improve."
        )
    )
    assert points == (
        "The generator makes samples",
        "while the discriminator judges them",
        "both of them improve.",
    )


def test_a_one_word_answer_is_one_point() -> None:
    assert key_points(question("Paris")) == ("Paris",)


def test_long_points_are_cut_at_a_word_boundary() -> None:
    sentence = "Diffusion models add noise " + "step by step " * 20 + "and learn to remove it."
    (point,) = key_points(question(sentence))
    assert len(point) <= 100
    assert point.endswith("…")
    assert sentence.startswith(point[:-1])


def test_more_than_seven_points_keep_the_most_informative() -> None:
    lines = [
        f"- **Hook {n}:** Called when the component reaches stage {word}."
        for n, word in enumerate(["one", "two", "three", "four", "five", "six", "seven"])
    ]
    answer = "\n".join(
        [
            *lines,
            "- **Again:** Called when the component reaches stage one.",
            "- **Teardown:** Releases subscriptions, timers and listeners before destruction.",
        ]
    )
    points = key_points(question(answer))
    assert len(points) == 7
    assert any(p.startswith("Teardown:") for p in points)  # new words: kept
    assert not any(p.startswith("Again:") for p in points)  # nothing new: dropped first


def test_a_list_of_terms_is_merged_rather_than_dropped() -> None:
    terms = ["Accuracy", "Precision", "Recall", "F1 Score", "Log loss", "Jaccard", "ROC AUC", "MCC"]
    points = key_points(question("\n".join(f"- {t}" for t in terms)))
    assert len(points) <= 7
    assert all(any(t in p for p in points) for t in terms)


def test_nested_items_belong_to_their_parent() -> None:
    points = key_points(
        question(
            "- **ssh:** the most valuable command to learn\n"
            "  - mount a file system with sshfs\n"
            "  - forward ports\n"
            "- **screen:** a terminal multiplexer\n"
            "- **vim:** a fast text editor\n"
        )
    )
    assert points == (
        "ssh: the most valuable command to learn",
        "screen: a terminal multiplexer",
        "vim: a fast text editor",
    )


def test_code_and_tables_are_left_out() -> None:
    points = key_points(
        question(
            "Empty it by setting its length.\n\n"
            "```js\narr.length = 0;\n```\n\n"
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n"
            "This also clears other references to it."
        )
    )
    assert points == ("Empty it by setting its length.", "This also clears other references to it.")


def test_an_answer_that_is_only_code_still_has_a_point() -> None:
    assert key_points(question("```python\n\nprint(sum(range(10)))\n```")) == (
        "Code: print(sum(range(10)))",
    )


def test_links_keep_their_text() -> None:
    points = key_points(question("See [the docs](https://example.org/docs) for more."))
    assert points == ("See the docs for more.",)
