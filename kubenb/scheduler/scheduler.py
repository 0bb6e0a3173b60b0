"""kube-scheduler's default profile as a controller: one pod per reconcile.

Watches Pods and Nodes. A pod is queued when it is unbound, asks for "default-scheduler",
is not being deleted, has no scheduling gates, and changed since its last failed attempt
(its own status write does not bring it back). Pods that failed are queued again when the
cluster changes in a way that could help — a node appears or its labels, taints,
cordon, allocatable or readiness change; a bound pod is deleted or finishes; a claim
changes — and at least every `timings.scheduler_retry` seconds. Pods whose claims are
missing or unbound fail VolumeBinding's PreFilter (volumebinding.py) before any filter.

`reconcile(key)` reads the pod from the store, brings the node cache up to date
(cache.py), runs the filters (filters.py) — on a cluster of 100 nodes or more only until
`num_feasible_nodes_to_find` nodes fit, starting where the last pod stopped, as upstream's
adaptive percentageOfNodesToScore does — scores the nodes that pass (scores.py), picks the
best (ties broken by ctx.rng), binds with `store.bind` and records "Scheduled". When no node
fits it asks DefaultPreemption (preemption.py), records FailedScheduling with upstream's
message (diagnosis.py) and writes PodScheduled=False/Unschedulable to the pod's status
(only if that changes it). The kubelet on the chosen node takes the pod from there.
"""

from __future__ import annotations

import logging
from collections.abc import Hashable
from typing import Any

from kubenb.api.objects import Key, WatchEvent, clone
from kubenb.api.pods import condition_true, is_pod_terminal, set_condition
from kubenb.clock import rfc3339
from kubenb.config import Context
from kubenb.controllers.base import Controller, Watch
from kubenb.scheduler.cache import NodeInfo, SchedulerCache
from kubenb.scheduler.diagnosis import NO_NODES, Diagnosis, fit_error, truncate
from kubenb.scheduler.filters import (
    ERR_AFFINITY_CONFLICT,
    MISSING,
    UNRESOLVABLE,
    PodFacts,
    filter_key,
    prefilter_node_names,
    run_filters,
    run_filters_memo,
)
from kubenb.scheduler.preemption import evict, preempt
from kubenb.scheduler.scores import score_nodes
from kubenb.scheduler.volumebinding import select_node, volume_prefilter

log = logging.getLogger("kubenb.scheduler")

SCHEDULER_NAME = "default-scheduler"
# percentageOfNodesToScore left at its default (0: adaptive), as kubeadm leaves it
MIN_FEASIBLE_NODES_TO_FIND = 100
MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5
BASE_PERCENTAGE_OF_NODES_TO_SCORE = 50


