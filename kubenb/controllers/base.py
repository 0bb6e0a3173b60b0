"""The controller pattern: watches enqueue keys, `reconcile(key)` reads current state.

A controller declares what it watches (`watches()`: a kind plus a function mapping each
event to the keys it affects) and implements `reconcile(key)`, which must be idempotent and
read only the store's current state — never the event payload. `ControllerRunner` wires the
watches to a WorkQueue per controller and runs one worker coroutine for each on the
control-plane loop: NotFound means done, Conflict means requeue with back-off, a float
returned by reconcile means "look again after that many seconds".
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any

from kubenb.api.errors import ApiError, Conflict, NotFound
from kubenb.api.objects import Key, WatchEvent, key_of
from kubenb.api.watch import Watcher, to_loop
from kubenb.config import Context
from kubenb.controllers.queue import WorkQueue

log = logging.getLogger("kubenb.controllers")

# Seconds a worker goes on taking keys before the loop runs anything else (goroutines run
# side by side upstream; here every worker shares one loop); real clock only
WORKER_SLICE = 0.02
KeyMapper = Callable[[WatchEvent], Iterable[Hashable]]


@dataclass
class Watch:
    """Watch `kind` (optionally filtered) and enqueue what `keys(event)` returns."""

    kind: str
    keys: KeyMapper
    field_selector: str | None = None
    label_selector: str | None = None
    # Seconds to hold a key before it is worked on, so a burst of events (a hundred pods
    # turning Ready) becomes one reconcile instead of a hundred. 0: at once.
    coalesce: float = 0.0


def own_key(event: WatchEvent) -> list[Hashable]:
    """The changed object's own key."""
    return [key_of(event["object"])]


def owner_keys(kind: str) -> KeyMapper:
    """Keys of the controller owner of the changed object, if it is a `kind`."""

    def mapper(event: WatchEvent) -> list[Hashable]:
        meta = event["object"]["metadata"]
        return [
            Key(kind, meta.get("namespace") or "", ref["name"])
            for ref in meta.get("ownerReferences") or []
            if ref.get("controller") and ref.get("kind") == kind
        ]

    return mapper


class Controller:
    """Base class: subclasses set `name` and implement `watches` and `reconcile`."""

    name = "controller"

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.store = ctx.store
        self.clock = ctx.clock
        self.recorder = ctx.recorder(self.name)
        self.queue = WorkQueue(ctx.clock)

    def watches(self) -> list[Watch]:
        raise NotImplementedError

    def coalesce_for(self, key: Hashable, base: float) -> float:
        """How long to hold `key` after a watch with `coalesce=base` saw it change."""
        return base

    def reconcile(self, key: Any) -> float | None:
        """Bring `key` to its desired state. Return seconds to look again, or None."""
        raise NotImplementedError

    def process_one(self, key: Hashable) -> None:
        """Reconcile one key with the queue's error policy (used by workers and tests)."""
        try:
            again = self.reconcile(key)
        except NotFound:
            self.queue.forget(key)
        except Conflict:
            self.queue.add_rate_limited(key)
        except ApiError as err:
            log.warning("%s: reconcile %s: %s", self.name, key, err)
            self.queue.add_rate_limited(key)
        except Exception:  # a bug must not kill the control plane; it is logged and retried
            log.exception("%s: reconcile %s failed", self.name, key)
            self.queue.add_rate_limited(key)
        else:
            self.queue.forget(key)
            if again is not None:
                self.queue.add_after(key, again)
        finally:
            self.queue.done(key)

    def drain(self, limit: int = 10_000) -> int:
        """Process every queued key now, synchronously (tests). Returns how many ran."""
        n = 0
        while n < limit:
            key = self.queue.get_nowait()
            if key is None:
                break
            self.process_one(key)
            n += 1
        return n

    async def run(self) -> None:
        # on a virtual clock one key a turn, so that tests see the same order every run
        slice_ = 0.0 if self.clock.virtual else WORKER_SLICE
        while True:
            key = await self.queue.get()
            started = time.perf_counter()
            self.process_one(key)
            # more queued keys while this turn lasts less than WORKER_SLICE of CPU work: a
            # cheap reconcile (a pod to place) is not held to one a loop turn while another
            # worker's reconcile (a ReplicaSet creating its pods) takes a whole second
            while time.perf_counter() - started < slice_:
                key = self.queue.get_nowait()
                if key is None:
                    break
                self.process_one(key)
            await asyncio.sleep(0)  # let watches and other controllers in between


class ControllerRunner:
    """Starts controllers on the control-plane loop and stops them again."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.controllers: list[Controller] = []
        self._watchers: list[Watcher] = []
        self._tasks: list[asyncio.Task[None]] = []
        self._followed: set[tuple[str, str]] = set()

    def add(self, controller: Controller) -> Controller:
        self.controllers.append(controller)
        return controller

    def start(self) -> None:
        """Call on the loop thread (or before the loop runs, with the loop set)."""
        loop = self.ctx.clock.loop
        for c in self.controllers:
            self.attach(c)
            self._tasks.append(loop.create_task(c.run(), name=f"controller:{c.name}"))
        self.ctx.store.kind_listeners.append(self.on_new_kind)

    def attach(self, c: Controller) -> None:
        for w in c.watches():
            self._attach_watch(c, w)

    def on_new_kind(self, kind: str) -> None:
        """A kind the store serves from now on (a CustomResourceDefinition's): controllers
        that follow every kind (`watch_new_kind`) watch it too, once."""
        for c in self.controllers:
            follow = getattr(c, "watch_new_kind", None)
            if follow is not None and (c.name, kind) not in self._followed:
                self._followed.add((c.name, kind))
                self._attach_watch(c, follow(kind))

    def _attach_watch(self, c: Controller, w: Watch) -> None:
        def handle(event: WatchEvent) -> None:
            for key in w.keys(event):
                if w.coalesce:
                    c.queue.add_after(key, c.coalesce_for(key, w.coalesce))
                else:
                    c.queue.add(key)

        self._watchers.append(
            self.ctx.store.watch(
                w.kind,
                to_loop(self.ctx.clock.loop, handle),
                field_selector=w.field_selector,
                label_selector=w.label_selector,
                initial=True,
            )
        )

    def stop(self) -> None:
        if self.on_new_kind in self.ctx.store.kind_listeners:
            self.ctx.store.kind_listeners.remove(self.on_new_kind)
        self._followed.clear()
        for w in self._watchers:
            w.stop()
        self._watchers.clear()
        for c in self.controllers:
            c.queue.shutdown()
        for t in self._tasks:
            t.cancel()
        self._tasks.clear()
