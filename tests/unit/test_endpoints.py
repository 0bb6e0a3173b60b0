"""EndpointsController: reconcile a Service key against seeded pods and check the Endpoints."""

from __future__ import annotations

from typing import Any

import pytest

from kubenb.api.objects import Key, clone
from kubenb.api.store import Store
from kubenb.config import Context
from kubenb.controllers.endpoints import TRIGGER_TIME, EndpointsController, compute_subsets


def make_pod(store: Store, name: str, ip: str | None, ready: bool = True, *,
             labels: dict[str, str] | None = None, node: str = "minikube",
             ports: list[dict[str, Any]] | None = None, phase: str = "Running") -> dict[str, Any]:
    pod = store.create({
        "kind": "Pod",
        "metadata": {"name": name, "labels": labels or {"app": "web"}},
        "spec": {"nodeName": node, "containers": [
            {"name": "c", "image": "nginx", "ports": ports or [{"containerPort": 8080,
                                                                 "name": "http"}]}]},
    })
    status: dict[str, Any] = {"phase": phase, "conditions": [
        {"type": "Ready", "status": "True" if ready else "False"}]}
    if ip:
        status["podIP"] = ip
        status["podIPs"] = [{"ip": ip}]
    pod = clone(pod)
    pod["status"] = status
    return store.update(pod, subresource="status")


def make_service(store: Store, name: str = "web", selector: dict[str, str] | None = None,
                 ports: list[dict[str, Any]] | None = None, **spec: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"type": "ClusterIP", "clusterIP": "10.96.5.5",
                            "ports": ports or [{"port": 80, "targetPort": 8080}], **spec}
    if selector is not None:
        body["selector"] = selector
    return store.create({"kind": "Service", "metadata": {"name": name, "labels": {"tier": "fe"}},
                         "spec": body})


@pytest.fixture
def ctl(ctx: Context) -> EndpointsController:
    return EndpointsController(ctx)


KEY = Key("Service", "default", "web")


def test_ready_and_not_ready_addresses_sorted_by_ip(store: Store, ctl: EndpointsController,
                                                    writes: list[Any]) -> None:
    make_service(store, selector={"app": "web"})
    p9 = make_pod(store, "p9", "10.244.0.9")
    p10 = make_pod(store, "p10", "10.244.0.10")
    make_pod(store, "slow", "10.244.0.3", ready=False)
    make_pod(store, "noip", None)
    make_pod(store, "other", "10.244.0.4", labels={"app": "db"})
    make_pod(store, "done", "10.244.0.5", phase="Succeeded")
    writes.clear()
    ctl.reconcile(KEY)
    assert writes == [("create", "Endpoints", "web", None)]
    ep = store.get("Endpoints", "default", "web")
    assert ep["metadata"]["labels"] == {"tier": "fe"}
    assert ep["metadata"]["annotations"] == {TRIGGER_TIME: "2025-01-06T10:00:00Z"}
    [subset] = ep["subsets"]
    # IPs compare as strings, as upstream does: "10.244.0.10" < "10.244.0.9".
    assert [a["ip"] for a in subset["addresses"]] == ["10.244.0.10", "10.244.0.9"]
    assert subset["addresses"][1] == {
        "ip": "10.244.0.9", "nodeName": "minikube",
        "targetRef": {"kind": "Pod", "namespace": "default", "name": "p9",
                      "uid": p9["metadata"]["uid"]}}
    assert subset["addresses"][0]["targetRef"]["uid"] == p10["metadata"]["uid"]
    assert [a["ip"] for a in subset["notReadyAddresses"]] == ["10.244.0.3"]
    assert subset["ports"] == [{"port": 8080, "protocol": "TCP"}]


def test_no_write_when_nothing_changed(store: Store, ctl: EndpointsController,
                                       writes: list[Any]) -> None:
    make_service(store, selector={"app": "web"})
    make_pod(store, "p1", "10.244.0.7")
    ctl.reconcile(KEY)
    writes.clear()
    ctl.reconcile(KEY)
    assert writes == []


def test_terminating_pod_leaves_and_endpoints_update(store: Store, ctl: EndpointsController,
                                                     writes: list[Any]) -> None:
    make_service(store, selector={"app": "web"})
    make_pod(store, "p1", "10.244.0.7")
    make_pod(store, "p2", "10.244.0.8")
    ctl.reconcile(KEY)
    store.delete("Pod", "default", "p1")  # on a node: graceful, stays Terminating
    assert store.get("Pod", "default", "p1")["metadata"]["deletionTimestamp"]
    writes.clear()
    ctl.reconcile(KEY)
    assert writes == [("update", "Endpoints", "web", None)]
    [subset] = store.get("Endpoints", "default", "web")["subsets"]
    assert [a["targetRef"]["name"] for a in subset["addresses"]] == ["p2"]


