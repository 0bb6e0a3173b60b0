"""`kubectl describe service` and `kubectl describe endpoints`.

kubectl reads a Service's endpoints from its EndpointSlices. `describe_service` accepts
EndpointSlices (`kind: EndpointSlice`, or a dict with `endpoints`) and also core
Endpoints objects (`subsets`), which it first turns into the slices the EndpointSlice
mirroring would make. Each `Endpoints:` line lists the ready `ip:port` pairs of the port
with the same name, at most three then `+ N more...`, or `<none>` when there is no slice.
Fed by the CLI's describe command.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kubenb.api.tables.model import format_labels
from kubenb.cli.kubectl.describe.common import annotations_multiline, labels_multiline
from kubenb.cli.kubectl.describe.events import write_events
from kubenb.cli.kubectl.describe.writer import DEFAULT_KUBECTL_MINOR, DescribeWriter, meta


def endpoints_as_slices(endpoints: dict[str, Any]) -> list[dict[str, Any]]:
    """One EndpointSlice-shaped dict per subset of a core Endpoints object."""
    slices = []
    for subset in endpoints.get("subsets") or [{}]:  # no subsets: the controller's empty slice
        eps = [{"addresses": [a.get("ip", "")], "conditions": {"ready": True}}
               for a in subset.get("addresses") or []]
        eps += [{"addresses": [a.get("ip", "")], "conditions": {"ready": False}}
                for a in subset.get("notReadyAddresses") or []]
        ports = [{"name": p.get("name", ""), "port": p.get("port"), "protocol": p.get("protocol", "TCP")}
                 for p in subset.get("ports") or []]
        slices.append({"kind": "EndpointSlice", "endpoints": eps, "ports": ports})
    return slices


def _as_slices(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for obj in objects:
        if obj.get("kind") == "Endpoints" or "subsets" in obj:
            out.extend(endpoints_as_slices(obj))
        else:
            out.append(obj)
    return out


def _join_host_port(host: str, port: Any) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def format_endpoint_slices(slices: list[dict[str, Any]], port_name: str | None) -> str:
    """kubectl `formatEndpointSlices` (with its exact `+ N more...` counting)."""
    if not slices:
        return "<none>"
    shown: list[str] = []
    limit, more, count = 3, False, 0

    def ready(ep: dict[str, Any]) -> bool:
        value = (ep.get("conditions") or {}).get("ready")
        return value is None or bool(value)

    for sl in slices:
        endpoints = sl.get("endpoints") or []
        ports = sl.get("ports") or []
        if not ports:
            for ep in endpoints:
                if len(shown) == limit:
                    more = True
                if not ready(ep):
                    continue
                if not more:
                    shown.append((ep.get("addresses") or [""])[0])
                count += 1
            continue
        for port in ports:
            if port_name is not None and (port.get("name") or "") != port_name:
                continue
            for ep in endpoints:
                if len(shown) == limit:
                    more = True
                if not ready(ep):
                    continue
                if not more:
                    shown.append(_join_host_port((ep.get("addresses") or [""])[0], port.get("port")))
                count += 1
    text = ",".join(shown)
    return f"{text} + {count - limit} more..." if more else text


def _ingress_text(ingress: list[dict[str, Any]]) -> str:
    parts = []
    for item in ingress:
        if item.get("ip"):
            parts.append(item["ip"] + (f" ({item['ipMode']})" if item.get("ipMode") else ""))
        else:
            parts.append(item.get("hostname", ""))
    return ", ".join(parts)


def describe_service(
    svc: dict[str, Any], endpoints: list[dict[str, Any]], events: list[dict[str, Any]] | None,
    now: datetime, *, kubectl_minor: int = DEFAULT_KUBECTL_MINOR,
) -> str:
    """`kubectl describe service` text; `endpoints` are the Service's EndpointSlices or Endpoints."""
    m, spec = meta(svc), svc.get("spec") or {}
    status = svc.get("status") or {}
    slices = _as_slices(endpoints)
    w = DescribeWriter()
    w.write(0, f"Name:\t{m.get('name', '')}\n")
    w.write(0, f"Namespace:\t{m.get('namespace', '')}\n")
    labels_multiline(w, "Labels", m.get("labels"))
    annotations_multiline(w, "Annotations", m.get("annotations"))
    w.write(0, f"Selector:\t{format_labels(spec.get('selector'))}\n")
    w.write(0, f"Type:\t{spec.get('type', '')}\n")
    if spec.get("ipFamilyPolicy") is not None:
        w.write(0, f"IP Family Policy:\t{spec['ipFamilyPolicy']}\n")
    w.write(0, f"IP Families:\t{','.join(spec.get('ipFamilies') or []) or '<none>'}\n")
    w.write(0, f"IP:\t{spec.get('clusterIP', '')}\n")
    w.write(0, f"IPs:\t{','.join(spec.get('clusterIPs') or []) or '<none>'}\n")
    if spec.get("externalIPs"):
        w.write(0, f"External IPs:\t{','.join(spec['externalIPs'])}\n")
    if spec.get("loadBalancerIP"):
        w.write(0, f"Desired LoadBalancer IP:\t{spec['loadBalancerIP']}\n")
    if spec.get("externalName"):
        w.write(0, f"External Name:\t{spec['externalName']}\n")
    ingress = (status.get("loadBalancer") or {}).get("ingress") or []
    if ingress:
        w.write(0, f"LoadBalancer Ingress:\t{_ingress_text(ingress)}\n")
    for port in spec.get("ports") or []:
        name = port.get("name") or "<unset>"
        protocol = port.get("protocol", "")
        w.write(0, f"Port:\t{name}\t{port.get('port', 0)}/{protocol}\n")
        w.write(0, f"TargetPort:\t{port.get('targetPort', 0)}/{protocol}\n")
        if port.get("appProtocol") is not None and kubectl_minor >= 36:
            w.write(0, f"AppProtocol:\t{port['appProtocol']}\n")
        if port.get("nodePort"):
            w.write(0, f"NodePort:\t{name}\t{port['nodePort']}/{protocol}\n")
        w.write(0, f"Endpoints:\t{format_endpoint_slices(slices, port.get('name') or '')}\n")
    w.write(0, f"Session Affinity:\t{spec.get('sessionAffinity', '')}\n")
    if spec.get("externalTrafficPolicy"):
        w.write(0, f"External Traffic Policy:\t{spec['externalTrafficPolicy']}\n")
    if spec.get("internalTrafficPolicy") is not None:
        w.write(0, f"Internal Traffic Policy:\t{spec['internalTrafficPolicy']}\n")
    if spec.get("healthCheckNodePort"):
        w.write(0, f"HealthCheck NodePort:\t{spec['healthCheckNodePort']}\n")
    if spec.get("loadBalancerSourceRanges"):
        w.write(0, f"LoadBalancer Source Ranges:\t{','.join(spec['loadBalancerSourceRanges'])}\n")
    if spec.get("trafficDistribution") is not None and kubectl_minor >= 34:
        w.write(0, f"Traffic Distribution:\t{spec['trafficDistribution']}\n")
    if events is not None:
        write_events(w, events, now, field_path_prefix=kubectl_minor >= 35)
    return w.render()


