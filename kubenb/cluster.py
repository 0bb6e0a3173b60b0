"""A cluster: the store, controllers, scheduler and one kubelet per node, on one loop.

With a real clock the control plane runs on a background thread and callers in the kernel's
main thread use the sync methods here (they hand work to the loop and wait). With a
`VirtualClock` no thread is started: the caller drives the loop with `wait_for`/`advance`,
so scenario tests are deterministic and minutes of cluster time take milliseconds.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import logging
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from typing import Any, TypeVar

from kubenb import collector
from kubenb.api.admission import DefaultTolerations
from kubenb.api.apiservices import ensure_local
from kubenb.api.limitranger import LimitRanger, LimitRangerValidation
from kubenb.api.networking import DefaultIngressClass
from kubenb.api.quota_admission import ResourceQuotaAdmission
from kubenb.api.rbac_bootstrap import ensure_policy
from kubenb.api.serviceaccount_admission import ServiceAccountTokenMount
from kubenb.api.storage import DefaultStorageClass, StorageObjectInUseProtection
from kubenb.api.store import Store
from kubenb.api.strategy_daemon import DaemonSetTemplateGeneration
from kubenb.api.watch import to_loop
from kubenb.clock import Clock, RealClock
from kubenb.component import Component, ServedApi, StopHook
from kubenb.config import Context, NodeShape, Timings, default_state_dir
from kubenb.controllers.apiservice import APIServiceAvailabilityController
from kubenb.controllers.base import ControllerRunner
from kubenb.controllers.clusterroleaggregation import ClusterRoleAggregationController
from kubenb.controllers.crd import CRDController
from kubenb.controllers.cronjob import CronJobController
from kubenb.controllers.csrsigning import CSRSigningController
from kubenb.controllers.daemonset import DaemonSetController
from kubenb.controllers.deployment import DeploymentController
from kubenb.controllers.disruption import DisruptionController
from kubenb.controllers.endpoints import EndpointsController
from kubenb.controllers.ephemeral import EphemeralVolumeController
from kubenb.controllers.gc import GarbageCollector
from kubenb.controllers.job import JobController
from kubenb.controllers.namespace import NamespaceController
from kubenb.controllers.nodelifecycle import NodeLifecycleController
from kubenb.controllers.persistentvolume import PersistentVolumeController
from kubenb.controllers.podautoscaler import HorizontalController
from kubenb.controllers.podgc import PodGCController
from kubenb.controllers.replicaset import ReplicaSetController, ReplicationControllerController
from kubenb.controllers.resourcequota import ResourceQuotaController
from kubenb.controllers.statefulset import StatefulSetController
from kubenb.controllers.taint_eviction import TaintEvictionController
from kubenb.controllers.ttlafterfinished import TTLAfterFinishedController
from kubenb.controllers.volume_hostpath import (
    HostPathProvisioner,
    ensure_default_class,
    volume_root,
)
from kubenb.controllers.volume_protection import VolumeProtectionController
from kubenb.net.addresses import AddressPlan
from kubenb.net.cluster_dns import ClusterDns
from kubenb.net.nodeipam import CIDRNotAvailable, CIDRSet
from kubenb.net.portforward import PortForwards
from kubenb.net.proxy import KubeProxy
from kubenb.net.services import ServiceAllocator
from kubenb.net.system_addons import bootstrap_addons
from kubenb.node.kubelet import Kubelet
from kubenb.node.metrics_scraper import ResourceScraper
from kubenb.node.runtime import runtime_class
from kubenb.node.runtime.base import Runtime, RuntimeCluster
from kubenb.node.static_pods import static_manifests
from kubenb.scheduler.scheduler import Scheduler

log = logging.getLogger("kubenb.cluster")
T = TypeVar("T")

class Cluster:
    """A running Kubernetes control plane with N nodes."""

    def __init__(
        self,
        name: str = "minikube",
        *,
        nodes: int = 1,
        runtime: str = "sim",
        clock: Clock | None = None,
        seed: int | None = None,
        timings: Timings | None = None,
        shape: NodeShape | None = None,
        kubernetes_version: str = "v1.32.0",
        node_subnet: str = "192.168.49",
        state_dir: str | None = None,
    ) -> None:
        """`node_subnet`: minikube's network of this profile (192.168.49, 192.168.58, …);
        its third octet picks the address plan (kubenb/net/addresses.py). Runtimes that run
        real programs bind loopback addresses from that plan. `state_dir` is where they keep
        per-pod files (default: a per-user directory under the system temp dir)."""
        import random

        self.name = name
        self.runtime_name = runtime
        self.clock = clock or RealClock()
        self.timings = timings or Timings()
        self.shape = shape or NodeShape()
        self.store = Store(self.clock, seed=seed)
        self.ctx = Context(self.store, self.clock, self.timings, random.Random(seed),
                           kubernetes_version)
        self.addresses = AddressPlan.for_runtime(runtime, int(node_subnet.split(".")[-1]))
        self.state_dir = state_dir or default_state_dir(name)
        # Service addresses and node ports come from a stream of their own: the system pods'
        # events (created as the clock goes) must not decide which address a Service gets
        self.services = ServiceAllocator(
            self.store, service_cidr=self.addresses.service_cidr,
            rng=random.Random(f"{seed}/services") if seed is not None else None)
        self.store.hooks += [DefaultTolerations(self.timings.toleration_seconds), self.services,
                             DaemonSetTemplateGeneration(), DefaultStorageClass(self.store),
                             StorageObjectInUseProtection(), LimitRanger(self.store),
                             DefaultIngressClass(self.store),
                             ServiceAccountTokenMount(self.store)]
        self.store.validating_hooks += [LimitRangerValidation(self.store), ResourceQuotaAdmission(self.store)]
        self.node_subnet = node_subnet
        # kube-controller-manager's range allocator: one /24 of the cluster CIDR per node
        self.node_cidrs = CIDRSet.for_plan(self.addresses)
        self._cidr_of: dict[str, str] = {}
        # Cluster-wide parts that are neither controllers nor kubelets (kube-proxy, the
        # HTTP API server): started after the nodes, stopped before them (kubenb/component.py).
        self.components: list[Component] = []
        self.api_server: ServedApi | None = None  # `serve_api()` adds one
        self.kube_proxy: KubeProxy | None = None  # when pods answer real TCP
        self.port_forwards: PortForwards | None = None  # likewise
        if runtime != "sim":
            self.kube_proxy = KubeProxy()
            self.port_forwards = PortForwards()
            self.components += [self.kube_proxy, self.port_forwards]
        self.dns: ClusterDns | None = None  # CoreDNS: when pods answer real traffic
        if runtime != "sim":
            self.dns = ClusterDns(self._dns_extra_addresses)
            self.components.append(self.dns)
        self.firewalls: Any = None  # NetworkPolicy in docker sandboxes (docker_netpol.py)
        if runtime == "docker":
            from kubenb.node.runtime.docker_netpol import SandboxFirewalls

            self.firewalls = SandboxFirewalls(name)
            self.components.append(self.firewalls)
        self.runner = self._make_runner()
        self.kubelets: dict[str, Kubelet] = {}
        # metrics-server's scrapes of measured runtimes (sim usage is sim data: no scraper)
        self.scraper = None if runtime == "sim" else ResourceScraper(
            self.clock, self.timings.metrics_resolution,
            lambda: [k.runtime for k in self.kubelets.values()], lambda: self.metrics_enabled)
        self._initial_nodes = nodes
        self._node_seq = 0
        self._thread: threading.Thread | None = None
        self._started = False
        self._ever_started = False

    def _make_runner(self) -> ControllerRunner:
        runner = ControllerRunner(self.ctx)
        for cls in (DeploymentController, ReplicaSetController, EndpointsController,
                    GarbageCollector, NamespaceController, NodeLifecycleController,
                    TaintEvictionController, Scheduler, JobController,
                    CronJobController, TTLAfterFinishedController,
                    DaemonSetController, ReplicationControllerController,
                    StatefulSetController, DisruptionController, PersistentVolumeController,
                    VolumeProtectionController, ClusterRoleAggregationController,
                    APIServiceAvailabilityController, CSRSigningController, PodGCController,
                    ResourceQuotaController):
            runner.add(cls(self.ctx))
        # minikube's storage-provisioner addon; the sim runtime runs no programs: no directories
        runner.add(HostPathProvisioner(self.ctx, volume_root(self.state_dir), node=self.node_name(1),
                                       make_dirs=self.runtime_name != "sim"))
        runner.add(HorizontalController(self.ctx, self.metrics))
        runner.add(CRDController(self.ctx))
        runner.add(EphemeralVolumeController(self.ctx))
        return runner

    def _dns_extra_addresses(self) -> list[str]:
        """Where else the DNS server listens: the runtimes' container-side addresses."""
        out: list[str] = []
        for kubelet in list(self.kubelets.values()):
            find = getattr(kubelet.runtime, "dns_addresses", None)
            out += [ip for ip in (find() if find is not None else []) if ip not in out]
        return out

    def _dns_changed(self) -> None:
        if self.dns is not None:
            self.dns.refresh()

    def serve_api(self, server: ServedApi) -> None:
        """Serve the Kubernetes API over HTTPS with `server` (started with the cluster)."""
        self.api_server = server
        self.components.append(server)

    def served_api(self) -> ServedApi | None:
        """The HTTP API server while it runs."""
        api = self.api_server
        return api if api is not None and api.running else None

    @property
    def server(self) -> str:
        """The API server URL: the HTTP API server's when one runs, else minikube's."""
        api = self.served_api()
        return api.url if api is not None else f"https://{self.addresses.node_ip(1)}:8443"

    def attach(self, component: Component) -> None:
        """A cluster-wide part added to the cluster (started now if it runs, stopped with it)."""
        self.components.append(component)
        if self._started:
            component.start(self)

    def detach(self, component: Component) -> None:
        """Stop a part added by `attach` and forget it."""
        if component in self.components:
            self.components.remove(component)
            if self._started:
                component.stop()

    def add_stop_hook(self, on_stop: Callable[[], None]) -> Callable[[], None]:
        """Call `on_stop` when the cluster stops (once); returns the function that undoes
        this (call it when what was tied to the cluster ends by itself)."""
        hook = StopHook(on_stop)
        self.components.append(hook)

        def detach() -> None:
            if hook in self.components:
                self.components.remove(hook)

        return detach

    def version(self) -> dict[str, str]:
        """The `/version` document of this cluster's API server."""
        from kubenb.api.version import server_version_info

        return server_version_info(self.ctx.kubernetes_version)

    # ---- loop plumbing -----------------------------------------------------------------

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        return self.clock.loop

    @property
    def threaded(self) -> bool:
        return not self.clock.virtual

    def call(self, coro: Coroutine[Any, Any, T], timeout: float | None = 30) -> T:
        """Run a coroutine on the control-plane loop and return its result (sync facade)."""
        if not self.threaded:
            return self.loop.run_until_complete(coro)
        if threading.current_thread() is self._thread:
            raise RuntimeError("Cluster.call() from the control-plane thread would deadlock")
        fut = asyncio.run_coroutine_threadsafe(coro, self.loop)
        try:
            return fut.result(timeout)
        except concurrent.futures.TimeoutError:
            fut.cancel()
            raise TimeoutError(f"control plane did not answer within {timeout}s") from None

    def call_soon(self, fn: Callable[[], Any]) -> None:
        self.loop.call_soon_threadsafe(fn)

    def _run_loop(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.call_soon(ready.set)
        try:
            self.loop.run_forever()
        finally:
            self.loop.run_until_complete(self.loop.shutdown_asyncgens())

    # ---- lifecycle ---------------------------------------------------------------------

    def start(self) -> Cluster:
        if self._started:
            return self
        if self._ever_started:  # a restart: the old work queues were shut down for good
            self.runner = self._make_runner()
        self._started = self._ever_started = True
        atexit.register(self.stop)  # a kernel that exits stops every pod it started
        if self.threaded:
            ready = threading.Event()
            self._thread = threading.Thread(
                target=self._run_loop, args=(ready,), name=f"kubenb-{self.name}", daemon=True
            )
            self._thread.start()
            if not ready.wait(10):
                raise RuntimeError("the control-plane loop did not start")
        self.call(self._astart())
        for component in self.components:
            component.start(self)
        collector.cluster_started(self)
        return self

    async def _astart(self) -> None:
        self.store.ensure_namespaces()
        ensure_policy(self.store)
        ensure_local(self.store)
        ensure_default_class(self.store)
        self.services.bootstrap(self.addresses.node_ip(1))
        self.runner.start()
        if self.scraper is not None:
            self.scraper.start()
        if self.kubelets:  # restarted: the same nodes come back, with the pods bound to them
            bootstrap_addons(self.store, self.ctx.kubernetes_version)  # minikube re-applies
            for kubelet in list(self.kubelets.values()):
                await kubelet.start()
            return
        # minikube brings the control plane up with its addons before other nodes join:
        # CoreDNS and the storage provisioner are placed on the first node
        await self._add_node()
        bootstrap_addons(self.store, self.ctx.kubernetes_version)
        if self._initial_nodes > 1:
            try:
                await self._until(self._addons_placed, 30)
            except TimeoutError:
                log.warning("kube-system addons not scheduled before the other nodes joined")
        for _ in range(self._initial_nodes - 1):
            await self._add_node()

    def _addons_placed(self) -> bool:
        pods = self.store.list("Pod", "kube-system", label_selector="k8s-app=kube-dns")
        provisioner = self.store.try_get("Pod", "kube-system", "storage-provisioner")
        return bool(pods) and all(p["spec"].get("nodeName") for p in pods) and (
            provisioner is None or bool(provisioner["spec"].get("nodeName")))

    def stop(self) -> None:
        """Stop every kubelet (and so every pod process) and the control plane."""
        if not self._started:
            return
        self._started = False
        atexit.unregister(self.stop)
        try:
            for component in reversed(list(self.components)):
                try:
                    component.stop()
                except Exception:  # noqa: BLE001 - the rest must still stop
                    log.exception("stopping %s", component)
            self.call(self._astop(), timeout=60)
        finally:
            if self.threaded and self._thread is not None:
                self.loop.call_soon_threadsafe(self.loop.stop)
                self._thread.join(30)
                self._thread = None
            if not self.loop.is_running():
                self._cancel_all()
            collector.cluster_stopped(self)

    def discard_volumes(self) -> None:
        """Remove what the pods left on disk — the hostpath provisioner's volumes, container
        logs, sandboxes (the cluster is being deleted: `minikube delete` takes the node's
        disk with it, and a new cluster's pods, seeded alike, must not find old logs)."""
        from kubenb.node.runtime.reaper import discard_files

        discard_files(self.state_dir)

    async def _astop(self) -> None:
        self.runner.stop()
        if self.scraper is not None:
            self.scraper.stop()
        for kubelet in list(self.kubelets.values()):
            await kubelet.stop()

    def _cancel_all(self) -> None:
        pending = [t for t in asyncio.all_tasks(self.loop) if not t.done()]
        for t in pending:
            t.cancel()
        if pending:
            self.loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))

    # ---- nodes -------------------------------------------------------------------------

    def node_name(self, index: int) -> str:
        """minikube's names: the profile, then `<profile>-m02`, `-m03`, …"""
        return self.name if index == 1 else f"{self.name}-m{index:02d}"

    def make_runtime(self, node: str, pod_cidr: str) -> Runtime:
        """The node's runtime (kubenb/node/runtime/__init__.py: imported on first use)."""
        cls: Any = runtime_class(self.runtime_name)
        return cls(self.ctx, node, pod_cidr=pod_cidr,
                   cluster=RuntimeCluster(self.name, self.state_dir, self.addresses,
                                          self._dns_changed))

    @property
    def node_capacity(self) -> int:
        """How many more nodes the cluster CIDR has a pod range for."""
        return self.node_cidrs.free

    async def _add_node(self) -> str:
        name = self.node_name(self._node_seq + 1)
        try:
            pod_cidr = self.node_cidrs.allocate_next()
        except CIDRNotAvailable:
            # the range allocator's `RecordNodeStatusChange(…, "CIDRNotAvailable")`
            self.ctx.recorder("cidrAllocator").event(
                {"kind": "Node", "apiVersion": "v1", "metadata": {"name": name}}, "Normal",
                "CIDRNotAvailable", f"Node {name} status is now: CIDRNotAvailable")
            raise
        self._node_seq += 1
        index = self.addresses.node_index(pod_cidr)
        address = self.addresses.node_ip(index)
        control_plane = self._node_seq == 1
        kubelet = Kubelet(
            self.ctx,
            name,
            self.make_runtime(name, pod_cidr),
            shape=self.shape,
            address=address,
            pod_cidr=pod_cidr,
            control_plane=control_plane,
            static_pods=static_manifests(address, self.ctx.kubernetes_version,
                                         self.addresses.service_cidr,
                                         self.addresses.cluster_cidr) if control_plane else None,
        )
        self.kubelets[name] = kubelet
        self._cidr_of[name] = pod_cidr
        await kubelet.start()
        return name

    def add_node(self) -> str:
        return self.call(self._add_node())

    def stop_node(self, name: str) -> None:
        """A node failure: its pods die at once and its heartbeats stop."""
        self.call(self._kubelet(name).kill())
        for component in self.components:
            component.node_down(name)

    def start_node(self, name: str) -> None:
        self.call(self._kubelet(name).start())
        for component in self.components:
            component.node_up(name)

    def delete_node(self, name: str) -> None:
        kubelet = self._kubelet(name)

        async def remove() -> None:
            await kubelet.kill()
            await kubelet.runtime.close()
            self.kubelets.pop(name, None)
            cidr = self._cidr_of.pop(name, None)
            if cidr is not None:
                self.node_cidrs.release(cidr)
            if self.store.try_get("Node", None, name) is not None:
                self.store.delete("Node", None, name)

        self.call(remove())

    def _kubelet(self, name: str) -> Kubelet:
        try:
            return self.kubelets[name]
        except KeyError:
            raise KeyError(f"no node named {name!r}") from None

    # ---- the kubelet API (what `kubectl logs` and `exec` reach through the API server) -----

    def _pod_kubelet(self, namespace: str, pod_name: str) -> Kubelet:
        from kubenb.api.errors import BadRequest

        pod = self.store.get("Pod", namespace, pod_name)
        node = pod["spec"].get("nodeName")
        kubelet = self.kubelets.get(node or "")
        if kubelet is None:
            raise BadRequest(f'pod {pod_name} does not have a host assigned')
        return kubelet

    def pod_logs(self, namespace: str, pod_name: str, container: str | None = None, *,
                 previous: bool = False, tail: int | None = None,
                 timestamps: bool = False) -> str:
        kubelet = self._pod_kubelet(namespace, pod_name)
        return self.call(kubelet.logs(namespace, pod_name, container, previous=previous,
                                      tail=tail, timestamps=timestamps))

    def follow_pod_logs(self, namespace: str, pod_name: str, container: str | None = None, *,
                        tail: int | None = None, timestamps: bool = False) -> Iterator[str]:
        """`logs -f`: the log so far (last `tail` lines), then new output until the container
        stops. Closing the iterator (or KeyboardInterrupt while it waits) ends the stream."""
        kubelet = self._pod_kubelet(namespace, pod_name)
        stream = kubelet.follow_logs(namespace, pod_name, container, tail=tail,
                                     timestamps=timestamps, existing=True)

        async def step() -> str | None:
            try:
                return await stream.__anext__()
            except StopAsyncIteration:
                return None

        try:
            while True:
                if not self.threaded:
                    chunk = self.loop.run_until_complete(step())
                else:
                    fut = asyncio.run_coroutine_threadsafe(step(), self.loop)
                    try:
                        chunk = fut.result()
                    except BaseException:
                        fut.cancel()
                        raise
                if chunk is None:
                    return
                if chunk:
                    yield chunk
        finally:
            if self.threaded and self.loop.is_running():
                asyncio.run_coroutine_threadsafe(stream.aclose(), self.loop)
            elif not self.threaded and not self.loop.is_closed():
                self.loop.run_until_complete(stream.aclose())

    def pod_exec(self, namespace: str, pod_name: str, container: str | None,
                 argv: list[str]) -> tuple[int, str]:
        kubelet = self._pod_kubelet(namespace, pod_name)
        return self.call(kubelet.exec(namespace, pod_name, container, argv))

    def pod_exec_io(self, namespace: str, pod_name: str, container: str | None,
                    argv: list[str], stdin: bytes | None) -> tuple[int, bytes, bytes]:
        kubelet = self._pod_kubelet(namespace, pod_name)
        return self.call(kubelet.exec_io(namespace, pod_name, container, argv, stdin), timeout=None)

    # ---- the metrics-server addon ------------------------------------------------------

    metrics_enabled = False  # `minikube addons enable metrics-server` turns it on

    def metrics(self, kind: str, namespace: str | None, name: str | None = None,
                label_selector: str | None = None) -> list[dict[str, Any]] | None:
        """The Metrics API (metrics.k8s.io): None while the addon is off, as kubectl sees it."""
        if not self.metrics_enabled:
            return None
        from kubenb.node import metrics

        usage = self.scraper.usage if self.scraper is not None else None
        if kind == "Node":
            return metrics.node_metrics(self.store, name, label_selector, usage)
        return metrics.pod_metrics(self.store, namespace, name, label_selector, usage)

    # ---- waiting -----------------------------------------------------------------------

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 60.0) -> None:
        """Block until `predicate()` holds, re-checking on every store change.

        Raises TimeoutError after `timeout` seconds of cluster time (virtual or real).
        """
        if predicate():
            return
        if not self.threaded:
            self.loop.run_until_complete(self._until(predicate, timeout))
            return
        changed = threading.Event()
        w = self.store.watch(None, lambda _ev: changed.set())
        try:
            deadline = time.monotonic() + timeout
            while not predicate():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"condition not met within {timeout}s")
                changed.wait(min(remaining, 0.5))  # also re-check for time-based conditions
                changed.clear()
        finally:
            w.stop()

    async def _until(self, predicate: Callable[[], bool], timeout: float) -> None:
        changed = asyncio.Event()
        w = self.store.watch(None, to_loop(self.loop, lambda _ev: changed.set()))

        async def until() -> None:
            while not predicate():
                changed.clear()
                await changed.wait()

        try:
            await asyncio.wait_for(until(), timeout)
        except asyncio.TimeoutError:
            raise TimeoutError(f"condition not met within {timeout}s of cluster time") from None
        finally:
            w.stop()

    def advance(self, seconds: float) -> None:
        """Let `seconds` of cluster time pass (virtual clock: instantly)."""
        if self.threaded:
            raise RuntimeError("advance() needs a VirtualClock; a real clock advances by itself")
        self.loop.run_until_complete(asyncio.sleep(seconds))

    def __enter__(self) -> Cluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
