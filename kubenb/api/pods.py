"""Small facts about pods and conditions that controllers, the scheduler and printers share."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from kubenb.api.objects import OwnerReference
from kubenb.api.quantity import cpu_millis, parse_quantity, to_bytes


def get_condition(obj: Mapping[str, Any], ctype: str) -> dict[str, Any] | None:
    for c in (obj.get("status") or {}).get("conditions") or []:
        if c.get("type") == ctype:
            return c
    return None


def condition_true(obj: Mapping[str, Any], ctype: str) -> bool:
    c = get_condition(obj, ctype)
    return c is not None and c.get("status") == "True"


def set_condition(
    status: dict[str, Any],
    ctype: str,
    value: str,
    now: str,
    reason: str | None = None,
    message: str | None = None,
    *,
    heartbeat: bool = False,
    probe_time: bool = False,
) -> bool:
    """Set a condition in a status dict; `lastTransitionTime` moves only when status changes.

    Returns True if anything changed. `heartbeat` adds lastHeartbeatTime (nodes),
    `probe_time` adds a null lastProbeTime (pods), `lastUpdateTime` is kept for Deployments
    by passing it in the caller.
    """
    conds: list[dict[str, Any]] = status.setdefault("conditions", [])
    for c in conds:
        if c.get("type") != ctype:
            continue
        before = dict(c)
        if c.get("status") != value:
            c["lastTransitionTime"] = now
        c["status"] = value
        if reason is not None:
            c["reason"] = reason
        elif "reason" in c and value == "True" and ctype in ("Ready", "ContainersReady", "PodScheduled"):
            c.pop("reason", None)
        if message is not None:
            c["message"] = message
        elif value == "True" and ctype in ("Ready", "ContainersReady", "PodScheduled"):
            c.pop("message", None)
        if heartbeat:
            c["lastHeartbeatTime"] = now
        return c != before
    c = {"type": ctype, "status": value}
    if probe_time:
        c["lastProbeTime"] = None
    if heartbeat:
        c["lastHeartbeatTime"] = now
    c["lastTransitionTime"] = now
    if reason is not None:
        c["reason"] = reason
    if message is not None:
        c["message"] = message
    conds.append(c)
    return True


def is_pod_ready(pod: Mapping[str, Any]) -> bool:
    return condition_true(pod, "Ready")


def is_pod_terminal(pod: Mapping[str, Any]) -> bool:
    return (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed")


def is_pod_active(pod: Mapping[str, Any]) -> bool:
    """Not terminal and not being deleted (controller.IsPodActive)."""
    return not is_pod_terminal(pod) and not pod["metadata"].get("deletionTimestamp")


def pod_requests(pod: Mapping[str, Any]) -> dict[str, int]:
    """Effective requests: cpu in millicores, memory in bytes (max of init vs sum of app)."""
    spec = pod.get("spec") or {}

    def total(containers: list[dict[str, Any]]) -> tuple[int, int]:
        cpu = mem = 0
        for c in containers:
            req = (c.get("resources") or {}).get("requests") or {}
            cpu += cpu_millis(req["cpu"]) if "cpu" in req else 0
            mem += to_bytes(req["memory"]) if "memory" in req else 0
        return cpu, mem

    cpu, mem = total(spec.get("containers") or [])
    for ic in spec.get("initContainers") or []:
        icpu, imem = total([ic])
        cpu, mem = max(cpu, icpu), max(mem, imem)
    return {"cpu": cpu, "memory": mem}


def qos_class(pod: Mapping[str, Any]) -> str:
    """BestEffort, Guaranteed or Burstable, as the API server computes it (helper/qos GetPodQOS):
    only cpu and memory count, zero amounts are ignored; Guaranteed needs every container
    (init containers too) to limit both, and the pod's summed requests to equal its limits."""
    spec = pod.get("spec") or {}
    requests: dict[str, Fraction] = {}
    limits: dict[str, Fraction] = {}
    guaranteed = True
    for c in list(spec.get("containers") or []) + list(spec.get("initContainers") or []):
        res = (c or {}).get("resources") or {}
        for source, total in ((res.get("requests") or {}, requests), (res.get("limits") or {}, limits)):
            for name in ("cpu", "memory"):
                amount = _quantity_or_zero(source.get(name))
                if amount > 0:
                    total[name] = total.get(name, Fraction(0)) + amount
        lim = res.get("limits") or {}
        if not all(_quantity_or_zero(lim.get(name)) > 0 for name in ("cpu", "memory")):
            guaranteed = False
    if not requests and not limits:
        return "BestEffort"
    if guaranteed and all(limits.get(n) == v for n, v in requests.items()) and len(requests) == len(limits):
        return "Guaranteed"
    return "Burstable"


def _quantity_or_zero(value: Any) -> Fraction:
    try:
        return parse_quantity(value) if value is not None else Fraction(0)
    except (ValueError, TypeError):
        return Fraction(0)


def owner_of(obj: Mapping[str, Any], kind: str | None = None) -> OwnerReference | None:
    """The controller ownerReference (controller: true), optionally of one kind."""
    for ref in obj["metadata"].get("ownerReferences") or []:
        if ref.get("controller") and (kind is None or ref.get("kind") == kind):
            return ref
    return None


def controller_ref(owner: Mapping[str, Any]) -> OwnerReference:
    """An ownerReference pointing at `owner`, as controllers set it."""
    meta = owner["metadata"]
    return {
        "apiVersion": owner["apiVersion"],
        "kind": owner["kind"],
        "name": meta["name"],
        "uid": meta["uid"],
        "controller": True,
        "blockOwnerDeletion": True,
    }
