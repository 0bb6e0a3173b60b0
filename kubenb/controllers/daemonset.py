"""The daemonset controller: one pod per eligible node (Kubernetes pkg/controller/daemon).

Watches DaemonSets (own key), Nodes (every DaemonSet: a node joining, leaving, changing
labels, taints or readiness changes where daemons should run; an update that only renews
heartbeat times is ignored, as upstream's shouldIgnoreNodeUpdate does) and Pods (the DaemonSet
controlling them). `reconcile` snapshots the template into a ControllerRevision
(daemonset_history), maps daemon pods to their target node, decides per node
(daemonset_util.should_run) which pods to create and delete (manage), replaces old pods
within maxUnavailable/maxSurge (rolling update; OnDelete leaves that to the user),
trims old revisions and writes status. Pods it creates carry the node in their required
node affinity (`metadata.name In [node]`), so the scheduler binds them; kubelets run them.

Events, in upstream's words: SuccessfulCreate "Created pod: x", SuccessfulDelete
"Deleted pod: x", FailedDaemonPod for failed pods it replaces, FailedCreate/FailedDelete,
SelectingAll for an empty selector. Deviations: the store is read consistently, so no
expectations, no slow-start batches and no back-off for failed daemon pods. Pods bound to a
node that was deleted are left to the pod garbage collector, as upstream does.
"""

from __future__ import annotations

import json
from collections.abc import Hashable

from kubenb.api.errors import ApiError
from kubenb.api.objects import Key, Obj, WatchEvent, clone
from kubenb.api.pods import is_pod_active, is_pod_ready, owner_of
from kubenb.api.selectors import from_label_selector
from kubenb.config import Context
from kubenb.controllers import daemonset_util as du
from kubenb.controllers.base import Controller, Watch, own_key, owner_keys
from kubenb.controllers.daemonset_history import cleanup_history, construct_history
from kubenb.controllers.podcontrol import create_pod, delete_pod
from kubenb.controllers.replicaset import available_in


def _created(pod: Obj) -> tuple[str, str]:
    return pod["metadata"].get("creationTimestamp") or "", pod["metadata"]["name"]


def _node_signature(node: Obj) -> str:
    """The node as the daemonset controller compares it between updates (upstream's
    shouldIgnoreNodeUpdate): all of it but its resourceVersion, with each condition reduced
    to its type and status (heartbeat and transition times do not count)."""
    meta = {k: v for k, v in node["metadata"].items() if k not in ("resourceVersion", "managedFields")}
    status = dict(node.get("status") or {})
    status["conditions"] = [(c.get("type"), c.get("status")) for c in status.get("conditions") or []]
    return json.dumps([meta, node.get("spec"), status], sort_keys=True, default=str)


