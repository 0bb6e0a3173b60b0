"""Kubernetes objects → the records of the ClusterView protocol (labextension/PROTOCOL.md §2).

Pure functions: each takes the objects a record depends on (a node and the pods bound to
it; a deployment, its ReplicaSets and pod counts; a service and its Endpoints) and returns
the JSON-ready dict the front end, the HTML snapshot and the matplotlib figure all draw.
Cells that `kubectl get` also prints (pod STATUS/READY/RESTARTS, node roles) come from
`kubenb.api.tables`, so the picture and the table can never disagree. `state.py` decides
which records to (re)compute; this module only computes them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from kubenb.api.pods import get_condition, pod_requests
from kubenb.api.quantity import cpu_millis, to_bytes
from kubenb.api.tables.rows_core import node_roles
from kubenb.api.tables.rows_pod import pod_status

from .owners import workload_key, workload_label

Record = dict[str, Any]

# Owner colours (PROTOCOL.md §7): readable on light and dark backgrounds.
PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2",
           "#edc948", "#ff9da7", "#9c755f", "#e15759", "#bab0ac")
NO_OWNER = "#8c8c8c"
GOOD, WAIT, BAD, GONE, DONE = "#2e8b57", "#d4a017", "#d62728", "#8c8c8c", "#6c757d"
_WAITING = ("Pending", "ContainerCreating", "PodInitializing", "SchedulingGated")


def state_style(state: str, ready: str = "1/1") -> tuple[str, str]:
    """(border colour, line style) of a pod chip for its STATUS: PROTOCOL.md §7."""
    if state == "Running":
        have, _, want = ready.partition("/")
        return (GOOD, "solid") if have == want else (WAIT, "solid")
    if state in _WAITING or re.fullmatch(r"Init:\d+/\d+", state):
        return WAIT, "dashed"
    if state == "Terminating":
        return GONE, "dotted"
    if state in ("Completed", "Succeeded"):
        return DONE, "solid"
    return BAD, "solid"  # CrashLoopBackOff, Error, ImagePullBackOff, Init:Error, …


def finished_mark(pod: Mapping[str, Any]) -> str:
    """The glyph a finished pod's chip carries: ✓ Succeeded (drawn faded), ✗ Failed."""
    return {"Succeeded": "✓", "Failed": "✗"}.get(pod.get("phase") or "", "")


def _meta(obj: Mapping[str, Any]) -> Mapping[str, Any]:
    return obj.get("metadata") or {}


def key_of(obj: Mapping[str, Any]) -> str:
    """`namespace/name`: how deployments and services are keyed on the wire."""
    meta = _meta(obj)
    return f"{meta.get('namespace') or ''}/{meta.get('name', '')}"


