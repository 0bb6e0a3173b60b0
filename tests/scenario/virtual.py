"""A whole cluster on a virtual clock for the scenario tests: started, every node Ready,
stopped (and its loop closed) when the test is done."""

from __future__ import annotations

from collections.abc import Iterator

from kubenb.api.pods import condition_true
from kubenb.clock import VirtualClock
from kubenb.cluster import Cluster
from kubenb.controllers.volume_hostpath import HostPathProvisioner


def ready_cluster(nodes: int, seed: int) -> Iterator[Cluster]:
    """Yield a started cluster of `nodes` Ready nodes (for `yield from` in a fixture)."""
    c = Cluster(nodes=nodes, clock=VirtualClock(), seed=seed).start()
    c.wait_for(lambda: sum(condition_true(n, "Ready") for n in c.store.list("Node")) == nodes, timeout=30)
    yield c
    c.stop()
    c.clock.loop.close()


def metrics_cluster(nodes: int = 2, seed: int = 7) -> Iterator[Cluster]:
    """Yield a started cluster with the metrics-server addon on, once its nodes exist (the
    HPA scenarios; for `yield from` in a fixture)."""
    c = Cluster(nodes=nodes, clock=VirtualClock(), seed=seed)
    c.metrics_enabled = True
    c.start()
    c.wait_for(lambda: len(c.store.list("Node")) == nodes, timeout=30)
    yield c
    c.stop()
    c.clock.loop.close()


def storage_cluster(state_dir: str) -> Iterator[Cluster]:
    """Yield a started one-node cluster whose hostpath provisioner makes real directories
    under `state_dir` (as with programs), once its node exists."""
    c = Cluster(clock=VirtualClock(), seed=3, state_dir=state_dir)
    for ctl in c.runner.controllers:
        if isinstance(ctl, HostPathProvisioner):
            ctl.make_dirs = True
    c.start()
    c.wait_for(lambda: len(c.store.list("Node")) == 1, timeout=30)
    yield c
    c.stop()
    c.clock.loop.close()
