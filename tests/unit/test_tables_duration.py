"""HumanDuration and age(): the table of apimachinery util/duration, edge by edge."""

from datetime import datetime, timedelta, timezone

import pytest

from kubenb.api.tables.duration import age, human_duration, parse_time

NOW = datetime(2025, 1, 6, 12, 0, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (-3, "<invalid>"), (-2, "<invalid>"), (-1.5, "0s"), (-1, "0s"), (-0.2, "0s"),
        (0, "0s"), (0.9, "0s"), (59, "59s"), (119, "119s"), (120, "2m"), (192, "3m12s"),
        (599, "9m59s"), (600, "10m"), (179 * 60 + 59, "179m"), (3 * 3600, "3h"),
        (7 * 3600 + 59 * 60, "7h59m"), (8 * 3600, "8h"), (47 * 3600 + 3599, "47h"),
        (48 * 3600, "2d"), (51 * 3600, "2d3h"), (8 * 86400 - 1, "7d23h"), (8 * 86400, "8d"),
        (729 * 86400, "729d"), (730 * 86400, "2y"), (3 * 365 * 86400 + 45 * 86400, "3y45d"),
        (8 * 365 * 86400, "8y"), (20 * 365 * 86400 + 100 * 86400, "20y"),
    ],
)
def test_human_duration(seconds: float, text: str) -> None:
    assert human_duration(seconds) == text


@pytest.mark.parametrize(
    ("stamp", "text"),
    [
        (None, "<unknown>"), ("", "<unknown>"),
        ("2025-01-06T11:55:00Z", "5m"),
        ("2025-01-06T11:59:59.999999Z", "0s"),
        ("2025-01-06T11:47:48.123456789Z", "12m"),  # nanosecond fractions are accepted
        ("2025-01-06T13:00:00+01:00", "0s"),  # offsets count
        ("2025-01-06T12:00:01Z", "0s"),  # up to 1 s in the future is "now"
        ("2025-01-06T12:00:02Z", "<invalid>"),
        ("2025-01-04T12:00:00Z", "2d"),
    ],
)
def test_age(stamp: str | None, text: str) -> None:
    assert age(stamp, NOW) == text


def test_age_accepts_naive_now_as_utc() -> None:
    assert age("2025-01-06T11:00:00Z", NOW.replace(tzinfo=None)) == "60m"


def test_parse_time_round_trip() -> None:
    assert parse_time("2025-01-06T10:00:00Z") == NOW - timedelta(hours=2)
