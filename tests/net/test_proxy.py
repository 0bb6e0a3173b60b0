"""kube-proxy over stand-in pod servers: ClusterIP and NodePort relaying, endpoint changes,
REJECT when there is no endpoint, node failures, and nothing left listening after stop."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from typing import Any

import psutil
import pytest

from kubenb.cluster import Cluster
from kubenb.net.proxy import Balancer
from kubenb.net.servicetable import Backend, PortRule
from tests import builders
from tests.net.standin import NET, SVC_NET, PodServer, ask

POD_A, POD_B, POD_C = f"{NET}1.21", f"{NET}1.22", f"{NET}2.23"


@pytest.fixture
def pods() -> Iterator[dict[str, PodServer]]:
    servers = {name: PodServer(name, ip, 9376) for name, ip in
               (("a", POD_A), ("b", POD_B), ("c", POD_C))}
    yield servers
    for s in servers.values():
        s.close()


def service(c: Cluster, name: str, *, type: str = "ClusterIP", port: int = 80,
            affinity: bool = False) -> dict[str, Any]:
    extra = {"sessionAffinity": "ClientIP"} if affinity else {}
    return c.store.create(builders.service(name, type=type, selector={},
                                           ports=[{"name": "http", "port": port, "targetPort": 9376}],
                                           **extra))


def endpoints(c: Cluster, name: str, ready: list[str], not_ready: list[str] = ()) -> None:  # type: ignore[assignment]
    def addr(ip: str) -> dict[str, Any]:
        node = "minikube" if ip.startswith(f"{NET}1.") else "minikube-m02"
        return {"ip": ip, "nodeName": node}

    subset: dict[str, Any] = {"ports": [{"name": "http", "port": 9376, "protocol": "TCP"}]}
    if ready:
        subset["addresses"] = [addr(ip) for ip in ready]
    if not_ready:
        subset["notReadyAddresses"] = [addr(ip) for ip in not_ready]
    obj = {"apiVersion": "v1", "kind": "Endpoints",
           "metadata": {"name": name, "namespace": "default"},
           "subsets": [subset] if ready or not_ready else []}
    current = c.store.try_get("Endpoints", "default", name)
    if current is None:
        c.store.create(obj)
    else:
        obj["metadata"]["resourceVersion"] = current["metadata"]["resourceVersion"]
        c.store.update(obj)
    c.kube_proxy.sync()


def cluster_ip(svc: dict[str, Any]) -> str:
    return str(svc["spec"]["clusterIP"])


def refused(ip: str, port: int) -> bool:
    try:
        ask(ip, port)
    except ConnectionRefusedError:
        return True
    return False


def test_cluster_ip_spreads_connections_over_ready_endpoints(pcluster: Cluster, pods: Any) -> None:
    svc = service(pcluster, "web")
    assert cluster_ip(svc).startswith(SVC_NET)
    endpoints(pcluster, "web", [POD_A, POD_B], not_ready=[POD_C])
    answers = [ask(cluster_ip(svc), 80, f"req{i}") for i in range(6)]
    who = [a.split("|")[0] for a in answers]
    assert who in (["a", "b"] * 3, ["b", "a"] * 3)  # round-robin, never the unready c
    assert [a.split("|")[1] for a in answers] == [f"req{i}" for i in range(6)]


def test_node_port_answers_on_every_live_node(pcluster: Cluster, pods: Any) -> None:
    svc = service(pcluster, "web", type="NodePort")
    node_port = svc["spec"]["ports"][0]["nodePort"]
    endpoints(pcluster, "web", [POD_A])
    for node_ip in (f"{NET}0.2", f"{NET}0.3"):
        assert ask(node_ip, node_port) == "a|hi"
    assert ask(cluster_ip(svc), 80) == "a|hi"


def test_endpoint_changes_are_followed_at_once_and_open_connections_keep_flowing(
        pcluster: Cluster, pods: Any) -> None:
    echo = PodServer("echo", f"{NET}1.30", 9376, echo=True)
    try:
        svc = service(pcluster, "web")
        endpoints(pcluster, "web", [f"{NET}1.30"])
        long = socket.create_connection((cluster_ip(svc), 80), timeout=5)
        long.sendall(b"one\n")
        assert long.recv(100) == b"echo|one\n"
        endpoints(pcluster, "web", [POD_B])
        assert {ask(cluster_ip(svc), 80) for _ in range(3)} == {"b|hi"}
        long.sendall(b"two\n")  # the old connection still reaches its old backend
        assert long.recv(100) == b"echo|two\n"
        long.close()
    finally:
        echo.close()


def test_no_ready_endpoint_refuses_like_reject(pcluster: Cluster, pods: Any) -> None:
    svc = service(pcluster, "web", type="NodePort")
    node_port = svc["spec"]["ports"][0]["nodePort"]
    endpoints(pcluster, "web", [], not_ready=[POD_A])
    assert refused(cluster_ip(svc), 80)
    assert refused(f"{NET}0.2", node_port)
    endpoints(pcluster, "web", [POD_A])
    assert ask(cluster_ip(svc), 80) == "a|hi"
    endpoints(pcluster, "web", [])
    assert refused(cluster_ip(svc), 80)


def test_a_backend_that_refuses_is_skipped(pcluster: Cluster, pods: Any) -> None:
    svc = service(pcluster, "web")
    endpoints(pcluster, "web", [f"{NET}1.99", POD_A])  # nothing listens on .99
    assert [ask(cluster_ip(svc), 80) for _ in range(4)] == ["a|hi"] * 4


def test_session_affinity_client_ip_sticks(pcluster: Cluster, pods: Any) -> None:
    svc = service(pcluster, "web", affinity=True)
    endpoints(pcluster, "web", [POD_A, POD_B])
    answers = {ask(cluster_ip(svc), 80) for _ in range(5)}
    assert len(answers) == 1


def test_node_stop_closes_its_node_ports_and_start_reopens(pcluster: Cluster, pods: Any) -> None:
    svc = service(pcluster, "web", type="NodePort")
    node_port = svc["spec"]["ports"][0]["nodePort"]
    endpoints(pcluster, "web", [POD_A])
    held = socket.create_connection((f"{NET}0.3", node_port), timeout=5)
    pcluster.stop_node("minikube-m02")
    assert refused(f"{NET}0.3", node_port)
    assert held.recv(100) == b""  # the dead node's connections are cut
    held.close()
    assert ask(f"{NET}0.2", node_port) == "a|hi"
    pcluster.start_node("minikube-m02")
    assert ask(f"{NET}0.3", node_port) == "a|hi"


def _our_sockets() -> list[Any]:
    return [c for c in psutil.Process().net_connections("tcp")
            if c.laddr and (c.laddr.ip.startswith(SVC_NET) or c.laddr.ip.startswith(f"{NET}0."))]


def test_stop_leaves_no_socket(pcluster: Cluster, pods: Any) -> None:
    svc = service(pcluster, "web", type="NodePort")
    endpoints(pcluster, "web", [POD_A])
    held = socket.create_connection((cluster_ip(svc), 80), timeout=5)
    assert _our_sockets()
    pcluster.stop()
    assert _our_sockets() == []
    assert held.recv(100) == b""
    held.close()
    assert not os.path.exists(os.path.join(pcluster.state_dir, "hosts"))


def test_hosts_file_names_every_service(pcluster: Cluster) -> None:
    path = os.path.join(pcluster.state_dir, "hosts")
    svc = service(pcluster, "web")
    pcluster.kube_proxy.sync()
    ip = cluster_ip(svc)
    with open(path) as f:
        lines = f.read().splitlines()
    assert f"{ip} web web.default web.default.svc web.default.svc.cluster.local" in lines
    assert any(line.endswith(" kubernetes.default.svc.cluster.local") and
               line.startswith(f"{SVC_NET}0.1 ") for line in lines)
    assert any(" kube-dns.kube-system " in line for line in lines)
    before = os.stat(path).st_ino
    pcluster.store.delete("Service", "default", "web")
    pcluster.kube_proxy.sync()
    with open(path) as f:
        assert f"{ip} web " not in f.read()
    assert os.stat(path).st_ino != before  # replaced, never rewritten in place
    assert sorted(os.listdir(pcluster.state_dir)) == ["hosts"]


def test_balancer_round_robin_affinity_and_local_policy() -> None:
    now = [0.0]
    rule = PortRule("default/web:http", f"{SVC_NET}0.5", 80, 30080,
                    [Backend("10.0.0.1", 80, "n1"), Backend("10.0.0.2", 80, "n2")])
    b = Balancer(rule, lambda: now[0])
    assert [b.pick("c")[0] for _ in range(3)] == [("10.0.0.1", 80), ("10.0.0.2", 80), ("10.0.0.1", 80)]
    rule.local_only = True
    assert b.pick("c", node="n2") == [("10.0.0.2", 80)]
    assert b.pick("c", node="n3") == []
    sticky = PortRule("default/s:", f"{SVC_NET}0.6", 80, None, list(rule.backends), affinity_timeout=10)
    b = Balancer(sticky, lambda: now[0])
    first = b.pick("1.1.1.1")[0]
    assert all(b.pick("1.1.1.1")[0] == first for _ in range(4))
    now[0] = 11.0  # expired: round-robin again, and the new choice sticks
    again = b.pick("1.1.1.1")[0]
    assert again != first
    assert b.pick("1.1.1.1")[0] == again


def test_kube_dns_port_refused_to_an_unprivileged_kernel_is_noted_not_warned(
        pcluster: Cluster, monkeypatch: Any, caplog: Any) -> None:
    """kube-dns (CoreDNS's endpoint Ready) wants 53: without the right to bind a port below
    1024 the proxy says so at INFO — nothing a notebook user did — and keeps the rest."""
    import logging

    from kubenb.net import relay

    real_start = relay.Listener.start

    async def start(self: Any) -> None:
        if self.port < 1024:
            raise PermissionError(13, "Permission denied")
        await real_start(self)

    monkeypatch.setattr(relay.Listener, "start", start)
    caplog.set_level(logging.INFO, logger="kubenb.net.proxy")
    pcluster.wait_for(lambda: any("53" in r.getMessage() for r in caplog.records), timeout=30)
    refused = [r for r in caplog.records if r.getMessage().startswith("kube-proxy: cannot listen")]
    assert refused and all(r.levelno == logging.INFO for r in refused)
    assert all(":53: [Errno 13] Permission denied" in r.getMessage() for r in refused)
