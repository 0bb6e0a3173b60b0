"""The cyclic garbage collector's settings while a cluster runs in this process.

A cluster keeps its state as plain JSON dicts and lists (the store's objects, their indexes,
the controllers' caches): about 100 tracked containers a pod, so millions of them at
10,000 pods. With CPython's default thresholds (700, 10, 10) a young collection runs every
700 net container allocations and every hundredth one walks the whole heap: at 10,000 sim
pods 18 full collections took about a quarter of the control plane's CPU time, and at 100,000
pods each of them walks 3 GiB.

Stored objects hold no reference cycles, so reference counting frees them when they are
replaced or deleted; the collector is needed only for the cycles of the loop's own short-lived
objects (tasks, futures, frames of exceptions), which die young and are found by the young
generations. So while any cluster runs:

- the thresholds are (YOUNG, MIDDLE, OLD): a young collection every 50,000 net allocations,
  and the full one a thousand times rarer than by default (CPython still skips it until
  the objects that survived since the last one are a quarter of the old generation);
- what exists once a cluster is up (imported modules, the cluster and its first objects)
  goes to the permanent generation (`gc.freeze()`), so no collection walks it again.

When the last cluster stops, the thresholds the process had are restored and the frozen
objects return to the old generation (`gc.unfreeze()`), where the next full collection finds
whatever the stopped cluster left in cycles. Thresholds someone else set (anything but
CPython's defaults) and a disabled collector are left alone. Called by kubenb/cluster.py
(`Cluster.start`, `Cluster.stop`); reads and writes nothing else.
"""

from __future__ import annotations

import gc
import threading

DEFAULT = (700, 10, 10)  # CPython's own thresholds
YOUNG, MIDDLE, OLD = 50_000, 20, 100

_lock = threading.Lock()
_running: set[int] = set()  # id() of the clusters that started and have not stopped
_saved: tuple[int, int, int] | None = None


def cluster_started(cluster: object) -> None:
    """A cluster is up: raise the thresholds (the first cluster) and freeze what exists now."""
    global _saved
    with _lock:
        _running.add(id(cluster))
        if len(_running) == 1 and _saved is None and gc.isenabled() and gc.get_threshold() == DEFAULT:
            _saved = gc.get_threshold()
            gc.set_threshold(YOUNG, MIDDLE, OLD)
        if _saved is not None:
            gc.freeze()


def cluster_stopped(cluster: object) -> None:
    """A cluster stopped: after the last one, the process's own settings come back."""
    global _saved
    with _lock:
        _running.discard(id(cluster))
        if _running or _saved is None:
            return
        if gc.get_threshold() == (YOUNG, MIDDLE, OLD):  # nobody changed them meanwhile
            gc.set_threshold(*_saved)
        _saved = None
        gc.unfreeze()
