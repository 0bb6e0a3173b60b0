"""The kubelet: one per node; registers the Node, heartbeats, and runs the pods bound to it.

`start()` registers the Node (kubelet_node.py), starts its heartbeat timer, and watches Pods
with `spec.nodeName=<node>`; each pod gets a `PodWorker` (podworker.py) that drives the
runtime (kubenb/node/runtime/, via the protocol in runtime/base.py) and writes the pod's
status (kubelet_status.py). Watch handlers only hand the new pod to its worker and wake it.
Workers get the node's `NodeServices` (built once here), and the prober (prober.py) gets
the clock, runtime and event recorder: neither imports this module.

`stop()` is an orderly shutdown: workers and heartbeats end, every container is stopped.
`kill()` is a node failure: the runtime kills everything at once and the kubelet writes
nothing more — the node lifecycle controller notices the stale heartbeat. `start()` after
either resumes: the Node is refreshed (a new boot id → Warning Rebooted), and pods still
bound here get a new sandbox and restarted containers (SandboxChanged), as on a reboot.

Pods of the cluster's own components (every image a component image: etcd, the API
server, CoreDNS, kube-proxy …) are not handed to the node's runtime: their workers get the
node's `ComponentRuntime` (runtime/component.py), whose containers start no process.
A kubelet given static pods (the control-plane node's) also keeps their mirror pods
(static_pods.py): created after registration, created again when deleted.

`logs()` and `exec()` answer what the kubelet's HTTP server answers for `kubectl logs` and
`kubectl exec`, with the API server's error words.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import AsyncIterator
from typing import Any

from kubenb.api.errors import BadRequest, InternalError
from kubenb.api.events import EventKind
from kubenb.api.objects import WatchEvent
from kubenb.api.watch import Watcher, to_loop
from kubenb.config import Context, NodeShape
from kubenb.node.kubelet_backoff import Backoff
from kubenb.node.kubelet_images import ImageManager
from kubenb.node.kubelet_node import NodeAgent
from kubenb.node.kubelet_projection import references
from kubenb.node.podworker import NodeServices, PodWorker
from kubenb.node.prober import ProbeManager
from kubenb.node.runtime.base import ContainerNotFound, ExecError, ExecStart, Runtime
from kubenb.node.runtime.component import ComponentRuntime, is_component_pod
from kubenb.node.runtime.exec_session import run_to_end
from kubenb.node.static_pods import MirrorPods

log = logging.getLogger("kubenb.kubelet")
FOLLOW_POLL = 0.1  # seconds between looks at a followed log (`tail -f` looks every second)


def cluster_of(node: str) -> str:
    """minikube names nodes `<profile>`, `<profile>-m02`, …: the profile back."""
    head, sep, tail = node.rpartition("-m")
    return head if sep and tail.isdigit() and len(tail) >= 2 else node


class Kubelet:
    def __init__(
        self,
        ctx: Context,
        name: str,
        runtime: Runtime,
        *,
        shape: NodeShape,
        address: str,
        pod_cidr: str,
        control_plane: bool,
        cluster: str | None = None,
        static_pods: list[dict[str, Any]] | None = None,
    ) -> None:
        """`static_pods`: the manifests of the node's /etc/kubernetes/manifests (kubeadm
        writes the control plane's there: static_pods.static_manifests)."""
        self.ctx = ctx
        self.name = name
        self.runtime = runtime
        self.store = ctx.store
        self.clock = ctx.clock
        self.timings = ctx.timings
        self.address = address
        self.recorder = ctx.recorder("kubelet", host=name)
        t = ctx.timings
        self.crash_backoff = Backoff(t.crash_backoff_initial, t.crash_backoff_max,
                                     t.crash_backoff_reset)
        self.images = ImageManager(runtime, ctx.clock, t, self.event)
        self.node = NodeAgent(ctx, name, runtime, shape=shape, address=address, pod_cidr=pod_cidr,
                              control_plane=control_plane, cluster=cluster or cluster_of(name))
        self.workers: dict[str, PodWorker] = {}
        # real probes, for runtimes with a real network
        self.prober = ProbeManager(ctx.clock, runtime, self.event,
                                   kubernetes_version=ctx.kubernetes_version)
        self.services = NodeServices(
            name=name, address=address, runtime=runtime, store=ctx.store, clock=ctx.clock,
            timings=t, event=self.event, prober=self.prober, crash_backoff=self.crash_backoff,
            images=self.images, forget_worker=self.forget_worker)
        # the cluster's own components: in the kernel, whatever the node's runtime
        self.components = ComponentRuntime(ctx, name, address=address, node_runtime=runtime,
                                           pod_cidr=pod_cidr)
        self.component_services = dataclasses.replace(
            self.services, runtime=self.components,
            images=ImageManager(self.components, ctx.clock, t, self.event))
        self.mirror_pods = MirrorPods(ctx.store, ctx.clock, name,
                                      static_pods) if static_pods else None
        self.running = False
        self._watch: Watcher | None = None
        self._sources: list[Watcher] = []  # ConfigMaps and Secrets: volumes showing them

    # ---- lifecycle ---------------------------------------------------------------------

    async def start(self) -> None:
        """Register the Node, start heartbeats, take over the pods bound here."""
        if self.running:
            return
        self.running = True
        self.runtime.status_changed = self._wake_pod
        await self.node.register()
        self.node.start_heartbeat()
        self._watch = self.store.watch(
            "Pod", to_loop(self.clock.loop, self._on_pod),
            field_selector=f"spec.nodeName={self.name}", initial=True)
        self._sources = [self.store.watch(
            kind, to_loop(self.clock.loop, lambda e, kind=kind: self._on_source(kind, e)))
                         for kind in ("ConfigMap", "Secret")]
        if self.mirror_pods is not None:
            self.mirror_pods.ensure()

    def _halt(self) -> None:
        self.running = False
        if self._watch is not None:
            self._watch.stop()
            self._watch = None
        for w in self._sources:
            w.stop()
        self._sources = []
        self.node.stop_heartbeat()
        for w in self.workers.values():
            w.cancel()
        self.workers.clear()
        self.prober.stop()

    async def stop(self) -> None:
        """Orderly shutdown: stop every container now; no more writes."""
        self._halt()
        for runtime in (self.runtime, self.components):
            uids = set()
            for c in await runtime.list_containers():
                uids.add(c.pod_uid)
                if c.state in ("running", "created"):
                    await runtime.stop_container(c.id, 0)
            for uid in uids:
                await runtime.stop_sandbox(uid)
            await runtime.close()

    async def kill(self) -> None:
        """Node failure: everything dies at once, heartbeats and status writes stop."""
        self._halt()
        await self.runtime.kill_all()
        await self.components.kill_all()

    # ---- pods --------------------------------------------------------------------------

    def _on_pod(self, event: WatchEvent) -> None:
        if not self.running:
            return
        pod = event["object"]
        uid = pod["metadata"]["uid"]
        worker = self.workers.get(uid)
        if self.mirror_pods is not None and self.mirror_pods.handles(event["type"], pod):
            return
        if event["type"] == "DELETED":
            if worker is not None:
                worker.remove()
            return
        if worker is None:
            self.workers[uid] = PodWorker(self._services_for(pod), pod)
        else:
            worker.update(pod)

    def _wake_pod(self, pod_uid: str) -> None:
        worker = self.workers.get(pod_uid)
        if worker is not None:
            worker.wake()

    def _on_source(self, kind: str, event: WatchEvent) -> None:
        """A ConfigMap/Secret changed: wake the workers of pods whose volumes show it (a
        missing one they wait for, or files to bring up to date)."""
        obj = event["object"]
        ns, name = obj["metadata"].get("namespace"), obj["metadata"]["name"]
        for worker in list(self.workers.values()):
            pod = worker.pod
            if pod["metadata"].get("namespace") == ns and references(pod, kind, name):
                worker.wake()

    def _services_for(self, pod: dict[str, Any]) -> NodeServices:
        return self.component_services if is_component_pod(pod) else self.services

    def _runtime_for(self, pod: dict[str, Any]) -> Runtime:
        return self.components if is_component_pod(pod) else self.runtime

    def forget_worker(self, worker: PodWorker) -> None:
        if self.workers.get(worker.uid) is worker:
            del self.workers[worker.uid]

    def event(self, obj: dict[str, Any], type: EventKind, reason: str, message: str,
              field_path: str | None = None) -> None:
        self.recorder.event(obj, type, reason, message, field_path)

    # ---- kubectl logs / exec -----------------------------------------------------------

    def _container(self, namespace: str, pod_name: str, container: str | None) -> tuple[dict[str, Any], str]:
        pod = self.store.get("Pod", namespace, pod_name)
        names = [c["name"] for c in (pod.get("spec") or {}).get("containers") or []]
        inits = [c["name"] for c in (pod.get("spec") or {}).get("initContainers") or []]
        if container is None:
            if len(names) != 1:
                raise BadRequest(f"a container name must be specified for pod {pod_name}, "
                                 f"choose one of: [{' '.join(names)}]"
                                 + (f" or one of the init containers: [{' '.join(inits)}]" if inits else ""))
            container = names[0]
        if container not in names and container not in inits:
            raise BadRequest(f"container {container} is not valid for pod {pod_name}")
        return pod, container

    async def logs(self, namespace: str, pod_name: str, container: str | None = None, *,
                   previous: bool = False, tail: int | None = None,
                   timestamps: bool = False) -> str:
        """`kubectl logs`: the current (or previous) container's output."""
        pod, name = self._container(namespace, pod_name, container)
        runtime = self._runtime_for(pod)
        recs = [r for r in await runtime.list_containers(pod["metadata"]["uid"]) if r.name == name]
        if previous:
            if len(recs) < 2:
                raise BadRequest(f'previous terminated container "{name}" in pod "{pod_name}" not found')
            return await runtime.logs(recs[1].id, tail=tail, timestamps=timestamps)
        if not recs:
            reason = "ContainerCreating"
            for s in ((pod.get("status") or {}).get("containerStatuses") or []) + (
                    (pod.get("status") or {}).get("initContainerStatuses") or []):
                if s.get("name") == name and "waiting" in (s.get("state") or {}):
                    reason = s["state"]["waiting"].get("reason", reason)
            raise BadRequest(f'container "{name}" in pod "{pod_name}" is waiting to start: {reason}')
        return await runtime.logs(recs[0].id, tail=tail, timestamps=timestamps)

    async def follow_logs(self, namespace: str, pod_name: str, container: str | None = None, *,
                          tail: int | None = None, timestamps: bool = False,
                          existing: bool = False) -> AsyncIterator[str]:
        """`kubectl logs -f`: new output as it is written, until the container stops.

        With `existing` the log so far (its last `tail` lines) comes first; without, only
        what is written after the call (the API server sends `logs()` itself first). The
        container's log is re-read every `FOLLOW_POLL` seconds, as `tail -f` does; only
        runtime reads are used, so any loop may iterate this."""
        pod, name = self._container(namespace, pod_name, container)
        runtime = self._runtime_for(pod)
        recs = [r for r in await runtime.list_containers(pod["metadata"]["uid"]) if r.name == name]
        if not recs:
            await self.logs(namespace, pod_name, container)  # raises: waiting to start
            return
        cid = recs[0].id
        full = await runtime.logs(cid, timestamps=timestamps)
        if existing:
            lines = full.splitlines(keepends=True)
            yield "".join(lines[-tail:] if tail and tail > 0 else [] if tail == 0 else lines)
        seen = len(full)
        while True:
            try:
                state = (await runtime.container_status(cid)).state
            except ContainerNotFound:
                return
            done = state not in ("running", "created")
            full = await runtime.logs(cid, timestamps=timestamps)
            if len(full) > seen:
                yield full[seen:]
                seen = len(full)
            if done:
                return
            await self.clock.sleep(FOLLOW_POLL)

    async def running_container(self, namespace: str, pod_name: str,
                                container: str | None) -> str:
        """The id of the named (or only) container if it runs; BadRequest as the kubelet
        refuses an exec or attach upgrade otherwise."""
        pod, name = self._container(namespace, pod_name, container)
        runtime = self._runtime_for(pod)
        recs = [r for r in await runtime.list_containers(pod["metadata"]["uid"])
                if r.name == name and r.state == "running"]
        if not recs:
            raise _not_found(name)
        return recs[0].id

    async def exec(self, namespace: str, pod_name: str, container: str | None,
                   argv: list[str]) -> tuple[int, str]:
        """`kubectl exec`: (exit code, combined output). A container removed while the
        exec starts (its pod is being deleted) is not found, as if it had come a moment later."""
        cid = await self.running_container(namespace, pod_name, container)
        pod, name = self._container(namespace, pod_name, container)
        try:
            return await self._runtime_for(pod).exec(cid, argv)
        except ExecError as err:
            raise exec_failed(cid, err) from None
        except ContainerNotFound:
            raise _not_found(name) from None

    async def exec_start(self, namespace: str, pod_name: str, container: str | None,
                         argv: list[str]) -> ExecStart:
        """A streaming `kubectl exec` (exec_session.py): BadRequest before any upgrade
        when the container is not running, InternalError when the command cannot start."""
        cid = await self.running_container(namespace, pod_name, container)
        pod, name = self._container(namespace, pod_name, container)
        try:
            return await self._runtime_for(pod).exec_start(cid, argv)
        except ExecError as err:
            raise exec_failed(cid, err) from None
        except ContainerNotFound:
            raise _not_found(name) from None

    async def exec_io(self, namespace: str, pod_name: str, container: str | None,
                      argv: list[str], stdin: bytes | None) -> tuple[int, bytes, bytes]:
        """An exec with stdin and stdout, stderr apart, as bytes (`kubectl cp`)."""
        cid = await self.running_container(namespace, pod_name, container)
        start = await self.exec_start(namespace, pod_name, container, argv)
        try:
            return await run_to_end(start, stdin)
        except ExecError as err:  # a runtime that learns only once it tried (docker_exec.py)
            raise exec_failed(cid, err) from None


def _not_found(name: str) -> BadRequest:
    """The kubelet refusing an exec or attach upgrade: no running container of that name."""
    return BadRequest(f'unable to upgrade connection: container not found ("{name}")')


def exec_failed(container_id: str, err: ExecError) -> InternalError:
    """The kubelet's (containerd's) words for a command that could not start."""
    return InternalError(
        "Internal error occurred: error executing command in container: failed to exec "
        f'in container: failed to start exec "{container_id}": {err.message}')
