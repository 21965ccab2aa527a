"""The opening-hours calculation: daylight saving, holidays, overnight intervals, checks."""

from datetime import UTC, datetime

import pytest

from crm.hours.schedule import Schedule, ScheduleError

WEEKDAYS = {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_hours_follow_the_local_clock_across_a_daylight_saving_change():
    london = Schedule.parse("Europe/London", WEEKDAYS, [])
    # Monday 23 March 2026 is on GMT: 08:30 UTC is 08:30 there, before opening.
    assert not london.is_open(at("2026-03-23T08:30"))
    assert london.is_open(at("2026-03-23T09:00"))
    # The clocks went forward on Sunday 29 March: on Monday 08:30 UTC is 09:30 BST, open,
    # and 16:30 UTC is 17:30 BST, closed.
    assert london.is_open(at("2026-03-30T08:30"))
    assert not london.is_open(at("2026-03-30T16:30"))
    assert london.is_open(at("2026-03-30T15:59"))


def test_a_holiday_is_closed_all_day_and_the_next_opening_skips_it():
    ny = Schedule.parse("America/New_York", WEEKDAYS, ["2026-12-25"])
    christmas_noon = at("2026-12-25T17:00")  # 12:00 in New York, a Friday
    assert not ny.is_open(christmas_noon)
    assert ny.is_open(at("2026-12-24T17:00"))
    # Next opening: Monday 28 December 09:00 EST = 14:00 UTC (the weekend is closed too).
    assert ny.opens_at(christmas_noon) == at("2026-12-28T14:00")
    # The closed period began when Thursday closed (17:00 EST = 22:00 UTC).
    assert ny.closed_since(christmas_noon) == at("2026-12-24T22:00")


def test_an_overnight_interval_runs_past_midnight_into_the_next_day():
    nights = Schedule.parse("UTC", {"fri": [["22:00", "06:00"]]}, [])
    assert nights.is_open(at("2026-12-04T23:30"))  # Friday night
    assert nights.is_open(at("2026-12-05T05:59"))  # Saturday morning, same interval
    assert not nights.is_open(at("2026-12-05T06:00"))
    assert not nights.is_open(at("2026-12-04T21:59"))
    assert nights.closed_since(at("2026-12-05T12:00")) == at("2026-12-05T06:00")


def test_a_holiday_also_ends_the_night_running_into_it():
    nights = Schedule.parse("UTC", {"thu": [["22:00", "06:00"]]}, ["2026-12-25"])
    assert nights.is_open(at("2026-12-24T23:00"))
    assert not nights.is_open(at("2026-12-25T01:00"))


def test_24_00_ends_a_day_and_open_all_week_has_no_closed_period():
    always = Schedule.parse("Asia/Tokyo", {d: [["00:00", "24:00"]] for d in (
        "mon", "tue", "wed", "thu", "fri", "sat", "sun")}, [])
    assert always.is_open(at("2026-12-06T15:00"))
    assert always.opens_at(at("2026-12-06T15:00")) is None


@pytest.mark.parametrize(("weekly", "holidays", "zone", "field", "words"), [
    ({"mon": [["09:00", "12:00"], ["11:00", "14:00"]]}, [], "UTC", "weekly.mon", "overlap"),
    ({"sun": [["20:00", "08:00"]], "mon": [["07:00", "12:00"]]}, [], "UTC", "weekly.mon",
     "overlap"),
    ({"mon": [["25:00", "26:00"]]}, [], "UTC", "weekly.mon.0", "not a time of day"),
    ({"mon": [["9am", "5pm"]]}, [], "UTC", "weekly.mon.0", "not a time like"),
    ({"mon": [["09:00"]]}, [], "UTC", "weekly.mon.0", "pair of times"),
    ({"mon": [["09:00", "09:00"]]}, [], "UTC", "weekly.mon.0", "same time"),
    ({"monday": [["09:00", "17:00"]]}, [], "UTC", "weekly.monday", "not a day"),
    (WEEKDAYS, ["25/12/2026"], "UTC", "holidays.0", "not a date"),
    (WEEKDAYS, [], "Mars/Olympus_Mons", "timezone", "unknown time zone"),
    (WEEKDAYS, [], "../../etc/passwd", "timezone", "unknown time zone"),
])
def test_a_bad_schedule_names_the_field_at_fault(weekly, holidays, zone, field, words):
    with pytest.raises(ScheduleError) as err:
        Schedule.parse(zone, weekly, holidays)
    assert err.value.field == field and words in err.value.message
