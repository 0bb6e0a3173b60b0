"""Cluster DNS on the docker runtime: a pod's resolv.conf names the cluster DNS server (through
Docker's embedded resolver, which forwards to the bridge's gateway), and a pod reaches a
Service by its short and full names — its ClusterIP routed to the host's kube-proxy."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from kubenb.cluster import Cluster
from tests import builders
from tests.conftest import run_cluster
from tests.docker.conftest import FAST, networks, ours, profile_name

HELLO = "Hello Kubernetes bootcamp! | Running on: server | v=1\n"
SUBNET = 150 + 2 * (os.getpid() % 24)  # 127.S.* nodes, 127.S+1.* Services: this run's own


def ready(c: Cluster, name: str) -> bool:
    p = c.store.try_get("Pod", "default", name) or {}
    return bool(((p.get("status") or {}).get("containerStatuses") or [{}])[0].get("ready"))


def dns_on_gateway(c: Cluster) -> bool:
    assert c.dns is not None
    c.dns.sync()
    gateways = c._dns_extra_addresses()
    return bool(gateways) and all(("udp", g, 53) in c.dns.sockets.open for g in gateways)


@pytest.fixture(scope="module")
def web(engine: Any) -> Iterator[Cluster]:
    name = profile_name("dns")
    c = Cluster(name, nodes=1, runtime="docker", timings=FAST, node_subnet=f"192.168.{SUBNET}")
    for cluster in run_cluster(c, nodes=1):
        c.store.create(builders.pod("server", "gcr.io/google-samples/kubernetes-bootcamp:v1",
                                    labels={"app": "web"}))
        c.store.create(builders.service("web", selector={"app": "web"}, ports=[
            {"name": "http", "port": 8080, "targetPort": 8080, "protocol": "TCP"}]))
        c.store.create(builders.pod("client", "busybox", command=["sleep", "3600"]))
        c.wait_for(lambda: ready(c, "server") and ready(c, "client"), 120)
        c.wait_for(lambda: dns_on_gateway(c), 60)
        c.kube_proxy.sync()  # type: ignore[union-attr]
        yield cluster
    assert ours(engine, name) == []
    assert networks(engine, name) == []


def run(c: Cluster, argv: list[str]) -> tuple[int, str]:
    return c.pod_exec("default", "client", None, argv)


def test_resolv_conf_and_names_through_the_cluster_dns(web: Cluster) -> None:
    assert run(web, ["cat", "/etc/resolv.conf"]) == (
        0, "search default.svc.cluster.local svc.cluster.local cluster.local\n"
           "nameserver 127.0.0.11\noptions ndots:5\n")
    ip = web.store.get("Service", "default", "web")["spec"]["clusterIP"]
    code, out = run(web, ["nslookup", "web.default.svc.cluster.local"])
    assert code == 0 and f"Name:\tweb.default.svc.cluster.local\nAddress: {ip}\n" in out
    code, out = run(web, ["nslookup", "nope.default.svc.cluster.local"])
    assert code == 1 and "** server can't find nope.default.svc.cluster.local: NXDOMAIN" in out


@pytest.mark.skipif(os.geteuid() != 0, reason="routing ClusterIPs into containers needs root")
def test_a_pod_reaches_a_service_by_short_and_full_name(web: Cluster) -> None:
    for url in ("http://web:8080", "http://web.default:8080",
                "http://web.default.svc.cluster.local:8080"):
        assert run(web, ["wget", "-qO-", url]) == (0, HELLO)
