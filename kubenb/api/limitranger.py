"""LimitRange: its defaults (SetDefaults_LimitRangeItem) and the LimitRanger admission plugin
(plugin/pkg/admission/limitranger).

Reads the LimitRanges of a new pod's or claim's namespace (by name order). `LimitRanger`
(mutating, pods on create) gives each container the `default` limits and `defaultRequest`
requests it lacks and records them in the `kubernetes.io/limit-ranger` annotation.
`LimitRangerValidation` (validating, after the object passed validation) refuses a pod or
claim outside `min`/`max`/`maxLimitRequestRatio` with the plugin's words, aggregated as Go's
errors aggregate prints them: `pods "x" is forbidden: [minimum cpu usage per Container is
100m, but request is 50m, …]`. Go walks resource maps in random order; here names are sorted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kubenb.api.errors import admission_forbidden
from kubenb.api.quantity import parse_quantity
from kubenb.api.quota_usage import Amount, pod_resources, resource_list

if TYPE_CHECKING:
    from kubenb.api.store import Op, Store

ANNOTATION = "kubernetes.io/limit-ranger"


def default_limit_range(obj: dict[str, Any]) -> None:
    """SetDefaults_LimitRangeItem: a Container item's default limit falls back to max, its
    default request to the default limit, then to min."""
    for item in (obj.get("spec") or {}).get("limits") or []:
        if not isinstance(item, dict) or item.get("type") != "Container":
            continue
        default = dict(item.get("default") or {})
        request = dict(item.get("defaultRequest") or {})
        for source, target in ((item.get("max"), default), (default, request), (item.get("min"), request)):
            for name, value in (source or {}).items():
                target.setdefault(name, value)
        for key, value in (("default", default), ("defaultRequest", request)):
            if value:
                item[key] = value


def _ranges(store: Store, namespace: str) -> list[dict[str, Any]]:
    return sorted(store.list("LimitRange", namespace), key=lambda o: o["metadata"]["name"])


def _items(lr: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [i for i in (lr.get("spec") or {}).get("limits") or [] if isinstance(i, dict) and i.get("type") == kind]


class LimitRanger:
    """The mutating half: defaults for containers."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def admit(self, op: Op, obj: dict[str, Any], old: dict[str, Any] | None) -> None:
        if obj.get("kind") != "Pod" or op != "CREATE" or not isinstance(obj.get("spec"), dict):
            return
        for lr in _ranges(self.store, obj["metadata"].get("namespace", "")):
            limits: dict[str, Any] = {}
            requests: dict[str, Any] = {}
            for item in _items(lr, "Container"):
                limits.update(item.get("default") or {})
                requests.update(item.get("defaultRequest") or {})
            if not limits and not requests:
                continue
            notes = [note for key, prefix in (("containers", "container"), ("initContainers", "init container"))
                     for c in obj["spec"].get(key) or [] if isinstance(c, dict)
                     for note in [_merge(c, limits, requests, prefix)] if note]
            if notes:
                annotations = obj["metadata"].get("annotations") or {}
                annotations[ANNOTATION] = "LimitRanger plugin set: " + "; ".join(notes)
                obj["metadata"]["annotations"] = annotations

    def release(self, obj: dict[str, Any]) -> None:
        return None


def _merge(c: dict[str, Any], limits: dict[str, Any], requests: dict[str, Any], prefix: str) -> str:
    res = c.get("resources")
    if not isinstance(res, dict):
        res = c["resources"] = {}
    have_lim, have_req = dict(res.get("limits") or {}), dict(res.get("requests") or {})
    set_lim = sorted(n for n in limits if n not in have_lim)
    set_req = sorted(n for n in requests if n not in have_req)
    for n in set_lim:
        have_lim[n] = limits[n]
    for n in set_req:
        have_req[n] = requests[n]
    if set_lim:
        res["limits"] = have_lim
    if set_req:
        res["requests"] = have_req
    parts = []
    if set_req:
        parts.append(f"{', '.join(set_req)} request for {prefix} {c.get('name', '')}")
    if set_lim:
        parts.append(f"{', '.join(set_lim)} limit for {prefix} {c.get('name', '')}")
    return "; ".join(parts)


