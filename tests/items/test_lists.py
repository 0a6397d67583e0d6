"""Which-one items: list entries read as label and description, the same list's siblings as
the options, labels masked, coinciding siblings never paired."""

from __future__ import annotations

import pytest

from bot.bank import Bank, Question
from bot.items.keypoints import key_points
from bot.items.lists import (
    Entry,
    coinciding_pairs,
    list_entries,
    mask_words,
    which_description_item,
    which_description_items,
    which_one_item,
    which_one_items,
)
from bot.items.model import Item, Kind
from bot.items.words import content_stems, words
from bot.items.words import stem as stem_of
from tests.items.conftest import question

GANS = question(
    "Training GANs is hard:\n"
    "- **Mode collapse:** The generator keeps producing a narrow variety of outputs.\n"
    "- **Vanishing gradients:** The discriminator wins early and the generator stops learning.\n"
    "- **Non-convergence:** The two networks oscillate instead of settling on an equilibrium.\n"
    "- **Evaluation:** There is no single number that says how good the samples are.\n"
    "- **Computational cost:** Large models need many accelerators and weeks of training.\n"
    "- **Sensitivity to hyperparameters:** Small changes in learning rate break training.\n"
)


def _shares_a_stem(text: str, label: str) -> list[str]:
    stems = content_stems(label)
    return [w for w in words(text) if stem_of(w) in stems]


# -- entries ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "- **Mode collapse**: the model repeats itself",
        "- **Mode collapse:** the model repeats itself",
        "- **Mode collapse** - the model repeats itself",
        "- **Mode collapse** – the model repeats itself",
        "- **Mode collapse.** the model repeats itself",
        "- __Mode collapse__: the model repeats itself",
        "- *Mode collapse* the model repeats itself",
        "- `Mode collapse` - the model repeats itself",
        "- `Mode collapse`: the model repeats itself",
        "- Mode collapse: the model repeats itself",
        "- Mode collapse - the model repeats itself",
        "1. Mode collapse — the model repeats itself",
    ],
)
def test_entry_shapes(line: str) -> None:
    assert list_entries(question(line)) == [Entry("Mode collapse", "the model repeats itself")]


def test_bold_sub_headings_with_paragraphs_are_entries() -> None:
    answer = (
        "**Load Balancing**\n\nThe proxy spreads requests over several servers.\n\n"
        "**SSL termination:**\n\nIt decrypts HTTPS so the servers behind it do not.\n\n"
        "**Caching**\n\nIt answers repeated requests from memory."
    )
    assert list_entries(question(answer)) == [
        Entry("Load Balancing", "The proxy spreads requests over several servers."),
        Entry("SSL termination", "It decrypts HTTPS so the servers behind it do not."),
        Entry("Caching", "It answers repeated requests from memory."),
    ]


def test_sentences_links_and_bare_terms_are_not_entries() -> None:
    answer = (
        "- Start at the root node and split while the impurity drops.\n"
        "- [Linux Load Averages: Solving the Mystery](https://example.org/load)\n"
        "- Accuracy\n"
        "- In both cases the score of one is the best: we get no false positives\n"
    )
    assert list_entries(question(answer)) == []


def test_a_list_of_single_words_gives_no_items() -> None:
    q = question("- Accuracy\n- Precision\n- Recall\n- F1 Score\n")
    assert list_entries(q) == []
    assert which_one_items(q) == []
    assert which_description_items(q) == []


def test_a_single_entry_gives_no_items() -> None:
    q = question("- **Mode collapse:** The generator keeps producing a narrow variety of outputs.")
    assert len(list_entries(q)) == 1
    assert which_one_item(q, 0, 0) is None
    assert which_one_items(q) == []


def test_two_entries_are_too_few() -> None:
    q = question(
        "- **Mode collapse:** The generator keeps producing a narrow variety of outputs.\n"
        "- **Evaluation:** There is no single number that says how good the samples are.\n"
    )
    assert which_one_items(q) == []
    assert which_description_items(q) == []


