"""The scheduler's view of nodes: what each offers and what the pods bound to it use.

Fed by a synchronous store watch on Pods and Nodes whose callback only appends to a deque
(cheap, callable under the store's lock from any thread); `sync()` applies the backlog on the
control-plane loop at the start of every scheduling attempt. Because the store delivers a
write's event before the write returns, the cache already holds the scheduler's own last
binding when the next pod is scheduled — upstream needs an "assumed pod" for that.

Per node it keeps the summed requests (real and "non-zero", the defaults upstream scoring
uses for containers without requests), the host ports in use, the pod count and how many
pods of each controller owner run there. Terminal pods (Succeeded/Failed) hold nothing.
Read by filters.py, scores.py and preemption.py; owned by scheduler.py.
"""

from __future__ import annotations

import collections
import functools
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kubenb.api.objects import WatchEvent
from kubenb.api.pods import condition_true, is_pod_terminal
from kubenb.api.quantity import cpu_millis as _cpu_millis
from kubenb.api.quantity import to_bytes as _to_bytes
from kubenb.api.store import Store
from kubenb.api.watch import Watcher

DEFAULT_MILLI_CPU = 100  # upstream DefaultMilliCPURequest, for scoring pods without requests
DEFAULT_MEMORY = 200 * 1024 * 1024  # upstream DefaultMemoryRequest
SPREAD_OWNER_KINDS = ("ReplicaSet", "ReplicationController", "StatefulSet")
NOT_READY_TAINT = {"key": "node.kubernetes.io/not-ready", "effect": "NoSchedule"}

Port = tuple[str, str, int]  # (hostIP, protocol, hostPort)

# Quantities repeat (every replica asks for the same "100m"); parsing them is the slow part.
cpu_millis = functools.lru_cache(maxsize=4096)(_cpu_millis)
to_bytes = functools.lru_cache(maxsize=4096)(_to_bytes)


def _requests(containers: Iterable[Mapping[str, Any]]) -> tuple[int, int, int, int]:
    cpu = mem = nz_cpu = nz_mem = 0
    for c in containers:
        req = (c.get("resources") or {}).get("requests") or {}
        c_cpu = cpu_millis(req["cpu"]) if "cpu" in req else 0
        c_mem = to_bytes(req["memory"]) if "memory" in req else 0
        cpu += c_cpu
        mem += c_mem
        nz_cpu += c_cpu if "cpu" in req else DEFAULT_MILLI_CPU
        nz_mem += c_mem if "memory" in req else DEFAULT_MEMORY
    return cpu, mem, nz_cpu, nz_mem


def pod_resources(pod: Mapping[str, Any]) -> tuple[int, int, int, int]:
    """(cpu millis, memory bytes, non-zero cpu, non-zero memory): max(init, sum of app)."""
    spec = pod.get("spec") or {}
    cpu, mem, nz_cpu, nz_mem = _requests(spec.get("containers") or [])
    for ic in spec.get("initContainers") or []:
        i = _requests([ic])
        cpu, mem = max(cpu, i[0]), max(mem, i[1])
        nz_cpu, nz_mem = max(nz_cpu, i[2]), max(nz_mem, i[3])
    overhead = spec.get("overhead") or {}
    if "cpu" in overhead:
        cpu += cpu_millis(overhead["cpu"])
        nz_cpu += cpu_millis(overhead["cpu"])
    if "memory" in overhead:
        mem += to_bytes(overhead["memory"])
        nz_mem += to_bytes(overhead["memory"])
    return cpu, mem, nz_cpu, nz_mem


def host_ports(pod: Mapping[str, Any]) -> tuple[Port, ...]:
    out: list[Port] = []
    for c in (pod.get("spec") or {}).get("containers") or []:
        for p in c.get("ports") or []:
            hp = int(p.get("hostPort") or 0)
            if hp > 0:
                out.append((p.get("hostIP") or "0.0.0.0", p.get("protocol") or "TCP", hp))
    return tuple(out)


