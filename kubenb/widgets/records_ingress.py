"""An Ingress as a route of the picture: its rules (host, path → Service:port) and the pods
they reach, i.e. the ready endpoints of every backend Service. It travels on the `services`
wire (PROTOCOL.md §4) under the key `ingress/NS/NAME` with `type: "Ingress"`, so hovering it
lights up the pods a request to it can land on, as a Service's entry does."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .records import Record, endpoint_uids

PREFIX = "ingress/"


def _backend(backend: Mapping[str, Any] | None) -> tuple[str, str] | None:
    """(service name, port as kubectl prints it) of a Service backend; None otherwise."""
    svc = (backend or {}).get("service")
    if not svc:
        return None
    port = svc.get("port") or {}
    return str(svc.get("name", "")), str(port.get("number") or port.get("name") or "")


def ingress_routes(ing: Mapping[str, Any]) -> list[dict[str, str]]:
    """One route per rule path (and the default backend, host `*`, path `/`)."""
    spec = ing.get("spec") or {}
    routes: list[dict[str, str]] = []
    default = _backend(spec.get("defaultBackend"))
    if default:
        routes.append({"host": "*", "path": "/", "service": default[0], "port": default[1]})
    for rule in spec.get("rules") or []:
        for p in (rule.get("http") or {}).get("paths") or []:
            target = _backend(p.get("backend"))
            if target:
                routes.append({"host": rule.get("host") or "*", "path": p.get("path") or "/",
                               "service": target[0], "port": target[1]})
    return routes


def ingress_record(ing: Mapping[str, Any],
                   endpoints_of: Callable[[str], Mapping[str, Any] | None]) -> Record:
    """`endpoints_of(name)`: the Endpoints of Service `name` in the Ingress's namespace."""
    meta = ing.get("metadata") or {}
    ns = meta.get("namespace", "")
    routes = ingress_routes(ing)
    uids: dict[str, None] = {}
    for service in dict.fromkeys(r["service"] for r in routes):
        for uid in endpoint_uids(endpoints_of(service)):
            uids.setdefault(uid, None)
    lb = ((ing.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
    address = ",".join(a.get("ip") or a.get("hostname") or "" for a in lb) or None
    return {"key": f"{PREFIX}{ns}/{meta.get('name', '')}", "name": meta.get("name", ""),
            "namespace": ns, "type": "Ingress", "clusterIP": address, "ports": [],
            "routes": routes, "endpoints": list(uids)}


def routes_text(routes: list[dict[str, str]]) -> str:
    """`hello.example/ → web:80, */v2 → web-v2:8080`, as the picture's entry says it."""
    return ", ".join(f"{r['host']}{r['path']} → {r['service']}:{r['port']}" for r in routes)
