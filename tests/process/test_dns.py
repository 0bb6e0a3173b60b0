"""Pods of the process runtime resolve cluster names through the cluster DNS server: the
shims (curl, wget, nslookup), Python's getaddrinfo and — where mount namespaces work and
port 53 could be bound — the C library and busybox through the pod's /etc/resolv.conf."""

from __future__ import annotations

import shutil

import pytest

from kubenb.node.runtime import process_mounts
from tests import builders
from tests.process.util import REQUIRES_LOOPBACK, pod, run_pod, status

pytestmark = REQUIRES_LOOPBACK
V1 = "gcr.io/google-samples/kubernetes-bootcamp:v1"
HELLO = "Hello Kubernetes bootcamp! | Running on: server | v=1\n"


@pytest.fixture
def web(cluster):  # type: ignore[no-untyped-def]
    run_pod(cluster, pod("server", V1, labels={"app": "web"}), 60)
    cluster.store.create(builders.service("web", selector={"app": "web"}, ports=[
        {"name": "http", "port": 8080, "targetPort": 8080, "protocol": "TCP"}]))
    cluster.store.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "other"}})
    run_pod(cluster, pod("client", "busybox", command=["sleep", "3600"]), 60)
    cluster.store.create(pod("py", "python:3.12", ns="other", command=["sleep", "3600"]))
    cluster.wait_for(lambda: status(cluster, "py", "other").get("containerStatuses", [{}])[0]
                     .get("ready"), 60)
    cluster.wait_for(lambda: (cluster.dns.sync() or cluster.dns.address()) is not None, 30)
    cluster.kube_proxy.sync()
    return cluster


def run(c, name: str, argv: list[str], ns: str = "default") -> tuple[int, str]:  # type: ignore[no-untyped-def]
    return c.pod_exec(ns, name, None, argv)


def port_53(c) -> bool:  # type: ignore[no-untyped-def]
    return c.dns.address()[1] == 53


def test_shims_reach_a_service_by_short_and_full_name(web) -> None:  # type: ignore[no-untyped-def]
    for url in ("http://web:8080", "web.default:8080", "http://web.default.svc.cluster.local:8080/"):
        assert run(web, "client", ["curl", "-s", url]) == (0, HELLO)
    assert run(web, "client", ["wget", "-qO-", "http://web:8080"]) == (0, HELLO)
    assert run(web, "py", ["curl", "-s", "http://web.default:8080"], "other") == (0, HELLO)
    # the short name means the pod's own namespace: nothing called web in `other`
    code, out = run(web, "py", ["curl", "-sS", "http://web:8080"], "other")
    assert (code, out) == (6, "curl: (6) Could not resolve host: web\n")


def test_python_resolves_through_cluster_dns(web) -> None:  # type: ignore[no-untyped-def]
    ip = web.store.get("Service", "default", "web")["spec"]["clusterIP"]
    program = ("import socket, urllib.request\n"
               "print(socket.getaddrinfo('web.default', 8080)[0][4][0])\n"
               "print(socket.gethostbyname('web.default.svc.cluster.local'))\n"
               "print(urllib.request.urlopen('http://web.default:8080').read().decode(), end='')\n"
               "try:\n    socket.getaddrinfo('nope', 80)\nexcept socket.gaierror as e:\n"
               "    print('gaierror', e.errno == socket.EAI_NONAME)\n")
    assert run(web, "py", ["python", "-c", program], "other") == (
        0, f"{ip}\n{ip}\n{HELLO}gaierror True\n")


def test_a_service_created_later_resolves_at_once(web) -> None:  # type: ignore[no-untyped-def]
    assert run(web, "client", ["curl", "-sS", "late:8080"])[0] == 6
    web.store.create(builders.service("late", selector={"app": "web"}, ports=[
        {"name": "http", "port": 8080, "targetPort": 8080, "protocol": "TCP"}]))
    web.dns.sync()
    web.wait_for(lambda: run(web, "client", ["curl", "-s", "late:8080"]) == (0, HELLO), 20)


def test_nslookup_prints_what_busybox_prints(web) -> None:  # type: ignore[no-untyped-def]
    ip = web.store.get("Service", "default", "web")["spec"]["clusterIP"]
    dns_ip = web.store.get("Service", "kube-system", "kube-dns")["spec"]["clusterIP"]
    code, out = run(web, "client", ["nslookup", "web"])
    assert code == 1  # busybox asks every search domain and counts their NXDOMAINs
    assert out == (f"Server:\t\t{dns_ip}\nAddress:\t{dns_ip}:53\n\n"
                   f"Name:\tweb.default.svc.cluster.local\nAddress: {ip}\n\n"
                   "** server can't find web.svc.cluster.local: NXDOMAIN\n\n"
                   "** server can't find web.cluster.local: NXDOMAIN\n\n"
                   "\n"
                   "** server can't find web.svc.cluster.local: NXDOMAIN\n\n"
                   "** server can't find web.cluster.local: NXDOMAIN\n\n")
    assert run(web, "client", ["nslookup", "-type=srv", "_http._tcp.web.default.svc.cluster.local"]) == (
        0, f"Server:\t\t{dns_ip}\nAddress:\t{dns_ip}:53\n\n"
           "_http._tcp.web.default.svc.cluster.local\tservice = 0 100 8080 web.default.svc.cluster.local\n\n")
    reverse = ".".join(reversed(ip.split("."))) + ".in-addr.arpa"
    assert run(web, "client", ["nslookup", ip]) == (
        0, f"Server:\t\t{dns_ip}\nAddress:\t{dns_ip}:53\n\n{reverse}\tname = web.default.svc.cluster.local\n\n")
    assert run(web, "client", ["nslookup", "-type=bogus", "web"]) == (
        1, 'nslookup: invalid query type "bogus"\n')


@pytest.mark.skipif(not process_mounts.available(), reason="needs user + mount namespaces (unshare)")
def test_the_pods_resolv_conf_serves_the_c_library_and_busybox(web) -> None:  # type: ignore[no-untyped-def]
    dns_ip = web.store.get("Service", "kube-system", "kube-dns")["spec"]["clusterIP"]
    assert run(web, "py", ["cat", "/etc/resolv.conf"], "other") == (
        0, "search other.svc.cluster.local svc.cluster.local cluster.local\n"
           f"nameserver {dns_ip}\noptions ndots:5\n")
    if not port_53(web):
        pytest.skip("port 53 could not be bound here: only the shims and Python resolve")
    ip = web.store.get("Service", "default", "web")["spec"]["clusterIP"]
    assert run(web, "client", ["getent", "hosts", "web"]) == (
        0, f"{ip}{' ' * (16 - len(ip))}web.default.svc.cluster.local\n")
    if shutil.which("busybox"):
        for args in (["web"], ["web.default.svc.cluster.local"], ["nope"], [ip],
                     ["-type=srv", "_http._tcp.web.default.svc.cluster.local"]):
            assert run(web, "client", ["nslookup", *args]) == \
                run(web, "client", ["busybox", "nslookup", *args])
        assert run(web, "client", ["busybox", "wget", "-qO-", "http://web:8080"]) == (0, HELLO)
