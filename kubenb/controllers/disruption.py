"""The disruption controller: PodDisruptionBudget status (Kubernetes pkg/controller/disruption).

Watches PodDisruptionBudgets (own key), Pods (the budgets of the pod's namespace whose selector
matches it, before and after the change) and the scalable owners of pods (every budget of
their namespace, since the expected pod count follows their `spec.replicas`). `reconcile`
lists the budget's pods and writes status: expectedPods (the pods' controllers' scale, or
the pod count for an integer minAvailable), desiredHealthy, currentHealthy (ready pods that
are neither terminating nor recently evicted), disruptionsAllowed = current − desired,
disruptedPods (evictions not yet seen through; an entry expires after DELETION_TIMEOUT),
observedGeneration and the DisruptionAllowed condition (SufficientPods / InsufficientPods;
SyncFailed when the expected count cannot be worked out). The eviction subresource
(kubenb/api/eviction.py) spends disruptionsAllowed and adds to disruptedPods; this controller
makes it right again from the pods.

The expected scale of a pod's controller is read generically: a ReplicaSet owned by a
Deployment counts as the Deployment; any other owner counts with its own `spec.replicas`
(what the scale subresource reports), so new scalable kinds need nothing here.
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from datetime import timedelta

from kubenb.api.eviction import disruption_allowed_condition
from kubenb.api.objects import Key, Obj, WatchEvent, clone
from kubenb.api.pods import is_pod_ready, set_condition
from kubenb.api.registry import UnknownResource
from kubenb.api.validation_meta import selector_is_empty, selector_matches
from kubenb.clock import parse_time, rfc3339
from kubenb.controllers.base import Controller, Watch, own_key

DELETION_TIMEOUT = 120.0  # seconds an eviction may take before the pod counts again (2 min)
SCALABLE_OWNERS = ("Deployment", "ReplicaSet", "StatefulSet", "ReplicationController")


class ExpectedScaleError(Exception):
    """The budget's pods' controllers cannot be found or have no scale."""


def scaled_value(value: int | str, total: int) -> int:
    """intstr.GetScaledValueFromIntOrPercent with roundUp."""
    if isinstance(value, int):
        return value
    return math.ceil(int(value.rstrip("%")) * total / 100)


class DisruptionController(Controller):
    name = "disruption-controller"

    def watches(self) -> list[Watch]:
        coalesce = self.ctx.timings.controller_coalesce
        return [Watch("PodDisruptionBudget", own_key),
                Watch("Pod", self._pod_keys, coalesce=coalesce),
                *(Watch(kind, self._namespace_keys, coalesce=coalesce) for kind in SCALABLE_OWNERS)]

    def _budgets(self, namespace: str) -> list[Obj]:
        return self.store.list("PodDisruptionBudget", namespace)

    def _pod_keys(self, event: WatchEvent) -> list[Hashable]:
        objs = [event["object"]]
        ns = event["object"]["metadata"].get("namespace") or ""
        keys: list[Hashable] = []
        for pdb in self._budgets(ns):
            selector = (pdb.get("spec") or {}).get("selector")
            if selector is None or selector_is_empty(selector):
                continue
            if any(selector_matches(selector, o["metadata"].get("labels")) for o in objs):
                keys.append(Key("PodDisruptionBudget", ns, pdb["metadata"]["name"]))
        return keys

    def _namespace_keys(self, event: WatchEvent) -> list[Hashable]:
        ns = event["object"]["metadata"].get("namespace") or ""
        return [Key("PodDisruptionBudget", ns, p["metadata"]["name"]) for p in self._budgets(ns)]

    # ---- reconcile --------------------------------------------------------------------

    def _pods(self, pdb: Obj) -> list[Obj]:
        selector = (pdb.get("spec") or {}).get("selector")
        if selector is None or selector_is_empty(selector):
            return []
        return [p for p in self.store.list("Pod", pdb["metadata"]["namespace"])
                if selector_matches(selector, p["metadata"].get("labels"))]

    def reconcile(self, key: Key) -> float | None:
        pdb = self.store.try_get("PodDisruptionBudget", key.namespace, key.name)
        if pdb is None or pdb["metadata"].get("deletionTimestamp"):
            return None
        pods = self._pods(pdb)
        if not pods:
            self.recorder.event(pdb, "Normal", "NoPods", "No matching pods found")
        try:
            expected, desired = self._expected(pdb, pods)
        except ExpectedScaleError as err:
            self.recorder.event(pdb, "Warning", "CalculateExpectedPodCountFailed",
                                f"Failed to calculate the number of expected pods: {err}")
            return self._fail_safe(pdb, str(err))
        disrupted, recheck = self._disrupted(pdb, pods)
        healthy = sum(1 for p in pods if not p["metadata"].get("deletionTimestamp")
                      and p["metadata"]["name"] not in disrupted and is_pod_ready(p))
        self._write(pdb, healthy, desired, expected, disrupted)
        return recheck

    def _expected(self, pdb: Obj, pods: list[Obj]) -> tuple[int, int]:
        """getExpectedPodCount: (expectedPods, desiredHealthy)."""
        spec = pdb.get("spec") or {}
        if spec.get("maxUnavailable") is not None:
            expected = self._expected_scale(pods)
            desired = max(expected - scaled_value(spec["maxUnavailable"], expected), 0)
            return expected, desired
        min_available = spec.get("minAvailable")
        if isinstance(min_available, int):
            return len(pods), min_available
        if min_available is not None:
            expected = self._expected_scale(pods)
            return expected, scaled_value(min_available, expected)
        return len(pods), 0

    def _expected_scale(self, pods: list[Obj]) -> int:
        """getExpectedScale: the sum of the scales of the pods' distinct controllers."""
        scales: dict[str, int] = {}
        for pod in pods:
            ref = next((r for r in pod["metadata"].get("ownerReferences") or [] if r.get("controller")), None)
            if ref is None:
                raise ExpectedScaleError(f'found no controller ref for pod "{pod["metadata"]["name"]}"')
            owner = self._scalable(pod["metadata"]["namespace"], ref)
            if owner is None:
                raise ExpectedScaleError(f'found no controllers for pod "{pod["metadata"]["name"]}"')
            uid, replicas = owner
            scales[uid] = replicas
        return sum(scales.values())

    def _scalable(self, namespace: str, ref: Obj) -> tuple[str, int] | None:
        try:
            owner = self.store.try_get(ref.get("kind", ""), namespace, ref.get("name", ""))
        except UnknownResource:
            return None
        if owner is None or owner["metadata"].get("uid") != ref.get("uid"):
            return None
        if owner.get("kind") == "ReplicaSet":  # a Deployment's ReplicaSet scales with it
            parent = next((r for r in owner["metadata"].get("ownerReferences") or []
                           if r.get("controller") and r.get("kind") == "Deployment"), None)
            if parent is not None:
                return self._scalable(namespace, parent)
        replicas = (owner.get("spec") or {}).get("replicas")
        if not isinstance(replicas, int):
            return None
        return owner["metadata"]["uid"], replicas

    def _disrupted(self, pdb: Obj, pods: list[Obj]) -> tuple[dict[str, str], float | None]:
        """buildDisruptedPodMap: evictions still expected to finish, and when to look again."""
        by_name = {p["metadata"]["name"]: p for p in pods}
        now = self.clock.now()
        kept: dict[str, str] = {}
        recheck: float | None = None
        for name, stamp in ((pdb.get("status") or {}).get("disruptedPods") or {}).items():
            pod = by_name.get(name)
            if pod is None or pod["metadata"].get("deletionTimestamp"):
                continue
            due = parse_time(stamp) + timedelta(seconds=DELETION_TIMEOUT)
            if due < now:
                self.recorder.event(pdb, "Warning", "NotDeleted",
                                    f"Pod {pod['metadata']['namespace']}/{name} was expected to be "
                                    f"deleted at {rfc3339(due)} but it wasn't, updating pdb")
                continue
            kept[name] = stamp
            left = (due - now).total_seconds()
            recheck = left if recheck is None else min(recheck, left)
        return kept, recheck

    def _write(self, pdb: Obj, healthy: int, desired: int, expected: int,
               disrupted: dict[str, str]) -> None:
        allowed = healthy - desired
        if expected <= 0 or allowed <= 0:
            allowed = 0
        old = pdb.get("status") or {}
        status: Obj = {k: v for k, v in old.items() if k == "conditions"}
        status.update({"disruptionsAllowed": allowed, "currentHealthy": healthy,
                       "desiredHealthy": desired, "expectedPods": expected,
                       "observedGeneration": int(pdb["metadata"].get("generation") or 0)})
        if disrupted:
            status["disruptedPods"] = disrupted
        status["conditions"] = clone(status.get("conditions") or [])
        disruption_allowed_condition(status, status["observedGeneration"], rfc3339(self.clock.now()))
        self._put(pdb, status)

    def _fail_safe(self, pdb: Obj, message: str) -> None:
        """failSafe: no disruption while the budget cannot be worked out."""
        status = clone(pdb.get("status") or {})
        status["disruptionsAllowed"] = 0
        status["observedGeneration"] = int(pdb["metadata"].get("generation") or 0)
        set_condition(status, "DisruptionAllowed", "False", rfc3339(self.clock.now()), "SyncFailed", message)
        self._put(pdb, status)

    def _put(self, pdb: Obj, status: Obj) -> None:
        if status == (pdb.get("status") or {}):
            return
        new = clone(pdb)
        new["status"] = status
        self.store.update(new, subresource="status")
