"""DefaultPreemption, the PostFilter that runs when no node fits.

It looks only at nodes whose rejection might be undone by removing pods (UNSCHEDULABLE:
resources, ports). On each it removes every lower-priority pod; if the pod then fits, it puts
back as many of them as it can (most important first), and the rest are the node's victims.
The best node has the least important victims; those pods get a DisruptionTarget condition,
are deleted, and get a "Preempted" event, and the preemptor is nominated to the node.
When no node can be freed, the message explains why per node — the
`preemption: 0/N nodes are available: …` tail of FailedScheduling.
Called by scheduler.py with the Diagnosis of a failed attempt.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kubenb.api.errors import NotFound
from kubenb.api.events import EventRecorder
from kubenb.api.objects import clone
from kubenb.api.pods import get_condition, set_condition
from kubenb.api.store import Store
from kubenb.clock import rfc3339
from kubenb.scheduler.cache import NodeInfo, PodEntry, SchedulerCache
from kubenb.scheduler.diagnosis import Diagnosis, fit_error
from kubenb.scheduler.filters import UNRESOLVABLE, UNSCHEDULABLE, PodFacts, Status, run_filters

NOT_HELPFUL = "Preemption is not helpful for scheduling"
NO_VICTIMS = "No preemption victims found for incoming pod"
NEVER = "not eligible due to preemptionPolicy=Never."
TERMINATING = "not eligible due to a terminating pod on the nominated node."
_PRIORITY_OFFSET = 2**31  # MaxInt32 + 1, so that sums of negative priorities still compare


@dataclass
class Outcome:
    """What preemption decided: a message for FailedScheduling, or a node and its victims.

    `node` is the nomination to write: a node name, "" to clear it, None to leave it.
    """

    message: str = ""
    node: str | None = None
    victims: list[PodEntry] = field(default_factory=list)


def _start(e: PodEntry) -> str:
    return str((e.pod.get("status") or {}).get("startTime") or "")


def _terminating_by_preemption(e: PodEntry) -> bool:
    cond = get_condition(e.pod, "DisruptionTarget")
    return e.deleting and cond is not None and cond.get("reason") == "PreemptionByScheduler"


def _eligible(facts: PodFacts, diag: Diagnosis, cache: SchedulerCache) -> str | None:
    spec, status = facts.pod.get("spec") or {}, facts.pod.get("status") or {}
    if spec.get("preemptionPolicy") == "Never":
        return NEVER
    nominated = status.get("nominatedNodeName")
    if nominated:
        st = diag.status_of(nominated)
        if st is not None and st[0] == UNRESOLVABLE:
            return None
        info = cache.get(nominated)
        if info is not None and any(e.priority < facts.priority and _terminating_by_preemption(e)
                                    for e in info.pods.values()):
            return TERMINATING
    return None


def _victims(facts: PodFacts, info: NodeInfo) -> tuple[list[PodEntry], Status | None]:
    """SelectVictimsOnNode: the fewest, least important pods whose removal lets the pod fit."""
    lower = [e for e in info.pods.values() if e.priority < facts.priority]
    if not lower:
        return [], (UNRESOLVABLE, (NO_VICTIMS,))
    view = info.without(lower)
    status = run_filters(facts, view)
    if status is not None:
        return [], status
    victims: list[PodEntry] = []
    # Most important first: higher priority, then the one that started earlier.
    for e in sorted(sorted(lower, key=_start), key=lambda e: -e.priority):
        view.add(e)
        if run_filters(facts, view) is not None:
            view.remove(e)
            victims.append(e)
    return victims, None


def _rank(victims: list[PodEntry]) -> tuple[int, int, int]:
    """pickOneNodeForPreemption, without PodDisruptionBudgets: smaller is better."""
    return (max(e.priority for e in victims),
            sum(e.priority + _PRIORITY_OFFSET for e in victims), len(victims))


def _earliest_top_start(victims: list[PodEntry]) -> str:
    top = max(e.priority for e in victims)
    return min((_start(e) for e in victims if e.priority == top), default="")


def preempt(facts: PodFacts, nodes: list[NodeInfo], diag: Diagnosis,
            cache: SchedulerCache) -> Outcome:
    reason = _eligible(facts, diag, cache)
    if reason is not None:
        return Outcome(f"preemption: {reason}")
    potential = [n for n in nodes if (diag.status_of(n.name) or (0, ()))[0] == UNSCHEDULABLE]
    result = Diagnosis(len(nodes), absent=(UNRESOLVABLE, (NOT_HELPFUL,)))
    candidates: list[tuple[NodeInfo, list[PodEntry]]] = []
    for info in potential:
        victims, status = _victims(facts, info)
        if status is not None:
            result.statuses[info.name] = status
        else:
            candidates.append((info, victims))
    if not candidates:
        return Outcome(f"preemption: {fit_error(result)}", "")
    best = min(_rank(v) for _, v in candidates)
    tied = [(i, v) for i, v in candidates if _rank(v) == best]
    # then the node whose most important victims started last; then the first node
    info, victims = max(tied, key=lambda c: _earliest_top_start(c[1]))
    return Outcome("", info.name, victims)


def evict(store: Store, recorder: EventRecorder, preemptor: dict[str, Any], node: str,
          victims: list[PodEntry]) -> None:
    """prepareCandidate: mark each victim as a disruption target, delete it, say why."""
    scheduler = (preemptor.get("spec") or {}).get("schedulerName") or "default-scheduler"
    uid = preemptor["metadata"].get("uid")
    for e in victims:
        current = store.try_get("Pod", e.namespace, e.name)
        if current is None or current["metadata"].get("uid") != e.uid:
            continue
        new = clone(current)
        if set_condition(new.setdefault("status", {}), "DisruptionTarget", "True",
                         rfc3339(store.clock.now()), reason="PreemptionByScheduler",
                         message=f"{scheduler}: preempting to accommodate a higher priority pod",
                         probe_time=True):
            store.update(new, subresource="status")
        try:
            victim = store.delete("Pod", e.namespace, e.name, uid=e.uid)
        except NotFound:
            continue
        recorder.event(victim, "Normal", "Preempted", f"Preempted by pod {uid} on node {node}")
