"""Cron schedules as upstream reads them: robfig/cron/v3's `ParseStandard`.

`parse(spec)` accepts what the CronJob API server and controller accept — five fields
(minute hour day-of-month month day-of-week) with `*`, `?`, ranges `a-b`, steps `/n`,
lists `a,b`, month and weekday names (JAN…DEC, SUN…SAT, case-insensitive), an optional
`TZ=`/`CRON_TZ=` prefix, and the descriptors @yearly @annually @monthly @weekly @daily
@midnight @hourly and `@every <duration>`. Errors carry robfig's own words, which the API
server puts verbatim into `spec.schedule: Invalid value: …` (validation_batch.py).

`Schedule.next(t)` is robfig's SpecSchedule.Next: the first matching whole minute strictly
after `t`, in `t`'s time zone; day-of-month and day-of-week are OR-ed unless either is `*`.
The cronjob controller (controllers/cronjob.py) is the other reader.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

_MONTHS = {m: i + 1 for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))}
_DOWS = {d: i for i, d in enumerate(("sun", "mon", "tue", "wed", "thu", "fri", "sat"))}
_BOUNDS = ((0, 59, {}), (0, 23, {}), (1, 31, {}), (1, 12, _MONTHS), (0, 6, _DOWS))
_DESCRIPTORS = {
    "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}
_STAR = 1 << 63  # robfig's starBit: the field was `*` or `?`


class CronError(ValueError):
    """An unparseable schedule; str() is robfig/cron's message."""


@dataclass(frozen=True)
class Schedule:
    minute: int
    hour: int
    dom: int
    month: int
    dow: int
    every: timedelta | None = None  # @every
    tz: str | None = None  # TZ= / CRON_TZ= prefix

    def _day_matches(self, t: datetime) -> bool:
        dom_ok = bool(self.dom & (1 << t.day))
        dow_ok = bool(self.dow & (1 << ((t.weekday() + 1) % 7)))
        if self.dom & _STAR or self.dow & _STAR:
            return dom_ok and dow_ok
        return dom_ok or dow_ok

    def next(self, t: datetime) -> datetime | None:
        """The first activation strictly after `t` (None: none within five years)."""
        if self.every is not None:
            step = max(self.every, timedelta(seconds=1))
            return (t + step).replace(microsecond=0)
        t = t.replace(second=0, microsecond=0) + timedelta(minutes=1)
        limit = t.year + 5
        while t.year <= limit:
            if not self.month & (1 << t.month):
                month = t.month + 1
                t = t.replace(year=t.year + (month > 12), month=(month - 1) % 12 + 1, day=1, hour=0, minute=0)
                continue
            if not self._day_matches(t):
                t = (t + timedelta(days=1)).replace(hour=0, minute=0)
                continue
            if not self.hour & (1 << t.hour):
                t = (t + timedelta(hours=1)).replace(minute=0)
                continue
            if not self.minute & (1 << t.minute):
                t += timedelta(minutes=1)
                continue
            return t
        return None


def _number(text: str, names: dict[str, int]) -> int:
    if text.lower() in names:
        return names[text.lower()]
    try:
        n = int(text) if re.fullmatch(r"[+-]?\d+", text) else int("x")
    except ValueError:
        raise CronError(f"failed to parse int from {text}: strconv.Atoi: parsing {text!r}: invalid syntax".replace(
            "'", '"')) from None
    if n < 0:
        raise CronError(f"negative number ({n}) not allowed: {text}")
    return n


def _range(expr: str, lo: int, hi: int, names: dict[str, int]) -> int:
    range_and_step = expr.split("/")
    low_and_high = range_and_step[0].split("-")
    single = len(low_and_high) == 1
    extra = 0
    if low_and_high[0] in ("*", "?"):
        start, end, extra = lo, hi, _STAR
    else:
        start = _number(low_and_high[0], names)
        if len(low_and_high) == 1:
            end = start
        elif len(low_and_high) == 2:
            end = _number(low_and_high[1], names)
        else:
            raise CronError(f"too many hyphens: {expr}")
    if len(range_and_step) == 1:
        step = 1
    elif len(range_and_step) == 2:
        step = _number(range_and_step[1], {})
        if single:  # "N/step" means "N-max/step"
            end = hi
        if step > 1:
            extra = 0
    else:
        raise CronError(f"too many slashes: {expr}")
    if start < lo:
        raise CronError(f"beginning of range ({start}) below minimum ({lo}): {expr}")
    if end > hi:
        raise CronError(f"end of range ({end}) above maximum ({hi}): {expr}")
    if start > end:
        raise CronError(f"beginning of range ({start}) beyond end of range ({end}): {expr}")
    if step == 0:
        raise CronError(f"step of range should be a positive number: {expr}")
    bits = 0
    for i in range(start, end + 1, step):
        bits |= 1 << i
    return bits | extra


def _field(text: str, index: int) -> int:
    lo, hi, names = _BOUNDS[index]
    bits = 0
    for expr in text.split(","):
        bits |= _range(expr, lo, hi, names)
    return bits


_GO_DURATION = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)")
_UNIT = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600}


def _duration(text: str) -> timedelta:
    """Go's time.ParseDuration for the positive durations @every takes."""
    if text == "0":
        return timedelta(0)
    pos, total = 0, 0.0
    for m in _GO_DURATION.finditer(text):
        if m.start() != pos:
            break
        total += float(m.group(1)) * _UNIT[m.group(2)]
        pos = m.end()
    if pos != len(text) or not text:
        raise CronError(f'failed to parse duration @every {text}: time: invalid duration "{text}"')
    return timedelta(seconds=total)


def parse(spec: str) -> Schedule:
    """robfig cron.ParseStandard(spec), or CronError with its message."""
    if not spec:
        raise CronError("empty spec string")
    tz = None
    if spec.startswith(("TZ=", "CRON_TZ=")):
        head, _, spec = spec.partition(" ")
        tz = head.split("=", 1)[1]
        spec = spec.strip()
    if spec.startswith("@"):
        if spec.startswith("@every "):
            return Schedule(0, 0, 0, 0, 0, every=_duration(spec[len("@every "):]), tz=tz)
        expanded = _DESCRIPTORS.get(spec)
        if expanded is None:
            raise CronError(f"unrecognized descriptor: {spec}")
        spec = expanded
    fields = spec.split()
    if len(fields) != 5:
        raise CronError(f"expected exactly 5 fields, found {len(fields)}: [{' '.join(fields)}]")
    bits = [_field(f, i) for i, f in enumerate(fields)]
    return Schedule(*bits, tz=tz)


def parse_errors(spec: str) -> str | None:
    """The parse error message, or None when `spec` parses."""
    try:
        parse(spec)
    except CronError as err:
        return str(err)
    return None