def _min(kind: str, name: str, enforced: str, req: dict[str, Amount], lim: dict[str, Amount]) -> str | None:
    want = parse_quantity(enforced)
    if name not in req:
        return f"minimum {name} usage per {kind} is {enforced}.  No request is specified"
    if req[name].value < want:
        return f"minimum {name} usage per {kind} is {enforced}, but request is {req[name]}"
    if name in lim and lim[name].value < want:
        return f"minimum {name} usage per {kind} is {enforced}, but limit is {lim[name]}"
    return None


def _max(kind: str, name: str, enforced: str, req: dict[str, Amount], lim: dict[str, Amount]) -> str | None:
    want = parse_quantity(enforced)
    if name not in lim:
        return f"maximum {name} usage per {kind} is {enforced}.  No limit is specified"
    if lim[name].value > want:
        return f"maximum {name} usage per {kind} is {enforced}, but limit is {lim[name]}"
    if name in req and req[name].value > want:
        return f"maximum {name} usage per {kind} is {enforced}, but request is {req[name]}"
    return None


def _ratio(kind: str, name: str, enforced: str, req: dict[str, Amount], lim: dict[str, Amount]) -> str | None:
    head = f"{name} max limit to request ratio per {kind} is {enforced}"
    if name not in req or req[name].value == 0:
        return f"{head}, but no request is specified or request is 0"
    if name not in lim or lim[name].value == 0:
        return f"{head}, but no limit is specified or limit is 0"
    observed = lim[name].value / req[name].value
    if observed > parse_quantity(enforced):
        return f"{head}, but provided ratio is {float(observed):f}"
    return None


def _check(errs: list[str], item: dict[str, Any], kind: str, req: dict[str, Amount], lim: dict[str, Amount],
           claim: bool = False) -> None:
    for name, value in sorted((item.get("min") or {}).items()):
        errs.append(_min(kind, name, str(value), req, lim) or "")
    for name, value in sorted((item.get("max") or {}).items()):
        if claim:  # maxRequestConstraint: a claim's limits are not user input
            over = name in req and req[name].value > parse_quantity(value)
            errs.append(f"maximum {name} usage per {kind} is {value}, but request is {req[name]}" if over else "")
        else:
            errs.append(_max(kind, name, str(value), req, lim) or "")
    if not claim:
        for name, value in sorted((item.get("maxLimitRequestRatio") or {}).items()):
            errs.append(_ratio(kind, name, str(value), req, lim) or "")


def limit_errors(lr: dict[str, Any], obj: dict[str, Any]) -> list[str]:
    """PodValidateLimitFunc / PersistentVolumeClaimValidateLimitFunc of one LimitRange."""
    errs: list[str] = []
    spec = obj.get("spec") or {}
    if obj.get("kind") == "PersistentVolumeClaim":
        req = resource_list((spec.get("resources") or {}).get("requests"))
        for item in _items(lr, "PersistentVolumeClaim"):
            _check(errs, item, "PersistentVolumeClaim", req, {}, claim=True)
    else:
        containers = [c for key in ("containers", "initContainers") for c in spec.get(key) or []
                      if isinstance(c, dict)]
        for item in (lr.get("spec") or {}).get("limits") or []:
            if not isinstance(item, dict):
                continue
            if item.get("type") == "Container":
                for c in containers:
                    res = c.get("resources") or {}
                    _check(errs, item, "Container", resource_list(res.get("requests")),
                           resource_list(res.get("limits")))
            elif item.get("type") == "Pod":
                _check(errs, item, "Pod", pod_resources(obj, "requests"), pod_resources(obj, "limits"))
    return list(dict.fromkeys(e for e in errs if e))  # the aggregate prints each message once


class LimitRangerValidation:
    """The validating half: min, max and ratio."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def admit(self, op: Op, obj: dict[str, Any], old: dict[str, Any] | None) -> None:
        kind = obj.get("kind")
        if op != "CREATE" or kind not in ("Pod", "PersistentVolumeClaim"):
            return
        meta = obj.get("metadata") or {}
        for lr in _ranges(self.store, meta.get("namespace", "")):
            errs = limit_errors(lr, obj)
            if errs:
                why = errs[0] if len(errs) == 1 else "[" + ", ".join(errs) + "]"
                plural = "pods" if kind == "Pod" else "persistentvolumeclaims"
                raise admission_forbidden(plural, meta.get("name", ""), why)

    def release(self, obj: dict[str, Any]) -> None:
        return None
