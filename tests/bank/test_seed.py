"""The seed bank, messy as it is, yields exactly the 17 clean questions a reader sees."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.bank import Bank, Difficulty, Question, load_bank
from bot.bank.loader import BUNDLED_BANKS
from bot.bank.model import question_id
from bot.bank.text import content_key

SEED = BUNDLED_BANKS / "generative-ai-interview-questions.md"


@pytest.fixture(scope="module")
def seed() -> Bank:
    result = load_bank(SEED)
    assert result.errors == []
    assert result.bank is not None
    return result.bank


def by_prompt(bank: Bank, start: str) -> Question:
    (q,) = [q for q in bank.questions if q.prompt.startswith(start)]
    return q


def test_seventeen_distinct_questions(seed: Bank) -> None:
    assert len(seed.questions) == 17
    assert len({q.id for q in seed.questions}) == 17
    assert seed.name == "Generative AI Interview Questions and Answers"


def test_prompts_are_clean_text(seed: Bank) -> None:
    assert seed.questions[0].prompt == "What is Generative AI?"
    for q in seed.questions:
        assert "**" not in q.prompt
        assert not q.prompt.startswith(("Q:", "Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "Q7", "Q8", "Q9"))
        assert q.prompt == q.prompt.strip()


def test_difficulties_and_topics(seed: Bank) -> None:
    qs = seed.questions
    assert [q.difficulty for q in qs[:3]] == [Difficulty.EASY] * 3
    assert [q.difficulty for q in qs[3:13]] == [Difficulty.MEDIUM] * 10
    assert [q.difficulty for q in qs[13:]] == [Difficulty.HARD] * 4
    assert [q.topic for q in qs[6:13]] == [
        "Prompt Engineering",
        "Prompt Engineering",
        "Prompt Engineering",
        "Model Evaluation",
        "Model Evaluation",
        "Ethical Considerations",
        "Ethical Considerations",
    ]
    assert all(q.topic is None for q in qs[:6] + qs[13:])
    assert qs[13].prompt.startswith('Explain the concept of "diffusion models"')


def _count(text: str, needle: str) -> int:
    return content_key(text).count(content_key(needle))


def test_repeated_bullets_kept_once(seed: Bank) -> None:
    q2 = by_prompt(seed, "What are some popular generative AI models?")
    assert _count(q2.answer, "LaMDA (Language Model for Dialogue Applications)") == 1
    q3 = by_prompt(seed, "Explain the difference between supervised")
    assert _count(q3.answer, "Reinforcement Learning: Used to fine-tune") == 1
    q8 = by_prompt(seed, "How can you mitigate bias")
    assert _count(q8.answer, "Data Augmentation") == 1
    assert q8.answer.count("\n- ") == 4  # four bullets after the lead-in


def test_repeated_answer_blocks_kept_once(seed: Bank) -> None:
    q5 = by_prompt(seed, 'Describe the concept of "latent space"')
    assert _count(q5.answer, "Latent space is a lower-dimensional") == 1
    assert q5.alternatives == ()
    q9 = by_prompt(seed, "Discuss the ethical considerations")
    assert _count(q9.answer, "Generative AI has the potential to be misused") == 1
    assert q9.alternatives == ()
    assert "  " not in q9.answer  # the copy with double spaces did not survive


def test_most_complete_q6_without_the_stray_sentence(seed: Bank) -> None:
    q6 = by_prompt(seed, "What are some challenges associated with training")
    labels = [line.split(":**")[0] for line in q6.answer.split("\n")]
    assert labels == [
        "- **Computational Cost",
        "- **Mode Collapse",
        "- **Bias",
        "- **Evaluation",
    ]
    assert "This document contains" not in q6.answer
    assert all("This document contains" not in a for a in q6.alternatives)
    assert q6.source.endswith(":54")


def test_beginner_explanation_is_an_alternative(seed: Bank) -> None:
    q4 = by_prompt(seed, "What is a Transformer architecture")
    assert q4.answer.startswith("The Transformer architecture uses a self-attention mechanism")
    assert "LEGO" not in q4.answer
    assert len(q4.alternatives) == 1
    alt = q4.alternatives[0]
    assert alt.startswith("Imagine you're trying to translate a sentence")
    assert "LEGO" in alt
    # the reference paragraph repeated at the end of the explanation is not said twice
    assert "self-attention mechanism" not in alt


def test_warnings_name_merged_duplicates_and_the_dropped_sentence() -> None:
    result = load_bank(SEED)
    merged = [w for w in result.warnings if "merged duplicate" in w]
    assert len(merged) == 6
    assert any(":112: merged duplicate of the question at line 5" in w for w in merged)
    dropped = [w for w in result.warnings if "This document contains" in w]
    assert len(dropped) == 1


def test_ids_survive_reordering_and_markup(tmp_path: Path) -> None:
    one = "**Q1: What is Generative AI?**\n**A:** Models that make new content.\n"
    two = "**Q2: What is latent space?**\n**A:** A compressed representation.\n"
    first, second = tmp_path / "a.md", tmp_path / "b.md"
    first.write_text(one + "\n" + two, encoding="utf-8")
    second.write_text(
        two.replace("Q2", "Q7") + "\n" + one.replace("**Q1:", "Q:").replace("?**", "?")
    )
    a, b = load_bank(first).bank, load_bank(second).bank
    assert a is not None and b is not None
    assert {q.id for q in a.questions} == {q.id for q in b.questions}
    seed = load_bank(SEED).bank
    assert seed is not None
    assert question_id("  what is  GENERATIVE ai ") == seed.questions[0].id == a.questions[0].id


def test_cli_check_reports_the_seed_as_17_questions() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "bank", "check", "--json", str(SEED)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    (file,) = doc["files"]
    assert file["format"] == "markdown"
    assert file["questions"] == 17
    assert file["errors"] == []
    assert len(doc["questions"]) == 17
    keys = {
        "id",
        "prompt",
        "answer",
        "alternatives",
        "topic",
        "difficulty",
        "choices",
        "correct",
        "aliases",
        "rejects",
        "source",
        "body",
    }
    assert all(set(q) == keys for q in doc["questions"])
    q4 = doc["questions"][3]
    assert len(q4["alternatives"]) == 1
    assert q4["choices"] is None and q4["correct"] is None
