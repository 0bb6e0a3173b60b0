"""PID 1 on the process runtime: where a PID namespace can be made, a command container's
first process is PID 1 of its own namespace, so — as in a real container — a shell without a
`trap` ignores SIGTERM and is SIGKILLed at the end of the grace period (137), `kill 1` from
inside does nothing, a program that traps SIGTERM still gets it, and `kubectl exec` joins the
container's namespaces (`ps` shows only the container, its first process as PID 1). Nothing
of a namespace outlives its init."""

from __future__ import annotations

import time
from typing import Any

import psutil
import pytest

from kubenb.node.runtime import process_mounts
from tests.process.util import REQUIRES_LOOPBACK, container_status, pod, status

pytestmark = REQUIRES_LOOPBACK
REQUIRES_PIDNS = pytest.mark.skipif(
    not process_mounts.pid_available(),
    reason="no PID namespaces here (unshare --user --mount --pid --fork --mount-proc fails)")

IGNORES = ["sh", "-c", "echo up; while true; do sleep 1; done"]
TRAPS = ["sh", "-c", "trap 'echo bye; exit 0' TERM; echo up; while true; do sleep 1; done"]


def _running(cluster: Any, name: str) -> bool:
    return "running" in (container_status(cluster, name).get("state") or {})


def _start(cluster: Any, name: str, command: list[str], grace: int = 30) -> None:
    cluster.store.create(pod(name, "busybox", command=command, grace=grace))
    cluster.wait_for(lambda: _running(cluster, name), 60)
    if "echo up" in command[-1]:  # its trap (if any) is set
        cluster.wait_for(lambda: "up" in cluster.pod_logs("default", name), 30)


def _runtime(cluster: Any) -> Any:
    return next(iter(cluster.kubelets.values())).runtime


def _init_pid(cluster: Any) -> int:
    found = [c for c in _runtime(cluster)._containers.values() if c.status.state == "running"]
    assert len(found) == 1 and found[0].pidns
    return int(found[0].pid)


def _terminated_after_delete(cluster: Any, name: str, grace: int) -> tuple[dict[str, Any], float]:
    """Delete the pod with `grace`; the container's terminated state and the seconds it took."""
    runtime = _runtime(cluster)
    (c,) = [c for c in runtime._containers.values() if c.status.state == "running"]
    began = time.monotonic()
    cluster.store.delete("Pod", "default", name, grace_period_seconds=grace)
    cluster.wait_for(lambda: c.status.state == "exited", grace + 60)
    return {"exitCode": c.status.exit_code, "reason": c.status.reason}, time.monotonic() - began


@REQUIRES_PIDNS
def test_a_shell_without_a_trap_ignores_sigterm_as_pid_1_and_is_killed_after_the_grace(cluster: Any) -> None:
    _start(cluster, "stubborn", IGNORES)
    init = psutil.Process(_init_pid(cluster))
    term, took = _terminated_after_delete(cluster, "stubborn", 3)
    assert term == {"exitCode": 137, "reason": "Error"}
    assert took >= 2.5  # it waited out the grace period (SIGTERM did nothing)
    assert not init.is_running() or init.status() == psutil.STATUS_ZOMBIE


@REQUIRES_PIDNS
def test_a_program_that_traps_sigterm_gets_it_and_exits_within_the_grace(cluster: Any) -> None:
    _start(cluster, "polite", TRAPS)
    term, took = _terminated_after_delete(cluster, "polite", 60)
    assert term == {"exitCode": 0, "reason": "Completed"}
    assert took < 50  # well before the 60 s grace: the trap ran


@REQUIRES_PIDNS
def test_exec_joins_the_namespace_ps_shows_the_container_and_kill_1_does_nothing(cluster: Any) -> None:
    _start(cluster, "box", ["sh", "-c", "sleep 3600 & echo started; wait"])

    def ps() -> tuple[int, str]:
        return cluster.pod_exec("default", "box", None, ["ps", "-o", "pid=,args="])

    cluster.wait_for(lambda: "sleep 3600\n" in ps()[1], 30)
    code, out = ps()
    assert code == 0, out
    rows = [line.split(None, 1) for line in out.strip().splitlines()]
    assert rows[0][0] == "1" and rows[0][1].startswith("sh -c sleep 3600"), out
    assert sorted(r[1] for r in rows[1:]) == ["ps -o pid=,args=", "sleep 3600"], out  # nothing of the host
    assert cluster.pod_exec("default", "box", None, ["sh", "-c", "echo $$; cat /proc/1/cmdline | tr '\\0' ' '"]) \
        [1].split("\n")[1].startswith("sh -c sleep 3600")
    assert cluster.pod_exec("default", "box", None, ["kill", "1"])[0] == 0
    assert cluster.pod_exec("default", "box", None, ["kill", "-TERM", "1"])[0] == 0
    code, out = cluster.pod_exec("default", "box", None, ["ps", "-o", "pid="])
    assert out.split()[0] == "1"  # PID 1 is still there after `kill 1`
    assert _running(cluster, "box") and container_status(cluster, "box").get("restartCount", 0) == 0


@REQUIRES_PIDNS
def test_the_namespace_ends_with_its_init(cluster: Any) -> None:
    # setsid: processes of other sessions, which no process-group kill reaches
    _start(cluster, "short", ["sh", "-c", "setsid sleep 3600 & setsid sleep 3601 & echo up; wait"], grace=1)
    init = psutil.Process(_init_pid(cluster))
    cluster.wait_for(lambda: sorted(p.cmdline()[-1] for p in init.children()) == ["3600", "3601"], 30)
    inside = init.children(recursive=True)
    cluster.store.delete("Pod", "default", "short", grace_period_seconds=1)
    cluster.wait_for(lambda: status(cluster, "short") == {}, 60)
    gone, alive = psutil.wait_procs([init, *inside], timeout=30)
    assert alive == []


def test_without_pid_namespaces_the_program_is_no_pid_1_and_sigterm_ends_it(
        monkeypatch: pytest.MonkeyPatch, cluster: Any) -> None:
    monkeypatch.setattr(process_mounts, "_pid_available", False)  # as where unshare --pid is refused
    _start(cluster, "plain", IGNORES)
    (c,) = [c for c in _runtime(cluster)._containers.values() if c.status.state == "running"]
    assert not c.pidns
    term, took = _terminated_after_delete(cluster, "plain", 60)
    assert term == {"exitCode": 143, "reason": "Error"} and took < 50  # the README's fallback
