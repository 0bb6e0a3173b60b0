"""kube-proxy over stand-in pod servers: ClusterIP and NodePort relaying, endpoint changes,
REJECT when there is no endpoint, no retry on a failed backend, a dead node's endpoints
swallowing connections until they leave the Endpoints, terminating endpoints, traffic
policies, node failures, and nothing left listening after stop."""

from __future__ import annotations

import copy
import http.client
import json
import os
import random
import socket
from collections.abc import Iterator
from typing import Any

import psutil
import pytest

from kubenb.cluster import Cluster
from kubenb.net import healthcheck
from kubenb.net.proxy import Balancer, KubeProxy
from kubenb.net.servicetable import Backend, PortRule, service_rules
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
            affinity: bool = False, **spec: Any) -> dict[str, Any]:
    extra = {"sessionAffinity": "ClientIP", **spec} if affinity else spec
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


def dropped(ip: str, port: int, timeout: float = 1.0, source: str | None = None) -> bool:
    """The connection is taken but nothing ever answers (packets into the void)."""
    with socket.create_connection((ip, port), timeout=5,
                                  source_address=(source, 0) if source else None) as s:
        s.settimeout(timeout)
        s.sendall(b"hi\n")
        try:
            return s.recv(100) == b"" and False
        except TimeoutError:
            return True


def outcome(ip: str, port: int) -> str:
    """Who answered, or how the connection failed: "reset", "timeout"."""
    try:
        return ask(ip, port, timeout=2).split("|")[0]
    except (ConnectionResetError, ConnectionRefusedError):
        return "reset"
    except TimeoutError:
        return "timeout"


def test_cluster_ip_spreads_connections_over_ready_endpoints(pcluster: Cluster, pods: Any) -> None:
    svc = service(pcluster, "web")
    assert cluster_ip(svc).startswith(SVC_NET)
    endpoints(pcluster, "web", [POD_A, POD_B], not_ready=[POD_C])
    answers = [ask(cluster_ip(svc), 80, f"req{i}") for i in range(24)]
    who = [a.split("|")[0] for a in answers]
    assert set(who) == {"a", "b"}  # at random over both, never the unready c
    assert who not in (["a", "b"] * 12, ["b", "a"] * 12)  # iptables draws, no round-robin
    assert [a.split("|")[1] for a in answers] == [f"req{i}" for i in range(24)]


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


def test_a_backend_that_refuses_fails_the_connection_no_retry(pcluster: Cluster,
                                                              pods: Any) -> None:
    svc = service(pcluster, "web")
    endpoints(pcluster, "web", [f"{NET}1.99", POD_A])  # nothing listens on .99
    seen = {outcome(cluster_ip(svc), 80) for _ in range(24)}
    assert seen == {"a", "reset"}  # the stopped pod's share is reset, not sent to a


def test_dead_node_endpoints_swallow_connections_until_removed(pcluster: Cluster,
                                                              pods: Any) -> None:
    """The failure window of a real cluster: packets DNATed to a dead node's pod are lost
    (the client times out) while the pod is still a ready endpoint; then none fail."""
    svc = service(pcluster, "web", type="NodePort")
    node_port = svc["spec"]["ports"][0]["nodePort"]
    endpoints(pcluster, "web", [POD_A, POD_C])  # c runs on minikube-m02
    pcluster.stop_node("minikube-m02")  # the stand-in c still listens: only the node is gone
    during = [outcome(f"{NET}0.2", node_port) for _ in range(16)]
    assert set(during) == {"a", "timeout"}, during
    endpoints(pcluster, "web", [POD_A], not_ready=[POD_C])  # the node controller's doing
    assert {outcome(f"{NET}0.2", node_port) for _ in range(8)} == {"a"}
    assert {outcome(cluster_ip(svc), 80) for _ in range(8)} == {"a"}


