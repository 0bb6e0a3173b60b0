"""`kubectl describe ingress|ingressclass|networkpolicy` (describe.go, kubectl 1.32).

describeIngressV1: name, labels, namespace, address (the load balancer's IPs, unclipped),
class, `Default backend:` (`<default>` without one), the TLS lines (`secret terminates
hosts` or `SNI routes hosts`), the Rules table — a `Host` line per rule with HTTP paths
(`*` for none) and under it one `\\tpath \\tbackend` line per path, where a Service backend
reads `name:port (endpoints)` (endpoints as `describe service` prints them, or `(<error:
services "x" not found>)`) and a resource backend `APIGroup: g, Kind: k, Name: n` — or
`*  *  <default backend>` when no rule has paths, then annotations and events. The caller
resolves backends (`backend_text`), which needs the Service and its endpoints.

describeIngressClassV1: name, labels, annotations, controller and the parameters reference.
describeNetworkPolicy: name, namespace, `Created on:` (Go's time.String of the creation
time, in the local zone), labels, annotations and the spec: the pod selector, for each
policy type in force the rules (`To Port: port/proto`, `From:`/`To:` peers, `----------`
between rules) or `Not affecting … traffic`, and the policy types. kubectl prints no events
for a NetworkPolicy.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from kubenb.api.networking import load_balancer_text, service_backend_text
from kubenb.api.tables.duration import parse_time
from kubenb.api.tables.model import format_label_selector
from kubenb.cli.kubectl.describe.common import annotations_multiline, labels_multiline
from kubenb.cli.kubectl.describe.events import write_events_if_shown
from kubenb.cli.kubectl.describe.service import endpoints_as_slices, format_endpoint_slices
from kubenb.cli.kubectl.describe.writer import DEFAULT_KUBECTL_MINOR, DescribeWriter, meta

Obj = dict[str, Any]
BackendText = Callable[[str, Obj], str]  # (namespace, backend) -> its description


def describe_ingress(ing: Obj, backend_text: BackendText, events: list[Obj] | None, now: datetime,
                     *, kubectl_minor: int = DEFAULT_KUBECTL_MINOR) -> str:
    m, spec = meta(ing), ing.get("spec") or {}
    ns = m.get("namespace", "")
    w = DescribeWriter()
    w.write(0, f"Name:\t{m.get('name', '')}\n")
    labels_multiline(w, "Labels", m.get("labels"))
    w.write(0, f"Namespace:\t{ns}\n")
    w.write(0, f"Address:\t{load_balancer_text(ing, wide=True)}\n")
    w.write(0, f"Ingress Class:\t{spec.get('ingressClassName') or '<none>'}\n")
    default = spec.get("defaultBackend")
    default_text = backend_text(ns, default) if isinstance(default, dict) else "<default>"
    w.write(0, f"Default backend:\t{default_text}\n")
    if spec.get("tls"):
        w.write(0, "TLS:\n")
        for tls in spec["tls"]:
            hosts = ",".join(tls.get("hosts") or [])
            if tls.get("secretName"):
                w.write(1, f"{tls['secretName']} terminates {hosts}\n")
            else:
                w.write(1, f"SNI routes {hosts}\n")
    w.write(0, "Rules:\n  Host\tPath\tBackends\n")
    w.write(1, "----\t----\t--------\n")
    count = 0
    for rule in spec.get("rules") or []:
        http = rule.get("http")
        if http is None:
            continue
        count += 1
        w.write(1, f"{rule.get('host') or '*'}\t\n")
        for path in http.get("paths") or []:
            w.write(2, f"\t{path.get('path', '')} \t{backend_text(ns, path.get('backend') or {})}\n")
    if count == 0:
        w.write(1, f"*\t*\t{default_text}\n")
    annotations_multiline(w, "Annotations", m.get("annotations"))
    write_events_if_shown(w, events, now, kubectl_minor)
    return w.render()


def backend_text(backend: Obj, service: Obj | None, slices: list[Obj]) -> str:
    """describeBackendV1: `name:port (endpoints of the Service port it names)`, the error
    kubectl shows when the Service is missing, or the resource reference."""
    ref = backend.get("service")
    if isinstance(ref, dict):
        text = service_backend_text(backend)
        if service is None:
            return f'{text} (<error: services "{ref.get("name", "")}" not found>)'
        port, port_name = ref.get("port") or {}, ""
        for sp in (service.get("spec") or {}).get("ports") or []:
            if (port.get("number") and port["number"] == sp.get("port")) or \
                    (port.get("name") and port["name"] == sp.get("name")):
                port_name = sp.get("name") or ""
        as_slices = [s for obj in slices for s in (
            endpoints_as_slices(obj) if "subsets" in obj else [obj])]
        return f"{text} ({format_endpoint_slices(as_slices, port_name)})"
    res = backend.get("resource")
    if isinstance(res, dict):
        group = res.get("apiGroup")
        return f"APIGroup: {'<none>' if group is None else group}, Kind: {res.get('kind', '')}, " \
               f"Name: {res.get('name', '')}"
    return ""


def describe_ingress_class(ic: Obj, events: list[Obj] | None, now: datetime, *,
                           kubectl_minor: int = DEFAULT_KUBECTL_MINOR) -> str:
    m, spec = meta(ic), ic.get("spec") or {}
    w = DescribeWriter()
    w.write(0, f"Name:\t{m.get('name', '')}\n")
    labels_multiline(w, "Labels", m.get("labels"))
    annotations_multiline(w, "Annotations", m.get("annotations"))
    w.write(0, f"Controller:\t{spec.get('controller', '')}\n")
    params = spec.get("parameters")
    if isinstance(params, dict):
        w.write(0, "Parameters:\n")
        if params.get("apiGroup") is not None:
            w.write(1, f"APIGroup:\t{params['apiGroup']}\n")
        w.write(1, f"Kind:\t{params.get('kind', '')}\n")
        w.write(1, f"Name:\t{params.get('name', '')}\n")
    write_events_if_shown(w, events, now, kubectl_minor)
    return w.render()


def go_time_string(timestamp: str | None) -> str:
    """Go's time.Time.String() of a timestamp, in the local zone (`2006-01-02 15:04:05 -0700 MST`)."""
    t = parse_time(timestamp)
    if t is None:
        return "0001-01-01 00:00:00 +0000 UTC"
    local = t.astimezone()
    return local.strftime("%Y-%m-%d %H:%M:%S %z ") + (local.tzname() or "")


