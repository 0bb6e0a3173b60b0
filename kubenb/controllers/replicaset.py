"""The replicaset controller: keep spec.replicas pods alive (Kubernetes pkg/controller/replicaset).

Watches ReplicaSets (own key) and Pods (the ReplicaSet controlling them; an orphan pod
enqueues the ReplicaSets whose selector matches it). `reconcile` counts the active pods
the RS controls, creates the missing ones from its template (generateName `<rs>-`,
controller ownerReference) or deletes the extras in Kubernetes' victim order
(`pods_to_delete`, controller.ActivePodsWithRanks), records SuccessfulCreate /
SuccessfulDelete events and writes status (replicas, fullyLabeledReplicas,
readyReplicas, availableReplicas, observedGeneration). Pods it creates go to the
scheduler and kubelets; its status feeds the deployment controller.

Deviations: the store is read consistently, so there are no expectations and no slow-start
batches; orphan pods are adopted only when the RS is short of pods (upstream claims them
on every sync) and are looked for among the store's uncontrolled pods of the namespace
(Store.uncontrolled_pods), which keeps a sync O(own pods) instead of O(pods in the namespace).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Hashable
from datetime import datetime, timedelta

from kubenb.api.errors import ApiError, NotFound
from kubenb.api.objects import Key, Obj, WatchEvent, clone
from kubenb.api.pods import controller_ref, get_condition, is_pod_active, is_pod_ready, owner_of
from kubenb.api.selectors import Selector, from_label_selector, from_map
from kubenb.clock import parse_time, rfc3339
from kubenb.config import Context
from kubenb.controllers.base import Controller, Watch, own_key, owner_keys
from kubenb.controllers.podcontrol import create_pod, delete_pod
from kubenb.controllers.podfacts import PodFacts, PodFactsCache, SelectorCache, pod_facts

DELETION_COST = "controller.kubernetes.io/pod-deletion-cost"
_PHASE_ORDINAL = {"Pending": 0, "Unknown": 1, "Running": 2}
# Availability needs ready-time + minReadySeconds to be strictly in the past; requeue a hair later.
_AVAILABLE_SLACK = 0.001
# A ReplicaSet's pod-event bursts are held one `controller_coalesce` per this many pods
PODS_PER_COALESCE = 50


# ---- pod facts ------------------------------------------------------------------------

def ready_time(pod: Obj) -> datetime | None:
    """lastTransitionTime of a true Ready condition (None: not ready or no time)."""
    cond = get_condition(pod, "Ready")
    if cond is None or cond.get("status") != "True" or not cond.get("lastTransitionTime"):
        return None
    return parse_time(cond["lastTransitionTime"])


def available_in(pod: Obj, min_ready_seconds: int, now: datetime) -> float | None:
    """0 if the pod is available (podutil.IsPodAvailable), seconds to wait if it will be, None if not ready."""
    return facts_available_in(pod_facts(pod), min_ready_seconds, now)


def facts_available_in(facts: PodFacts, min_ready_seconds: int, now: datetime) -> float | None:
    """`available_in` from a pod's facts (kubenb/controllers/podfacts.py)."""
    if not facts.ready:
        return None
    if min_ready_seconds <= 0:
        return 0.0
    if facts.ready_since is None:
        return None
    due = facts.ready_since + timedelta(seconds=min_ready_seconds)
    return 0.0 if due < now else (due - now).total_seconds() + _AVAILABLE_SLACK


def _max_restarts(pod: Obj) -> tuple[int, int]:
    """(regular containers' max restarts, restartable init (sidecar) containers' max)."""
    status = pod.get("status") or {}
    regular = max((int(c.get("restartCount") or 0) for c in status.get("containerStatuses") or []), default=0)
    sidecars = {c.get("name") for c in (pod.get("spec") or {}).get("initContainers") or []
                if c.get("restartPolicy") == "Always"}
    sidecar = max((int(c.get("restartCount") or 0) for c in status.get("initContainerStatuses") or []
                   if c.get("name") in sidecars), default=0)
    return regular, sidecar


def _deletion_cost(pod: Obj) -> int:
    try:
        return int((pod["metadata"].get("annotations") or {}).get(DELETION_COST, "0"))
    except ValueError:
        return 0


