"""The card's days: the window's instants and activity placed on the server's local dates."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.progress import day_counts, window_bounds
from bot.progress.days import BUCKET_SECONDS


def bucket(instant: datetime) -> int:
    return int(instant.timestamp()) // BUCKET_SECONDS


def test_the_window_runs_from_a_local_midnight_84_days_back_across_a_dst_change() -> None:
    start, end = window_bounds(date(2026, 11, 18), "Europe/Berlin")
    assert datetime.fromtimestamp(start, UTC) == datetime(2026, 8, 26, 22, 0, tzinfo=UTC)  # CEST
    assert datetime.fromtimestamp(end, UTC) == datetime(2026, 11, 18, 23, 0, tzinfo=UTC)  # CET


def test_a_quarter_hour_zone_splits_its_days_at_its_own_midnight() -> None:
    # Kathmandu is UTC+5:45: 18:14 UTC is 23:59 there, 18:15 UTC the next day's first minute
    late = datetime(2026, 11, 17, 18, 14, tzinfo=UTC)
    next_day = datetime(2026, 11, 17, 18, 15, tzinfo=UTC)
    counts = day_counts([(bucket(late), 2), (bucket(next_day), 3)], "Asia/Kathmandu")
    assert counts == {date(2026, 11, 17): 2, date(2026, 11, 18): 3}


def test_buckets_of_one_local_day_add_up() -> None:
    morning = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # 01:30 in Berlin, before the change
    evening = datetime(2026, 3, 29, 21, 45, tzinfo=UTC)  # 23:45 in Berlin, summer time
    after = datetime(2026, 3, 29, 22, 0, tzinfo=UTC)  # midnight in Berlin: the 30th
    counts = day_counts(
        [(bucket(morning), 1), (bucket(evening), 4), (bucket(after), 1)], "Europe/Berlin"
    )
    assert counts == {date(2026, 3, 29): 5, date(2026, 3, 30): 1}
