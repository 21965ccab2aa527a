"""Time zones for tests of rules that read the wall clock (collections' convenient hours)."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

# Numbers whose country has one time zone, spread round the world: at any moment one of
# them is in its daytime and another in its night.
NUMBERS = {"+12125550100": "America/New_York", "+442079460000": "Europe/London",
           "+919810012345": "Asia/Calcutta", "+81312345678": "Asia/Tokyo",
           "+61291234567": "Australia/Sydney", "+5511912345678": "America/Sao_Paulo",
           "+18085550100": "Pacific/Honolulu", "+27215551234": "Africa/Johannesburg",
           "+97142345678": "Asia/Dubai"}


def zone_where_it_is(hour: int) -> str:
    """An Etc/GMT zone where the wall clock now reads `hour` o'clock."""
    offset = (hour - datetime.now(UTC).hour) % 24
    offset = offset - 24 if offset > 14 else offset
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"  # Etc signs are inverted


def number_where_it_is(day: bool) -> tuple[str, str]:
    """(phone number, its zone) where it is now well inside (day) or outside 08:00-21:00."""
    for number, zone in NUMBERS.items():
        hour = datetime.now(ZoneInfo(zone)).hour
        if (10 <= hour < 19) if day else (hour >= 22 or hour < 6):
            return number, zone
    raise AssertionError("no number where it is day/night now: add one")
