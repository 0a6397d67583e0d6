"""Which item a question is asked as, measured on the seed bank as a learner would meet it.

The cue-only guesser (bench/cue_guesser.py) was written apart from the item builders, from
surface cues a test-wise learner uses; it must do no better than chance + 0.10 on the choice
items the bot asks.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest

from bench.cue_guesser import hit_rate
from bot.bank import Bank
from bot.items.maker import (
    GROUP_KINDS,
    QOTD_KINDS,
    SOLO_KINDS,
    ItemMaker,
    allowed_kinds,
    quiz_kinds,
)
from bot.items.model import CHOICE_KINDS, TYPED_KINDS, Format, Item, Kind
from tests.bank.cli import bank_cli
from tests.items.conftest import SEED

SEEDS = range(20)
CUE_MARGIN = 0.10


@pytest.fixture(scope="module")
def maker(seed: Bank) -> ItemMaker:
    return ItemMaker(seed).prepare()


def as_guessed(item: Item) -> dict[str, object]:
    return {
        "prompt": item.prompt,
        "options": list(item.options or ()),
        "correct_option": item.correct,
    }


def test_every_seed_question_is_askable_everywhere(seed: Bank, maker: ItemMaker) -> None:
    for q in seed.questions:
        for kinds in (QOTD_KINDS, SOLO_KINDS, allowed_kinds(Format.RECALL, QOTD_KINDS)):
            assert maker.askable(q, kinds), q.prompt
            assert maker.item(q, 7, kinds) is not None, q.prompt


def test_the_seed_yields_its_items(seed: Bank, maker: ItemMaker) -> None:
    items = [i for q in seed.questions for i in maker.items(q)]
    kinds = Counter(i.kind for i in items)
    assert len(items) >= 17
    assert kinds[Kind.RECALL] == 17  # every question can be recalled
    assert kinds[Kind.WHICH_ONE] >= 30
    assert all(i.key_points for i in items if i.kind is Kind.RECALL)


def test_the_item_is_the_same_for_a_seed_and_varies_across_seeds(
    seed: Bank, maker: ItemMaker
) -> None:
    fresh = ItemMaker(seed).prepare()
    for q in seed.questions:
        assert maker.item(q, 11) == fresh.item(q, 11)
    shown = {(q.id, maker.item(q, s, CHOICE_KINDS)) for q in seed.questions for s in SEEDS}
    assert len(shown) > 3 * len(seed.questions)


def test_a_cue_only_guesser_does_no_better_than_chance(seed: Bank, maker: ItemMaker) -> None:
    every = [
        as_guessed(i)
        for s in SEEDS
        for q in seed.questions
        for i in maker.items(q, s)
        if i.is_choice
    ]
    asked = [
        as_guessed(i)
        for s in SEEDS
        for q in seed.questions
        if (i := maker.item(q, s, CHOICE_KINDS)) is not None
    ]
    for items in (every, asked):
        rate, chance = hit_rate(items)
        print(f"\ncue-only guesser on {len(items)} seed items: {rate:.3f} (chance {chance:.3f})")
        assert rate <= chance + CUE_MARGIN


def test_no_wrong_option_is_another_questions_right_option(seed: Bank, maker: ItemMaker) -> None:
    rights = {
        (i.options or ())[i.correct or 0]
        for s in SEEDS
        for q in seed.questions
        for i in maker.items(q, s)
        if i.kind is Kind.SUMMARY
    }
    for s in SEEDS:
        for q in seed.questions:
            item = maker.item(q, s, frozenset({Kind.SUMMARY}))
            if item is None or item.options is None:
                continue
            wrong = set(item.options) - {item.options[item.correct or 0]}
            assert not wrong & rights, q.prompt


def test_each_place_asks_only_what_it_can_show(seed: Bank, maker: ItemMaker) -> None:
    assert quiz_kinds("group", False, "auto") == GROUP_KINDS
    assert Kind.RECALL not in GROUP_KINDS  # a judged, timed game: no self-grading
    assert quiz_kinds("group", False, "recall") == frozenset()
    assert quiz_kinds("solo", True, "auto") == TYPED_KINDS
    assert quiz_kinds("solo", False, "bogus") == frozenset()
    assert not TYPED_KINDS & QOTD_KINDS  # a post has no typing box
    for q in seed.questions:
        recall = maker.item(q, 3, allowed_kinds(Format.RECALL, QOTD_KINDS))
        assert recall is not None and recall.kind is Kind.RECALL
        chosen = maker.item(q, 3, allowed_kinds(Format.CHOICE, QOTD_KINDS))
        assert chosen is None or chosen.is_choice


def test_an_item_round_trips_through_its_stored_form(seed: Bank, maker: ItemMaker) -> None:
    for q in seed.questions:
        for item in maker.items(q, 5):
            assert Item.loads(item.dumps()) == item
    with pytest.raises(ValueError):
        Item.loads('{"kind": "nonsense"}')


def test_bank_quiz_json_lists_every_item_and_keeps_the_old_fields() -> None:
    proc = bank_cli("quiz", str(SEED), "--seed", "3", "--json")
    assert proc.returncode == 0, proc.stderr
    questions = json.loads(proc.stdout)["questions"]
    assert len(questions) == 17
    for q in questions:
        assert {"prompt", "answer", "options", "correct_option"} <= q.keys()
        if q["options"] is not None:
            assert q["correct_option"] in range(len(q["options"]))
        kinds = [i["kind"] for i in q["items"]]
        assert "recall" in kinds
        for item in q["items"]:
            assert set(item) >= {"kind", "prompt", "options", "correct_option", "key_points"}
            assert (item["options"] is None) == (item["kind"] in ("recall", "cloze", "typed"))
            assert (item["key_points"] is None) == (item["kind"] != "recall")
    assert sum(i["kind"] == "which_one" for q in questions for i in q["items"]) >= 30


def test_bank_check_reports_list_entries_it_cannot_tell_apart() -> None:
    proc = bank_cli("check", str(SEED))
    assert proc.returncode == 0, proc.stdout
    assert "'BLEU score' and 'ROUGE score' are described almost alike" in proc.stdout
