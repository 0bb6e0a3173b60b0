"""Pod lifecycle in the kubelet (sim runtime, virtual clock): init containers, native
sidecars, postStart/preStop hooks, activeDeadlineSeconds, the status kubectl prints."""

from __future__ import annotations

from typing import Any

import pytest

from kubenb.api.pods import get_condition, is_pod_ready
from kubenb.api.tables.rows_pod import pod_status
from tests import builders
from tests.unit.test_kubelet import (
    NODE,
    Recorder,
    new_recorder,
    pod,
    run,
    running_kubelet,
    wait_until,
)


@pytest.fixture
def rec(store, clock) -> Recorder:
    return new_recorder(store, clock)


@pytest.fixture
def kubelet(ctx, clock, rec):
    yield from running_kubelet(ctx, clock)


def busybox(name: str, script: str, **fields: Any) -> dict[str, Any]:
    return {"name": name, "image": "busybox:1.36", "command": ["sh", "-c", script], **fields}


def sidecar(name: str, script: str = "sleep 3600", **fields: Any) -> dict[str, Any]:
    return busybox(name, script, restartPolicy="Always", **fields)


def create(store, name: str, containers: list[dict[str, Any]], init: list[dict[str, Any]] | None = None,
           **spec: Any) -> dict[str, Any]:
    if init:
        spec["initContainers"] = init
    return store.create(builders.pod(name, node=NODE, containers=containers, **spec))


def row(store, name: str) -> tuple[str, str, int]:
    ready, status, restarts, _ = pod_status(pod(store, name))
    return ready, status, restarts


def rows_seen(rec: Recorder, store, name: str) -> list[str]:
    spec = pod(store, name)["spec"]
    out: list[str] = []
    for _, status in rec.pod_statuses(name):
        text = pod_status({"metadata": {}, "spec": spec, "status": status})[1]
        if not out or out[-1] != text:
            out.append(text)
    return out


def init_status(store, pod_name: str, name: str) -> dict[str, Any]:
    for s in pod(store, pod_name)["status"].get("initContainerStatuses") or []:
        if s["name"] == name:
            return s
    raise KeyError(name)


def started_paths(rec: Recorder, name: str) -> list[str]:
    return [o["involvedObject"]["fieldPath"] for _, o in rec.events("Started")
            if o["involvedObject"]["name"] == name]


# ---- init containers and native sidecars ----------------------------------------------


def test_sidecar_starts_between_init_containers_and_counts_in_ready(kubelet, store, clock, rec):
    create(store, "web", [{"name": "app", "image": "nginx:1.27"}],
           init=[busybox("setup", "echo one"), sidecar("proxy"), busybox("migrate", "echo two")])
    wait_until(clock, store, lambda: is_pod_ready(pod(store, "web")))
    assert started_paths(rec, "web") == ["spec.initContainers{setup}", "spec.initContainers{proxy}",
                                         "spec.initContainers{migrate}", "spec.containers{app}"]
    proxy = init_status(store, "web", "proxy")
    assert "running" in proxy["state"] and proxy["started"] is True and proxy["ready"] is True
    assert row(store, "web") == ("2/2", "Running", 0)
    assert rows_seen(rec, store, "web")[:2] == ["Init:0/3", "Init:1/3"]
    assert get_condition(pod(store, "web"), "Initialized")["status"] == "True"


def test_sidecar_restarts_whatever_the_pod_restart_policy(kubelet, store, clock, rec):
    create(store, "flaky", [{"name": "app", "image": "nginx:1.27"}], restartPolicy="Never",
           init=[sidecar("log", "sleep 5; exit 1")])
    wait_until(clock, store, lambda: init_status(store, "flaky", "log")["restartCount"] >= 2)
    p = pod(store, "flaky")
    assert p["status"]["phase"] == "Running"
    last = init_status(store, "flaky", "log")["lastState"]["terminated"]
    assert (last["exitCode"], last["reason"]) == (1, "Error")
    assert "running" in p["status"]["containerStatuses"][0]["state"]  # the app never stopped
    assert started_paths(rec, "flaky").count("spec.containers{app}") == 1


