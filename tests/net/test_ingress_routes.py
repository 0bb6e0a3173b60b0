"""ingress-nginx's routing decisions, from API objects (kubenb/net/ingress_routes.py)."""

from __future__ import annotations

from typing import Any

from kubenb.net.ingress_routes import RouteTable


def ing(name: str, rules: list[dict[str, Any]] | None = None, ns: str = "default",
        created: str = "2026-01-01T00:00:00Z", **spec: Any) -> dict[str, Any]:
    return {"kind": "Ingress", "metadata": {"name": name, "namespace": ns, "creationTimestamp": created},
            "spec": {**({"rules": rules} if rules is not None else {}), **spec}}


def backend(svc: str, port: int | str = 80) -> dict[str, Any]:
    ref = {"number": port} if isinstance(port, int) else {"name": port}
    return {"service": {"name": svc, "port": ref}}


def rule(host: str | None, *paths: tuple[str, str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {"http": {"paths": [{"path": p, "pathType": t, "backend": backend(s)}
                                              for p, t, s in paths]}}
    if host:
        out["host"] = host
    return out


def services(*names: str) -> tuple[dict[str, Any], dict[str, Any]]:
    svcs = {f"default/{n}": {"spec": {"ports": [{"name": "http", "port": 80, "targetPort": 8080}]}}
            for n in names}
    eps = {f"default/{n}": {"subsets": [{"addresses": [{"ip": f"10.0.0.{i + 1}"}],
                                         "notReadyAddresses": [{"ip": "10.9.9.9"}],
                                         "ports": [{"name": "http", "port": 8080}]}]}
           for i, n in enumerate(names)}
    return svcs, eps


def test_paths_hosts_and_precedence() -> None:
    svcs, eps = services("a", "b", "c", "d")
    table = RouteTable.build([
        ing("one", [rule("x.com", ("/", "Prefix", "a"), ("/api", "Prefix", "b"),
                         ("/api", "Exact", "c"), ("/img", "ImplementationSpecific", "d"))]),
        ing("two", [rule("x.com", ("/api/v2", "Prefix", "d")), rule("*.w.com", ("/", "Prefix", "b")),
                    rule(None, ("/only", "Exact", "c"))], created="2026-01-02T00:00:00Z"),
    ], svcs, eps)

    def svc(host: str, path: str) -> str:
        r = table.route(host, path)
        return r.service.split("/")[1] if r.matched else "404"

    assert svc("x.com", "/api") == "c"            # Exact beats the Prefix of the same path
    assert svc("x.com", "/api/") == "b"
    assert svc("x.com", "/api/v2/z") == "d"       # rules of two Ingresses merged; longest wins
    assert svc("x.com", "/apix") == "a"           # element-wise: falls back to /
    assert svc("x.com", "/imgs") == "d"           # ImplementationSpecific: nginx's string prefix
    assert svc("a.w.com", "/") == "b" and svc("a.b.w.com", "/") == "404" and svc("w.com", "/") == "404"
    assert svc("X.COM", "/api") == "c"
    assert svc("other", "/only") == "c" and svc("other", "/only/") == "404"
    assert table.route("x.com", "/api").backends == (("10.0.0.3", 8080),)  # ready addresses only


def test_default_backends_missing_services_and_ports() -> None:
    svcs, eps = services("web", "fallback")
    table = RouteTable.build([
        ing("d", defaultBackend=backend("fallback")),
        ing("h", [rule("h.com", ("/x", "Prefix", "web"))], defaultBackend=backend("web", "http")),
        ing("m", [rule("m.com", ("/", "Prefix", "missing"))]),
        ing("p", [{"host": "p.com", "http": {"paths": [
            {"path": "/", "pathType": "Prefix", "backend": backend("web", 9999)}]}}]),
        ing("other-class-ns", [rule("n.com", ("/", "Prefix", "web"))], ns="elsewhere"),
    ], svcs, eps)
    assert table.route("nowhere", "/").service == "default/fallback"
    assert table.route("h.com", "/y").service == "default/web"   # the host's Ingress default
    missing = table.route("m.com", "/")
    assert (missing.matched, missing.backends) == (True, ())     # 503
    assert table.route("p.com", "/").backends == ()              # no such Service port: 503
    assert table.route("n.com", "/").backends == ()              # Services are namespaced
    assert RouteTable.build([], {}, {}).route("any", "/").matched is False  # nginx's 404


def test_tls_hosts() -> None:
    table = RouteTable.build([ing("t", [rule("s.com", ("/", "Prefix", "a"))],
                                  tls=[{"hosts": ["s.com", "*.w.com"], "secretName": "cert"},
                                       {"hosts": ["n.com"]}])], {}, {})
    assert table.certificate_for("s.com") == ("default", "cert")
    assert table.certificate_for("a.w.com") == ("default", "cert")
    assert table.certificate_for("n.com") is None and table.certificate_for("z.com") is None
    assert table.ssl_redirect("s.com") and table.ssl_redirect("n.com") and not table.ssl_redirect("z.com")
