"""The view's copy of the cluster: watch events in, snapshots and deltas out.

`feed.py` hands every watch event to `ClusterState.apply` (cheap: store the object, update
a few indexes, mark the affected records dirty — it runs inside the store's fan-out, so it
never calls the store). The coalescer in `clusterview.py` later calls `take_delta()`, which
recomputes only the dirty records (`records.py`), compares them with what the front end
already has, and returns the upserts/removes that differ — or None when nothing visible
changed. `take_snapshot()` recomputes everything (first display, resync, option change,
aggregation switch). Callers serialise access with their own lock.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kubenb.api.pods import is_pod_active, owner_of
from kubenb.api.selectors import Selector, parse_label_selector

from .records import (
    Record,
    deployment_record,
    event_record,
    key_of,
    node_record,
    pod_record,
    service_record,
)

KINDS = ("Node", "ReplicaSet", "Pod", "Deployment", "Endpoints", "Service", "Event")
WIRE = ("nodes", "pods", "deployments", "services")
EVENTS_SHOWN = 20
EVENTS_KEPT = 500
UNSCHEDULED_CAP = 200
DEFAULT_AGGREGATE_ABOVE = 2000


@dataclass
class ViewOptions:
    """What the view shows: `options` on the wire (PROTOCOL.md §1)."""

    namespace: str | None = None
    selector: str | None = None
    aggregate_above: int = DEFAULT_AGGREGATE_ABOVE

    def to_json(self) -> dict[str, Any]:
        return {"namespace": self.namespace, "selector": self.selector,
                "aggregate_above": self.aggregate_above}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ViewOptions:
        above = data.get("aggregate_above")
        return cls(data.get("namespace") or None, data.get("selector") or None,
                   DEFAULT_AGGREGATE_ABOVE if above is None else int(above))


class ClusterState:
    """Objects by kind, the indexes that tell which records an event touches, and what
    the front end was last sent."""

    def __init__(self, options: ViewOptions | None = None) -> None:
        self.nodes: dict[str, dict[str, Any]] = {}
        self.pods: dict[str, dict[str, Any]] = {}            # by uid
        self.replicasets: dict[str, dict[str, Any]] = {}     # by uid
        self.deployments: dict[str, dict[str, Any]] = {}     # by ns/name
        self.services: dict[str, dict[str, Any]] = {}
        self.endpoints: dict[str, dict[str, Any]] = {}
        self.events: dict[str, Record] = {}                  # event records by uid
        self._event_order: dict[str, int] = {}
        self._arrivals = itertools.count()
        # pod uid -> (node, ReplicaSet uid); the reverse indexes
        self._pod_place: dict[str, tuple[str | None, str | None]] = {}
        self._pods_by_node: dict[str, set[str]] = defaultdict(set)
        self._pods_by_rs: dict[str, set[str]] = defaultdict(set)
        self._rs_owner: dict[str, str | None] = {}          # ReplicaSet uid -> deployment key
        self._rs_by_dep: dict[str, set[str]] = defaultdict(set)
        self._visible: set[str] = set()                      # pod uids passing the filters
        self._pod_recs: dict[str, Record] = {}               # current records of visible pods
        self._dirty: dict[str, set[str]] = {w: set() for w in WIRE}
        self._new_events: list[str] = []
        self._sent: dict[str, dict[str, Record]] = {w: {} for w in WIRE}
        self._colors: dict[str, int] = {}
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
        return self.options.namespace is None or namespace == self.options.namespace

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
        elif kind == "ReplicaSet":
            self._apply_rs(meta["uid"], None if gone else obj)
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
        elif kind == "Event":
            self._apply_event(meta.get("uid", ""), None if gone else obj)

    def relist(self, kind: str, items: Iterable[dict[str, Any]]) -> None:
        """Replace every object of `kind` with a fresh list (start, or a watch that expired)."""
        items = list(items)
        fresh = {o["metadata"].get("uid") for o in items}
        table: dict[str, Any] = {
            "Node": self.nodes, "Pod": self.pods, "ReplicaSet": self.replicasets,
            "Deployment": self.deployments, "Service": self.services,
            "Endpoints": self.endpoints, "Event": self.events}[kind]
        for held in list(table.values()):
            uid = held["uid"] if kind == "Event" else held["metadata"].get("uid")
            if uid not in fresh:
                if kind == "Event":
                    self.events.pop(uid, None)
                else:
                    self.apply("DELETED", held)
        for obj in items:
            self.apply("ADDED", obj)

    @staticmethod
    def _put(table: dict[str, Any], key: str, obj: dict[str, Any] | None) -> None:
        if obj is None:
            table.pop(key, None)
        else:
            table[key] = obj

    def _apply_pod(self, uid: str, pod: dict[str, Any] | None) -> None:
        old_node, old_rs = self._pod_place.pop(uid, (None, None))
        if old_node:
            self._pods_by_node[old_node].discard(uid)
            self._dirty["nodes"].add(old_node)
        if old_rs:
            self._pods_by_rs[old_rs].discard(uid)
            self._dirty_owner(old_rs)
        self._dirty["pods"].add(uid)
        if pod is None:
            self.pods.pop(uid, None)
            self._visible.discard(uid)
            return
        self.pods[uid] = pod
        node = (pod.get("spec") or {}).get("nodeName") or None
        ref = owner_of(pod, "ReplicaSet")
        rs = ref.get("uid") if ref else None
        self._pod_place[uid] = (node, rs)
        if node:
            self._pods_by_node[node].add(uid)
            self._dirty["nodes"].add(node)
        if rs:
            self._pods_by_rs[rs].add(uid)
            self._dirty_owner(rs)
        if self._pod_visible(pod):
            self._visible.add(uid)
        else:
            self._visible.discard(uid)

    def _dirty_owner(self, rs_uid: str) -> None:
        dep = self._rs_owner.get(rs_uid)
        if dep:
            self._dirty["deployments"].add(dep)

    def _apply_rs(self, uid: str, rs: dict[str, Any] | None) -> None:
        old = self._rs_owner.pop(uid, None)
        if old:
            self._rs_by_dep[old].discard(uid)
            self._dirty["deployments"].add(old)
        self._dirty["pods"].update(self._pods_by_rs.get(uid, ()))  # their owner may change
        if rs is None:
            self.replicasets.pop(uid, None)
            return
        self.replicasets[uid] = rs
        ref = owner_of(rs, "Deployment")
        dep = f"{rs['metadata'].get('namespace', '')}/{ref['name']}" if ref else None
        self._rs_owner[uid] = dep
        if dep:
            self._rs_by_dep[dep].add(uid)
            self._dirty["deployments"].add(dep)

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
        rs = self._pod_place.get(pod_uid, (None, None))[1]
        return self._rs_owner.get(rs) if rs else None

    def color(self, dep_key: str) -> int:
        """Palette index, fixed per deployment in order of first appearance."""
        if dep_key not in self._colors:
            self._colors[dep_key] = len(self._colors) % 10
        return self._colors[dep_key]

    def _pod_rec(self, uid: str) -> Record | None:
        if uid not in self._visible:
            self._pod_recs.pop(uid, None)
            return None
        rec = pod_record(self.pods[uid], self.owner(uid))
        self._pod_recs[uid] = rec
        return rec

    def _node_rec(self, name: str, aggregated: bool | None = None) -> Record | None:
        node = self.nodes.get(name)
        if node is None:
            return None
        on_node = self._pods_by_node.get(name, ())
        states = None
        if self.aggregated if aggregated is None else aggregated:
            states = Counter(self._pod_recs[u]["state"] for u in on_node if u in self._pod_recs)
        return node_record(node, [self.pods[u] for u in on_node], states)

    def _dep_rec(self, key: str) -> Record | None:
        dep = self.deployments.get(key)
        if dep is None or not self._ns_visible(dep["metadata"].get("namespace")):
            return None
        rss = [self.replicasets[u] for u in self._rs_by_dep.get(key, ()) if u in self.replicasets]
        counts: dict[str, tuple[int, int]] = {}
        for u in self._rs_by_dep.get(key, ()):
            live = leaving = 0
            for p in self._pods_by_rs.get(u, ()):
                if p not in self._visible:
                    continue
                if is_pod_active(self.pods[p]):
                    live += 1
                elif self.pods[p]["metadata"].get("deletionTimestamp"):
                    leaving += 1
            counts[u] = (live, leaving)
        return deployment_record(dep, rss, counts, self.color(key))

    def _svc_rec(self, key: str) -> Record | None:
        svc = self.services.get(key)
        if svc is None or not self._ns_visible(svc["metadata"].get("namespace")):
            return None
        return service_record(svc, self.endpoints.get(key))

    def _event_key(self, uid: str) -> tuple[str, int]:
        return self.events[uid]["time"], self._event_order.get(uid, 0)

    def _event_visible(self, rec: Record) -> bool:
        return self._ns_visible(rec["namespace"])

    # ---- out: snapshot and delta --------------------------------------------------------

    def render(self) -> dict[str, Any]:
        """The full current state (PROTOCOL.md §3 without seq/time/cluster/error), leaving
        what was sent and the dirty marks alone (static renderings use this)."""
        aggregated = self.wants_aggregation
        for uid in self._visible:
            self._pod_rec(uid)
        pods = sorted((self._pod_recs[u] for u in self._visible),
                      key=lambda r: (r["namespace"], r["name"]))
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
            "deployments": [r for k in sorted(self.deployments)
                            if (r := self._dep_rec(k)) is not None],
            "services": [r for k in sorted(self.services) if (r := self._svc_rec(k)) is not None],
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
        for key in sorted(self._dirty["deployments"]):
            self._diff("deployments", key, self._dep_rec(key), upsert, remove)
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
