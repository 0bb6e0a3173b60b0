"""Service address allocation: what the API server's Service REST storage does on writes.

`ServiceAllocator` is an admission hook (kubenb.api.store.AdmissionHook). On create it gives
a Service its `spec.clusterIP`/`clusterIPs` from 10.96.0.0/12 (random, from the store's
seeded rng, in the upper part of the range as Kubernetes does) or checks the one asked for,
leaves headless (`None`) and ExternalName Services alone, and gives NodePort and
LoadBalancer Services a `nodePort` per port from 30000-32767. On update it keeps what was
allocated (a port that stays keeps its nodePort; changing type to ClusterIP drops them).

What is allocated is never held on the side: the set of addresses and ports in use is read
from the Services in the store each time (under the store's lock, which the store holds
while it admits and writes). A create that then fails validation, hits AlreadyExists or is
a dry run therefore leaks nothing, and `release` has nothing to undo — it is idempotent
by construction.

`bootstrap()` creates what every cluster has from the start: the `kubernetes` Service and
its Endpoints in `default`, and `kube-dns` in `kube-system` (so `kubectl cluster-info` has
its CoreDNS line). kube-proxy (kubenb.net) reads the results from the store.
"""

from __future__ import annotations

import ipaddress
import logging
import random
from typing import Any

from kubenb.api.errors import FieldError, InternalError, Invalid
from kubenb.api.store import Op, Store
from kubenb.net.ipam import IPRange, PortRange, RangeFull

log = logging.getLogger("kubenb.net")

SERVICE_CIDR = "10.96.0.0/12"
KUBERNETES_SERVICE_IP = "10.96.0.1"
DNS_SERVICE_IP = "10.96.0.10"
_NODE_PORT_TYPES = ("NodePort", "LoadBalancer")


def _go_strings(values: list[str]) -> str:
    """A []string as Go's %#v prints it: []string{"10.96.0.5"}."""
    return "[]string{" + ", ".join(f'"{v}"' for v in values) + "}"


def _invalid(name: str, error: FieldError) -> Invalid:
    return Invalid("Service", "", name, [error])


def _needs_node_ports(spec: dict[str, Any]) -> bool:
    return spec.get("type") in _NODE_PORT_TYPES


def _needs_health_check(spec: dict[str, Any]) -> bool:
    return spec.get("type") == "LoadBalancer" and spec.get("externalTrafficPolicy") == "Local"


def _is_ipv4(value: str) -> bool:
    try:
        ipaddress.IPv4Address(value)
    except ValueError:
        return False
    return True


