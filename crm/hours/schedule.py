"""The opening-hours calculation: weekly wall-clock intervals in a time zone, and holidays.

Pure: no database. Times are compared as local wall-clock times, so an interval means the same
hours on either side of a daylight-saving change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
LOOK_AHEAD_DAYS = 15  # a fortnight's holidays and a weekend either side


class ScheduleError(ValueError):
    """A schedule that cannot be kept: field names the offending part."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def minutes(text: str, *, end: bool = False) -> int:
    """Minutes after midnight of "HH:MM" (24:00 only as an end)."""
    hh, sep, mm = (text or "").partition(":")
    if not (sep and len(hh) == 2 and len(mm) == 2 and hh.isdigit() and mm.isdigit()):
        raise ValueError(f"{text!r} is not a time like 09:00")
    value = int(hh) * 60 + int(mm)
    if int(mm) > 59 or value > 24 * 60 or (value == 24 * 60 and not end):
        raise ValueError(f"{text!r} is not a time of day (00:00 to 23:59, or 24:00 as an end)")
    return value


def zone(name: str) -> ZoneInfo:
    """The IANA time zone of that name."""
    try:
        if not name or name.startswith(("/", ".")) or ".." in name:
            raise ZoneInfoNotFoundError(name)
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleError("timezone", f"unknown time zone {name!r} (use a name like "
                                        "Europe/London)") from None


@dataclass(frozen=True)
class Schedule:
    """When a line is open: per weekday, (start, end) minutes; holidays closed all day."""

    tz: ZoneInfo
    weekly: dict[str, tuple[tuple[int, int], ...]]
    holidays: frozenset[date]

    @classmethod
    def parse(cls, timezone: str, weekly: dict, holidays: list) -> Schedule:
        """Check and build a schedule; ScheduleError names the first bad field."""
        tz = zone(timezone)
        days = {}
        for day, spans in (weekly or {}).items():
            if day not in DAYS:
                raise ScheduleError(f"weekly.{day}",
                                    f"{day!r} is not a day (use {', '.join(DAYS)})")
            days[day] = tuple(_span(day, n, span) for n, span in enumerate(spans or ()))
        found = set()
        for n, text in enumerate(holidays or ()):
            try:
                found.add(date.fromisoformat(str(text)))
            except ValueError:
                raise ScheduleError(f"holidays.{n}", f"{text!r} is not a date like "
                                                     "2026-12-25") from None
        schedule = cls(tz, days, frozenset(found))
        schedule._check_overlaps()
        return schedule

    def _check_overlaps(self) -> None:
        # Per day, the day's own intervals plus what the day before runs past midnight into.
        for i, day in enumerate(DAYS):
            before = DAYS[i - 1]
            spans = [(s, e if e > s else 24 * 60) for s, e in self.weekly.get(day, ())]
            spans += [(0, e) for s, e in self.weekly.get(before, ()) if e <= s and e > 0]
            spans.sort()
            for (_, e1), (s2, _) in pairwise(spans):
                if s2 < e1:
                    raise ScheduleError(f"weekly.{day}", f"intervals on {day} overlap "
                                                          f"({_hhmm(s2)} is before {_hhmm(e1)})")

    def _intervals_on(self, day: date):
        # The open intervals that start on this local date, as aware datetimes.
        if day in self.holidays:
            return
        for start, end in self.weekly.get(DAYS[day.weekday()], ()):
            opens = _at(day, start, self.tz)
            closes = _at(day + timedelta(days=1) if end <= start else day, end, self.tz)
            yield opens, closes

    def _spans_around(self, at: datetime, back: int, ahead: int):
        local = at.astimezone(self.tz).date()
        for n in range(-back, ahead + 1):
            day = local + timedelta(days=n)
            for opens, closes in self._intervals_on(day):
                # A holiday is closed all day, also to the night before running into it.
                if closes.astimezone(self.tz).date() in self.holidays and closes.astimezone(
                        self.tz).time() != time(0):
                    closes = _at(closes.astimezone(self.tz).date(), 0, self.tz)
                if opens < closes:
                    yield opens, closes

    def is_open(self, at: datetime) -> bool:
        """True when `at` (aware) falls in an open interval."""
        return any(o <= at < c for o, c in self._spans_around(at, 1, 0))

    def closed_since(self, at: datetime) -> datetime | None:
        """When the closed period around `at` began (the last close), None when open or when
        it has not been open for a fortnight."""
        if self.is_open(at):
            return None
        ends = [c for _, c in self._spans_around(at, LOOK_AHEAD_DAYS, 0) if c <= at]
        return max(ends) if ends else None

    def opens_at(self, at: datetime) -> datetime | None:
        """The next time it opens after `at` (None when open now or not within a fortnight)."""
        if self.is_open(at):
            return None
        starts = [o for o, _ in self._spans_around(at, 0, LOOK_AHEAD_DAYS) if o > at]
        return min(starts) if starts else None


def _span(day: str, n: int, span) -> tuple[int, int]:
    field = f"weekly.{day}.{n}"
    if not isinstance(span, list | tuple) or len(span) != 2:
        raise ScheduleError(field, 'an interval is a pair of times like ["09:00", "17:00"]')
    try:
        start, end = minutes(str(span[0])), minutes(str(span[1]), end=True)
    except ValueError as exc:
        raise ScheduleError(field, str(exc)) from None
    if start == end:
        raise ScheduleError(field, "an interval cannot start and end at the same time")
    return start, end


def _at(day: date, mins: int, tz: ZoneInfo) -> datetime:
    # A wall-clock time on a local date as a UTC instant (24:00 is the next midnight); a time
    # in a daylight-saving gap or overlap resolves as zoneinfo does (fold 0).
    naive = datetime.combine(day, time(0)) + timedelta(minutes=mins)
    return naive.replace(tzinfo=tz).astimezone(UTC)


def _hhmm(mins: int) -> str:
    return f"{mins // 60:02d}:{mins % 60:02d}"