def test_pod_completes_when_its_app_containers_do_and_sidecars_are_stopped(kubelet, store, clock, rec):
    create(store, "job", [busybox("work", "sleep 3; echo finished")], restartPolicy="Never",
           init=[sidecar("a"), sidecar("b")])
    wait_until(clock, store, lambda: pod(store, "job")["status"]["phase"] == "Succeeded")
    for name in ("a", "b"):
        term = init_status(store, "job", name)["state"]["terminated"]
        assert (term["exitCode"], term["reason"]) == (137, "Error")  # `sleep` as PID 1 ignores SIGTERM: SIGKILL
    kills = [o["involvedObject"]["fieldPath"] for _, o in rec.events("Killing")]
    assert kills == ["spec.initContainers{b}", "spec.initContainers{a}"]  # the last one first
    assert row(store, "job") == ("0/3", "Completed", 0)


def test_failing_init_container_shows_error_then_crash_loop(kubelet, store, clock, rec):
    create(store, "stuck", [{"name": "app", "image": "nginx:1.27"}],
           init=[busybox("check", "exit 2"), busybox("never", "echo")])
    wait_until(clock, store, lambda: row(store, "stuck")[1] == "Init:CrashLoopBackOff")
    seen = rows_seen(rec, store, "stuck")
    assert seen[0] == "Init:0/2" and "Init:Error" in seen
    s = init_status(store, "stuck", "check")
    assert s["lastState"]["terminated"]["exitCode"] == 2
    assert pod(store, "stuck")["status"]["phase"] == "Pending"
    assert started_paths(rec, "stuck") and "spec.initContainers{never}" not in started_paths(rec, "stuck")


# ---- hooks -------------------------------------------------------------------------------


def test_failing_post_start_hook_kills_and_restarts_the_container(kubelet, store, clock, rec):
    hook = {"postStart": {"exec": {"command": ["sh", "-c", "echo nope; exit 3"]}}}
    create(store, "hooked", [{"name": "app", "image": "nginx:1.27", "lifecycle": hook}])
    wait_until(clock, store, lambda: any(o["reason"] == "Killing" for _, o in rec.events()))
    failed = [o for _, o in rec.events("FailedPostStartHook")]
    assert failed[0]["type"] == "Warning" and failed[0]["message"] == "PostStartHook failed"
    assert [o["message"] for _, o in rec.events("Killing")][0] == "FailedPostStartHook"
    waiting = [s["containerStatuses"][0]["state"].get("waiting") for _, s in rec.pod_statuses("hooked")]
    hook_error = next(w for w in waiting if w and w["reason"] == "PostStartHookError")
    ref = f"hooked_default({pod(store, 'hooked')['metadata']['uid']})"
    assert hook_error["message"] == (
        f'Exec lifecycle hook ([sh -c echo nope; exit 3]) for Container "app" in Pod "{ref}" '
        "failed - error: command 'sh -c echo nope; exit 3' exited with 3: , message: \"nope\\n\"")
    wait_until(clock, store, lambda: pod(store, "hooked")["status"]["containerStatuses"][0]
               ["restartCount"] >= 1)


def test_post_start_hook_that_succeeds_leaves_the_container_running(kubelet, store, clock, rec):
    hook = {"postStart": {"exec": {"command": ["true"]}}}
    create(store, "fine", [{"name": "app", "image": "nginx:1.27", "lifecycle": hook}])
    wait_until(clock, store, lambda: is_pod_ready(pod(store, "fine")))
    assert rec.events("FailedPostStartHook") == []


def test_pre_stop_hook_runs_within_the_grace_period(kubelet, store, clock, rec):
    hook = {"preStop": {"sleep": {"seconds": 5}}}
    create(store, "slow", [{"name": "app", "image": "nginx:1.27", "lifecycle": hook}],
           terminationGracePeriodSeconds=30)
    wait_until(clock, store, lambda: is_pod_ready(pod(store, "slow")))
    start = clock.t
    store.delete("Pod", "default", "slow")
    end = wait_until(clock, store, lambda: store.try_get("Pod", "default", "slow") is None)
    assert 5 <= end - start < 6  # the hook's 5 s, then nginx quits on SIGTERM


