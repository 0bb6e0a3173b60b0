"""networking.k8s.io/v1 in the API server: Ingress, IngressClass and NetworkPolicy defaults,
the DefaultIngressClass admission plugin, and the small helpers the printers, the describer
and the ingress controller (kubenb/net/ingress_*.py) share.

Defaults (pkg/apis/networking/v1/defaults.go): a NetworkPolicy port without a protocol gets
TCP; a NetworkPolicy without `policyTypes` gets `[Ingress]`, plus `Egress` when it has egress
rules; an IngressClass's `parameters` without a scope gets `Cluster`. Ingress has no
defaults (`pathType` is required, not defaulted, in v1).

DefaultIngressClass: a new Ingress that names no class (no `spec.ingressClassName`, no
`kubernetes.io/ingress.class` annotation) gets the cluster's default class — the newest of
the IngressClasses annotated `ingressclass.kubernetes.io/is-default-class: "true"`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kubenb.api.objects import Obj

if TYPE_CHECKING:  # the store imports this module's defaulters
    from kubenb.api.store import Op, Store

DEFAULT_INGRESS_CLASS_ANNOTATION = "ingressclass.kubernetes.io/is-default-class"
INGRESS_CLASS_ANNOTATION = "kubernetes.io/ingress.class"


def default_network_policy(np: Obj) -> None:
    spec = np.get("spec")
    if not isinstance(spec, dict):
        spec = np["spec"] = {}
    for direction in ("ingress", "egress"):
        for rule in spec.get(direction) or []:
            for port in (rule.get("ports") or []) if isinstance(rule, dict) else []:
                if isinstance(port, dict) and port.get("protocol") is None:
                    port["protocol"] = "TCP"
    if not spec.get("policyTypes"):
        spec["policyTypes"] = ["Ingress", "Egress"] if spec.get("egress") else ["Ingress"]
    if not isinstance(spec.get("podSelector"), dict):
        spec["podSelector"] = {}


def default_ingress_class(ic: Obj) -> None:
    params = (ic.get("spec") or {}).get("parameters")
    if isinstance(params, dict) and params.get("scope") is None:
        params["scope"] = "Cluster"


def is_default_ingress_class(ic: Obj) -> bool:
    ann = (ic.get("metadata") or {}).get("annotations") or {}
    return ann.get(DEFAULT_INGRESS_CLASS_ANNOTATION) == "true"


def ingress_class_name(ing: Obj) -> str | None:
    """The class an Ingress asks for: spec.ingressClassName, else the old annotation."""
    name = (ing.get("spec") or {}).get("ingressClassName")
    if name:
        return str(name)
    ann = (ing.get("metadata") or {}).get("annotations") or {}
    return ann.get(INGRESS_CLASS_ANNOTATION)


def service_backend_text(backend: Any) -> str:
    """serviceBackendStringer: `name:port` (the port's number, else its name)."""
    svc = backend.get("service") if isinstance(backend, dict) else None
    if not isinstance(svc, dict):
        return ""
    port = svc.get("port") or {}
    return f"{svc.get('name', '')}:{port.get('number') or port.get('name', '')}"


def load_balancer_text(ing: Obj, wide: bool) -> str:
    """ingressLoadBalancerStatusStringer: the sorted set of IPs (else hostnames), clipped to
    16 characters unless wide."""
    found = set()
    for entry in ((ing.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []:
        if entry.get("ip"):
            found.add(entry["ip"])
        elif entry.get("hostname"):
            found.add(entry["hostname"])
    text = ",".join(sorted(found))
    if not wide and len(text) > 16:
        text = text[:13] + "..."
    return text


class DefaultIngressClass:
    """The DefaultIngressClass admission plugin (plugin/pkg/admission/network/defaultingressclass)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def admit(self, op: Op, obj: dict[str, Any], old: dict[str, Any] | None) -> None:
        if obj.get("kind") != "Ingress" or op != "CREATE":
            return
        spec = obj.get("spec")
        if not isinstance(spec, dict) or spec.get("ingressClassName") is not None:
            return
        if INGRESS_CLASS_ANNOTATION in ((obj.get("metadata") or {}).get("annotations") or {}):
            return
        found = [ic for ic in self.store.list("IngressClass") if is_default_ingress_class(ic)]
        if not found:
            return
        found.sort(key=lambda ic: ic["metadata"]["name"])
        found.sort(key=lambda ic: ic["metadata"].get("creationTimestamp") or "", reverse=True)
        spec["ingressClassName"] = found[0]["metadata"]["name"]

    def release(self, obj: dict[str, Any]) -> None:
        return None
