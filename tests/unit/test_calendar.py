from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recruitment.calendar import (
    add_business_days,
    format_due,
    is_business_day,
    next_business_morning,
    reminder_time,
)

STOCKHOLM = "Europe/Stockholm"
SE = ZoneInfo(STOCKHOLM)


def local(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SE)


def test_friday_plus_two_is_tuesday_at_five_pm():
    due = add_business_days(local(2025, 12, 12, 10, 0), 2, STOCKHOLM)  # a Friday
    assert due == local(2025, 12, 16, 17, 0)
    assert due.tzinfo == UTC
    assert format_due(due, STOCKHOLM, "en") == "Tue 16 Dec 17:00"


def test_saturday_plus_one_is_monday():
    assert add_business_days(local(2025, 12, 13, 11, 0), 1, STOCKHOLM) == local(2025, 12, 15, 17, 0)


def test_zero_days_is_today_on_a_weekday_and_monday_on_a_weekend():
    assert add_business_days(local(2025, 12, 10, 8, 0), 0, STOCKHOLM) == local(2025, 12, 10, 17, 0)
    assert add_business_days(local(2025, 12, 14, 8, 0), 0, STOCKHOLM) == local(2025, 12, 15, 17, 0)


def test_the_local_date_counts_not_the_utc_date():
    # 23:30 UTC on Friday is already Saturday in Stockholm.
    start = datetime(2025, 12, 12, 23, 30, tzinfo=UTC)
    assert add_business_days(start, 1, STOCKHOLM) == local(2025, 12, 15, 17, 0)


def test_week_with_the_autumn_clock_change_keeps_local_time():
    # Summer time ends on Sunday 26 October 2025 in Stockholm.
    friday = add_business_days(local(2025, 10, 24, 9, 0), 0, STOCKHOLM)
    monday = add_business_days(local(2025, 10, 24, 9, 0), 1, STOCKHOLM)
    assert friday == datetime(2025, 10, 24, 15, 0, tzinfo=UTC)  # 17:00 CEST
    assert monday == datetime(2025, 10, 27, 16, 0, tzinfo=UTC)  # 17:00 CET
    assert format_due(monday, STOCKHOLM, "sv") == "mån 27 okt 17:00"


def test_week_with_the_spring_clock_change_keeps_local_time():
    # Summer time starts on Sunday 30 March 2025 in Stockholm.
    monday = add_business_days(local(2025, 3, 28, 9, 0), 1, STOCKHOLM)
    assert monday == datetime(2025, 3, 31, 15, 0, tzinfo=UTC)  # 17:00 CEST
    assert next_business_morning(local(2025, 3, 28, 18, 0), STOCKHOLM) == datetime(
        2025, 3, 31, 7, 0, tzinfo=UTC
    )  # 09:00 CEST


def test_next_business_morning_skips_the_weekend():
    assert next_business_morning(local(2025, 12, 12, 16, 0), STOCKHOLM) == local(2025, 12, 15, 9, 0)
    assert next_business_morning(local(2025, 12, 15, 7, 0), STOCKHOLM) == local(2025, 12, 16, 9, 0)


def test_custom_time_of_day():
    due = add_business_days(local(2025, 12, 12, 10, 0), 1, STOCKHOLM, at=time(12, 30))
    assert due == local(2025, 12, 15, 12, 30)


def test_is_business_day():
    assert is_business_day(local(2025, 12, 12, 23, 59), STOCKHOLM)
    assert not is_business_day(local(2025, 12, 13, 0, 1), STOCKHOLM)
    assert not is_business_day(datetime(2025, 12, 12, 23, 30, tzinfo=UTC), STOCKHOLM)


def test_format_due_in_both_languages():
    moment = datetime(2020, 12, 15, 16, 0, tzinfo=UTC)
    assert format_due(moment, STOCKHOLM, "en") == "Tue 15 Dec 17:00"
    assert format_due(moment, STOCKHOLM, "sv") == "tis 15 dec 17:00"
    assert format_due(moment, "America/New_York", "en") == "Tue 15 Dec 11:00"


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        add_business_days(datetime(2025, 12, 12, 10, 0), 1, STOCKHOLM)


ZONES = ["Europe/Stockholm", "America/New_York", "Asia/Tokyo", "Australia/Sydney", "UTC"]
moments = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.just(UTC)
)


@given(moments, st.integers(0, 40), st.sampled_from(ZONES))
def test_result_is_a_business_day_at_the_chosen_local_time(start: datetime, days: int, tz: str):
    due = add_business_days(start, days, tz)
    assert is_business_day(due, tz)
    assert due.astimezone(ZoneInfo(tz)).time() == time(17, 0)
    assert due.astimezone(ZoneInfo(tz)).date() >= start.astimezone(ZoneInfo(tz)).date()
    if days >= 1:
        assert due > start
        # At most `days` business days plus two weekends' worth of calendar days later.
        assert due - start < timedelta(days=days + 2 * (days // 5 + 1) + 2)


@given(moments, st.sampled_from(ZONES))
def test_next_business_morning_is_after_and_on_a_business_day(start: datetime, tz: str):
    morning = next_business_morning(start, tz)
    assert morning > start
    assert is_business_day(morning, tz)
    assert morning.astimezone(ZoneInfo(tz)).time() == time(9, 0)


def test_reminders_after_a_friday_acceptance_come_each_business_morning():
    friday = local(2025, 12, 12, 10, 0)
    days = [format_due(reminder_time(friday, n, 1, STOCKHOLM), STOCKHOLM, "en") for n in (1, 2, 3)]
    assert days == ["Mon 15 Dec 09:00", "Tue 16 Dec 09:00", "Wed 17 Dec 09:00"]


def test_reminders_every_two_business_days_skip_the_weekend():
    thursday = local(2025, 12, 11, 16, 0)
    days = [
        format_due(reminder_time(thursday, n, 2, STOCKHOLM), STOCKHOLM, "sv") for n in (1, 2, 3)
    ]
    assert days == ["fre 12 dec 09:00", "tis 16 dec 09:00", "tors 18 dec 09:00"]


@given(
    st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1)),
    st.integers(min_value=1, max_value=20),
    st.integers(min_value=1, max_value=5),
)
def test_reminders_fall_on_business_days_in_order(start, number, every):
    since = start.replace(tzinfo=UTC)
    this = reminder_time(since, number, every, STOCKHOLM)
    following = reminder_time(since, number + 1, every, STOCKHOLM)
    assert is_business_day(this, STOCKHOLM) and since < this < following
