"""Cluster DNS (kubenb/net/cluster_dns.py): the Kubernetes DNS specification's records,
asked with dnslib over UDP and TCP of the running server, answers following API changes,
and nothing left listening after the cluster stops."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from typing import Any

import psutil
import pytest
from dnslib import QTYPE, RCODE, DNSRecord

from kubenb.cluster import Cluster
from tests import builders
from tests.net.standin import NET, SVC_NET

ZONE = "cluster.local"


def ask(c: Cluster, name: str, qtype: str = "A", tcp: bool = False) -> DNSRecord:
    assert c.dns is not None
    c.dns.sync()
    address = c.dns.address()
    assert address is not None, "the DNS server does not listen on the kube-dns ClusterIP"
    ip, port = address
    return DNSRecord.parse(DNSRecord.question(name, qtype).send(ip, port, tcp=tcp, timeout=10))


def answers(reply: DNSRecord) -> list[str]:
    return sorted(f"{rr.rname} {rr.ttl} {QTYPE[rr.rtype]} {rr.rdata}" for rr in reply.rr)


def put(c: Cluster, obj: dict[str, Any]) -> None:
    meta = obj["metadata"]
    current = c.store.try_get(obj["kind"], meta.get("namespace", "default"), meta["name"])
    if current is None:
        c.store.create(obj)
    else:
        meta["resourceVersion"] = current["metadata"]["resourceVersion"]
        c.store.update(obj)


def endpoints(name: str, addresses: list[dict[str, Any]], ports: list[dict[str, Any]],
              not_ready: list[dict[str, Any]] = ()) -> dict[str, Any]:  # type: ignore[assignment]
    subset: dict[str, Any] = {"ports": ports}
    if addresses:
        subset["addresses"] = addresses
    if not_ready:
        subset["notReadyAddresses"] = list(not_ready)
    return {"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": name, "namespace": "default"},
            "subsets": [subset]}


@pytest.fixture
def dns(pcluster: Cluster) -> Iterator[Cluster]:
    c = pcluster
    c.wait_for(lambda: (c.dns.sync() or c.dns.address()) is not None, 30)  # type: ignore[union-attr]
    # the spec's examples: a headless Service with two pets and an endpoint without hostname
    c.store.create(builders.service("headless", selector={}, clusterIP="None",
                                    ports=[{"name": "https", "port": 443, "targetPort": 8443}]))
    put(c, endpoints("headless", [{"ip": f"{NET}1.100", "hostname": "my-pet"},
                                  {"ip": f"{NET}1.101", "hostname": "my-pet-2"},
                                  {"ip": f"{NET}2.102"}],
                     [{"name": "https", "port": 8443, "protocol": "TCP"}],
                     not_ready=[{"ip": f"{NET}2.103", "hostname": "sick"}]))
    c.store.create(builders.service("foo", selector={}, type="ExternalName",
                                    externalName="www.example.com", ports=[]))
    yield c


def kubernetes_ip(c: Cluster) -> str:
    return str(c.store.get("Service", "default", "kubernetes")["spec"]["clusterIP"])


@pytest.mark.parametrize("tcp", [False, True], ids=["udp", "tcp"])
def test_service_a_srv_and_ptr_records(dns: Cluster, tcp: bool) -> None:
    ip = kubernetes_ip(dns)
    reply = ask(dns, "kubernetes.default.svc.cluster.local", "A", tcp)
    assert reply.header.rcode == RCODE.NOERROR and reply.header.aa == 1 and reply.header.ra == 0
    assert answers(reply) == [f"kubernetes.default.svc.cluster.local. 30 A {ip}"]
    srv = ask(dns, "_https._tcp.kubernetes.default.svc.cluster.local", "SRV", tcp)
    assert answers(srv) == ["_https._tcp.kubernetes.default.svc.cluster.local. 30 SRV "
                            "0 100 443 kubernetes.default.svc.cluster.local."]
    assert [str(rr.rdata) for rr in srv.ar] == [ip]  # the Service's A in the additional section
    reverse = ".".join(reversed(ip.split("."))) + ".in-addr.arpa"
    assert answers(ask(dns, reverse, "PTR", tcp)) == [
        f"{reverse}. 30 PTR kubernetes.default.svc.cluster.local."]
    # comparisons are case-insensitive; the question is echoed as asked
    assert answers(ask(dns, "KUBERNETES.Default.SVC.cluster.local", "A", tcp)) == [
        f"KUBERNETES.Default.SVC.cluster.local. 30 A {ip}"]


def test_headless_records_per_ready_endpoint(dns: Cluster) -> None:
    assert answers(ask(dns, "headless.default.svc.cluster.local")) == [
        f"headless.default.svc.cluster.local. 30 A {NET}1.100",
        f"headless.default.svc.cluster.local. 30 A {NET}1.101",
        f"headless.default.svc.cluster.local. 30 A {NET}2.102"]
    assert answers(ask(dns, "my-pet.headless.default.svc.cluster.local")) == [
        f"my-pet.headless.default.svc.cluster.local. 30 A {NET}1.100"]
    dashed = f"{NET}2.102".replace(".", "-")
    assert answers(ask(dns, f"{dashed}.headless.default.svc.cluster.local")) == [
        f"{dashed}.headless.default.svc.cluster.local. 30 A {NET}2.102"]
    assert ask(dns, "sick.headless.default.svc.cluster.local").header.rcode == RCODE.NXDOMAIN
    srv = ask(dns, "_https._tcp.headless.default.svc.cluster.local", "SRV")
    assert answers(srv) == sorted(
        f"_https._tcp.headless.default.svc.cluster.local. 30 SRV 0 33 8443 {host}.headless.default.svc.cluster.local."
        for host in ("my-pet", "my-pet-2", dashed))
    assert sorted(str(rr.rdata) for rr in srv.ar) == [f"{NET}1.100", f"{NET}1.101", f"{NET}2.102"]
    reverse = ".".join(reversed(f"{NET}1.100".split("."))) + ".in-addr.arpa"
    assert answers(ask(dns, reverse, "PTR")) == [
        f"{reverse}. 30 PTR my-pet.headless.default.svc.cluster.local."]


def test_external_name_pods_and_schema_version(dns: Cluster) -> None:
    assert answers(ask(dns, "foo.default.svc.cluster.local")) == [
        "foo.default.svc.cluster.local. 30 CNAME www.example.com."]
    assert answers(ask(dns, "10-244-0-5.default.pod.cluster.local")) == [
        "10-244-0-5.default.pod.cluster.local. 30 A 10.244.0.5"]
    assert answers(ask(dns, "dns-version.cluster.local", "TXT")) == [
        'dns-version.cluster.local. 30 TXT "1.1.0"']


def test_nxdomain_and_nodata_carry_the_zone_soa(dns: Cluster) -> None:
    for name in ("nope.default.svc.cluster.local", "_http._tcp.kubernetes.default.svc.cluster.local",
                 "kubernetes.default.svc.cluster.local.default.svc.cluster.local"):
        reply = ask(dns, name)
        assert reply.header.rcode == RCODE.NXDOMAIN and reply.rr == []
        assert [(str(rr.rname), QTYPE[rr.rtype]) for rr in reply.auth] == [("cluster.local.", "SOA")]
        soa = reply.auth[0].rdata
        assert (str(soa.mname), str(soa.rname), soa.times[1:]) == (
            "ns.dns.cluster.local.", "hostmaster.cluster.local.", (7200, 1800, 86400, 30))
    nodata = ask(dns, "kubernetes.default.svc.cluster.local", "AAAA")  # an IPv4 Service
    assert nodata.header.rcode == RCODE.NOERROR and nodata.rr == []
    assert QTYPE[nodata.auth[0].rtype] == "SOA"
    # no upstream: names outside the cluster's zones do not exist
    assert ask(dns, "example.com").header.rcode == RCODE.NXDOMAIN


def test_a_reply_too_long_for_udp_is_truncated_and_complete_over_tcp(dns: Cluster) -> None:
    dns.store.create(builders.service("many", selector={}, clusterIP="None",
                                      ports=[{"name": "web", "port": 80}]))
    put(dns, endpoints("many", [{"ip": f"{NET}3.{i}"} for i in range(1, 61)],
                       [{"name": "web", "port": 80, "protocol": "TCP"}]))
    dns.wait_for(lambda: len(ask(dns, "many.default.svc.cluster.local", tcp=True).rr) == 60, 10)
    udp = ask(dns, "many.default.svc.cluster.local")
    assert udp.header.tc == 1 and udp.rr == []


def test_answers_follow_services_and_endpoints_live(dns: Cluster) -> None:
    assert ask(dns, "late.default.svc.cluster.local").header.rcode == RCODE.NXDOMAIN
    svc = dns.store.create(builders.service("late", selector={}, ports=[{"name": "http", "port": 80}]))
    ip = svc["spec"]["clusterIP"]
    assert ip.startswith(SVC_NET)
    dns.wait_for(lambda: [str(r.rdata) for r in ask(dns, "late.default.svc.cluster.local").rr] == [ip], 10)
    dns.store.delete("Service", "default", "late")
    dns.wait_for(lambda: ask(dns, "late.default.svc.cluster.local").header.rcode == RCODE.NXDOMAIN, 10)
    # a headless Service's answer follows its endpoints (a pod that becomes unready leaves)
    put(dns, endpoints("headless", [{"ip": f"{NET}1.100", "hostname": "my-pet"}],
                       [{"name": "https", "port": 8443, "protocol": "TCP"}],
                       not_ready=[{"ip": f"{NET}1.101", "hostname": "my-pet-2"}]))
    dns.wait_for(lambda: answers(ask(dns, "headless.default.svc.cluster.local")) == [
        f"headless.default.svc.cluster.local. 30 A {NET}1.100"], 10)
    put(dns, endpoints("headless", [], [{"name": "https", "port": 8443, "protocol": "TCP"}],
                       not_ready=[{"ip": f"{NET}1.100", "hostname": "my-pet"}]))
    dns.wait_for(lambda: ask(dns, "headless.default.svc.cluster.local").header.rcode == RCODE.NXDOMAIN, 10)


def test_listens_where_coredns_is_reached(dns: Cluster) -> None:
    svc = dns.store.get("Service", "kube-system", "kube-dns")
    pods = dns.store.list("Pod", "kube-system", label_selector="k8s-app=kube-dns")
    pod_ips = {p["status"]["podIP"] for p in pods if (p.get("status") or {}).get("podIP")}
    assert pod_ips
    wanted = {("udp", svc["spec"]["clusterIP"], 53)} | {(proto, ip, 53) for ip in pod_ips
                                                        for proto in ("udp", "tcp")}
    assert dns.dns is not None
    assert wanted <= set(dns.dns.sockets.open)
    # TCP through the ClusterIP (kube-proxy relays it to the coredns pod's port 53)
    dns.kube_proxy.sync()  # type: ignore[union-attr]
    ip = svc["spec"]["clusterIP"]
    if ("tcp", ip, 53) in {("tcp", *a) for a in dns.kube_proxy.addresses()}:  # type: ignore[union-attr]
        reply = DNSRecord.parse(DNSRecord.question("kubernetes.default.svc.cluster.local").send(
            ip, 53, tcp=True, timeout=10))
        assert [str(r.rdata) for r in reply.rr] == [kubernetes_ip(dns)]


def _our_dns_sockets() -> list[Any]:
    """UDP and TCP sockets of this process on port 53 of this run's pod and Service addresses."""
    return [c for c in psutil.Process(os.getpid()).net_connections("inet")
            if c.laddr and c.laddr.port == 53 and c.laddr.ip.startswith((NET, SVC_NET))]


def test_stop_leaves_no_socket_thread_or_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    from kubenb.node.runtime import RUNTIMES, RuntimeEntry

    monkeypatch.setitem(RUNTIMES, "process", RuntimeEntry("tests.net.standin", "StandInRuntime"))
    before = {t.ident for t in threading.enumerate()}
    c = Cluster(nodes=1, runtime="process", seed=1, state_dir=str(tmp_path / "state"),
                node_subnet=f"192.168.{NET.split('.')[1]}").start()
    try:
        c.wait_for(lambda: (c.dns.sync() or c.dns.address()) is not None, 30)  # type: ignore[union-attr]
        assert _our_dns_sockets()
        assert os.path.exists(os.path.join(c.state_dir, "dns"))
    finally:
        c.stop()
        c.clock.loop.close()
    assert _our_dns_sockets() == []
    assert not os.path.exists(os.path.join(c.state_dir, "dns"))
    left = [t for t in threading.enumerate() if t.ident not in before and t.is_alive()]
    assert left == []