def _rules(w: DescribeWriter, rules: list[Obj], peers_key: str, title: str, isolated: str,
           unrestricted: str) -> None:
    indent = "    "
    if not rules:
        w.write(0, f"{indent}<none> (Selected pods are isolated for {isolated} connectivity)\n")
        return
    for i, rule in enumerate(rules):
        ports = rule.get("ports") or []
        if not ports:
            w.write(0, f"{indent}To Port: <any> (traffic allowed to all ports)\n")
        for port in ports:
            value = port.get("port")
            shown = "<nil>" if value is None else str(value)
            w.write(0, f"{indent}To Port: {shown}/{port.get('protocol') or 'TCP'}\n")
        peers = rule.get(peers_key) or []
        if not peers:
            w.write(0, f"{indent}{title}: <any> (traffic not restricted by {unrestricted})\n")
        for peer in peers:
            w.write(0, f"{indent}{title}:\n")
            pods, namespaces = peer.get("podSelector"), peer.get("namespaceSelector")
            if namespaces is not None:
                w.write(1, f"{indent}NamespaceSelector: {format_label_selector(namespaces)}\n")
            if pods is not None:
                w.write(1, f"{indent}PodSelector: {format_label_selector(pods)}\n")
            if pods is None and namespaces is None and peer.get("ipBlock") is not None:
                block = peer["ipBlock"]
                w.write(1, f"{indent}IPBlock:\n")
                w.write(2, f"{indent}CIDR: {block.get('cidr', '')}\n")
                w.write(2, f"{indent}Except: {', '.join(block.get('except') or [])}\n")
        if i != len(rules) - 1:
            w.write(0, f"{indent}----------\n")


def describe_network_policy(np: Obj, events: list[Obj] | None, now: datetime, *,
                            kubectl_minor: int = DEFAULT_KUBECTL_MINOR) -> str:
    m, spec = meta(np), np.get("spec") or {}
    w = DescribeWriter()
    w.write(0, f"Name:\t{m.get('name', '')}\n")
    w.write(0, f"Namespace:\t{m.get('namespace', '')}\n")
    w.write(0, f"Created on:\t{go_time_string(m.get('creationTimestamp'))}\n")
    labels_multiline(w, "Labels", m.get("labels"))
    annotations_multiline(w, "Annotations", m.get("annotations"))
    w.write(0, "Spec:\n")
    w.write(1, "PodSelector: ")
    selector = spec.get("podSelector") or {}
    if not selector.get("matchLabels") and not selector.get("matchExpressions"):
        w.write(2, "<none> (Allowing the specific traffic to all pods in this namespace)\n")
    else:
        w.write(2, f"{format_label_selector(selector)}\n")
    types = spec.get("policyTypes") or []
    if "Ingress" in types:
        w.write(1, "Allowing ingress traffic:\n")
        _rules(w, spec.get("ingress") or [], "from", "From", "ingress", "source")
    else:
        w.write(1, "Not affecting ingress traffic\n")
    if "Egress" in types:
        w.write(1, "Allowing egress traffic:\n")
        _rules(w, spec.get("egress") or [], "to", "To", "egress", "destination")
    else:
        w.write(1, "Not affecting egress traffic\n")
    w.write(1, f"Policy Types: {', '.join(types)}\n")
    return w.render()