class DaemonSetController(Controller):
    name = "daemonset-controller"

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self._node_seen: dict[str, str] = {}  # node → its `_node_signature` when last seen

    def watches(self) -> list[Watch]:
        coalesce = self.ctx.timings.controller_coalesce
        return [Watch("DaemonSet", own_key), Watch("Node", self._all_daemonsets, coalesce=coalesce),
                Watch("Pod", owner_keys("DaemonSet"), coalesce=coalesce)]

    def _all_daemonsets(self, event: WatchEvent) -> list[Hashable]:
        node = event["object"]
        name = node["metadata"]["name"]
        if event["type"] == "DELETED":
            self._node_seen.pop(name, None)
        else:  # shouldIgnoreNodeUpdate: a heartbeat alone changes no daemon's placement
            seen = _node_signature(node)
            if self._node_seen.get(name) == seen:
                return []
            self._node_seen[name] = seen
        return [Key("DaemonSet", ds["metadata"]["namespace"], ds["metadata"]["name"])
                for ds in self.store.list("DaemonSet")]

    # ---- reconcile ----------------------------------------------------------------------

    def reconcile(self, key: Key) -> float | None:
        ds = self.store.try_get("DaemonSet", key.namespace, key.name)
        if ds is None or ds["metadata"].get("deletionTimestamp"):
            return None
        selector = ds["spec"].get("selector") or {}
        if not selector.get("matchLabels") and not selector.get("matchExpressions"):
            self.recorder.event(ds, "Warning", "SelectingAll",
                                "This daemon set is selecting all pods. A non-empty selector is required.")
            return None
        current, old = construct_history(self.store, ds)
        rev_hash = current["metadata"]["labels"][du.REVISION_HASH_LABEL]
        template_pod = du.pod_template(ds, rev_hash)
        nodes = self.store.list("Node")
        by_node = self._pods_by_node(ds)
        self._manage(ds, nodes, by_node, template_pod)
        strategy = (ds["spec"].get("updateStrategy") or {}).get("type")
        if strategy == "RollingUpdate":
            by_node = self._pods_by_node(ds)
            self._rolling_update(ds, nodes, by_node, template_pod, rev_hash)
        cleanup_history(self.store, ds, current, old, self._pods_by_node(ds))
        return self._update_status(ds, nodes, self._pods_by_node(ds), template_pod, rev_hash)

    def _pods_by_node(self, ds: Obj) -> dict[str, list[Obj]]:
        """getNodesToDaemonPods: the active pods this DaemonSet controls, by target node."""
        uid = ds["metadata"]["uid"]
        selector = from_label_selector(ds["spec"].get("selector"))
        out: dict[str, list[Obj]] = {}
        for p in self.store.dependents(uid):
            if p.get("kind") != "Pod" or (owner_of(p) or {}).get("uid") != uid:
                continue
            if p["metadata"].get("deletionTimestamp") or not selector.matches(p["metadata"].get("labels") or {}):
                continue
            out.setdefault(du.target_node(p), []).append(p)
        return out

    # ---- manage: create and delete per node ----------------------------------------------

    def _manage(self, ds: Obj, nodes: list[Obj], by_node: dict[str, list[Obj]], template_pod: Obj) -> None:
        surge = self._max_surge_set(ds)
        create: list[str] = []
        delete: list[Obj] = []
        for node in nodes:
            name = node["metadata"]["name"]
            run, keep = du.should_run(node, template_pod["spec"])
            pods = sorted(by_node.get(name, []), key=_created)
            if run and not pods:
                create.append(name)
            elif keep:
                alive = []
                for p in pods:
                    if (p.get("status") or {}).get("phase") == "Failed":
                        self.recorder.event(ds, "Warning", "FailedDaemonPod",
                                            f"Found failed daemon pod {p['metadata']['namespace']}/"
                                            f"{p['metadata']['name']} on node {name}, will try to kill it")
                        delete.append(p)
                    else:
                        alive.append(p)
                if not alive and run:
                    create.append(name)
                elif len(alive) > 1 and not surge:
                    delete.extend(alive[1:])  # keep the oldest
                elif len(alive) > 2:
                    delete.extend(alive[2:])
            elif pods:
                delete.extend(p for p in pods if is_pod_active(p))
        # Pods still unscheduled whose node is gone (getUnscheduledPodsWithoutNode).
        known = {n["metadata"]["name"] for n in nodes}
        for node_name, pods in by_node.items():
            if node_name not in known:
                delete.extend(p for p in pods if not p["spec"].get("nodeName"))
        self._sync_nodes(ds, delete, create, template_pod)

    def _max_surge_set(self, ds: Obj) -> bool:
        strategy = ds["spec"].get("updateStrategy") or {}
        if strategy.get("type") != "RollingUpdate":
            return False
        return du.int_or_percent_value((strategy.get("rollingUpdate") or {}).get("maxSurge"), 1) > 0

    def _sync_nodes(self, ds: Obj, delete: list[Obj], create: list[str], template_pod: Obj) -> None:
        for node_name in create:
            try:
                create_pod(self.store, self.recorder, ds, du.new_pod(template_pod, ds, node_name), exists_ok=True)
            except ApiError:
                break
        for pod in delete:
            try:
                delete_pod(self.store, self.recorder, ds, pod)
            except ApiError:
                break

    # ---- rolling update -----------------------------------------------------------------

    def _rolling_update(self, ds: Obj, nodes: list[Obj], by_node: dict[str, list[Obj]],
                        template_pod: Obj, rev_hash: str) -> None:
        """rollingUpdate (update.go): replace old pods within maxUnavailable or maxSurge."""
        now = self.clock.now()
        min_ready = int(ds["spec"].get("minReadySeconds") or 0)
        generation = du.template_generation(ds)
        ru = (ds["spec"].get("updateStrategy") or {}).get("rollingUpdate") or {}
        wanted: dict[str, list[Obj]] = {}
        for node in nodes:
            name = node["metadata"]["name"]
            if du.should_run(node, template_pod["spec"])[0]:
                wanted[name] = by_node.get(name, [])
        desired = len(wanted)
        max_surge = du.int_or_percent_value(ru.get("maxSurge"), desired)
        max_unavailable = du.int_or_percent_value(ru.get("maxUnavailable"), desired)
        if desired > 0 and max_surge == 0 and max_unavailable == 0:
            max_unavailable = 1

        def available(p: Obj) -> bool:
            return available_in(p, min_ready, now) == 0

        delete: list[Obj] = []
        create: list[str] = []
        if max_surge == 0:
            unavailable = 0
            replace_now: list[Obj] = []
            candidates: list[Obj] = []
            for name in sorted(wanted):
                split = self._split(wanted[name], rev_hash, generation)
                if split is None:
                    unavailable += 1
                    continue
                new, old = split
                if (new is None) == (old is None):
                    unavailable += 1
                elif new is not None:
                    if not available(new):
                        unavailable += 1
                elif old is not None and not available(old):
                    replace_now.append(old)
                elif unavailable < max_unavailable and old is not None:
                    candidates.append(old)
            budget = max(0, min(max_unavailable - unavailable, len(candidates)))
            delete = replace_now + candidates[:budget]
        else:
            surging = 0
            allowed: list[str] = []
            candidate_nodes: list[str] = []
            for name in sorted(wanted):
                split = self._split(wanted[name], rev_hash, generation)
                if split is None:
                    surging += 1
                    continue
                new, old = split
                if old is None:
                    continue
                if new is None:
                    if not available(old):
                        allowed.append(name)
                    elif surging < max_surge:
                        candidate_nodes.append(name)
                elif not available(new):
                    surging += 1
                else:
                    delete.append(old)
            budget = max(0, min(max_surge - surging, len(candidate_nodes)))
            create = allowed + candidate_nodes[:budget]
        self._sync_nodes(ds, delete, create, template_pod)

    @staticmethod
    def _split(pods: list[Obj], rev_hash: str, generation: str | None) -> tuple[Obj | None, Obj | None] | None:
        """findUpdatedPodsOnNode: (new pod, old pod), None when a node has two of a kind."""
        new = old = None
        for p in pods:
            if du.is_updated(p, rev_hash, generation):
                if new is not None:
                    return None
                new = p
            else:
                if old is not None:
                    return None
                old = p
        return new, old

    # ---- status -------------------------------------------------------------------------

    def _update_status(self, ds: Obj, nodes: list[Obj], by_node: dict[str, list[Obj]],
                       template_pod: Obj, rev_hash: str) -> float | None:
        now = self.clock.now()
        min_ready = int(ds["spec"].get("minReadySeconds") or 0)
        generation = du.template_generation(ds)
        desired = current = misscheduled = ready = available = updated = 0
        wait: float | None = None
        for node in nodes:
            name = node["metadata"]["name"]
            run, _ = du.should_run(node, template_pod["spec"])
            pods = sorted(by_node.get(name, []), key=_created)
            if not run:
                misscheduled += bool(pods)
                continue
            desired += 1
            if not pods:
                continue
            current += 1
            pod = pods[0]
            if is_pod_ready(pod):
                ready += 1
                left = available_in(pod, min_ready, now)
                if left == 0:
                    available += 1
                elif left is not None:
                    wait = left if wait is None else min(wait, left)
            if du.is_updated(pod, rev_hash, generation):
                updated += 1
        status: Obj = {"currentNumberScheduled": current, "numberMisscheduled": misscheduled,
                       "desiredNumberScheduled": desired, "numberReady": ready,
                       "observedGeneration": int(ds["metadata"].get("generation") or 0)}
        for key, value in (("updatedNumberScheduled", updated), ("numberAvailable", available),
                           ("numberUnavailable", desired - available)):
            if value:
                status[key] = value
        old_status = ds.get("status") or {}
        for key in ("collisionCount", "conditions"):
            if key in old_status:
                status[key] = old_status[key]
        if status != old_status:
            new = clone(ds)
            new["status"] = status
            self.store.update(new, subresource="status")
        return wait

