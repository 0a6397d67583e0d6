from __future__ import annotations

from bot.bank.model import Difficulty, Question
from bot.study.quiz import draw, eligible, points


def q(n: int, topic: str | None = None, difficulty: Difficulty | None = None) -> Question:
    return Question(
        id=f"q{n}", prompt=f"Q{n}?", answer="a", source="x", topic=topic, difficulty=difficulty
    )


def test_points() -> None:
    assert points(False, group=True, elapsed=1, duration=30) == 0
    assert points(True, group=False, elapsed=50, duration=60) == 10
    assert points(True, group=True, elapsed=0, duration=30) == 20
    assert points(True, group=True, elapsed=15, duration=30) == 15
    assert points(True, group=True, elapsed=29, duration=30) == 10
    assert points(True, group=True, elapsed=40, duration=30) == 10


def test_draw_prefers_unseen_then_oldest_seen_and_never_repeats() -> None:
    pool = [q(n) for n in range(6)]
    picked = draw(pool, 6, recently_seen=["q0", "q1", "q2"], seed=1)
    assert len({p.id for p in picked}) == 6
    assert {p.id for p in picked[:3]} == {"q3", "q4", "q5"}
    assert [p.id for p in picked[3:]] == ["q2", "q1", "q0"]  # q2 was seen longest ago
    assert draw(pool, 20, [], seed=2) and len(draw(pool, 20, [], seed=2)) == 6


def test_eligible_filters_topic_difficulty_and_playability() -> None:
    pool = [
        q(1, "Stats", Difficulty.EASY),
        q(2, "stats", Difficulty.HARD),
        q(3, None, Difficulty.EASY),
    ]
    assert [
        x.id for x in eligible(pool, topic="STATS", difficulty=None, playable=lambda _: True)
    ] == ["q1", "q2"]
    assert [
        x.id
        for x in eligible(
            pool, topic=None, difficulty=Difficulty.EASY, playable=lambda x: x.id != "q3"
        )
    ] == ["q1"]
