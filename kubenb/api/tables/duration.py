"""Human-readable ages and durations, as kubectl and the apiserver print them.

A port of apimachinery `util/duration.HumanDuration` plus the `translateTimestampSince`
wrapper the server-side printers use. Row functions (`rows_*.py`) feed every AGE,
LAST SEEN and "x ago" cell through here; describers reuse it for event ages.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from functools import lru_cache

_NS_PER_S = 1_000_000_000


@lru_cache(maxsize=4096)  # a table of many objects repeats their creation seconds
def parse_time(timestamp: str | None) -> datetime | None:
    """Parse an RFC 3339 timestamp (`2025-01-06T10:00:00Z`, fractions and offsets too).

    Returns None for a missing or empty value (Go's zero time).
    """
    if not timestamp:
        return None
    text = timestamp.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    # Python accepts at most 6 fractional digits; MicroTime has 6, RFC3339Nano up to 9.
    if "." in text:
        head, _, rest = text.partition(".")
        digits = ""
        while rest and rest[0].isdigit():
            digits, rest = digits + rest[0], rest[1:]
        text = f"{head}.{digits[:6].ljust(6, '0')}{rest}" if digits else head + rest
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed


def _human_ns(ns: int) -> str:
    seconds = int(ns / _NS_PER_S) if ns < 0 else ns // _NS_PER_S  # Go truncates toward zero
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    if seconds < 60 * 2:
        return f"{seconds}s"
    minutes = seconds // 60
    if minutes < 10:
        s = seconds % 60
        return f"{minutes}m" if s == 0 else f"{minutes}m{s}s"
    if minutes < 60 * 3:
        return f"{minutes}m"
    hours = minutes // 60
    if hours < 8:
        m = minutes % 60
        return f"{hours}h" if m == 0 else f"{hours}h{m}m"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        h = hours % 24
        return f"{hours // 24}d" if h == 0 else f"{hours // 24}d{h}h"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        dy = (hours // 24) % 365
        years = hours // 24 // 365
        return f"{years}y" if dy == 0 else f"{years}y{dy}d"
    return f"{hours // 24 // 365}y"


def human_duration(seconds: float) -> str:
    """apimachinery HumanDuration: `59s`, `3m12s`, `10m`, `7h59m`, `2d3h`, `3y45d`, `<invalid>`."""
    return _human_ns(round(seconds * _NS_PER_S))


def human_timedelta(delta: timedelta) -> str:
    """HumanDuration of an exact timedelta (no float rounding)."""
    return _human_ns((delta // timedelta(microseconds=1)) * 1000)


def age(timestamp: str | None, now: datetime) -> str:
    """`translateTimestampSince`: `<unknown>` for a missing timestamp, else the age at `now`."""
    then = parse_time(timestamp)
    if then is None:
        return "<unknown>"
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    return human_timedelta(now - then)
