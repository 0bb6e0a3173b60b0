"""Pod lifecycle with real processes: SIGTERM and the grace period, SIGKILL after it, the
final status watchers see, init containers and native sidecars, lifecycle hooks."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import psutil

from kubenb.api.tables.rows_pod import pod_status
from tests import builders
from tests.process.util import REQUIRES_LOOPBACK, cmdline_of, status

pytestmark = REQUIRES_LOOPBACK
LOOP = "while true; do sleep 0.1; done"


def sh(name: str, script: str, **fields: Any) -> dict[str, Any]:
    return {"name": name, "image": "busybox:1.36", "command": ["sh", "-c", script], **fields}


def make(name: str, containers: list[dict[str, Any]], **spec: Any) -> dict[str, Any]:
    return builders.pod(name, labels={"app": name}, containers=containers, **spec)


def final_statuses(c, name: str) -> list[dict[str, Any]]:
    """Every status the kubelet writes for pod `name` from now on."""
    seen: list[dict[str, Any]] = []

    def listen(verb: str, kind: str, obj: dict[str, Any], sub: str | None) -> None:
        if kind == "Pod" and sub == "status" and obj["metadata"]["name"] == name:
            seen.append(obj["status"])

    c.store.write_listeners.append(listen)
    return seen


def trapping(tmp_path: Path, handler: str) -> tuple[str, Path]:
    """A shell that runs `handler` on SIGTERM and then loops; it touches the returned file once
    its trap is set (a signal before that would end it without the handler)."""
    armed = tmp_path / "armed"
    return f'trap "{handler}" TERM; touch {armed}; {LOOP}', armed


def gone(c, name: str) -> bool:
    return c.store.try_get("Pod", "default", name) is None


def test_sigterm_handler_runs_and_the_pod_goes_before_the_grace_period(cluster, tmp_path: Path):
    out = tmp_path / "bye"
    script, armed = trapping(tmp_path, f"echo bye > {out}; exit 0")
    cluster.store.create(make("polite", [sh("main", script)], terminationGracePeriodSeconds=60))
    cluster.wait_for(armed.exists, 20)
    writes = final_statuses(cluster, "polite")
    started = time.monotonic()
    cluster.store.delete("Pod", "default", "polite")
    cluster.wait_for(lambda: gone(cluster, "polite"), 30)
    assert time.monotonic() - started < 30  # the handler ended it, not the 60 s kill
    assert out.read_text() == "bye\n"
    term = writes[-1]["containerStatuses"][0]["state"]["terminated"]
    assert (term["exitCode"], term["reason"]) == (0, "Completed")
    assert writes[-1]["phase"] == "Succeeded"
    ready = [c for c in writes[-1]["conditions"] if c["type"] == "Ready"][0]
    assert ready["status"] == "False"


def test_sigkill_comes_when_the_grace_period_runs_out(cluster, tmp_path: Path):
    out = tmp_path / "term"
    script, armed = trapping(tmp_path, f"echo got TERM >> {out}")  # notes SIGTERM, runs on
    cluster.store.create(make("stubborn", [sh("main", script)], terminationGracePeriodSeconds=2))
    cluster.wait_for(armed.exists, 20)
    runtime = next(iter(cluster.kubelets.values())).runtime
    procs = [p for p in psutil.Process(runtime.agent.pid).children(recursive=True)
             if "trap" in cmdline_of(p)]
    assert procs
    writes = final_statuses(cluster, "stubborn")
    started = time.monotonic()
    cluster.store.delete("Pod", "default", "stubborn")
    cluster.wait_for(lambda: out.exists() and out.read_text() == "got TERM\n", 10)
    assert not gone(cluster, "stubborn")
    cluster.wait_for(lambda: gone(cluster, "stubborn"), 30)
    assert time.monotonic() - started >= 1.9
    _, alive = psutil.wait_procs(procs, timeout=5)
    assert alive == []
    term = writes[-1]["containerStatuses"][0]["state"]["terminated"]
    assert (term["exitCode"], writes[-1]["phase"]) == (137, "Failed")


def test_init_containers_then_sidecar_then_app_as_real_processes(cluster, tmp_path: Path):
    order = tmp_path / "order"
    init = [sh("first", f"echo first >> {order}"),
            sh("proxy", f"echo proxy >> {order}; echo proxy up; exec sleep 3600", restartPolicy="Always"),
            sh("second", f"echo second >> {order}")]
    apps = [sh("app", f"echo app >> {order}; echo app up; exec sleep 3600"),
            sh("helper", f"echo helper up; {LOOP}")]
    cluster.store.create(make("multi", apps, initContainers=init))
    cluster.wait_for(lambda: pod_status(cluster.store.get("Pod", "default", "multi"))[:2]
                     == ("3/3", "Running"), 30)
    lines = order.read_text().split()
    assert lines[:3] == ["first", "proxy", "second"] and "app" in lines
    for name in ("proxy", "helper"):
        cluster.wait_for(lambda n=name: cluster.pod_logs("default", "multi", n) == f"{n} up\n", 10)
    assert cluster.pod_exec("default", "multi", "app", ["sh", "-c", "echo in app"]) == (0, "in app\n")
    cluster.store.delete("Pod", "default", "multi", grace_period_seconds=5)
    cluster.wait_for(lambda: gone(cluster, "multi"), 30)


def test_pre_stop_hook_runs_before_sigterm(cluster, tmp_path: Path):
    out = tmp_path / "hooks"
    hooks = {"postStart": {"exec": {"command": ["sh", "-c", f"echo postStart >> {out}"]}},
             "preStop": {"exec": {"command": ["sh", "-c", f"echo preStop >> {out}"]}}}
    script, armed = trapping(tmp_path, f"echo TERM >> {out}; exit 0")
    cluster.store.create(make("hooked", [sh("main", script, lifecycle=hooks)]))
    cluster.wait_for(armed.exists, 20)
    cluster.wait_for(lambda: out.exists() and out.read_text() == "postStart\n", 10)
    cluster.store.delete("Pod", "default", "hooked")
    cluster.wait_for(lambda: gone(cluster, "hooked"), 30)
    assert out.read_text() == "postStart\npreStop\nTERM\n"


def test_http_post_start_hook_that_cannot_connect_kills_the_container(cluster):
    hook = {"postStart": {"httpGet": {"path": "/started", "port": 8080}}}
    writes = final_statuses(cluster, "nohttp")
    # grace 1: the kill after the failed hook waits out the grace period (PID 1 ignores SIGTERM)
    cluster.store.create(make("nohttp", [sh("main", LOOP, lifecycle=hook)], grace=1))

    def hook_error() -> dict[str, Any] | None:
        for st in list(writes):
            waiting = ((st.get("containerStatuses") or [{}])[0].get("state") or {}).get("waiting")
            if waiting and waiting["reason"] == "PostStartHookError":
                return waiting
        return None

    cluster.wait_for(lambda: hook_error() is not None, 20)
    ip = status(cluster, "nohttp")["podIP"]
    uid = cluster.store.get("Pod", "default", "nohttp")["metadata"]["uid"]
    assert hook_error()["message"] == (
        f'HTTP lifecycle hook (/started) for Container "main" in Pod "nohttp_default({uid})" failed '
        f'- error: Get "http://{ip}:8080/started": dial tcp {ip}:8080: connect: connection refused')
    events = [e for e in cluster.store.list("Event", "default") if e["reason"] == "FailedPostStartHook"]
    assert events[0]["message"] == "PostStartHook failed"
    cluster.wait_for(lambda: (status(cluster, "nohttp").get("containerStatuses") or [{}])[0]
                     .get("restartCount", 0) >= 1, 30)


def test_forced_deletion_still_sends_sigterm(cluster, tmp_path: Path):
    out = tmp_path / "forced"
    script, armed = trapping(tmp_path, f"echo TERM > {out}; exit 0")
    cluster.store.create(make("forced", [sh("main", script)]))
    cluster.wait_for(armed.exists, 20)
    cluster.store.delete("Pod", "default", "forced", grace_period_seconds=0)
    assert gone(cluster, "forced")
    cluster.wait_for(lambda: out.exists() and out.read_text() == "TERM\n", 20)
