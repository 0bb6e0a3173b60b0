"""minikube's ingress addon on the process runtime: ingress-nginx answering real HTTP(S) on the
node IP, routing by host and path to the pods behind Services, as nginx would."""

from __future__ import annotations

import base64
import copy
import http.client
import io
import os
import socket
import ssl
import subprocess
import threading
from typing import Any

import pytest

from kubenb.net.ingress_controller import IngressNginx, nginx_page, set_enabled
from tests import builders
from tests.process.util import REQUIRES_LOOPBACK, pod, run_pod


def _may_bind_80() -> bool:
    if os.geteuid() == 0:
        return True
    try:
        with open("/proc/sys/net/ipv4/ip_unprivileged_port_start") as fh:
            return int(fh.read()) <= 80
    except (OSError, ValueError):
        return False


pytestmark = [REQUIRES_LOOPBACK, pytest.mark.skipif(
    not _may_bind_80(), reason="the ingress controller binds ports 80 and 443")]
V1 = "gcr.io/google-samples/kubernetes-bootcamp:v1"
HELLO = "Hello Kubernetes bootcamp! | Running on: {} | v=1\n"


def request(ip: str, host: str, path: str = "/", *, port: int = 80,
            context: ssl.SSLContext | None = None) -> tuple[int, dict[str, str], bytes]:
    conn: http.client.HTTPConnection
    if context is None:
        conn = http.client.HTTPConnection(ip, port, timeout=10)
    else:
        conn = _Tls(host, port, timeout=10, context=context)
        conn.address = ip
    try:
        conn.request("GET", path, headers={"Host": host})
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


class _Tls(http.client.HTTPSConnection):
    """HTTPS to `address`, with `host` as the SNI name (curl --resolve)."""

    address = ""

    def connect(self) -> None:
        raw = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)  # type: ignore[attr-defined]


def served_by(body: bytes) -> str:
    return body.decode().split("Running on: ")[1].split(" |")[0]


def ingress(name: str, rules: list[dict[str, Any]], **spec: Any) -> dict[str, Any]:
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": {"name": name, "namespace": "default"}, "spec": {"rules": rules, **spec}}


def path(p: str, service: str, path_type: str = "Prefix", port: int = 8080) -> dict[str, Any]:
    return {"path": p, "pathType": path_type,
            "backend": {"service": {"name": service, "port": {"number": port}}}}


def service(name: str) -> dict[str, Any]:
    return builders.service(name, selector={"app": name},
                            ports=[{"name": "http", "port": 8080, "targetPort": 8080}])


@pytest.fixture
def ingress_cluster(make_cluster: Any) -> Any:
    c = make_cluster()
    set_enabled(c, True)
    yield c
    set_enabled(c, False)  # disable: nothing of the controller is left, the cluster runs on
    assert not [x for x in c.components if isinstance(x, IngressNginx)]
    assert not [t.name for t in threading.enumerate() if t.name.startswith("ingress-nginx-")]
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((c.addresses.node_ip(1), 80), timeout=5)
    c.wait_for(lambda: c.store.try_get("Namespace", None, "ingress-nginx") is None, 60)
    assert c.store.try_get("IngressClass", None, "nginx") is None


def controller(c: Any) -> IngressNginx:
    return next(x for x in c.components if isinstance(x, IngressNginx))


def test_routes_by_host_and_path_and_fills_the_address(ingress_cluster: Any) -> None:
    c = ingress_cluster
    node_ip = c.addresses.node_ip(1)
    for name in ("alpha", "beta"):
        run_pod(c, pod(name, V1))
        c.store.create(service(name))
    c.store.create(ingress("site", [
        {"host": "a.example.com", "http": {"paths": [
            path("/app", "alpha"), path("/exact", "beta", "Exact"), path("/app/beta", "beta"),
            path("/impl", "beta", "ImplementationSpecific")]}},
        {"host": "*.wild.example.com", "http": {"paths": [path("/", "beta")]}},
        {"http": {"paths": [path("/anyhost", "alpha")]}}]))
    c.wait_for(lambda: (c.store.get("Ingress", "default", "site").get("status") or {}) ==
               {"loadBalancer": {"ingress": [{"ip": node_ip}]}}, 30)

    def answer(host: str, p: str) -> str:
        try:
            code, _, body = request(node_ip, host, p)
        except OSError as err:
            return repr(err)
        return served_by(body) if code == 200 else str(code)

    c.wait_for(lambda: answer("a.example.com", "/app") == "alpha", 30)
    c.wait_for(lambda: answer("a.example.com", "/exact") == "beta", 30)  # both have endpoints
    cases = {("a.example.com", "/app"): "alpha", ("a.example.com", "/app/"): "alpha",
             ("a.example.com", "/app/x"): "alpha", ("a.example.com", "/appx"): "404",
             ("a.example.com", "/app/beta/1"): "beta",  # the longest prefix wins
             ("a.example.com", "/exact"): "beta", ("a.example.com", "/exact/"): "404",
             ("a.example.com", "/implx"): "beta",  # nginx's plain prefix
             ("x.wild.example.com", "/"): "beta", ("x.y.wild.example.com", "/"): "404",
             ("unknown.example.com", "/anyhost/1"): "alpha", ("unknown.example.com", "/"): "404",
             ("A.EXAMPLE.COM", "/app"): "alpha"}
    assert {k: answer(*k) for k in cases} == cases
    code, headers, body = request(node_ip, "unknown.example.com", "/nothing")
    assert (code, body, headers["Server"], headers["Content-Type"]) == (
        404, b"<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not "
        b"Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n", "nginx",
        "text/html")
    # the ingress-nginx-controller NodePort Service reaches the controller pod too
    svc = c.store.get("Service", "ingress-nginx", "ingress-nginx-controller")
    node_port = next(p["nodePort"] for p in svc["spec"]["ports"] if p["name"] == "http")
    c.wait_for(lambda: _answers(node_ip, node_port), 30)


