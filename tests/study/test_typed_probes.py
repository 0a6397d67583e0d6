"""The matcher against a fair human grader: tests/study/probes/typed-answers.yaml (see its
README) holds learner inputs for the bundled ml-acronyms bank with the grader's verdicts."""

from __future__ import annotations

from bench.typed import (
    FRESH,
    HELD_OUT,
    HELD_OUT_SETS,
    MAX_FALSE_ACCEPTS,
    MAX_FALSE_REJECTS,
    grade,
    load_acronyms,
    load_probes,
)


def test_typed_answers_agree_with_the_grader() -> None:
    probes, bank = load_probes(), load_acronyms()
    assert len(probes) == 327
    tally = grade(probes, bank)
    assert tally.accepts + tally.rejects == len(probes)
    misses = [(p["input"], p["accept"], p["category"]) for p in tally.false_accepts]
    misses += [(p["input"], p["accept"], p["category"]) for p in tally.false_rejects]
    print(f"\ntyped-answer probes: {tally.summary()}")
    assert tally.false_accept_rate <= MAX_FALSE_ACCEPTS, (tally.summary(), misses)
    assert tally.false_reject_rate <= MAX_FALSE_REJECTS, (tally.summary(), misses)


def test_every_probe_question_is_in_the_bank_and_every_question_is_probed() -> None:
    probes, bank = load_probes(), load_acronyms()
    assert {p["question"] for p in probes} == {q.prompt for q in bank.questions}


def test_held_out_probes_are_not_falsely_accepted() -> None:
    """No held-out set is falsely accepted beyond the bound: a wrong answer accepted is the
    costly mistake (it scores). Their false rejects are reported by ``python -m bench --only
    typed`` (see docs/benchmarks.md)."""
    bank = load_acronyms()
    assert HELD_OUT in HELD_OUT_SETS
    for path in HELD_OUT_SETS:
        probes = load_probes(path)
        assert len(probes) >= 160
        assert {p["question"] for p in probes} == {q.prompt for q in bank.questions}
        tally = grade(probes, bank)
        print(f"\n{path.name}: {tally.summary()}")
        misses = [(p["input"], p["category"]) for p in tally.false_accepts]
        assert tally.false_accept_rate <= MAX_FALSE_ACCEPTS, (path.name, tally.summary(), misses)


def test_the_freshest_held_out_set_agrees_with_its_grader() -> None:
    """The newest set was written after the last change to the matcher, by a grader who read
    neither the matcher nor the earlier sets: both bounds hold on it."""
    probes, bank = load_probes(FRESH), load_acronyms()
    assert len(probes) >= 200
    tally = grade(probes, bank)
    print(f"\n{FRESH.name}: {tally.summary()}")
    assert tally.false_accept_rate <= MAX_FALSE_ACCEPTS, tally.summary()
    assert tally.false_reject_rate <= MAX_FALSE_REJECTS, tally.summary()
