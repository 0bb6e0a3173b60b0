"""Filter plugins: can this pod run on this node, and if not, in upstream's words why not.

The plugins run in kube-scheduler's default order — NodeUnschedulable, NodeName,
TaintToleration, NodeAffinity, NodePorts, NodeResourcesFit — and the first that rejects a
node gives that node's status: a code (UNSCHEDULABLE: preemption might help;
UNRESOLVABLE: it cannot) and its reasons. `PodFacts` is computed once per attempt so the
per-node work stays small (the scheduler checks every node for every pod).
Used by scheduler.py and preemption.py; the reasons end up in diagnosis.py's message.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kubenb.scheduler.cache import NodeInfo, Port, host_ports, pod_resources, spread_owner

UNSCHEDULABLE = 1  # framework.Unschedulable
UNRESOLVABLE = 2  # framework.UnschedulableAndUnresolvable

ERR_UNSCHEDULABLE = "node(s) were unschedulable"
ERR_NODE_NAME = "node(s) didn't match the requested node name"
ERR_AFFINITY = "node(s) didn't match Pod's node affinity/selector"
ERR_PORTS = "node(s) didn't have free ports for the requested pod ports"
ERR_AFFINITY_CONFLICT = "pod affinity terms conflict"
UNSCHEDULABLE_TAINT = {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}

Status = tuple[int, tuple[str, ...]]


@dataclass
class PodFacts:
    """What the filters and scores need to know about the pod being scheduled."""

    pod: dict[str, Any]
    namespace: str
    name: str
    uid: str
    cpu: int
    mem: int
    nz_cpu: int
    nz_mem: int
    ports: tuple[Port, ...]
    tolerations: list[dict[str, Any]]
    node_name: str
    node_selector: dict[str, str]
    required_terms: list[dict[str, Any]] | None
    preferred_terms: list[dict[str, Any]]
    owner: str | None
    priority: int

    @classmethod
    def of(cls, pod: dict[str, Any]) -> PodFacts:
        meta, spec = pod["metadata"], pod.get("spec") or {}
        cpu, mem, nz_cpu, nz_mem = pod_resources(pod)
        node_aff = (spec.get("affinity") or {}).get("nodeAffinity") or {}
        required = node_aff.get("requiredDuringSchedulingIgnoredDuringExecution")
        return cls(
            pod, meta.get("namespace") or "", meta["name"], str(meta.get("uid")),
            cpu, mem, nz_cpu, nz_mem, host_ports(pod), list(spec.get("tolerations") or []),
            spec.get("nodeName") or "", dict(spec.get("nodeSelector") or {}),
            None if required is None else list(required.get("nodeSelectorTerms") or []),
            list(node_aff.get("preferredDuringSchedulingIgnoredDuringExecution") or []),
            spread_owner(pod), int(spec.get("priority") or 0),
        )


# ---- tolerations ---------------------------------------------------------------------


def tolerates(toleration: Mapping[str, Any], taint: Mapping[str, Any]) -> bool:
    """Toleration.ToleratesTaint: effect and key must match when set; Exists or equal value."""
    effect = toleration.get("effect")
    if effect and effect != taint.get("effect"):
        return False
    key = toleration.get("key")
    if key and key != taint.get("key"):
        return False
    op = toleration.get("operator") or "Equal"
    if op == "Exists":
        return True
    if op == "Equal":
        return (toleration.get("value") or "") == (taint.get("value") or "")
    return False


def tolerated(tolerations: list[dict[str, Any]], taint: Mapping[str, Any]) -> bool:
    return any(tolerates(t, taint) for t in tolerations)


def untolerated_taint(tolerations: list[dict[str, Any]], taints: list[dict[str, Any]]) -> dict[str, Any] | None:
    for taint in taints:
        if not tolerated(tolerations, taint):
            return taint
    return None


# ---- node affinity -------------------------------------------------------------------


def _int(text: str) -> int | None:
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


def _requirement(req: Mapping[str, Any], value: str | None) -> bool:
    """One NodeSelectorRequirement against a label (or field) value, None if absent."""
    op, values = req.get("operator"), req.get("values") or []
    if op == "In":
        return value is not None and value in values
    if op == "NotIn":
        return value is None or value not in values
    if op == "Exists":
        return value is not None
    if op == "DoesNotExist":
        return value is None
    if op in ("Gt", "Lt"):
        have, want = _int(value) if value is not None else None, _int(values[0]) if len(values) == 1 else None
        if have is None or want is None:
            return False
        return have > want if op == "Gt" else have < want
    return False


def term_matches(term: Mapping[str, Any], labels: Mapping[str, str], node_name: str) -> bool:
    """A NodeSelectorTerm: its expressions and fields are ANDed; an empty term matches nothing."""
    exprs, fields = term.get("matchExpressions") or [], term.get("matchFields") or []
    if not exprs and not fields:
        return False
    for r in exprs:
        if not _requirement(r, labels.get(r.get("key", ""))):
            return False
    for r in fields:
        if r.get("key") != "metadata.name" or not _requirement(r, node_name):
            return False
    return True


def matches_affinity(facts: PodFacts, info: NodeInfo) -> bool:
    labels = info.labels
    for k, v in facts.node_selector.items():
        if labels.get(k) != v:
            return False
    if facts.required_terms is None:
        return True
    return any(term_matches(t, labels, info.name) for t in facts.required_terms)


def prefilter_node_names(facts: PodFacts) -> set[str] | None:
    """NodeAffinity PreFilter: the node names required terms pin (None: any node)."""
    if not facts.required_terms:
        return None
    names: set[str] = set()
    for term in facts.required_terms:
        term_names: set[str] | None = None
        for r in term.get("matchFields") or []:
            if r.get("key") == "metadata.name" and r.get("operator") == "In":
                s = set(r.get("values") or [])
                term_names = s if term_names is None else term_names & s
        if term_names is None:
            return None
        names |= term_names
    return names


# ---- the filter chain ----------------------------------------------------------------


def ports_conflict(wanted: tuple[Port, ...], used: Mapping[Port, int]) -> bool:
    """HostPortInfo.CheckConflict: 0.0.0.0 clashes with any address on the same port."""
    if not used:
        return False
    for ip, proto, port in wanted:
        if ip == "0.0.0.0":
            if any(p == port and pr == proto for (_, pr, p) in used):
                return True
        elif ("0.0.0.0", proto, port) in used or (ip, proto, port) in used:
            return True
    return False


def fit_reasons(facts: PodFacts, info: NodeInfo) -> tuple[str, ...]:
    """NodeResourcesFit: Too many pods, Insufficient cpu, Insufficient memory."""
    reasons: list[str] = []
    if len(info.pods) + 1 > info.alloc_pods:
        reasons.append("Too many pods")
    if facts.cpu == 0 and facts.mem == 0:
        return tuple(reasons)
    if facts.cpu > 0 and facts.cpu > info.alloc_cpu - info.cpu:
        reasons.append("Insufficient cpu")
    if facts.mem > 0 and facts.mem > info.alloc_mem - info.mem:
        reasons.append("Insufficient memory")
    return tuple(reasons)


def filter_key(facts: PodFacts) -> tuple[Any, ...]:
    """Everything run_filters reads from the pod: the key of its answers in NodeInfo.memo."""
    return ("filters", facts.cpu, facts.mem, facts.ports, facts.node_name,
            repr(facts.tolerations), repr(sorted(facts.node_selector.items())),
            repr(facts.required_terms))


MISSING = object()  # not in NodeInfo.memo yet


def run_filters_memo(facts: PodFacts, info: NodeInfo, key: tuple[Any, ...]) -> Status | None:
    """run_filters, remembered in the node's memo under `filter_key(facts)`."""
    status = info.memo.get(key, MISSING)
    if status is MISSING:
        status = info.memo[key] = run_filters(facts, info)
    return status  # type: ignore[return-value]


def run_filters(facts: PodFacts, info: NodeInfo) -> Status | None:
    """None if the pod fits, else the first rejecting plugin's (code, reasons)."""
    tolerations = facts.tolerations
    if info.unschedulable and not tolerated(tolerations, UNSCHEDULABLE_TAINT):
        return UNRESOLVABLE, (ERR_UNSCHEDULABLE,)
    if facts.node_name and facts.node_name != info.name:
        return UNRESOLVABLE, (ERR_NODE_NAME,)
    if info.hard_taints:
        taint = untolerated_taint(tolerations, info.hard_taints)
        if taint is not None:
            why = f"node(s) had untolerated taint {{{taint.get('key', '')}: {taint.get('value') or ''}}}"
            return UNRESOLVABLE, (why,)
    if (facts.node_selector or facts.required_terms is not None) and not matches_affinity(facts, info):
        return UNRESOLVABLE, (ERR_AFFINITY,)
    if facts.ports and ports_conflict(facts.ports, info.ports):
        return UNSCHEDULABLE, (ERR_PORTS,)
    reasons = fit_reasons(facts, info)
    if reasons:
        return UNSCHEDULABLE, reasons
    return None
