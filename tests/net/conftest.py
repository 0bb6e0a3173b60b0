"""A real-clock cluster whose runtime claims a real network, so kube-proxy runs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from kubenb.cluster import Cluster
from kubenb.node.runtime import RUNTIMES, RuntimeEntry
from tests.conftest import run_cluster
from tests.net.standin import SUBNET


@pytest.fixture
def pcluster(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> Iterator[Cluster]:
    """Two nodes (127.S.0.2, .3), Services in 127.S+1.0.0/16, pods stand-in servers.

    S (standin.SUBNET) is an unusual profile subnet, picked per test process, so these
    addresses meet no cluster on the default plan (127.49/127.50) nor another test run
    at the same time."""
    monkeypatch.setitem(RUNTIMES, "process", RuntimeEntry("tests.net.standin", "StandInRuntime"))
    c = Cluster(nodes=2, runtime="process", seed=1, state_dir=str(tmp_path / "state"),
                node_subnet=f"192.168.{SUBNET}")
    yield from run_cluster(c, nodes=2)
