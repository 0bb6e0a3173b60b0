"""Fixtures for the process runtime: a real-clock cluster whose pods are real programs.

Every test gets its own cluster on loopback addresses of its own (tests/process/util.py
SUBNET) and state directory, and after
`cluster.stop()` checks that no process and no listening socket of ours is left.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest

from kubenb.cluster import Cluster
from kubenb.config import Timings
from kubenb.server import ApiServer
from tests.process.util import SUBNET

FAST = Timings(image_pull=0.05, crash_backoff_initial=0.3, crash_backoff_max=1.0,
               image_backoff_initial=0.3, image_backoff_max=1.0, pod_error_resync=0.3)


def listening(prefixes: tuple[str, ...] = (f"127.{SUBNET}.", f"127.{SUBNET + 1}.")) -> list[Any]:
    """Listening TCP sockets of this process and its children on this run's node, pod and
    Service addresses."""
    ours = {os.getpid(), *(p.pid for p in psutil.Process().children(recursive=True))}
    return [c for c in psutil.net_connections("tcp")
            if c.status == psutil.CONN_LISTEN and c.laddr and c.laddr.ip.startswith(prefixes)
            and c.pid in ours]


def leftovers() -> list[psutil.Process]:
    return [p for p in psutil.Process().children(recursive=True) if p.is_running()
            and p.status() != psutil.STATUS_ZOMBIE]


@contextlib.contextmanager
def served_cluster(name: str, home: Path) -> Iterator[tuple[Cluster, ApiServer]]:
    """A started one-node cluster behind an API server (real kubectl's target); stopped,
    and checked for leftovers, at the end."""
    cluster = Cluster(name, runtime="process", nodes=1, timings=FAST,
                      node_subnet=f"192.168.{SUBNET}", state_dir=str(home / "state"))
    api = ApiServer()
    cluster.serve_api(api)
    cluster.start()
    try:
        yield cluster, api
    finally:
        cluster.stop()
    assert leftovers() == []
    assert listening() == []


@pytest.fixture
def make_cluster(tmp_path: Any) -> Iterator[Any]:
    made: list[Cluster] = []

    def make(nodes: int = 1, **kw: Any) -> Cluster:
        c = Cluster(f"proc{len(made)}", runtime="process", nodes=nodes, timings=kw.pop("timings", FAST),
                    node_subnet=f"192.168.{SUBNET}", state_dir=str(tmp_path / f"state{len(made)}"), **kw)
        made.append(c)
        return c.start()

    yield make
    for c in made:
        c.stop()
    assert leftovers() == []
    assert listening() == []


@pytest.fixture
def cluster(make_cluster: Any) -> Cluster:
    return make_cluster()
