"""The cron parser (robfig/cron ParseStandard): fields, ranges, steps, names, descriptors,
errors in robfig's words, and the next activation."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from kubenb.api import cron

T0 = datetime(2025, 1, 6, 10, 0, 30, tzinfo=timezone.utc)  # a Monday


def bits(*values: int) -> int:
    return sum(1 << v for v in values)


def nexts(spec: str, start: datetime = T0, n: int = 3) -> list[str]:
    sched, out, t = cron.parse(spec), [], start
    for _ in range(n):
        t = sched.next(t)
        out.append(t.strftime("%a %d %H:%M"))
    return out


@pytest.mark.parametrize("spec, field, want", [
    ("5 * * * *", "minute", bits(5)),
    ("1-3 * * * *", "minute", bits(1, 2, 3)),
    ("1,4,7 * * * *", "minute", bits(1, 4, 7)),
    ("*/20 * * * *", "minute", bits(0, 20, 40)),
    ("10/20 * * * *", "minute", bits(10, 30, 50)),
    ("0-10/5 * * * *", "minute", bits(0, 5, 10)),
    ("0 * * JAN-MAR *", "month", bits(1, 2, 3)),
    ("0 * * * mon,WED", "dow", bits(1, 3)),
    ("0 * * * sun", "dow", bits(0)),
])
def test_fields_ranges_steps_and_names(spec: str, field: str, want: int) -> None:
    assert getattr(cron.parse(spec), field) == want


@pytest.mark.parametrize("spec, want", [
    ("*/15 * * * *", ["Mon 06 10:15", "Mon 06 10:30", "Mon 06 10:45"]),
    ("@hourly", ["Mon 06 11:00", "Mon 06 12:00", "Mon 06 13:00"]),
    ("@daily", ["Tue 07 00:00", "Wed 08 00:00", "Thu 09 00:00"]),
    ("@midnight", ["Tue 07 00:00", "Wed 08 00:00", "Thu 09 00:00"]),
    ("@weekly", ["Sun 12 00:00", "Sun 19 00:00", "Sun 26 00:00"]),
    ("0 9 * * 1-5", ["Tue 07 09:00", "Wed 08 09:00", "Thu 09 09:00"]),
    ("0 0 13 * 5", ["Fri 10 00:00", "Mon 13 00:00", "Fri 17 00:00"]),  # dom OR dow when both set
    ("0 0 1 * *", ["Sat 01 00:00", "Sat 01 00:00", "Tue 01 00:00"]),
])
def test_next_activation(spec: str, want: list[str]) -> None:
    assert nexts(spec) == want


def test_descriptors_expand_to_fields() -> None:
    assert cron.parse("@yearly") == cron.parse("@annually") == cron.parse("0 0 1 1 *")
    assert cron.parse("@monthly") == cron.parse("0 0 1 * *")
    assert cron.parse("@every 90s").next(T0) == T0.replace(microsecond=0) + timedelta(seconds=90)


def test_next_follows_the_time_zone_of_its_argument() -> None:
    shanghai = T0.astimezone(ZoneInfo("Asia/Shanghai"))  # 18:00:30 there
    got = cron.parse("0 20 * * *").next(shanghai)
    assert got is not None and got.astimezone(timezone.utc) == datetime(2025, 1, 6, 12, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("spec, message", [
    ("", "empty spec string"),
    ("* * * *", "expected exactly 5 fields, found 4: [* * * *]"),
    ("60 * * * *", "end of range (60) above maximum (59): 60"),
    ("* 5-2 * * *", "beginning of range (5) beyond end of range (2): 5-2"),
    ("* * 0 * *", "beginning of range (0) below minimum (1): 0"),
    ("*/0 * * * *", "step of range should be a positive number: */0"),
    ("1-2-3 * * * *", "too many hyphens: 1-2-3"),
    ("*/2/3 * * * *", "too many slashes: */2/3"),
    ("x * * * *", 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'),
    ("* * * FOO *", 'failed to parse int from FOO: strconv.Atoi: parsing "FOO": invalid syntax'),
    ("@fortnightly", "unrecognized descriptor: @fortnightly"),
    ("@every soon", 'failed to parse duration @every soon: time: invalid duration "soon"'),
])
def test_errors_in_robfigs_words(spec: str, message: str) -> None:
    with pytest.raises(cron.CronError) as err:
        cron.parse(spec)
    assert str(err.value) == message
    assert cron.parse_errors(spec) == message
