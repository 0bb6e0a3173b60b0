"""Per-key exponential back-off, as client-go's `flowcontrol.Backoff` keeps it for the kubelet.

The kubelet keeps two: one for image pulls (key `<pod uid>_<image>`, kubelet_images.py) and
one for container restarts (key `<pod uid>/<container>`, podworker.py: CrashLoopBackOff).
`next()` starts at `initial` and doubles up to `maximum`; an entry untouched for longer
than `reset_after` starts again from `initial`. Times are plain seconds (clock.now()).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class _Entry:
    backoff: float
    last_update: float


class Backoff:
    def __init__(self, initial: float, maximum: float, reset_after: float) -> None:
        self.initial = initial
        self.maximum = maximum
        self.reset_after = reset_after
        self._entries: dict[str, _Entry] = {}

    def _expired(self, event_time: float, entry: _Entry) -> bool:
        return event_time - entry.last_update > self.reset_after

    def next(self, key: str, event_time: float, now: float) -> float:
        """Record one more failure; returns the back-off now in force for `key`."""
        entry = self._entries.get(key)
        if entry is None or self._expired(event_time, entry):
            entry = self._entries[key] = _Entry(self.initial, now)
        else:
            entry.backoff = min(entry.backoff * 2, self.maximum)
            entry.last_update = now
        return entry.backoff

    def get(self, key: str) -> float:
        entry = self._entries.get(key)
        return entry.backoff if entry else 0.0

    def in_backoff_since(self, key: str, event_time: float, now: float) -> bool:
        """Still within the back-off counted from `event_time` (a container's finish)?"""
        entry = self._entries.get(key)
        if entry is None or self._expired(event_time, entry):
            return False
        return now - event_time < entry.backoff

    def in_backoff_since_update(self, key: str, now: float) -> bool:
        """Still within the back-off counted from the last failure (image pulls)?"""
        entry = self._entries.get(key)
        if entry is None or self._expired(now, entry):
            return False
        return now - entry.last_update < entry.backoff

    def remaining_since_update(self, key: str, now: float) -> float:
        entry = self._entries.get(key)
        return max(0.0, entry.last_update + entry.backoff - now) if entry else 0.0

    def forget_prefix(self, prefix: str) -> None:
        for key in [k for k in self._entries if k.startswith(prefix)]:
            del self._entries[key]


def go_duration(seconds: float) -> str:
    """Go's time.Duration.String(): `300ms`, `10s`, `1m20s`, `5m0s`, `1.234s`."""
    ns = round(seconds * 1e9)
    if ns == 0:
        return "0s"
    sign = "-" if ns < 0 else ""
    ns = abs(ns)
    if ns < 1000:
        return f"{sign}{ns}ns"
    if ns < 1_000_000:
        return sign + _frac(ns, 1000) + "µs"
    if ns < 1_000_000_000:
        return sign + _frac(ns, 1_000_000) + "ms"
    hours, rest = divmod(ns, 3600 * 10**9)
    minutes, rest = divmod(rest, 60 * 10**9)
    out = sign
    if hours:
        out += f"{hours}h"
    if hours or minutes:
        out += f"{minutes}m"
    return out + _frac(rest, 10**9) + "s"


def _frac(value: int, unit: int) -> str:
    whole, part = divmod(value, unit)
    if not part:
        return str(whole)
    digits = str(part).rjust(len(str(unit)) - 1, "0").rstrip("0")
    return f"{whole}.{digits}"