def test_terminating_endpoints_serve_only_when_none_is_ready(pcluster: Cluster,
                                                             pods: Any) -> None:
    """A terminating pod still Ready (EndpointSlice: serving, terminating) gets traffic only
    while the Service has no ready endpoint (ProxyTerminatingEndpoints)."""
    store = pcluster.store
    svc = store.create(builders.service("term", selector={"app": "term"},
                                        ports=[{"name": "http", "port": 80,
                                                "targetPort": 9376}]))

    def ghost(name: str, ip: str, ready: bool = True) -> None:
        pod = copy.deepcopy(store.try_get("Pod", "default", name))
        if pod is None:  # never scheduled (no such scheduler), its status written by hand
            pod = store.create(builders.pod(name, labels={"app": "term"}, schedulerName="none",
                                            meta={"finalizers": ["kubenb.test/hold"]}))
        pod["status"] = {"phase": "Running", "podIP": ip, "podIPs": [{"ip": ip}],
                         "conditions": [builders.condition("Ready", ready)]}
        store.update(pod, subresource="status")

    def no_endpoints() -> bool:
        ep = store.try_get("Endpoints", "default", "term")
        return ep is not None and not ep.get("subsets")

    ghost("a", POD_A)
    pcluster.wait_for(lambda: refused(cluster_ip(svc), 80) is False, 30)
    store.delete("Pod", "default", "a")  # Terminating: out of the Endpoints, still serving
    pcluster.wait_for(no_endpoints, 30)
    pcluster.kube_proxy.sync()
    assert ask(cluster_ip(svc), 80) == "a|hi"
    ghost("b", POD_B)
    pcluster.wait_for(lambda: {outcome(cluster_ip(svc), 80) for _ in range(6)} == {"b"}, 30)
    store.delete("Pod", "default", "b")
    ghost("a", POD_A, ready=False)  # no longer serving: b (terminating, serving) takes it all
    pcluster.wait_for(no_endpoints, 30)
    pcluster.kube_proxy.sync()
    pcluster.wait_for(lambda: {outcome(cluster_ip(svc), 80) for _ in range(6)} == {"b"}, 30)
    ghost("b", POD_B, ready=False)  # nothing usable anywhere: REJECT
    pcluster.kube_proxy.sync()
    assert refused(cluster_ip(svc), 80)
    for name in ("a", "b"):
        pod = copy.deepcopy(store.get("Pod", "default", name))
        pod["metadata"]["finalizers"] = []
        store.update(pod)


def test_publish_not_ready_addresses_sends_traffic_to_unready_pods(pcluster: Cluster,
                                                                   pods: Any) -> None:
    store = pcluster.store
    svc = store.create(builders.service("pub", selector={"app": "pub"},
                                        ports=[{"name": "http", "port": 80, "targetPort": 9376}],
                                        publishNotReadyAddresses=True))
    pod = store.create(builders.pod("pub", labels={"app": "pub"}, schedulerName="none"))
    pod["status"] = {"phase": "Running", "podIP": POD_A, "podIPs": [{"ip": POD_A}],
                     "conditions": [builders.condition("Ready", False)]}
    store.update(pod, subresource="status")
    pcluster.wait_for(lambda: refused(cluster_ip(svc), 80) is False, 30)
    assert ask(cluster_ip(svc), 80) == "a|hi"


def test_external_traffic_policy_local_drops_on_a_node_without_a_local_endpoint(
        pcluster: Cluster, pods: Any) -> None:
    svc = service(pcluster, "web", type="NodePort", externalTrafficPolicy="Local")
    node_port = svc["spec"]["ports"][0]["nodePort"]
    endpoints(pcluster, "web", [POD_A])  # a runs on minikube (127.S.0.2)
    assert {ask(f"{NET}0.2", node_port) for _ in range(4)} == {"a|hi"}
    assert dropped(f"{NET}0.3", node_port)  # no local endpoint on minikube-m02: DROP
    assert ask(cluster_ip(svc), 80) == "a|hi"  # the ClusterIP stays cluster-wide