def _answers(ip: str, port: int) -> bool:
    try:
        return request(ip, "a.example.com", "/app", port=port)[0] == 200
    except OSError:
        return False


def test_missing_service_is_503_until_it_exists(ingress_cluster: Any) -> None:
    c = ingress_cluster
    node_ip = c.addresses.node_ip(1)
    c.store.create(ingress("late", [{"http": {"paths": [path("/", "late")]}}]))
    c.wait_for(lambda: request(node_ip, "x")[0] == 503, 30)
    assert request(node_ip, "x")[2] == nginx_page(503)
    assert b"503 Service Temporarily Unavailable" in nginx_page(503)
    c.store.create(service("late"))  # no endpoints yet: still 503
    assert request(node_ip, "x")[0] == 503
    run_pod(c, pod("late", V1))
    c.wait_for(lambda: request(node_ip, "x")[0] == 200, 30)
    assert served_by(request(node_ip, "x")[2]) == "late"


def test_follows_endpoints_as_a_deployment_scales(ingress_cluster: Any) -> None:
    c = ingress_cluster
    node_ip = c.addresses.node_ip(1)
    c.store.create(builders.deployment("web", V1, replicas=1, selector={"app": "web"},
                                       labels={"app": "web"}))
    c.store.create(service("web"))
    c.store.create(ingress("web", [{"host": "web.local", "http": {"paths": [path("/", "web")]}}]))
    c.wait_for(lambda: request(node_ip, "web.local")[0] == 200, 60)
    first = served_by(request(node_ip, "web.local")[2])
    scale(c, 3)
    seen: set[str] = set()

    def all_three() -> bool:  # round-robin: a round of 3 reaches every ready pod
        ready = c.store.get("Endpoints", "default", "web").get("subsets") or [{}]
        if len(ready[0].get("addresses") or []) < 3:
            return False
        for _ in range(3):
            code, _, body = request(node_ip, "web.local")
            if code == 200:
                seen.add(served_by(body))
        return len(seen) == 3

    c.wait_for(all_three, 60)
    assert first in seen
    scale(c, 1)
    c.wait_for(lambda: len(c.store.get("Endpoints", "default", "web")["subsets"][0]["addresses"]) == 1, 60)
    left = {served_by(request(node_ip, "web.local")[2]) for _ in range(4)}
    assert len(left) == 1


def scale(c: Any, replicas: int) -> None:
    dep = copy.deepcopy(c.store.get("Deployment", "default", "web"))
    dep["spec"]["replicas"] = replicas
    c.store.update(dep)


def _cert(directory: str, host: str) -> tuple[bytes, bytes]:
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-keyout", f"{directory}/k.pem", "-out", f"{directory}/c.pem", "-days", "2",
                    "-subj", f"/CN={host}", "-addext", f"subjectAltName=DNS:{host}"],
                   capture_output=True, check=True)
    with open(f"{directory}/c.pem", "rb") as c, open(f"{directory}/k.pem", "rb") as k:
        return c.read(), k.read()


def _peer_cn(ip: str, sni: str) -> str:
    ctx = ssl.create_default_context()
    ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
    with socket.create_connection((ip, 443), timeout=10) as raw, ctx.wrap_socket(raw, server_hostname=sni) as s:
        der = s.getpeercert(binary_form=True)
    text = subprocess.run(["openssl", "x509", "-inform", "der", "-noout", "-subject"], input=der,
                          capture_output=True, check=True).stdout.decode()
    return text.split("CN", 1)[1].lstrip(" =").strip()


