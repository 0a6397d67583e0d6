"""Leaderboard periods and local days, computed in a server's timezone (weeks start on Monday)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

ALL_TIME = "all"
Period = Literal["week", "month", "all"]


@dataclass(frozen=True, slots=True)
class PeriodKeys:
    week: str
    month: str

    def key(self, period: Period) -> str:
        return {"week": self.week, "month": self.month, "all": ALL_TIME}[period]


def local_date(instant: datetime, timezone: str) -> date:
    if instant.tzinfo is None:
        raise ValueError("instants must be timezone-aware")
    return instant.astimezone(ZoneInfo(timezone)).date()


def week_key(day: date) -> str:
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def month_key(day: date) -> str:
    return f"{day.year}-{day.month:02d}"


def period_keys(instant: datetime, timezone: str) -> PeriodKeys:
    day = local_date(instant, timezone)
    return PeriodKeys(week_key(day), month_key(day))
