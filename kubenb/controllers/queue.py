"""The work queue every controller and the scheduler use (client-go workqueue semantics).

Handlers `add` keys; a worker `get`s a key, reconciles it, then calls `done`. A key is queued
at most once however often it is added; a key added while being processed is queued again
after `done`, so no change is lost and no key is worked on twice at once. `add_rate_limited`
requeues with per-key exponential back-off until `forget`. Runs on the control-plane loop only.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Hashable
from typing import Any

from kubenb.clock import Clock


class WorkQueue:
    def __init__(self, clock: Clock, base_delay: float = 0.005, max_delay: float = 30.0) -> None:
        self.clock = clock
        self.base_delay = base_delay
        self.max_delay = max_delay
        self._queue: deque[Hashable] = deque()
        self._dirty: set[Hashable] = set()
        self._processing: set[Hashable] = set()
        self._failures: dict[Hashable, int] = {}
        self._timers: dict[Hashable, tuple[float, asyncio.TimerHandle]] = {}
        self._ready: asyncio.Event | None = None
        self._shutdown = False

    def _event(self) -> asyncio.Event:
        if self._ready is None:
            self._ready = asyncio.Event()
        return self._ready

    def add(self, key: Hashable) -> None:
        if self._shutdown or key in self._dirty:
            return
        self._dirty.add(key)
        if key in self._processing:
            return
        self._queue.append(key)
        if self._ready is not None:
            self._ready.set()

    def add_after(self, key: Hashable, delay: float) -> None:
        """Add `key` after `delay` seconds; an earlier pending timer for it wins."""
        if self._shutdown:
            return
        if delay <= 0:
            self.add(key)
            return
        due = self.clock.monotonic() + delay
        pending = self._timers.get(key)
        if pending is not None:
            if pending[0] <= due:
                return
            pending[1].cancel()

        def fire() -> None:
            self._timers.pop(key, None)
            self.add(key)

        self._timers[key] = (due, self.clock.call_later(delay, fire))

    def add_rate_limited(self, key: Hashable) -> None:
        n = self._failures.get(key, 0)
        self._failures[key] = n + 1
        self.add_after(key, min(self.max_delay, self.base_delay * (2**n)))

    def forget(self, key: Hashable) -> None:
        self._failures.pop(key, None)

    def failures(self, key: Hashable) -> int:
        return self._failures.get(key, 0)

    async def get(self) -> Hashable:
        while not self._queue:
            if self._shutdown:
                raise asyncio.CancelledError
            ev = self._event()
            ev.clear()
            await ev.wait()
        key = self._queue.popleft()
        self._processing.add(key)
        self._dirty.discard(key)
        return key

    def get_nowait(self) -> Hashable | None:
        """Pop a key without waiting (for tests that drive reconcile by hand)."""
        if not self._queue:
            return None
        key = self._queue.popleft()
        self._processing.add(key)
        self._dirty.discard(key)
        return key

    def done(self, key: Hashable) -> None:
        self._processing.discard(key)
        if key in self._dirty:
            self._queue.append(key)
            if self._ready is not None:
                self._ready.set()

    def shutdown(self) -> None:
        self._shutdown = True
        for _, handle in self._timers.values():
            handle.cancel()
        self._timers.clear()
        if self._ready is not None:
            self._ready.set()

    def __len__(self) -> int:
        return len(self._queue)

    def __contains__(self, key: Any) -> bool:
        return key in self._dirty
