"""A server's banks on a real SQLite file: replaced whole or not at all, within the server's
limit, served by the library beside the shared banks with their questions' ids kept."""

from __future__ import annotations

import pytest

from bot.bank.model import Bank, Question, question_id
from bot.db import Database
from bot.db import server_banks as store
from bot.items.library import BankLibrary
from bot.server_banks import ServerBanks, slug_of

G, OTHER = 10, 20


def q(prompt: str, answer: str) -> Question:
    return Question(id=question_id(prompt), prompt=prompt, answer=answer, source="t")


QS = [q("What is a tensor?", "An array."), q("What is a scalar?", "A number.")]


async def test_a_bank_is_replaced_whole(db: Database) -> None:
    await store.save_bank(db, G, "week-1", "Week 1", QS, source="w1.md", user_id=1, now=5)
    await store.save_bank(db, G, "week-1", "Week 1", QS[:1], source="w1.md", user_id=1, now=6)
    stored = await store.server_bank(db, G, "week-1")
    assert stored is not None
    assert [x.prompt for x in stored.questions] == ["What is a tensor?"]
    assert stored.questions[0] == QS[0].__class__.from_json(
        QS[0].to_json(), stored.questions[0].source
    )


async def test_the_limit_refuses_and_keeps_the_old_version(db: Database) -> None:
    await store.save_bank(db, G, "a", "A", QS, source=None, user_id=1, now=5, limit=3)
    more = [q(f"Question {i}?", "x") for i in range(2)]
    with pytest.raises(store.TooManyQuestions) as refused:
        await store.save_bank(db, G, "b", "B", more, source=None, user_id=1, now=6, limit=3)
    assert refused.value.total == 4
    assert await store.server_bank(db, G, "b") is None
    assert await store.server_question_count(db, G) == 2
    # another server has its own allowance
    await store.save_bank(db, OTHER, "b", "B", more, source=None, user_id=1, now=6, limit=3)
    with pytest.raises(store.TooManyQuestions):
        await store.put_question(db, G, "a", q("Third?", "x"), user_id=1, now=7, limit=2)


async def test_put_and_delete_a_question(db: Database) -> None:
    assert await store.put_question(db, G, "mine", QS[0], user_id=1, now=5) is True
    edited = Question(id=QS[0].id, prompt="Define a tensor.", answer="An array.", source="t")
    assert await store.put_question(db, G, "mine", edited, user_id=1, now=6) is False
    assert await store.put_question(db, G, "mine", QS[1], user_id=1, now=7) is True
    stored = await store.server_bank(db, G, "mine")
    assert stored is not None and stored.name == "mine"
    assert [x.prompt for x in stored.questions] == ["Define a tensor.", "What is a scalar?"]
    assert await store.delete_question(db, G, "mine", QS[1].id) is True
    assert await store.delete_question(db, G, "mine", QS[1].id) is False
    assert await store.delete_bank(db, G, "mine") is True
    assert await store.server_question_count(db, G) == 0


async def test_served_beside_the_shared_banks_and_only_to_their_server(db: Database) -> None:
    library = BankLibrary({"shared": Bank("shared", "Shared", [q("Shared?", "yes")])})
    service = ServerBanks(db, library)
    changes = await service.replace(G, "week-1", "Week 1", QS, source="w1.md", user_id=1, now=5)
    assert len(changes.added) == 2
    assert [b.name for b in library.visible(G)] == ["Shared", "Week 1"]
    assert [b.name for b in library.visible(OTHER)] == ["Shared"]
    assert library.choose(G, "week-1") is library.choose(G, "Week 1") is library.get(f"{G}:week-1")
    assert library.choose(OTHER, f"{G}:week-1") is None

    reworded = [q("Define a tensor.", "An array."), QS[1]]
    changes = await service.replace(G, "week-1", "Week 1", reworded, source=None, user_id=1, now=6)
    assert [a.id for a, _ in changes.edited] == [QS[0].id]
    served = library.get(f"{G}:week-1")
    assert served is not None and served.questions[0].id == QS[0].id
    assert library.item(served.key, served.questions[0], 1) is not None

    # a restart serves what the database holds
    fresh = BankLibrary({})
    assert await ServerBanks(db, fresh).load() == 2
    again = fresh.get(f"{G}:week-1")
    assert again is not None and again.owner == G
    assert [x.id for x in again.questions] == [x.id for x in served.questions]

    assert await service.remove_bank(G, "week-1") is True
    assert library.get(f"{G}:week-1") is None


def test_slugs() -> None:
    assert slug_of("Week 3 / Attention") == "week-3-attention"
    assert slug_of("  ") == ""
    assert slug_of("Émile's bank") == "emile-s-bank"