def describe_endpoints(
    ep: dict[str, Any], events: list[dict[str, Any]] | None, now: datetime, *,
    kubectl_minor: int = DEFAULT_KUBECTL_MINOR,
) -> str:
    """`kubectl describe endpoints` text."""
    m = meta(ep)
    w = DescribeWriter()
    w.write(0, f"Name:\t{m.get('name', '')}\n")
    w.write(0, f"Namespace:\t{m.get('namespace', '')}\n")
    labels_multiline(w, "Labels", m.get("labels"))
    annotations_multiline(w, "Annotations", m.get("annotations"))
    w.write(0, "Subsets:\n")
    for subset in ep.get("subsets") or []:
        ready = ",".join(a.get("ip", "") for a in subset.get("addresses") or [])
        not_ready = ",".join(a.get("ip", "") for a in subset.get("notReadyAddresses") or [])
        w.write(1, f"Addresses:\t{ready or '<none>'}\n")
        w.write(1, f"NotReadyAddresses:\t{not_ready or '<none>'}\n")
        if subset.get("ports"):
            w.write(1, "Ports:\n")
            w.write(2, "Name\tPort\tProtocol\n")
            w.write(2, "----\t----\t--------\n")
            for port in subset["ports"]:
                w.write(2, f"{port.get('name') or '<unset>'}\t{port.get('port', 0)}\t{port.get('protocol', '')}\n")
        w.write(0, "\n")
    if events is not None:
        write_events(w, events, now, field_path_prefix=kubectl_minor >= 35)
    return w.render()