def test_tls_by_sni_with_the_fake_certificate_otherwise(ingress_cluster: Any, tmp_path: Any) -> None:
    c = ingress_cluster
    node_ip = c.addresses.node_ip(1)
    cert, key = _cert(str(tmp_path), "secure.example.com")
    c.store.create({"apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/tls",
                    "metadata": {"name": "secure-tls", "namespace": "default"},
                    "data": {"tls.crt": base64.b64encode(cert).decode(),
                             "tls.key": base64.b64encode(key).decode()}})
    run_pod(c, pod("secure", V1))
    c.store.create(service("secure"))
    c.store.create(ingress("secure", [{"host": "secure.example.com", "http": {"paths": [path("/", "secure")]}},
                                      {"host": "plain.example.com", "http": {"paths": [path("/", "secure")]}}],
                           tls=[{"hosts": ["secure.example.com"], "secretName": "secure-tls"}]))
    ctx = ssl.create_default_context(cafile=f"{tmp_path}/c.pem")
    ctx.check_hostname = False
    c.wait_for(lambda: _tls_ok(node_ip, ctx), 30)
    code, _, body = request(node_ip, "secure.example.com", port=443, context=ctx)
    assert (code, served_by(body)) == (200, "secure")
    assert _peer_cn(node_ip, "secure.example.com") == "secure.example.com"
    assert _peer_cn(node_ip, "plain.example.com") == "Kubernetes Ingress Controller Fake Certificate"
    code, headers, _ = request(node_ip, "secure.example.com", "/a?b=1")
    assert (code, headers["Location"]) == (308, "https://secure.example.com/a?b=1")
    assert request(node_ip, "plain.example.com")[0] == 200


def _tls_ok(ip: str, ctx: ssl.SSLContext) -> bool:
    try:
        return request(ip, "secure.example.com", port=443, context=ctx)[0] == 200
    except (OSError, ssl.SSLError):
        return False


KUBECTL_132 = "/usr/bin/kubectl"


@pytest.mark.skipif(not os.path.exists(KUBECTL_132), reason="needs kubectl 1.32")
def test_real_kubectl_sees_the_address_and_the_backends(tmp_path: Any) -> None:
    from kubenb.cli.kubectl.main import kubectl as inprocess_kubectl
    from kubenb.client.inprocess import InProcessClient
    from kubenb.profiles import Profiles
    from tests.process.conftest import leftovers

    config = str(tmp_path / "config")
    profiles = Profiles(kubeconfig_path=config, serve_api=True, register_atexit=False)
    env = {**os.environ, "KUBECONFIG": config, "HOME": str(tmp_path)}

    def real(*args: str) -> str:
        done = subprocess.run([KUBECTL_132, *args], env=env, capture_output=True, text=True, timeout=90)
        assert done.returncode == 0, done.stderr
        return done.stdout

    try:
        prof = profiles.create(f"ing{os.getpid() % 1000}", driver="process")
        c = prof.cluster
        prof.set_addon("ingress", True)
        real("create", "deployment", "web", f"--image={V1}")
        real("expose", "deployment", "web", "--port=8080")
        assert real("create", "ingress", "web", "--rule=web.local/*=web:8080") == (
            "ingress.networking.k8s.io/web created\n")
        node_ip = prof.ip()
        c.wait_for(lambda: bool((c.store.get("Ingress", "default", "web").get("status") or {})
                                .get("loadBalancer")), 30)
        c.wait_for(lambda: _answers_on(node_ip, "web.local"), 60)
        table = real("get", "ingress")
        assert table.split("\n")[1].split()[:5] == ["web", "nginx", "web.local", node_ip, "80"]

        def ours(*args: str) -> str:
            out, err = io.StringIO(), io.StringIO()
            inprocess_kubectl(list(args), InProcessClient.for_cluster(c), out, err)
            return out.getvalue() + err.getvalue()

        assert ours("get", "ingress").split() == table.split()
        described = real("describe", "ingress", "web")
        assert "Scheduled for sync" in described and "web:8080 (127." in described
        assert ours("describe", "ingress", "web").split() == described.split()
        prof.set_addon("ingress", False)
    finally:
        profiles.close()
    assert leftovers() == []


def _answers_on(ip: str, host: str) -> bool:
    try:
        return request(ip, host)[0] == 200
    except OSError:
        return False


def test_a_refusing_endpoint_is_skipped_and_none_left_is_502(ingress_cluster: Any) -> None:
    c = ingress_cluster
    node_ip = c.addresses.node_ip(1)
    live = run_pod(c, pod("live", V1))
    dead = live.rsplit(".", 1)[0] + ".250"  # a pod address nothing listens on
    c.store.create(builders.service("manual", selector={}, ports=[{"name": "http", "port": 8080}]))
    c.store.create({"apiVersion": "v1", "kind": "Endpoints",
                    "metadata": {"name": "manual", "namespace": "default"},
                    "subsets": [{"addresses": [{"ip": dead}, {"ip": live}],
                                 "ports": [{"name": "http", "port": 8080}]}]})
    c.store.create(ingress("manual", [{"host": "m.local", "http": {"paths": [path("/", "manual")]}}]))
    c.wait_for(lambda: _answers_on(node_ip, "m.local"), 30)
    # nginx's proxy_next_upstream: every request lands on the live endpoint
    assert {served_by(request(node_ip, "m.local")[2]) for _ in range(4)} == {"live"}
    eps = copy.deepcopy(c.store.get("Endpoints", "default", "manual"))
    eps["subsets"][0]["addresses"] = [{"ip": dead}]
    c.store.update(eps)
    c.wait_for(lambda: _code(node_ip, "m.local") == 502, 30)
    assert request(node_ip, "m.local")[2] == nginx_page(502)


def _code(ip: str, host: str) -> int:
    try:
        return request(ip, host)[0]
    except OSError:
        return 0
