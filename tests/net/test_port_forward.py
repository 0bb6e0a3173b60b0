"""`kubectl port-forward` against stand-in pods: kubectl's lines and errors, forwarding in the
background, pod/svc/deploy targets, and nothing left listening after --stop or cluster stop."""

from __future__ import annotations

import io
import re
import shlex
import socket
from collections.abc import Iterator

import psutil
import pytest

from kubenb.cli.kubectl.main import kubectl
from kubenb.client.inprocess import InProcessClient
from kubenb.clock import VirtualClock
from kubenb.cluster import Cluster
from kubenb.net.portforward import ipv6_loopback_available
from tests import builders
from tests.net.standin import NET, PodServer, ask

POD_IP = f"{NET}1.3"  # the first pod address of node `minikube` after CoreDNS's (.2)


def run(c: Cluster, line: str) -> tuple[str, str, int]:
    out, err = io.StringIO(), io.StringIO()
    rc = kubectl(shlex.split(line), InProcessClient.for_cluster(c), out, err)
    return out.getvalue(), err.getvalue(), rc


@pytest.fixture
def web(pcluster: Cluster) -> Iterator[PodServer]:
    server = PodServer("web-pod", POD_IP, 80)
    nginx = builders.container("nginx", ports=[{"name": "http", "containerPort": 80}])
    pcluster.store.create(builders.deployment("web", labels={},
                                              pod_spec={"nodeName": "minikube", "containers": [nginx]}))
    pcluster.store.create(builders.service("web", ports=[{"port": 8080, "targetPort": "http"}]))
    pcluster.wait_for(lambda: any(p.get("status", {}).get("phase") == "Running"
                                  for p in pcluster.store.list("Pod", "default")), timeout=30)
    yield server
    server.close()


def pod_name(c: Cluster) -> str:
    return str(c.store.list("Pod", "default")[0]["metadata"]["name"])


def forwarded_port(out: str, remote: int) -> int:
    m = re.match(rf"Forwarding from 127\.0\.0\.1:(\d+) -> {remote}\n", out)
    assert m, out
    port = int(m.group(1))
    expected = f"Forwarding from 127.0.0.1:{port} -> {remote}\n"
    if ipv6_loopback_available():
        expected += f"Forwarding from [::1]:{port} -> {remote}\n"
    assert out == expected
    return port


def listening(port: int) -> bool:
    return any(c.laddr and c.laddr.port == port and c.status == psutil.CONN_LISTEN
               for c in psutil.Process().net_connections("tcp"))


def test_pod_forward_runs_in_the_background(pcluster: Cluster, web: PodServer) -> None:
    out, err, rc = run(pcluster, f"port-forward pod/{pod_name(pcluster)} :80")
    assert (err, rc) == ("", 0)
    port = forwarded_port(out, 80)
    assert ask("127.0.0.1", port, "one") == "web-pod|one"
    assert ask("127.0.0.1", port, "two") == "web-pod|two"
    if ipv6_loopback_available():
        assert ask("::1", port, "six") == "web-pod|six"
    assert run(pcluster, "port-forward --stop") == ("", "", 0)
    assert not listening(port)
    with pytest.raises(ConnectionRefusedError):
        ask("127.0.0.1", port)


def test_service_and_deployment_targets(pcluster: Cluster, web: PodServer) -> None:
    out, _, rc = run(pcluster, "port-forward svc/web :8080")  # service port -> named targetPort
    assert rc == 0
    assert ask("127.0.0.1", forwarded_port(out, 80)) == "web-pod|hi"
    out, _, rc = run(pcluster, "port-forward deploy/web :http")
    assert rc == 0
    assert ask("127.0.0.1", forwarded_port(out, 80)) == "web-pod|hi"


def test_port_errors_are_kubectls(pcluster: Cluster, web: PodServer) -> None:
    name = pod_name(pcluster)
    assert run(pcluster, f"port-forward pod/{name}") == (
        "", "error: TYPE/NAME and list of ports are required for port-forward\n"
        "See 'kubectl port-forward -h' for help and examples\n", 1)
    assert run(pcluster, "port-forward svc/web 9999") == (
        "", "error: Service web does not have a service port 9999\n", 1)
    assert run(pcluster, f"port-forward pod/{name} :metrics") == (
        "", f"error: Pod '{name}' does not have a named port 'metrics'\n", 1)
    assert run(pcluster, f"port-forward pod/{name} abc:80") == (
        "", "error: Error parsing local port 'abc': strconv.ParseUint: parsing \"abc\": "
        "invalid syntax\n", 1)
    assert run(pcluster, "port-forward pod/nope 80")[1] == (
        'Error from server (NotFound): pods "nope" not found\n')
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        out, err, rc = run(pcluster, f"port-forward pod/{name} {port}:80 --address 127.0.0.1")
    assert (out, rc) == ("", 1)
    assert err == (f"Unable to listen on port {port}: Listeners failed to create with the "
                   f"following errors: [unable to create listener: Error listen tcp4 "
                   f"127.0.0.1:{port}: bind: address already in use]\n"
                   f"error: unable to listen on any of the requested ports: [{{{port} 80}}]\n")


def test_a_pod_that_is_not_running(pcluster: Cluster) -> None:
    pcluster.store.create({"apiVersion": "v1", "kind": "Pod",
                           "metadata": {"name": "broken", "namespace": "default"},
                           "spec": {"containers": [{"name": "c", "image": "nosuch/image:v10"}]}})
    pcluster.wait_for(lambda: bool(pcluster.store.get("Pod", "default", "broken")
                                   .get("status", {}).get("phase")), timeout=10)
    assert run(pcluster, "port-forward broken 8080:80") == (
        "", "error: unable to forward port because pod is not running. Current status=Pending\n", 1)


def test_pod_deletion_and_cluster_stop_end_forwards(pcluster: Cluster, web: PodServer) -> None:
    old = pod_name(pcluster)
    out, _, _ = run(pcluster, f"port-forward pod/{old} :80")
    first = forwarded_port(out, 80)
    pcluster.store.delete("Pod", "default", old, grace_period_seconds=0)
    pcluster.wait_for(lambda: not listening(first), timeout=10)  # "lost connection to pod"

    def replacement() -> bool:
        return any(p["metadata"]["name"] != old and p.get("status", {}).get("phase") == "Running"
                   for p in pcluster.store.list("Pod", "default"))

    pcluster.wait_for(replacement, timeout=30)
    out, err, rc = run(pcluster, "port-forward svc/web :8080")
    assert (err, rc) == ("", 0)
    second = forwarded_port(out, 80)
    assert listening(second)
    pcluster.stop()
    assert not listening(second)


def test_sim_pods_cannot_be_forwarded() -> None:
    c = Cluster(clock=VirtualClock(), seed=1).start()
    try:
        c.store.create({"apiVersion": "v1", "kind": "Pod",
                        "metadata": {"name": "p", "namespace": "default"},
                        "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
        c.wait_for(lambda: c.store.get("Pod", "default", "p").get("status", {}).get("phase") == "Running")
        out, err, rc = run(c, "port-forward p 8080:80")
        assert (out, rc) == ("", 1)
        assert err.startswith("error: kubectl port-forward needs pods that answer real TCP")
    finally:
        c.stop()
        c.clock.loop.close()
