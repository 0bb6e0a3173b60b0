"""Where ingress-nginx sends a request, computed from API objects (pure functions).

`RouteTable.build(ingresses, services, endpoints)` turns the Ingresses the controller serves
into nginx's servers: one per host (the rules of every Ingress naming it merged), a
catch-all server `_` for rules without a host, and the TLS hosts with their Secrets.
`table.route(host, path)` answers as nginx would:

  server     the exact host, else a `*.` wildcard host matching one label, else `_`;
  location   Exact (`location = /p`) beats any prefix of the same path; Prefix matches
             element-wise (`/foo` matches `/foo` and `/foo/bar`, not `/foobar`);
             ImplementationSpecific is nginx's plain string prefix; the longest path wins;
  default    no location matching: the server's Ingress `defaultBackend`, else an Ingress
             `defaultBackend` of the catch-all server, else none (nginx's 404).

A matched backend resolves to its Service's ready endpoints for the named or numbered
Service port (`addresses` of the Endpoints port with the Service port's name, as kube-proxy's
service table reads them); `Route.backends` is empty — a 503 — when the Service or its
endpoints are missing. `ssl_redirect(host)`: hosts with a TLS section are redirected from
http to https (ingress-nginx's `ssl-redirect: true`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Obj = dict[str, Any]


@dataclass(frozen=True)
class Location:
    path: str
    path_type: str  # Exact, Prefix, ImplementationSpecific
    namespace: str
    backend: Obj

    def matches(self, path: str) -> bool:
        if self.path_type == "Exact":
            return path == self.path
        if self.path_type == "Prefix":
            base = self.path.rstrip("/")
            return base == "" or path == base or path.startswith(base + "/")
        return path.startswith(self.path or "/")

    def rank(self) -> tuple[int, int]:
        return (len(self.path.rstrip("/") if self.path_type == "Prefix" else self.path),
                1 if self.path_type == "Exact" else 0)


@dataclass
class Server:
    host: str
    locations: list[Location] = field(default_factory=list)
    default: tuple[str, Obj] | None = None  # (namespace, backend)


@dataclass(frozen=True)
class Route:
    """The outcome for one request: the Service backend and its endpoints, or no match."""

    matched: bool
    service: str = ""  # namespace/name
    backends: tuple[tuple[str, int], ...] = ()
    key: str = ""  # for round-robin: namespace/name:port


def _service_backends(ns: str, backend: Obj, services: dict[str, Obj],
                      endpoints: dict[str, Obj]) -> Route:
    ref = backend.get("service")
    if not isinstance(ref, dict):
        return Route(True)  # a resource backend: nothing ingress-nginx can send traffic to
    key = f"{ns}/{ref.get('name', '')}"
    svc = services.get(key)
    port = ref.get("port") or {}
    if svc is None:
        return Route(True, key)
    port_name: str | None = None
    for sp in (svc.get("spec") or {}).get("ports") or []:
        if (port.get("number") and sp.get("port") == port["number"]) or \
                (port.get("name") and sp.get("name") == port["name"]):
            port_name = sp.get("name") or ""
    if port_name is None:
        return Route(True, key)
    found: list[tuple[str, int]] = []
    for subset in (endpoints.get(key) or {}).get("subsets") or []:
        ports = [p for p in subset.get("ports") or [] if (p.get("name") or "") == port_name]
        for p in ports:
            found += [(a["ip"], int(p["port"])) for a in subset.get("addresses") or [] if a.get("ip")]
    return Route(True, key, tuple(found), f"{key}:{port_name}")


@dataclass
class RouteTable:
    servers: dict[str, Server] = field(default_factory=dict)
    tls: dict[str, tuple[str, str]] = field(default_factory=dict)  # host -> (namespace, secret)
    services: dict[str, Obj] = field(default_factory=dict)
    endpoints: dict[str, Obj] = field(default_factory=dict)
    _routes: dict[tuple[str, str], Route] = field(default_factory=dict)
    _redirects: dict[str, bool] = field(default_factory=dict)

    @classmethod
    def build(cls, ingresses: list[Obj], services: dict[str, Obj],
              endpoints: dict[str, Obj]) -> RouteTable:
        table = cls(services=services, endpoints=endpoints)
        catch_all = table.servers.setdefault("_", Server("_"))
        ordered = sorted(ingresses, key=lambda i: (i["metadata"].get("creationTimestamp") or "",
                                                   i["metadata"].get("namespace", ""),
                                                   i["metadata"]["name"]))
        for ing in ordered:
            ns, spec = ing["metadata"].get("namespace", ""), ing.get("spec") or {}
            default = spec.get("defaultBackend")
            if isinstance(default, dict) and catch_all.default is None:
                catch_all.default = (ns, default)
            for tls in spec.get("tls") or []:
                for host in tls.get("hosts") or []:
                    table.tls.setdefault(host, (ns, tls.get("secretName") or ""))
            for rule in spec.get("rules") or []:
                host = rule.get("host") or "_"
                server = table.servers.setdefault(host, Server(host))
                if isinstance(default, dict) and server.default is None and host != "_":
                    server.default = (ns, default)
                for p in ((rule.get("http") or {}).get("paths") or []):
                    loc = Location(p.get("path") or "/", p.get("pathType") or "Prefix", ns,
                                   p.get("backend") or {})
                    if all((x.path, x.path_type) != (loc.path, loc.path_type) for x in server.locations):
                        server.locations.append(loc)  # the first Ingress to claim a path keeps it
        for server in table.servers.values():
            server.locations.sort(key=Location.rank, reverse=True)
        return table

    def server(self, host: str) -> Server:
        host = host.lower()
        if host in self.servers:
            return self.servers[host]
        _, dot, rest = host.partition(".")
        wildcard = self.servers.get(f"*.{rest}") if dot else None
        return wildcard or self.servers["_"]

    def route(self, host: str, path: str) -> Route:
        """Memoised per (host, path): the table is rebuilt whenever an object changes."""
        found = self._routes.get((host, path))
        if found is None:
            if len(self._routes) > 4096:
                self._routes.clear()
            found = self._routes[(host, path)] = self._route(host, path)
        return found

    def _route(self, host: str, path: str) -> Route:
        server = self.server(host)
        for loc in server.locations:
            if loc.matches(path):
                return _service_backends(loc.namespace, loc.backend, self.services, self.endpoints)
        default = server.default or self.servers["_"].default
        if default is not None:
            return _service_backends(default[0], default[1], self.services, self.endpoints)
        return Route(False)

    def ssl_redirect(self, host: str) -> bool:
        found = self._redirects.get(host)
        if found is None:
            if len(self._redirects) > 4096:
                self._redirects.clear()
            found = self._redirects[host] = self._ssl_redirect(host)
        return found

    def _ssl_redirect(self, host: str) -> bool:
        host = host.lower()
        _, dot, rest = host.partition(".")
        return host in self.tls or (bool(dot) and f"*.{rest}" in self.tls)

    def certificate_for(self, host: str) -> tuple[str, str] | None:
        """(namespace, secret name) of the TLS section covering `host`, if any has a secret."""
        host = host.lower()
        _, dot, rest = host.partition(".")
        found = self.tls.get(host) or (self.tls.get(f"*.{rest}") if dot else None)
        return found if found and found[1] else None
