"""Each Markdown shape people write, on small documents written for the purpose."""

from __future__ import annotations

from collections.abc import Callable

from bot.bank import Difficulty, LoadResult

Load = Callable[..., LoadResult]


def questions(result: LoadResult) -> list[tuple[str, str]]:
    assert result.errors == []
    assert result.bank is not None
    return [(q.prompt, q.answer) for q in result.bank.questions]


def test_plain_q_and_a_lines_with_multi_line_answers(load: Load) -> None:
    doc = (
        "Q: What is overfitting?\n"
        "A: When a model learns the noise of its training data\n"
        "and fails to generalise.\n"
        "\n"
        "Q2. What is a validation set?\n"
        "Answer: Data held out to tune choices.\n"
    )
    assert questions(load("plain.md", doc)) == [
        (
            "What is overfitting?",
            "When a model learns the noise of its training data\nand fails to generalise.",
        ),
        ("What is a validation set?", "Data held out to tune choices."),
    ]


def test_bold_question_without_label_before_an_answer_line(load: Load) -> None:
    doc = "**Explain dropout.**\n**A:** Randomly zeroing activations while training.\n"
    assert questions(load("bold.md", doc)) == [
        ("Explain dropout.", "Randomly zeroing activations while training.")
    ]


def test_heading_per_question_keeps_lists_code_and_tables(load: Load) -> None:
    doc = (
        "# ML notes\n\n"
        "### 1. What is a tensor?\n\n"
        "A multi-dimensional array.\n\n"
        "- rank 0: scalar\n"
        "- rank 1: vector\n\n"
        "```python\n"
        "x = torch.zeros(2, 3)\n"
        "```\n\n"
        "| rank | name |\n"
        "| --- | --- |\n"
        "| 2 | matrix |\n\n"
        "#### Example\n\n"
        "An image is a rank-3 tensor.\n\n"
        "### 2. Why normalise inputs?\n\n"
        "Training converges faster.\n"
    )
    result = load("headings.md", doc)
    got = questions(result)
    assert result.bank is not None and result.bank.name == "ML notes"
    assert [p for p, _ in got] == ["What is a tensor?", "Why normalise inputs?"]
    answer = got[0][1]
    assert answer.startswith("A multi-dimensional array.\n\n- rank 0: scalar\n- rank 1: vector")
    assert "```python\nx = torch.zeros(2, 3)\n```" in answer
    assert "| rank | name |\n| --- | --- |\n| 2 | matrix |" in answer
    assert "**Example**\n\nAn image is a rank-3 tensor." in answer


def test_numbered_list_with_bold_questions_and_indented_answers(load: Load) -> None:
    doc = (
        "## Basics\n\n"
        "1. **What is a neuron?**\n"
        "   A weighted sum followed by an activation.\n"
        "   - weights are learned\n"
        "2. **What is ReLU?** max(0, x).\n"
    )
    result = load("numbered.md", doc)
    assert questions(result) == [
        ("What is a neuron?", "A weighted sum followed by an activation.\n\n- weights are learned"),
        ("What is ReLU?", "max(0, x)."),
    ]
    assert result.bank is not None
    assert [q.difficulty for q in result.bank.questions] == [Difficulty.EASY] * 2


def test_details_blocks(load: Load) -> None:
    doc = (
        "<details>\n<summary><b>What is a GPU good at?</b></summary>\n\n"
        "  Many small operations in parallel.\n\n"
        "</details>\n"
        "<details><summary>What is VRAM?</summary>Memory on the graphics card.</details>\n"
    )
    assert questions(load("details.md", doc)) == [
        ("What is a GPU good at?", "Many small operations in parallel."),
        ("What is VRAM?", "Memory on the graphics card."),
    ]


def test_difficulty_and_topic_headings(load: Load) -> None:
    doc = (
        "# Bank\n\n## Beginner\n\nQ: One?\nA: 1\n\n"
        "## Medium\n\n### Statistics\n\nQ: Two?\nA: 2\n\n"
        "### Linear algebra\n\nQ: Three?\nA: 3\n\n"
        "## Expert level\n\nQ: Four?\nA: 4\n\n"
        "## Trivia\n\nQ: Five?\nA: 5\n"
    )
    result = load("levels.md", doc)
    assert result.bank is not None
    got = [(q.prompt, q.difficulty, q.topic) for q in result.bank.questions]
    assert got == [
        ("One?", Difficulty.EASY, None),
        ("Two?", Difficulty.MEDIUM, "Statistics"),
        ("Three?", Difficulty.MEDIUM, "Linear algebra"),
        ("Four?", Difficulty.HARD, None),
        ("Five?", None, "Trivia"),
    ]


def test_bom_and_crlf(load: Load) -> None:
    doc = "\ufeff# Title\r\n\r\n**Q1: What is CRLF?**\r\n**A:** Two characters.\r\n"
    result = load("crlf.md", doc.encode("utf-8"))
    assert questions(result) == [("What is CRLF?", "Two characters.")]
    assert result.bank is not None and result.bank.name == "Title"


def test_duplicates_differing_in_punctuation_style_are_one(load: Load) -> None:
    doc = (
        "**Q1: What’s a “token”?**\n**A:** A piece of text — often a word.\n\n"
        '**Q7: What\'s a "token"?**\n**A:** A piece of text - often a word.\n'
    )
    result = load("dupes.md", doc)
    assert result.bank is not None
    assert len(result.bank.questions) == 1
    assert result.bank.questions[0].alternatives == ()
    assert any("merged duplicate" in w for w in result.warnings)


def test_a_question_without_an_answer_is_skipped_with_a_warning(load: Load) -> None:
    result = load("noanswer.md", "Q: Lonely?\n\nQ: Answered?\nA: Yes.\n")
    assert questions(result) == [("Answered?", "Yes.")]
    assert any(":1: skipped question 'Lonely?': it has no answer" in w for w in result.warnings)


def test_alternative_after_the_same_start_is_a_copy_not_an_alternative(load: Load) -> None:
    doc = "Q: Steps?\nA:\n- one\n- two\nA:\n- one\n- two\n- three\n"
    result = load("steps.md", doc)
    assert questions(result) == [("Steps?", "- one\n- two\n- three")]


def test_unclosed_code_fence_does_not_swallow_later_questions(load: Load) -> None:
    text = (
        "Q: One?\nA: Look at this:\n```python\nx = 1\n\n"
        "Q: Two?\nA: The second answer.\n\n"
        "Q: Three?\nA: The third answer.\n"
    )
    result = load("fence.md", text)
    assert questions(result) == [
        ("One?", "Look at this:\n\n```python\nx = 1\n```"),
        ("Two?", "The second answer."),
        ("Three?", "The third answer."),
    ]
    assert result.warnings == [
        f"{result.path}:3: a code block (```) opened here is never closed; "
        "it was ended at the next blank line"
    ]


def test_unclosed_details_block_does_not_swallow_later_questions(load: Load) -> None:
    text = "<details><summary>One?</summary>\nThe first answer.\n\nQ: Two?\nA: The second answer.\n"
    result = load("details.md", text)
    assert questions(result) == [
        ("One?", "The first answer."),
        ("Two?", "The second answer."),
    ]
    assert result.warnings == [
        f"{result.path}:1: a <details> block opened here is never closed; it was ended at the next "
        "blank line"
    ]
