"""The kubelet's prober on a virtual clock: readiness gates Endpoints, liveness restarts,
startup gates both, thresholds and periods as upstream, and the kubelet's event words.

The cluster's runtime is the sim runtime claiming a real network (tests/net/standin.py), so
the kubelet runs its real prober; probe results come from an injected runner (or, for exec
probes, the real runner through the runtime's exec)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from kubenb.api.pods import is_pod_ready
from kubenb.clock import VirtualClock
from kubenb.cluster import Cluster
from kubenb.node.prober_run import ProbeOutcome, ProbeTarget
from kubenb.node.runtime import RUNTIMES, RuntimeEntry
from tests import builders
from tests.conftest import run_cluster

REFUSED = 'Get "http://{ip}:8080/ready": dial tcp {ip}:8080: connect: connection refused'


class FakeProbes:
    """Answers probes from `healthy[kind]`, recording (time, kind) per call."""

    def __init__(self, clock: VirtualClock) -> None:
        self.clock = clock
        self.healthy = {"readiness": True, "liveness": True, "startup": True}
        self.calls: list[tuple[float, str]] = []

    async def __call__(self, spec: dict[str, Any], target: ProbeTarget) -> ProbeOutcome:
        kind = spec["kind"]
        self.calls.append((self.clock.monotonic(), kind))
        if self.healthy[kind]:
            return ProbeOutcome("Success")
        if kind == "liveness":
            return ProbeOutcome("Failure", "HTTP probe failed with statuscode: 500")
        return ProbeOutcome("Failure", REFUSED.format(ip=target.pod_ip))

    def times(self, kind: str) -> list[float]:
        return [t for t, k in self.calls if k == kind]


@pytest.fixture
def cluster(monkeypatch: pytest.MonkeyPatch) -> Iterator[Cluster]:
    monkeypatch.setitem(RUNTIMES, "sim", RuntimeEntry("tests.net.standin", "StandInRuntime"))
    yield from run_cluster(Cluster(clock=VirtualClock(), seed=1))


@pytest.fixture
def probes(cluster: Cluster) -> FakeProbes:
    fake = FakeProbes(cluster.clock)  # type: ignore[arg-type]
    for kubelet in cluster.kubelets.values():
        kubelet.prober.run = fake
    return fake


def probe(kind: str, **fields: Any) -> dict[str, Any]:
    # `kind` rides along in the spec so the fake knows which probe it answers
    return {"httpGet": {"path": "/ready", "port": 8080}, "kind": kind, **fields}


def make_pod(c: Cluster, name: str = "web", image: str = "nginx", **probes: Any) -> None:
    c.store.create(builders.pod(name, labels={"app": "web"}, grace=5,
                                containers=[builders.container("app", image, ports=[8080], **probes)]))


def pod(c: Cluster, name: str = "web") -> dict[str, Any]:
    return c.store.get("Pod", "default", name)


def running(c: Cluster, name: str = "web") -> bool:
    cs = (pod(c, name).get("status") or {}).get("containerStatuses") or [{}]
    return "running" in (cs[0].get("state") or {})


def restarts(c: Cluster, name: str = "web") -> int:
    cs = (pod(c, name).get("status") or {}).get("containerStatuses") or [{}]
    return int(cs[0].get("restartCount", 0))


def events(c: Cluster, reason: str) -> list[dict[str, Any]]:
    return [e for e in c.store.list("Event", "default") if e["reason"] == reason]


def endpoint_ips(c: Cluster) -> tuple[list[str], list[str]]:
    ep = c.store.try_get("Endpoints", "default", "web") or {}
    ready, not_ready = [], []
    for s in ep.get("subsets") or []:
        ready += [a["ip"] for a in s.get("addresses") or []]
        not_ready += [a["ip"] for a in s.get("notReadyAddresses") or []]
    return ready, not_ready


def test_readiness_probe_gates_ready_and_endpoints(cluster: Cluster, probes: FakeProbes) -> None:
    cluster.store.create({"apiVersion": "v1", "kind": "Service",
                          "metadata": {"name": "web", "namespace": "default"},
                          "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 8080}]}})
    probes.healthy["readiness"] = False
    make_pod(cluster, readinessProbe=probe("readiness", initialDelaySeconds=5, periodSeconds=10))
    cluster.wait_for(lambda: running(cluster))
    started = cluster.clock.monotonic()
    cluster.advance(30)
    ip = pod(cluster)["status"]["podIP"]
    assert not is_pod_ready(pod(cluster))
    assert endpoint_ips(cluster) == ([], [ip])
    # first probe initialDelaySeconds after the start, then every periodSeconds
    assert [round(t - started) for t in probes.times("readiness")] == [5, 15, 25]
    unhealthy = events(cluster, "Unhealthy")
    assert [(e["type"], e["message"], e["count"]) for e in unhealthy] == [
        ("Warning", f"Readiness probe failed: {REFUSED.format(ip=ip)}", 3)]
    assert unhealthy[0]["involvedObject"]["fieldPath"] == "spec.containers{app}"
    assert unhealthy[0]["source"]["component"] == "kubelet"

    probes.healthy["readiness"] = True
    cluster.wait_for(lambda: is_pod_ready(pod(cluster)), timeout=10)
    cluster.wait_for(lambda: endpoint_ips(cluster) == ([ip], []), timeout=1)

    probes.healthy["readiness"] = False  # failureThreshold 3: ready until the third failure
    cluster.advance(25)
    assert is_pod_ready(pod(cluster))
    cluster.wait_for(lambda: not is_pod_ready(pod(cluster)), timeout=10)
    cluster.wait_for(lambda: endpoint_ips(cluster) == ([], [ip]), timeout=1)
    assert restarts(cluster) == 0  # readiness never restarts


def test_success_threshold_needs_consecutive_successes(cluster: Cluster, probes: FakeProbes) -> None:
    make_pod(cluster, readinessProbe=probe("readiness", periodSeconds=1, successThreshold=3))
    cluster.wait_for(lambda: running(cluster))
    cluster.advance(1.5)
    assert not is_pod_ready(pod(cluster))
    cluster.wait_for(lambda: is_pod_ready(pod(cluster)), timeout=5)
    assert len(probes.times("readiness")) == 3


def test_liveness_failure_kills_and_restarts_with_back_off(cluster: Cluster, probes: FakeProbes) -> None:
    probes.healthy["liveness"] = False
    make_pod(cluster, livenessProbe=probe("liveness", periodSeconds=5, failureThreshold=2))
    cluster.wait_for(lambda: restarts(cluster) == 1, timeout=60)
    killing = events(cluster, "Killing")
    assert [(e["type"], e["message"], e["involvedObject"].get("fieldPath")) for e in killing] == [
        ("Normal", "Container app failed liveness probe, will be restarted", "spec.containers{app}")]
    unhealthy = events(cluster, "Unhealthy")
    assert [e["message"] for e in unhealthy] == [
        "Liveness probe failed: HTTP probe failed with statuscode: 500"]
    assert unhealthy[0]["count"] >= 2  # failureThreshold failures before the kill
    status = pod(cluster)["status"]["containerStatuses"][0]
    assert "terminated" in status["lastState"]
    cluster.wait_for(lambda: restarts(cluster) == 2, timeout=120)
    assert events(cluster, "BackOff")  # the second restart waited for the crash back-off
    assert events(cluster, "Killing")[0]["count"] == 2


def test_healthy_liveness_never_restarts(cluster: Cluster, probes: FakeProbes) -> None:
    make_pod(cluster, livenessProbe=probe("liveness", periodSeconds=2, failureThreshold=1))
    cluster.wait_for(lambda: running(cluster))
    cluster.advance(60)
    assert restarts(cluster) == 0 and len(probes.times("liveness")) >= 29
    assert not events(cluster, "Killing") and not events(cluster, "Unhealthy")


def test_restart_policy_never_kills_without_restart(cluster: Cluster, probes: FakeProbes) -> None:
    probes.healthy["liveness"] = False
    container = {"name": "app", "image": "nginx",
                 "livenessProbe": probe("liveness", periodSeconds=1, failureThreshold=1)}
    cluster.store.create({"apiVersion": "v1", "kind": "Pod",
                          "metadata": {"name": "once", "namespace": "default"},
                          "spec": {"containers": [container], "restartPolicy": "Never",
                                   "terminationGracePeriodSeconds": 1}})
    # nginx quits on SIGTERM with status 0, so the pod ends Succeeded, never restarted
    cluster.wait_for(lambda: pod(cluster, "once").get("status", {}).get("phase") == "Succeeded",
                     timeout=30)
    assert restarts(cluster, "once") == 0
    assert [e["message"] for e in events(cluster, "Killing")] == [
        "Container app failed liveness probe"]


def test_startup_probe_holds_back_readiness_and_liveness(cluster: Cluster, probes: FakeProbes) -> None:
    probes.healthy["startup"] = False
    probes.healthy["liveness"] = False
    make_pod(cluster, startupProbe=probe("startup", periodSeconds=1, failureThreshold=30),
             readinessProbe=probe("readiness", periodSeconds=1),
             livenessProbe=probe("liveness", periodSeconds=1, failureThreshold=1))
    cluster.wait_for(lambda: running(cluster))
    cluster.advance(10)
    status = pod(cluster)["status"]["containerStatuses"][0]
    assert (status["started"], status["ready"]) == (False, False)
    assert probes.times("readiness") == [] and probes.times("liveness") == []
    probes.healthy["startup"] = True
    probes.healthy["liveness"] = True
    cluster.wait_for(lambda: is_pod_ready(pod(cluster)), timeout=10)
    assert pod(cluster)["status"]["containerStatuses"][0]["started"] is True
    n = len(probes.times("startup"))
    cluster.advance(5)
    assert len(probes.times("startup")) == n  # a startup probe ends once it succeeded
    assert probes.times("readiness") and restarts(cluster) == 0


def test_startup_probe_failure_kills(cluster: Cluster, probes: FakeProbes) -> None:
    probes.healthy["startup"] = False
    make_pod(cluster, startupProbe=probe("startup", periodSeconds=1, failureThreshold=3))
    cluster.wait_for(lambda: restarts(cluster) == 1, timeout=60)
    assert events(cluster, "Killing")[0]["message"] == (
        "Container app failed startup probe, will be restarted")


def test_exec_probe_runs_in_the_container(cluster: Cluster) -> None:
    make_pod(cluster, image="nginx",
             livenessProbe={"exec": {"command": ["cat", "/tmp/healthy"]}, "periodSeconds": 5,
                            "failureThreshold": 1})
    cluster.wait_for(lambda: restarts(cluster) >= 1, timeout=60)
    assert [e["message"] for e in events(cluster, "Unhealthy")][0] == (
        "Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory\n")


def test_sim_runtime_keeps_simulated_readiness(monkeypatch: pytest.MonkeyPatch) -> None:
    c = Cluster(clock=VirtualClock(), seed=1).start()  # the plain sim runtime
    try:
        async def never(spec: dict[str, Any], target: ProbeTarget) -> ProbeOutcome:
            raise AssertionError("sim pods are not probed")

        for kubelet in c.kubelets.values():
            kubelet.prober.run = never
        make_pod(c, readinessProbe={"httpGet": {"path": "/", "port": 8080}, "initialDelaySeconds": 5},
                 livenessProbe={"httpGet": {"path": "/", "port": 8080}})
        c.wait_for(lambda: running(c))
        assert not is_pod_ready(pod(c))
        c.wait_for(lambda: is_pod_ready(pod(c)), timeout=10)
    finally:
        c.stop()
        c.clock.loop.close()


def test_sidecar_startup_probe_holds_back_the_app_and_liveness_restarts_it(
        cluster: Cluster, probes: FakeProbes) -> None:
    probes.healthy["startup"] = False
    sidecar = builders.container("proxy", "nginx", restartPolicy="Always",
                                 startupProbe=probe("startup", periodSeconds=1, failureThreshold=30),
                                 livenessProbe=probe("liveness", periodSeconds=1, failureThreshold=1))
    cluster.store.create(builders.pod("web", grace=5, restart="Never", initContainers=[sidecar],
                                      containers=[builders.container("app", "nginx")]))
    cluster.advance(10)
    init = pod(cluster)["status"]["initContainerStatuses"][0]
    assert "running" in init["state"] and init["started"] is False
    assert "waiting" in pod(cluster)["status"]["containerStatuses"][0]["state"]  # not started yet
    probes.healthy["startup"] = True
    cluster.wait_for(lambda: running(cluster), timeout=10)
    probes.healthy["liveness"] = False
    cluster.wait_for(lambda: pod(cluster)["status"]["initContainerStatuses"][0]["restartCount"] == 1,
                     timeout=30)
    kill = events(cluster, "Killing")[0]
    assert (kill["message"], kill["involvedObject"]["fieldPath"]) == (
        "Container proxy failed liveness probe, will be restarted", "spec.initContainers{proxy}")
    assert events(cluster, "Unhealthy")[0]["involvedObject"]["fieldPath"] == "spec.initContainers{proxy}"
    assert restarts(cluster) == 0 and running(cluster)  # the app went on running
