"""Memory limits on the process runtime: a command container past `limits.memory` is killed
by the kernel (a memory cgroup, where one can be made) or by the RSS watchdog, and the
kubelet reports OOMKilled with exit code 137, restarting it per the pod's policy. Nothing
of the cgroups is left after the cluster stops."""

from __future__ import annotations

import os
from typing import Any

import pytest

from kubenb.node.runtime import process_cgroups
from tests.process.util import REQUIRES_LOOPBACK, container_status, pod

pytestmark = REQUIRES_LOOPBACK

HOG = ["python3", "-c", "import time\nb = bytearray(300 * 1024 * 1024)\nb[::4096] = b'x' * len(b[::4096])\n"
       "time.sleep(60)"]


def _terminated(cluster: Any, name: str) -> dict[str, Any]:
    state = container_status(cluster, name).get("state") or {}
    return state.get("terminated") or {}


def _ours(base: str | None) -> list[str]:
    return sorted(os.listdir(base)) if base and os.path.isdir(base) else []


def _run_hog(cluster: Any, restart: str) -> None:
    cluster.store.create(pod("hog", "python", command=HOG, restart=restart,
                             resources={"limits": {"memory": "64Mi"}}))


def test_past_its_memory_limit_a_container_is_oom_killed(cluster: Any) -> None:
    runtime = next(iter(cluster.kubelets.values())).runtime
    base, before = runtime.memory.base, _ours(runtime.memory.base)
    _run_hog(cluster, "Never")
    cluster.wait_for(lambda: _terminated(cluster, "hog"), 60)
    term = _terminated(cluster, "hog")
    assert (term["reason"], term["exitCode"]) == ("OOMKilled", 137), (runtime.memory.mode, term)
    cluster.stop()
    assert _ours(base) in ([], before)  # the container's cgroup is gone (and the parent, if unshared)


def test_the_watchdog_kills_where_no_cgroup_can_be_made(monkeypatch: pytest.MonkeyPatch, make_cluster: Any) -> None:
    monkeypatch.setattr(process_cgroups, "find_root", lambda: None)
    cluster = make_cluster()
    assert next(iter(cluster.kubelets.values())).runtime.memory.mode == "watchdog"
    _run_hog(cluster, "OnFailure")
    cluster.wait_for(lambda: container_status(cluster, "hog").get("restartCount", 0) >= 1, 60)
    last = container_status(cluster, "hog")["lastState"]["terminated"]
    assert (last["reason"], last["exitCode"]) == ("OOMKilled", 137)


def test_a_container_within_its_limit_is_left_alone(cluster: Any) -> None:
    cluster.store.create(pod("small", "python", command=["python3", "-c", "b = bytearray(1024)"], restart="Never",
                             resources={"limits": {"memory": "256Mi"}}))
    cluster.wait_for(lambda: _terminated(cluster, "small"), 60)
    assert (_terminated(cluster, "small")["reason"], _terminated(cluster, "small")["exitCode"]) == ("Completed", 0)


def test_cgroup_files_and_oom_counters(tmp_path: Any) -> None:
    for version, events in ((1, "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n"), (2, "low 0\noom 1\noom_kill 1\n")):
        root = tmp_path / f"v{version}"
        root.mkdir()
        if version == 2:
            (root / "cgroup.subtree_control").write_text("")
        limits = process_cgroups.MemoryLimits("abc", (str(root), version))
        assert limits.mode == f"cgroup v{version}"
        argv = limits.enter("f" * 64, {"resources": {"limits": {"memory": "64Mi"}}}, ["prog", "arg"])
        path = root / "kubenb" / f"abc-{'f' * 16}"
        assert argv == ["/bin/sh", "-c", process_cgroups._ENTER, str(path), "prog", "arg"]
        limit_file = "memory.max" if version == 2 else "memory.limit_in_bytes"
        assert (path / limit_file).read_text() == str(64 * 1024 * 1024)
        assert not limits.exited("f" * 64, 137)  # no counter yet: a plain SIGKILL
        (path / ("memory.events" if version == 2 else "memory.oom_control")).write_text(events)
        assert limits.exited("f" * 64, 137)
        assert not limits.exited("f" * 64, 1)
        assert limits.enter("g" * 64, {}, ["prog"]) == ["prog"]  # no limit: no cgroup
