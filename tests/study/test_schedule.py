"""Due instants over real DST transitions: every local date posts exactly once, on time."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.study.schedule import (
    ALL_DAYS,
    WEEKDAYS,
    ScheduleError,
    describe_days,
    due_on,
    next_due,
    parse_days,
    parse_time,
    resolve_timezone,
    reveal_instant,
    suggest_timezones,
)


def walk(
    start: datetime, days: int, local_time: str, mask: int, zone: str
) -> list[tuple[datetime, date]]:
    """Follow the schedule from ``start`` for ``days`` days, as the tick would."""
    out = []
    cursor = start
    end = start + timedelta(days=days)
    while True:
        due, day = next_due(cursor, local_time, mask, zone)
        if due > end:
            return out
        out.append((due, day))
        cursor = due


@pytest.mark.parametrize(
    ("zone", "transition"),
    [
        ("America/New_York", date(2026, 3, 8)),  # spring forward 02:00 -> 03:00
        ("America/New_York", date(2026, 11, 1)),  # fall back 02:00 -> 01:00
        ("Europe/Berlin", date(2026, 3, 29)),
        ("Europe/Berlin", date(2026, 10, 25)),
        ("Australia/Lord_Howe", date(2026, 4, 5)),  # a 30-minute shift
        ("Australia/Lord_Howe", date(2026, 10, 4)),
        ("Asia/Kolkata", date(2026, 3, 8)),  # no DST at all
        ("Pacific/Chatham", date(2026, 4, 5)),  # +12:45 / +13:45
    ],
)
@pytest.mark.parametrize("local_time", ["00:00", "01:30", "02:00", "02:30", "09:00", "23:59"])
def test_each_local_date_posts_exactly_once_across_transitions(
    zone: str, transition: date, local_time: str
) -> None:
    start = datetime.combine(transition - timedelta(days=3), datetime.min.time(), UTC)
    posts = walk(start, 7, local_time, ALL_DAYS, zone)
    days = [d for _, d in posts]
    assert len(days) == len(set(days))  # never twice
    assert days == sorted(days)
    expected = {transition + timedelta(days=k) for k in range(-2, 3)}
    assert expected <= set(days)  # never skipped
    instants = [i for i, _ in posts]
    assert instants == sorted(instants)
    for instant, day in posts:
        local = instant.astimezone(ZoneInfo(zone))
        assert local.date() == day


def test_spring_forward_gap_posts_right_after_the_gap() -> None:
    due = due_on(date(2026, 3, 8), "02:30", "America/New_York")
    assert due == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)
    assert due.astimezone(ZoneInfo("America/New_York")).strftime("%H:%M") == "03:30"


def test_ambiguous_fall_back_hour_posts_at_the_first_occurrence() -> None:
    due = due_on(date(2026, 11, 1), "01:30", "America/New_York")
    assert due == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # 01:30 EDT, not 01:30 EST
    # and only once: the next due after it is the following day
    _, day = next_due(due, "01:30", ALL_DAYS, "America/New_York")
    assert day == date(2026, 11, 2)


def test_lord_howe_half_hour_shift() -> None:
    before = due_on(date(2026, 4, 4), "09:00", "Australia/Lord_Howe")
    after = due_on(date(2026, 4, 5), "09:00", "Australia/Lord_Howe")
    assert after - before == timedelta(hours=24, minutes=30)


def test_zone_without_dst_is_24_hours_apart() -> None:
    posts = walk(datetime(2026, 3, 1, tzinfo=UTC), 30, "07:15", ALL_DAYS, "Asia/Kolkata")
    gaps = {b[0] - a[0] for a, b in itertools.pairwise(posts)}
    assert gaps == {timedelta(hours=24)}


def test_days_of_the_week() -> None:
    posts = walk(datetime(2026, 11, 30, tzinfo=UTC), 14, "09:00", parse_days("mon,wed,fri"), "UTC")
    assert {d.strftime("%a") for _, d in posts} == {"Mon", "Wed", "Fri"}
    assert len(posts) == 6
    weekdays = walk(datetime(2026, 11, 30, tzinfo=UTC), 7, "09:00", WEEKDAYS, "UTC")
    assert len(weekdays) == 5


@settings(max_examples=200, deadline=None)
@given(
    start=st.datetimes(
        min_value=datetime(2025, 1, 1),  # noqa: DTZ001 - hypothesis adds the zone
        max_value=datetime(2030, 1, 1),  # noqa: DTZ001
        timezones=st.just(UTC),
    ),
    zone=st.sampled_from(["America/New_York", "Europe/London", "Australia/Lord_Howe", "UTC"]),
    hour=st.integers(0, 23),
    minute=st.sampled_from([0, 15, 30, 59]),
    mask=st.integers(1, ALL_DAYS),
)
def test_next_due_is_after_and_within_a_week(
    start: datetime, zone: str, hour: int, minute: int, mask: int
) -> None:
    local_time = f"{hour:02d}:{minute:02d}"
    due, day = next_due(start, local_time, mask, zone)
    assert start < due <= start + timedelta(days=8)
    assert mask & (1 << day.weekday())
    assert due_on(day, local_time, zone) == due


def test_parse_time_and_days() -> None:
    assert parse_time("9:05") == "09:05"
    assert parse_time("21:30") == "21:30"
    assert parse_time("9pm") == "21:00"
    assert parse_time("12am") == "00:00"
    for bad in ("25:00", "9:60", "noon", "13pm"):
        with pytest.raises(ScheduleError):
            parse_time(bad)
    assert parse_days("daily") == ALL_DAYS
    assert parse_days("weekdays") == WEEKDAYS
    assert describe_days(parse_days("Mon, Wednesday,fri")) == "mon,wed,fri"
    with pytest.raises(ScheduleError, match="'funday' is not a day"):
        parse_days("mon,funday")


def test_timezones() -> None:
    assert resolve_timezone("Europe/Berlin") == ("Europe/Berlin", None)
    assert resolve_timezone("europe/berlin") == ("Europe/Berlin", None)
    assert resolve_timezone("UTC") == ("UTC", None)
    assert resolve_timezone("EST") == ("America/New_York", "EST was read as America/New_York")
    with pytest.raises(ScheduleError, match="Did you mean Europe/Berlin"):
        resolve_timezone("Berlinn")
    assert suggest_timezones("berl")[0] == "Europe/Berlin"
    assert len(suggest_timezones("a")) == 25


def test_reveal_defaults_to_just_before_the_next_post() -> None:
    posted = datetime(2026, 12, 1, 9, tzinfo=UTC)
    nxt = datetime(2026, 12, 2, 9, tzinfo=UTC)
    assert reveal_instant(posted, nxt, None) == nxt - timedelta(minutes=10)
    assert reveal_instant(posted, nxt, 4) == posted + timedelta(hours=4)


def test_days_are_whole_day_names_or_their_beginnings() -> None:
    assert describe_days(parse_days("tues, thurs, Saturday")) == "tue,thu,sat"
    for bad, word in [
        ("monkey,tuesday-ish,frisbee", "monkey"),
        ("mon,tuesday-ish", "tuesday-ish"),
        ("mo", "mo"),
        ("sundays", "sundays"),
    ]:
        with pytest.raises(ScheduleError, match=f"'{word}' is not a day"):
            parse_days(bad)
    for empty in (",,,", " , ,"):
        with pytest.raises(ScheduleError, match="needs at least one day"):
            parse_days(empty)