def num_feasible_nodes_to_find(num_all_nodes: int) -> int:
    """numFeasibleNodesToFind: every node of a cluster under 100 nodes; of a bigger one,
    50 % less one point per 125 nodes (at least 5 %, at least 100 nodes)."""
    if num_all_nodes < MIN_FEASIBLE_NODES_TO_FIND:
        return num_all_nodes
    percentage = max(MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND,
                     BASE_PERCENTAGE_OF_NODES_TO_SCORE - num_all_nodes // 125)
    return max(MIN_FEASIBLE_NODES_TO_FIND, num_all_nodes * percentage // 100)


def responsible(pod: dict[str, Any]) -> bool:
    """An unbound, live, ungated pod for this scheduler."""
    spec = pod.get("spec") or {}
    return (
        not spec.get("nodeName")
        and (spec.get("schedulerName") or SCHEDULER_NAME) == SCHEDULER_NAME
        and not pod["metadata"].get("deletionTimestamp")
        and not spec.get("schedulingGates")
        and not is_pod_terminal(pod)
    )


def node_fingerprint(node: dict[str, Any]) -> tuple[Any, ...]:
    """The parts of a Node that can change a scheduling decision (not heartbeats)."""
    spec, status = node.get("spec") or {}, node.get("status") or {}
    taints = tuple((t.get("key"), t.get("value"), t.get("effect")) for t in spec.get("taints") or [])
    return (
        tuple(sorted((node["metadata"].get("labels") or {}).items())),
        bool(spec.get("unschedulable")),
        taints,
        tuple(sorted((status.get("allocatable") or {}).items())),
        condition_true(node, "Ready"),
    )


class Scheduler(Controller):
    name = SCHEDULER_NAME

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.cache = SchedulerCache(ctx.store)
        self.rng = ctx.rng
        self._unschedulable: dict[Key, int] = {}  # pod -> its generation when it last failed
        self._finished: set[Key] = set()  # bound pods already seen terminal
        self._nodes_seen: dict[str, tuple[Any, ...]] = {}
        self._next_start_node_index = 0  # where the next pod's filtering starts

    async def run(self) -> None:
        try:
            await super().run()
        finally:  # the runner cancels us on stop: let go of the cache's store watches
            self.cache.stop()

    # ---- watches: only enqueue ---------------------------------------------------------

    def watches(self) -> list[Watch]:
        return [Watch("Pod", self._pod_keys), Watch("Node", self._node_keys),
                Watch("PersistentVolumeClaim", lambda _ev: self._retry_unschedulable())]

    def _retry_unschedulable(self) -> list[Hashable]:
        return list(self._unschedulable)

    def _pod_keys(self, event: WatchEvent) -> list[Hashable]:
        pod = event["object"]
        meta, spec = pod["metadata"], pod.get("spec") or {}
        key = Key("Pod", meta.get("namespace") or "", meta["name"])
        if event["type"] == "DELETED":
            self._unschedulable.pop(key, None)
            finished = key in self._finished
            self._finished.discard(key)
            return self._retry_unschedulable() if spec.get("nodeName") and not finished else []
        if spec.get("nodeName"):
            self._unschedulable.pop(key, None)
            if is_pod_terminal(pod) and key not in self._finished:
                self._finished.add(key)
                return self._retry_unschedulable()
            return []
        if not responsible(pod):
            return []
        if self._unschedulable.get(key) == int(meta.get("generation") or 0):
            return []  # our own status write, or nothing that matters: wait for the cluster
        return [key]

    def _node_keys(self, event: WatchEvent) -> list[Hashable]:
        name = event["object"]["metadata"]["name"]
        if event["type"] == "DELETED":
            self._nodes_seen.pop(name, None)
            return []
        fp = node_fingerprint(event["object"])
        if self._nodes_seen.get(name) == fp:
            return []
        self._nodes_seen[name] = fp
        return self._retry_unschedulable()

    # ---- one scheduling attempt --------------------------------------------------------

    def reconcile(self, key: Any) -> float | None:
        pod = self.store.try_get("Pod", key.namespace, key.name)
        if pod is None or not responsible(pod):
            self._unschedulable.pop(key, None)
            return None
        self.cache.sync()
        nodes = self.cache.nodes()
        if not nodes:
            self._fail(key, pod, NO_NODES, "")
            return self.ctx.timings.scheduler_retry
        facts = PodFacts.of(pod)
        host, diag = self.find_host(facts, nodes)
        if host is None:
            outcome = preempt(facts, nodes, diag, self.cache)
            diag.postfilter_msg = outcome.message
            if outcome.node:
                evict(self.store, self.recorder, pod, outcome.node, outcome.victims)
            self._fail(key, pod, fit_error(diag), outcome.node)
            return self.ctx.timings.scheduler_retry
        if select_node(self.store, pod, host):  # WaitForFirstConsumer claims: bind once bound
            self._unschedulable[key] = int(pod["metadata"].get("generation") or 0)
            return self.ctx.timings.scheduler_retry
        self.store.bind(key.namespace, key.name, host)
        self._unschedulable.pop(key, None)
        self.recorder.event(pod, "Normal", "Scheduled",
                            f"Successfully assigned {key.namespace}/{key.name} to {host}")
        return None

    def find_host(self, facts: PodFacts, nodes: list[NodeInfo]) -> tuple[str | None, Diagnosis]:
        """Filter, score, select: the chosen node's name, or None and why not."""
        diag = Diagnosis(len(nodes))
        claims_msg = volume_prefilter(self.store, facts.pod)
        if claims_msg is not None:  # VolumeBinding PreFilter: no node can help
            diag.prefilter_msg = claims_msg
            diag.absent = (UNRESOLVABLE, (claims_msg,))
            return None, diag
        nominated = (facts.pod.get("status") or {}).get("nominatedNodeName")
        if nominated:
            info = self.cache.get(nominated)
            if info is not None and run_filters(facts, info) is None:
                return nominated, diag
        candidates = nodes
        names = prefilter_node_names(facts)
        if names is not None:
            if not names:
                diag.prefilter_msg = ERR_AFFINITY_CONFLICT
                diag.absent = (UNRESOLVABLE, (ERR_AFFINITY_CONFLICT,))
                return None, diag
            candidates = [n for n in nodes if n.name in names]
            diag.absent = (UNRESOLVABLE, ("node(s) didn't satisfy plugin(s) [NodeAffinity]",))
        feasible: list[NodeInfo] = []
        key = filter_key(facts)
        # findNodesThatPassFilters: from where the last pod stopped, until enough fit
        count = len(candidates)
        wanted = num_feasible_nodes_to_find(count)
        # (a cluster whose nodes are all looked at keeps its node order: no rotation)
        start = self._next_start_node_index % count if wanted < count else 0
        for info in candidates[start:] + candidates[:start] if start else candidates:
            status = info.memo.get(key, MISSING)  # run_filters_memo, inlined: 100 nodes a pod
            if status is MISSING:
                status = run_filters_memo(facts, info, key)
            if status is None:
                feasible.append(info)
                if len(feasible) >= wanted:
                    break
            else:
                diag.statuses[info.name] = status
        if nodes:
            self._next_start_node_index = (self._next_start_node_index + len(feasible)
                                           + len(diag.statuses)) % len(nodes)
        if not feasible:
            return None, diag
        if len(feasible) == 1:
            return feasible[0].name, diag
        scores = score_nodes(facts, feasible, nodes)
        top = max(scores)
        return self.rng.choice([n for n, s in zip(feasible, scores, strict=True) if s == top]).name, diag

    def _fail(self, key: Key, pod: dict[str, Any], message: str, nominate: str | None) -> None:
        """handleSchedulingFailure: event, then PodScheduled=False (and nomination) if new."""
        self._unschedulable[key] = int(pod["metadata"].get("generation") or 0)
        log.debug("unable to schedule %s: %s", key, message)
        self.recorder.event(pod, "Warning", "FailedScheduling", truncate(message))
        new = clone(pod)
        status = new.setdefault("status", {})
        changed = set_condition(status, "PodScheduled", "False", rfc3339(self.clock.now()),
                                reason="Unschedulable", message=message, probe_time=True)
        if nominate is not None and (status.get("nominatedNodeName") or "") != nominate:
            if nominate:
                status["nominatedNodeName"] = nominate
            else:
                status.pop("nominatedNodeName", None)
            changed = True
        if changed:
            self.store.update(new, subresource="status")