def test_pre_stop_hook_longer_than_the_grace_period_is_cut_short(kubelet, store, clock, rec):
    hook = {"preStop": {"sleep": {"seconds": 9}}}  # then bootcamp ignores SIGTERM
    create(store, "cut", [{"name": "app", "image": "gcr.io/google-samples/kubernetes-bootcamp:v1",
                           "lifecycle": hook}], terminationGracePeriodSeconds=10)
    wait_until(clock, store, lambda: is_pod_ready(pod(store, "cut")))
    start = clock.t
    store.delete("Pod", "default", "cut")
    end = wait_until(clock, store, lambda: store.try_get("Pod", "default", "cut") is None)
    assert 11 <= end - start < 12  # 9 s hook, then upstream's minimum of 2 s, not the 1 s left


def test_failing_pre_stop_hook_is_a_warning_and_the_container_stops_anyway(kubelet, store, clock, rec):
    hook = {"preStop": {"exec": {"command": ["false"]}}}
    create(store, "bad", [{"name": "app", "image": "nginx:1.27", "lifecycle": hook}])
    wait_until(clock, store, lambda: is_pod_ready(pod(store, "bad")))
    store.delete("Pod", "default", "bad")
    wait_until(clock, store, lambda: store.try_get("Pod", "default", "bad") is None)
    failed = [o for _, o in rec.events("FailedPreStopHook")]
    assert failed and failed[0]["type"] == "Warning"
    assert failed[0]["message"].startswith('Exec lifecycle hook ([false]) for Container "app" in Pod "bad_default(')
    assert "exited with 1" in failed[0]["message"]


# ---- activeDeadlineSeconds -----------------------------------------------------------------


def test_active_deadline_fails_the_pod(kubelet, store, clock, rec):
    create(store, "limited", [{"name": "app", "image": "nginx:1.27"}], activeDeadlineSeconds=20)
    wait_until(clock, store, lambda: is_pod_ready(pod(store, "limited")))
    run(clock, 10)
    assert pod(store, "limited")["status"]["phase"] == "Running"
    end = wait_until(clock, store, lambda: pod(store, "limited")["status"]["phase"] == "Failed")
    assert 20 <= end < 22
    st = pod(store, "limited")["status"]
    assert (st["reason"], st["message"]) == (
        "DeadlineExceeded", "Pod was active on the node longer than the specified deadline")
    assert "terminated" in st["containerStatuses"][0]["state"]
    events = [o for _, o in rec.events("DeadlineExceeded")]
    assert events[0]["type"] == "Normal" and events[0]["message"] == st["message"]
    run(clock, 30)
    assert pod(store, "limited")["status"]["reason"] == "DeadlineExceeded"  # it stays so


# ---- forced deletion -----------------------------------------------------------------------


def test_forced_deletion_still_gives_the_containers_the_pods_grace_period(kubelet, store, clock, rec):
    create(store, "forced", [{"name": "app", "image": "gcr.io/google-samples/kubernetes-bootcamp:v1"}],
           terminationGracePeriodSeconds=20)  # bootcamp ignores SIGTERM
    wait_until(clock, store, lambda: is_pod_ready(pod(store, "forced")))
    start = clock.t
    store.delete("Pod", "default", "forced", grace_period_seconds=0)  # --force --grace-period=0
    assert store.try_get("Pod", "default", "forced") is None  # the API forgets it at once …

    def running() -> list[Any]:
        records = clock.loop.run_until_complete(kubelet.runtime.list_containers())
        return [r for r in records if r.state == "running"]

    run(clock, 15)
    assert len(running()) == 1  # … the node does not: it may run on for the grace period
    assert [o["message"] for _, o in rec.events("Killing")] == ["Stopping container app"]
    run(clock, 6)
    assert clock.t - start >= 20 and running() == []


def test_deletion_cancels_a_post_start_hook_still_running(kubelet, store, clock, rec):
    hook = {"postStart": {"sleep": {"seconds": 20}}}  # holds up the start, as upstream
    create(store, "starting", [{"name": "app", "image": "nginx:1.27", "lifecycle": hook}])
    run(clock, 5)
    assert not is_pod_ready(pod(store, "starting"))
    start = clock.t
    store.delete("Pod", "default", "starting")
    end = wait_until(clock, store, lambda: store.try_get("Pod", "default", "starting") is None)
    assert end - start < 2  # not after the hook's 20 s
    assert rec.events("FailedPostStartHook") == []
