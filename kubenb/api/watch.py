"""Watch plumbing for the store: the event log, watchers, and ways to consume them.

The store appends every change to a bounded log and hands it to each matching watcher's
`deliver` callback while still holding its lock, so every watcher sees changes in
resourceVersion order. `deliver` must be cheap and must not call the store: the helpers here
forward events to an asyncio loop (`LoopWatch`) or a thread-safe queue (`QueueWatch`).

A store write brackets its fan-out with `begin_delivery()`/`end_delivery()`: the `to_loop`
deliveries of that one write (a pod change reaches half a dozen controllers) are handed to
each loop as a single callback that calls them in order. Their callbacks used to sit next
to each other in the loop's ready queue anyway, so handlers run exactly when, and in the
order, they did with one callback each — only the per-callback overhead is gone.
"""

from __future__ import annotations

import asyncio
import queue
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from kubenb.api.objects import EventType, WatchEvent
from kubenb.api.selectors import ALL_FIELDS, EVERYTHING, FieldSelector, Selector

Deliver = Callable[[WatchEvent], None]


@dataclass
class Watcher:
    kind: str | None  # None: every kind
    namespace: str | None
    labels: Selector
    fields: FieldSelector
    deliver: Deliver
    stopped: bool = False
    on_stop: list[Callable[[], None]] = field(default_factory=list)
    # no namespace, label or field filter: every object of the kind matches
    everything: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        self.everything = not self.namespace and self.labels.empty() and self.fields.empty()

    def matches(self, obj: dict[str, Any]) -> bool:
        if self.namespace and obj["metadata"].get("namespace") != self.namespace:
            return False
        return self.labels.matches(obj["metadata"].get("labels")) and self.fields.matches(obj)

    def offer(self, etype: EventType, obj: dict[str, Any], old: dict[str, Any] | None) -> None:
        """Deliver one change, translating selector transitions as the API server does."""
        if self.stopped or (self.kind is not None and obj["kind"] != self.kind):
            return
        if self.everything:
            self.deliver({"type": etype, "object": obj})
            return
        now = self.matches(obj)
        if etype == "MODIFIED" and old is not None and (
            not self.labels.empty() or not self.fields.empty()
        ):
            before = self.matches(old)
            if before and not now:
                self.deliver({"type": "DELETED", "object": obj})
                return
            if now and not before:
                self.deliver({"type": "ADDED", "object": obj})
                return
        if now:
            self.deliver({"type": etype, "object": obj})

    def stop(self) -> None:
        if not self.stopped:
            self.stopped = True
            for fn in self.on_stop:
                fn()


def make_watcher(
    kind: str | None,
    deliver: Deliver,
    namespace: str | None = None,
    labels: Selector = EVERYTHING,
    fields: FieldSelector = ALL_FIELDS,
) -> Watcher:
    return Watcher(kind, namespace, labels, fields, deliver)


# One store write's pending loop deliveries, per thread: loop -> [(fn, event), ...].
_writes = threading.local()


def begin_delivery() -> bool:
    """Start collecting `to_loop` deliveries (one store write's fan-out). False if nested."""
    if getattr(_writes, "pending", None) is not None:
        return False
    _writes.pending = {}
    return True


def end_delivery(opened: bool) -> None:
    """Hand each loop what was collected since `begin_delivery()`, as one callback."""
    if not opened:
        return
    pending: dict[asyncio.AbstractEventLoop, list[tuple[Callable[[Any], None], Any]]] = _writes.pending
    _writes.pending = None
    for loop, calls in pending.items():
        if len(calls) == 1:
            _schedule(loop, calls[0][0], calls[0][1])
        else:
            _schedule(loop, _call_each, calls)


def _call_each(calls: list[tuple[Callable[[Any], None], Any]]) -> None:
    for i, (fn, event) in enumerate(calls):
        try:
            fn(event)
        except BaseException:
            # as separate callbacks would: the rest still run (the error propagates as before)
            if i + 1 < len(calls):
                asyncio.get_running_loop().call_soon(_call_each, calls[i + 1:])
            raise


def _schedule(loop: asyncio.AbstractEventLoop, fn: Callable[[Any], None], arg: Any) -> None:
    if loop.is_closed():
        return
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if running is loop:
        loop.call_soon(fn, arg)
    else:
        loop.call_soon_threadsafe(fn, arg)


def to_loop(loop: asyncio.AbstractEventLoop, fn: Callable[[WatchEvent], None]) -> Deliver:
    """A deliver function that runs `fn(event)` on `loop`, in order, from any thread."""

    def deliver(event: WatchEvent) -> None:
        pending = getattr(_writes, "pending", None)
        if pending is None:
            _schedule(loop, fn, event)
        elif not loop.is_closed():
            calls = pending.get(loop)
            if calls is None:
                pending[loop] = [(fn, event)]
            else:
                calls.append((fn, event))

    return deliver


class QueueWatch:
    """A watch consumed from any thread: iterate events with a timeout."""

    _END = object()

    def __init__(self) -> None:
        self.queue: queue.Queue[Any] = queue.Queue()
        self.watcher: Watcher | None = None

    def deliver(self, event: WatchEvent) -> None:
        self.queue.put(event)

    def stop(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()
        self.queue.put(self._END)

    def events(self, timeout: float | None = None) -> Iterator[WatchEvent]:
        """Yield events until stopped, or until `timeout` seconds have passed in all."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                item = self.queue.get(timeout=remaining)
            except queue.Empty:
                return
            if item is self._END:
                return
            yield item


class LoopWatch:
    """A watch consumed by a coroutine on the control-plane loop: `async for ev in w`."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.queue: asyncio.Queue[Any] = asyncio.Queue()
        self.watcher: Watcher | None = None
        self._thread = threading.get_ident()
        self.deliver = to_loop(loop, self.queue.put_nowait)

    def stop(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()
        self.deliver(None)  # type: ignore[arg-type]

    async def __aiter__(self) -> AsyncIterator[WatchEvent]:  # type: ignore[override]
        while True:
            ev = await self.queue.get()
            if ev is None:
                return
            yield ev
