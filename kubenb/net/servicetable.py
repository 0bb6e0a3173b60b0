"""What kube-proxy serves, computed from API objects: one rule per Service port, and hosts.

`service_rules(service, endpoints, terminating)` is a pure function from a Service, its
Endpoints (as the API serves them) and its terminating pods to `PortRule`s: the ClusterIP and
port to listen on, the nodePort (for NodePort and LoadBalancer Services), the ready backends
`(ip, port, node)` of that port — the Endpoints port whose name matches the Service port's
name, from `addresses` only (`notReadyAddresses` never get traffic; with
`publishNotReadyAddresses` the endpoints controller lists every pod there) — and the
serving terminating backends: pods with a deletionTimestamp whose Ready condition is still
True, which an EndpointSlice lists as `serving: true, terminating: true` (the Endpoints API
leaves them out, so kube-proxy is handed the pods). ExternalName Services, headless Services
(`clusterIP: None`) and non-TCP ports get no rule.

`PortRule.endpoints(node, local)` is upstream's `CategorizeEndpoints`: the ready backends
(those of `node` when the traffic policy in play is Local), or — only when there is none —
the serving terminating ones (ProxyTerminatingEndpoints). `hosts_text(services)` renders the
hosts file the exec/container shims read to resolve Service names
(`IP NAME NAME.NS NAME.NS.svc NAME.NS.svc.cluster.local`). proxy.py applies both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kubenb.api.pods import is_pod_ready, is_pod_terminal
from kubenb.api.selectors import from_map
from kubenb.controllers.endpoints import find_port

CLUSTER_DOMAIN = "cluster.local"
DEFAULT_AFFINITY_TIMEOUT = 10800  # sessionAffinityConfig.clientIP.timeoutSeconds default


@dataclass(frozen=True)
class Backend:
    ip: str
    port: int
    node: str = ""


@dataclass
class PortRule:
    """One Service port as kube-proxy programs it."""

    key: str  # namespace/name:port-name
    cluster_ip: str | None
    port: int
    node_port: int | None
    backends: list[Backend] = field(default_factory=list)  # ready
    affinity_timeout: float | None = None  # seconds, when sessionAffinity is ClientIP
    local_only: bool = False  # externalTrafficPolicy: Local (node ports reach local pods only)
    internal_local: bool = False  # internalTrafficPolicy: Local (the ClusterIP likewise)
    terminating: list[Backend] = field(default_factory=list)  # serving and terminating

    @property
    def has_endpoints(self) -> bool:
        """Any usable endpoint anywhere: without one, kube-proxy REJECTs (refused)."""
        return bool(self.backends or self.terminating)

    def endpoints(self, node: str | None = None, local: bool = False) -> list[Backend]:
        """The backends a connection may go to (see the module docstring)."""
        if local:
            ready = [b for b in self.backends if b.node == node]
            return ready or [b for b in self.terminating if b.node == node]
        return self.backends or self.terminating


def _cluster_ip(spec: dict[str, Any]) -> str | None:
    ip = spec.get("clusterIP")
    if not ip or ip == "None":
        return None
    return str(ip)


def _backends(endpoints: dict[str, Any] | None, port_name: str) -> list[Backend]:
    out: list[Backend] = []
    for subset in (endpoints or {}).get("subsets") or []:
        ports = [p for p in subset.get("ports") or []
                 if (p.get("name") or "") == port_name and (p.get("protocol") or "TCP") == "TCP"]
        if not ports:
            continue
        target = int(ports[0]["port"])
        for addr in subset.get("addresses") or []:
            if addr.get("ip"):
                out.append(Backend(addr["ip"], target, addr.get("nodeName") or ""))
    return out


def selects_terminating(service: dict[str, Any], pod: dict[str, Any]) -> bool:
    """A terminating, serving pod of this Service (what its EndpointSlice would list so)."""
    meta, status = pod["metadata"], pod.get("status") or {}
    return (bool(meta.get("deletionTimestamp")) and bool(status.get("podIP"))
            and not is_pod_terminal(pod) and is_pod_ready(pod)
            and meta.get("namespace") == service["metadata"].get("namespace")
            and from_map((service.get("spec") or {}).get("selector")).matches(meta.get("labels")))


def _terminating(service: dict[str, Any], pods: list[dict[str, Any]], port: dict[str, Any],
                 taken: list[Backend]) -> list[Backend]:
    seen = {b.ip for b in taken}
    out = []
    for pod in pods:
        if not selects_terminating(service, pod):  # also: no podIP yet (deleted while Pending)
            continue
        ip = pod["status"]["podIP"]
        number = find_port(pod, port)
        if number is None or ip in seen:
            continue
        out.append(Backend(ip, number, pod["spec"].get("nodeName") or ""))
    return sorted(out, key=lambda b: b.ip)


def service_rules(service: dict[str, Any], endpoints: dict[str, Any] | None,
                  terminating: list[dict[str, Any]] | None = None) -> list[PortRule]:
    """The rules of one Service (see the module docstring)."""
    spec = service.get("spec") or {}
    if spec.get("type") == "ExternalName":
        return []
    meta = service["metadata"]
    cluster_ip = _cluster_ip(spec)
    node_ports = spec.get("type") in ("NodePort", "LoadBalancer")
    affinity: float | None = None
    if spec.get("sessionAffinity") == "ClientIP":
        cfg = ((spec.get("sessionAffinityConfig") or {}).get("clientIP") or {})
        affinity = float(cfg.get("timeoutSeconds") or DEFAULT_AFFINITY_TIMEOUT)
    rules = []
    for p in spec.get("ports") or []:
        if (p.get("protocol") or "TCP") != "TCP":
            continue
        node_port = int(p["nodePort"]) if node_ports and p.get("nodePort") else None
        if cluster_ip is None and node_port is None:
            continue
        name = p.get("name") or ""
        ready = _backends(endpoints, name)
        rules.append(PortRule(
            key=f"{meta.get('namespace', '')}/{meta['name']}:{name}",
            cluster_ip=cluster_ip, port=int(p["port"]), node_port=node_port,
            backends=ready, affinity_timeout=affinity,
            local_only=node_port is not None and spec.get("externalTrafficPolicy") == "Local",
            internal_local=spec.get("internalTrafficPolicy") == "Local",
            terminating=_terminating(service, terminating or [], p, ready)))
    return rules


def hosts_text(services: list[dict[str, Any]]) -> str:
    """The hosts file of every Service with a ClusterIP, sorted by namespace and name."""
    lines = []
    for svc in sorted(services, key=lambda s: (s["metadata"].get("namespace", ""),
                                               s["metadata"]["name"])):
        spec = svc.get("spec") or {}
        ip = _cluster_ip(spec)
        if ip is None or spec.get("type") == "ExternalName":
            continue
        name, ns = svc["metadata"]["name"], svc["metadata"].get("namespace", "default")
        lines.append(f"{ip} {name} {name}.{ns} {name}.{ns}.svc {name}.{ns}.svc.{CLUSTER_DOMAIN}")
    return "".join(line + "\n" for line in lines)
