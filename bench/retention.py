"""Spaced repetition: what FSRS scheduling retains after 90 days, against drawing at random.

One member studies QUESTIONS questions for DAYS days, one session a day with at most BUDGET
reviews, against a synthetic memory: each question has a true forgetting curve, and a review is
recalled with that curve's probability. Three ways of choosing what to review spend the same
reviews each day:

- **FSRS**: the bot's review cards (``bot.study.review``, py-fsrs with its default, untrained
  parameters): due cards first, then at most NEW_PER_DAY unseen questions. Its reviews per day
  are the budget the other two get.
- **random**: that many distinct questions drawn uniformly each day.
- **quiz draw**: the quiz's draw before review cards (``bot.study.quiz.draw``: unseen questions
  first, then the ones seen longest ago), that many a day.

The memory model is deliberately not FSRS, or the comparison would be rigged: forgetting is
exponential, R = 0.9^(t/S) with S the days until recall falls to 90% (FSRS assumes a power
curve); a question is unknown until first asked, and showing its answer gives it a stability S0
from its difficulty; a recalled review multiplies S by 1 + gain * sqrt(1 - R), so reviewing what
is nearly forgotten strengthens memory most and reviewing what is fresh adds little (FSRS's gain
also shrinks as S grows; this one does not); a forgotten review shrinks S to max(S0 / 2, 0.3 S)
and shows the answer again. Per question the difficulty d is uniform in [0, 1]:
S0 = 3 exp(-1.8 d) days (0.5 to 3) and gain = 6 (1 - 0.7 d) (1.8 to 6). A review takes a minute.

Figures at day DAYS: the probability of recall averaged over all questions (never asked counts
0), the share of questions above 0.9, and the reviews spent. Seeded, a few seconds in all.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bench.common import Report
from bot.bank.model import Question
from bot.study import quiz
from bot.study.review import CardState, grade_for, new_allowance, new_card, review

QUESTIONS = 200
DAYS = 90
BUDGET = 30  # reviews a day at most
NEW_PER_DAY = 10  # unseen questions FSRS introduces a day at most
SESSION_HOUR = 0.75  # each day's session starts at 18:00
LEARNING_WAIT = timedelta(minutes=30)  # a session waits this long for a learning step, no more
SEEDS = (1, 2, 3, 4, 5)
START = datetime(2025, 1, 6, tzinfo=UTC)


@dataclass
class Memory:
    """One question's true memory for the member; times in days from the start."""

    s0: float
    gain: float
    stability: float = 0.0  # 0: never asked, so not known
    last: float = 0.0

    def recall(self, t: float) -> float:
        return 0.9 ** ((t - self.last) / self.stability) if self.stability else 0.0

    def study(self, t: float, rng: random.Random) -> bool:
        """Ask the question at ``t``: whether it is recalled; the memory changes either way."""
        p = self.recall(t)
        recalled = rng.random() < p
        if not self.stability:
            self.stability = self.s0
        elif recalled:
            self.stability *= 1 + self.gain * math.sqrt(1 - p)
        else:
            self.stability = max(self.s0 / 2, 0.3 * self.stability)
        self.last = t
        return recalled


def memories(rng: random.Random, count: int) -> list[Memory]:
    difficulties = [rng.random() for _ in range(count)]
    return [Memory(3 * math.exp(-1.8 * d), 6 * (1 - 0.7 * d)) for d in difficulties]


@dataclass
class Outcome:
    mean_recall: float
    above_90: float
    reviews: int
    per_day: list[int] = field(default_factory=list)


def outcome(mems: list[Memory], per_day: list[int]) -> Outcome:
    final = [m.recall(DAYS) for m in mems]
    return Outcome(
        sum(final) / len(final), sum(p > 0.9 for p in final) / len(final), sum(per_day), per_day
    )


def days_at(t: float) -> datetime:
    return START + timedelta(days=t)


def fsrs_session(
    day: int, mems: list[Memory], cards: dict[int, CardState], unseen: list[int], rng: random.Random
) -> int:
    """One day's reviews chosen by the review cards; returns how many were done."""
    t, done, introduced = day + SESSION_HOUR, 0, 0
    while done < BUDGET:
        now = days_at(t)
        due = [q for q, card in cards.items() if card.due <= now]
        if due:
            q = min(due, key=lambda q: cards[q].due)
        elif unseen and new_allowance(introduced, NEW_PER_DAY):
            q, introduced = unseen.pop(), introduced + 1
            cards[q] = new_card(now)
        else:
            soonest = min((c.due for c in cards.values()), default=None)
            if soonest is None or soonest - now > LEARNING_WAIT:
                break
            t = (soonest - START) / timedelta(days=1)
            continue
        cards[q], _ = review(cards[q], grade_for(mems[q].study(t, rng)), now)
        t, done = t + 1 / (24 * 60), done + 1  # a review takes about a minute
    return done


