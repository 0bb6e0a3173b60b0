"""The kubelet's Node: registration, status and heartbeats (pkg/kubelet/kubelet_node_status.go).

`NodeAgent.register()` creates the Node or, when it exists (a node that comes back), merges
its labels and writes fresh status; taints and other spec fields the control plane set are
kept. Status as minikube's nodes show it: capacity = allocatable (cpu, memory as the
canonical BinarySI text a kubelet serves, pods, ephemeral-storage, hugepages "0"),
conditions MemoryPressure/DiskPressure/PIDPressure False and Ready True with the kubelet's reasons, InternalIP + Hostname, nodeInfo from the runtime,
the images on the node. Events: `Starting kubelet.`, `Node <n> status is now: <Reason>` when
a condition changes, NodeAllocatableEnforced, and Warning Rebooted after a restart.
`beat()` moves every condition's lastHeartbeatTime (one status write), on a timer of
`ctx.timings.node_status_update`; the node's Lease (kubelet_lease.py) is created at
registration and renewed on its own timer while heartbeats run — the node lifecycle
controller watches both.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import uuid
from typing import Any

from kubenb.api.errors import ApiError, Conflict, NotFound
from kubenb.api.objects import clone
from kubenb.api.quantity import format_quantity, to_bytes
from kubenb.config import Context, NodeShape
from kubenb.node.kubelet_lease import NodeLease
from kubenb.node.runtime.base import Runtime

log = logging.getLogger("kubenb.node")

EPHEMERAL_STORAGE = "61202244Ki"
# type, reason when healthy, message, event when it becomes healthy
CONDITIONS = (
    ("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available",
     "NodeHasSufficientMemory"),
    ("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure",
     "NodeHasNoDiskPressure"),
    ("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available",
     "NodeHasSufficientPID"),
    ("Ready", "True", "KubeletReady", "kubelet is posting ready status", "NodeReady"),
)


def _uuid(*parts: str) -> str:
    return str(uuid.UUID(bytes=hashlib.sha256("/".join(parts).encode()).digest()[:16], version=4))


class NodeAgent:
    def __init__(self, ctx: Context, name: str, runtime: Runtime, *, shape: NodeShape,
                 address: str, pod_cidr: str, control_plane: bool, cluster: str) -> None:
        self.ctx = ctx
        self.name = name
        self.runtime = runtime
        self.shape = shape
        self.address = address
        self.pod_cidr = pod_cidr
        self.control_plane = control_plane
        self.cluster = cluster
        self.boots = 0
        self.recorder = ctx.recorder("kubelet", host=name)
        self._timer: asyncio.TimerHandle | None = None
        self._beating = False
        self.lease = NodeLease(ctx, name)

    @property
    def ref(self) -> dict[str, Any]:
        """The kubelet's node reference: kind Node, uid = the node's name (as upstream)."""
        return {"kind": "Node", "apiVersion": "v1", "metadata": {"name": self.name, "uid": self.name}}

    def labels(self) -> dict[str, str]:
        out = {
            "beta.kubernetes.io/arch": "amd64",
            "beta.kubernetes.io/os": "linux",
            "kubernetes.io/arch": "amd64",
            "kubernetes.io/hostname": self.name,
            "kubernetes.io/os": "linux",
            "minikube.k8s.io/name": self.cluster,
            "minikube.k8s.io/primary": "true" if self.control_plane else "false",
        }
        if self.control_plane:
            out["node-role.kubernetes.io/control-plane"] = ""
            out["node.kubernetes.io/exclude-from-external-load-balancers"] = ""
        return out

    def capacity(self) -> dict[str, str]:
        return {
            "cpu": str(self.shape.cpu),
            "ephemeral-storage": EPHEMERAL_STORAGE,
            "hugepages-1Gi": "0",
            "hugepages-2Mi": "0",
            # a kubelet serves the machine's bytes as a BinarySI quantity: canonical text
            "memory": format_quantity(to_bytes(self.shape.memory), "BinarySI"),
            "pods": str(self.shape.pods),
        }

    def node_info(self) -> dict[str, str]:
        return {
            "machineID": hashlib.md5(f"machine/{self.name}".encode()).hexdigest(),
            "systemUUID": _uuid("system", self.name),
            "bootID": _uuid("boot", self.name, str(self.boots)),
            "kernelVersion": self.runtime.kernel_version,
            "osImage": self.runtime.os_image,
            "containerRuntimeVersion": self.runtime.version,
            "kubeletVersion": self.ctx.kubernetes_version,
            "kubeProxyVersion": "",
            "operatingSystem": "linux",
            "architecture": "amd64",
        }

    async def images(self) -> list[dict[str, Any]]:
        found = await self.runtime.list_images()
        found.sort(key=lambda i: -i.size)
        return [{"names": [i.repo_digest, *i.repo_tags], "sizeBytes": i.size} for i in found]

    def _conditions(self, old: list[dict[str, Any]], now: str) -> tuple[list[dict[str, Any]], list[str]]:
        """Healthy conditions with heartbeat `now`; the events for those that changed."""
        by_type = {c.get("type"): c for c in old}
        out, events = [], []
        for ctype, status, reason, message, event in CONDITIONS:
            prev = by_type.get(ctype)
            changed = prev is None or prev.get("status") != status
            if changed and (ctype != "Ready" or prev is not None):
                events.append(event)
            out.append({"type": ctype, "status": status, "lastHeartbeatTime": now,
                        "lastTransitionTime": now if changed else prev.get("lastTransitionTime", now),
                        "reason": reason, "message": message})
        out += [c for c in old if c.get("type") not in {c[0] for c in CONDITIONS}]
        return out, events

    async def status(self, old: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        now = self.ctx.clock.timestamp()
        conds, events = self._conditions(old.get("conditions") or [], now)
        cap = self.capacity()
        return {
            "capacity": cap,
            "allocatable": dict(cap),
            "conditions": conds,
            "addresses": [{"type": "InternalIP", "address": self.address},
                          {"type": "Hostname", "address": self.name}],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": self.node_info(),
            "images": await self.images(),
        }, events

    async def register(self) -> None:
        """Create or refresh the Node object, then record the kubelet's start events."""
        store = self.ctx.store
        self.boots += 1
        self.event("Normal", "Starting", "Starting kubelet.")
        node = store.try_get("Node", None, self.name)
        if node is None:
            node = store.create({
                "apiVersion": "v1", "kind": "Node",
                "metadata": {"name": self.name, "labels": self.labels(), "annotations": {
                    "node.alpha.kubernetes.io/ttl": "0",
                    "volumes.kubernetes.io/controller-managed-attach-detach": "true"}},
                "spec": {"podCIDR": self.pod_cidr, "podCIDRs": [self.pod_cidr]},
            })
        else:
            new = clone(node)
            new["metadata"].setdefault("labels", {}).update(self.labels())
            new.setdefault("spec", {}).setdefault("podCIDR", self.pod_cidr)
            new["spec"].setdefault("podCIDRs", [self.pod_cidr])
            node = store.update(new)
        previous_boot = ((node.get("status") or {}).get("nodeInfo") or {}).get("bootID")
        status, events = await self.status(node.get("status") or {})
        self._write_status(status)
        self.lease.renew()
        for ev in events:
            self.event("Normal", ev, f"Node {self.name} status is now: {ev}")
        self.event("Normal", "NodeAllocatableEnforced", "Updated Node Allocatable limit across pods")
        if previous_boot and previous_boot != status["nodeInfo"]["bootID"]:
            self.event("Warning", "Rebooted",
                       f"Node {self.name} has been rebooted, boot id: {status['nodeInfo']['bootID']}")

    def event(self, type: str, reason: str, message: str) -> None:
        self.recorder.event(self.ref, type, reason, message)  # type: ignore[arg-type]

    def _write_status(self, status: dict[str, Any]) -> None:
        self.ctx.store.update({"apiVersion": "v1", "kind": "Node", "metadata": {"name": self.name},
                               "status": status}, subresource="status")

    # ---- heartbeats --------------------------------------------------------------------

    def start_heartbeat(self) -> None:
        self._beating = True
        self._schedule()
        self.lease.start()

    def stop_heartbeat(self) -> None:
        self._beating = False
        self.lease.stop()
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _schedule(self) -> None:
        if self._beating:
            self._timer = self.ctx.clock.call_later(self.ctx.timings.node_status_update, self._fire)

    def _fire(self) -> None:
        self._timer = None
        if self._beating:
            if self.lease.shares_heartbeat:
                self.lease.renew()
            task = self.ctx.clock.loop.create_task(self.beat(), name=f"heartbeat:{self.name}")
            task.add_done_callback(lambda _t: self._schedule())

    async def beat(self) -> None:
        """One heartbeat: conditions back to healthy with a fresh lastHeartbeatTime."""
        node = self.ctx.store.try_get("Node", None, self.name)
        if node is None or not self._beating:
            return
        status, events = await self.status(node.get("status") or {})
        if not self._beating:
            return
        try:
            self._write_status(status)
        except (NotFound, Conflict):
            return
        except ApiError as err:
            log.warning("node %s: heartbeat failed: %s", self.name, err)
            return
        for ev in events:
            self.event("Normal", ev, f"Node {self.name} status is now: {ev}")