def is_terminated(pod: Mapping[str, Any]) -> bool:
    return (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed")


# ---- nodes ------------------------------------------------------------------------------


def node_ready(node: Mapping[str, Any]) -> str:
    cond = get_condition(node, "Ready")
    if cond is None:
        return "Unknown"
    return {"True": "Ready", "False": "NotReady"}.get(cond.get("status", ""), "Unknown")


def node_status_text(node: Mapping[str, Any]) -> str:
    """The STATUS column of `kubectl get nodes` for a node record (Unknown prints NotReady)."""
    text = "Ready" if node["ready"] == "Ready" else "NotReady"
    return text + (",SchedulingDisabled" if node["unschedulable"] else "")


def _internal_ip(node: Mapping[str, Any]) -> str | None:
    for a in (node.get("status") or {}).get("addresses") or []:
        if a.get("type") == "InternalIP":
            return str(a.get("address"))
    return None


def node_record(node: Mapping[str, Any], pods: Iterable[Mapping[str, Any]],
                states: Mapping[str, int] | None = None,
                used: Mapping[str, int] | None = None) -> Record:
    """A node card. `pods`: every pod bound to the node (any namespace, any filter); `used`:
    the node's CPU (millicores) and memory (bytes) in use, from the Metrics API."""
    alloc = (node.get("status") or {}).get("allocatable") or {}
    cpu = mem = count = 0
    for pod in pods:
        if is_terminated(pod):
            continue
        req = pod_requests(pod)
        cpu += req["cpu"]
        mem += req["memory"]
        count += 1
    record: Record = {
        "name": _meta(node).get("name", ""),
        "roles": node_roles(dict(node)),
        "ip": _internal_ip(node),
        "ready": node_ready(node),
        "unschedulable": bool((node.get("spec") or {}).get("unschedulable")),
        "cpu": {"requested": cpu, "allocatable": cpu_millis(alloc["cpu"]) if "cpu" in alloc else 0},
        "memory": {"requested": mem,
                   "allocatable": to_bytes(alloc["memory"]) if "memory" in alloc else 0},
        "pods": count,
    }
    if used is not None:
        record["cpu"]["used"] = used["cpu"]
        record["memory"]["used"] = used["memory"]
    if states is not None:
        record["states"] = dict(sorted(states.items()))
    return record


# ---- pods -------------------------------------------------------------------------------


def pod_record(pod: Mapping[str, Any], owner: str | None, workload: str | None = None,
               color: int | None = None) -> Record:
    """A pod chip; `owner` is the deployment key the pod belongs to (or None), `workload`
    the key of its top workload (`owners.py`) and `color` that workload's palette index."""
    meta, spec = _meta(pod), pod.get("spec") or {}
    status = pod.get("status") or {}
    ready, state, restarts, _ = pod_status(dict(pod))
    node = spec.get("nodeName") or None
    reason = None
    if node is None:
        cond = get_condition(pod, "PodScheduled")
        if cond is not None and cond.get("status") == "False":
            reason = cond.get("message") or cond.get("reason") or None
    containers = spec.get("containers") or [{}]
    return {
        "uid": meta.get("uid", ""),
        "name": meta.get("name", ""),
        "namespace": meta.get("namespace", ""),
        "node": node,
        "phase": status.get("phase", "Pending"),
        "state": state,
        "ready": ready,
        "restarts": restarts,
        "ip": status.get("podIP") or None,
        "image": containers[0].get("image", ""),
        "owner": owner,
        "workload": workload,
        "color": color,
        "revision": (meta.get("labels") or {}).get("pod-template-hash"),
        "created": meta.get("creationTimestamp"),
        "reason": reason,
    }


# ---- deployments ------------------------------------------------------------------------


def revision_of(rs: Mapping[str, Any]) -> int:
    value = (_meta(rs).get("annotations") or {}).get("deployment.kubernetes.io/revision", "0")
    try:
        return int(value)
    except ValueError:
        return 0


def _image(template_holder: Mapping[str, Any]) -> str:
    containers = (((template_holder.get("spec") or {}).get("template") or {}).get("spec")
                  or {}).get("containers") or [{}]
    return str(containers[0].get("image", ""))


def deployment_record(dep: Mapping[str, Any], replicasets: Iterable[Mapping[str, Any]],
                      pods_per_rs: Mapping[str, tuple[int, int]], color: int,
                      hpa: Mapping[str, Any] | None = None) -> Record:
    """A deployment and its rollout: one entry per ReplicaSet that matters (PROTOCOL.md §2).

    `pods_per_rs`: ReplicaSet uid -> (live pods, pods being deleted). The current ReplicaSet
    is the one with the highest revision (the deployment controller gives the new one max+1,
    and `rollout undo` moves an old one to max+1). `hpa`: the record of the HPA scaling it."""
    meta, spec, status = _meta(dep), dep.get("spec") or {}, dep.get("status") or {}
    rss = sorted(replicasets, key=revision_of)
    newest = revision_of(rss[-1]) if rss else None
    revisions = []
    for rs in rss:
        uid = _meta(rs).get("uid", "")
        pods, terminating = pods_per_rs.get(uid, (0, 0))
        current = revision_of(rs) == newest
        wanted = ((rs.get("spec") or {}).get("replicas") or 0) > 0
        if not (pods or terminating or current or wanted):
            continue
        revisions.append({
            "hash": (_meta(rs).get("labels") or {}).get("pod-template-hash", ""),
            "revision": revision_of(rs),
            "image": _image(rs),
            "pods": pods,
            "terminating": terminating,
            "current": current,
        })
    replicas = spec.get("replicas")
    return {
        "key": key_of(dep),
        "name": meta.get("name", ""),
        "namespace": meta.get("namespace", ""),
        "desired": 1 if replicas is None else replicas,
        "updated": status.get("updatedReplicas") or 0,
        "ready": status.get("readyReplicas") or 0,
        "available": status.get("availableReplicas") or 0,
        "image": _image(dep),
        "label": workload_label(workload_key("Deployment", meta.get("namespace", ""),
                                             meta.get("name", ""))),
        "color": color,
        "revisions": revisions,
        "hpa": dict(hpa) if hpa else None,
    }


# ---- services and events ----------------------------------------------------------------


def endpoint_uids(endpoints: Mapping[str, Any] | None) -> list[str]:
    """Uids of the ready addresses of an Endpoints object, in its order, once each."""
    seen: dict[str, None] = {}
    for subset in (endpoints or {}).get("subsets") or []:
        for addr in subset.get("addresses") or []:
            uid = (addr.get("targetRef") or {}).get("uid")
            if uid:
                seen.setdefault(uid, None)
    return list(seen)


def service_record(svc: Mapping[str, Any], endpoints: Mapping[str, Any] | None) -> Record:
    meta, spec = _meta(svc), svc.get("spec") or {}
    ports = [{"name": p.get("name") or None, "port": p.get("port"),
              "targetPort": p.get("targetPort", p.get("port")),
              "nodePort": p.get("nodePort"), "protocol": p.get("protocol", "TCP")}
             for p in spec.get("ports") or []]
    return {
        "key": key_of(svc),
        "name": meta.get("name", ""),
        "namespace": meta.get("namespace", ""),
        "type": spec.get("type", "ClusterIP"),
        "clusterIP": spec.get("clusterIP"),
        "ports": ports,
        "endpoints": endpoint_uids(endpoints),
    }


def event_time(ev: Mapping[str, Any]) -> str:
    """When an event last happened: lastTimestamp, the series' last time, or eventTime."""
    series = ev.get("series") or {}
    value = (series.get("lastObservedTime") or ev.get("lastTimestamp") or ev.get("eventTime")
             or ev.get("firstTimestamp") or _meta(ev).get("creationTimestamp") or "")
    if "." in value:  # metav1.MicroTime → whole seconds, like every other time on the wire
        value = value.split(".")[0] + "Z"
    return value


def event_record(ev: Mapping[str, Any]) -> Record:
    inv = ev.get("involvedObject") or {}
    target = inv.get("kind", "").lower()
    if inv.get("name"):
        target = f"{target}/{inv['name']}"
    series = ev.get("series") or {}
    return {
        "uid": _meta(ev).get("uid", ""),
        "time": event_time(ev),
        "type": ev.get("type", ""),
        "reason": ev.get("reason", ""),
        "object": target,
        "namespace": _meta(ev).get("namespace", ""),
        "message": (ev.get("message") or "").strip(),
        "count": series.get("count") or ev.get("count") or 1,
    }
