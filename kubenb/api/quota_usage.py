"""What an object costs a ResourceQuota: the quota evaluators (pkg/quota/v1/evaluator/core).

Read by the ResourceQuota admission plugin (api/quota_admission.py) and the resourcequota
controller (controllers/resourcequota.py); writes nothing. Resource lists are dicts of
resource name -> `Amount` (an exact value plus the format `Quantity.String()` prints it in,
the first operand's format surviving an addition, as Go's `Quantity.Add` keeps it).

- Pods: `pods` and the compute resources (`cpu`/`requests.cpu`, `limits.cpu`, memory,
  ephemeral-storage, hugepages, extended `requests.*`) while the pod is not Succeeded/Failed;
  `count/pods` always. Requests and limits are the pod's: containers summed, an init
  container's own need taken when larger (native sidecars add to what follows them).
- Services: `services`, `services.nodeports`, `services.loadbalancers`.
- PersistentVolumeClaims: `persistentvolumeclaims`, `requests.storage` and their
  `<class>.storageclass.storage.k8s.io/` forms.
- Every kind: `count/<plural>[.<group>]`; ConfigMaps, Secrets, ReplicationControllers and
  ResourceQuotas also by their bare plural.
- Scopes: Terminating, NotTerminating, BestEffort, NotBestEffort (pods only).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Any, NamedTuple

from kubenb.api.pods import qos_class
from kubenb.api.quantity import format_quantity, parse_quantity, quantity_format


class Amount(NamedTuple):
    value: Fraction
    fmt: str = "DecimalSI"

    def __str__(self) -> str:
        return format_quantity(self.value, self.fmt)  # type: ignore[arg-type]


ResourceList = dict[str, Amount]
_ONE = Amount(Fraction(1))
_COMPUTE = ("cpu", "memory", "ephemeral-storage")
_BARE_COUNTS = {"ConfigMap": "configmaps", "Secret": "secrets",
                "ReplicationController": "replicationcontrollers", "ResourceQuota": "resourcequotas"}
_POD_SCOPES = ("Terminating", "NotTerminating", "BestEffort", "NotBestEffort")


def amount(text: Any) -> Amount:
    return Amount(parse_quantity(text), quantity_format(text))


def resource_list(raw: Mapping[str, Any] | None) -> ResourceList:
    out: ResourceList = {}
    for name, text in (raw or {}).items():
        try:
            out[name] = amount(text)
        except (ValueError, TypeError):
            continue
    return out


def to_api(rl: Mapping[str, Amount]) -> dict[str, str]:
    return {name: str(rl[name]) for name in sorted(rl)}


def add(a: Mapping[str, Amount], b: Mapping[str, Amount]) -> ResourceList:
    out = dict(a)
    for name, v in b.items():
        if name not in out or out[name].value == 0:  # Go's Quantity.Add: a zero takes y's format
            out[name] = Amount(out[name].value + v.value if name in out else v.value, v.fmt)
        else:
            out[name] = Amount(out[name].value + v.value, out[name].fmt)
    return out


def subtract(a: Mapping[str, Amount], b: Mapping[str, Amount]) -> ResourceList:
    return add(a, {n: Amount(-v.value, v.fmt) for n, v in b.items()})


def _max(a: Mapping[str, Amount], b: Mapping[str, Amount]) -> ResourceList:
    out = dict(a)
    for name, v in b.items():
        if name not in out or v.value > out[name].value:
            out[name] = v
    return out


def mask(rl: Mapping[str, Amount], names: Iterable[str]) -> ResourceList:
    keep = set(names)
    return {n: v for n, v in rl.items() if n in keep}


def pretty(rl: Mapping[str, Amount]) -> str:
    """prettyPrint: `cpu=1,memory=1Gi`, names sorted."""
    return ",".join(f"{n}={rl[n]}" for n in sorted(rl))


def _container_requirements(containers: list[Any], key: str) -> list[ResourceList]:
    return [resource_list(((c or {}).get("resources") or {}).get(key)) for c in containers]


def pod_resources(pod: Mapping[str, Any], key: str) -> ResourceList:
    """resourcehelper.PodRequests / PodLimits (`key` is "requests" or "limits")."""
    spec = pod.get("spec") or {}
    total: ResourceList = {}
    for rl in _container_requirements(spec.get("containers") or [], key):
        total = add(total, rl)
    sidecars: ResourceList = {}
    init_max: ResourceList = {}
    inits = spec.get("initContainers") or []
    for c, rl in zip(inits, _container_requirements(inits, key), strict=True):
        if (c or {}).get("restartPolicy") == "Always":
            sidecars = add(sidecars, rl)
            total = add(total, rl)
            init_max = _max(init_max, sidecars)
        else:
            init_max = _max(init_max, add(rl, sidecars))
    return _max(total, init_max)


def compute_usage(requests: Mapping[str, Amount], limits: Mapping[str, Amount]) -> ResourceList:
    """podComputeUsageHelper: what one pod (or one container) uses of compute quota."""
    out: ResourceList = {"pods": _ONE}
    for name in _COMPUTE:
        if name in requests:
            out[name] = out[f"requests.{name}"] = requests[name]
        if name in limits:
            out[f"limits.{name}"] = limits[name]
    for name, v in requests.items():
        if name.startswith("hugepages-"):
            out[name] = out[f"requests.{name}"] = v
        elif "/" in name and "kubernetes.io/" not in name:
            out[f"requests.{name}"] = v
    return out


def pod_counts(pod: Mapping[str, Any]) -> bool:
    """QuotaV1Pod: a pod that has not finished counts against compute quota."""
    return (pod.get("status") or {}).get("phase") not in ("Succeeded", "Failed")


def count_name(kind_plural: str, group: str) -> str:
    return f"count/{kind_plural}.{group}" if group else f"count/{kind_plural}"


def usage(obj: Mapping[str, Any], plural: str, group: str) -> ResourceList:
    """Evaluator.Usage of one object."""
    kind = obj.get("kind", "")
    out: ResourceList = {count_name(plural, group): _ONE}
    if kind in _BARE_COUNTS:
        out[_BARE_COUNTS[kind]] = _ONE
    spec = obj.get("spec") or {}
    if kind == "Pod" and pod_counts(obj):
        out.update(compute_usage(pod_resources(obj, "requests"), pod_resources(obj, "limits")))
    elif kind == "Service":
        out["services"] = _ONE
        kind_of = spec.get("type") or "ClusterIP"
        if kind_of == "LoadBalancer":
            out["services.loadbalancers"] = _ONE
        if kind_of in ("NodePort", "LoadBalancer"):
            out["services.nodeports"] = Amount(Fraction(len(spec.get("ports") or [])))
    elif kind == "PersistentVolumeClaim":
        out["persistentvolumeclaims"] = _ONE
        storage = ((spec.get("resources") or {}).get("requests") or {}).get("storage")
        cls = spec.get("storageClassName")
        if cls:
            out[f"{cls}.storageclass.storage.k8s.io/persistentvolumeclaims"] = _ONE
        if storage is not None:
            out["requests.storage"] = amount(storage)
            if cls:
                out[f"{cls}.storageclass.storage.k8s.io/requests.storage"] = amount(storage)
    return out


def _kind_tracks(kind: str, name: str) -> bool:
    if kind == "Pod":
        return name != "requests.storage" and (
            name in ("pods", *_COMPUTE) or name.startswith(("requests.", "limits.", "hugepages-")))
    if kind == "Service":
        return name in ("services", "services.nodeports", "services.loadbalancers")
    if kind == "PersistentVolumeClaim":
        return name in ("persistentvolumeclaims", "requests.storage") or name.endswith(
            (".storageclass.storage.k8s.io/persistentvolumeclaims", ".storageclass.storage.k8s.io/requests.storage"))
    return False


def matching_resources(kind: str, plural: str, group: str, names: Iterable[str]) -> list[str]:
    """Evaluator.MatchingResources: which of a quota's resources an object of `kind` uses."""
    own = {count_name(plural, group), _BARE_COUNTS.get(kind)}
    return sorted(n for n in names if n in own or _kind_tracks(kind, n))


