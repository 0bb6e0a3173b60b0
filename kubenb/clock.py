"""The one clock: every timestamp, delay, back-off and AGE in kubenb goes through it.

A clock is bound to the control plane's asyncio loop. `RealClock` reads the wall clock and
lets the loop run on `time.monotonic`. `VirtualClock` owns a loop whose time only moves when
every task is idle: the loop jumps straight to the next timer, so minutes of Kubernetes time
(grace periods, back-off, node-monitor grace) pass in milliseconds, deterministically.
Tests use it; notebooks use the real one.
"""

from __future__ import annotations

import asyncio
import selectors
import time
from datetime import datetime, timedelta, timezone
from typing import Any

# A fixed, recognisable start for virtual time (what golden files show).
VIRTUAL_EPOCH = datetime(2025, 1, 6, 10, 0, 0, tzinfo=timezone.utc)


def rfc3339(dt: datetime) -> str:
    """`2025-01-06T10:00:00Z` — Kubernetes' metav1.Time, whole seconds."""
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def rfc3339_micro(dt: datetime) -> str:
    """`2025-01-06T10:00:00.123456Z` — metav1.MicroTime (events' eventTime)."""
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_time(value: str) -> datetime:
    """Parse an RFC 3339 timestamp as the API writes it."""
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    return datetime.fromisoformat(value)


class Clock:
    """Wall time plus the control plane loop's monotonic time."""

    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop = self.new_loop()

    def new_loop(self) -> asyncio.AbstractEventLoop:
        return asyncio.new_event_loop()

    def now(self) -> datetime:
        raise NotImplementedError

    def monotonic(self) -> float:
        return self.loop.time()

    def timestamp(self) -> str:
        return rfc3339(self.now())

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))

    def call_later(self, delay: float, fn: Any, *args: Any) -> asyncio.TimerHandle:
        """Schedule `fn(*args)` on the control-plane loop; safe from its own thread only."""
        return self.loop.call_later(max(0.0, delay), fn, *args)

    @property
    def virtual(self) -> bool:
        return False


class RealClock(Clock):
    """The clock of a notebook: wall time, real delays."""

    def now(self) -> datetime:
        return datetime.now(timezone.utc)

    def monotonic(self) -> float:
        return time.monotonic()


class _VirtualSelector(selectors.BaseSelector):
    """Wraps a real selector; a blocking select advances virtual time instead of waiting.

    I/O that is already ready (the loop's self-pipe, used by call_soon_threadsafe) is still
    reported, so other threads can hand work to a virtual loop.
    """

    def __init__(self, clock: VirtualClock) -> None:
        self._real = selectors.DefaultSelector()
        self._clock = clock

    def register(self, fileobj: Any, events: int, data: Any = None) -> selectors.SelectorKey:
        return self._real.register(fileobj, events, data)

    def unregister(self, fileobj: Any) -> selectors.SelectorKey:
        return self._real.unregister(fileobj)

    def modify(self, fileobj: Any, events: int, data: Any = None) -> selectors.SelectorKey:
        return self._real.modify(fileobj, events, data)

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        ready = self._real.select(0)
        if ready or timeout == 0:
            return ready
        if timeout is None:
            # Nothing is scheduled at all: only another thread can wake us.
            return self._real.select(None)
        self._clock.advance(timeout)
        return []

    def close(self) -> None:
        self._real.close()

    def get_map(self) -> Any:
        return self._real.get_map()


class _VirtualLoop(asyncio.SelectorEventLoop):
    def __init__(self, clock: VirtualClock) -> None:
        self._vclock = clock
        super().__init__(_VirtualSelector(clock))

    def time(self) -> float:
        return self._vclock.t


class VirtualClock(Clock):
    """Time that moves only when the loop has nothing else to do (or on `advance`)."""

    def __init__(self, start: datetime = VIRTUAL_EPOCH) -> None:
        self.t = 0.0
        self.start = start
        super().__init__()

    def new_loop(self) -> asyncio.AbstractEventLoop:
        return _VirtualLoop(self)

    def advance(self, seconds: float) -> None:
        self.t += max(0.0, seconds)

    def now(self) -> datetime:
        return self.start + timedelta(seconds=self.t)

    def monotonic(self) -> float:
        return self.t

    @property
    def virtual(self) -> bool:
        return True
