"""apiregistration.k8s.io/v1 APIServices: the local ones every group/version has, and checks.

kube-apiserver registers a "Local" APIService per group/version it serves (`v1.`, `v1.apps`,
`v2.autoscaling`, …, labelled `kube-aggregator.kubernetes.io/automanaged: onstart`), always
Available. `ensure_local(store)` writes them from the registry at start; `validate_apiservice`
is kube-aggregator's ValidateAPIService; `availability(store, svc)` is the Available condition
the availability controller (controllers/apiservice.py) gives an APIService backed by a
Service. kubenb does not proxy aggregated APIs, so a backed APIService never becomes
Available — as on a cluster whose extension server does not answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kubenb.api.errors import ErrorList
from kubenb.api.objects import Obj
from kubenb.api.validation_meta import as_dict, validate_object_meta, validate_object_meta_update

if TYPE_CHECKING:
    from kubenb.api.registry import Registry
    from kubenb.api.store import Store

API_VERSION = "apiregistration.k8s.io/v1"
# kube-apiserver's apiVersionPriorities (group priority minimum, version priority)
_PRIORITIES: dict[tuple[str, str], tuple[int, int]] = {
    ("", "v1"): (18000, 1), ("apiregistration.k8s.io", "v1"): (18000, 15),
    ("apps", "v1"): (17800, 15), ("authentication.k8s.io", "v1"): (17700, 15),
    ("authorization.k8s.io", "v1"): (17600, 15), ("autoscaling", "v1"): (17500, 15),
    ("autoscaling", "v2"): (17500, 30), ("batch", "v1"): (17400, 15),
    ("certificates.k8s.io", "v1"): (17300, 15), ("networking.k8s.io", "v1"): (17200, 15),
    ("events.k8s.io", "v1"): (17750, 15),
    ("policy", "v1"): (17100, 15), ("rbac.authorization.k8s.io", "v1"): (17000, 15),
    ("storage.k8s.io", "v1"): (16800, 15), ("coordination.k8s.io", "v1"): (16500, 15),
    ("discovery.k8s.io", "v1"): (16200, 15),
    ("apiextensions.k8s.io", "v1"): (16700, 15),
}


def group_priority(group: str, version: str) -> int:
    """The groupPriorityMinimum kube-apiserver gives a built-in group (discovery orders groups
    by it, highest first); 100 for the metrics-server's, 15000 for others."""
    if group == "metrics.k8s.io":
        return 100
    return _PRIORITIES.get((group, version), (15000, 15))[0]


def _name(group: str, version: str) -> str:
    return f"{version}.{group}"


def local_apiservices(registry: Registry) -> list[Obj]:
    seen = {(rt.group, rt.version) for rt in registry} | {("apiregistration.k8s.io", "v1")}
    out = []
    for group, version in sorted(seen):
        group_min, version_prio = _PRIORITIES.get((group, version), (15000, 15))
        spec: dict[str, Any] = {"version": version, "groupPriorityMinimum": group_min,
                                "versionPriority": version_prio}
        if group:
            spec = {"group": group, **spec}
        out.append({"apiVersion": API_VERSION, "kind": "APIService",
                    "metadata": {"name": _name(group, version),
                                 "labels": {"kube-aggregator.kubernetes.io/automanaged": "onstart"}},
                    "spec": spec})
    return out


def ensure_local(store: Store) -> None:
    """Create the local APIServices that are missing, Available as kube-apiserver's are."""
    for obj in local_apiservices(store.registry):
        if store.try_get("APIService", None, obj["metadata"]["name"]) is None:
            created = store.create(obj)
            created["status"] = {"conditions": [condition(
                store, "True", "Local", "Local APIServices are always available")]}
            store.update(created, subresource="status")


def condition(store: Store, status: str, reason: str, message: str) -> dict[str, Any]:
    from kubenb.clock import rfc3339

    return {"type": "Available", "status": status, "lastTransitionTime": rfc3339(store.clock.now()),
            "reason": reason, "message": message}


def availability(store: Store, svc: Obj) -> tuple[str, str, str]:
    """(status, reason, message) of the Available condition of an APIService."""
    ref = as_dict(as_dict(svc.get("spec")).get("service"))
    if not ref:
        return "True", "Local", "Local APIServices are always available"
    name, namespace = ref.get("name", ""), ref.get("namespace", "")
    service = store.try_get("Service", namespace, name)
    if service is None:
        return "False", "ServiceNotFound", f'service/{name} in "{namespace}" is not present'
    endpoints = store.try_get("Endpoints", namespace, name)
    if not any(s.get("addresses") for s in (endpoints or {}).get("subsets") or []):
        return ("False", "MissingEndpoints",
                f'endpoints for service/{name} in "{namespace}" have no addresses with port name ""')
    spec = svc["spec"]
    port = ref.get("port") or 443
    url = f"https://{service['spec'].get('clusterIP')}:{port}/apis/{spec.get('group')}/{spec.get('version')}"
    return ("False", "FailedDiscoveryCheck",
            f"failing or missing response from {url}: kubenb does not proxy aggregated APIs")


def validate_apiservice(errs: ErrorList, obj: Obj, old: Obj | None) -> None:
    """ValidateAPIService (k8s.io/kube-aggregator pkg/apis/apiregistration/validation)."""
    if old is None:
        validate_object_meta(errs, obj.get("metadata"), False, lambda n, p: [])
    else:
        validate_object_meta_update(errs, obj.get("metadata"), old.get("metadata"))
    spec = as_dict(obj.get("spec"))
    name = as_dict(obj.get("metadata")).get("name") or ""
    group, version = spec.get("group") or "", spec.get("version") or ""
    if name != _name(group, version):
        errs.invalid("metadata.name", name, f"must be {_name(group, version)}")
    if not version:
        errs.required("spec.version")
    minimum = spec.get("groupPriorityMinimum", 0)
    if not isinstance(minimum, int) or not 0 < minimum <= 20000:
        errs.invalid("spec.groupPriorityMinimum", minimum, "must be positive and less than 20000")
    priority = spec.get("versionPriority", 0)
    if not isinstance(priority, int) or priority <= 0:
        errs.invalid("spec.versionPriority", priority, "must be positive and less than 1000")
    if spec.get("service") is None and (spec.get("caBundle") or spec.get("insecureSkipTLSVerify")):
        errs.invalid("spec.insecureSkipTLSVerify", spec.get("insecureSkipTLSVerify"),
                     "local APIServices may not have insecureSkipTLSVerify or a caBundle")
