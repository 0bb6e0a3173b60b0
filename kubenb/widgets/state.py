"""The view's copy of the cluster: watch events in, snapshots and deltas out.

`feed.py` hands every watch event to `ClusterState.apply` (cheap: store the object, update
a few indexes, mark the affected records dirty — it runs inside the store's fan-out, so it
never calls the store). The coalescer in `clusterview.py` later calls `take_delta()`, which
recomputes only the dirty records (`records.py`, `records_workload.py`), compares them with
what the front end already has, and returns the upserts/removes that differ — or None when
nothing visible changed. Which workload owns each pod is `owners.py`'s index. Pods, workloads,
services and events in `kube-system` are left out unless `show_system` is set (or the view's
namespace is `kube-system`); node cards still count every pod. `take_snapshot()` recomputes everything (first display, resync, option change,
aggregation switch). Callers serialise access with their own lock.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from kubenb.api.pods import is_pod_active
from kubenb.api.selectors import Selector, parse_label_selector

from .options import SYSTEM_NAMESPACE, ViewOptions
from .owners import INTERMEDIATE, OwnerIndex, Touched, split_key, workload_key
from .records import (
    Record,
    deployment_record,
    event_record,
    key_of,
    node_record,
    pod_record,
    service_record,
)
from .records_ingress import PREFIX as INGRESS
from .records_ingress import ingress_record
from .records_workload import hpa_record, hpa_target, workload_record

WORKLOAD_KINDS = ("ReplicaSet", "Job", "CronJob", "DaemonSet", "StatefulSet",
                  "ReplicationController")
KINDS = ("Node", *WORKLOAD_KINDS, "HorizontalPodAutoscaler", "Pod", "Deployment", "Endpoints",
         "Service", "Ingress", "Event")
WIRE = ("nodes", "pods", "deployments", "workloads", "services")

EVENTS_SHOWN = 20
EVENTS_KEPT = 500
UNSCHEDULED_CAP = 200


class ClusterState:
    """Objects by kind, the indexes that tell which records an event touches, and what
    the front end was last sent."""

    def __init__(self, options: ViewOptions | None = None) -> None:
        self.nodes: dict[str, dict[str, Any]] = {}
        self.pods: dict[str, dict[str, Any]] = {}            # by uid
        self.replicasets: dict[str, dict[str, Any]] = {}     # by uid
        self.workload_objs: dict[str, dict[str, Any]] = {}   # WORKLOAD_KINDS by workload key
        self.hpas: dict[str, dict[str, Any]] = {}            # by ns/name
        self.deployments: dict[str, dict[str, Any]] = {}     # by ns/name
        self.services: dict[str, dict[str, Any]] = {}
        self.endpoints: dict[str, dict[str, Any]] = {}
        self.ingresses: dict[str, dict[str, Any]] = {}       # by ns/name
        self.events: dict[str, Record] = {}                  # event records by uid
        self._event_order: dict[str, int] = {}
        self._arrivals = itertools.count()
        self.owners = OwnerIndex()
        self._hpa_target: dict[str, str] = {}                # HPA ns/name -> workload key
        self._hpas_by_target: dict[str, set[str]] = defaultdict(set)
        self._visible: set[str] = set()                      # pod uids passing the filters
        self._pod_recs: dict[str, Record] = {}               # current records of visible pods
        self._dirty: dict[str, set[str]] = {w: set() for w in WIRE}
        self._new_events: list[str] = []
        self._sent: dict[str, dict[str, Record]] = {w: {} for w in WIRE}
        self._colors: dict[str, int] = {}
        self.usage: dict[str, dict[str, int]] = {}          # node -> Metrics API use
        self.aggregated = False
        self.error: str | None = None
        self.options = ViewOptions()
        self._labels: Selector = parse_label_selector(None)
        self.set_options(options or ViewOptions())

    # ---- options ----------------------------------------------------------------------

    def set_options(self, options: ViewOptions) -> None:
        """Change the filters; raises BadRequest for a bad selector (state unchanged)."""
        labels = parse_label_selector(options.selector)
        self.options, self._labels = options, labels
        self._visible = {uid for uid, pod in self.pods.items() if self._pod_visible(pod)}

    def _ns_visible(self, namespace: str | None) -> bool:
        if self.options.namespace is not None:
            return namespace == self.options.namespace
        return self.options.show_system or namespace != SYSTEM_NAMESPACE

    def _pod_visible(self, pod: dict[str, Any]) -> bool:
        meta = pod["metadata"]
        return self._ns_visible(meta.get("namespace")) and self._labels.matches(meta.get("labels"))

    @property
    def dirty(self) -> bool:
        return any(self._dirty.values()) or bool(self._new_events)

    @property
    def wants_aggregation(self) -> bool:
        return len(self._visible) > self.options.aggregate_above

    # ---- watch events in ----------------------------------------------------------------

    def apply(self, etype: str, obj: dict[str, Any]) -> None:
        """One watch event (ADDED, MODIFIED, DELETED); other types are ignored."""
        if etype not in ("ADDED", "MODIFIED", "DELETED"):
            return
        gone = etype == "DELETED"
        kind = obj.get("kind")
        meta = obj["metadata"]
        if kind == "Pod":
            self._apply_pod(meta["uid"], None if gone else obj)
        elif kind in WORKLOAD_KINDS:
            self._apply_workload(obj, gone)
        elif kind == "HorizontalPodAutoscaler":
            self._apply_hpa(key_of(obj), None if gone else obj)
        elif kind == "Node":
            self._put(self.nodes, meta["name"], None if gone else obj)
            self._dirty["nodes"].add(meta["name"])
        elif kind == "Deployment":
            self._put(self.deployments, key_of(obj), None if gone else obj)
            self._dirty["deployments"].add(key_of(obj))
        elif kind in ("Service", "Endpoints"):
            table = self.services if kind == "Service" else self.endpoints
            self._put(table, key_of(obj), None if gone else obj)
            self._dirty["services"].add(key_of(obj))
            ns = meta.get("namespace")  # the Ingresses of the namespace may route to it
            self._dirty["services"].update(INGRESS + k for k, i in self.ingresses.items()
                                           if i["metadata"].get("namespace") == ns)
        elif kind == "Ingress":
            self._put(self.ingresses, key_of(obj), None if gone else obj)
            self._dirty["services"].add(INGRESS + key_of(obj))
        elif kind == "Event":
            self._apply_event(meta.get("uid", ""), None if gone else obj)

    def relist(self, kind: str, items: Iterable[dict[str, Any]]) -> None:
        """Replace every object of `kind` with a fresh list (start, or a watch that expired)."""
        items = list(items)
        fresh = {o["metadata"].get("uid") for o in items}
        if kind in WORKLOAD_KINDS:
            table: dict[str, Any] = {k: o for k, o in self.workload_objs.items()
                                     if o.get("kind") == kind}
        else:
            table = {
                "Node": self.nodes, "Pod": self.pods, "Deployment": self.deployments,
                "HorizontalPodAutoscaler": self.hpas, "Service": self.services,
                "Endpoints": self.endpoints, "Ingress": self.ingresses, "Event": self.events}[kind]
        for held in list(table.values()):
            uid = held["uid"] if kind == "Event" else held["metadata"].get("uid")
            if uid not in fresh:
                if kind == "Event":
                    self.events.pop(uid, None)
                else:
                    self.apply("DELETED", held)
        for obj in items:
            self.apply("ADDED", {"kind": kind, **obj})

    @staticmethod
    def _put(table: dict[str, Any], key: str, obj: dict[str, Any] | None) -> None:
        if obj is None:
            table.pop(key, None)
        else:
            table[key] = obj

    def _mark(self, touched: Touched) -> None:
        """Records whose content depends on what `owners` changed."""
        self._dirty["nodes"].update(touched.nodes)
        self._dirty["pods"].update(touched.pods)
        for top in touched.tops:
            self._dirty_top(top)

    def _dirty_top(self, top: str) -> None:
        kind, namespace, name = split_key(top)
        if kind == "Deployment":
            self._dirty["deployments"].add(f"{namespace}/{name}")
        else:
            self._dirty["workloads"].add(top)

    def _apply_pod(self, uid: str, pod: dict[str, Any] | None) -> None:
        self._mark(self.owners.set_pod(uid, pod))
        if pod is None:
            self.pods.pop(uid, None)
            self._visible.discard(uid)
            return
        self.pods[uid] = pod
        if self._pod_visible(pod):
            self._visible.add(uid)
        else:
            self._visible.discard(uid)

    def _apply_workload(self, obj: dict[str, Any], gone: bool) -> None:
        meta = obj["metadata"]
        key = workload_key(obj["kind"], meta.get("namespace", ""), meta.get("name", ""))
        self._put(self.workload_objs, key, None if gone else obj)
        self._dirty["workloads"].add(key)
        if obj["kind"] == "ReplicaSet":
            self._put(self.replicasets, meta["uid"], None if gone else obj)
        if obj["kind"] in INTERMEDIATE:
            self._mark(self.owners.set_parent(meta["uid"], None if gone else obj))

    def _apply_hpa(self, key: str, hpa: dict[str, Any] | None) -> None:
        old = self._hpa_target.pop(key, None)
        if old:
            self._hpas_by_target[old].discard(key)
            self._dirty_top(old)
        self._put(self.hpas, key, hpa)
        target = hpa_target(hpa) if hpa is not None else None
        if target:
            self._hpa_target[key] = target
            self._hpas_by_target[target].add(key)
            self._dirty_top(target)

    def _apply_event(self, uid: str, ev: dict[str, Any] | None) -> None:
        if ev is None:
            self.events.pop(uid, None)
            return
        self.events[uid] = event_record(ev)
        self._event_order[uid] = next(self._arrivals)
        self._new_events.append(uid)
        if len(self.events) > 2 * EVENTS_KEPT:  # prune in batches: sorting is not free
            oldest = sorted(self.events, key=self._event_key)[: len(self.events) - EVENTS_KEPT]
            for old in oldest:
                self.events.pop(old, None)
                self._event_order.pop(old, None)

    # ---- records ------------------------------------------------------------------------

    def owner(self, pod_uid: str) -> str | None:
        """The deployment key (`ns/name`) of a pod's Deployment, else None."""
        kind, namespace, name = split_key(self.owners.top_of.get(pod_uid) or "//")
        return f"{namespace}/{name}" if kind == "Deployment" else None

    def color(self, workload: str) -> int:
        """Palette index, fixed per workload key in order of first appearance."""
        if workload not in self._colors:
            self._colors[workload] = len(self._colors) % 10
        return self._colors[workload]

    def _hpa_of(self, workload: str) -> Record | None:
        names = sorted(self._hpas_by_target.get(workload, ()))
        return hpa_record(self.hpas[names[0]]) if names else None

    def _pod_rec(self, uid: str) -> Record | None:
        if uid not in self._visible:
            self._pod_recs.pop(uid, None)
            return None
        top = self.owners.top_of.get(uid)
        rec = pod_record(self.pods[uid], self.owner(uid), top,
                         None if top is None else self.color(top))
        self._pod_recs[uid] = rec
        return rec

    def _node_rec(self, name: str, aggregated: bool | None = None) -> Record | None:
        node = self.nodes.get(name)
        if node is None:
            return None
        on_node = self.owners.pods_by_node.get(name, ())
        states = None
        if self.aggregated if aggregated is None else aggregated:
            states = Counter(self._pod_recs[u]["state"] for u in on_node if u in self._pod_recs)
        return node_record(node, [self.pods[u] for u in on_node], states, self.usage.get(name))

    def set_usage(self, usage: dict[str, dict[str, int]] | None) -> None:
        """What the Metrics API says each node uses (None: no Metrics API); nodes whose use
        changed are redrawn."""
        usage = usage or {}
        changed = {n for n in set(usage) | set(self.usage) if usage.get(n) != self.usage.get(n)}
        self.usage = dict(usage)
        self._dirty["nodes"].update(n for n in changed if n in self.nodes)

    def _dep_rec(self, key: str) -> Record | None:
        dep = self.deployments.get(key)
        if dep is None or not self._ns_visible(dep["metadata"].get("namespace")):
            return None
        top = workload_key("Deployment", *key.split("/", 1))
        rs_uids = [u for u in self.owners.parents_by_top.get(top, ()) if u in self.replicasets]
        counts: dict[str, tuple[int, int]] = {}
        for u in rs_uids:
            live = leaving = 0
            for p in self.owners.pods_by_parent.get(u, ()):
                if p not in self._visible:
                    continue
                if is_pod_active(self.pods[p]):
                    live += 1
                elif self.pods[p]["metadata"].get("deletionTimestamp"):
                    leaving += 1
            counts[u] = (live, leaving)
        return deployment_record(dep, [self.replicasets[u] for u in rs_uids], counts,
                                 self.color(top), self._hpa_of(top))

    def _workload_rec(self, key: str) -> Record | None:
        obj = self.workload_objs.get(key)
        if obj is None or not self._ns_visible(obj["metadata"].get("namespace")):
            return None
        if obj["kind"] in INTERMEDIATE and self.owners.parent_top.get(obj["metadata"]["uid"],
                                                                        key) != key:
            return None  # a Deployment's ReplicaSet, a CronJob's Job: drawn with their owner
        pods = sum(1 for u in self.owners.pods_by_top.get(key, ()) if u in self._visible)
        return workload_record(obj, pods, self.color(key), self._hpa_of(key))

    def _svc_rec(self, key: str) -> Record | None:
        if key.startswith(INGRESS):
            return self._ingress_rec(key.removeprefix(INGRESS))
        svc = self.services.get(key)
        if svc is None or not self._ns_visible(svc["metadata"].get("namespace")):
            return None
        return service_record(svc, self.endpoints.get(key))

    def _ingress_rec(self, key: str) -> Record | None:
        ing = self.ingresses.get(key)
        if ing is None:
            return None
        ns = ing["metadata"].get("namespace")
        if not self._ns_visible(ns):
            return None
        return ingress_record(ing, lambda name: self.endpoints.get(f"{ns}/{name}"))

    def _event_key(self, uid: str) -> tuple[str, int]:
        return self.events[uid]["time"], self._event_order.get(uid, 0)

    def _event_visible(self, rec: Record) -> bool:
        return self._ns_visible(rec["namespace"])

    # ---- out: snapshot and delta --------------------------------------------------------

    def render(self) -> dict[str, Any]:
        """The full current state (PROTOCOL.md §3 without seq/time/cluster/error), leaving
        what was sent and the dirty marks alone (static renderings use this)."""
        aggregated = self.wants_aggregation
        # Workloads first, then pods by name: colours go out in the same order every time.
        deployments = [r for k in sorted(self.deployments) if (r := self._dep_rec(k)) is not None]
        workloads = [r for k in sorted(self.workload_objs)
                     if (r := self._workload_rec(k)) is not None]
        pods = [r for u in sorted(self._visible, key=self._pod_sort_key)
                if (r := self._pod_rec(u)) is not None]
        unscheduled = sum(1 for r in pods if r["node"] is None)
        if aggregated:
            pods = [r for r in pods if r["node"] is None][:UNSCHEDULED_CAP]
        visible = [u for u in self.events if self._event_visible(self.events[u])]
        return {
            "aggregated": aggregated,
            "unscheduled": unscheduled,
            "nodes": [r for n in sorted(self.nodes)
                      if (r := self._node_rec(n, aggregated)) is not None],
            "pods": pods,
            "deployments": deployments,
            "workloads": workloads,
            "services": [r for k in [*sorted(self.services), *(INGRESS + i for i in sorted(self.ingresses))]
                         if (r := self._svc_rec(k)) is not None],
            "events": [self.events[u] for u in sorted(visible, key=self._event_key)[-EVENTS_SHOWN:]],
        }

    def take_snapshot(self) -> dict[str, Any]:
        """`render()`, remembered as what the front end now has; clears the dirty marks."""
        self._pod_recs = {u: r for u, r in self._pod_recs.items() if u in self._visible}
        out = self.render()
        self.aggregated = out["aggregated"]
        self._sent = {
            "nodes": {r["name"]: r for r in out["nodes"]},
            "pods": {r["uid"]: r for r in out["pods"]},
            "deployments": {r["key"]: r for r in out["deployments"]},
            "workloads": {r["key"]: r for r in out["workloads"]},
            "services": {r["key"]: r for r in out["services"]},
        }
        for marks in self._dirty.values():
            marks.clear()
        self._new_events.clear()
        return out

    def take_delta(self) -> dict[str, Any] | None:
        """What changed for the front end since the last snapshot or delta, or None.

        Call `take_snapshot()` instead when `wants_aggregation != aggregated`."""
        upsert: dict[str, list[Record]] = {w: [] for w in WIRE}
        remove: dict[str, list[str]] = {w: [] for w in WIRE}
        for key in sorted(self._dirty["deployments"]):  # workloads first: colour order
            self._diff("deployments", key, self._dep_rec(key), upsert, remove)
        for key in sorted(self._dirty["workloads"]):
            self._diff("workloads", key, self._workload_rec(key), upsert, remove)
        for uid in sorted(self._dirty["pods"], key=self._pod_sort_key):
            rec = self._pod_rec(uid)
            if self.aggregated and rec is not None and (
                    rec["node"] is not None
                    or (uid not in self._sent["pods"]
                        and len(self._sent["pods"]) >= UNSCHEDULED_CAP)):
                rec = None
            self._diff("pods", uid, rec, upsert, remove)
        for name in sorted(self._dirty["nodes"]):
            self._diff("nodes", name, self._node_rec(name), upsert, remove)
        for key in sorted(self._dirty["services"]):
            self._diff("services", key, self._svc_rec(key), upsert, remove)
        fresh = [u for u in dict.fromkeys(self._new_events) if u in self.events]
        events = [self.events[u] for u in sorted(fresh, key=self._event_key)
                  if self._event_visible(self.events[u])][-EVENTS_SHOWN:]
        for marks in self._dirty.values():
            marks.clear()
        self._new_events.clear()
        if not events and not any(upsert.values()) and not any(remove.values()):
            return None
        unscheduled = sum(1 for r in self._pod_recs.values() if r["node"] is None)
        return {"upsert": upsert, "remove": remove, "events": events, "unscheduled": unscheduled}

    def _pod_sort_key(self, uid: str) -> tuple[str, str, str]:
        """(namespace, name, uid) of a pod, or of its last record once it is gone."""
        pod = self.pods.get(uid)
        where = pod["metadata"] if pod is not None else (self._sent["pods"].get(uid) or {})
        return where.get("namespace", ""), where.get("name", ""), uid

    def _diff(self, wire: str, key: str, rec: Record | None,
              upsert: dict[str, list[Record]], remove: dict[str, list[str]]) -> None:
        sent = self._sent[wire]
        if rec is None:
            if key in sent:
                del sent[key]
                remove[wire].append(key)
        elif sent.get(key) != rec:
            sent[key] = rec
            upsert[wire].append(rec)
