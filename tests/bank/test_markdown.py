"""Each Markdown shape people write, on small documents written for the purpose."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from bot.bank import Difficulty, LoadResult, Question

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


# What was measured on real banks (issue 14): each shape that broke, on a small document.


def bank(result: LoadResult) -> list[Question]:
    assert result.errors == [], result.errors
    assert result.bank is not None
    return result.bank.questions


def test_a_difficulty_emoji_after_the_question_mark_is_the_difficulty(load: Load) -> None:
    doc = (
        "## Supervised learning\n\n"
        "**What is supervised learning? 👶**\n\nLearning from labelled examples.\n\n"
        "**What is boosting? \u200d⭐️**\n\nAdding weak learners one after another.\n\n"
        "**How would you tune XGBoost? 🚀**\n\nStart with the learning rate.\n\n"
        "**Precision-recall trade-off (easy)**\n\nRaising one lowers the other.\n"
    )
    result = load("emoji.md", doc)
    got = [(q.prompt, q.difficulty, q.topic) for q in bank(result)]
    assert got == [
        ("What is supervised learning?", Difficulty.EASY, "Supervised learning"),
        ("What is boosting?", Difficulty.MEDIUM, "Supervised learning"),
        ("How would you tune XGBoost?", Difficulty.HARD, "Supervised learning"),
        ("Precision-recall trade-off", Difficulty.EASY, "Supervised learning"),
    ]
    assert result.shape == "questions are bold lines"


def test_numbered_bold_items_ending_in_a_sentence_are_questions(load: Load) -> None:
    doc = (
        "5. **What is a p-value?**\n\n   The chance of data this extreme.\n\n"
        "6. **What is correlation vs. causation? Give an example.**\n\n"
        "   Ice cream sales and drownings both rise in summer.\n"
    )
    got = [(q.prompt, q.answer) for q in bank(load("numbered.md", doc))]
    assert got == [
        ("What is a p-value?", "The chance of data this extreme."),
        (
            "What is correlation vs. causation? Give an example.",
            "Ice cream sales and drownings both rise in summer.",
        ),
    ]


def test_numbered_heading_items_without_a_question_mark(load: Load) -> None:
    doc = (
        "# JavaScript\n\n"
        "1. ### What are the possible ways to create objects\n\n"
        "    - Object constructor\n    - Object literal\n\n"
        "  **[⬆ Back to Top](#table-of-contents)**\n\n"
        "2. ### What is a prototype chain\n\n"
        "    Inheritance through `__proto__`.\n\n"
        "  **[⬆ Back to Top](#table-of-contents)**\n"
    )
    result = load("items.md", doc)
    got = [(q.prompt, q.answer) for q in bank(result)]
    assert got == [
        ("What are the possible ways to create objects", "- Object constructor\n- Object literal"),
        ("What is a prototype chain", "Inheritance through `__proto__`."),
    ]
    assert result.shape == "questions are numbered list items"


def test_questions_sharing_a_prompt_keep_their_own_code_and_options(load: Load) -> None:
    item = (
        "###### {n}. What's the output?\n\n"
        "```javascript\nconsole.log({code});\n```\n\n"
        "- A: `1`\n- B: `2`\n- C: `3`\n\n"
        "<details><summary><b>Answer</b></summary>\n<p>\n\n"
        "#### Answer: {letter}\n\n{why}\n\n</p>\n</details>\n\n---\n\n"
    )
    doc = item.format(n=1, code="1", letter="A", why="It logs one.") + item.format(
        n=2, code="1 + 1", letter="B", why="It adds."
    )
    result = load("output.md", doc)
    qs = bank(result)
    assert [(q.prompt, q.choices, q.correct, q.answer) for q in qs] == [
        ("What's the output?", ("1", "2", "3"), 0, "It logs one."),
        ("What's the output?", ("1", "2", "3"), 1, "It adds."),
    ]
    assert qs[0].body == "```javascript\nconsole.log(1);\n```"
    assert qs[1].body == "```javascript\nconsole.log(1 + 1);\n```"
    assert qs[0].id != qs[1].id
    assert all(q.prompt != "Answer" for q in qs)
    assert result.shape == "questions are level-6 headings, numbered"


def test_numbered_sub_headings_inside_an_answer_are_not_questions(load: Load) -> None:
    doc = (
        "## How do you reduce overfitting?\n\nSeveral techniques:\n\n"
        "#### 1. Regularisation\n\nPenalise large weights.\n\n"
        "#### 2. Dropout\n\nZero random activations.\n\n"
        "## What is a learning rate?\n\nThe size of each step.\n"
    )
    got = [(q.prompt, q.answer) for q in bank(load("sub.md", doc))]
    assert got == [
        (
            "How do you reduce overfitting?",
            "Several techniques:\n\n**1. Regularisation**\n\nPenalise large weights.\n\n"
            "**2. Dropout**\n\nZero random activations.",
        ),
        ("What is a learning rate?", "The size of each step."),
    ]


def test_a_question_without_an_answer_is_skipped_not_made_a_topic(load: Load) -> None:
    doc = (
        "## Statistics\n\n"
        "### What is a z-score?\n\n"
        "### What is a t-test?\n\nA test comparing two means.\n\n"
        "### What is ANOVA?\n\nA test comparing several means.\n"
    )
    result = load("unanswered.md", doc)
    got = [(q.prompt, q.topic) for q in bank(result)]
    assert got == [("What is a t-test?", "Statistics"), ("What is ANOVA?", "Statistics")]
    assert any(":3: skipped question 'What is a z-score?'" in w for w in result.warnings)


def test_an_answer_heading_above_the_question_level_stays_in_the_answer(load: Load) -> None:
    doc = (
        "## Question 1. What is a closure?\n\n# Short answer\n\nA function with its scope.\n\n"
        "## Question 2. What is hoisting?\n\n# Short answer\n\nDeclarations move up.\n"
    )
    got = [(q.prompt, q.answer) for q in bank(load("short.md", doc))]
    assert got == [
        ("What is a closure?", "**Short answer**\n\nA function with its scope."),
        ("What is hoisting?", "**Short answer**\n\nDeclarations move up."),
    ]


def test_html_tags_become_text(load: Load) -> None:
    doc = (
        "<details>\n<summary><b>What does <code>ping</code> use?</b></summary><br>\n"
        "It sends <b>ICMP</b> echo requests.<br>No port is involved.\n</details>\n\n"
        "<details>\n<summary><b>What is DNS?</b></summary>\n<p>The phone book of the web.</p>\n"
        "</details>\n"
    )
    got = [(q.prompt, q.answer) for q in bank(load("html.md", doc))]
    assert got == [
        ("What does ping use?", "It sends **ICMP** echo requests.\nNo port is involved."),
        ("What is DNS?", "The phone book of the web."),
    ]


def test_navigation_and_citation_links_are_dropped(load: Load) -> None:
    doc = (
        "## Table of Contents\n\n"
        "- [What is Git?](#what-is-git)\n- [What is a rebase?](#what-is-a-rebase)\n\n"
        "### What is Git? [[src](https://example.com/git)]\n\n"
        "A version control system [[src](https://example.com/vcs)].\n\n"
        "[↥ back to top](#table-of-contents)\n\n"
        "### What is a rebase?\n\nReplaying commits on a new base.\n\n"
        "**[⬆ Back to Top](#table-of-contents)**\n"
    )
    qs = bank(load("nav.md", doc))
    assert [(q.prompt, q.answer, q.topic) for q in qs] == [
        ("What is Git?", "A version control system.", None),
        ("What is a rebase?", "Replaying commits on a new base.", None),
    ]


def test_angle_bracket_placeholders_are_text_not_tags(load: Load) -> None:
    doc = (
        "## What does tool upgrade do?\n\nUpgrades everything.\n\n"
        "## What does tool upgrade <name> do?\n\nUpgrades one package.\n"
    )
    got = [(q.prompt, q.answer) for q in bank(load("angle.md", doc))]
    assert got == [
        ("What does tool upgrade do?", "Upgrades everything."),
        ("What does tool upgrade <name> do?", "Upgrades one package."),
    ]


def test_a_plain_question_label_wrapped_over_two_lines(load: Load) -> None:
    doc = (
        "Q: What is the difference between a process\nand a thread?\n"
        "A: A process has its own memory.\n\nQ: What is a deadlock?\nA: Two tasks waiting.\n"
    )
    got = [(q.prompt, q.answer) for q in bank(load("wrapped.md", doc))]
    assert got == [
        ("What is the difference between a process and a thread?", "A process has its own memory."),
        ("What is a deadlock?", "Two tasks waiting."),
    ]


def test_lettered_options_with_an_answer_line_are_choices(load: Load) -> None:
    doc = (
        "### 1. Which layer routes packets?\n\nA) Link\nB) Network\nC) Transport\n\n"
        "> **Answer: B**\n\n"
        "### 2. Which port does HTTPS use?\n\n- a. 80\n- b. 443\n- c. 22\n\n"
        "**Answer:** b. HTTPS listens on 443.\n\n"
    )
    qs = bank(load("lettered.md", doc))
    assert [(q.prompt, q.choices, q.correct) for q in qs] == [
        ("Which layer routes packets?", ("Link", "Network", "Transport"), 1),
        ("Which port does HTTPS use?", ("80", "443", "22"), 1),
    ]


def test_numbered_options_with_a_numbered_answer_are_choices(load: Load) -> None:
    doc = (
        "## 1. Which sort is stable?\n\n1. Quicksort\n2. Merge sort\n3. Heapsort\n\n"
        "Answer: 2\n\n"
        "## 2. How do you undo a commit?\n\n1. `git revert` it\n2. push the revert\n\n"
        "Answer: B, if it was pushed.\n"
    )
    qs = bank(load("numbered-options.md", doc))
    assert (qs[0].prompt, qs[0].choices, qs[0].correct) == (
        "Which sort is stable?",
        ("Quicksort", "Merge sort", "Heapsort"),
        1,
    )
    # a numbered list is not options unless a numbered answer picks one of them
    assert qs[1].choices is None
    assert (qs[1].body, qs[1].answer) == (
        "1. `git revert` it\n2. push the revert",
        "B, if it was pushed.",
    )


def test_task_lists_are_choices_and_a_multi_select_is_an_open_question(load: Load) -> None:
    doc = (
        "#### Q1. What type of light never casts a shadow?\n\n"
        "- [ ] Parallel\n- [x] Ambient\n- [ ] Point\n\n"
        "#### Q2. Which properties can a 3D layer have? (Select two.)\n\n"
        "- [x] Z Rotation\n- [ ] Geometry\n- [x] Position\n"
    )
    result = load("tasks.md", doc)
    qs = bank(result)
    assert (qs[0].choices, qs[0].correct) == (("Parallel", "Ambient", "Point"), 1)
    assert qs[1].choices is None
    assert qs[1].answer == "- Z Rotation\n- Position"
    assert any(
        ":7: question 'Which properties" in w and "2 right options" in w for w in result.warnings
    )
    assert result.shape == "questions are level-4 headings, numbered Q1, Q2, ..."


def test_front_matter_setext_headings_and_tables_of_contents(load: Load) -> None:
    doc = (
        "---\ntitle: FAQ\n---\n\n"
        "FAQ\n===\n\n"
        "* Table of Contents\n{:toc}\n\n"
        "Is there a glossary?\n--------------------\n\n"
        "Yes, see the terminology page.\n\n"
        "Where does stuff get downloaded?\n--------------------------------\n\n"
        "    brew --cache\n\n"
        "In the cache folder.\n"
    )
    result = load("faq.md", doc)
    qs = bank(result)
    assert result.bank is not None and result.bank.name == "FAQ"
    assert [(q.prompt, q.answer, q.source.rsplit(":", 1)[1]) for q in qs] == [
        ("Is there a glossary?", "Yes, see the terminology page.", "11"),
        (
            "Where does stuff get downloaded?",
            "```\nbrew --cache\n```\n\nIn the cache folder.",
            "16",
        ),
    ]
    assert result.shape == "questions are level-2 headings"


def test_bank_check_reports_the_shape(tmp_path: Path) -> None:
    path = tmp_path / "quiz.md"
    path.write_text(
        "#### Q1. Which?\n\n- [ ] a\n- [x] b\n\n#### Q2. What?\n\n- [x] c\n- [ ] d\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "bot", "bank", "check", "--json", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    (file,) = json.loads(done.stdout)["files"]
    assert file["shape"] == "questions are level-4 headings, numbered Q1, Q2, ..."
    text = subprocess.run(
        [sys.executable, "-m", "bot", "bank", "check", str(path)],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    assert "2 question(s); questions are level-4 headings, numbered Q1, Q2, ..." in text


def test_bank_quiz_asks_the_authors_choices(tmp_path: Path) -> None:
    path = tmp_path / "lettered.md"
    path.write_text(
        "### 1. Which layer routes packets?\n\nA) Link\nB) Network\nC) Transport\n\n"
        "> **Answer: B**\n\n"
        "### 2. Which port does HTTPS use?\n\n- [ ] 80\n- [x] 443\n- [ ] 22\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "bot", "bank", "quiz", "--json", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    asked = [(q["options"], q["correct_option"]) for q in json.loads(done.stdout)["questions"]]
    assert asked == [(["Link", "Network", "Transport"], 1), (["80", "443", "22"], 1)]


# clozes ---------------------------------------------------------------------------------------


def test_a_cloze_prompt_keeps_its_gaps_and_needs_no_answer(load: Load) -> None:
    doc = (
        "# Transformers\n\n"
        "Q: The {{c1::transformer}} relies on {{c2::self-attention::a mechanism}}.\n\n"
        "Q: {{c1::Backpropagation}} computes the gradients.\n"
        "A: It applies the chain rule layer by layer.\n"
    )
    assert questions(load("clozes.md", doc)) == [
        (
            "The {{c1::transformer}} relies on {{c2::self-attention::a mechanism}}.",
            "The **transformer** relies on **self-attention**.",
        ),
        (
            "{{c1::Backpropagation}} computes the gradients.",
            "**Backpropagation** computes the gradients.\n\n"
            "It applies the chain rule layer by layer.",
        ),
    ]


def test_cloze_headings_without_content_are_questions_of_a_heading_bank(load: Load) -> None:
    doc = (
        "### What is a tensor?\nA multi-dimensional array.\n\n"
        "### The {{c1::encoder}} reads the input.\n\n"
        "### What is a GPU?\nA graphics processor.\n"
    )
    assert questions(load("headings.md", doc)) == [
        ("What is a tensor?", "A multi-dimensional array."),
        ("The {{c1::encoder}} reads the input.", "The **encoder** reads the input."),
        ("What is a GPU?", "A graphics processor."),
    ]


def test_a_cloze_in_inline_code_or_a_code_block_is_code(load: Load) -> None:
    doc = (
        "Q: What does `{{c1::Paris}}` write in an Anki note?\n"
        "A: A gap whose answer is Paris.\n\n"
        "Q: What does this template print?\n\n"
        "```\n{{c1::unclosed\n```\n\n"
        "A: Nothing: it is a broken cloze.\n\n"
        "Q: `{{c1::x}}` without an answer\n"
    )
    result = load("code.md", doc)
    assert result.errors == [] and result.bank is not None
    first, second = result.bank.questions
    assert first.prompt == "What does `{{c1::Paris}}` write in an Anki note?"
    assert first.answer == "A gap whose answer is Paris."
    assert second.body == "```\n{{c1::unclosed\n```"
    assert result.warnings == [
        f"{result.path}:12: skipped question '`{{{{c1::x}}}}` without an answer': it has no answer"
    ]


def test_malformed_clozes_are_errors_at_their_line(load: Load) -> None:
    doc = (
        "Q: The {{c1::encoder}} reads the input.\n\n"
        "Q: The {{c1::decoder writes the output.\n\n"
        "Q: An {{c1::}} empty gap.\n\n"
        "Q: A gap {{c::without}} a number.\n\n"
        "Q: Nested {{c1::a {{c2::b}} c}} gaps.\n\n"
        "Q: What is a tensor?\n"
        "A: An array.\n"
    )
    result = load("broken.md", doc)
    assert result.bank is not None
    assert [q.prompt for q in result.bank.questions] == [
        "The {{c1::encoder}} reads the input.",
        "What is a tensor?",
    ]
    path = result.path
    assert result.errors == [
        f"{path}:3: question 'The {{{{c1::decoder writes the output.': the cloze "
        "'{{c1::decoder writes the output.' is never closed with '}}'",
        f"{path}:5: question 'An {{{{c1::}}}} empty gap.': the cloze '{{{{c1::}}}}' has an empty "
        "answer",
        f"{path}:7: question 'A gap {{{{c::without}}}} a number.': the cloze '{{{{c::without}}}}' "
        "has no number: write {{c1::...}}, {{c2::...}}",
        f"{path}:9: question 'Nested {{{{c1::a {{{{c2::b}}}} c}}}} gaps.': the cloze "
        "'{{c1::a {{c2::b}}' is not closed before the next one opens (clozes cannot nest)",
    ]


def test_bank_check_reports_a_malformed_cloze_and_fails(tmp_path: Path) -> None:
    path = tmp_path / "broken.md"
    path.write_text("Q: Fine {{c1::gap}}.\n\nQ: Broken {{c0::gap}}.\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "bot", "bank", "check", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert (
        f"error: {path}:3: question 'Broken {{{{c0::gap}}}}.': the cloze '{{{{c0::gap}}}}' is "
        "numbered 0: cloze numbers start at c1" in done.stdout
    )
