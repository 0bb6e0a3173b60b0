"""Pods of the process runtime behind kube-proxy: Service names in exec, NodePorts from the host."""

from __future__ import annotations

import os

import pytest

from tests import builders
from tests.process.util import REQUIRES_LOOPBACK, get, pod, run_pod

pytestmark = [REQUIRES_LOOPBACK, pytest.mark.skipif(
    not os.path.exists(os.path.join(os.path.dirname(__file__), "..", "..", "kubenb", "net", "proxy.py")),
    reason="needs kube-proxy (kubenb/net/proxy.py)")]
V1 = "gcr.io/google-samples/kubernetes-bootcamp:v1"


def service(name: str, selector: dict[str, str], port: int, type_: str = "ClusterIP") -> dict:
    return builders.service(name, type=type_, selector=selector,
                            ports=[{"port": port, "targetPort": port, "protocol": "TCP"}])


def test_exec_curl_reaches_a_service_by_name(cluster):
    run_pod(cluster, pod("client", V1))
    run_pod(cluster, pod("server", V1, labels={"app": "friend"}))
    cluster.store.create(service("friend", {"app": "friend"}, 8080))
    hosts = os.path.join(cluster.state_dir, "hosts")

    def listed() -> bool:
        try:
            with open(hosts) as f:
                return " friend.default " in f.read()
        except OSError:
            return False

    cluster.wait_for(listed, 20)
    for url in ("http://friend:8080", "friend.default.svc.cluster.local:8080"):
        code, out = cluster.pod_exec("default", "client", None, ["curl", "-s", url])
        assert (code, out) == (0, "Hello Kubernetes bootcamp! | Running on: server | v=1\n")


def test_node_port_answers_from_the_host(make_cluster):
    c = make_cluster(nodes=2)
    for name in ("np-a", "np-b"):
        run_pod(c, pod(name, V1, labels={"app": "np"}))
    svc = c.store.create(service("np", {"app": "np"}, 8080, "NodePort"))
    node_port = svc["spec"]["ports"][0]["nodePort"]
    seen: set[str] = set()

    def answered_by_both() -> bool:
        try:
            code, body = get(c.addresses.node_ip(2), node_port)
        except OSError:
            return False
        seen.add(body.split("Running on: ")[1].split(" |")[0])
        return seen == {"np-a", "np-b"}

    c.wait_for(answered_by_both, 20)
