"""`kubectl proxy`: served in the background, kubectl's filters, forwarding with credentials.

The proxies run against the `served` cluster's ApiServer (found among the cluster's
components by the in-process client, as `%minikube start` clusters have it). Every test
stops what it started and the module checks no proxy thread or socket is left.
"""

from __future__ import annotations

import http.client
import io
import json
import shlex
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from kubenb.cli.kubectl import proxy_runner
from kubenb.cli.kubectl.main import kubectl
from kubenb.client.http import HttpClient
from kubenb.client.inprocess import InProcessClient
from tests.cli import KUBECTL, needs_kubectl
from tests.client_http.conftest import kubeconfig_for, leaked_threads


def run(client: Any, line: str) -> tuple[str, str, int]:
    out, err = io.StringIO(), io.StringIO()
    rc = kubectl(shlex.split(line), client, out, err)
    return out.getvalue(), err.getvalue(), rc


def request(port: int, path: str, *, host: str | None = None, method: str = "GET",
            body: bytes | None = None) -> tuple[int, str, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        headers = {"Host": host} if host else {}
        if body is not None:
            headers["Content-Type"] = "application/json"
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        return resp.status, resp.getheader("Content-Type") or "", resp.read()
    finally:
        conn.close()


def refused(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


@pytest.fixture
def client(served: tuple[Any, Any]) -> InProcessClient:
    return InProcessClient.for_cluster(served[0])


@pytest.fixture
def proxy(client: InProcessClient) -> Iterator[int]:
    before = set(threading.enumerate())
    out, err, rc = run(client, "proxy --port=0")
    assert rc == 0 and err == "", err
    assert out.startswith("Starting to serve on 127.0.0.1:") and out.endswith("\n")
    port = int(out.strip().rsplit(":", 1)[1])
    yield port
    proxy_runner.stop_all()
    assert refused(port)
    assert not proxy_runner.RUNNING and not [t for t in leaked_threads() if "proxy" in t]
    assert [t.name for t in threading.enumerate() if t not in before] == []  # nor resolver threads


def test_version_and_the_api_with_the_servers_credentials(proxy: int, served: tuple[Any, Any]) -> None:
    code, ctype, body = request(proxy, "/version")
    assert (code, ctype) == (200, "application/json") and json.loads(body) == served[0].version()
    code, _, body = request(proxy, "/api/v1/namespaces/default/pods")
    assert code == 200 and json.loads(body)["kind"] == "PodList"  # the proxy added the token
    code, _, body = request(proxy, "/api/v1/namespaces/default/configmaps", method="POST",
                            body=json.dumps({"apiVersion": "v1", "kind": "ConfigMap",
                                             "metadata": {"name": "via-proxy"}}).encode())
    assert code == 201 and served[0].store.get("ConfigMap", "default", "via-proxy")
    code, _, _ = request(proxy, "/api/v1/namespaces/default/configmaps/via-proxy", method="DELETE")
    assert code == 200


@pytest.mark.parametrize("host", ["evil.com", "evil.com:8001", "192.168.1.5"])
def test_a_foreign_host_is_forbidden_as_kubectl_words_it(proxy: int, host: str) -> None:
    assert request(proxy, "/api/v1/pods", host=host) == (403, "text/plain; charset=utf-8", b"Forbidden\n")


@pytest.mark.parametrize("host", ["localhost", "localhost:8001", "127.0.0.1:8001"])
def test_local_hosts_are_accepted(proxy: int, host: str) -> None:
    assert request(proxy, "/version", host=host)[0] == 200


@pytest.mark.parametrize("path", ["/api/v1/namespaces/default/pods/web/exec?command=ls",
                                  "/api/v1/namespaces/default/pods/web/attach"])
def test_exec_and_attach_are_rejected_paths(proxy: int, path: str) -> None:
    assert request(proxy, path, method="POST", body=b"")[:3:2] == (403, b"Forbidden\n")


def test_watch_streams_through_the_proxy(proxy: int, served: tuple[Any, Any]) -> None:
    rv = served[0].store.resource_version
    conn = http.client.HTTPConnection("127.0.0.1", proxy, timeout=30)
    try:
        conn.request("GET", f"/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={rv}")
        resp = conn.getresponse()
        assert resp.status == 200
        served[0].store.create({"apiVersion": "v1", "kind": "ConfigMap",
                                "metadata": {"name": "watched", "namespace": "default"}})
        event = json.loads(resp.readline())
        assert (event["type"], event["object"]["metadata"]["name"]) == ("ADDED", "watched")
    finally:
        conn.close()
        served[0].store.delete("ConfigMap", "default", "watched")


@needs_kubectl
def test_real_kubectl_through_the_proxy(proxy: int, tmp_path: Any, served: tuple[Any, Any]) -> None:
    """The proxy's purpose: a client with no credentials reaches the cluster."""
    import os
    import subprocess

    def real(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([KUBECTL, f"--server=http://127.0.0.1:{proxy}", *args],
                              capture_output=True, text=True, timeout=60,
                              env={"HOME": str(tmp_path), "PATH": os.environ.get("PATH", "")})

    got = real("get", "nodes", "-o", "name")
    assert (got.returncode, got.stdout) == (0, "node/served\n"), got.stderr
    got = real("create", "configmap", "from-kubectl", "--from-literal=a=b")
    assert got.stdout == "configmap/from-kubectl created\n", got.stderr
    assert served[0].store.get("ConfigMap", "default", "from-kubectl")["data"] == {"a": "b"}
    assert real("delete", "configmap", "from-kubectl").returncode == 0


def test_flags_prefix_and_filters(client: InProcessClient) -> None:
    out, _, rc = run(client, "proxy --port=0 --api-prefix=/custom/ --reject-paths=^/api/v1/secrets "
                             "--accept-hosts=^example\\.test$")
    port = int(out.strip().rsplit(":", 1)[1])
    try:
        assert request(port, "/custom/version", host="example.test")[0] == 200
        assert request(port, "/version", host="example.test")[:3:2] == (404, b"404 page not found\n")
        assert request(port, "/custom/version", host="localhost")[0] == 403
        assert request(port, "/custom/api/v1/secrets", host="example.test")[0] == 403
    finally:
        assert run(client, f"proxy --stop --port={port}") == (
            f"Stopped serving on 127.0.0.1:{port}\n", "", 0)
    assert refused(port)


def test_a_busy_port_is_kubectls_bind_error(proxy: int, client: InProcessClient) -> None:
    assert run(client, f"proxy --port={proxy}") == (
        "", f"error: listen tcp 127.0.0.1:{proxy}: bind: address already in use\n", 1)


def test_stop_without_a_proxy_and_bad_addresses(client: InProcessClient) -> None:
    assert run(client, "proxy --stop") == ("", "error: no kubectl proxy is running\n", 1)
    assert run(client, "proxy --port=70000") == ("", "error: listen tcp: address 70000: invalid port\n", 1)
    out, _, rc = run(client, "proxy --port=0 --address=localhost")
    assert rc == 0 and out.startswith("Starting to serve on 127.0.0.1:")
    proxy_runner.stop_all()
    out, err, rc = run(client, "proxy --port=0 --address=0.0.0.0")
    assert rc == 1 and "loopback addresses only" in err


def test_an_http_client_proxies_to_its_server(served: tuple[Any, Any]) -> None:
    client = HttpClient.from_kubeconfig(config=kubeconfig_for(served[1]), context="served")
    out, _, _ = run(client, "proxy --port=0")
    port = int(out.strip().rsplit(":", 1)[1])
    try:
        assert request(port, "/api/v1/nodes")[0] == 200
    finally:
        proxy_runner.stop_all()
        client.close()


def test_an_unreachable_server_is_a_500_with_gos_dial_error() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    doc = {"apiVersion": "v1", "kind": "Config", "current-context": "c",
           "clusters": [{"name": "c", "cluster": {"server": f"http://127.0.0.1:{closed}"}}],
           "users": [{"name": "c", "user": {}}],
           "contexts": [{"name": "c", "context": {"cluster": "c", "user": "c"}}]}
    client = HttpClient.from_kubeconfig(config=doc, context="c")
    out, _, _ = run(client, "proxy --port=0")
    port = int(out.strip().rsplit(":", 1)[1])
    try:
        assert request(port, "/version") == (
            500, "text/plain; charset=utf-8",
            f"dial tcp 127.0.0.1:{closed}: connect: connection refused\n".encode())
    finally:
        proxy_runner.stop_all()


def test_the_cluster_stopping_stops_its_proxy() -> None:
    from kubenb.clock import RealClock
    from kubenb.cluster import Cluster
    from kubenb.server import ApiServer

    cluster = Cluster("short", runtime="sim", clock=RealClock(), seed=2)
    cluster.serve_api(ApiServer())
    cluster.start()
    try:
        out, _, _ = run(InProcessClient.for_cluster(cluster), "proxy --port=0")
        port = int(out.strip().rsplit(":", 1)[1])
        assert request(port, "/version")[0] == 200
    finally:
        cluster.stop()
    assert refused(port) and not proxy_runner.RUNNING
    assert not [c for c in cluster.components if not isinstance(c, ApiServer)]


def test_the_tutorials_curl_through_the_proxy_reaches_the_app() -> None:
    """Module 3 of the tutorial: `curl http://localhost:8001/api/v1/namespaces/default/pods/
    $POD_NAME:8080/proxy/` answers from the pod's real process (process runtime)."""
    from kubenb.clock import RealClock
    from kubenb.cluster import Cluster
    from kubenb.server import ApiServer

    cluster = Cluster("proxied", runtime="process", clock=RealClock(), seed=3)
    cluster.serve_api(ApiServer())
    cluster.start()
    try:
        client = InProcessClient.for_cluster(cluster)
        run(client, "create deployment web --image=gcr.io/google-samples/kubernetes-bootcamp:v1")
        assert run(client, "rollout status deployment/web --timeout=180s")[2] == 0
        run(client, "expose deployment web --port=8080")
        out, _, _ = run(client, "proxy --port=0")
        port = int(out.strip().rsplit(":", 1)[1])
        pod = cluster.store.list("Pod", "default")[0]["metadata"]["name"]
        hello = f"Hello Kubernetes bootcamp! | Running on: {pod} | v=1\n".encode()
        code, _, body = request(port, f"/api/v1/namespaces/default/pods/{pod}:8080/proxy/")
        assert (code, body) == (200, hello)
        assert request(port, "/api/v1/namespaces/default/services/web:8080/proxy/")[2] == hello
    finally:
        cluster.stop()
    assert refused(port) and not proxy_runner.RUNNING
