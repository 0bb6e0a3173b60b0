"""The node lifecycle controller: notices dead nodes and keeps the node taints in step.

Watches Nodes (own key); every node is looked at again each `timings.node_monitor_period`.
`reconcile(node)`:

- a node seen for the first time gets the event `RegisteredNode` (and a deleted one
  `RemovingNode`), component node-controller;
- if neither the Ready condition's lastHeartbeatTime nor the renewTime of the node's Lease
  in `kube-node-lease` (read, not watched, as upstream's lease lister) is within
  `timings.node_monitor_grace` (the kubelet stopped posting status and renewing its
  lease), Ready, MemoryPressure, DiskPressure and
  PIDPressure become Unknown with reason NodeStatusUnknown, "Kubelet stopped posting node
  status.";
- when that turns a Ready node not ready, the node gets the event `NodeNotReady` ("Node
  <name> status is now: NodeNotReady") and its pods' Ready condition is set False, each
  with a Warning `NodeNotReady` "Node is not ready" (MarkPodsNotReady);
- taints follow the conditions: Ready False -> node.kubernetes.io/not-ready, Unknown ->
  node.kubernetes.io/unreachable (NoSchedule and NoExecute, with timeAdded), pressure
  conditions -> their NoSchedule taints, `spec.unschedulable` (cordon) ->
  node.kubernetes.io/unschedulable:NoSchedule; each goes again when its reason does.

The NoExecute taints are what kubenb.controllers.taint_eviction acts on; the scheduler
reads the NoSchedule ones.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from kubenb.api.errors import Conflict, NotFound
from kubenb.api.objects import Key, clone
from kubenb.api.pods import get_condition, set_condition
from kubenb.clock import parse_time, rfc3339
from kubenb.config import Context
from kubenb.controllers.base import Controller, Watch, own_key

log = logging.getLogger("kubenb.controllers.nodelifecycle")

LEASE_NAMESPACE = "kube-node-lease"
NOT_READY = "node.kubernetes.io/not-ready"
UNREACHABLE = "node.kubernetes.io/unreachable"
UNSCHEDULABLE = "node.kubernetes.io/unschedulable"
# (condition, status) -> NoSchedule taint key (nodelifecycle's nodeConditionToTaintKeyStatusMap)
CONDITION_TAINTS: dict[tuple[str, str], str] = {
    ("Ready", "False"): NOT_READY,
    ("Ready", "Unknown"): UNREACHABLE,
    ("MemoryPressure", "True"): "node.kubernetes.io/memory-pressure",
    ("DiskPressure", "True"): "node.kubernetes.io/disk-pressure",
    ("NetworkUnavailable", "True"): "node.kubernetes.io/network-unavailable",
    ("PIDPressure", "True"): "node.kubernetes.io/pid-pressure",
}
_NO_SCHEDULE_KEYS = frozenset(CONDITION_TAINTS.values()) | {UNSCHEDULABLE}
_NO_EXECUTE_KEYS = frozenset({NOT_READY, UNREACHABLE})
_MONITORED = ("Ready", "MemoryPressure", "DiskPressure", "PIDPressure")


def desired_taints(node: dict[str, Any]) -> set[tuple[str, str]]:
    """The (key, effect) taints this controller wants on a node right now."""
    status = {c.get("type"): c.get("status")
              for c in (node.get("status") or {}).get("conditions") or []}
    want = {(key, "NoSchedule") for (ctype, value), key in CONDITION_TAINTS.items()
            if status.get(ctype) == value}
    if (node.get("spec") or {}).get("unschedulable"):
        want.add((UNSCHEDULABLE, "NoSchedule"))
    if status.get("Ready") == "False":
        want.add((NOT_READY, "NoExecute"))
    elif status.get("Ready") == "Unknown":
        want.add((UNREACHABLE, "NoExecute"))
    return want


def _managed(taint: dict[str, Any]) -> bool:
    key, effect = taint.get("key"), taint.get("effect")
    return (effect == "NoSchedule" and key in _NO_SCHEDULE_KEYS) or (
        effect == "NoExecute" and key in _NO_EXECUTE_KEYS)


class NodeLifecycleController(Controller):
    name = "node-controller"

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self._known: dict[str, str] = {}  # node name -> uid, for Registered/Removing events
        self._retry: set[str] = set()  # nodes whose pods could not all be marked not ready

    def watches(self) -> list[Watch]:
        return [Watch("Node", own_key)]

    def reconcile(self, key: Key) -> float | None:
        name = key.name
        node = self.store.try_get("Node", None, name)
        if node is None:
            uid = self._known.pop(name, None)
            self._retry.discard(name)
            if uid is not None:
                self._node_event(name, uid, "RemovingNode", f"Removing Node {name} from Controller")
            return None
        uid = node["metadata"].get("uid", "")
        if self._known.get(name) != uid:
            self._known[name] = uid
            self._node_event(name, uid, "RegisteredNode", f"Registered Node {name} in Controller")
        now = self.clock.now()
        observed = _ready_status(node)
        node = self._update_health(node, now)
        current = _ready_status(node)
        if observed == "True" and current != "True":
            log.info("node %s: kubelet stopped posting status, marking it %s", name, current)
            self.recorder.event(_node_ref(name, uid), "Normal", "NodeNotReady",
                                f"Node {name} status is now: NodeNotReady")
            self._retry.add(name)
        if name in self._retry:
            if current != "True":
                self._mark_pods_not_ready(name)
            else:
                self._retry.discard(name)
        self._sync_taints(node, now)
        return self.ctx.timings.node_monitor_period

    # ---- health ------------------------------------------------------------------------

    def _last_probe(self, node: dict[str, Any]) -> datetime | None:
        """The later of the Ready heartbeat (else creation) and the Lease's renewTime."""
        ready = get_condition(node, "Ready")
        stamp = (ready or {}).get("lastHeartbeatTime") or node["metadata"].get("creationTimestamp")
        times = [parse_time(stamp)] if stamp else []
        lease = self.store.try_get("Lease", LEASE_NAMESPACE, node["metadata"]["name"])
        renewed = ((lease or {}).get("spec") or {}).get("renewTime")
        if renewed:
            times.append(parse_time(renewed))
        return max(times) if times else None

    def _update_health(self, node: dict[str, Any], now: datetime) -> dict[str, Any]:
        probe = self._last_probe(node)
        if probe and (now - probe).total_seconds() <= self.ctx.timings.node_monitor_grace:
            return node
        status = clone(node.get("status") or {})
        conditions: list[dict[str, Any]] = status.setdefault("conditions", [])
        t = rfc3339(now)
        for ctype in _MONITORED:
            cond = next((c for c in conditions if c.get("type") == ctype), None)
            if cond is None:
                conditions.append({
                    "type": ctype, "status": "Unknown",
                    "lastHeartbeatTime": node["metadata"].get("creationTimestamp"),
                    "lastTransitionTime": t, "reason": "NodeStatusNeverUpdated",
                    "message": "Kubelet never posted node status.",
                })
            elif cond.get("status") != "Unknown":
                cond.update(status="Unknown", reason="NodeStatusUnknown",
                            message="Kubelet stopped posting node status.",
                            lastTransitionTime=t)
        if status == node.get("status"):
            return node
        new = clone(node)
        new["status"] = status
        return self.store.update(new, subresource="status")

    def _mark_pods_not_ready(self, node_name: str) -> None:
        now = rfc3339(self.clock.now())
        failed = False
        for pod in self.store.list("Pod", field_selector=f"spec.nodeName={node_name}"):
            ready = get_condition(pod, "Ready")
            if ready is None or ready.get("status") == "False":
                continue
            status = clone(pod.get("status") or {})
            set_condition(status, "Ready", "False", now)
            new = clone(pod)
            new["status"] = status
            try:
                updated = self.store.update(new, subresource="status")
            except NotFound:
                continue
            except Conflict:
                failed = True
                continue
            self.recorder.event(updated, "Warning", "NodeNotReady", "Node is not ready")
        if not failed:
            self._retry.discard(node_name)

    # ---- taints ------------------------------------------------------------------------

    def _sync_taints(self, node: dict[str, Any], now: datetime) -> None:
        want = desired_taints(node)
        taints = list((node.get("spec") or {}).get("taints") or [])
        kept = [t for t in taints if not _managed(t) or (t.get("key"), t.get("effect")) in want]
        have = {(t.get("key"), t.get("effect")) for t in kept}
        stamp = rfc3339(now)
        for effect in ("NoSchedule", "NoExecute"):
            for key in sorted(k for k, e in want - have if e == effect):
                kept.append({"key": key, "effect": effect, "timeAdded": stamp})
        if kept == taints:
            return
        new = clone(node)
        if kept:
            new.setdefault("spec", {})["taints"] = kept
        else:
            new.get("spec", {}).pop("taints", None)
        self.store.update(new)

    def _node_event(self, name: str, uid: str, reason: str, what: str) -> None:
        self.recorder.event(_node_ref(name, uid), "Normal", reason, f"Node {name} event: {what}")


def _ready_status(node: dict[str, Any]) -> str | None:
    ready = get_condition(node, "Ready")
    return None if ready is None else ready.get("status")


def _node_ref(name: str, uid: str) -> dict[str, Any]:
    """The reference node events are recorded against (no resourceVersion, as upstream)."""
    return {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "uid": uid}}
