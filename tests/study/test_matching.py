from __future__ import annotations

import pytest

from bot.study.matching import Kind, judge, matches

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


# --- word by word (issue 15) ------------------------------------------------------------------

RLHF = ("Reinforcement Learning from Human Feedback",)
GPU = ("Graphics Processing Unit",)
RELU = ("ReLU", "Rectified Linear Unit")
RELU_REJECTS = ("GELU", "SELU", "PReLU", "Leaky ReLU")
ADAM = ("Adam",)


def test_each_long_word_has_its_own_typo_budget() -> None:
    # one typo in each of three words: the old whole-string budget of two refused it
    assert judge("Reinforcment Lerning from Human Feeback", RLHF).accepted
    assert judge("Reccurent Neural Network", ("Recurrent Neural Network",)).accepted  # 2 in 9
    assert not judge("Neural Language Processing", ("Natural Language Processing",)).accepted
    assert judge("Larg Langage Modl", ("Large Language Model",)).accepted
    assert not judge("Larj Language Model", ("Large Language Model",)).accepted  # 2 in 5 letters


def test_short_words_and_acronyms_get_no_typo() -> None:
    for guess in ("GELU", "SELU", "ELU", "RELO", "PReLU", "ReLU6"):
        assert not judge(guess, RELU).accepted, guess
    for guess in ("NAdam", "AdamW", "Adan", "Adamm"):
        assert not judge(guess, ADAM).accepted, guess
    assert judge("relu", RELU).accepted and judge("ADAM", ADAM).accepted


def test_connectives_are_interchangeable_or_left_out() -> None:
    for connective in ("with", "through", "via", "by", ""):
        guess = f"Reinforcement Learning {connective} Human Feedback"
        assert judge(guess, RLHF).accepted, guess
    assert not judge("Learning from Human Feedback", RLHF).accepted
    assert not judge("RL from Human Feedback", RLHF).accepted


def test_forms_of_a_word_are_the_word() -> None:
    gan = ("Generative Adversarial Network",)
    for guess in ("Generative Adversarial Nets", "generative adversarial net", "GANs"):
        assert judge(guess, gan).accepted is (guess != "GANs"), guess
    assert judge("Graphical Processing Units", GPU).accepted
    assert judge("Convolution Neural Network", ("Convolutional Neural Network",)).accepted
    assert judge("Overfitted", ("Overfitting",)).accepted
    assert judge("Variational Auto Encoder", ("Variational Autoencoder",)).accepted
    assert judge("selfattention", ("Self-attention",)).accepted
    assert not judge("Underfitting", ("Overfitting",)).accepted
    assert not judge("Generative Adversarial Model", gan).accepted


def test_words_around_the_answer_that_add_no_second_answer() -> None:
    adam_prompt = 'Which optimizer\'s name comes from "adaptive moment estimation"?'
    for guess in ("Adam optimizer", "the Adam optimiser", "Adam (adaptive moment estimation)"):
        assert judge(guess, ADAM, prompt=adam_prompt).accepted, guess
    for guess in ("ReLU function", "ReLU activation", "I think it's ReLU", "**ReLU** 🔥"):
        assert judge(guess, RELU).accepted, guess
    for guess in (
        "Graphics Processing Unit (GPU)",
        "GPU: Graphics Processing Unit",
        "It stands for Graphics Processing Unit.",
        "Graphics Processing Unit, I believe",
    ):
        assert judge(guess, GPU, prompt="What does GPU stand for?").accepted, guess
    for guess in ("Leaky ReLU", "ReLU or GELU", "Not ReLU — it's GELU", "ReLU, no wait, GELU"):
        assert not judge(guess, RELU, RELU_REJECTS).accepted, guess
    assert not judge("Definitely not Adam", ADAM).accepted
    assert not judge("Adam or SGD", ADAM).accepted


def test_a_list_of_guesses_scores_nothing() -> None:
    paris = ("Paris",)
    for guess in ("Paris, London, Berlin", "Rome, Paris", "Paris. Rome. Madrid.", "Rome (Paris)"):
        assert not judge(guess, paris, prompt="What is the capital of France?").accepted, guess
    assert not judge("ReLU, sigmoid, tanh", RELU).accepted
    assert not judge("SGD, Adam", ADAM).accepted
    # a remark beside the answer is not a second answer
    for guess in ("Paris, of course", "Paris (the capital of France)", "Paris, on the Seine"):
        assert judge(guess, paris, prompt="What is the capital of France?").accepted, guess


def test_a_paragraph_is_judged_by_what_it_commits_to() -> None:
    committed = (
        "Good question. RLHF stands for Reinforcement Learning from Human Feedback. A reward "
        "model is trained on human rankings and the policy is tuned against it, so that it does "
        "not drift too far from the original model."
    )
    assert judge(committed, RLHF, prompt="What does RLHF stand for?").accepted
    retracted = (
        "Some say Reinforcement Learning from Human Feedback, but my final answer is "
        "Reinforcement Learning from AI Feedback."
    )
    assert not judge(retracted, RLHF, ("Reinforcement Learning from AI Feedback",)).accepted


def test_rejects_are_refused_even_within_the_typo_budget() -> None:
    accepted = ("Recurrent",)
    assert judge("Recurent", accepted).accepted
    assert not judge("Recurent", accepted, rejects=("Recurent",)).accepted
    assert judge("Recurrent", accepted, rejects=("Recurent",)).accepted  # exact wins


def test_verdicts_say_accepted_close_with_a_suggestion_or_wrong() -> None:
    right = judge("relu", RELU, RELU_REJECTS)
    assert right.kind is Kind.ACCEPTED and right.did_you_mean() is None
    sibling = judge("GELU", RELU, RELU_REJECTS)
    assert sibling.kind is Kind.CLOSE and sibling.suggestion == "ReLU"
    assert sibling.did_you_mean() == "Close, not accepted: did you mean ReLU?"
    one_word_off = judge("Neural Language Processing", ("Natural Language Processing",))
    assert one_word_off.did_you_mean() == (
        "Close, not accepted: did you mean Natural Language Processing?"
    )
    assert judge("Adan", ADAM).kind is Kind.CLOSE  # one letter more than a 4-letter word allows
    for far in ("SGD", "idk", "", "   ", "👍", "1946", "GELU or ReLU"):
        assert judge(far, (*RELU, "1945"), RELU_REJECTS).kind is Kind.WRONG, far
