"""The card's 12 weeks in the server's timezone.

Activity is counted by the database in UTC buckets of 15 minutes, then placed on local dates
here: every timezone in use is a whole number of quarter hours from UTC, so a bucket never
straddles a local midnight, and the database never needs to know the zone's rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WINDOW_DAYS = 84  # 12 weeks, ending today
BUCKET_SECONDS = 900


def window_start(today: date) -> date:
    return today - timedelta(days=WINDOW_DAYS - 1)


def window_bounds(today: date, timezone: str) -> tuple[int, int]:
    """UTC epoch seconds from the local start of the window's first day up to (excluded) the
    local start of tomorrow."""
    zone = ZoneInfo(timezone)

    def midnight(day: date) -> int:
        return int(datetime.combine(day, time(), zone).timestamp())

    return midnight(window_start(today)), midnight(today + timedelta(days=1))


def day_counts(buckets: Iterable[tuple[int, int]], timezone: str) -> dict[date, int]:
    """Counts per local date from ``(bucket, count)`` pairs, a bucket being epoch seconds
    divided by :data:`BUCKET_SECONDS`."""
    zone = ZoneInfo(timezone)
    days: dict[date, int] = {}
    for bucket, count in buckets:
        day = datetime.fromtimestamp(bucket * BUCKET_SECONDS, UTC).astimezone(zone).date()
        days[day] = days.get(day, 0) + count
    return days
