"""HTTP to a kubenb cluster of this process that runs on a virtual clock.

A virtual-clock cluster moves only while someone runs its loop (`cluster.wait_for`,
`advance`); the in-process client drives it while a command watches. Over HTTP the command
waits on a socket instead, so `LocalCluster` does the driving for the HTTP client, keeping
both clients' output identical (notebooks validated in CI, golden tests):

- `now()` is the cluster's clock (the Date header has whole seconds of the wall clock);
- `watch()` opens the HTTP watch on a reader thread and, in the caller's thread, runs the
  cluster exactly until the store has produced the next event for this watch (an
  in-process watcher with the same selectors counts them), then waits — with the cluster
  standing still — for that event to arrive over HTTP and hands it out. The cluster never
  runs ahead of what the command has seen, as with the in-process client.

Only ever used when the server's cluster lives in this process on a virtual clock; real
clusters and real clocks need none of this.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from kubenb.api.objects import WatchEvent
from kubenb.client.base import ClusterBackend, Unreachable

ARRIVAL_TIMEOUT = 60.0  # real seconds an event the store produced may take to arrive
_END = object()


class LocalCluster:
    """The in-process cluster behind an HTTP server, seen by that server's HttpClient."""

    def __init__(self, cluster: ClusterBackend) -> None:
        self.cluster = cluster
        self.clock = cluster.store.clock

    @property
    def virtual(self) -> bool:
        return bool(self.clock.virtual)

    def now(self) -> datetime:
        return self.clock.now()

    def watch(self, open_stream: Callable[[Any], Iterator[WatchEvent]], kind: str,
              namespace: str | None, label_selector: str | None, field_selector: str | None,
              resource_version: str, timeout: float | None) -> Iterator[WatchEvent]:
        """Events of `open_stream(cancel)` (an HTTP watch from `resource_version`), paced by
        the store's own events so the cluster runs only while one is due."""
        from kubenb.client.http_streams import Cancel

        cluster, clock = self.cluster, self.clock
        due = [0]

        def count(_ev: Any) -> None:
            due[0] += 1

        local = cluster.store.watch(kind, count, namespace=namespace,
                                    label_selector=label_selector,
                                    field_selector=field_selector,
                                    resource_version=resource_version)
        cancel = Cancel()
        arrived: queue.Queue[Any] = queue.Queue()

        def read() -> None:
            try:
                for ev in open_stream(cancel):
                    arrived.put(ev)
            except BaseException as err:  # noqa: BLE001 - handed to the consumer
                arrived.put(err)
            arrived.put(_END)

        reader = threading.Thread(target=read, name="kubenb-http-watch", daemon=True)
        reader.start()
        end = clock.monotonic() + (3600.0 if timeout is None else timeout)
        seen = 0
        try:
            while True:
                while seen < due[0]:
                    try:
                        item = arrived.get(timeout=ARRIVAL_TIMEOUT)
                    except queue.Empty:
                        raise Unreachable("Unable to connect to the server: the watch stream "
                                          "stopped delivering events") from None
                    if item is _END:
                        return
                    if isinstance(item, BaseException):
                        raise item
                    seen += 1
                    yield item
                remaining = end - clock.monotonic()
                if remaining <= 0:
                    return
                try:
                    cluster.wait_for(lambda n=seen: due[0] > n, timeout=remaining)
                except TimeoutError:
                    return
        finally:
            local.stop()
            cancel.cancel()
            reader.join(ARRIVAL_TIMEOUT)
