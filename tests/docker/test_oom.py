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
    # the engine's `oom` may come after the exit (a loaded machine): the reason follows it
    dcluster.wait_for(lambda: last_terminated(dcluster, "again").get("reason") == "OOMKilled", timeout=30)
    assert last_terminated(dcluster, "again")["exitCode"] == 137
    assert dcluster.store.get("Pod", "default", "never")["status"]["phase"] == "Failed"


def last_terminated(c: Cluster, name: str) -> dict[str, Any]:
    return (container_state(c, name).get("lastState") or {}).get("terminated") or {}


def test_an_oom_reported_after_the_exit_still_makes_it_oomkilled(dcluster: Cluster, engine: Any) -> None:
    """Docker sets State.OOMKilled only when its `oom` event comes before the exit; when the
    exit wins the race, inspect says Error/137 for good. The runtime trusts the event."""
    sleeper = {"name": "hog", "image": "busybox", "command": ["sleep", "3600"]}
    pod(dcluster, "late", [sleeper], restartPolicy="Never")
    dcluster.wait_for(lambda: "running" in container_state(dcluster, "late").get("state", {}), timeout=90)
    cid = container_state(dcluster, "late")["containerID"].removeprefix("docker://")
    engine.api.kill(cid, "SIGKILL")  # exits 137 with no OOM flag: the race's outcome
    dcluster.wait_for(lambda: "terminated" in container_state(dcluster, "late").get("state", {}), timeout=90)
    term = container_state(dcluster, "late")["state"]["terminated"]
    assert (term["reason"], term["exitCode"]) == ("Error", 137)
    node = dcluster.store.get("Pod", "default", "late")["spec"]["nodeName"]
    runtime = dcluster.kubelets[node].runtime
    dcluster.loop.call_soon_threadsafe(runtime._on_event, "oom", cid)  # as the event stream does
    dcluster.wait_for(lambda: container_state(dcluster, "late")["state"]["terminated"]["reason"] == "OOMKilled",
                      timeout=30)
    assert container_state(dcluster, "late")["state"]["terminated"]["exitCode"] == 137


def test_a_limit_with_room_lets_it_finish(dcluster: Cluster, engine: Any) -> None:
    pod(dcluster, "roomy", [{**HOG, "resources": {"limits": {"memory": "256Mi"}}}], restartPolicy="Never")
    dcluster.wait_for(lambda: "terminated" in container_state(dcluster, "roomy").get("state", {}), timeout=90)
    term = container_state(dcluster, "roomy")["state"]["terminated"]
    assert (term["reason"], term["exitCode"]) == ("Completed", 0)
