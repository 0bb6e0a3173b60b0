"""What the daemonset controller decides per node and per pod (pkg/controller/daemon/util).

Pure functions over Kubernetes JSON, no store: whether a node should run a daemon pod
(`should_run`: node affinity, nodeSelector, taints vs the pod's tolerations), the daemon
pod built from the template (`new_pod`: the default tolerations of
AddOrUpdateDaemonPodTolerations and the `metadata.name In [node]` affinity of
ReplaceDaemonSetPodNodeNameNodeAffinity, so the scheduler places it), which node a pod
is meant for (`target_node`), and whether a pod runs the current template
(`is_updated`). Used by controllers/daemonset.py and daemonset_history.py.
"""

from __future__ import annotations

from typing import Any

from kubenb.api.objects import Obj, clone
from kubenb.api.pods import controller_ref
from kubenb.scheduler.filters import term_matches, tolerated

REVISION_HASH_LABEL = "controller-revision-hash"
TEMPLATE_GENERATION_LABEL = "pod-template-generation"
TEMPLATE_GENERATION_ANNOTATION = "deprecated.daemonset.template.generation"

# AddOrUpdateDaemonPodTolerations, in upstream's order.
_DEFAULT_TOLERATIONS: list[tuple[str, str]] = [
    ("node.kubernetes.io/not-ready", "NoExecute"),
    ("node.kubernetes.io/unreachable", "NoExecute"),
    ("node.kubernetes.io/disk-pressure", "NoSchedule"),
    ("node.kubernetes.io/memory-pressure", "NoSchedule"),
    ("node.kubernetes.io/pid-pressure", "NoSchedule"),
    ("node.kubernetes.io/unschedulable", "NoSchedule"),
]
_NETWORK_UNAVAILABLE = ("node.kubernetes.io/network-unavailable", "NoSchedule")


def template_generation(ds: Obj) -> str | None:
    return ((ds["metadata"].get("annotations") or {}).get(TEMPLATE_GENERATION_ANNOTATION))


def _same_toleration(a: Obj, b: Obj) -> bool:
    """Toleration.MatchToleration: key, operator, value and effect equal."""
    return all((a.get(k) or "") == (b.get(k) or "") for k in ("key", "operator", "value", "effect")) \
        and a.get("tolerationSeconds") == b.get("tolerationSeconds")


def add_daemon_tolerations(spec: Obj) -> None:
    """The tolerations every daemon pod gets (AddOrUpdateTolerationInPodSpec each)."""
    wanted = list(_DEFAULT_TOLERATIONS)
    if spec.get("hostNetwork"):
        wanted.append(_NETWORK_UNAVAILABLE)
    tols: list[Obj] = list(spec.get("tolerations") or [])
    for key, effect in wanted:
        tol = {"key": key, "operator": "Exists", "effect": effect}
        if not any(_same_toleration(t, tol) for t in tols):
            tols.append(tol)
    spec["tolerations"] = tols


def pin_to_node(spec: Obj, node_name: str) -> None:
    """ReplaceDaemonSetPodNodeNameNodeAffinity: required terms become `metadata.name In [node]`."""
    term = {"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node_name]}]}
    affinity = spec.setdefault("affinity", {})
    node_aff = affinity.setdefault("nodeAffinity", {})
    required = node_aff.get("requiredDuringSchedulingIgnoredDuringExecution")
    if not isinstance(required, dict):
        node_aff["requiredDuringSchedulingIgnoredDuringExecution"] = {"nodeSelectorTerms": [term]}
    else:
        required["nodeSelectorTerms"] = [term]


def pod_template(ds: Obj, revision_hash: str) -> Obj:
    """The template's pod with the revision labels (what every node's pod is made of)."""
    template = ds["spec"].get("template") or {}
    tmeta = template.get("metadata") or {}
    labels = {**(tmeta.get("labels") or {})}
    generation = template_generation(ds)
    if generation is not None:
        labels[TEMPLATE_GENERATION_LABEL] = generation
    labels[REVISION_HASH_LABEL] = revision_hash
    meta: Obj = {"generateName": ds["metadata"]["name"] + "-", "namespace": ds["metadata"]["namespace"],
                 "labels": labels}
    for field in ("annotations", "finalizers"):
        if tmeta.get(field):
            meta[field] = clone(tmeta[field])
    spec = clone(template.get("spec") or {})
    add_daemon_tolerations(spec)
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}


def new_pod(template_pod: Obj, ds: Obj, node_name: str) -> Obj:
    pod = clone(template_pod)
    pod["metadata"]["ownerReferences"] = [controller_ref(ds)]
    pin_to_node(pod["spec"], node_name)
    return pod


def _taints(node: Obj, effects: tuple[str, ...]) -> list[Obj]:
    return [t for t in (node.get("spec") or {}).get("taints") or [] if t.get("effect") in effects]


def should_run(node: Obj, tspec: Obj) -> tuple[bool, bool]:
    """NodeShouldRunDaemonPod: (should run, should continue running) for a daemon pod spec.

    `tspec` is the spec of the pod the controller would create (tolerations already added).
    """
    name = node["metadata"]["name"]
    if tspec.get("nodeName") and tspec["nodeName"] != name:
        return False, False
    labels = node["metadata"].get("labels") or {}
    if any(labels.get(k) != v for k, v in (tspec.get("nodeSelector") or {}).items()):
        return False, False
    required = (((tspec.get("affinity") or {}).get("nodeAffinity") or {})
                .get("requiredDuringSchedulingIgnoredDuringExecution"))
    if required is not None and not any(
            term_matches(t, labels, name) for t in required.get("nodeSelectorTerms") or []):
        return False, False
    tols = tspec.get("tolerations") or []
    if all(tolerated(tols, t) for t in _taints(node, ("NoSchedule", "NoExecute"))):
        return True, True
    return False, all(tolerated(tols, t) for t in _taints(node, ("NoExecute",)))


def target_node(pod: Obj) -> str:
    """GetTargetNodeName: spec.nodeName, else the node its affinity pins it to."""
    spec = pod.get("spec") or {}
    if spec.get("nodeName"):
        return str(spec["nodeName"])
    required = (((spec.get("affinity") or {}).get("nodeAffinity") or {})
                .get("requiredDuringSchedulingIgnoredDuringExecution")) or {}
    for term in required.get("nodeSelectorTerms") or []:
        for r in term.get("matchFields") or []:
            if r.get("key") == "metadata.name" and r.get("operator") == "In" and len(r.get("values") or []) == 1:
                return str(r["values"][0])
    return ""


def is_updated(pod: Obj, revision_hash: str, generation: str | None) -> bool:
    """IsPodUpdated: the template generation label or the revision hash label matches."""
    labels = pod["metadata"].get("labels") or {}
    if generation is not None and labels.get(TEMPLATE_GENERATION_LABEL) == generation:
        return True
    return labels.get(REVISION_HASH_LABEL) == revision_hash


def int_or_percent_value(value: Any, total: int) -> int:
    """GetScaledValueFromIntOrPercent rounding up (maxUnavailable and maxSurge)."""
    if isinstance(value, str) and value.endswith("%"):
        return -(-int(value[:-1]) * total // 100)
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0
