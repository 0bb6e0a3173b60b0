"""Kubelet features beyond the basic lifecycle: init containers, readiness, env, logs, exec."""

from __future__ import annotations

import pytest

from kubenb.api.errors import BadRequest, InternalError
from kubenb.api.pods import get_condition, is_pod_ready
from tests import builders
from tests.unit.test_kubelet import (
    NODE,
    Recorder,
    cstatus,
    make_pod,
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


def create(store, name, containers, init=None, annotations=None, **spec):
    if init:
        spec["initContainers"] = init
    return store.create(builders.pod(name, node=NODE, meta={"annotations": annotations or {}},
                                     containers=containers, **spec))


def test_init_containers_run_first(kubelet, store, clock, rec):
    create(store, "withinit", [{"name": "app", "image": "nginx:1.27"}],
           init=[{"name": "setup", "image": "busybox:1.36", "command": ["sh", "-c", "echo ok"]}])
    wait_until(clock, store, lambda: is_pod_ready(pod(store, "withinit")))
    statuses = [s for _, s in rec.pod_statuses("withinit")]
    first = statuses[0]
    assert get_condition({"status": first}, "Initialized")["message"] == (
        "containers with incomplete status: [setup]")
    assert first["containerStatuses"][0]["state"]["waiting"]["reason"] == "PodInitializing"
    st = pod(store, "withinit")["status"]
    init = st["initContainerStatuses"][0]
    assert init["state"]["terminated"]["reason"] == "Completed" and init["ready"] is True
    started = [o["involvedObject"]["fieldPath"] for _, o in rec.events("Started")]
    assert started == ["spec.initContainers{setup}", "spec.containers{app}"]
    logs = clock.loop.run_until_complete(kubelet.logs("default", "withinit", "setup"))
    assert logs == "ok\n"


def test_failed_init_container_with_never_fails_the_pod(kubelet, store, clock):
    create(store, "badinit", [{"name": "app", "image": "nginx"}], restartPolicy="Never",
           init=[{"name": "setup", "image": "busybox", "command": ["false"]}])
    wait_until(clock, store, lambda: pod(store, "badinit")["status"]["phase"] == "Failed")
    assert "waiting" in cstatus(store, "badinit")["state"]


def test_not_ready_annotation_keeps_pod_unready(kubelet, store, clock):
    make_pod(store, "sick", "nginx", annotations={"sim.kubenb.io/not-ready": "true"})
    run(clock, 10)
    p = pod(store, "sick")
    assert p["status"]["phase"] == "Running"
    ready = get_condition(p, "Ready")
    assert (ready["status"], ready["reason"], ready["message"]) == (
        "False", "ContainersNotReady", "containers with unready status: [sick]")


def test_readiness_probe_delay(kubelet, store, clock):
    make_pod(store, "slow", "nginx", readinessProbe={
        "httpGet": {"path": "/", "port": 80}, "initialDelaySeconds": 5})
    wait_until(clock, store, lambda: pod(store, "slow")["status"]["phase"] == "Running")
    assert not is_pod_ready(pod(store, "slow"))
    t = wait_until(clock, store, lambda: is_pod_ready(pod(store, "slow")))
    assert 5 <= t < 6


def test_exit_annotation_steers_the_sim(kubelet, store, clock):
    make_pod(store, "steered", "nginx", policy="Never",
             annotations={"sim.kubenb.io/exit-code": "7", "sim.kubenb.io/run-seconds": "3"})
    t = wait_until(clock, store, lambda: pod(store, "steered")["status"]["phase"] == "Failed")
    assert 3 <= t < 4
    assert cstatus(store, "steered")["state"]["terminated"]["exitCode"] == 7


def test_missing_configmap_is_create_container_config_error(kubelet, store, clock, rec):
    make_pod(store, "cfg", "nginx", env=[{"name": "X", "valueFrom": {
        "configMapKeyRef": {"name": "settings", "key": "x"}}}])
    run(clock, 3)
    assert cstatus(store, "cfg")["state"]["waiting"] == {
        "reason": "CreateContainerConfigError", "message": 'configmap "settings" not found'}
    store.create({"apiVersion": "v1", "kind": "ConfigMap",
                  "metadata": {"name": "settings", "namespace": "default"}, "data": {"x": "42"}})
    wait_until(clock, store, lambda: is_pod_ready(pod(store, "cfg")))
    code, out = clock.loop.run_until_complete(kubelet.exec("default", "cfg", None, ["printenv", "X"]))
    assert (code, out) == (0, "42\n")


def test_exec_env_has_service_links_and_image_env(kubelet, store, clock):
    store.create({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "kubernetes",
                  "namespace": "default"}, "spec": {"clusterIP": "10.96.0.1", "ports": [
                      {"name": "https", "port": 443, "protocol": "TCP", "targetPort": 8443}]}})
    make_pod(store, "boot")
    wait_until(clock, store, lambda: is_pod_ready(pod(store, "boot")))
    code, out = clock.loop.run_until_complete(kubelet.exec("default", "boot", None, ["env"]))
    lines = out.splitlines()
    assert code == 0 and lines[0].startswith("PATH=") and lines[1] == "HOSTNAME=boot"
    assert "KUBERNETES_SERVICE_HOST=10.96.0.1" in lines
    assert "KUBERNETES_PORT_443_TCP=tcp://10.96.0.1:443" in lines
    assert "NODE_VERSION=6.3.1" in lines and lines[-1] == "HOME=/root"


def test_logs_and_exec_errors(kubelet, store, clock):
    make_pod(store, "nope", "nginx:nope")
    run(clock, 1)
    with pytest.raises(BadRequest, match=r'container "nope" in pod "nope" is waiting to start: '):
        clock.loop.run_until_complete(kubelet.logs("default", "nope"))
    with pytest.raises(BadRequest, match=r"container other is not valid for pod nope"):
        clock.loop.run_until_complete(kubelet.logs("default", "nope", "other"))
    make_pod(store, "web")
    wait_until(clock, store, lambda: is_pod_ready(pod(store, "web")))
    with pytest.raises(BadRequest, match='previous terminated container "web" in pod "web" not found'):
        clock.loop.run_until_complete(kubelet.logs("default", "web", previous=True))
    with pytest.raises(InternalError, match='exec: "frobnicate": executable file not found in'):
        clock.loop.run_until_complete(kubelet.exec("default", "web", None, ["frobnicate"]))
    logs = clock.loop.run_until_complete(kubelet.logs("default", "web"))
    assert logs.startswith("Kubernetes Bootcamp App Started At: 2025-01-06T10:00:01.450Z") and \
        logs.endswith("| Running On:  web \n\n")


def test_previous_logs_after_a_restart(kubelet, store, clock):
    make_pod(store, "talky", "busybox", command=["sh", "-c", "echo attempt; exit 1"])
    wait_until(clock, store, lambda: cstatus(store, "talky")["restartCount"] >= 1)
    prev = clock.loop.run_until_complete(kubelet.logs("default", "talky", previous=True))
    assert prev == "attempt\n"
