"""Row functions for Ingresses, IngressClasses and NetworkPolicies (printers.go).

Same contract as `rows_core.py`. Ingress: NAME CLASS (`<none>` without
`spec.ingressClassName`) HOSTS (the first three rule hosts joined with `,`, then
` + N more...`; `*` when no rule names a host) ADDRESS (the load balancer's IPs, else
hostnames, cut to 16 characters) PORTS (`80`, or `80, 443` with TLS) AGE. IngressClass:
NAME CONTROLLER PARAMETERS (`Kind[.apiGroup]/name` or `<none>`) AGE. NetworkPolicy: NAME
POD-SELECTOR AGE. Feeds `columns.table()`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kubenb.api.networking import load_balancer_text

from .duration import age
from .model import format_label_selector


def _hosts(rules: list[Any]) -> str:
    hosts: list[str] = []
    more = False
    for rule in rules:
        if len(hosts) == 3:
            more = True
        host = (rule or {}).get("host") or ""
        if not more and host:
            hosts.append(host)
    if not hosts:
        return "*"
    text = ",".join(hosts)
    return f"{text} + {len(rules) - 3} more..." if more else text


def ingress_row(obj: dict[str, Any], now: datetime) -> list[str]:
    meta, spec = obj.get("metadata") or {}, obj.get("spec") or {}
    return [meta.get("name", ""), spec.get("ingressClassName") or "<none>",
            _hosts(spec.get("rules") or []), load_balancer_text(obj, wide=False),
            "80, 443" if spec.get("tls") else "80", age(meta.get("creationTimestamp"), now)]


def ingress_class_row(obj: dict[str, Any], now: datetime) -> list[str]:
    meta, spec = obj.get("metadata") or {}, obj.get("spec") or {}
    params = spec.get("parameters")
    text = "<none>"
    if isinstance(params, dict):
        text = params.get("kind", "")
        if params.get("apiGroup") is not None:
            text += "." + params["apiGroup"]
        text += "/" + params.get("name", "")
    return [meta.get("name", ""), spec.get("controller", ""), text,
            age(meta.get("creationTimestamp"), now)]


def network_policy_row(obj: dict[str, Any], now: datetime) -> list[str]:
    meta, spec = obj.get("metadata") or {}, obj.get("spec") or {}
    return [meta.get("name", ""), format_label_selector(spec.get("podSelector")),
            age(meta.get("creationTimestamp"), now)]
