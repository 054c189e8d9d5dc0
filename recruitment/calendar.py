"""Business-day arithmetic for call deadlines and reminders: Monday to Friday, no holidays.

Everything is computed on the local calendar of the role's time zone and returned as an aware UTC
datetime, so a deadline "17:00 on Tuesday" stays 17:00 local across a daylight-saving change.
Nothing here reads the clock: the caller passes the moment to count from.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

_SATURDAY = 5

_DAY_NAMES: dict[str, tuple[str, ...]] = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "sv": ("mån", "tis", "ons", "tors", "fre", "lör", "sön"),
}
_MONTH_NAMES: dict[str, tuple[str, ...]] = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "sv": ("jan", "feb", "mars", "apr", "maj", "juni", "juli", "aug", "sep", "okt", "nov", "dec"),
}


def _zone(tz: str) -> tzinfo:
    """The time zone `tz`, usable as a datetime's tzinfo, also inside Temporal's sandbox.

    When this module is imported inside the workflow sandbox (not passed through), the sandbox
    hands out `ZoneInfo` instances wrapped in a restriction proxy, which `datetime` refuses as a
    tzinfo. The proxy gives out the real class, and the real class returns the same cached zone
    that a passed-through import would use. Outside the sandbox this is plain `ZoneInfo(tz)`.
    """
    zone = ZoneInfo(tz)
    real = zone.__class__
    return zone if type(zone) is real else real(tz)


def _local_date(moment: datetime, tz: str) -> date:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("expected a timezone-aware datetime")
    return moment.astimezone(_zone(tz)).date()


def _is_weekday(day: date) -> bool:
    return day.weekday() < _SATURDAY


def _next_weekday(day: date) -> date:
    day += timedelta(days=1)
    while not _is_weekday(day):
        day += timedelta(days=1)
    return day


def _at(day: date, at: time, tz: str) -> datetime:
    local = datetime.combine(day, at.replace(tzinfo=None), tzinfo=_zone(tz))
    return local.astimezone(UTC)


def is_business_day(moment: datetime, tz: str) -> bool:
    """True when `moment` falls on a Monday to Friday in `tz`."""
    return _is_weekday(_local_date(moment, tz))


def add_business_days(start: datetime, days: int, tz: str, at: time = time(17, 0)) -> datetime:
    """The `days`-th business day after `start`'s local date, at local time `at`, in UTC.

    `days=0` is the same day when that is a business day, otherwise the next business day.
    Friday + 2 is Tuesday; Saturday + 1 is Monday.
    """
    if days < 0:
        raise ValueError(f"days must be zero or more, got {days}")
    day = _local_date(start, tz)
    if days == 0:
        return _at(day if _is_weekday(day) else _next_weekday(day), at, tz)
    for _ in range(days):
        day = _next_weekday(day)
    return _at(day, at, tz)


def next_business_morning(after: datetime, tz: str, at: time = time(9, 0)) -> datetime:
    """The first business day strictly after `after`'s local date, at local time `at`, in UTC."""
    return _at(_next_weekday(_local_date(after, tz)), at, tz)


def reminder_time(
    since: datetime, number: int, every: int, tz: str, at: time = time(9, 0)
) -> datetime:
    """When the `number`-th reminder (from 1) goes out: the first business morning after
    `since`, then every `every` business days."""
    if number < 1 or every < 1:
        raise ValueError(f"number and every must be 1 or more, got {number} and {every}")
    day = _local_date(since, tz)
    for _ in range(1 + (number - 1) * every):
        day = _next_weekday(day)
    return _at(day, at, tz)


def format_due(moment: datetime, tz: str, language: str) -> str:
    """A short local date and time a person reads at a glance: "Tue 15 Dec 17:00"."""
    code = str(language).lower()
    if code not in _DAY_NAMES:
        raise ValueError(f"unknown language {language!r} (use 'sv' or 'en')")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("expected a timezone-aware datetime")
    local = moment.astimezone(_zone(tz))
    day_name = _DAY_NAMES[code][local.weekday()]
    month_name = _MONTH_NAMES[code][local.month - 1]
    return f"{day_name} {local.day} {month_name} {local.hour:02d}:{local.minute:02d}"


def format_date(moment: datetime, tz: str, language: str) -> str:
    """A local date with the year: "15 Dec 2025" / "15 dec 2025"."""
    code = str(language).lower()
    if code not in _MONTH_NAMES:
        raise ValueError(f"unknown language {language!r} (use 'sv' or 'en')")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("expected a timezone-aware datetime")
    local = moment.astimezone(_zone(tz))
    return f"{local.day} {_MONTH_NAMES[code][local.month - 1]} {local.year}"