def _log_rank(t: datetime, now: datetime) -> int:
    nanos = (now - t).total_seconds() * 1e9
    return int(math.log2(nanos)) if nanos > 0 else -1


def _time_less(t1: datetime | None, t2: datetime | None, uid1: str, uid2: str, now: datetime) -> bool:
    """Newer first, zero times first, same power-of-two age bucket decided by UID (LogarithmicScaleDown)."""
    if t1 is None or t2 is None:
        return t1 is None
    diff = _log_rank(t1, now) - _log_rank(t2, now)
    if diff == 0:
        return uid1 < uid2
    return diff < 0


def _less(a: Obj, b: Obj, rank_a: int, rank_b: int, now: datetime) -> bool:
    """ActivePodsWithRanks.Less: True if `a` should be deleted before `b`."""
    node_a, node_b = a["spec"].get("nodeName") or "", b["spec"].get("nodeName") or ""
    if node_a != node_b and (not node_a or not node_b):
        return not node_a  # 1. unassigned < assigned
    pa = _PHASE_ORDINAL.get((a.get("status") or {}).get("phase", ""), 0)
    pb = _PHASE_ORDINAL.get((b.get("status") or {}).get("phase", ""), 0)
    if pa != pb:
        return pa < pb  # 2. Pending < Unknown < Running
    ready_a, ready_b = is_pod_ready(a), is_pod_ready(b)
    if ready_a != ready_b:
        return not ready_a  # 3. not ready < ready
    cost_a, cost_b = _deletion_cost(a), _deletion_cost(b)
    if cost_a != cost_b:
        return cost_a < cost_b  # 4. lower pod-deletion-cost first
    if rank_a != rank_b:
        return rank_a > rank_b  # 5. doubled up on a node < not doubled up
    uid_a, uid_b = a["metadata"].get("uid", ""), b["metadata"].get("uid", "")
    if ready_a and ready_b:  # 6. ready for less time < more time
        ta, tb = ready_time(a), ready_time(b)
        if ta != tb:
            return _time_less(ta, tb, uid_a, uid_b, now)
    ra, rb = _max_restarts(a), _max_restarts(b)
    if ra != rb:  # 7. more restarts first
        return ra[0] > rb[0] if ra[0] != rb[0] else ra[1] > rb[1]
    ca, cb = a["metadata"].get("creationTimestamp"), b["metadata"].get("creationTimestamp")
    if ca != cb:  # 8. newer first
        return _time_less(parse_time(ca) if ca else None, parse_time(cb) if cb else None, uid_a, uid_b, now)
    return False


def pods_to_delete(pods: list[Obj], related: list[Obj], diff: int, now: datetime) -> list[Obj]:
    """getPodsToDelete: the `diff` pods to remove, ranked by ActivePodsWithRanks."""
    if diff >= len(pods):
        return pods[:diff]
    on_node: dict[str, int] = {}
    for p in related:
        if is_pod_active(p):
            node = p["spec"].get("nodeName") or ""
            on_node[node] = on_node.get(node, 0) + 1
    ranked = [(p, on_node.get(p["spec"].get("nodeName") or "", 0)) for p in pods]

    def cmp(x: tuple[Obj, int], y: tuple[Obj, int]) -> int:
        if _less(x[0], y[0], x[1], y[1], now):
            return -1
        return 1 if _less(y[0], x[0], y[1], x[1], now) else 0

    return [p for p, _ in sorted(ranked, key=functools.cmp_to_key(cmp))[:diff]]


# ---- the controller -------------------------------------------------------------------

