"""Who owns a pod: each pod's top workload, and the reverse indexes the view's deltas need.

`OwnerIndex` watches Pods and the two kinds that can sit between a pod and its top workload
(Pod→ReplicaSet→Deployment, Pod→Job→CronJob). A pod's workload is named by a key
`kind/namespace/name` with the lower-case kind (`deployment/default/web`,
`cronjob/default/hello`, `daemonset/kube-system/kube-proxy`); a ReplicaSet or Job without
a controller owner is the top itself; a pod without a controller reference (a bare pod), or
one owned by something else (a mirror pod's Node), has none. Each `set_*` returns what it
touched (`Touched`) so `state.py` knows which records to recompute; this module marks
nothing and reads no other object.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kubenb.api.pods import owner_of

# kind → the short form the legend prints (`ds/fluentd`), as kubectl's short names where
# they read well.
SHORT = {"Deployment": "deployment", "ReplicaSet": "rs", "Job": "job", "CronJob": "cronjob",
         "DaemonSet": "ds", "StatefulSet": "sts", "ReplicationController": "rc"}
KIND_OF = {k.lower(): k for k in SHORT}
# a kind between a pod and its top workload → the kind that may own it
INTERMEDIATE = {"ReplicaSet": "Deployment", "Job": "CronJob"}


def workload_key(kind: str, namespace: str, name: str) -> str:
    return f"{kind.lower()}/{namespace}/{name}"


def split_key(key: str) -> tuple[str, str, str]:
    """(Kind, namespace, name) of a workload key."""
    kind, namespace, name = key.split("/", 2)
    return KIND_OF.get(kind, kind), namespace, name


def workload_label(key: str) -> str:
    """`deployment/web`, `job/pi`, `ds/fluentd`; with the namespace outside `default`."""
    kind, namespace, name = split_key(key)
    label = f"{SHORT.get(kind, kind.lower())}/{name}"
    return label if namespace == "default" else f"{namespace}/{label}"


def own_top(obj: Mapping[str, Any]) -> str:
    """The top workload of a ReplicaSet or Job: its Deployment / CronJob, or itself."""
    meta = obj["metadata"]
    namespace = meta.get("namespace", "")
    ref = owner_of(obj, INTERMEDIATE[obj["kind"]])
    if ref is not None:
        return workload_key(ref["kind"], namespace, ref["name"])
    return workload_key(obj["kind"], namespace, meta.get("name", ""))


@dataclass
class Touched:
    nodes: set[str] = field(default_factory=set)
    pods: set[str] = field(default_factory=set)
    tops: set[str] = field(default_factory=set)


class OwnerIndex:
    """Pod → (node, controller uid, top workload) and the reverse sets."""

    def __init__(self) -> None:
        self._ref: dict[str, tuple[str, str, str, str]] = {}  # pod uid -> (kind, ns, name, uid)
        self.node_of: dict[str, str | None] = {}
        self.pods_by_node: dict[str, set[str]] = defaultdict(set)
        self.pods_by_parent: dict[str, set[str]] = defaultdict(set)  # controller uid -> pods
        self.top_of: dict[str, str | None] = {}
        self.pods_by_top: dict[str, set[str]] = defaultdict(set)
        self.parent_top: dict[str, str] = {}                   # RS/Job uid -> its top
        self.parents_by_top: dict[str, set[str]] = defaultdict(set)

    def parent(self, pod_uid: str) -> str | None:
        ref = self._ref.get(pod_uid)
        return ref[3] if ref else None

    def _resolve(self, ref: tuple[str, str, str, str] | None) -> str | None:
        if ref is None:
            return None
        kind, namespace, name, uid = ref
        if kind in INTERMEDIATE:
            return self.parent_top.get(uid) or workload_key(kind, namespace, name)
        return workload_key(kind, namespace, name) if kind in SHORT else None

    def _set_top(self, uid: str, top: str | None, touched: Touched) -> None:
        old = self.top_of.pop(uid, None)
        if old:
            self.pods_by_top[old].discard(uid)
            touched.tops.add(old)
        if top:
            self.top_of[uid] = top
            self.pods_by_top[top].add(uid)
            touched.tops.add(top)

    def set_pod(self, uid: str, pod: Mapping[str, Any] | None) -> Touched:
        touched = Touched(pods={uid})
        old_node = self.node_of.pop(uid, None)
        if old_node:
            self.pods_by_node[old_node].discard(uid)
            touched.nodes.add(old_node)
        old_ref = self._ref.pop(uid, None)
        if old_ref:
            self.pods_by_parent[old_ref[3]].discard(uid)
        if pod is None:
            self._set_top(uid, None, touched)
            return touched
        meta = pod["metadata"]
        node = (pod.get("spec") or {}).get("nodeName") or None
        self.node_of[uid] = node
        if node:
            self.pods_by_node[node].add(uid)
            touched.nodes.add(node)
        ref = owner_of(pod)
        pref = None
        if ref is not None and ref.get("uid"):
            pref = (ref.get("kind", ""), meta.get("namespace", ""), ref.get("name", ""), ref["uid"])
            self._ref[uid] = pref
            self.pods_by_parent[pref[3]].add(uid)
        self._set_top(uid, self._resolve(pref), touched)
        return touched

    def set_parent(self, uid: str, obj: Mapping[str, Any] | None) -> Touched:
        """A ReplicaSet or Job changed (None: deleted): its pods may have a new top."""
        touched = Touched()
        old = self.parent_top.pop(uid, None)
        if old:
            self.parents_by_top[old].discard(uid)
            touched.tops.add(old)
        if obj is not None:
            top = own_top(obj)
            self.parent_top[uid] = top
            self.parents_by_top[top].add(uid)
            touched.tops.add(top)
        for pod in list(self.pods_by_parent.get(uid, ())):
            touched.pods.add(pod)
            self._set_top(pod, self._resolve(self._ref.get(pod)), touched)
        return touched
