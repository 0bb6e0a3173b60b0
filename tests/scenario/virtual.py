"""A whole cluster on a virtual clock for the scenario tests: started, every node Ready,
stopped (and its loop closed) when the test is done."""

from __future__ import annotations

from collections.abc import Iterator

from kubenb.api.pods import condition_true
from kubenb.clock import VirtualClock
from kubenb.cluster import Cluster


def ready_cluster(nodes: int, seed: int) -> Iterator[Cluster]:
    """Yield a started cluster of `nodes` Ready nodes (for `yield from` in a fixture)."""
    c = Cluster(nodes=nodes, clock=VirtualClock(), seed=seed).start()
    c.wait_for(lambda: sum(condition_true(n, "Ready") for n in c.store.list("Node")) == nodes, timeout=30)
    yield c
    c.stop()
    c.clock.loop.close()
