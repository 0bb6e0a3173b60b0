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


def test_minikube_start_and_node_add_wait_for_system_pods() -> None:
    """`minikube start` (and `node add`) return once kube-system's pods run, as minikube's
    default `--wait=apiserver,system_pods` does: the first `get pods -A` sees them Running."""
    from kubenb.cli.minikube.commands import run_line
    from kubenb.profiles import Profiles

    profiles = Profiles(VirtualClock, home="/home/jovyan/.minikube", register_atexit=False)
    try:
        assert run_line("start --nodes=2 --seed=1", profiles)[2] == 0
        store = profiles.get("minikube").cluster.store  # type: ignore[union-attr]

        def phases() -> list[str]:
            return [p["status"].get("phase", "") for p in store.list("Pod", "kube-system")]

        assert len(phases()) == 8 and set(phases()) == {"Running"}
        assert run_line("node add", profiles)[2] == 0
        assert len(phases()) == 9 and set(phases()) == {"Running"}
    finally:
        profiles.close()
