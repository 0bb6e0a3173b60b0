"""NetworkPolicy on the docker runtime (docker_netpol.py): a busybox pod reaches a server pod
by pod IP until a default-deny policy isolates the server (the connection times out: packets
dropped in the server sandbox's namespace), again once a policy admits its label (another pod
stays out), and times out again when that policy goes; Service traffic follows the same
policies through kube-proxy; the host (the pods' node) is always let in; nothing is left
afterwards — no containers, no rules on the host."""

from __future__ import annotations

import os
import subprocess
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from kubenb.cluster import Cluster
from kubenb.node.runtime.docker_netpol import CHAIN, missing_tools
from tests import builders
from tests.conftest import run_cluster
from tests.docker.conftest import FAST, networks, ours, profile_name

SUBNET = 100 + 2 * (os.getpid() % 24)  # 127.S.* nodes, 127.S+1.* Services: this run's own
HELLO = "Hello Kubernetes bootcamp!"


def host_rules() -> str:
    return subprocess.run(["iptables-save"], capture_output=True, text=True, check=False).stdout


def ready(c: Cluster, name: str, namespace: str = "default") -> bool:
    p = c.store.try_get("Pod", namespace, name) or {}
    return bool(((p.get("status") or {}).get("containerStatuses") or [{}])[0].get("ready"))


@pytest.fixture(scope="module")
def np_cluster(engine: Any) -> Iterator[Cluster]:
    why = missing_tools()
    if why is not None:
        pytest.skip(why)
    assert CHAIN not in host_rules()
    name = profile_name("np")
    c = Cluster(name, nodes=1, runtime="docker", timings=FAST, node_subnet=f"192.168.{SUBNET}")
    for cluster in run_cluster(c, nodes=1):
        c.store.create(builders.pod("server", "gcr.io/google-samples/kubernetes-bootcamp:v1",
                                    labels={"app": "web"},
                                    ports=[{"name": "http", "containerPort": 8080}]))
        c.store.create(builders.service("web", selector={"app": "web"}, ports=[
            {"name": "http", "port": 8080, "targetPort": 8080, "protocol": "TCP"}]))
        c.store.create({"apiVersion": "v1", "kind": "Namespace",
                        "metadata": {"name": "team", "labels": {"team": "a"}}})
        for pod, role, ns in (("client", "client", "default"), ("other", "other", "default"),
                              ("visitor", "other", "team")):
            c.store.create(builders.pod(pod, "busybox", labels={"role": role}, namespace=ns,
                                        command=["sleep", "3600"]))
        c.wait_for(lambda: all(ready(c, p) for p in ("server", "client", "other"))
                   and ready(c, "visitor", "team"), 120)
        c.kube_proxy.sync()  # type: ignore[union-attr]
        server = c.store.get("Pod", "default", "server")["status"]["podIP"]
        c.wait_for(lambda ip=server: fetch(c, "client", ip) == "ok", 60)  # bound after start
        yield cluster
    assert ours(engine, name) == []
    assert networks(engine, name) == []
    assert CHAIN not in host_rules()  # (the host's other rules are Docker's, and others' runs)


def fetch(c: Cluster, pod: str, address: str, namespace: str = "default") -> str:
    """"ok", "timeout" (nothing answered in 3 s: busybox's timeout killed wget) or what
    else happened. (This busybox's `wget -T` crashes, hence `timeout`.)"""
    code, out = c.pod_exec(namespace, pod, None,
                           ["timeout", "3", "wget", "-qO-", f"http://{address}:8080/"])
    if code == 0 and HELLO in out:
        return "ok"
    return "timeout" if code == 143 and not out else f"{code}: {out}"


def policy(c: Cluster, name: str, **spec: Any) -> None:
    c.store.create({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                    "metadata": {"name": name, "namespace": "default"},
                    "spec": {"podSelector": {}, "policyTypes": ["Ingress"], **spec}})
    settle(c)


def settle(c: Cluster) -> None:
    c.firewalls.sync()
    c.kube_proxy.sync()  # type: ignore[union-attr]


def test_deny_then_allow_by_label_then_deny_again(np_cluster: Cluster) -> None:
    c = np_cluster
    server_ip = c.store.get("Pod", "default", "server")["status"]["podIP"]
    cluster_ip = c.store.get("Service", "default", "web")["spec"]["clusterIP"]
    assert fetch(c, "client", server_ip) == "ok"
    assert fetch(c, "client", cluster_ip) == "ok"

    policy(c, "default-deny")
    assert fetch(c, "client", server_ip) == "timeout"
    assert fetch(c, "other", server_ip) == "timeout"
    assert fetch(c, "client", cluster_ip) == "timeout"  # kube-proxy drops it
    assert HELLO in _host_get(server_ip)  # the host (the pod's node) is always let in

    policy(c, "allow-client", podSelector={"matchLabels": {"app": "web"}}, ingress=[{
        "from": [{"podSelector": {"matchLabels": {"role": "client"}}}],
        "ports": [{"port": "http", "protocol": "TCP"}]}])
    assert fetch(c, "client", server_ip) == "ok"
    assert fetch(c, "other", server_ip) == "timeout"
    assert fetch(c, "client", cluster_ip) == "ok"
    assert fetch(c, "other", cluster_ip) == "timeout"

    c.store.delete("NetworkPolicy", "default", "allow-client")
    settle(c)
    assert fetch(c, "client", server_ip) == "timeout"
    c.store.delete("NetworkPolicy", "default", "default-deny")
    settle(c)
    assert fetch(c, "other", server_ip) == "ok"


def test_namespace_selector_admits_the_pods_of_labelled_namespaces(np_cluster: Cluster) -> None:
    c = np_cluster
    server_ip = c.store.get("Pod", "default", "server")["status"]["podIP"]
    policy(c, "from-team-a", podSelector={"matchLabels": {"app": "web"}}, ingress=[{
        "from": [{"namespaceSelector": {"matchLabels": {"team": "a"}}}]}])
    try:
        assert fetch(c, "visitor", server_ip, "team") == "ok"
        assert fetch(c, "client", server_ip) == "timeout"  # its namespace is not labelled
        team = c.store.get("Namespace", "", "team")
        team["metadata"]["labels"] = {"team": "b"}
        c.store.update(team)
        settle(c)
        assert fetch(c, "visitor", server_ip, "team") == "timeout"
    finally:
        c.store.delete("NetworkPolicy", "default", "from-team-a")
        settle(c)


def test_rules_live_in_the_sandbox_namespace_only(np_cluster: Cluster) -> None:
    c = np_cluster
    policy(c, "deny-web", podSelector={"matchLabels": {"app": "web"}})
    try:
        server = c.store.get("Pod", "default", "server")["metadata"]["uid"]
        client = c.store.get("Pod", "default", "client")["metadata"]["uid"]
        pid, text = c.firewalls.applied[server]
        assert f"-A {CHAIN} -j DROP" in text
        inside = subprocess.run(["nsenter", "-t", str(pid), "-n", "iptables-save"],
                                capture_output=True, text=True, check=True).stdout
        assert f"-A INPUT -j {CHAIN}" in inside and f"-A {CHAIN} -j DROP" in inside
        # not isolated (any more: the other test isolated it): an empty filter table
        assert CHAIN not in c.firewalls.applied.get(client, (0, ""))[1]
        assert CHAIN not in host_rules()
    finally:
        c.store.delete("NetworkPolicy", "default", "deny-web")
        settle(c)


def _host_get(ip: str) -> str:
    with urllib.request.urlopen(f"http://{ip}:8080/", timeout=5) as reply:
        return str(reply.read().decode())
