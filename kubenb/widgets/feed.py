"""Where the view's events come from, and when the view flushes them.

Feeds list each watched kind once (`Client.list`), hand the objects to `on_relist`, then
watch from the list's resourceVersion and hand every change to `on_event`:

- `ClientFeed` works with any `Client` (the HTTP one following a real cluster, too): one
  thread per kind iterates `Client.watch(kind, resource_version=rv, timeout=…)`, resuming
  from the last resourceVersion when a watch ends and relisting when it has expired.
- `StoreFeed` is for the in-process client: the same list, then the store's own watch
  callbacks from that resourceVersion. Events arrive synchronously on the thread that made
  the change (the control-plane thread, or the caller of a kubectl command), no thread of
  ours — and with a virtual clock, deterministically.

Timers decide when `flush()` runs after `poke()` (something became dirty): at once when the
last flush is older than `interval`, else when it is. `LoopTimer` schedules on the
cluster's clock loop (virtual time in tests); `ThreadTimer` runs a short-lived thread per
burst of changes. Neither sleeps to synchronise; both stop for good on `stop()`.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from .state import KINDS

log = logging.getLogger(__name__)

OnEvent = Callable[[str, dict[str, Any]], None]
OnRelist = Callable[[str, list[dict[str, Any]]], None]
OnError = Callable[[str | None], None]


def make_feed(client: Any, on_event: OnEvent, on_relist: OnRelist,
              on_error: OnError | None = None, *, feed: str = "auto",
              kinds: tuple[str, ...] = KINDS, timeout: float = 1.0) -> StoreFeed | ClientFeed:
    """`feed`: "auto" (store callbacks for the in-process client, else threads), "store",
    or "client"."""
    if feed == "store" or (feed == "auto" and client.local_store is not None):
        return StoreFeed(client, on_event, on_relist, on_error, kinds=kinds)
    return ClientFeed(client, on_event, on_relist, on_error, timeout=timeout, kinds=kinds)


def virtual_loop(feed: StoreFeed | ClientFeed) -> asyncio.AbstractEventLoop | None:
    """The loop of a virtual clock behind a store feed (flush there, deterministically)."""
    store = feed.client.local_store
    if isinstance(feed, StoreFeed) and store is not None and store.clock.virtual:
        return store.clock.loop
    return None


def _rv(obj: dict[str, Any]) -> str | None:
    return (obj.get("metadata") or {}).get("resourceVersion")


class StoreFeed:
    """List through the client, then follow the in-process store's watch callbacks."""

    def __init__(self, client: Any, on_event: OnEvent, on_relist: OnRelist,
                 on_error: OnError | None = None, *, kinds: tuple[str, ...] = KINDS) -> None:
        self.client, self.on_event, self.on_relist = client, on_event, on_relist
        self.kinds = kinds
        self.on_error = on_error or (lambda _msg: None)
        self.watchers: list[Any] = []
        self._stopped = False

    def start(self) -> None:
        store = self.client.local_store
        for kind in self.kinds:
            items, rv = self.client.list(kind)
            self.on_relist(kind, items)
            w = store.watch(kind, self._deliver, resource_version=rv or None)
            self.watchers.append(w)
        self.on_error(None)

    def _deliver(self, event: Any) -> None:
        if not self._stopped:
            self.on_event(event["type"], event["object"])

    def stop(self) -> None:
        self._stopped = True
        for w in self.watchers:
            w.stop()
        self.watchers.clear()

    @property
    def active(self) -> int:
        return len(self.watchers)


