"""Expectations about Services and Ingresses: a Service's type and ready endpoints, an
Ingress rule sending a host and path to a Service port.

Used by the Services chapter's check cells (`kubenb.expect.service(...)`,
`kubenb.expect.ingress_route(...)`). Reads Services, Endpoints and Ingresses; writes nothing.
"""

from __future__ import annotations

from typing import Any

from kubenb.api.errors import NotFound
from kubenb.cli.findings import Expectation, Finding, find, missing, plural, t


def service(name: str, *, namespace: str = "default", type: str | None = None,
            endpoints: int | None = None) -> Expectation:
    """The Service exists, of `type` (ClusterIP, NodePort, LoadBalancer …), with `endpoints`
    ready addresses in its Endpoints."""

    def evaluate(client: Any) -> list[Finding]:
        obj = find(client, "Service", namespace, name)
        if obj is None:
            return [missing("Service", name, namespace)]
        out: list[Finding] = []
        if type is not None:
            have = str((obj.get("spec") or {}).get("type") or "ClusterIP")
            ok = have == type
            out.append((ok, t(f"service/{name} is of type {have}" + ("" if ok else f", not {type}"),
                              f"Service {name} 的类型是 {have}" + ("" if ok else f"，而不是 {type}"))))
        if endpoints is not None:
            try:
                eps = client.get("Endpoints", namespace, name)
            except NotFound:
                eps = {}
            have = sum(len(s.get("addresses") or []) for s in eps.get("subsets") or [])
            ok = have == endpoints
            out.append((ok, t(
                f"service/{name} has {have} ready endpoint{plural(have)}" + (
                    "" if ok else f", {endpoints} wanted"),
                f"Service {name} 有 {have} 个就绪的端点" + ("" if ok else f"，需要 {endpoints} 个"))))
        return out

    return evaluate


def ingress_route(host: str | None, path: str, service: str, port: int | str, *,
                  namespace: str = "default") -> Expectation:
    """Some Ingress in `namespace` has a rule for `host` (None: any host) with exactly `path`
    whose backend is `service`:`port` (a number or a port name)."""
    where = f"{host or '*'}{path}"

    def evaluate(client: Any) -> list[Finding]:
        items, _ = client.list("Ingress", namespace)
        found: list[str] = []
        for ing in items:
            for rule in (ing.get("spec") or {}).get("rules") or []:
                if (rule.get("host") or None) != host:
                    continue
                for p in (rule.get("http") or {}).get("paths") or []:
                    if (p.get("path") or "/") != path:
                        continue
                    svc = (p.get("backend") or {}).get("service") or {}
                    want = svc.get("port") or {}
                    found.append(f"{svc.get('name')}:{want.get('number') or want.get('name')}")
        target = f"{service}:{port}"
        if not found:
            return [(False, t(f"no ingress in namespace {namespace} routes {where}, {target} wanted",
                               f"命名空间 {namespace} 中没有 Ingress 路由 {where}，需要路由到 {target}"))]
        ok = target in found
        return [(ok, t(f"ingress routes {where} to {', '.join(found)}" + ("" if ok else f", not {target}"),
                       f"Ingress 把 {where} 路由到 {'、'.join(found)}" + ("" if ok else f"，而不是 {target}")))]

    return evaluate