def test_named_target_port_and_pods_without_it_are_split(store: Store) -> None:
    service = {"metadata": {"name": "web"}, "spec": {"clusterIP": "10.96.0.50", "ports": [
        {"name": "web", "port": 80, "targetPort": "http", "protocol": "TCP"},
        {"name": "admin", "port": 9000, "targetPort": 9000, "protocol": "TCP"}]}}
    a = make_pod(store, "a", "10.244.0.2", ports=[{"containerPort": 8080, "name": "http"}])
    b = make_pod(store, "b", "10.244.0.3", ports=[{"containerPort": 8081, "name": "metrics"}])
    subsets = compute_subsets(service, [a, b])
    assert [([x["ip"] for x in s["addresses"]], s["ports"]) for s in subsets] == [
        (["10.244.0.2"], [{"name": "web", "port": 8080, "protocol": "TCP"},
                          {"name": "admin", "port": 9000, "protocol": "TCP"}]),
        (["10.244.0.3"], [{"name": "admin", "port": 9000, "protocol": "TCP"}]),
    ]


def test_publish_not_ready_addresses_lists_everyone_as_ready(store: Store) -> None:
    pod = make_pod(store, "a", "10.244.0.2", ready=False)
    service = {"metadata": {"name": "web"}, "spec": {"publishNotReadyAddresses": True,
                                                     "ports": [{"port": 80, "targetPort": 8080}]}}
    [subset] = compute_subsets(service, [pod])
    assert [x["ip"] for x in subset["addresses"]] == ["10.244.0.2"]
    assert "notReadyAddresses" not in subset


def test_headless_service_gets_the_headless_label_and_empty_endpoints(
        store: Store, ctl: EndpointsController) -> None:
    make_service(store, selector={"app": "none"}, clusterIP="None")
    ctl.reconcile(KEY)
    ep = store.get("Endpoints", "default", "web")
    assert ep["metadata"]["labels"] == {"tier": "fe", "service.kubernetes.io/headless": ""}
    assert "subsets" not in ep


def test_service_without_selector_is_left_alone(store: Store, ctl: EndpointsController,
                                                writes: list[Any]) -> None:
    make_service(store)
    make_pod(store, "p1", "10.244.0.7")
    writes.clear()
    ctl.reconcile(KEY)
    assert writes == []


def test_deleting_the_service_deletes_its_endpoints(store: Store, ctl: EndpointsController,
                                                    writes: list[Any]) -> None:
    make_service(store, selector={"app": "web"})
    ctl.reconcile(KEY)
    store.delete("Service", "default", "web")
    writes.clear()
    ctl.reconcile(KEY)
    assert writes == [("delete", "Endpoints", "web", None)]
    assert store.try_get("Endpoints", "default", "web") is None


def test_pod_events_map_to_services_by_labels_and_by_last_sync(
        store: Store, ctl: EndpointsController) -> None:
    make_service(store, selector={"app": "web"})
    make_service(store, "db", selector={"app": "db"})
    pod = make_pod(store, "p1", "10.244.0.7")
    ctl.reconcile(KEY)
    keys = ctl._services_of_pod({"type": "MODIFIED", "object": pod})
    assert keys == [KEY]
    relabelled = clone(pod)
    relabelled["metadata"]["labels"] = {"app": "db"}
    relabelled = store.update(relabelled)
    # the old Service must hear about it too, to drop the pod
    keys = ctl._services_of_pod({"type": "MODIFIED", "object": relabelled})
    assert keys == [Key("Service", "default", "db"), KEY]


def test_drain_through_watches(store: Store, ctx: Context) -> None:
    from kubenb.controllers.base import ControllerRunner

    runner = ControllerRunner(ctx)
    ctl = EndpointsController(ctx)
    runner.attach(ctl)
    make_service(store, selector={"app": "web"})
    make_pod(store, "p1", "10.244.0.7")
    ctx.clock.loop.run_until_complete(ctx.clock.sleep(0))
    ctl.drain()
    [subset] = store.get("Endpoints", "default", "web")["subsets"]
    assert [a["ip"] for a in subset["addresses"]] == ["10.244.0.7"]
    store.delete("Endpoints", "default", "web")
    ctx.clock.loop.run_until_complete(ctx.clock.sleep(0))
    ctl.drain()
    assert store.try_get("Endpoints", "default", "web") is not None  # rebuilt
    runner.stop()
