"""Memory limits on the docker runtime are the engine's cgroup limits: a container that
allocates past `limits.memory` is OOM-killed by the kernel and the kubelet reports
OOMKilled with exit code 137, then restarts it per the pod's policy (lastState keeps it)."""

from __future__ import annotations

from typing import Any

import pytest

from kubenb.cluster import Cluster
from tests.docker.conftest import container_state, pod

pytestmark = pytest.mark.docker

# dd allocates (and fills) one 64 MiB block: past a 16 MiB limit
HOG = {"name": "hog", "image": "busybox", "command": ["dd", "if=/dev/zero", "of=/dev/null", "bs=64M", "count=1"],
       "resources": {"limits": {"memory": "16Mi"}}}


def test_past_its_memory_limit_a_container_is_oom_killed(dcluster: Cluster) -> None:
    pod(dcluster, "never", [HOG], restartPolicy="Never")
    pod(dcluster, "again", [HOG], restartPolicy="OnFailure")
    dcluster.wait_for(lambda: "terminated" in container_state(dcluster, "never").get("state", {}), timeout=90)
    term = container_state(dcluster, "never")["state"]["terminated"]
    assert (term["reason"], term["exitCode"]) == ("OOMKilled", 137)
    dcluster.wait_for(lambda: container_state(dcluster, "again").get("restartCount", 0) >= 1, timeout=90)
    last = container_state(dcluster, "again")["lastState"]["terminated"]
    assert (last["reason"], last["exitCode"]) == ("OOMKilled", 137)
    assert dcluster.store.get("Pod", "default", "never")["status"]["phase"] == "Failed"


def test_a_limit_with_room_lets_it_finish(dcluster: Cluster, engine: Any) -> None:
    pod(dcluster, "roomy", [{**HOG, "resources": {"limits": {"memory": "256Mi"}}}], restartPolicy="Never")
    dcluster.wait_for(lambda: "terminated" in container_state(dcluster, "roomy").get("state", {}), timeout=90)
    term = container_state(dcluster, "roomy")["state"]["terminated"]
    assert (term["reason"], term["exitCode"]) == ("Completed", 0)
