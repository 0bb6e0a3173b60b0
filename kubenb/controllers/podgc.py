"""The pod garbage collector's orphan pass (Kubernetes pkg/controller/podgc, gcOrphaned).

Watches Nodes: when one is deleted, the pods still bound to it (`spec.nodeName` naming a
node that no longer exists: a DaemonSet's pod the drain left alone, a mirror pod) are
orphans. No kubelet will ever finish them, so after a quarantine — upstream waits 40 s
before it trusts that the node is really gone; here `timings.node_monitor_grace`, the
shortened node-monitor grace that stands for the same 40 s — each is marked with the
`DisruptionTarget` condition (reason DeletionByPodGC) and deleted with grace 0.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from kubenb.api.errors import ApiError
from kubenb.api.objects import WatchEvent, clone, stamp
from kubenb.config import Context
from kubenb.controllers.base import Controller, Watch

ORPHANS = "orphans"  # the one key: every orphan is looked at together


class PodGCController(Controller):
    name = "pod-garbage-collector"

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self._seen: dict[str, float] = {}  # pod uid -> when it was first found orphaned

    def watches(self) -> list[Watch]:
        return [Watch("Node", self._on_node)]

    def _on_node(self, event: WatchEvent) -> list[Hashable]:
        return [ORPHANS] if event["type"] == "DELETED" else []

    def reconcile(self, key: Hashable) -> float | None:
        nodes = {n["metadata"]["name"] for n in self.store.list("Node")}
        quarantine = self.ctx.timings.node_monitor_grace
        now = self.clock.monotonic()
        again: float | None = None
        for pod in self.store.list("Pod"):
            node = pod["spec"].get("nodeName")
            if not node or node in nodes:
                continue
            first = self._seen.setdefault(pod["metadata"]["uid"], now)
            if now - first < quarantine:
                left = quarantine - (now - first)
                again = left if again is None else min(again, left)
                continue
            self._delete(pod)
        return again

    def _delete(self, pod: dict[str, Any]) -> None:
        meta = pod["metadata"]
        self._seen.pop(meta["uid"], None)
        marked = clone(pod)
        conditions = marked.setdefault("status", {}).setdefault("conditions", [])
        conditions.append({"type": "DisruptionTarget", "status": "True",
                           "reason": "DeletionByPodGC",
                           "message": "PodGC: node no longer exists",
                           "lastTransitionTime": stamp(self.clock.now())})
        if marked["status"].get("phase") not in ("Succeeded", "Failed"):
            marked["status"]["phase"] = "Failed"
        try:
            self.store.update(marked, subresource="status")
        except ApiError:
            pass
        try:
            self.store.delete("Pod", meta["namespace"], meta["name"], grace_period_seconds=0,
                              uid=meta["uid"])
        except ApiError:
            pass