def scopes_match(quota: Mapping[str, Any], obj: Mapping[str, Any]) -> bool:
    """Every scope of the quota selects the object (scopes other than the pod ones: no)."""
    for scope in (quota.get("spec") or {}).get("scopes") or []:
        if obj.get("kind") != "Pod" or scope not in _POD_SCOPES:
            return False
        deadline = (obj.get("spec") or {}).get("activeDeadlineSeconds") is not None
        best_effort = qos_class(obj) == "BestEffort"
        if {"Terminating": not deadline, "NotTerminating": deadline,
                "BestEffort": not best_effort, "NotBestEffort": best_effort}[scope]:
            return False
    return True


_VALIDATION_SET = {"cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory"}


def pod_constraints(required: Iterable[str], pod: Mapping[str, Any]) -> str | None:
    """podEvaluator.Constraints: with cpu or memory quota, every container states them."""
    required_set = set(required) & _VALIDATION_SET
    missing: dict[str, set[str]] = {}
    spec = pod.get("spec") or {}
    for c in list(spec.get("containers") or []) + list(spec.get("initContainers") or []):
        res = (c or {}).get("resources") or {}
        have = compute_usage(resource_list(res.get("requests")), resource_list(res.get("limits")))
        for name in required_set - set(have):
            missing.setdefault(name, set()).add((c or {}).get("name", ""))
    if not missing:
        return None
    return "must specify " + "; ".join(f"{name} for: {','.join(sorted(missing[name]))}"
                                       for name in sorted(missing))
