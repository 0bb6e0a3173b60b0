"""The taint eviction controller: pods leave nodes whose NoExecute taints they do not tolerate.

Watches Nodes (own key) and Pods (their node's key). `reconcile(node)` looks at every pod
bound to the node against the node's NoExecute taints (the node lifecycle controller puts
`node.kubernetes.io/unreachable` / `not-ready` there when a node dies):

- a pod that does not tolerate every NoExecute taint is deleted at once;
- a pod that tolerates them for `tolerationSeconds` (the DefaultTolerationSeconds
  admission gives every pod such tolerations) is deleted when that long has passed since
  its eviction was first planned (the earliest `timeAdded` of the taints); reconcile asks
  to be called again then;
- a planned eviction whose reason went away (taints removed, toleration changed to
  forever) is cancelled.

Events (component taint-eviction-controller): `TaintManagerEviction` "Marking for deletion
Pod <ns>/<name>" and "Cancelling deletion of Pod <ns>/<name>". Before deleting, the pod
gets the DisruptionTarget condition. The deletion is the normal graceful one, so a pod on
a dead node stays Terminating (its kubelet is gone) while its ReplicaSet replaces it.
"""

from __future__ import annotations

import logging
from collections.abc import Hashable
from datetime import datetime
from typing import Any

from kubenb.api.errors import Conflict, NotFound
from kubenb.api.objects import Key, WatchEvent, clone
from kubenb.api.pods import set_condition
from kubenb.clock import parse_time, rfc3339
from kubenb.config import Context
from kubenb.controllers.base import Controller, Watch, own_key

log = logging.getLogger("kubenb.controllers.tainteviction")

PodName = tuple[str, str]


def tolerates(toleration: dict[str, Any], taint: dict[str, Any]) -> bool:
    """Toleration.ToleratesTaint: effect, key and (for Equal) value must match."""
    effect = toleration.get("effect") or ""
    if effect and effect != taint.get("effect"):
        return False
    key = toleration.get("key") or ""
    operator = toleration.get("operator") or "Equal"
    if key and key != taint.get("key"):
        return False
    if operator == "Exists":
        return True
    if operator == "Equal":
        return bool(key) and (toleration.get("value") or "") == (taint.get("value") or "")
    return False


def matching_tolerations(
    taints: list[dict[str, Any]], tolerations: list[dict[str, Any]]
) -> tuple[bool, list[dict[str, Any]]]:
    """(every taint tolerated?, the tolerations used) as v1helper.GetMatchingTolerations."""
    used: list[dict[str, Any]] = []
    for taint in taints:
        match = next((t for t in tolerations if tolerates(t, taint)), None)
        if match is None:
            return False, []
        used.append(match)
    return True, used


def min_toleration_seconds(used: list[dict[str, Any]]) -> float | None:
    """The shortest tolerationSeconds (0 if any is <= 0); None means forever."""
    if not used:
        return 0.0
    limits = [t["tolerationSeconds"] for t in used if t.get("tolerationSeconds") is not None]
    if not limits:
        return None
    return float(max(0, min(int(v) for v in limits)))


def no_execute_taints(node: dict[str, Any]) -> list[dict[str, Any]]:
    return [t for t in (node.get("spec") or {}).get("taints") or []
            if t.get("effect") == "NoExecute"]


class TaintEvictionController(Controller):
    name = "taint-eviction-controller"

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        # pod -> (node, when its eviction was planned): upstream's timed work queue
        self._planned: dict[PodName, tuple[str, datetime]] = {}

    def watches(self) -> list[Watch]:
        return [Watch("Node", own_key), Watch("Pod", _node_of_pod)]

    def reconcile(self, key: Key) -> float | None:
        node_name = key.name
        node = self.store.try_get("Node", None, node_name)
        if node is None:  # upstream forgets a deleted node's plans without events
            for name in [n for n, (nd, _) in self._planned.items() if nd == node_name]:
                del self._planned[name]
            return None
        taints = no_execute_taints(node)
        if not taints and not self._planned:
            return None  # nothing to plan, nothing to cancel: the pod loop below is a no-op
        pods = self.store.list("Pod", field_selector=f"spec.nodeName={node_name}")
        now = self.clock.now()
        seen: set[PodName] = set()
        next_due: float | None = None
        for pod in pods:
            meta = pod["metadata"]
            name = (meta["namespace"], meta["name"])
            seen.add(name)
            if meta.get("deletionTimestamp"):
                self._planned.pop(name, None)
                continue
            if not taints:
                self._cancel(name)
                continue
            ok, used = matching_tolerations(taints, (pod.get("spec") or {}).get("tolerations") or [])
            if not ok:
                self._evict(pod)
                continue
            limit = min_toleration_seconds(used)
            if limit is None:
                self._cancel(name)
                continue
            planned = self._planned.get(name)
            if planned is None or planned[0] != node_name:
                planned = (node_name, _earliest_added(taints, now))
                self._planned[name] = planned
            remaining = limit - (now - planned[1]).total_seconds()
            if remaining <= 0:
                self._evict(pod)
            else:
                next_due = remaining if next_due is None else min(next_due, remaining)
        for name in [n for n, (nd, _) in self._planned.items() if nd == node_name and n not in seen]:
            del self._planned[name]  # the pod is gone or moved
        return next_due

    def _cancel(self, name: PodName) -> None:
        if self._planned.pop(name, None) is not None:
            self.recorder.event(_pod_ref(*name), "Normal", "TaintManagerEviction",
                                f"Cancelling deletion of Pod {name[0]}/{name[1]}")

    def _evict(self, pod: dict[str, Any]) -> None:
        meta = pod["metadata"]
        ns, name = meta["namespace"], meta["name"]
        self._planned.pop((ns, name), None)
        log.info("evicting pod %s/%s from node %s", ns, name, pod["spec"].get("nodeName"))
        self.recorder.event(_pod_ref(ns, name), "Normal", "TaintManagerEviction",
                            f"Marking for deletion Pod {ns}/{name}")
        status = clone(pod.get("status") or {})
        if set_condition(status, "DisruptionTarget", "True", rfc3339(self.clock.now()),
                         "DeletionByTaintManager",
                         "Taint manager: deleting due to NoExecute taint", probe_time=True):
            new = clone(pod)
            new["status"] = status
            try:
                self.store.update(new, subresource="status")
            except (NotFound, Conflict):
                pass  # the delete below still applies
        try:
            self.store.delete("Pod", ns, name, uid=meta.get("uid"))
        except (NotFound, Conflict):
            pass


def _earliest_added(taints: list[dict[str, Any]], default: datetime) -> datetime:
    times = [parse_time(t["timeAdded"]) for t in taints if t.get("timeAdded")]
    return min(times) if times else default


def _pod_ref(namespace: str, name: str) -> dict[str, Any]:
    """What upstream records events against: a reference without uid."""
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"namespace": namespace, "name": name}}


def _node_of_pod(event: WatchEvent) -> list[Hashable]:
    node = (event["object"].get("spec") or {}).get("nodeName")
    return [Key("Node", "", node)] if node else []
