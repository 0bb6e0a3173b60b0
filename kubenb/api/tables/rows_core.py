"""Row functions for core/v1 kinds other than Pod, as the apiserver's printers.go computes them.

Each function takes one object and `now` and returns every cell, wide ones included (the
server always prints wide; kubectl hides priority-1 columns). Feeds `columns.table()`.
"""

from __future__ import annotations

import ipaddress
from datetime import datetime
from typing import Any

from .duration import age
from .model import format_labels

_LOAD_BALANCER_WIDTH = 16
_NODE_ROLE_PREFIX = "node-role.kubernetes.io/"
_NODE_ROLE_LABEL = "kubernetes.io/role"


def _meta(obj: dict[str, Any]) -> dict[str, Any]:
    return obj.get("metadata") or {}


def _age(obj: dict[str, Any], now: datetime) -> str:
    return age(_meta(obj).get("creationTimestamp"), now)


def default_row(obj: dict[str, Any], now: datetime) -> list[str]:
    """NAME AGE, for kinds without a printer."""
    return [_meta(obj).get("name", ""), _age(obj, now)]


def lease_row(obj: dict[str, Any], now: datetime) -> list[str]:
    """printLease: NAME HOLDER AGE (an unset holder is an empty cell)."""
    holder = (obj.get("spec") or {}).get("holderIdentity")
    return [_meta(obj).get("name", ""), holder if holder is not None else "", _age(obj, now)]


# -- Service ------------------------------------------------------------------------------
def _load_balancer(status: dict[str, Any], wide: bool) -> str:
    found = set()
    for ing in (status.get("loadBalancer") or {}).get("ingress") or []:
        if ing.get("ip"):
            found.add(ing["ip"])
        elif ing.get("hostname"):
            found.add(ing["hostname"])
    text = ",".join(sorted(found))
    if not wide and len(text.encode()) > _LOAD_BALANCER_WIDTH:
        text = text.encode()[: _LOAD_BALANCER_WIDTH - 3].decode(errors="ignore") + "..."
    return text


def service_external_ip(svc: dict[str, Any], wide: bool) -> str:
    """`getServiceExternalIP`."""
    spec = svc.get("spec") or {}
    external = spec.get("externalIPs") or []
    stype = spec.get("type", "")
    if stype in ("ClusterIP", "NodePort"):
        return ",".join(external) if external else "<none>"
    if stype == "LoadBalancer":
        lb = _load_balancer(svc.get("status") or {}, wide)
        if external:
            return ",".join((lb.split(",") if lb else []) + external)
        return lb or "<pending>"
    if stype == "ExternalName":
        return spec.get("externalName", "")
    return "<unknown>"


def service_ports(ports: list[dict[str, Any]] | None) -> str:
    """`makePortString`: `443/TCP`, `8080:31728/TCP`, joined with `,`."""
    pieces = []
    for p in ports or []:
        proto = p.get("protocol", "")
        if p.get("nodePort", 0) > 0:
            pieces.append(f"{p.get('port', 0)}:{p['nodePort']}/{proto}")
        else:
            pieces.append(f"{p.get('port', 0)}/{proto}")
    return ",".join(pieces)


def service_row(svc: dict[str, Any], now: datetime) -> list[str]:
    """NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE SELECTOR.

    The apiserver always generates tables with Wide set, so a long LoadBalancer address
    is never cut to 16 characters in `kubectl get` output.
    """
    spec = svc.get("spec") or {}
    cluster_ips = spec.get("clusterIPs") or ([spec["clusterIP"]] if spec.get("clusterIP") else [])
    return [
        _meta(svc).get("name", ""), spec.get("type", ""),
        cluster_ips[0] if cluster_ips else "<none>",
        service_external_ip(svc, wide=True),
        service_ports(spec.get("ports")) or "<none>",
        _age(svc, now), format_labels(spec.get("selector")),
    ]


# -- Node ---------------------------------------------------------------------------------
def node_roles(node: dict[str, Any]) -> list[str]:
    roles = set()
    for k, v in (_meta(node).get("labels") or {}).items():
        if k.startswith(_NODE_ROLE_PREFIX):
            role = k[len(_NODE_ROLE_PREFIX):]
            if role:
                roles.add(role)
        elif k == _NODE_ROLE_LABEL and v:
            roles.add(v)
    return sorted(roles)


def _node_address(node: dict[str, Any], kind: str) -> str:
    for a in (node.get("status") or {}).get("addresses") or []:
        if a.get("type") == kind:
            return a.get("address", "")
    return "<none>"