class ClientFeed:
    """One thread per kind iterating `Client.watch`; `timeout` bounds how long `stop()` waits."""

    def __init__(self, client: Any, on_event: OnEvent, on_relist: OnRelist,
                 on_error: OnError | None = None, *, timeout: float = 1.0,
                 kinds: tuple[str, ...] = KINDS) -> None:
        self.client, self.on_event, self.on_relist = client, on_event, on_relist
        self.kinds = kinds
        self.on_error = on_error or (lambda _msg: None)
        self.timeout = timeout
        self.threads: list[threading.Thread] = []
        self._stop = threading.Event()

    def start(self) -> None:
        """List every kind (an unreachable server is reported, not raised: the threads
        keep listing with back-off until it answers), then start the watch threads."""
        versions: dict[str, str | None] = {}
        for kind in self.kinds:
            try:
                versions[kind] = self._list(kind)
            except Exception as err:  # noqa: BLE001 - shown in the view; retried below
                self.on_error(str(err))
                versions[kind] = None
        for kind in self.kinds:
            t = threading.Thread(target=self._run, args=(kind, versions[kind]),
                                 name=f"kubenb-view-watch-{kind}", daemon=True)
            t.start()
            self.threads.append(t)

    def _list(self, kind: str) -> str | None:
        items, rv = self.client.list(kind)
        self.on_relist(kind, items)
        self.on_error(None)
        return rv or None

    def _run(self, kind: str, rv: str | None) -> None:
        failures = 0
        while not self._stop.is_set():
            try:
                if rv is None:  # first time round after an expiry or an error: list again
                    rv = self._list(kind)
                rv = self._follow(kind, rv)
                failures = 0
            except Exception as err:  # noqa: BLE001 - a watch must survive a bad moment
                if self._stop.is_set():
                    return
                rv = None
                if getattr(err, "code", None) == 410:  # Expired: the log moved on; relist
                    continue
                failures += 1
                self.on_error(str(err))
                log.debug("watch of %s failed: %s", kind, err)
                # back off before listing again (not synchronisation: nothing waits on it)
                if self._stop.wait(min(10.0, 0.5 * 2 ** min(failures, 5))):
                    return

    def _follow(self, kind: str, rv: str | None) -> str | None:
        """One watch from `rv` until it ends; the rv to resume from (None: relist)."""
        stream = self.client.watch(kind, resource_version=rv, timeout=self.timeout)
        try:
            for ev in stream:
                if self._stop.is_set():
                    break
                if ev.get("type") == "ERROR":
                    return None  # expired or refused: relist
                if ev.get("type") != "BOOKMARK":
                    self.on_event(ev["type"], ev["object"])
                rv = _rv(ev["object"]) or rv
        finally:
            close = getattr(stream, "close", None)
            if close is not None:
                close()
        return rv

    def stop(self, timeout: float | None = None) -> None:
        self._stop.set()
        for t in self.threads:
            t.join(self.timeout + 5 if timeout is None else timeout)
        self.threads = [t for t in self.threads if t.is_alive()]

    @property
    def active(self) -> int:
        return sum(1 for t in self.threads if t.is_alive())


class ThreadTimer:
    """Flush on a thread of ours, at most once per `interval` seconds. The thread exists only
    while there is something to flush: started by `poke()`, it flushes, and ends as soon as
    nothing new arrived during the flush — so an idle view (or one whose cluster was
    deleted) holds no thread."""

    def __init__(self, flush: Callable[[], None], interval: float) -> None:
        self.flush, self.interval = flush, interval
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._pending = False
        self._running = False
        self._next = 0.0
        self.thread: threading.Thread | None = None

    def poke(self) -> None:
        with self._lock:
            self._pending = True
            if self._stop.is_set() or (self.thread is not None and self.thread.is_alive()
                                       and self._running):
                return
            self._running = True
            self.thread = threading.Thread(target=self._run, name="kubenb-view-flush",
                                           daemon=True)
            self.thread.start()

    def _run(self) -> None:
        while True:
            delay = self._next - time.monotonic()
            if delay > 0 and self._stop.wait(delay):  # rate limit, not synchronisation
                return
            with self._lock:
                if self._stop.is_set():
                    return
                self._pending = False
            try:
                self.flush()
            except Exception:  # noqa: BLE001 - the view keeps going
                log.exception("ClusterView flush failed")
            self._next = time.monotonic() + self.interval
            with self._lock:
                if not self._pending:
                    self._running = False
                    return

    def stop(self) -> None:
        self._stop.set()
        thread = self.thread
        if thread is not None and threading.current_thread() is not thread:
            thread.join(5)

    @property
    def alive(self) -> bool:
        return self.thread is not None and self.thread.is_alive()


class LoopTimer:
    """Flush on the cluster's clock loop (virtual or real), at most once per `interval`."""

    def __init__(self, loop: asyncio.AbstractEventLoop, flush: Callable[[], None],
                 interval: float) -> None:
        self.loop, self.flush, self.interval = loop, flush, interval
        self._lock = threading.Lock()
        self._armed = False
        self._stopped = False
        self._next = float("-inf")
        self._handle: asyncio.TimerHandle | None = None

    def poke(self) -> None:
        with self._lock:
            if self._armed or self._stopped or self.loop.is_closed():
                return
            self._armed = True
        self.loop.call_soon_threadsafe(self._arm)

    def _arm(self) -> None:
        with self._lock:
            if self._stopped:
                return
            delay = max(0.0, self._next - self.loop.time())
            self._handle = self.loop.call_later(delay, self._fire)

    def _fire(self) -> None:
        with self._lock:
            self._armed = False
            self._handle = None
            if self._stopped:
                return
        self._next = self.loop.time() + self.interval
        try:
            self.flush()
        except Exception:  # noqa: BLE001 - never break the control-plane loop
            log.exception("ClusterView flush failed")

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            handle, self._handle = self._handle, None
        if handle is not None:
            handle.cancel()  # a flag the loop reads; a late _fire sees _stopped anyway

    @property
    def alive(self) -> bool:
        return self._handle is not None
