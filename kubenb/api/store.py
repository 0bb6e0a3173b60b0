"""The API store: versioned Kubernetes objects, the single source of truth.

Commands write desired state here; controllers, the scheduler and kubelets watch it and
write status back (DESIGN: nothing reaches around the store). Every write runs the
API server's pipeline — defaulting, admission hooks, validation — bumps the global
resourceVersion and fans the change out to watchers (kubenb.api.watch).

Objects returned by `get`/`list` are the stored dicts themselves: treat them as read-only
and `clone()` before changing one. Writes always store a fresh copy.
"""

from __future__ import annotations

import collections
import random
import secrets
import threading
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any, Literal, Protocol

from kubenb.api import crd, defaults, validation
from kubenb.api.errors import (
    AlreadyExists,
    BadRequest,
    Conflict,
    Expired,
    Forbidden,
    MethodNotAllowed,
    NotFound,
)
from kubenb.api.managed_fields import Manager, internal_writer, track
from kubenb.api.names import generate_name
from kubenb.api.objects import EventType, Key, ResourceVersion, WatchEvent, clone, stamp
from kubenb.api.pods import qos_class, set_condition
from kubenb.api.registry import REGISTRY, Registry, ResourceType, UnknownResource
from kubenb.api.selectors import FieldSelector, Selector, parse_field_selector, parse_label_selector
from kubenb.api.watch import Deliver, Watcher, begin_delivery, end_delivery, make_watcher
from kubenb.clock import Clock, rfc3339

Op = Literal["CREATE", "UPDATE"]
Propagation = Literal["Background", "Foreground", "Orphan"]
# Kinds whose metadata.generation follows spec changes.
_UID_BEFORE_ADMISSION = {"Job"}
# Kinds whose uids come from a generator of their own (when seeded): what the cluster writes
# by itself as it starts — node Leases, the default roles and bindings, the local
# APIServices, the default StorageClass — must not shift the uids, ClusterIPs and NodePorts
# drawn after them.
_OWN_UID_STREAM = {"Lease", "ClusterRole", "ClusterRoleBinding", "APIService", "StorageClass"}
_GENERATION_KINDS = {"Deployment", "ReplicaSet", "Pod", "Job", "CronJob", "DaemonSet",
                     "ReplicationController", "StatefulSet", "HorizontalPodAutoscaler",
                     "PodDisruptionBudget", "CustomResourceDefinition"}
SYSTEM_NAMESPACES = ("default", "kube-node-lease", "kube-public", "kube-system")
# RFC 4122 variant and version 4 bits, as uuid.UUID(int=..., version=4) sets them
_UUID_CLEAR = ~((0xC000 << 48) | (0xF000 << 64))
_UUID_V4 = (0x8000 << 48) | (4 << 76)


class AdmissionHook(Protocol):
    """Mutating/validating admission the store runs on every create and update."""

    def admit(self, op: Op, obj: dict[str, Any], old: dict[str, Any] | None) -> None: ...

    def release(self, obj: dict[str, Any]) -> None: ...


WriteListener = Callable[[str, str, dict[str, Any], str | None], None]