def node_row(node: dict[str, Any], now: datetime) -> list[str]:
    """NAME STATUS ROLES AGE VERSION INTERNAL-IP EXTERNAL-IP OS-IMAGE KERNEL-VERSION CONTAINER-RUNTIME."""
    status = node.get("status") or {}
    states = []
    for c in status.get("conditions") or []:
        if c.get("type") == "Ready":
            states = ["Ready" if c.get("status") == "True" else "NotReady"]
    if not states:
        states = ["Unknown"]
    if (node.get("spec") or {}).get("unschedulable"):
        states.append("SchedulingDisabled")
    info = status.get("nodeInfo") or {}
    return [
        _meta(node).get("name", ""), ",".join(states), ",".join(node_roles(node)) or "<none>",
        _age(node, now), info.get("kubeletVersion", ""),
        _node_address(node, "InternalIP"), _node_address(node, "ExternalIP"),
        info.get("osImage") or "<unknown>", info.get("kernelVersion") or "<unknown>",
        info.get("containerRuntimeVersion") or "<unknown>",
    ]


# -- Endpoints ----------------------------------------------------------------------------
def _join_host_port(host: str, port: int) -> str:
    try:
        is_v6 = isinstance(ipaddress.ip_address(host), ipaddress.IPv6Address)
    except ValueError:
        is_v6 = ":" in host
    return f"[{host}]:{port}" if is_v6 else f"{host}:{port}"


def format_endpoints(ep: dict[str, Any], port_names: set[str] | None = None) -> str:
    """`formatEndpoints`: ready `ip:port` entries, at most 3, then ` + N more...`."""
    subsets = ep.get("subsets") or []
    if not subsets:
        return "<none>"
    shown: list[str] = []
    limit, more, count = 3, False, 0
    for ss in subsets:
        addresses = ss.get("addresses") or []
        ports = ss.get("ports") or []
        if not ports:
            count += len(addresses)
            for a in addresses:
                if len(shown) == limit:
                    more = True
                    break
                shown.append(a.get("ip", ""))
            continue
        for p in ports:
            if port_names is None or p.get("name", "") in port_names:
                count += len(addresses)
                for a in addresses:
                    if len(shown) == limit:
                        more = True
                        break
                    shown.append(_join_host_port(a.get("ip", ""), p.get("port", 0)))
    text = ",".join(shown)
    return f"{text} + {count - limit} more..." if more else text


def endpoints_row(ep: dict[str, Any], now: datetime) -> list[str]:
    return [_meta(ep).get("name", ""), format_endpoints(ep), _age(ep, now)]


# -- Events -------------------------------------------------------------------------------
def event_row(ev: dict[str, Any], now: datetime) -> list[str]:
    """LAST SEEN TYPE REASON OBJECT SUBOBJECT SOURCE MESSAGE FIRST SEEN COUNT NAME."""
    first = age(ev.get("firstTimestamp"), now)
    if not ev.get("firstTimestamp"):
        first = age(ev.get("eventTime"), now)
    last = age(ev.get("lastTimestamp"), now) if ev.get("lastTimestamp") else first
    count = ev.get("count") or 0
    series = ev.get("series")
    if series is not None:
        last = age(series.get("lastObservedTime"), now)
        count = series.get("count") or 0
    elif count == 0:
        count = 1
    inv = ev.get("involvedObject") or {}
    target = inv.get("kind", "").lower()
    if inv.get("name"):
        target = f"{target}/{inv['name']}"
    src = ev.get("source") or {}
    component = src.get("component") or ev.get("reportingComponent") or ""
    host = src.get("host") or ev.get("reportingInstance") or ""
    source = f"{component}, {host}" if host else component
    return [
        last, ev.get("type", ""), ev.get("reason", ""), target, inv.get("fieldPath", ""), source,
        (ev.get("message") or "").strip(), first, str(count), _meta(ev).get("name", ""),
    ]


# -- Small kinds --------------------------------------------------------------------------
def namespace_row(ns: dict[str, Any], now: datetime) -> list[str]:
    return [_meta(ns).get("name", ""), (ns.get("status") or {}).get("phase", ""), _age(ns, now)]


def configmap_row(cm: dict[str, Any], now: datetime) -> list[str]:
    n = len(cm.get("data") or {}) + len(cm.get("binaryData") or {})
    return [_meta(cm).get("name", ""), str(n), _age(cm, now)]


def secret_row(secret: dict[str, Any], now: datetime) -> list[str]:
    return [_meta(secret).get("name", ""), secret.get("type", ""),
            str(len(secret.get("data") or {})), _age(secret, now)]


def serviceaccount_row(sa: dict[str, Any], now: datetime) -> list[str]:
    return [_meta(sa).get("name", ""), str(len(sa.get("secrets") or [])), _age(sa, now)]