def run_fsrs(seed: int) -> Outcome:
    rng = random.Random(seed)
    mems = memories(rng, QUESTIONS)
    unseen = list(range(QUESTIONS))
    rng.shuffle(unseen)
    cards: dict[int, CardState] = {}
    per_day = [fsrs_session(day, mems, cards, unseen, rng) for day in range(DAYS)]
    return outcome(mems, per_day)


Picker = Callable[[int, int, list[int], random.Random], list[int]]


def pick_random(day: int, count: int, recent: list[int], rng: random.Random) -> list[int]:
    return rng.sample(range(QUESTIONS), min(count, QUESTIONS))


QUIZ_QUESTIONS = [
    Question(id=str(i), prompt=f"q{i}", answer="a", source="sim") for i in range(QUESTIONS)
]


def pick_quiz_draw(day: int, count: int, recent: list[int], rng: random.Random) -> list[int]:
    newest_first = [str(q) for q in reversed(recent)]
    drawn = quiz.draw(QUIZ_QUESTIONS, count, newest_first, seed=rng.randrange(2**32))
    return [int(q.id) for q in drawn]


def run_baseline(seed: int, per_day: list[int], pick: Picker) -> Outcome:
    """The same memories (same seed) reviewed ``per_day[d]`` times on day d, as ``pick`` draws."""
    rng = random.Random(seed)
    mems = memories(rng, QUESTIONS)
    recent: list[int] = []  # question ids, oldest review first
    for day, count in enumerate(per_day):
        t = day + SESSION_HOUR
        for q in pick(day, count, recent, rng):
            mems[q].study(t, rng)
            t += 1 / (24 * 60)
            if q in recent:
                recent.remove(q)
            recent.append(q)
    return outcome(mems, per_day)


@dataclass
class Comparison:
    fsrs: list[Outcome]
    random: list[Outcome]
    quiz_draw: list[Outcome]


def compare(seeds: tuple[int, ...] = SEEDS) -> Comparison:
    fsrs = [run_fsrs(seed) for seed in seeds]
    return Comparison(
        fsrs,
        [run_baseline(s, f.per_day, pick_random) for s, f in zip(seeds, fsrs, strict=True)],
        [run_baseline(s, f.per_day, pick_quiz_draw) for s, f in zip(seeds, fsrs, strict=True)],
    )


def mean(values: list[float]) -> float:
    return sum(values) / len(values)


def run(report: Report) -> None:
    result = compare()
    fsrs_recall = mean([o.mean_recall for o in result.fsrs])
    for label, outcomes in (
        ("FSRS", result.fsrs),
        ("random draw", result.random),
        ("quiz draw", result.quiz_draw),
    ):
        recall = [o.mean_recall for o in outcomes]
        report.add(
            f"{label}: mean recall at day {DAYS}",
            f"{mean(recall):.2f} ({min(recall):.2f}-{max(recall):.2f})",
        )
        report.add(
            f"{label}: questions above 0.9 at day {DAYS}",
            f"{mean([o.above_90 for o in outcomes]):.0%}",
        )
        report.add(f"{label}: reviews spent", f"{mean([o.reviews for o in outcomes]):.0f}")
    best_baseline = max(
        mean([o.mean_recall for o in result.random]),
        mean([o.mean_recall for o in result.quiz_draw]),
    )
    report.add(
        "FSRS mean recall / best other draw",
        f"{fsrs_recall / best_baseline:.2f} x",
        "> 1.1",
        fsrs_recall > 1.1 * best_baseline,
    )
    report.note(
        f"{QUESTIONS} questions, {DAYS} days, at most {BUDGET} reviews a day "
        f"({NEW_PER_DAY} new a day for FSRS), mean of seeds {', '.join(map(str, SEEDS))} "
        "(range in brackets). Quiz draw: unseen questions first, then those seen longest ago, as `/quiz` drew before review cards. The memory model (exponential forgetting, not FSRS's curve) is described in bench/retention.py."
    )


if __name__ == "__main__":
    run(Report("spaced repetition"))