class Store:
    """Thread-safe object store with Kubernetes semantics."""

    def __init__(
        self,
        clock: Clock,
        *,
        seed: int | None = None,
        registry: Registry = REGISTRY,
        history: int = 200_000,
    ) -> None:
        self.clock = clock
        # this store's own registry: CustomResourceDefinitions add kinds to it
        self.registry = registry.copy()
        self.rng = random.Random(seed)
        self._seed = seed
        # signs this cluster's ServiceAccount tokens (api/tokens.py): another cluster's
        # tokens do not verify here
        self.token_key = secrets.token_bytes(32)
        # generateName suffixes come from one generator per prefix (when seeded), so a
        # ReplicaSet's pod names do not shift with how many Events or UIDs came before.
        self._name_rngs: dict[str, random.Random] = {}
        self.hooks: list[AdmissionHook] = []
        # validating admission (LimitRanger's checks, ResourceQuota): after validation passed
        self.validating_hooks: list[AdmissionHook] = []
        self.write_listeners: list[WriteListener] = []
        self.kind_listeners: list[Callable[[str], None]] = []
        # EventRecorder's aggregation cache: (source, object, reason, message) -> event key
        self.event_cache: dict[tuple[Any, ...], tuple[str, str]] = {}
        # EventAggregator's cache: (source, object, type, reason) -> (messages seen, last time)
        self.event_aggregates: dict[tuple[Any, ...], tuple[dict[str, None], float]] = {}
        # EventRecorder's name probe: (namespace, object name) -> (first, end, removals):
        # Event names for nanoseconds first..end-1 were taken while `removals` Events had gone
        self.event_names: dict[tuple[str, str], tuple[int, int, int]] = {}
        self._lock = threading.RLock()
        self._rv = 0
        # kind -> how many writes / removals of it there ever were: lets a reader keep
        # something derived from a kind's objects until the next write of that kind
        self.writes: collections.Counter[str] = collections.Counter()
        self.removals: collections.Counter[str] = collections.Counter()
        # kind -> namespace -> name -> object
        self._objects: dict[str, dict[str, dict[str, dict[str, Any]]]] = {
            r.kind: {} for r in registry
        }
        self._log: collections.deque[tuple[int, EventType, dict[str, Any], dict[str, Any] | None]] = (
            collections.deque(maxlen=history)
        )
        # watchers by kind (None: every kind); pod watchers pinned to one node by their
        # field selector are kept per node, so a write reaches only the kubelet it concerns
        self._watchers: dict[str | None, list[Watcher]] = collections.defaultdict(list)
        self._node_watchers: dict[str, list[Watcher]] = collections.defaultdict(list)
        # owner uid -> dependents' keys, in insertion order (a dict: runs must not depend
        # on string hashing, or which pod a scale-down picks would change between runs)
        self._owned: dict[str, dict[Key, None]] = collections.defaultdict(dict)
        self._on_node: dict[str, set[tuple[str, str]]] = collections.defaultdict(set)
        # pods without a controller ownerReference, by namespace (what a ReplicaSet may adopt)
        self._uncontrolled: dict[str, dict[str, None]] = collections.defaultdict(dict)

    # ---- helpers -----------------------------------------------------------------------

    def resource(self, kind: str) -> ResourceType:
        try:
            return self.registry.by_kind(kind)
        except UnknownResource:
            raise BadRequest(f'no kind "{kind}" is registered') from None

    def _new_uid(self, kind: str = "") -> str:
        # str(uuid.UUID(int=bits, version=4)), without building the UUID object
        rng = self._name_rng(f"uid:{kind}") if kind in _OWN_UID_STREAM else self.rng
        n = (rng.getrandbits(128) & _UUID_CLEAR) | _UUID_V4
        h = f"{n:032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def _next_rv(self) -> str:
        self._rv += 1
        return str(self._rv)

    @property
    def resource_version(self) -> ResourceVersion:
        with self._lock:
            return ResourceVersion(str(self._rv))

    def _name_rng(self, prefix: str) -> random.Random:
        if self._seed is None:
            return self.rng
        rng = self._name_rngs.get(prefix)
        if rng is None:
            rng = self._name_rngs[prefix] = random.Random(f"{self._seed}/{prefix}")
        return rng

    def _find(self, kind: str, namespace: str, name: str) -> dict[str, Any] | None:
        return self._objects[kind].get(namespace, {}).get(name)

    def _ns_of(self, rt: ResourceType, namespace: str | None) -> str:
        return (namespace or "default") if rt.namespaced else ""

    def _index(self, obj: dict[str, Any], add: bool) -> None:
        meta = obj["metadata"]
        key = Key(obj["kind"], meta.get("namespace") or "", meta["name"])
        for ref in meta.get("ownerReferences") or []:
            s = self._owned[ref["uid"]]
            if add:
                s[key] = None
            else:
                s.pop(key, None)
                if not s:
                    del self._owned[ref["uid"]]
        if obj["kind"] == "Pod":
            if not any(ref.get("controller") for ref in meta.get("ownerReferences") or []):
                if add:
                    self._uncontrolled[key.namespace][key.name] = None
                else:
                    self._uncontrolled[key.namespace].pop(key.name, None)
            node = (obj.get("spec") or {}).get("nodeName")
            if node:
                if add:
                    self._on_node[node].add((key.namespace, key.name))
                else:
                    self._on_node[node].discard((key.namespace, key.name))

    def _put(self, obj: dict[str, Any], old: dict[str, Any] | None, etype: EventType) -> dict[str, Any]:
        meta = obj["metadata"]
        rv = self._next_rv()
        meta["resourceVersion"] = rv
        if old is not None:
            self._index(old, add=False)
        ns = meta.get("namespace") or ""
        self.writes[obj["kind"]] += 1
        if etype == "DELETED":
            by_ns = self._objects[obj["kind"]].get(ns, {})
            by_ns.pop(meta["name"], None)
            self.removals[obj["kind"]] += 1
        else:
            self._objects[obj["kind"]].setdefault(ns, {})[meta["name"]] = obj
            self._index(obj, add=True)
        self._log.append((int(rv), etype, obj, old))
        kind = obj["kind"]
        targets = self._watchers.get(kind, []) + self._watchers.get(None, [])
        if kind == "Pod" and self._node_watchers:
            nodes = {(obj.get("spec") or {}).get("nodeName")}
            if old is not None:
                nodes.add((old.get("spec") or {}).get("nodeName"))
            for node in nodes:
                if node:
                    targets += self._node_watchers.get(node, [])
        opened = begin_delivery()
        try:
            for w in targets:
                w.offer(etype, obj, old)
        finally:
            end_delivery(opened)
        return obj

    def _notify(self, verb: str, obj: dict[str, Any], sub: str | None = None) -> None:
        for fn in self.write_listeners:
            fn(verb, obj["kind"], obj, sub)

    def _admit(self, op: Op, obj: dict[str, Any], old: dict[str, Any] | None) -> None:
        rt = self.registry.by_kind(obj["kind"])
        if rt.custom is not None:  # a CustomResourceDefinition's kind (crd_registry.py)
            rt.custom.prepare(obj, old)
        else:
            defaults.apply_defaults(obj)
        for hook in self.hooks:
            hook.admit(op, obj, old)
        if rt.custom is not None:
            rt.custom.validate(obj, old, rt.namespaced)
        else:
            validation.validate(obj, old)
        for hook in self.validating_hooks:
            hook.admit(op, obj, old)

    def _terminating_crds(self) -> set[str]:
        with self._lock:
            return {name for name, o in self._objects["CustomResourceDefinition"].get("", {}).items()
                    if o["metadata"].get("deletionTimestamp")}

    def serve_kind(self, rt: ResourceType) -> None:
        """Start serving a kind (a CustomResourceDefinition's) with no objects yet; the
        `kind_listeners` (the controllers that watch every kind) hear of a new one."""
        with self._lock:
            new = rt.kind not in self._objects
            self._objects.setdefault(rt.kind, {})
            self.registry.add(rt)
        if new:
            for listener in list(self.kind_listeners):
                listener(rt.kind)

    def unserve_kind(self, kind: str) -> None:
        """Stop serving a kind; its objects must be gone already."""
        with self._lock:
            self.registry.remove(kind)
            self._objects.pop(kind, None)

    # ---- reads -------------------------------------------------------------------------

    def get(self, kind: str, namespace: str | None, name: str) -> dict[str, Any]:
        rt = self.resource(kind)
        with self._lock:
            obj = self._find(kind, self._ns_of(rt, namespace), name)
        if obj is None:
            raise NotFound(rt.qualified, name)
        return obj

    def try_get(self, kind: str, namespace: str | None, name: str) -> dict[str, Any] | None:
        rt = self.resource(kind)
        with self._lock:
            return self._find(kind, self._ns_of(rt, namespace), name)

    def list(
        self,
        kind: str,
        namespace: str | None = None,
        *,
        label_selector: str | Selector | None = None,
        field_selector: str | FieldSelector | None = None,
    ) -> list[dict[str, Any]]:
        """Objects in etcd key order (namespace, then name); namespace None means all."""
        return self.list_with_version(
            kind, namespace, label_selector=label_selector, field_selector=field_selector
        )[0]

    def list_with_version(
        self,
        kind: str,
        namespace: str | None = None,
        *,
        label_selector: str | Selector | None = None,
        field_selector: str | FieldSelector | None = None,
    ) -> tuple[list[dict[str, Any]], ResourceVersion]:
        rt = self.resource(kind)
        labels = _labels(label_selector)
        fields = _fields(field_selector, kind)
        with self._lock:
            node = fields.value_of("spec.nodeName") if kind == "Pod" else None
            if node is not None:
                cands: Iterable[dict[str, Any]] = [
                    self._objects["Pod"][ns][n] for ns, n in self._on_node.get(node, ())
                ]
                cands = sorted(cands, key=lambda o: (o["metadata"]["namespace"], o["metadata"]["name"]))
            else:
                by_ns = self._objects[kind]
                nss = [namespace] if (namespace and rt.namespaced) else sorted(by_ns)
                cands = [o for ns in nss for _, o in sorted(by_ns.get(ns, {}).items())]
            if labels.empty() and fields.empty():
                out = list(cands)  # no selector, so cands came from the namespace's own map
            else:
                out = [
                    o
                    for o in cands
                    if (not namespace or not rt.namespaced
                        or o["metadata"].get("namespace") == namespace)
                    and labels.matches(o["metadata"].get("labels"))
                    and fields.matches(o)
                ]
            return out, ResourceVersion(str(self._rv))

    def list_at(
        self,
        kind: str,
        namespace: str | None,
        resource_version: int,
        *,
        label_selector: str | Selector | None = None,
        field_selector: str | FieldSelector | None = None,
    ) -> list[dict[str, Any]]:
        """The matching objects as they were at `resource_version`, in key order: the current
        ones with the later changes of the log undone (Expired when the log no longer
        reaches back that far, as a compacted etcd revision)."""
        rt = self.resource(kind)
        labels = _labels(label_selector)
        fields = _fields(field_selector, kind)
        with self._lock:
            oldest = self._log[0][0] if self._log else self._rv + 1
            if resource_version < oldest - 1 and resource_version < self._rv:
                raise Expired(f"too old resource version: {resource_version} ({oldest - 1})")
            state = {(ns, name): o for ns, by_name in self._objects[kind].items()
                     for name, o in by_name.items()}
            for rv, etype, obj, old in reversed(self._log):
                if rv <= resource_version:
                    break
                if obj["kind"] != kind:
                    continue
                key = (obj["metadata"].get("namespace") or "", obj["metadata"]["name"])
                if etype == "ADDED" or old is None:
                    state.pop(key, None)
                else:
                    state[key] = old
        return [o for k, o in sorted(state.items())
                if (not namespace or not rt.namespaced or k[0] == namespace)
                and labels.matches(o["metadata"].get("labels")) and fields.matches(o)]

    def dependents_count(self, owner_uid: str) -> int:
        """How many objects name this uid in their ownerReferences."""
        with self._lock:
            return len(self._owned.get(owner_uid, ()))

    def uncontrolled_pods(self, namespace: str) -> list[dict[str, Any]]:
        """Pods of the namespace that no controller owns, in name order (as `list`)."""
        with self._lock:
            names = sorted(self._uncontrolled.get(namespace, ()))
            found = [self._find("Pod", namespace, n) for n in names]
        return [o for o in found if o is not None]

    def dependents(self, owner_uid: str) -> list[dict[str, Any]]:
        """Objects whose ownerReferences name this uid."""
        with self._lock:
            found = [self._find(*k) for k in self._owned.get(owner_uid, ())]
        return [o for o in found if o is not None]

    # ---- writes ------------------------------------------------------------------------

    def create(self, obj: dict[str, Any], *, dry_run: bool = False,
               adopt: bool = False, uid: str | None = None,
               manager: Manager | None = None) -> dict[str, Any]:
        """Create an object. `adopt`: the caller built `obj` just for this call and never
        touches it again (controllers, event recorders), so it is stored without a copy.
        `uid`: an addon's bootstrap object brings its own, so that adding one does not shift
        the seeded uids of everything created after it. `manager`: who writes
        (managedFields are kept for writes that name one, `managed_fields.track`)."""
        rt = self.resource(obj.get("kind", ""))
        if not isinstance(obj.get("metadata", {}), dict):
            raise BadRequest(f"{rt.kind} in version \"{rt.version}\" cannot be handled as a "
                             f"{rt.kind}: metadata must be an object")
        if rt.custom is not None and rt.custom.crd_name in self._terminating_crds():
            raise MethodNotAllowed("create not allowed while custom resource definition is terminating")
        new = obj if adopt else clone(obj)
        new["apiVersion"] = rt.api_version
        meta = new.setdefault("metadata", {})
        if rt.namespaced:
            meta["namespace"] = meta.get("namespace") or "default"
        else:
            meta.pop("namespace", None)
        for k in ("uid", "resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds",
                  "creationTimestamp", "generation"):
            meta.pop(k, None)
        with self._lock:
            ns = meta.get("namespace", "")
            if rt.namespaced and ns:
                nsobj = self._find("Namespace", "", ns)
                if nsobj is None:
                    raise NotFound("namespaces", ns)
                if nsobj["metadata"].get("deletionTimestamp"):
                    raise Forbidden(
                        f'{rt.plural} "{meta.get("name") or meta.get("generateName", "")}" is '
                        f"forbidden: unable to create new content in namespace {ns} because it "
                        "is being terminated"
                    )
            if not meta.get("name") and meta.get("generateName"):
                for _ in range(16):
                    meta["name"] = generate_name(meta["generateName"],
                                                 self._name_rng(meta["generateName"]))
                    if self._find(rt.kind, ns, meta["name"]) is None:
                        break
            self._reset_status(new)
            # Like upstream's BeforeCreate, a Job has its uid before the strategy validates:
            # its generated selector is made from it (defaults_batch.py). Other kinds draw
            # theirs after admission, so a rejected create leaves the seeded sequence alone.
            if rt.kind in _UID_BEFORE_ADMISSION:
                meta["uid"] = self._new_uid()
            self._admit("CREATE", new, None)
            if rt.kind == "Pod":  # PrepareForCreate runs after mutating admission (LimitRanger)
                new["status"]["qosClass"] = qos_class(new)
            if self._find(rt.kind, ns, meta["name"]) is not None:
                for hook in self.hooks:
                    hook.release(new)
                raise AlreadyExists(rt.qualified, meta["name"])
            if rt.kind not in _UID_BEFORE_ADMISSION:
                meta["uid"] = uid or self._new_uid(rt.kind)
            meta["creationTimestamp"] = stamp(self.clock.now())
            if rt.kind in _GENERATION_KINDS or rt.custom is not None:
                meta["generation"] = 1
            if manager is not None:
                track(None, new, manager, rt.api_version, rt.has_status, meta["creationTimestamp"],
                      meta.get("managedFields"))
            if dry_run:
                for hook in self.hooks:
                    hook.release(new)
                return new
            self._put(new, None, "ADDED")
        self._notify("create", new)
        return new

    def _reset_status(self, obj: dict[str, Any]) -> None:
        kind = obj["kind"]
        if kind == "Pod":
            obj["status"] = {"phase": "Pending", "qosClass": qos_class(obj)}
        elif kind in ("Deployment", "ReplicaSet", "Job", "CronJob"):
            obj["status"] = {}
        elif kind == "Service":
            obj["status"] = {"loadBalancer": {}}
        elif kind == "StatefulSet":
            obj["status"] = {"replicas": 0, "availableReplicas": 0}
        elif kind in ("PersistentVolumeClaim", "PersistentVolume"):
            obj["status"] = {"phase": "Pending"}
        elif kind == "CustomResourceDefinition":
            crd.prepare_status(obj, None)

    def update(
        self,
        obj: dict[str, Any],
        *,
        subresource: str | None = None,
        dry_run: bool = False,
        adopt: bool = False,
        manager: Manager | None = None,
    ) -> dict[str, Any]:
        """Replace an object (or only its status with subresource="status").

        A stale metadata.resourceVersion raises Conflict; an empty one updates
        unconditionally. A no-op update writes nothing and returns the current object.
        `adopt` (status writes): the caller hands over a status it built for this call
        and never touches again, so it is stored without a copy. `manager`: who writes
        (managedFields follow the writes that name one; others keep the old ones).
        """
        rt = self.resource(obj.get("kind", ""))
        meta_in = obj.get("metadata") or {}
        name = meta_in.get("name", "")
        with self._lock:
            ns = self._ns_of(rt, meta_in.get("namespace"))
            old = self._find(rt.kind, ns, name)
            if old is None:
                raise NotFound(rt.qualified, name)
            rv = meta_in.get("resourceVersion")
            if rv and rv != old["metadata"]["resourceVersion"]:
                raise Conflict(rt.qualified, name)
            if subresource == "status":
                # stored objects are never mutated, so the new version shares everything
                # but metadata (resourceVersion changes) and status with the old one
                new = dict(old)
                new["metadata"] = dict(old["metadata"])
                status = obj.get("status") or {}
                new["status"] = status if adopt else clone(status)
                if rt.custom is not None:  # the status strategy prunes, defaults, validates
                    rt.custom.prune(new)
                    rt.custom.validate(new, old, rt.namespaced)
            else:
                new = clone(obj)
                new["apiVersion"] = rt.api_version
                meta = new.setdefault("metadata", {})
                for k in ("uid", "creationTimestamp", "deletionTimestamp",
                          "deletionGracePeriodSeconds", "namespace", "name", "generation"):
                    if k in old["metadata"]:
                        meta[k] = old["metadata"][k]
                    else:
                        meta.pop(k, None)
                if rt.has_status:
                    if "status" in old:
                        new["status"] = clone(old["status"])
                    else:
                        new.pop("status", None)
                self._admit("UPDATE", new, old)
                if (rt.custom.generation_changed(new, old) if rt.custom is not None else
                        rt.kind in _GENERATION_KINDS and new.get("spec") != old.get("spec")):
                    meta["generation"] = old["metadata"].get("generation", 1) + 1
                if old["metadata"].get("deletionTimestamp") and (
                    len(meta.get("finalizers") or []) > len(old["metadata"].get("finalizers") or [])
                ):
                    raise Forbidden(
                        f'{rt.plural} "{name}" is forbidden: no new finalizers can be added '
                        "if the object is being deleted"
                    )
            if manager is not None:
                track(old, new, manager, rt.api_version, rt.has_status, stamp(self.clock.now()),
                      meta_in.get("managedFields"))
            elif "managedFields" in old["metadata"]:  # a component's write: entries as stored
                track(old, new, internal_writer(rt.kind, subresource), rt.api_version,
                      rt.has_status, stamp(self.clock.now()))
            new["metadata"]["resourceVersion"] = old["metadata"]["resourceVersion"]
            if new == old:
                return old
            if dry_run:
                return new
            if (old["metadata"].get("deletionTimestamp") and not _pending_finalizers(new)
                    and old["metadata"].get("deletionGracePeriodSeconds") == 0):
                # the last finalizer is gone from an object whose grace period is over
                self._put(new, old, "DELETED")
                self._release(new)
            else:
                self._put(new, old, "MODIFIED")
        self._notify("update", new, subresource)
        return new

    def _release(self, obj: dict[str, Any]) -> None:
        for hook in self.hooks:
            hook.release(obj)

    def bind(self, namespace: str, name: str, node_name: str) -> dict[str, Any]:
        """The pods/binding subresource: assign a pending pod to a node."""
        with self._lock:
            pod = self.get("Pod", namespace, name)
            current = pod["spec"].get("nodeName")
            if current:
                raise Conflict("pods", name, f'pod {name} is already assigned to node "{current}"')
            if pod["metadata"].get("deletionTimestamp"):
                raise Conflict("pods", name, "pod is being deleted, cannot be assigned to a host")
            # shares all but what changes with the stored version (never mutated)
            new = dict(pod)
            new["metadata"] = dict(pod["metadata"])
            new["spec"] = dict(pod["spec"])
            new["spec"]["nodeName"] = node_name
            new["status"] = clone(pod.get("status") or {})
            set_condition(new["status"], "PodScheduled", "True",
                          stamp(self.clock.now()), probe_time=True)
            self._put(new, pod, "MODIFIED")
        self._notify("create", new, "binding")
        return new

    def delete(
        self,
        kind: str,
        namespace: str | None,
        name: str,
        *,
        grace_period_seconds: int | None = None,
        propagation: Propagation | None = None,
        uid: str | None = None,
        dry_run: bool = False,
    ) -> dict[str, Any]:
        """Delete an object the way the API server does.

        Pods on a node get a graceful deletion (deletionTimestamp, then the kubelet finishes
        it with grace 0). Foreground and Orphan propagation add the matching finalizer and
        leave the work to the garbage collector; Background removes the object at once.
        """
        rt = self.resource(kind)
        with self._lock:
            ns = self._ns_of(rt, namespace)
            old = self._find(kind, ns, name)
            if old is None:
                raise NotFound(rt.qualified, name)
            if uid and old["metadata"]["uid"] != uid:
                raise Conflict(rt.qualified, name, (
                    f"Precondition failed: UID in precondition: {uid}, "
                    f"UID in object meta: {old['metadata']['uid']}"))
            new = clone(old)
            meta = new["metadata"]
            now = self.clock.now()
            grace = self._grace(old, grace_period_seconds)
            finalizers = list(meta.get("finalizers") or [])
            if propagation == "Foreground" and "foregroundDeletion" not in finalizers:
                finalizers.append("foregroundDeletion")
            elif propagation == "Orphan" and "orphan" not in finalizers:
                finalizers.append("orphan")
            if finalizers:
                meta["finalizers"] = finalizers
            if kind == "Namespace":
                new.setdefault("status", {})["phase"] = "Terminating"
            if kind == "CustomResourceDefinition":  # its objects go first (controllers/crd.py)
                crd.mark_terminating(new, stamp(now))
            if grace > 0 or _pending_finalizers(new):
                previous = meta.get("deletionGracePeriodSeconds")
                if not meta.get("deletionTimestamp") or (previous is not None and grace < previous):
                    meta["deletionTimestamp"] = rfc3339(now + timedelta(seconds=grace))
                    meta["deletionGracePeriodSeconds"] = grace
                if new == old or dry_run:
                    return new
                self._put(new, old, "MODIFIED")
                self._notify("delete", new)
                return new
            if dry_run:
                return new
            self._put(new, old, "DELETED")
            self._release(new)
        self._notify("delete", new)
        return new

    def _grace(self, obj: dict[str, Any], requested: int | None) -> int:
        if obj["kind"] != "Pod":
            return 0
        spec = obj.get("spec") or {}
        if not spec.get("nodeName"):
            return 0
        if (obj.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
            return 0
        if requested is not None:
            return max(0, requested)
        return int(spec.get("terminationGracePeriodSeconds", 30))

    # ---- watch -------------------------------------------------------------------------

    def watch(
        self,
        kind: str | None,
        deliver: Deliver,
        *,
        namespace: str | None = None,
        label_selector: str | Selector | None = None,
        field_selector: str | FieldSelector | None = None,
        resource_version: str | None = None,
        initial: bool = False,
    ) -> Watcher:
        """Start delivering changes of `kind` (None: all kinds) to `deliver`.

        `resource_version` replays exactly the changes after it (Expired if the log no
        longer reaches back that far); `initial` first sends ADDED for every current match.
        """
        labels = _labels(label_selector)
        fields = _fields(field_selector, kind or "")
        w = make_watcher(kind, deliver, namespace, labels, fields)
        with self._lock:
            if initial:
                kinds = [kind] if kind else [r.kind for r in self.registry]
                for k in kinds:
                    for obj in self.list(k, namespace, label_selector=labels, field_selector=fields):
                        deliver({"type": "ADDED", "object": obj})
            if resource_version not in (None, "", "0"):
                since = int(resource_version)  # type: ignore[arg-type]
                oldest = self._log[0][0] if self._log else self._rv + 1
                if since < oldest - 1 and since < self._rv:
                    raise Expired(f"too old resource version: {since} ({oldest - 1})")
                for rv, etype, obj, old in self._log:
                    if rv > since:
                        w.offer(etype, obj, old)
            self._bucket(w).append(w)
            w.on_stop.append(lambda: self._unwatch(w))
        return w

    def _bucket(self, w: Watcher) -> list[Watcher]:
        node = w.fields.value_of("spec.nodeName") if w.kind == "Pod" else None
        return self._node_watchers[node] if node else self._watchers[w.kind]

    def _unwatch(self, w: Watcher) -> None:
        with self._lock:
            bucket = self._bucket(w)
            if w in bucket:
                bucket.remove(w)

    def events_since(self, resource_version: str) -> list[WatchEvent]:
        """Every change after a resourceVersion (for tests and diagnostics)."""
        since = int(resource_version)
        with self._lock:
            return [{"type": t, "object": o} for rv, t, o, _ in self._log if rv > since]

    # ---- bootstrap ---------------------------------------------------------------------

    def ensure_namespaces(self, names: Iterable[str] = SYSTEM_NAMESPACES) -> None:
        for ns in names:
            if self.try_get("Namespace", None, ns) is None:
                self.create({"apiVersion": "v1", "kind": "Namespace",
                             "metadata": {"name": ns,
                                          "labels": {"kubernetes.io/metadata.name": ns}}})


def _pending_finalizers(obj: dict[str, Any]) -> list[str]:
    out = list(obj["metadata"].get("finalizers") or [])
    if obj["kind"] == "Namespace":
        out += list((obj.get("spec") or {}).get("finalizers") or [])
    return out


def _labels(sel: str | Selector | None) -> Selector:
    return sel if isinstance(sel, Selector) else parse_label_selector(sel)


def _fields(sel: str | FieldSelector | None, kind: str) -> FieldSelector:
    return sel if isinstance(sel, FieldSelector) else parse_field_selector(sel, kind)