def test_only_the_top_level_counts() -> None:
    q = question(
        "- **ssh:** the most valuable command to learn for remote work\n"
        "  - **sshfs:** mount a remote file system over the network\n"
        "  - **scp:** copy files between machines securely\n"
        "- **screen:** a terminal multiplexer that keeps sessions alive\n"
        "- **vim:** a fast text editor found on every server\n"
    )
    assert [e.label for e in list_entries(q)] == ["ssh", "screen", "vim"]
    for item in which_one_items(q):
        assert item.options is not None
        assert set(item.options) <= {"ssh", "screen", "vim"}


def test_a_code_block_ends_a_list_and_is_not_an_entry() -> None:
    q = question(
        "Commands:\n\n"
        "- `git init` - create a new local repository\n"
        "- `git status` - list the files that changed since the last commit\n"
        "- `git push` - send local commits to the remote repository\n\n"
        "```bash\n- `git log` - not an entry, inside code\n```\n"
    )
    assert [e.label for e in list_entries(q)] == ["git init", "git status", "git push"]
    assert len(which_one_items(q)) == 3


def test_the_main_list_is_the_longest() -> None:
    q = question(
        "**Advantages:**\n"
        "- **Speed:** requests are answered from memory\n"
        "- **Isolation:** servers behind it are not reachable directly\n\n"
        "**Disadvantages:**\n"
        "- **Latency:** one more network hop for every request\n"
        "- **Complexity:** one more service to configure and watch\n"
        "- **Single point:** when it fails every server behind it is unreachable\n"
    )
    assert [e.label for e in list_entries(q)] == ["Latency", "Complexity", "Single point"]


# -- masking ----------------------------------------------------------------------------------


def test_words_sharing_a_stem_with_the_label_are_masked() -> None:
    stems = content_stems("Zero-shot prompting")
    assert mask_words("Providing a prompt without any examples.", stems) == (
        "Providing a ___ without any examples."
    )
    assert mask_words("Prompts, prompted and prompting.", stems) == "___, ___ and ___."


def test_a_run_of_masked_words_is_one_blank() -> None:
    stems = content_stems("Mode collapse")
    assert mask_words("Avoid mode collapse by mixing.", stems) == "Avoid ___ by mixing."


def test_function_words_of_a_label_are_not_masked() -> None:
    stems = content_stems("Chain of thought")
    assert mask_words("Think of the chain.", stems) == "Think of the ___."


def test_which_one_prompts_never_contain_their_label(seed: Bank) -> None:
    checked = 0
    for q in seed.questions:
        for item in which_one_items(q):
            assert _shares_a_stem(item.prompt, item.answer) == [], item.prompt
            checked += 1
    assert checked >= 30


def test_which_one_prompts_of_real_banks_never_contain_their_label(
    real_questions: list[Question],
) -> None:
    for q in real_questions:
        for item in which_one_items(q):
            assert _shares_a_stem(item.prompt, item.answer) == [], item.prompt


# -- options ----------------------------------------------------------------------------------


def _assert_options(item: Item, q: Question) -> None:
    labels = [e.label for e in list_entries(q)]
    assert item.options is not None
    assert item.correct is not None
    assert item.explains is not None
    assert 3 <= len(item.options) <= 4
    assert len(set(item.options)) == len(item.options)
    assert len(item.explains) == len(item.options)
    if item.kind is Kind.WHICH_ONE:
        assert set(item.options) <= set(labels)
        assert item.options[item.correct] == item.answer
    else:
        assert set(item.explains) <= set(labels)
    assert item.is_choice


def test_the_seed_yields_at_least_thirty_which_one_items(seed: Bank) -> None:
    which_one = [item for q in seed.questions for item in which_one_items(q)]
    which_description = [item for q in seed.questions for item in which_description_items(q)]
    assert len(which_one) >= 30
    assert len(which_description) >= 30
    assert {i.kind for i in which_one} == {Kind.WHICH_ONE}
    assert {i.kind for i in which_description} == {Kind.WHICH_DESCRIPTION}


