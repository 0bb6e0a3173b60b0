"""Score plugins: rank the nodes that passed the filters, with upstream's default weights.

Each plugin gives every feasible node 0..100 (after its own normalisation); the total is
the weighted sum, as kube-scheduler's default profile computes it:

| plugin | weight | prefers |
|---|---|---|
| TaintToleration | 3 | fewer untolerated PreferNoSchedule taints |
| NodeAffinity | 2 | more weight of matching preferred terms |
| NodeResourcesFit (LeastAllocated) | 1 | lower (non-zero) requested / allocatable, cpu and memory |
| PodTopologySpread (system default constraints) | 2 | fewer pods of the same ReplicaSet/RC/StatefulSet on the node and in its zone |
| NodeResourcesBalancedAllocation | 1 | cpu and memory fractions close to each other |

InterPodAffinity and ImageLocality are not modelled (equal for every node here).
Called by scheduler.py with the feasible nodes; returns one integer total per node.
"""

from __future__ import annotations

import math

from kubenb.scheduler.cache import NodeInfo
from kubenb.scheduler.filters import PodFacts, term_matches, tolerates

MAX_SCORE = 100
HOSTNAME_LABEL = "kubernetes.io/hostname"
ZONE_LABEL = "topology.kubernetes.io/zone"
WEIGHT_TAINT, WEIGHT_AFFINITY, WEIGHT_FIT, WEIGHT_SPREAD, WEIGHT_BALANCED = 3, 2, 1, 2, 1
# PodTopologySpread system defaults: maxSkew 3 per hostname, 5 per zone (ScheduleAnyway).
HOST_MAX_SKEW, ZONE_MAX_SKEW = 3, 5


def default_normalize(scores: list[int], reverse: bool) -> list[int]:
    """helper.DefaultNormalizeScore: scale to 0..100 by the maximum, optionally reversed."""
    top = max(scores) if scores else 0
    if top == 0:
        return [MAX_SCORE if reverse else 0 for _ in scores]
    out = []
    for s in scores:
        v = MAX_SCORE * s // top
        out.append(MAX_SCORE - v if reverse else v)
    return out


def _taint_counts(facts: PodFacts, nodes: list[NodeInfo]) -> list[int]:
    tols = [t for t in facts.tolerations if not t.get("effect") or t.get("effect") == "PreferNoSchedule"]
    return [sum(1 for taint in n.soft_taints if not any(tolerates(t, taint) for t in tols))
            for n in nodes]


def _affinity_sums(facts: PodFacts, nodes: list[NodeInfo]) -> list[int]:
    out = []
    for n in nodes:
        total = 0
        for term in facts.preferred_terms:
            w = int(term.get("weight") or 0)
            if w and term_matches(term.get("preference") or {}, n.labels, n.name):
                total += w
        out.append(total)
    return out


def _least_allocated(req: int, alloc: int) -> int:
    return 0 if req > alloc else (alloc - req) * MAX_SCORE // alloc


def resource_scores(facts: PodFacts, nodes: list[NodeInfo]) -> list[int]:
    """LeastAllocated (non-zero requests) x1 + BalancedAllocation (real requests) x1.

    Remembered per node (NodeInfo.memo) by the pod's requests: replicas ask for the
    same, and between two of them only the node that got the first one changed.
    """
    out = []
    append = out.append
    key = ("resources", facts.nz_cpu, facts.nz_mem, facts.cpu, facts.mem)
    for n in nodes:
        score = n.memo.get(key)
        if score is None:
            score = n.memo[key] = _resource_score(facts, n)
        append(score)
    return out


def _resource_score(facts: PodFacts, n: NodeInfo) -> int:
    ac, am = n.alloc_cpu, n.alloc_mem
    if ac and am:
        least = (_least_allocated(n.nz_cpu + facts.nz_cpu, ac)
                 + _least_allocated(n.nz_mem + facts.nz_mem, am)) // 2
        fc, fm = min(1.0, (n.cpu + facts.cpu) / ac), min(1.0, (n.mem + facts.mem) / am)
        bal = int((1 - abs(fc - fm) / 2) * MAX_SCORE)
    elif ac or am:
        least = (_least_allocated(n.nz_cpu + facts.nz_cpu, ac) if ac
                 else _least_allocated(n.nz_mem + facts.nz_mem, am))
        bal = MAX_SCORE
    else:
        least, bal = 0, MAX_SCORE
    return WEIGHT_FIT * least + WEIGHT_BALANCED * bal


def _spread(facts: PodFacts, nodes: list[NodeInfo], all_nodes: list[NodeInfo]) -> list[int]:
    """PodTopologySpread Score + NormalizeScore with the system default constraints."""
    owner = facts.owner
    if owner is None:
        return [0] * len(nodes)
    zones = {n.labels[ZONE_LABEL] for n in nodes if ZONE_LABEL in n.labels}
    host_weight = math.log(len(nodes) + 2)
    zone_weight = math.log(len(zones) + 2)
    zone_counts: dict[str, int] = {}
    if zones:
        for n in all_nodes:
            z = n.labels.get(ZONE_LABEL)
            if z in zones:
                zone_counts[z] = zone_counts.get(z, 0) + n.owners.get(owner, 0)
    raw = []
    append = raw.append
    # without zones a node's raw score depends on it alone (and on how many nodes there are)
    key = None if zones else ("spread", owner, len(nodes))
    for n in nodes:
        if key is not None:
            value = n.memo.get(key)
            if value is not None:
                append(value)
                continue
        labels = n.labels
        score = 0.0
        if HOSTNAME_LABEL in labels:
            score += n.owners.get(owner, 0) * host_weight + (HOST_MAX_SKEW - 1)
        if zones:
            z = labels.get(ZONE_LABEL)
            if z is not None:
                score += zone_counts.get(z, 0) * zone_weight + (ZONE_MAX_SKEW - 1)
        value = round(score)
        if key is not None:
            n.memo[key] = value
        append(value)
    lo, hi = min(raw), max(raw)
    if hi == 0:
        return [MAX_SCORE] * len(nodes)
    return [MAX_SCORE * (hi + lo - s) // hi for s in raw]


def score_nodes(facts: PodFacts, nodes: list[NodeInfo], all_nodes: list[NodeInfo]) -> list[int]:
    """Weighted total per node, in the order of `nodes`."""
    totals = resource_scores(facts, nodes)
    bonus = 0  # what every node gets alike, added in the last pass
    if any(n.soft_taints for n in nodes):
        for i, s in enumerate(default_normalize(_taint_counts(facts, nodes), reverse=True)):
            totals[i] += WEIGHT_TAINT * s
    else:
        bonus = WEIGHT_TAINT * MAX_SCORE
    if facts.preferred_terms:
        for i, s in enumerate(default_normalize(_affinity_sums(facts, nodes), reverse=False)):
            totals[i] += WEIGHT_AFFINITY * s
    spread = _spread(facts, nodes, all_nodes)
    return [t + bonus + WEIGHT_SPREAD * s for t, s in zip(totals, spread, strict=True)]