def spread_owner(pod: Mapping[str, Any]) -> str | None:
    """The uid of the controller whose replicas default spreading keeps apart."""
    for ref in pod["metadata"].get("ownerReferences") or []:
        if ref.get("controller") and ref.get("kind") in SPREAD_OWNER_KINDS:
            return str(ref.get("uid"))
    return None


@dataclass
class PodEntry:
    """What one bound, non-terminal pod takes from its node."""

    namespace: str
    name: str
    uid: str
    generation: int
    cpu: int
    mem: int
    nz_cpu: int
    nz_mem: int
    ports: tuple[Port, ...]
    owner: str | None
    priority: int
    deleting: bool
    pod: dict[str, Any]


def make_entry(pod: dict[str, Any], old: PodEntry | None = None) -> PodEntry:
    meta, spec = pod["metadata"], pod.get("spec") or {}
    gen = int(meta.get("generation") or 0)
    if old is not None and old.uid == meta.get("uid") and old.generation == gen:
        cpu, mem, nz_cpu, nz_mem, ports = old.cpu, old.mem, old.nz_cpu, old.nz_mem, old.ports
    else:
        cpu, mem, nz_cpu, nz_mem = pod_resources(pod)
        ports = host_ports(pod)
    return PodEntry(meta.get("namespace") or "", meta["name"], str(meta.get("uid")), gen,
                    cpu, mem, nz_cpu, nz_mem, ports, spread_owner(pod),
                    int(spec.get("priority") or 0), bool(meta.get("deletionTimestamp")), pod)


@dataclass
class NodeInfo:
    """A node and the pods bound to it, with running totals."""

    name: str
    node: dict[str, Any] | None = None
    labels: dict[str, str] = field(default_factory=dict)
    unschedulable: bool = False
    hard_taints: list[dict[str, Any]] = field(default_factory=list)  # NoSchedule / NoExecute
    soft_taints: list[dict[str, Any]] = field(default_factory=list)  # PreferNoSchedule
    alloc_cpu: int = 0
    alloc_mem: int = 0
    alloc_pods: int = 0
    cpu: int = 0
    mem: int = 0
    nz_cpu: int = 0
    nz_mem: int = 0
    pods: dict[tuple[str, str], PodEntry] = field(default_factory=dict)
    ports: collections.Counter[Port] = field(default_factory=collections.Counter)
    owners: collections.Counter[str] = field(default_factory=collections.Counter)
    # Answers about this node for one shape of pod (filters.filter_key, scores.py): valid
    # until the node or its pods change (set_node/add/remove empty it), so between two
    # replicas only the node that got the first one is filtered and scored anew.
    memo: dict[Hashable, Any] = field(default_factory=dict, repr=False, compare=False)

    def set_node(self, node: dict[str, Any]) -> None:
        self.memo.clear()
        self.node = node
        spec, status = node.get("spec") or {}, node.get("status") or {}
        self.labels = dict(node["metadata"].get("labels") or {})
        self.unschedulable = bool(spec.get("unschedulable"))
        taints = list(spec.get("taints") or [])
        if not taints and not condition_true(node, "Ready"):
            # A node registers with the not-ready taint before anyone sees it Ready.
            taints = [NOT_READY_TAINT]
        self.hard_taints = [t for t in taints if t.get("effect") in ("NoSchedule", "NoExecute")]
        self.soft_taints = [t for t in taints if t.get("effect") == "PreferNoSchedule"]
        alloc = status.get("allocatable") or {}
        self.alloc_cpu = cpu_millis(alloc["cpu"]) if "cpu" in alloc else 0
        self.alloc_mem = to_bytes(alloc["memory"]) if "memory" in alloc else 0
        self.alloc_pods = int(to_bytes(alloc["pods"])) if "pods" in alloc else 0

    def add(self, e: PodEntry) -> None:
        self.memo.clear()
        self.pods[(e.namespace, e.name)] = e
        self.cpu += e.cpu
        self.mem += e.mem
        self.nz_cpu += e.nz_cpu
        self.nz_mem += e.nz_mem
        for p in e.ports:
            self.ports[p] += 1
        if e.owner and not e.deleting:
            self.owners[e.owner] += 1

    def remove(self, e: PodEntry) -> None:
        self.memo.clear()
        self.pods.pop((e.namespace, e.name), None)
        self.cpu -= e.cpu
        self.mem -= e.mem
        self.nz_cpu -= e.nz_cpu
        self.nz_mem -= e.nz_mem
        for p in e.ports:
            self.ports[p] -= 1
            if self.ports[p] <= 0:
                del self.ports[p]
        if e.owner and not e.deleting:
            self.owners[e.owner] -= 1
            if self.owners[e.owner] <= 0:
                del self.owners[e.owner]

    def without(self, entries: Iterable[PodEntry]) -> NodeInfo:
        """A copy with some pods taken off (preemption's what-if)."""
        copy = NodeInfo(self.name, self.node, self.labels, self.unschedulable, self.hard_taints,
                        self.soft_taints, self.alloc_cpu, self.alloc_mem, self.alloc_pods,
                        self.cpu, self.mem, self.nz_cpu, self.nz_mem, dict(self.pods),
                        collections.Counter(self.ports), collections.Counter(self.owners))
        for e in entries:
            copy.remove(e)
        return copy