def test_options_are_siblings_of_one_list(seed: Bank, real_questions: list[Question]) -> None:
    for q in [*seed.questions, *real_questions]:
        for seed_value in range(3):
            for item in which_one_items(q, seed_value) + which_description_items(q, seed_value):
                _assert_options(item, q)


def test_options_are_deterministic_per_seed(seed: Bank) -> None:
    for q in seed.questions:
        for n in range(len(list_entries(q))):
            assert which_one_item(q, n, 7) == which_one_item(q, n, 7)
            assert which_description_item(q, n, 7) == which_description_item(q, n, 7)


def test_options_vary_across_seeds_where_the_list_has_more_than_four_entries() -> None:
    assert len(list_entries(GANS)) == 6
    for n in range(6):
        drawn = {which_one_item(GANS, n, s) for s in range(20)}
        option_sets = {frozenset(i.options or ()) for i in drawn if i is not None}
        assert len(option_sets) > 1


def test_seed_lists_of_five_vary_across_seeds(seed: Bank) -> None:
    for q in seed.questions:
        if len(list_entries(q)) <= 4:
            continue
        for item in which_one_items(q):
            n = int(item.variant.removeprefix("entry:"))
            draws = {which_one_item(q, n, s) for s in range(20)}
            assert len({frozenset(d.options or ()) for d in draws if d is not None}) > 1


def test_a_which_one_item_in_full() -> None:
    item = which_one_item(GANS, 0, 0)
    assert item is not None
    assert item.kind is Kind.WHICH_ONE
    assert item.prompt == (
        "The generator keeps producing a narrow variety of outputs. — "
        "Which one of the challenges in training GANs is this?"
    )
    assert item.answer == "Mode collapse"
    assert item.variant == "entry:0"
    assert item.key_points == key_points(GANS)
    assert item.options is not None and item.explains is not None and item.correct is not None
    descriptions = {e.label: e.description for e in list_entries(GANS)}
    assert item.explains == tuple(descriptions[o] for o in item.options)
    assert item.options[item.correct] == "Mode collapse"


def test_a_which_description_item_in_full() -> None:
    item = which_description_item(GANS, 3, 0)
    assert item is not None
    assert item.kind is Kind.WHICH_DESCRIPTION
    assert item.prompt == (
        "Which of these describes Evaluation, one of the challenges in training GANs?"
    )
    assert item.options is not None and item.explains is not None and item.correct is not None
    assert item.explains[item.correct] == "Evaluation"
    assert (
        item.options[item.correct]
        == "There is no single number that says how good the samples are."
    )
    assert all(len(o) <= 150 for o in item.options)
    assert item.variant == "entry:3"


def test_masked_descriptions_are_the_options_of_the_reverse_item() -> None:
    q = question(
        "- **Zero-shot prompting:** Providing a prompt without any examples.\n"
        "- **Role prompting:** Assigning a role to the model to influence its tone.\n"
        "- **Constraint prompting:** Providing specific constraints on the output.\n"
    )
    item = which_description_item(q, 0, 0)
    assert item is not None and item.options is not None
    assert set(item.options) == {
        "Providing a ___ without any examples.",
        "Assigning a ___ to the model to influence its tone.",
        "Providing specific ___ on the output.",
    }


def test_without_a_noun_phrase_the_question_line_is_neutral() -> None:
    q = question(
        "- **Data curation:** Carefully selecting and cleaning the training data.\n"
        "- **Transparency:** Being open about the model's capabilities and limitations.\n"
        "- **Accountability:** Establishing clear lines of responsibility for outputs.\n",
        prompt="How do you ensure that a generative AI model is used responsibly?",
    )
    item = which_one_item(q, 1, 0)
    assert item is not None
    assert item.prompt == (
        "Being open about the model's capabilities and limitations. — Which one is described "
        "here? (from: How do you ensure that a generative AI model is used responsibly?)"
    )