class ServiceAllocator:
    """Allocates cluster IPs and node ports for Services (an admission hook)."""

    def __init__(
        self,
        store: Store,
        *,
        service_cidr: str = SERVICE_CIDR,
        node_ports: PortRange | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.store = store
        self.ips = IPRange(service_cidr)
        self.kubernetes_ip = str(self.ips.nth(1))  # the apiserver's own Service
        self.dns_ip = str(self.ips.nth(10))  # kube-dns
        self.ports = node_ports or PortRange()
        self.rng = rng or store.rng

    # ---- the hook ----------------------------------------------------------------------

    def admit(self, op: Op, obj: dict[str, Any], old: dict[str, Any] | None) -> None:
        if obj.get("kind") != "Service":
            return
        spec = obj.setdefault("spec", {})
        old_spec = None
        if op == "UPDATE":
            old_spec = (old or {}).get("spec") or {}
        if old_spec is not None:
            _patch_allocated_values(spec, old_spec)
        _normalise_cluster_ips(spec)
        meta = obj.get("metadata") or {}
        name = meta.get("name", "")
        used_ips, used_ports = self._in_use(meta.get("namespace") or "default", name, op)
        self._allocate_cluster_ip(name, spec, old_spec, used_ips)
        self._allocate_node_ports(name, spec, old_spec, used_ports)

    def release(self, obj: dict[str, Any]) -> None:
        """Nothing to undo: allocations are read from the stored Services (see module doc)."""
        return None

    # ---- what is taken -----------------------------------------------------------------

    def _in_use(self, namespace: str, name: str, op: Op) -> tuple[set[str], set[int]]:
        ips: set[str] = set()
        ports: set[int] = set()
        for svc in self.store.list("Service"):
            meta = svc["metadata"]
            if op == "UPDATE" and meta.get("namespace") == namespace and meta["name"] == name:
                continue  # the object being updated: its own values are not a conflict
            spec = svc.get("spec") or {}
            for ip in spec.get("clusterIPs") or [spec.get("clusterIP") or ""]:
                if ip and ip != "None":
                    ips.add(ip)
            for p in spec.get("ports") or []:
                if p.get("nodePort"):
                    ports.add(int(p["nodePort"]))
            if spec.get("healthCheckNodePort"):
                ports.add(int(spec["healthCheckNodePort"]))
        if not (namespace == "default" and name == "kubernetes"):
            ips.add(self.kubernetes_ip)  # reserved for the apiserver's own Service
        return ips, ports

    # ---- cluster IPs -------------------------------------------------------------------

    def _allocate_cluster_ip(
        self,
        name: str,
        spec: dict[str, Any],
        old_spec: dict[str, Any] | None,
        used: set[str],
    ) -> None:
        if spec.get("type") == "ExternalName":
            return
        ips = spec.get("clusterIPs") or []
        if ips and ips[0] == "None":
            return
        requested = ips[0] if ips else ""
        if old_spec is not None and requested and requested == _first_ip(old_spec):
            return  # already ours
        if requested:
            if not _is_ipv4(requested):
                return  # malformed: validation rejects it with its own words
            if not self.ips.contains(requested):
                why = (f"the provided IP ({requested}) is not in the valid range. "
                       f"The range of valid IPs is {self.ips.cidr}")
            elif requested in used:
                why = "provided IP is already allocated"
            else:
                return
            raise _invalid(name, FieldError(
                "Invalid", "spec.clusterIPs",
                detail=f"{_go_strings(ips)}: failed to allocate IP {requested}: {why}"))
        try:
            ip = self.ips.allocate_next(self.rng, used)
        except RangeFull as err:
            raise InternalError(f"failed to allocate a serviceIP: {err}") from None
        spec["clusterIP"] = ip
        spec["clusterIPs"] = [ip]

    # ---- node ports --------------------------------------------------------------------

    def _allocate_node_ports(
        self,
        name: str,
        spec: dict[str, Any],
        old_spec: dict[str, Any] | None,
        used: set[int],
    ) -> None:
        ours: set[int] = set()
        if old_spec is not None and _needs_node_ports(old_spec):
            ours = {int(p["nodePort"]) for p in old_spec.get("ports") or [] if p.get("nodePort")}
        taken = used - ours
        mine: set[int] = set()  # allocated by this request
        if _needs_node_ports(spec):
            auto = spec.get("type") == "NodePort" or spec.get("allocateLoadBalancerNodePorts", True)
            by_port: dict[int, int] = {}
            for i, p in enumerate(spec.get("ports") or []):
                if not isinstance(p, dict):
                    continue
                want = int(p.get("nodePort") or 0)
                port = int(p.get("port") or 0)
                if not want and not auto:
                    continue  # LoadBalancer without node ports: only honour requests
                if not want:
                    # Ports sharing a number (53/UDP and 53/TCP) share one nodePort.
                    want = by_port.get(port) or self._next_port(taken | mine)
                    p["nodePort"] = want
                elif want in mine:
                    if by_port.get(port) != want:
                        self._claim(name, f"spec.ports[{i}].nodePort", want, mine)
                elif want not in ours:
                    self._claim(name, f"spec.ports[{i}].nodePort", want, taken)
                mine.add(want)
                by_port.setdefault(port, want)
        if _needs_health_check(spec):
            want = int(spec.get("healthCheckNodePort") or 0)
            if not want:
                spec["healthCheckNodePort"] = self._next_port(taken | mine)
            elif want not in ours and want != int((old_spec or {}).get("healthCheckNodePort") or 0):
                self._claim(name, "spec.healthCheckNodePort", want, taken | mine)

    def _claim(self, name: str, path: str, port: int, taken: set[int]) -> None:
        if not self.ports.contains(port):
            why = ("provided port is not in the valid range. "
                   f"The range of valid ports is {self.ports}")
        elif port in taken:
            why = "provided port is already allocated"
        else:
            return
        raise _invalid(name, FieldError("Invalid", path, port, why))

    def _next_port(self, taken: set[int]) -> int:
        try:
            return self.ports.allocate_next(self.rng, taken)
        except RangeFull as err:
            raise InternalError(f"failed to allocate a nodePort: {err}") from None

    # ---- what every cluster starts with ------------------------------------------------

    def bootstrap(self, apiserver_ip: str = "192.168.49.2", apiserver_port: int = 8443) -> None:
        """Create the `kubernetes` and `kube-dns` Services (and kubernetes' Endpoints)."""
        for obj in _bootstrap_objects(apiserver_ip, apiserver_port, self.kubernetes_ip,
                                      self.dns_ip):
            meta = obj["metadata"]
            if self.store.try_get(obj["kind"], meta["namespace"], meta["name"]) is None:
                self.store.create(obj)


def _first_ip(spec: dict[str, Any]) -> str:
    ips = spec.get("clusterIPs") or []
    return ips[0] if ips else spec.get("clusterIP") or ""


def _normalise_cluster_ips(spec: dict[str, Any]) -> None:
    """Keep clusterIP and clusterIPs[0] in step, as the v1 conversion does."""
    if spec.get("type") == "ExternalName":
        return
    ip = spec.get("clusterIP") or ""
    ips = list(spec.get("clusterIPs") or [])
    if ip and not ips:
        spec["clusterIPs"] = [ip]
    elif ips and not ip:
        spec["clusterIP"] = ips[0]


def _patch_allocated_values(spec: dict[str, Any], old: dict[str, Any]) -> None:
    """An update that leaves allocated values out keeps them (and drops unneeded ones)."""
    new_type, old_type = spec.get("type"), old.get("type")
    if new_type != "ExternalName" and old_type != "ExternalName":
        if not spec.get("clusterIP") and not spec.get("clusterIPs") and old.get("clusterIP"):
            spec["clusterIP"] = old["clusterIP"]
            if old.get("clusterIPs"):
                spec["clusterIPs"] = list(old["clusterIPs"])
    elif old_type != "ExternalName" and _first_ip(spec) == _first_ip(old):
        # Changed to ExternalName with the old address left in: it is dropped.
        for k in ("clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"):
            spec.pop(k, None)
    old_ports = [p for p in old.get("ports") or [] if isinstance(p, dict)]
    new_ports = [p for p in spec.get("ports") or [] if isinstance(p, dict)]
    if _needs_node_ports(old) and _needs_node_ports(spec):
        by_name = {p.get("name", ""): int(p.get("nodePort") or 0) for p in old_ports}
        in_new = {int(p["nodePort"]) for p in new_ports if p.get("nodePort")}
        for p in new_ports:
            keep = by_name.get(p.get("name", ""), 0)
            if not p.get("nodePort") and keep and keep not in in_new:
                p["nodePort"] = keep
                in_new.add(keep)
    elif _needs_node_ports(old):
        # Type changed away from NodePort/LoadBalancer: unchanged nodePorts are dropped.
        old_np = {int(p["nodePort"]) for p in old_ports if p.get("nodePort")}
        for p in new_ports:
            if p.get("nodePort") and int(p["nodePort"]) in old_np:
                p.pop("nodePort")
    if _needs_health_check(old) and _needs_health_check(spec):
        if not spec.get("healthCheckNodePort") and old.get("healthCheckNodePort"):
            spec["healthCheckNodePort"] = old["healthCheckNodePort"]
    elif _needs_health_check(old) and spec.get("healthCheckNodePort") == old.get(
            "healthCheckNodePort"):
        spec.pop("healthCheckNodePort", None)


def _bootstrap_objects(apiserver_ip: str, apiserver_port: int, kubernetes_ip: str,
                       dns_ip: str) -> list[dict[str, Any]]:
    kubernetes = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "kubernetes", "namespace": "default",
                     "labels": {"component": "apiserver", "provider": "kubernetes"}},
        "spec": {"type": "ClusterIP", "clusterIP": kubernetes_ip,
                 "clusterIPs": [kubernetes_ip],
                 "ports": [{"name": "https", "port": 443, "protocol": "TCP",
                            "targetPort": apiserver_port}]},
    }
    endpoints = {
        "apiVersion": "v1",
        "kind": "Endpoints",
        "metadata": {"name": "kubernetes", "namespace": "default",
                     "labels": {"endpointslice.kubernetes.io/skip-mirror": "true"}},
        "subsets": [{"addresses": [{"ip": apiserver_ip}],
                     "ports": [{"name": "https", "port": apiserver_port, "protocol": "TCP"}]}],
    }
    kube_dns = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {
            "name": "kube-dns",
            "namespace": "kube-system",
            "labels": {"k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true",
                       "kubernetes.io/name": "CoreDNS"},
            "annotations": {"prometheus.io/port": "9153", "prometheus.io/scrape": "true"},
        },
        "spec": {
            "type": "ClusterIP",
            "clusterIP": dns_ip,
            "clusterIPs": [dns_ip],
            "selector": {"k8s-app": "kube-dns"},
            "ports": [
                {"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53},
                {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 53},
                {"name": "metrics", "port": 9153, "protocol": "TCP", "targetPort": 9153},
            ],
        },
    }
    return [kubernetes, endpoints, kube_dns]