class SchedulerCache:
    """Nodes and bound pods, kept current from the store's own event stream."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._backlog: collections.deque[WatchEvent] = collections.deque()
        self._infos: dict[str, NodeInfo] = {}
        self._where: dict[tuple[str, str], str] = {}  # pod -> node it is counted on
        self._sorted: list[NodeInfo] | None = None
        self._watchers: list[Watcher] = []

    def start(self) -> None:
        if not self._watchers:
            append = self._backlog.append
            self._watchers = [self.store.watch("Node", append, initial=True),
                              self.store.watch("Pod", append, initial=True)]

    def stop(self) -> None:
        for w in self._watchers:
            w.stop()
        self._watchers = []

    def sync(self) -> None:
        """Apply every change the store has delivered since the last call."""
        self.start()
        backlog = self._backlog
        while backlog:
            event = backlog.popleft()
            obj = event["object"]
            if obj["kind"] == "Pod":
                self._pod_event(event["type"], obj)
            else:
                self._node_event(event["type"], obj)

    def _info(self, name: str) -> NodeInfo:
        info = self._infos.get(name)
        if info is None:
            info = self._infos[name] = NodeInfo(name)
        return info

    def _node_event(self, etype: str, node: dict[str, Any]) -> None:
        name = node["metadata"]["name"]
        if etype == "DELETED":
            info = self._infos.get(name)
            if info is not None:
                info.node = None
                if not info.pods:
                    del self._infos[name]
        else:
            self._info(name).set_node(node)
        self._sorted = None

    def _pod_event(self, etype: str, pod: dict[str, Any]) -> None:
        meta = pod["metadata"]
        key = (meta.get("namespace") or "", meta["name"])
        old: PodEntry | None = None
        where = self._where.pop(key, None)
        if where is not None:
            info = self._infos[where]
            old = info.pods.get(key)
            if old is not None:
                info.remove(old)
            if info.node is None and not info.pods:
                del self._infos[where]
        node = (pod.get("spec") or {}).get("nodeName")
        if etype == "DELETED" or not node or is_pod_terminal(pod):
            return
        if old is not None and old.uid != meta.get("uid"):
            old = None
        self._info(node).add(make_entry(pod, old))
        self._where[key] = node

    def nodes(self) -> list[NodeInfo]:
        """Nodes that exist, by name."""
        if self._sorted is None:
            self._sorted = sorted((i for i in self._infos.values() if i.node is not None),
                                  key=lambda i: i.name)
        return self._sorted

    def get(self, name: str) -> NodeInfo | None:
        info = self._infos.get(name)
        return info if info is not None and info.node is not None else None
