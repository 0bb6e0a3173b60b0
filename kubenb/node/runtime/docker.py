"""The `docker` runtime: every container of every pod is a real Docker container.

It implements kubenb/node/runtime/base.py through the Docker SDK. All SDK calls are
blocking, so each goes through `Engine.run` (docker_engine.py: a small thread pool) and the
control-plane loop only awaits them. Per pod a sandbox container (the pause image) holds the
network and IPC namespaces on the profile's bridge network `kubenb-<profile>`; its address
there is the pod IP (node n's pods get 10.244.<n-1>.x, the lowest free first). App
containers join it (`network_mode=container:<sandbox>`), so the containers of a pod share
`localhost`. Docker's restart policy is `no`: the kubelet restarts, with its back-offs.
Create arguments and inspect results are translated in docker_spec.py; images come from
docker_pull.py (registry, or the offline build of kubenb/node/docker_images/).

State. The runtime keeps the containers and sandboxes it made in memory (newest first) and
learns of exits from one `docker events` stream per node (a daemon thread, filtered by our
labels); each `die` is followed by an inspect, and `wait_container` futures resolve then.
`kill_all` (a node failure) kills the node's containers at once; their status says exit
255, reason Unknown, as after a reboot.

Cleanup. `close()` (the kubelet's stop, node deletion) removes every container of the node
by label and the profile's network once empty; a process exit does the same (atexit); the
first use after a crash reaps what dead kernels left (docker_engine.reap_orphans). That
first use — the node registering — also builds the tutorial images that are missing.
"""

from __future__ import annotations

import asyncio
import atexit
import ipaddress
import logging
import os
import shutil
import uuid
import weakref
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

from kubenb.config import Context
from kubenb.node import docker_images
from kubenb.node.images import CATALOG, Catalog, normalize
from kubenb.node.pod_dns import host_resolv_conf, pod_dns
from kubenb.node.runtime import docker_engine as de
from kubenb.node.runtime import docker_routes as routes
from kubenb.node.runtime import docker_spec as spec
from kubenb.node.runtime.base import (
    ContainerConfig,
    ContainerNotFound,
    ContainerStatus,
    ExecError,
    ImageInfo,
    Mount,
    PodIPs,
    Runtime,
    RuntimeCluster,
    RuntimeError_,
    SandboxStatus,
)
from kubenb.node.runtime.docker_exec import DockerStart
from kubenb.node.runtime.docker_pull import Images
from kubenb.node.runtime.docker_state import EventWatch, NodeState, Rec, Sandbox
from kubenb.node.runtime.exec_session import ExecStart
from kubenb.node.runtime.volumes import binds, write_files

log = logging.getLogger("kubenb.docker")
check_engine = de.check_engine
EngineUnavailable = de.EngineUnavailable
_LIVE: weakref.WeakSet[DockerRuntime] = weakref.WeakSet()
_ROUTES_FAILED: list[str] = []  # said once per process: why pods cannot reach ClusterIPs


def node_index(pod_cidr: str) -> int:
    """Node n from its pod CIDR: 127.49.<n>.0/24 (loopback plan) or 10.244.<n-1>.0/24."""
    octets = pod_cidr.split("/")[0].split(".")
    return int(octets[2]) if octets[0] == "127" else int(octets[2]) + 1


def _gone(err: Exception) -> bool:
    import docker.errors

    return isinstance(err, docker.errors.NotFound)


def _oom_missed(state: str, exit_code: int | None, reason: str) -> bool:
    """SIGKILLed (137) with no OOM flag from the engine: an OOM kill, if an `oom` came."""
    return state == "exited" and exit_code == 137 and reason == "Error"