def test_the_question_line_masks_the_labels_it_would_give_away() -> None:
    q = question(
        "- **Supervised learning:** Trained on labelled examples of the task.\n"
        "- **Unsupervised learning:** Finds structure in data nobody annotated.\n"
        "- **Reinforcement learning:** Rewarded for outputs that match a goal.\n",
        prompt="Explain the difference between supervised, unsupervised and reinforcement learning",
    )
    item = which_one_item(q, 0, 0)
    assert item is not None
    assert item.prompt.endswith("(from: Explain the difference between ___, ___ and ___)")


# -- siblings that must not be paired -----------------------------------------------------------

METRICS = question(
    "- **Perplexity:** Measures how well the model predicts the next token.\n"
    "- **BLEU score:** Measures the similarity between the generated text and a reference text.\n"
    "- **ROUGE score:** Measures the overlap between the generated text and a reference text.\n"
    "- **Human evaluation:** Assessing the quality of the text by relevance and fluency.\n",
    prompt="What metrics would you use to evaluate a generative AI model?",
)


def test_coinciding_descriptions_are_reported() -> None:
    assert coinciding_pairs(METRICS) == [("BLEU score", "ROUGE score")]


def test_coinciding_descriptions_are_never_options_together() -> None:
    for n in range(4):
        for s in range(10):
            for item in (which_one_item(METRICS, n, s), which_description_item(METRICS, n, s)):
                if item is None:
                    continue
                labels = item.options if item.kind is Kind.WHICH_ONE else item.explains
                assert not {"BLEU score", "ROUGE score"} <= set(labels or ())


def test_descriptions_that_coincide_once_masked_are_reported() -> None:
    q = question(
        "- ng generate class my-new-class: add a class to your application\n"
        "- ng generate pipe my-new-pipe: add a pipe to your application\n"
        "- ng serve: build the project and serve it with live reload\n"
    )
    assert coinciding_pairs(q) == [
        ("ng generate class my-new-class", "ng generate pipe my-new-pipe")
    ]
    assert which_one_items(q) == []  # each entry is left with one wrong option at most


def test_the_same_label_twice_is_reported_and_never_paired() -> None:
    q = question(
        "- **Bias:** Models amplify biases present in the training data.\n"
        "- **Misinformation:** Models can generate fake news and propaganda.\n"
        "- **Privacy:** Models can reveal sensitive information by accident.\n"
        "- **bias** - Outputs favour groups that were overrepresented.\n"
    )
    assert coinciding_pairs(q) == [("Bias", "bias")]
    for item in which_one_items(q):
        assert item.options is not None
        assert len({o.casefold() for o in item.options}) == len(item.options)


def test_a_description_naming_a_sibling_is_not_paired_with_it() -> None:
    q = question(
        "- **SIGKILL:** Stops a process at once; unlike SIGTERM it cannot be caught.\n"
        "- **SIGTERM:** Asks a process to finish, which it may handle gracefully.\n"
        "- **SIGINT:** Sent by the terminal when the user presses Ctrl+C.\n"
        "- **SIGHUP:** Sent when the controlling terminal is closed.\n"
    )
    for s in range(10):
        item = which_one_item(q, 0, s)
        assert item is not None and item.options is not None
        assert "SIGTERM" not in item.options
        reverse = which_description_item(q, 1, s)
        assert reverse is not None and reverse.explains is not None
        assert "SIGKILL" not in reverse.explains


def test_the_seed_reports_bleu_and_rouge(seed: Bank) -> None:
    pairs = [p for q in seed.questions for p in coinciding_pairs(q)]
    assert pairs == [("BLEU score", "ROUGE score")]


def test_a_description_read_after_its_label_starts_a_sentence() -> None:
    q = question(
        "- **SIGHUP** - is sent when the controlling terminal is closed\n"
        "- **SIGINT** - is sent by the terminal when the user presses Ctrl+C\n"
        "- **SIGKILL** - makes the process stop at once, it cannot be caught\n",
        prompt="SIGHUP, SIGINT and SIGKILL signals. Explain.",
    )
    item = which_one_item(q, 0, 0)
    assert item is not None
    assert item.prompt.startswith("Is sent when the controlling terminal is closed — ")
