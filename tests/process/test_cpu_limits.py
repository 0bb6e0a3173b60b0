"""CPU limits on the process runtime: a command container with `limits.cpu` runs in a CPU
cgroup with the kubelet's CFS quota (100000 µs period) and its request's shares/weight, so a
busy loop limited to 200m uses about a fifth of a core, as counted by the cgroup itself.
Nothing of the cgroups is left after the cluster stops."""

from __future__ import annotations

import os
import time
from typing import Any

import pytest

from kubenb.node.runtime import process_cgroups, process_cpu
from tests.process.util import REQUIRES_LOOPBACK, container_status, pod

BUSY = ["python3", "-c", "while True: pass"]


def _runtime(cluster: Any) -> Any:
    return next(iter(cluster.kubelets.values())).runtime


def test_kubelet_conversions() -> None:
    assert [process_cpu.quota(m) for m in (200, 1000, 1500, 5)] == [20000, 100000, 150000, 1000]
    assert [process_cpu.shares(m) for m in (0, 1, 100, 1000, 300000)] == [2, 2, 102, 1024, 262144]
    assert [process_cpu.weight(s) for s in (2, 102, 1024, 262144)] == [1, 4, 39, 10000]


def test_cpu_cgroup_files(tmp_path: Any) -> None:
    spec = {"resources": {"limits": {"cpu": "200m"}, "requests": {"cpu": "100m"}}}
    for version, expected in ((1, {"cpu.shares": "102", "cpu.cfs_period_us": "100000",
                                   "cpu.cfs_quota_us": "20000"}),
                              (2, {"cpu.weight": "4", "cpu.max": "20000 100000"})):
        root = tmp_path / f"v{version}"
        root.mkdir()
        (root / "cgroup.subtree_control").write_text("")
        limits = process_cgroups.MemoryLimits("abc", detect=False, cpu_roots=[(str(root), version, "cpu")])
        assert limits.cpu_mode == f"cgroup v{version}"
        argv = limits.enter("f" * 64, spec, ["prog"])
        path = root / "kubenb" / f"abc-{'f' * 16}"
        assert argv == ["/bin/sh", "-c", process_cgroups._ENTER, str(path), "prog"]
        assert {name: (path / name).read_text() for name in expected} == expected
        assert limits.enter("e" * 64, {"resources": {}}, ["prog"]) == ["prog"]  # no CPU resources: no cgroup
    none = process_cgroups.MemoryLimits("abc", detect=False, cpu_roots=[])
    assert none.cpu_mode == "none" and none.enter("f" * 64, spec, ["prog"]) == ["prog"]


@REQUIRES_LOOPBACK
def test_a_busy_loop_limited_to_200m_uses_about_a_fifth_of_a_core(cluster: Any) -> None:
    runtime = _runtime(cluster)
    if not runtime.memory.cpu_bases:
        pytest.skip("no CPU cgroup can be made here (no cpu controller, or no permission)")
    bases = [b[0] for b in runtime.memory.cpu_bases]
    cluster.store.create(pod("busy", "python", command=BUSY, restart="Never",
                             resources={"limits": {"cpu": "200m"}}))
    cluster.wait_for(lambda: "running" in (container_status(cluster, "busy").get("state") or {}), 60)
    (cid,) = [cid for cid, c in runtime._containers.items() if c.status.state == "running"]

    def usage() -> int:
        return runtime.memory.cpu_usage_usec(cid) or 0

    cluster.wait_for(lambda: usage() > 0, 30)
    start_usage, start = usage(), time.monotonic()
    cluster.wait_for(lambda: usage() - start_usage >= 600_000, 120)  # 0.6 s of CPU: 3 s at 200m
    share = (usage() - start_usage) / 1e6 / (time.monotonic() - start)
    assert share < 0.3, share  # the quota: 20 ms per 100 ms (an unlimited loop takes a whole core)
    print(f"busy loop at limits.cpu=200m: {share:.3f} of a core ({runtime.memory.cpu_mode})")
    cluster.stop()
    assert [n for b in bases for n in (os.listdir(b) if os.path.isdir(b) else [])
            if n.startswith(runtime.memory.marker)] == []
