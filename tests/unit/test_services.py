"""ServiceAllocator: cluster IPs and node ports as the API server allocates them."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest

from kubenb.api.errors import AlreadyExists, Invalid
from kubenb.api.objects import clone
from kubenb.api.store import Store
from kubenb.clock import VirtualClock
from kubenb.net.ipam import IPRange, PortRange
from kubenb.net.services import ServiceAllocator


@pytest.fixture
def alloc(store: Store) -> ServiceAllocator:
    a = ServiceAllocator(store)
    store.hooks.append(a)
    return a


def svc(name: str, type_: str = "ClusterIP", ns: str = "default", **spec: Any) -> dict[str, Any]:
    ports = spec.pop("ports", [{"port": 80}])
    return {"kind": "Service", "metadata": {"name": name, "namespace": ns},
            "spec": {"type": type_, "selector": {"app": name}, "ports": ports, **spec}}


def test_cluster_ip_is_allocated_from_the_dynamic_band(store: Store, alloc: ServiceAllocator) -> None:
    out = store.create(svc("web"))
    ip = out["spec"]["clusterIP"]
    assert out["spec"]["clusterIPs"] == [ip]
    addr = ipaddress.IPv4Address(ip)
    assert addr in ipaddress.IPv4Network("10.96.0.0/12")
    assert addr >= ipaddress.IPv4Address("10.96.1.1")  # the low 256 are kept for static requests


def test_allocation_is_reproducible_with_the_same_seed() -> None:
    ips = []
    for _ in range(2):
        clock = VirtualClock()
        s = Store(clock, seed=7)
        s.ensure_namespaces()
        s.hooks.append(ServiceAllocator(s))
        ips.append([s.create(svc(f"s{i}"))["spec"]["clusterIP"] for i in range(3)])
        clock.loop.close()
    assert ips[0] == ips[1]
    assert len(set(ips[0])) == 3


@pytest.mark.parametrize(("requested", "message"), [
    ("10.96.0.10", 'Service "b" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.10"}: '
                   "failed to allocate IP 10.96.0.10: provided IP is already allocated"),
    ("10.96.0.1", 'Service "b" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.1"}: '
                  "failed to allocate IP 10.96.0.1: provided IP is already allocated"),
    ("1.1.1.1", 'Service "b" is invalid: spec.clusterIPs: Invalid value: []string{"1.1.1.1"}: '
                "failed to allocate IP 1.1.1.1: the provided IP (1.1.1.1) is not in the valid "
                "range. The range of valid IPs is 10.96.0.0/12"),
])
def test_requested_cluster_ip_errors(store: Store, alloc: ServiceAllocator,
                                     requested: str, message: str) -> None:
    store.create(svc("a", clusterIP="10.96.0.10"))
    with pytest.raises(Invalid) as err:
        store.create(svc("b", clusterIP=requested))
    assert str(err.value) == message
    assert store.try_get("Service", "default", "b") is None


def test_requested_cluster_ip_is_honoured_and_freed_on_delete(store: Store,
                                                               alloc: ServiceAllocator) -> None:
    assert store.create(svc("a", clusterIP="10.96.0.5"))["spec"]["clusterIPs"] == ["10.96.0.5"]
    store.delete("Service", "default", "a")
    alloc.release({"kind": "Service"})  # idempotent: nothing is held on the side
    assert store.create(svc("b", clusterIPs=["10.96.0.5"]))["spec"]["clusterIP"] == "10.96.0.5"


def test_headless_and_external_name_get_no_address(store: Store, alloc: ServiceAllocator) -> None:
    headless = store.create(svc("h", clusterIP="None"))
    assert headless["spec"]["clusterIP"] == "None"
    assert headless["spec"]["clusterIPs"] == ["None"]
    ext = store.create({"kind": "Service", "metadata": {"name": "x"},
                        "spec": {"type": "ExternalName", "externalName": "example.com"}})
    assert "clusterIP" not in ext["spec"]


def test_node_port_allocated_per_port_and_shared_by_same_port_number(
        store: Store, alloc: ServiceAllocator) -> None:
    out = store.create(svc("dns", "NodePort", ports=[
        {"name": "dns", "port": 53, "protocol": "UDP"},
        {"name": "dns-tcp", "port": 53, "protocol": "TCP"},
        {"name": "metrics", "port": 9153}]))
    nps = [p["nodePort"] for p in out["spec"]["ports"]]
    assert nps[0] == nps[1] != nps[2]
    assert all(30086 <= n <= 32767 for n in nps)


@pytest.mark.parametrize(("node_port", "message"), [
    (None, "spec.ports[0].nodePort: Invalid value: {taken}: provided port is already allocated"),
    (80, "spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. "
         "The range of valid ports is 30000-32767"),
])
def test_requested_node_port_errors(store: Store, alloc: ServiceAllocator,
                                    node_port: int | None, message: str) -> None:
    taken = store.create(svc("a", "NodePort"))["spec"]["ports"][0]["nodePort"]
    want = taken if node_port is None else node_port
    with pytest.raises(Invalid) as err:
        store.create(svc("b", "NodePort", ports=[{"port": 80, "nodePort": want}]))
    assert str(err.value) == 'Service "b" is invalid: ' + message.format(taken=taken)


def test_health_check_node_port_only_for_load_balancer_with_local_policy(
        store: Store, alloc: ServiceAllocator) -> None:
    local = store.create(svc("lb", "LoadBalancer", externalTrafficPolicy="Local"))
    hc = local["spec"]["healthCheckNodePort"]
    assert 30000 <= hc <= 32767 and hc != local["spec"]["ports"][0]["nodePort"]
    assert "healthCheckNodePort" not in store.create(
        svc("np", "NodePort", externalTrafficPolicy="Local"))["spec"]
    assert "healthCheckNodePort" not in store.create(svc("cl", "LoadBalancer"))["spec"]
    changed = clone(store.get("Service", "default", "lb"))
    changed["spec"]["externalTrafficPolicy"] = "Cluster"  # the allocated port is released
    assert "healthCheckNodePort" not in store.update(changed)["spec"]


def test_requested_node_port_is_honoured(store: Store, alloc: ServiceAllocator) -> None:
    out = store.create(svc("a", "LoadBalancer", ports=[{"port": 80, "nodePort": 30080}]))
    assert out["spec"]["ports"][0]["nodePort"] == 30080


def test_update_keeps_allocations_and_type_change_frees_node_ports(
        store: Store, alloc: ServiceAllocator) -> None:
    first = store.create(svc("a", "NodePort", ports=[{"name": "http", "port": 80}]))
    ip, np = first["spec"]["clusterIP"], first["spec"]["ports"][0]["nodePort"]
    # A replace that leaves out what the server filled in keeps it (patchAllocatedValues).
    replace = svc("a", "NodePort", ports=[{"name": "http", "port": 80},
                                          {"name": "extra", "port": 81}])
    replace["metadata"]["resourceVersion"] = first["metadata"]["resourceVersion"]
    second = store.update(replace)
    assert second["spec"]["clusterIP"] == ip
    assert second["spec"]["ports"][0]["nodePort"] == np
    assert second["spec"]["ports"][1]["nodePort"] not in (0, None, np)
    # To ClusterIP: the node ports go, and are free for someone else.
    third = clone(second)
    third["spec"]["type"] = "ClusterIP"
    third["spec"].pop("externalTrafficPolicy")
    third = store.update(third)
    assert all("nodePort" not in p for p in third["spec"]["ports"])
    assert third["spec"]["clusterIP"] == ip
    other = store.create(svc("b", "NodePort", ports=[{"port": 80, "nodePort": np}]))
    assert other["spec"]["ports"][0]["nodePort"] == np


def test_failed_and_dry_run_creates_leak_nothing(store: Store, alloc: ServiceAllocator) -> None:
    store.create(svc("a"))
    with pytest.raises(AlreadyExists):
        store.create(svc("a", "NodePort", clusterIP="10.96.0.7",
                         ports=[{"port": 80, "nodePort": 30007}]))
    with pytest.raises(Invalid):  # validation fails after allocation: bad sessionAffinity
        store.create(svc("bad", "NodePort", clusterIP="10.96.0.8", sessionAffinity="Sticky",
                         ports=[{"port": 80, "nodePort": 30008}]))
    dry = store.create(svc("d", clusterIP="10.96.0.9"), dry_run=True)
    assert dry["spec"]["clusterIP"] == "10.96.0.9"
    for i, ip in ((7, "10.96.0.7"), (8, "10.96.0.8"), (9, "10.96.0.9")):
        out = store.create(svc(f"n{i}", "NodePort", clusterIP=ip,
                               ports=[{"port": 80, "nodePort": 30000 + i}]))
        assert out["spec"]["clusterIP"] == ip


def test_bootstrap_creates_the_system_services_once(store: Store, alloc: ServiceAllocator,
                                                    writes: list[Any]) -> None:
    alloc.bootstrap()
    k8s = store.get("Service", "default", "kubernetes")
    assert k8s["spec"]["clusterIP"] == "10.96.0.1"
    assert k8s["spec"]["ports"] == [{"name": "https", "port": 443, "protocol": "TCP",
                                     "targetPort": 8443}]
    assert k8s["metadata"]["labels"] == {"component": "apiserver", "provider": "kubernetes"}
    ep = store.get("Endpoints", "default", "kubernetes")
    assert ep["subsets"] == [{"addresses": [{"ip": "192.168.49.2"}],
                              "ports": [{"name": "https", "port": 8443, "protocol": "TCP"}]}]
    dns = store.get("Service", "kube-system", "kube-dns")
    assert dns["spec"]["clusterIP"] == "10.96.0.10"
    assert [(p["name"], p["port"], p["protocol"]) for p in dns["spec"]["ports"]] == [
        ("dns", 53, "UDP"), ("dns-tcp", 53, "TCP"), ("metrics", 9153, "TCP")]
    assert dns["metadata"]["labels"]["kubernetes.io/cluster-service"] == "true"
    assert dns["metadata"]["labels"]["kubernetes.io/name"] == "CoreDNS"
    n = len(writes)
    alloc.bootstrap()
    assert len(writes) == n == 3


def test_ranges_fall_back_to_the_static_band_and_report_full() -> None:
    import random

    small = IPRange("10.0.0.0/29")  # 6 hosts: too small for a static band
    rng = random.Random(0)
    used: set[str] = set()
    for _ in range(6):
        used.add(small.allocate_next(rng, used))
    assert used == {f"10.0.0.{i}" for i in range(1, 7)}
    with pytest.raises(Exception, match="range is full"):
        small.allocate_next(rng, used)
    ports = PortRange(30000, 20)  # 20 ports: a 16-port static band, 4 dynamic ones first
    got = [ports.allocate_next(rng, set(range(30000, 30000 + 20)) - {30003})]
    taken: set[int] = set()
    for _ in range(4):
        taken.add(ports.allocate_next(rng, taken))
    assert got == [30003]
    assert taken == {30016, 30017, 30018, 30019}
