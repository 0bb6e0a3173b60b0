"""What kubectl prints of kube-system on a fresh 2-node cluster (virtual clock): goldens."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from kubenb.api.pods import is_pod_ready
from kubenb.clock import VirtualClock
from kubenb.cluster import Cluster
from tests.conftest import Kube, run_cluster


def system_ready(cluster: Cluster) -> bool:
    pods = cluster.store.list("Pod", "kube-system")
    return len(pods) == 8 and all(is_pod_ready(p) for p in pods)


@pytest.fixture
def kube2() -> Iterator[Kube]:
    for cluster in run_cluster(Cluster(nodes=2, clock=VirtualClock(), seed=1), nodes=2):
        cluster.wait_for(lambda c=cluster: system_ready(c))
        cluster.advance(90)
        yield Kube(cluster)


@pytest.mark.parametrize("line,name", [
    ("get pods -A", "get_pods_all_namespaces_2nodes"),
    ("get pods -A -o wide", "get_pods_all_namespaces_wide_2nodes"),
    ("get ds,deploy -n kube-system", "get_ds_deploy_kube_system"),
])
def test_fresh_two_node_cluster(kube2: Kube, golden: Any, line: str, name: str) -> None:
    r = kube2(line)
    assert r.rc == 0 and r.err == ""
    golden(name, r.out)
