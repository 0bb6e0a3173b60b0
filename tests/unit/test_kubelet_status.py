"""Pure parts of the kubelet: pod status generation, phases, back-off, Go durations."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from kubenb.node.kubelet_backoff import Backoff, go_duration
from kubenb.node.kubelet_env import expand, service_env
from kubenb.node.kubelet_status import PodView, generate_pod_status
from kubenb.node.runtime.base import ContainerStatus, SandboxStatus

T0 = datetime(2025, 1, 6, 10, 0, 0, tzinfo=timezone.utc)
NOW = "2025-01-06T10:05:00Z"


def rec(name, attempt, state, code=None, id_=None):
    return ContainerStatus(id=id_ or f"{name}{attempt}", pod_uid="u", sandbox_id="s", name=name,
                           attempt=attempt, image="docker.io/library/nginx:latest",
                           image_id="docker.io/library/nginx@sha256:00", state=state,
                           created_at=T0, started_at=T0 + timedelta(seconds=1),
                           finished_at=T0 + timedelta(seconds=2) if state == "exited" else None,
                           exit_code=code, reason=("Completed" if code == 0 else "Error") if code is not None else "")


def pod(policy="Always", containers=("c",), status=None):
    return {"metadata": {"name": "p", "namespace": "default", "uid": "u"},
            "spec": {"restartPolicy": policy, "containers": [{"name": n, "image": "nginx"} for n in containers]},
            "status": status or {"phase": "Pending", "qosClass": "BestEffort", "conditions": [
                {"type": "PodScheduled", "status": "True", "lastProbeTime": None,
                 "lastTransitionTime": "2025-01-06T09:59:00Z"}]}}


SB = SandboxStatus("s", "u", "10.244.0.9", True, T0)


def gen(p, records, **kw):
    view = PodView("192.168.49.2", kw.pop("sandbox", SB), records, **kw)
    return generate_pod_status(p, view, lambda i: f"sim://{i}", NOW)


@pytest.mark.parametrize(("policy", "records", "terminal", "phase"), [
    ("Always", [], False, "Pending"),
    ("Always", [rec("c", 0, "running")], False, "Running"),
    ("Always", [rec("c", 0, "exited", 1)], False, "Running"),
    ("Never", [rec("c", 0, "exited", 0)], True, "Succeeded"),
    ("Never", [rec("c", 0, "exited", 2)], True, "Failed"),
    ("OnFailure", [rec("c", 0, "exited", 2)], False, "Running"),
])
def test_phase(policy, records, terminal, phase):
    assert gen(pod(policy), records, terminal=terminal)["phase"] == phase


def test_waiting_reason_keeps_last_state_and_restart_count():
    st = gen(pod(), [rec("c", 1, "exited", 1), rec("c", 0, "exited", 1)],
             reasons={"c": ("CrashLoopBackOff", "back-off 2s ...")})
    cs = st["containerStatuses"][0]
    assert cs["state"] == {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 2s ..."}}
    assert cs["lastState"]["terminated"]["exitCode"] == 1 and cs["restartCount"] == 1
    assert cs["containerID"] == "sim://c1"


def test_conditions_keep_transition_times_and_scheduler_condition():
    first = gen(pod(containers=("a", "b")), [rec("a", 0, "running")], ready={"a0": True})
    ready = next(c for c in first["conditions"] if c["type"] == "Ready")
    assert ready["message"] == "containers with unready status: [b]"
    scheduled = first["conditions"][-1]
    assert scheduled["lastTransitionTime"] == "2025-01-06T09:59:00Z"
    again = generate_pod_status(pod(containers=("a", "b"), status=first),
                                PodView("192.168.49.2", SB, [rec("a", 0, "running")], ready={"a0": True}),
                                lambda i: f"sim://{i}", "2025-01-06T11:00:00Z")
    assert again == first  # nothing changed: nothing to write


def test_lost_container_falls_back_to_old_status():
    old = {"phase": "Running", "containerStatuses": [{"name": "c", "restartCount": 2,
                                                      "state": {"running": {"startedAt": NOW}}}]}
    cs = gen(pod(status=old), [], sandbox=None)["containerStatuses"][0]
    assert cs["restartCount"] == 3 and cs["lastState"]["terminated"]["reason"] == "ContainerStatusUnknown"


def test_backoff_doubles_caps_and_resets():
    b = Backoff(2, 20, 40)
    assert [b.next("k", t, t) for t in (0, 1, 2, 3, 4, 5)] == [2, 4, 8, 16, 20, 20]
    assert b.in_backoff_since_update("k", 10) and not b.in_backoff_since_update("k", 26)
    assert b.next("k", 100, 100) == 2  # untouched for longer than reset_after
    assert b.in_backoff_since("k", 101, 102) and not b.in_backoff_since("k", 101, 104)


@pytest.mark.parametrize(("secs", "text"), [
    (0, "0s"), (0.3, "300ms"), (1.5, "1.5s"), (10, "10s"), (80, "1m20s"), (300, "5m0s"),
    (3600, "1h0m0s"), (0.0015, "1.5ms"), (2.345, "2.345s"),
])
def test_go_duration(secs, text):
    assert go_duration(secs) == text


def test_service_env_and_expansion():
    env = dict(service_env([{"metadata": {"name": "my-svc"}, "spec": {
        "clusterIP": "10.96.3.4", "ports": [{"name": "http", "port": 80, "protocol": "TCP"}]}}]))
    assert env == {
        "MY_SVC_SERVICE_HOST": "10.96.3.4", "MY_SVC_SERVICE_PORT": "80",
        "MY_SVC_SERVICE_PORT_HTTP": "80", "MY_SVC_PORT": "tcp://10.96.3.4:80",
        "MY_SVC_PORT_80_TCP": "tcp://10.96.3.4:80", "MY_SVC_PORT_80_TCP_PROTO": "tcp",
        "MY_SVC_PORT_80_TCP_PORT": "80", "MY_SVC_PORT_80_TCP_ADDR": "10.96.3.4"}
    assert expand("$(A)-$(B)-$$(A)", {"A": "1"}) == "1-$(B)-$(A)"