def test_health_check_node_port_reports_local_endpoints_per_node(pcluster: Cluster,
                                                                 pods: Any) -> None:
    svc = service(pcluster, "lb", type="LoadBalancer", externalTrafficPolicy="Local")
    hc = svc["spec"]["healthCheckNodePort"]
    endpoints(pcluster, "lb", [POD_A])  # a runs on minikube (127.S.0.2)

    def check(node_ip: str) -> tuple[int, str, dict[str, str]]:
        conn = http.client.HTTPConnection(node_ip, hc, timeout=5)
        try:
            conn.request("GET", "/healthz")
            reply = conn.getresponse()
            return reply.status, reply.read().decode(), dict(reply.getheaders())
        finally:
            conn.close()

    status, text, headers = check(f"{NET}0.2")
    assert status == 200 and text == healthcheck.body("default", "lb", 1)
    assert json.loads(text) == {"service": {"namespace": "default", "name": "lb"},
                                "localEndpoints": 1, "serviceProxyHealthy": True}
    assert headers["Content-Type"] == "application/json"
    assert headers["X-Load-Balancing-Endpoint-Weight"] == "1"
    status, text, _ = check(f"{NET}0.3")  # no local endpoint on minikube-m02
    assert status == 503 and json.loads(text)["localEndpoints"] == 0
    pcluster.stop_node("minikube-m02")
    assert refused(f"{NET}0.3", hc)  # a dead node's kube-proxy answers nothing
    pcluster.start_node("minikube-m02")
    pcluster.kube_proxy.sync()
    assert check(f"{NET}0.3")[0] == 503


def test_internal_traffic_policy_local_keeps_cluster_ip_traffic_on_the_clients_node(
        pcluster: Cluster, pods: Any) -> None:
    svc = service(pcluster, "web", internalTrafficPolicy="Local")
    endpoints(pcluster, "web", [POD_C])  # c runs on minikube-m02 (pod CIDR 127.S.2.0/24)
    assert (cluster_ip(svc), 80) in pcluster.kube_proxy.addresses()  # not refused
    # from an address of minikube-m02's pod range: its local endpoint
    with socket.create_connection((cluster_ip(svc), 80), timeout=5,
                                  source_address=(f"{NET}2.77", 0)) as s:
        s.sendall(b"hi\n")
        assert s.recv(100) == b"c|hi\n"
    # from a pod of minikube (and from the notebook, which stands on the control plane): none
    assert dropped(cluster_ip(svc), 80, source=f"{NET}1.77")
    assert dropped(cluster_ip(svc), 80)


def test_session_affinity_client_ip_sticks(pcluster: Cluster, pods: Any) -> None:
    svc = service(pcluster, "web", affinity=True)
    endpoints(pcluster, "web", [POD_A, POD_B])
    answers = {ask(cluster_ip(svc), 80) for _ in range(12)}
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


def test_balancer_random_choice_affinity_timeout_and_local_policy() -> None:
    now = [0.0]
    a, b = Backend("10.0.0.1", 80, "n1"), Backend("10.0.0.2", 80, "n2")
    rule = PortRule("default/web:http", f"{SVC_NET}0.5", 80, 30080, [a, b])
    bal = Balancer(rule, lambda: now[0], random.Random(7))
    picks = [bal.pick("c") for _ in range(40)]
    assert set(picks) == {a, b} and picks != [a, b] * 20
    assert bal.pick("c", node="n2", local=True) == b
    assert bal.pick("c", node="n3", local=True) is None  # Local policy, nothing local: drop
    sticky = PortRule("default/s:", f"{SVC_NET}0.6", 80, None, [a, b], affinity_timeout=10)
    bal = Balancer(sticky, lambda: now[0], random.Random(7))
    first = bal.pick("1.1.1.1")
    for t in (5.0, 14.0, 23.0):  # each connection renews the 10 s (the `recent` match)
        now[0] = t
        assert bal.pick("1.1.1.1") == first
    now[0] = 34.0  # 11 s since the last: expired, a fresh draw
    draws = set()
    for _ in range(20):
        now[0] += 11.0
        draws.add(bal.pick("1.1.1.1"))
    assert draws == {a, b}