class ReplicaSetController(Controller):
    """Also the ReplicationController's controller: subclasses set `kind` and `selector`."""

    name = "replicaset-controller"
    kind = "ReplicaSet"

    @staticmethod
    def selector(rs: Obj) -> Selector:
        """The owner's pod selector (a LabelSelector here, a plain map for an RC)."""
        return from_label_selector(rs["spec"].get("selector"))

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.facts = PodFactsCache()
        self.selectors = SelectorCache()

    def watches(self) -> list[Watch]:
        return [Watch(self.kind, self._own_keys),
                Watch("Pod", self._pod_keys, coalesce=self.ctx.timings.controller_coalesce)]

    def coalesce_for(self, key: Hashable, base: float) -> float:
        """Pod bursts of a big ReplicaSet are held longer: a sync walks all its pods, so a
        1,000-pod set is synced at most once a second (`base` per 50 pods) and the work per
        pod event stays flat as the set grows."""
        assert isinstance(key, Key)
        rs = self.store.try_get(self.kind, key.namespace, key.name)
        if rs is None:
            return base
        owned = self.store.dependents_count(rs["metadata"]["uid"])
        return base * max(1.0, owned / PODS_PER_COALESCE)

    def _own_keys(self, event: WatchEvent) -> list[Hashable]:
        if event["type"] == "DELETED":
            self.selectors.drop(event["object"]["metadata"].get("uid") or "")
        return own_key(event)

    def _pod_keys(self, event: WatchEvent) -> list[Hashable]:
        keys = owner_keys(self.kind)(event)
        pod = event["object"]
        if event["type"] == "DELETED":
            self.facts.drop(pod)
        if keys or owner_of(pod) is not None or event["type"] == "DELETED":
            return keys
        ns = pod["metadata"].get("namespace") or ""
        labels = pod["metadata"].get("labels") or {}
        return [
            Key(self.kind, ns, rs["metadata"]["name"])
            for rs in self.store.list(self.kind, ns)
            if self.selector(rs).matches(labels)
        ]

    def reconcile(self, key: Key) -> float | None:
        rs = self.store.try_get(self.kind, key.namespace, key.name)
        if rs is None:
            return None
        uid = rs["metadata"]["uid"]
        selector = self.selectors.get(uid, "selector", rs["spec"].get("selector"),
                                      lambda _: self.selector(rs))
        active = [(p, f) for p, f in self._claim_pods(rs, selector) if f.active]
        error: tuple[str, ApiError] | None = None
        if not rs["metadata"].get("deletionTimestamp"):
            diff = len(active) - int(rs["spec"].get("replicas", 1))
            if diff < 0:
                adopted = self._adopt_orphans(rs, selector, -diff)
                active += [(p, self.facts.get(p)) for p in adopted]
                error = self._create_pods(rs, -diff - len(adopted))
            elif diff > 0:
                error = self._delete_pods(rs, [p for p, _ in active], diff)
        return self._update_status(rs, [f for _, f in active], error)

    # ---- claiming ---------------------------------------------------------------------

    def _claim_pods(self, rs: Obj, selector: Selector) -> list[tuple[Obj, PodFacts]]:
        """Pods this RS controls, with their facts (one read a sync); controlled pods that
        stopped matching are released."""
        uid = rs["metadata"]["uid"]
        out = []
        for p in self.store.dependents(uid):
            if p.get("kind") != "Pod":
                continue
            facts = self.facts.get(p)
            if facts.controller_uid != uid:
                continue
            if facts.selected_by(selector):
                out.append((p, facts))
            elif facts.active:
                self._release(p, uid)
        return out

    def _release(self, pod: Obj, uid: str) -> None:
        new = clone(pod)
        new["metadata"]["ownerReferences"] = [
            r for r in new["metadata"].get("ownerReferences") or [] if r.get("uid") != uid]
        if not new["metadata"]["ownerReferences"]:
            del new["metadata"]["ownerReferences"]
        try:
            self.store.update(new)
        except NotFound:
            pass

    def _adopt_orphans(self, rs: Obj, selector: Selector, wanted: int) -> list[Obj]:
        adopted: list[Obj] = []
        if selector.empty() or selector.nothing:
            return adopted
        for p in self.store.uncontrolled_pods(rs["metadata"]["namespace"]):  # not all pods
            if len(adopted) >= wanted:
                break
            if owner_of(p) is not None or not is_pod_active(p) or \
                    not selector.matches(p["metadata"].get("labels") or {}):
                continue
            new = clone(p)
            new["metadata"]["ownerReferences"] = [
                *(new["metadata"].get("ownerReferences") or []), controller_ref(rs)]
            adopted.append(self.store.update(new))
        return adopted

    # ---- creating and deleting --------------------------------------------------------

    def pod_from_template(self, rs: Obj) -> Obj:
        """controller.GetPodFromTemplate."""
        template = rs["spec"].get("template") or {}
        tmeta = template.get("metadata") or {}
        meta: Obj = {"generateName": rs["metadata"]["name"] + "-", "namespace": rs["metadata"]["namespace"]}
        for field in ("labels", "annotations", "finalizers"):
            if tmeta.get(field):
                meta[field] = clone(tmeta[field])
        meta["ownerReferences"] = [controller_ref(rs)]
        return {"apiVersion": "v1", "kind": "Pod", "metadata": meta,
                "spec": clone(template.get("spec") or {})}

    def _create_pods(self, rs: Obj, count: int) -> tuple[str, ApiError] | None:
        for _ in range(count):
            try:
                create_pod(self.store, self.recorder, rs, self.pod_from_template(rs))
            except ApiError as err:
                return "FailedCreate", err
        return None

    def _related_pods(self, rs: Obj) -> list[Obj]:
        """Active pods of every RS with the same controller (getIndirectlyRelatedPods)."""
        owner = owner_of(rs)
        siblings = [rs] if owner is None else [
            o for o in self.store.dependents(owner["uid"])
            if o.get("kind") == self.kind and (owner_of(o) or {}).get("uid") == owner["uid"]
        ]
        return [p for s in siblings for p in self.store.dependents(s["metadata"]["uid"])
                if p.get("kind") == "Pod" and (owner_of(p) or {}).get("uid") == s["metadata"]["uid"]]

    def _delete_pods(self, rs: Obj, active: list[Obj], diff: int) -> tuple[str, ApiError] | None:
        victims = pods_to_delete(active, self._related_pods(rs), diff, self.clock.now())
        for pod in victims:
            try:
                delete_pod(self.store, self.recorder, rs, pod)
            except ApiError as err:
                return "FailedDelete", err
        return None

    # ---- status -----------------------------------------------------------------------

    def _update_status(self, rs: Obj, active: list[PodFacts],
                       error: tuple[str, ApiError] | None) -> float | None:
        now = self.clock.now()
        min_ready = int(rs["spec"].get("minReadySeconds") or 0)
        tmeta = (rs["spec"].get("template") or {}).get("metadata") or {}
        template_labels = self.selectors.get(rs["metadata"]["uid"], "template", tmeta.get("labels"),
                                             from_map)
        fully = ready = available = 0
        wait: float | None = None
        for facts in active:
            if template_labels.empty() or template_labels.nothing or facts.selected_by(template_labels):
                fully += 1
            left = facts_available_in(facts, min_ready, now)
            if left is None:
                continue
            ready += 1
            if left == 0:
                available += 1
            else:
                wait = left if wait is None else min(wait, left)
        status: Obj = {"replicas": len(active)}
        for key, value in (("fullyLabeledReplicas", fully), ("readyReplicas", ready),
                           ("availableReplicas", available),
                           ("observedGeneration", int(rs["metadata"].get("generation") or 0))):
            if value:
                status[key] = value
        conditions = [c for c in (rs.get("status") or {}).get("conditions") or []
                      if c.get("type") != "ReplicaFailure"]
        failure = next((c for c in (rs.get("status") or {}).get("conditions") or []
                        if c.get("type") == "ReplicaFailure"), None)
        if error is not None and failure is None:
            conditions.append({"type": "ReplicaFailure", "status": "True", "lastTransitionTime": rfc3339(now),
                               "reason": error[0], "message": str(error[1])})
        elif error is not None:
            conditions.append(failure)  # type: ignore[arg-type]
        if conditions:
            status["conditions"] = conditions
        if status != (rs.get("status") or {}):
            new = clone(rs)
            new["status"] = status
            self.store.update(new, subresource="status")
        return wait


class ReplicationControllerController(ReplicaSetController):
    """pkg/controller/replication: the ReplicaSet logic over a v1 RC and its map selector."""

    name = "replication-controller"
    kind = "ReplicationController"

    @staticmethod
    def selector(rs: Obj) -> Selector:
        return from_map(rs["spec"].get("selector"))