class DockerRuntime(Runtime):
    """Pods as Docker containers on one bridge network per profile."""

    name = "docker"
    real_network = True

    def __init__(self, ctx: Context, node: str, *, pod_cidr: str, cluster: RuntimeCluster,
                 catalog: Catalog = CATALOG, engine: de.Engine | None = None) -> None:
        if ctx.clock.virtual:
            raise ValueError("the docker runtime needs the real clock (containers run in real time)")
        self.ctx, self.clock, self.node, self.cluster = ctx, ctx.clock, node, cluster
        self.profile = cluster.name
        self.index = node_index(pod_cidr)
        self.node_ip = cluster.addresses.node_ip(self.index)
        self.catalog = catalog
        self.id = uuid.uuid4().hex[:12]
        self.engine = engine or de.Engine()  # one ping and version call: the Node reports it
        self.version = f"docker://{self.engine.version}"
        self.kernel_version = str(self.engine.client.info().get("KernelVersion") or self.kernel_version)
        self.images = Images(self.engine, catalog)
        self.state = NodeState()
        self._ready_lock: asyncio.Lock | None = None
        self._is_ready = False
        self._closing = False
        self._network = ""
        self._gateway = ""
        self._events: EventWatch | None = None
        _LIVE.add(self)

    # ---- setup and teardown ----------------------------------------------------------------

    def _owned(self) -> dict[str, str]:
        return {de.L_PROFILE: self.profile, de.L_NODE: self.node, de.L_OWNER: de.owner_id()}

    async def _ready(self) -> None:
        if self._closing:
            raise RuntimeError_("CreateContainerError", f"node {self.node} is shutting down")
        if self._is_ready:
            return
        if self._ready_lock is None:
            self._ready_lock = asyncio.Lock()
        async with self._ready_lock:
            if self._is_ready:
                return
            if self.engine.closed:  # closed before: a restarted node
                self.engine = de.Engine()
                self.images = Images(self.engine, self.catalog)
            self._network, net, stream = await self.engine.run(self._setup)
            self.state.use_subnet(ipaddress.ip_network(f"{net.network_address + (self.index - 1) * 256}/24"))
            self._gateway = str(net.network_address + 1)  # the host on the bridge: cluster DNS
            if self.cluster.dns_changed is not None:
                self.cluster.dns_changed()
            self._events = EventWatch(stream, self.clock.loop, self._on_event,
                                      f"kubenb-docker-events-{self.node}")
            self._is_ready = True

    def _setup(self) -> tuple[str, ipaddress.IPv4Network, Any]:
        client = self.engine.client
        de.reap_orphans(client)
        routes.forget_stale()  # what a killed kernel's bridges left in iptables
        for c in client.api.containers(all=True, filters=de.label_filters(self._owned())):
            other = (c.get("Labels") or {}).get(de.L_RUNTIME)
            if other != self.id and not any(rt.id == other for rt in list(_LIVE)):
                client.api.remove_container(c["Id"], force=True)  # an earlier runtime's leftovers
        try:  # what `minikube start --driver=docker` needs: the tutorial images, when missing
            docker_images.build(client)
        except docker_images.NoBusybox as err:
            log.warning("offline images cannot be built: %s", err)
        network_id, net = de.ensure_network(client, self.profile, self.cluster.addresses.subnet)
        stream = client.events(decode=True, filters={
            "type": "container", "event": list(EventWatch.ACTIONS),
            "label": [f"{k}={v}" for k, v in self._owned().items()]})
        return network_id, net, stream

    def _close_events(self) -> None:
        if self._events is not None:
            self._events.close()
            self._events = None

    def _cleanup_blocking(self, parallel: bool = True) -> None:
        self._close_events()
        client = self.engine.client
        de.remove_by_labels(client, self._owned(), networks=False, parallel=parallel)
        for n in client.api.networks(names=[de.network_name(self.profile)]):
            if de.remove_network(client, n["Id"]):
                routes.forget_bridge(n["Id"], self._routed())

    async def close(self) -> None:
        """Remove every container of this node and, once unused, the profile's network."""
        self._closing = True
        try:
            if not self.engine.closed:
                await self.engine.run(self._cleanup_blocking)
        finally:
            self.state.forget_all()
            if not self.engine.closed:
                self.engine.close()
            self._is_ready = False
            self._closing = False

    def close_at_exit(self) -> None:
        """The process is ending: no new containers; remove ours (called from atexit)."""
        self._closing = True
        try:
            self._cleanup_blocking(parallel=False)
        except Exception as err:  # noqa: BLE001 - the engine may be gone already
            log.warning("docker cleanup of %s: %s", self.node, err)

    def _route_services(self, pid: int) -> None:
        """ClusterIPs and node ports reachable from the new sandbox (docker_routes.py)."""
        why = routes.accept_on_bridge(self._network, self._routed()) or routes.route_to_host(
            pid, self._gateway, self._routed())
        if why is not None and not _ROUTES_FAILED:
            _ROUTES_FAILED.append(why)
            log.info("pods cannot reach ClusterIPs (only pod IPs): %s", why)

    def _routed(self) -> list[str]:
        plan = self.cluster.addresses
        return [plan.service_cidr, f"{plan.node_prefix}.0/24"]

    def dns_addresses(self) -> list[str]:
        """Where this node's containers reach the cluster's DNS server: the bridge's gateway."""
        return [self._gateway] if self._gateway and self._is_ready else []

    # ---- images ----------------------------------------------------------------------------

    async def image_status(self, ref: str) -> ImageInfo | None:
        return await self.images.status(ref)

    async def pull_image(self, ref: str) -> ImageInfo:
        return await self.images.pull(ref)

    async def list_images(self) -> list[ImageInfo]:
        if not self._closing:
            await self._ready()  # the node registers: reap what a crash left, make the network
        return await self.images.list()

    def _image_name(self, ref: str) -> str:
        r = normalize(ref)
        repo, tag = docker_images.docker_name(ref)
        return f"{repo}@{r.digest}" if r.digest else f"{repo}:{tag}"

    # ---- sandboxes -------------------------------------------------------------------------

    def _pod_labels(self, pod: dict[str, Any], container: str, **more: str) -> dict[str, str]:
        meta = pod["metadata"]
        return de.labels(self.profile, **{
            de.L_NODE: self.node, de.L_NAMESPACE: meta["namespace"], de.L_POD: meta["name"],
            de.L_POD_UID: meta["uid"], de.L_CONTAINER: container, de.L_RUNTIME: self.id,
            "io.kubernetes.pod.name": meta["name"], "io.kubernetes.pod.namespace": meta["namespace"],
            "io.kubernetes.pod.uid": meta["uid"], "io.kubernetes.container.name": container,
            **more})

    async def run_sandbox(self, pod: dict[str, Any]) -> str:
        await self._ready()
        uid = pod["metadata"]["uid"]
        current = self.state.sandboxes.get(uid)
        if current and current[0].status.ready:
            return current[0].status.ip
        pause = await self.images.status(docker_images.PAUSE_IMAGE) or \
            await self.images.pull(docker_images.PAUSE_IMAGE)
        ip = self.state.allocate_ip()
        params = spec.sandbox_params(pod, self._pod_labels(pod, "POD", **{
            "io.kubernetes.docker.type": "podsandbox"}), len(current or []), self._network, ip,
            self.node_ip, self._image_name(pause.ref),
            pod_dns(pod, self._gateway, host_resolv_conf()) if self._gateway else None)
        try:
            attrs = await self.engine.run(de.create, self.engine.client, params, True,
                                         f"_{self.profile}_{self.id}")
        except Exception as err:
            self.state.release_ip(ip)
            raise RuntimeError_("CreatePodSandboxError", f"failed to start sandbox for pod "
                                f"{pod['metadata']['name']}: {err}") from err
        await self.engine.run(self._route_services, int((attrs.get("State") or {}).get("Pid") or 0))
        created = spec.parse_time(attrs.get("Created")) or self.clock.now()
        sb = Sandbox(SandboxStatus(attrs["Id"], uid, ip, True, created), attrs["Id"])
        self.state.sandboxes.setdefault(uid, []).insert(0, sb)
        return ip

    async def sandbox_status(self, pod_uid: str) -> SandboxStatus | None:
        sb = self.state.current_sandbox(pod_uid)
        return sb.status if sb else None

    async def _kill(self, container_id: str, signal: str = "SIGKILL") -> None:
        try:
            await self.engine.run(self.engine.client.api.kill, container_id, signal=signal)
        except Exception as err:  # noqa: BLE001 - already dead or gone
            if not _gone(err) and "is not running" not in str(err):
                log.warning("killing %s: %s", container_id[:12], err)

    async def stop_sandbox(self, pod_uid: str) -> None:
        for sb in self.state.sandboxes.get(pod_uid, []):
            running = self.state.in_sandbox(sb.status.id, "running")
            await asyncio.gather(*(self._kill(r.status.id) for r in running))
            await asyncio.gather(*(self._refresh(r.status.id) for r in running))
            if sb.status.ready:
                await self._kill(sb.container_id)
                self.state.sandbox_down(sb)

    async def remove_sandbox(self, pod_uid: str) -> None:
        await self.stop_sandbox(pod_uid)
        ids = [r.status.id for r in self.state.newest_first(pod_uid)]
        ids += [sb.container_id for sb in self.state.sandboxes.pop(pod_uid, [])]
        await asyncio.gather(*(self._remove(cid) for cid in ids))
        shutil.rmtree(self._pod_dir(pod_uid), ignore_errors=True)  # its emptyDir volumes

    async def refresh_volumes(self, pod_uid: str, mounts: Iterable[Mount]) -> None:
        if self.state.current_sandbox(pod_uid) is not None:
            write_files(mounts, self._pod_dir(pod_uid))

    def _pod_dir(self, pod_uid: str) -> str:
        """The pod's files on this machine (emptyDir volumes)."""
        return os.path.join(self.cluster.state_dir, "docker-pods", pod_uid)

    async def _remove(self, container_id: str) -> None:
        self.state.oom_killed.discard(container_id)
        rec = self.state.recs.pop(container_id, None)
        if rec is not None and not rec.done.done():
            rec.done.set_result(rec.status)
        try:
            await self.engine.run(self.engine.client.api.remove_container, container_id, force=True)
        except Exception as err:  # noqa: BLE001
            if not _gone(err):
                log.warning("removing %s: %s", container_id[:12], err)

    # ---- containers ------------------------------------------------------------------------

    def _get(self, container_id: str) -> Rec:
        try:
            return self.state.recs[container_id]
        except KeyError:
            raise ContainerNotFound(container_id) from None

    async def create_container(self, pod: dict[str, Any], container: dict[str, Any],
                               config: ContainerConfig) -> str:
        await self._ready()
        uid = pod["metadata"]["uid"]
        sb = self.state.current_sandbox(uid)
        if sb is None or not sb.status.ready:
            raise ExecError(f"pod sandbox for {uid} is not ready")
        labels = self._pod_labels(pod, config.name, **{de.L_ATTEMPT: str(config.attempt),
                                                        de.L_SANDBOX: sb.container_id})
        try:
            mounts = binds(config.mounts, self._pod_dir(uid)) if config.mounts else []
        except OSError as err:
            raise RuntimeError_("CreateContainerError", str(err)) from err
        params = spec.container_params(pod, container, config, self._image_name(config.image.ref),
                                       sb.container_id, labels, mounts)
        try:
            attrs = await self.engine.run(de.create, self.engine.client, params, False,
                                         f"_{self.profile}_{self.id}")
        except Exception as err:
            raise RuntimeError_("CreateContainerError", str(getattr(err, "explanation", "") or err)) from err
        digest = config.image.repo_digest
        image_id = f"docker-pullable://{digest}" if "@" in digest else f"docker://{config.image.id}"
        status = ContainerStatus(
            id=attrs["Id"], pod_uid=uid, sandbox_id=sb.status.id, name=config.name,
            attempt=config.attempt, image=config.image.ref, image_id=image_id, state="created",
            created_at=spec.parse_time(attrs.get("Created")) or self.clock.now())
        self.state.add(status, self.clock.loop.create_future())
        await self._collect(uid, config.name)
        return status.id

    async def _collect(self, pod_uid: str, name: str) -> None:
        """Keep the newest two containers of a pod's container (current and previous)."""
        same = self.state.newest_first(pod_uid, name)
        await asyncio.gather(*(self._remove(r.status.id) for r in same[2:]
                               if r.status.state == "exited"))

    async def start_container(self, container_id: str) -> None:
        rec = self._get(container_id)
        try:
            await self.engine.run(self.engine.client.api.start, container_id)
        except Exception as err:
            await self._refresh(container_id)
            if rec.status.state != "exited":
                rec.finish(rec.status.with_(state="exited", exit_code=128,
                                            reason="ContainerCannotRun", message=str(err),
                                            finished_at=self.clock.now()))
            explanation = getattr(err, "explanation", "") or str(err)
            raise RuntimeError_("RunContainerError", f'failed to start container "{container_id}": '
                                f"Error response from daemon: {explanation}") from err
        await self._refresh(container_id)

    async def _refresh(self, container_id: str) -> None:
        rec = self.state.recs.get(container_id)
        if rec is None:
            return
        try:
            attrs = await self.engine.run(self.engine.client.api.inspect_container, container_id)
        except Exception as err:
            if not _gone(err):
                raise
            rec.finish(rec.status.with_(state="exited", exit_code=rec.status.exit_code or 137,
                                        reason=rec.status.reason or "Error",
                                        finished_at=rec.status.finished_at or self.clock.now()))
            return
        state = spec.state_of(attrs)
        if rec.override is not None and state["state"] == "exited":
            state.update(exit_code=rec.override[0], reason=rec.override[1], message="")
        elif (_oom_missed(state["state"], state["exit_code"], state["reason"])
              and container_id in self.state.oom_killed):
            state["reason"] = "OOMKilled"
        state["created_at"] = state["created_at"] or rec.status.created_at
        rec.finish(rec.status.with_(**state))

    def _on_event(self, action: str, container_id: str) -> None:
        if action == "oom":
            self._on_oom(container_id)
        else:
            self._on_die(container_id)

    def _on_oom(self, container_id: str) -> None:
        """The kernel OOM-killed the container. The engine sets `State.OOMKilled` only when
        it learns of the OOM before the exit; under load the exit can come first and inspect
        says Error/137 for good. Like containerd's CRI (which updates the reason on a late
        TaskOOM), the status becomes OOMKilled either way, and the kubelet is told."""
        self.state.oom_killed.add(container_id)
        rec = self.state.recs.get(container_id)
        if rec is None or rec.override is not None or not _oom_missed(
                rec.status.state, rec.status.exit_code, rec.status.reason):
            return
        rec.status = rec.status.with_(reason="OOMKilled")
        if self.status_changed is not None:
            self.status_changed(rec.status.pod_uid)

    def _on_die(self, container_id: str) -> None:
        sb = self.state.sandbox_of_container(container_id)
        if sb is not None:
            self.state.sandbox_down(sb)
        elif container_id in self.state.recs:
            self.clock.loop.create_task(self._refresh(container_id))

    async def stop_container(self, container_id: str, grace_seconds: float) -> None:
        """SIGTERM, then SIGKILL when the grace runs out — waited for on the loop, so a
        container that ignores SIGTERM holds no thread for its grace period."""
        rec = self._get(container_id)
        if rec.status.state == "created":
            rec.finish(rec.status.with_(state="exited", exit_code=0, reason="Completed",
                                        finished_at=self.clock.now()))
        if rec.status.state != "running":
            return
        if grace_seconds > 0:
            await self._kill(container_id, "SIGTERM")
            try:
                await asyncio.wait_for(asyncio.shield(rec.done), grace_seconds)
                return
            except asyncio.TimeoutError:
                pass
        await self._kill(container_id)
        await self._refresh(container_id)
        if rec.status.state == "running":
            await asyncio.shield(rec.done)

    async def remove_container(self, container_id: str) -> None:
        await self._remove(container_id)

    async def container_status(self, container_id: str) -> ContainerStatus:
        return self._get(container_id).status

    async def list_containers(self, pod_uid: str | None = None) -> list[ContainerStatus]:
        return [r.status for r in self.state.newest_first(pod_uid)]

    async def wait_container(self, container_id: str) -> ContainerStatus:
        return await asyncio.shield(self._get(container_id).done)

    # ---- streams ---------------------------------------------------------------------------

    async def logs(self, container_id: str, *, tail: int | None = None,
                   timestamps: bool = False) -> str:
        self._get(container_id)
        try:
            out = await self.engine.run(self.engine.client.api.logs, container_id, stdout=True,
                                        stderr=True, timestamps=timestamps,
                                        tail="all" if tail is None else max(0, tail))
        except Exception as err:
            if _gone(err):
                raise ContainerNotFound(container_id) from None
            raise
        return out.decode("utf-8", "replace") if isinstance(out, bytes) else str(out)

    async def exec(self, container_id: str, argv: list[str]) -> tuple[int, str]:
        rec = self._get(container_id)
        if rec.status.state != "running":
            raise ExecError("container not running (" + container_id + ")")
        code, out = await self.engine.run(de.exec_run, self.engine.client, container_id, argv)
        if code in (126, 127) and out.startswith("OCI runtime exec failed"):
            raise ExecError(out.strip())
        return code, out

    async def exec_start(self, container_id: str, argv: list[str]) -> ExecStart:
        """A streaming exec, attached to the engine's (docker_exec.py)."""
        rec = self._get(container_id)
        if rec.status.state != "running":
            raise ExecError("container not running (" + container_id + ")")
        return DockerStart(self.engine, container_id, argv)

    # ---- node ------------------------------------------------------------------------------

    def pod_ips(self) -> PodIPs | None:
        return self.state.ips

    async def kill_all(self) -> None:
        """The node died: every container of it is killed at once (exit 255, Unknown)."""
        running = [r for r in self.state.recs.values() if r.status.state in ("running", "created")]
        for r in running:
            r.override = (255, "Unknown")
        sandboxes = self.state.ready_sandboxes()
        await asyncio.gather(*(self._kill(r.status.id) for r in running),
                             *(self._kill(sb.container_id) for sb in sandboxes))
        for sb in sandboxes:
            self.state.sandbox_down(sb)
        await asyncio.gather(*(self._refresh(r.status.id) for r in running))
        now = datetime.now(timezone.utc)
        for r in running:  # never started: nothing to inspect, but it is over all the same
            if r.status.state != "exited":
                r.finish(r.status.with_(state="exited", exit_code=255, reason="Unknown",
                                        finished_at=now))


def _close_all_at_exit() -> None:
    for rt in list(_LIVE):
        rt.close_at_exit()


atexit.register(_close_all_at_exit)