def test_picker_resets_without_endpoints_and_drops_toward_a_dead_node() -> None:
    """The listener of a Service left without endpoints closes a moment later: meanwhile
    its connections are reset (REJECT), never held; a dead node's endpoint is a drop."""
    proxy = KubeProxy(random.Random(1))
    rule = PortRule("default/web:", "10.96.0.9", 80, 30080, [])
    pick = proxy._picker(Balancer(rule, lambda: 0.0), None)
    assert pick("1.2.3.4") == []
    rule.backends = [Backend("10.244.1.5", 8080, "m02")]
    assert pick("1.2.3.4") == [("10.244.1.5", 8080)]
    proxy.down.add("m02")
    assert pick("1.2.3.4") is None


def test_service_rules_read_policies_affinity_and_terminating_pods() -> None:
    svc = builders.service("web", ports=[{"name": "http", "port": 80, "targetPort": "web"}],
                           type="NodePort", sessionAffinity="ClientIP",
                           externalTrafficPolicy="Local", internalTrafficPolicy="Local")
    svc["spec"].update(clusterIP="10.96.0.9", ports=[{**svc["spec"]["ports"][0], "nodePort": 30080}])
    ep = {"subsets": [{"addresses": [{"ip": "10.244.0.5", "nodeName": "n1"}],
                       "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}]}]}

    def pod(name: str, ip: str, ready: bool = True, **meta: Any) -> dict[str, Any]:
        p = builders.pod(name, labels=meta.pop("labels", {"app": "web"}), node="n2",
                         ports=[{"name": "web", "containerPort": 9090}],
                         meta={"deletionTimestamp": "2026-01-01T00:00:00Z", **meta},
                         status={"phase": "Running", "podIP": ip,
                                 "conditions": [builders.condition("Ready", ready)]})
        return p

    dying = [pod("t1", "10.244.1.7"), pod("t2", "10.244.1.8", ready=False),
             pod("t3", "10.244.1.9", labels={"app": "other"}),
             pod("t4", "10.244.0.5")]  # already listed (publishNotReadyAddresses)
    pending = pod("t5", "10.244.1.10")  # deleted while Pending: no podIP yet, not serving
    del pending["status"]["podIP"]
    pending["status"]["phase"] = "Pending"
    dying.append(pending)
    [rule] = service_rules(svc, ep, dying)
    assert rule.backends == [Backend("10.244.0.5", 8080, "n1")]
    assert rule.terminating == [Backend("10.244.1.7", 9090, "n2")]  # serving, its named port
    assert rule.affinity_timeout == 10800  # sessionAffinityConfig's default
    assert rule.local_only and rule.internal_local and rule.node_port == 30080
    svc["spec"]["sessionAffinityConfig"] = {"clientIP": {"timeoutSeconds": 60}}
    svc["spec"]["externalTrafficPolicy"] = "Cluster"
    del svc["spec"]["internalTrafficPolicy"]
    [rule] = service_rules(svc, ep, [])
    assert rule.affinity_timeout == 60 and not rule.local_only and not rule.internal_local


def test_endpoint_categories_follow_upstream() -> None:
    """CategorizeEndpoints: ready first; serving terminating ones only when none is ready,
    per node for a Local policy."""
    a, _, t1, t2 = (Backend("10.0.0.1", 80, "n1"), Backend("10.0.0.2", 80, "n2"),
                    Backend("10.0.0.3", 80, "n1"), Backend("10.0.0.4", 80, "n2"))
    rule = PortRule("default/web:", "10.96.0.9", 80, None, [a], terminating=[t1, t2])
    assert rule.endpoints() == [a]
    assert rule.endpoints("n1", local=True) == [a]
    assert rule.endpoints("n2", local=True) == [t2]  # no ready one on n2
    assert rule.endpoints("n3", local=True) == []
    rule.backends = []
    assert rule.endpoints() == [t1, t2] and rule.has_endpoints
    rule.terminating = []
    assert not rule.has_endpoints


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
