"""Question-of-the-day timing: pure functions of a schedule's local time, days and IANA zone.

The due instant of a local date is that date's wall-clock time in the zone:
- in a spring-forward gap (02:30 on a day that jumps from 02:00 to 03:00) the post goes out at the
  same distance after the gap starts, i.e. 03:30 local;
- at an ambiguous fall-back time (01:30 happening twice) it goes out at the first 01:30;
- each local date has exactly one due instant, so a date is never posted twice.
"""

from __future__ import annotations

import difflib
import re
import zoneinfo
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_FULL_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
ALL_DAYS = 0b1111111
WEEKDAYS = 0b0011111
WEEKENDS = 0b1100000

# Abbreviations people type, read as the zone they almost always mean (with its DST rules).
ZONE_ALIASES = {
    "utc": "UTC",
    "gmt": "UTC",
    "z": "UTC",
    "est": "America/New_York",
    "edt": "America/New_York",
    "et": "America/New_York",
    "cst": "America/Chicago",
    "cdt": "America/Chicago",
    "ct": "America/Chicago",
    "mst": "America/Denver",
    "mdt": "America/Denver",
    "mt": "America/Denver",
    "pst": "America/Los_Angeles",
    "pdt": "America/Los_Angeles",
    "pt": "America/Los_Angeles",
    "bst": "Europe/London",
    "cet": "Europe/Berlin",
    "cest": "Europe/Berlin",
    "eet": "Europe/Helsinki",
    "ist": "Asia/Kolkata",
    "jst": "Asia/Tokyo",
    "aest": "Australia/Sydney",
    "aedt": "Australia/Sydney",
}


class ScheduleError(ValueError):
    """A schedule setting a member typed that cannot be used; the message says why."""


@cache
def all_zones() -> tuple[str, ...]:
    return tuple(sorted(z for z in zoneinfo.available_timezones() if "/" in z or z == "UTC"))


def resolve_timezone(name: str) -> tuple[str, str | None]:
    """An IANA zone for what a member typed, and a note when an alias was read.

    Raises ScheduleError with suggestions when nothing matches.
    """
    text = name.strip()
    if not text:
        raise ScheduleError("Give a timezone such as Europe/Berlin or America/New_York.")
    alias = ZONE_ALIASES.get(text.lower())
    if alias:
        note = None if alias == text else f"{text} was read as {alias}"
        return alias, note
    by_lower = {z.lower(): z for z in all_zones()}
    exact = by_lower.get(text.lower().replace(" ", "_"))
    if exact:
        return exact, None
    suggestions = suggest_timezones(text, limit=3) or _close_zones(text)
    hint = f" Did you mean {', '.join(suggestions)}?" if suggestions else ""
    raise ScheduleError(
        f"{text!r} is not a timezone I know. Use an IANA name like Europe/Berlin.{hint}"
    )


def suggest_timezones(query: str, limit: int = 25) -> list[str]:
    """Zones matching what a member is typing ("berl" -> Europe/Berlin), best first."""
    q = query.strip().lower().replace(" ", "_")
    if not q:
        return ["UTC", "Europe/London", "Europe/Berlin", "America/New_York", "Asia/Kolkata"][:limit]
    alias = ZONE_ALIASES.get(q)
    ranked: list[tuple[int, str]] = []
    for zone in all_zones():
        low = zone.lower()
        city = low.rsplit("/", 1)[-1]
        if city.startswith(q):
            ranked.append((0, zone))
        elif low.startswith(q):
            ranked.append((1, zone))
        elif q in low:
            ranked.append((2, zone))
    result = [z for _, z in sorted(ranked)]
    if alias and alias not in result:
        result.insert(0, alias)
    return result[:limit]


def _close_zones(text: str) -> list[str]:
    """Zones whose city is spelled almost like ``text`` ("Berlinn" -> Europe/Berlin)."""
    cities = {z.rsplit("/", 1)[-1].lower(): z for z in all_zones()}
    key = text.strip().lower().replace(" ", "_").rsplit("/", 1)[-1]
    return [cities[c] for c in difflib.get_close_matches(key, list(cities), n=3, cutoff=0.75)]


_TIME = re.compile(r"^\s*(\d{1,2})(?::(\d{2}))?\s*(am|pm)?\s*$", re.IGNORECASE)


def parse_time(text: str) -> str:
    """``9:05``, ``09:05``, ``21:30``, ``9pm`` -> ``HH:MM``."""
    m = _TIME.match(text)
    if not m:
        raise ScheduleError(f"{text!r} is not a time: write it as HH:MM, for example 09:00.")
    hour, minute = int(m.group(1)), int(m.group(2) or 0)
    meridiem = (m.group(3) or "").lower()
    if meridiem:
        if not 1 <= hour <= 12:
            raise ScheduleError(f"{text!r} is not a time: the hour must be 1-12 with am/pm.")
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    if hour > 23 or minute > 59:
        raise ScheduleError(f"{text!r} is not a time: use 00:00 to 23:59.")
    return f"{hour:02d}:{minute:02d}"


def parse_days(text: str) -> int:
    """``daily``, ``weekdays``, ``weekends`` or a list like ``mon,wed,fri`` -> a bit mask."""
    value = text.strip().lower()
    if value in ("", "daily", "every day", "everyday", "all"):
        return ALL_DAYS
    if value == "weekdays":
        return WEEKDAYS
    if value == "weekends":
        return WEEKENDS
    mask = 0
    for part in re.split(r"[,\s]+", value):
        if not part:
            continue
        # a day's name or a beginning of it of 3 letters or more ("tue", "thurs", "friday")
        found = [
            i for i, name in enumerate(DAY_FULL_NAMES) if len(part) >= 3 and name.startswith(part)
        ]
        if not found:
            raise ScheduleError(
                f"{part!r} is not a day: use daily, weekdays, weekends or a list like mon,wed,fri."
            )
        mask |= 1 << found[0]
    if not mask:
        raise ScheduleError(
            f"{text.strip()!r} names no day: a schedule needs at least one day, "
            "like daily, weekdays or mon,wed,fri."
        )
    return mask


def describe_days(mask: int) -> str:
    if mask == ALL_DAYS:
        return "daily"
    if mask == WEEKDAYS:
        return "weekdays"
    if mask == WEEKENDS:
        return "weekends"
    return ",".join(d for i, d in enumerate(DAY_NAMES) if mask & (1 << i))


def due_on(day: date, local_time: str, timezone: str) -> datetime:
    """The UTC instant of ``local_time`` on ``day`` in ``timezone`` (see the module docstring)."""
    hour, minute = (int(p) for p in local_time.split(":"))
    local = datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(timezone))  # fold=0
    return local.astimezone(UTC)


def next_due(after: datetime, local_time: str, days: int, timezone: str) -> tuple[datetime, date]:
    """The first due instant strictly after ``after``, and the local date it belongs to."""
    if after.tzinfo is None:
        raise ValueError("after must be timezone-aware")
    if not days & ALL_DAYS:
        raise ScheduleError("A schedule needs at least one day.")
    day = after.astimezone(ZoneInfo(timezone)).date() - timedelta(days=1)
    for _ in range(9):
        if days & (1 << day.weekday()):
            instant = due_on(day, local_time, timezone)
            if instant > after:
                return instant, day
        day += timedelta(days=1)
    raise AssertionError("unreachable: a week always has a scheduled day")


def local_date_of(instant: datetime, local_time: str, days: int, timezone: str) -> date:
    """The local date whose due instant is ``instant`` (the inverse of :func:`due_on`)."""
    _, day = next_due(instant - timedelta(seconds=1), local_time, days, timezone)
    return day


def reveal_instant(
    posted: datetime, next_post: datetime, reveal_after_hours: int | None
) -> datetime:
    """When a post's answer is revealed: after the set delay, or just before the next post."""
    if reveal_after_hours is not None:
        return posted + timedelta(hours=reveal_after_hours)
    before_next = next_post - timedelta(minutes=10)
    return max(before_next, posted + timedelta(hours=1))
