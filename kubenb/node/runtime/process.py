"""The `process` runtime: every container a real program, every pod its own loopback address.

It implements kubenb/node/runtime/base.py for one node. Data flow:

  kubelet ──► ProcessRuntime ──► AgentClient (process_agent.py) ══ JSON lines ══► node agent
                │                                                   (kubenb/apps/agent.py):
                │                                                   built-in apps as servers,
                │                                                   command containers as
                │                                                   child processes, CRI logs
                ├─► FunctionServer (process_custom.py): a notebook's handler, in the kernel
                └─► run_exec (process_exec.py): `kubectl exec` as a real subprocess

Images come from the offline catalog like sim's (process_images.py: a pull takes
`timings.image_pull`; a missing one fails in containerd's words). A sandbox is a pod IP from the node's pod CIDR
(127.49.<n>.0/24, `.2` up, lowest free first) plus a directory
`<state_dir>/pods/<uid>/`; each container gets a fresh root directory there (the image's
files, its working dir) and a log file `<state_dir>/logs/<ns>_<pod>_<uid>/<name>/<attempt>.log`
that `logs` reads (kubenb/apps/logfile.py), so `--previous` works after a restart.
How a container is launched (app, function, command; env; PATH shims) is process_env.py;
what `container_stats` can measure of each kind is process_stats.py.

Termination: `stop_container` sends SIGTERM (apps that ignore it, like bootcamp, keep
running; a command container's program is PID 1 of its own PID namespace where one can be
made, process_mounts.py, and ignores it without a handler) and SIGKILL when the grace
period runs out on the cluster clock. Exit codes are the program's (143/137 after a
signal). A container's end also ends the commands exec'd into it (their `ExecGroup`,
exec_session.py: 137); an exec whose sandbox was removed, or whose PID 1 ended, before its
command ran finds no container. `kill_all` (a node failure) freezes the agent and
kills it and every process below it at once; containers end with 255/Unknown, sandboxes
become not ready. When a node has no ready sandbox left the agent exits; when the kernel
exits the agents see their stdin close, and `atexit` kills any still alive. The first
runtime of a state directory reaps what a crashed kernel left (reaper.py).
"""

from __future__ import annotations

import asyncio
import atexit
import hashlib
import importlib.metadata
import itertools
import logging
import os
import shutil
import socket
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kubenb.apps.agent import EXEC_SYNC
from kubenb.apps.logfile import read_log
from kubenb.config import Context
from kubenb.node.images import CATALOG, Catalog, ResolvedImage
from kubenb.node.runtime import process_mounts, reaper
from kubenb.node.runtime.base import (
    ContainerConfig,
    ContainerNotFound,
    ContainerStats,
    ContainerStatus,
    ExecError,
    ExecStart,
    ImageInfo,
    Mount,
    PodIPs,
    Runtime,
    RuntimeCluster,
    RuntimeError_,
    SandboxStatus,
)
from kubenb.node.runtime.exec_session import ExecGroup
from kubenb.node.runtime.process_agent import AgentClient, AgentStartFailed, kill_live_agents
from kubenb.node.runtime.process_cgroups import MemoryLimits
from kubenb.node.runtime.process_custom import FunctionServer
from kubenb.node.runtime.process_dns import dns_mounts
from kubenb.node.runtime.process_env import (
    PACKAGE_ROOT,
    Launch,
    find_executable,
    install_shims,
    not_found_message,
    plan,
    prepare_root,
)
from kubenb.node.runtime.process_exec import exec_error, exec_start, run_exec
from kubenb.node.runtime.process_images import ImageStore
from kubenb.node.runtime.process_stats import measure
from kubenb.node.runtime.volumes import write_files

log = logging.getLogger("kubenb.runtime.process")
atexit.register(kill_live_agents)
_warned: set[str] = set()


def _version() -> str:
    try:
        return importlib.metadata.version("kubenb")
    except importlib.metadata.PackageNotFoundError:
        return "0.1.0"


class LoopbackUnavailable(RuntimeError):
    """This system routes only 127.0.0.1 (macOS): pods cannot have their own addresses."""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def loopback_usable(address: str) -> bool:
    """Can a socket bind `address` (a 127.x.y.z other than 127.0.0.1) on this system?"""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((address, 0))
        except OSError:
            return False
    return True


def check_loopback(address: str) -> None:
    if loopback_usable(address):
        return
    message = (f"cannot bind {address}: this system routes only 127.0.0.1 on loopback, so pods "
               "cannot get their own addresses. On macOS add the aliases (`sudo ifconfig lo0 "
               f"alias {address} up` for each pod address) or use `--driver=docker`.")
    if address not in _warned:
        _warned.add(address)
        log.warning(message)
    raise LoopbackUnavailable(message)


@dataclass
class _Sandbox:
    status: SandboxStatus
    dir: str


@dataclass
class _Container:
    status: ContainerStatus
    seq: int
    resolved: ResolvedImage
    launch: Launch
    log_path: str
    done: asyncio.Future[ContainerStatus]
    pid: int = 0
    kill_at: float | None = None
    timer: asyncio.TimerHandle | None = None
    server: FunctionServer | None = None
    spec: dict[str, Any] | None = None  # the pod's container (its resources)
    execs: ExecGroup = field(default_factory=ExecGroup)  # ended with the container
    pidns: bool = False  # its program is PID 1 of a PID namespace (c.pid: that init's host pid)


class ProcessRuntime(Runtime):
    """Real programs on loopback addresses, one node agent per node."""

    name = "process"
    version = f"process://{_version()}"
    real_network = True

    def __init__(self, ctx: Context, node: str, *, pod_cidr: str,
                 cluster: RuntimeCluster | None = None, catalog: Catalog = CATALOG) -> None:
        self.ctx = ctx
        self.clock = ctx.clock
        self.node = node
        self.catalog = catalog
        self._ips = PodIPs(pod_cidr)
        self.network = self._ips.network
        check_loopback(str(self.network.network_address + 1))
        if cluster is None:
            from kubenb.config import default_state_dir

            cluster = RuntimeCluster("minikube", default_state_dir("minikube"), None)
        self.cluster = cluster
        self.state_dir = os.path.abspath(cluster.state_dir)
        self.marker = reaper.marker(cluster.name, self.state_dir)
        self.images = ImageStore(ctx, catalog)
        self._sandboxes: dict[str, list[_Sandbox]] = {}
        self._containers: dict[str, _Container] = {}
        self._seq = itertools.count(1)
        self._shims: tuple[str, str] | None = None
        agent_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": PACKAGE_ROOT,
                     "PYTHONDONTWRITEBYTECODE": "1", **self.marker}
        reaper.reap(self.state_dir)  # leftovers of a crashed kernel (once per state dir)
        self.memory = MemoryLimits(hashlib.sha256(self.state_dir.encode()).hexdigest()[:12])
        self.memory.reap()
        self.agent = AgentClient(node, env=agent_env, on_exit=self._on_agent_exit,
                                 on_lost=self._on_agent_lost,
                                 stderr_path=os.path.join(self.state_dir, f"agent-{node}.log"))

    # ---- helpers -----------------------------------------------------------------------

    def _new_id(self) -> str:
        seed = f"{self.node}/{next(self._seq)}/{os.getpid()}/{time.time_ns()}"
        return hashlib.sha256(seed.encode()).hexdigest()

    def _allocate_ip(self) -> str:
        return self._ips.allocate()

    def pod_ips(self) -> PodIPs | None:
        return self._ips

    def _release_ip(self, ip: str) -> None:
        self._ips.release(ip)

    def _now(self) -> datetime:
        return self.clock.now()

    def _get(self, container_id: str) -> _Container:
        try:
            return self._containers[container_id]
        except KeyError:
            raise ContainerNotFound(container_id) from None

    def _prepare_state(self) -> tuple[str, str]:
        if self._shims is None:
            self._shims = install_shims(self.state_dir)
        return self._shims

    # ---- images (process_images.py) --------------------------------------------------

    async def image_status(self, ref: str) -> ImageInfo | None:
        return self.images.status(ref)

    async def pull_image(self, ref: str) -> ImageInfo:
        return await self.images.pull(ref)

    async def list_images(self) -> list[ImageInfo]:
        return self.images.list()

    # ---- sandboxes ---------------------------------------------------------------------

    async def run_sandbox(self, pod: dict[str, Any]) -> str:
        uid = pod["metadata"]["uid"]
        current = self._sandboxes.get(uid)
        if current and current[0].status.ready:
            return current[0].status.ip
        self._prepare_state()
        pod_dir = os.path.join(self.state_dir, "pods", uid)
        os.makedirs(pod_dir, exist_ok=True)
        status = SandboxStatus(self._new_id(), uid, self._allocate_ip(), True, self._now())
        self._sandboxes.setdefault(uid, []).insert(0, _Sandbox(status, pod_dir))
        return status.ip

    async def sandbox_status(self, pod_uid: str) -> SandboxStatus | None:
        found = self._sandboxes.get(pod_uid)
        return found[0].status if found else None

    def _unready(self, uid: str, sb: _Sandbox) -> None:
        if sb.status.ready:
            self._release_ip(sb.status.ip)
            sb.status = SandboxStatus(sb.status.id, uid, sb.status.ip, False, sb.status.created_at)

    async def stop_sandbox(self, pod_uid: str) -> None:
        sandboxes = self._sandboxes.get(pod_uid, [])
        ids = {sb.status.id for sb in sandboxes}
        running = [c for c in self._containers.values()
                   if c.status.sandbox_id in ids and c.status.state in ("running", "created")]
        await asyncio.gather(*(self.stop_container(c.status.id, 0) for c in running))
        for sb in sandboxes:
            self._unready(pod_uid, sb)
        await self._maybe_close_agent()

    async def _maybe_close_agent(self) -> None:
        """A node with no ready sandbox needs no agent: it exits (a new pod starts another)."""
        if any(sb.status.ready for sbs in self._sandboxes.values() for sb in sbs):
            return
        if any(c.status.state == "running" for c in self._containers.values()):
            return
        await self.agent.close()

    async def remove_sandbox(self, pod_uid: str) -> None:
        await self.stop_sandbox(pod_uid)
        sandboxes = self._sandboxes.pop(pod_uid, [])
        log_dirs = set()
        for cid, c in list(self._containers.items()):
            if c.status.pod_uid == pod_uid:
                log_dirs.add(os.path.dirname(os.path.dirname(c.log_path)))
                del self._containers[cid]
        for path in {sb.dir for sb in sandboxes} | log_dirs:
            shutil.rmtree(path, ignore_errors=True)

    async def refresh_volumes(self, pod_uid: str, mounts: Iterable[Mount]) -> None:
        sandboxes = self._sandboxes.get(pod_uid)
        if sandboxes:
            write_files(mounts, sandboxes[0].dir)

    # ---- containers --------------------------------------------------------------------

    async def create_container(
        self, pod: dict[str, Any], container: dict[str, Any], config: ContainerConfig
    ) -> str:
        meta = pod["metadata"]
        uid = meta["uid"]
        sandboxes = self._sandboxes.get(uid)
        if not sandboxes or not sandboxes[0].status.ready:
            raise ExecError(f"pod sandbox for {uid} is not ready")
        sb = sandboxes[0]
        img = self.images.resolved(config.image.ref)
        root = os.path.join(sb.dir, config.name)
        launch = plan(img, config, pod=pod, pod_ip=sb.status.ip, root=root,
                      state_dir=self.state_dir, marker=self.marker, shim_dirs=self._prepare_state())
        prepare_root(root, launch.cwd, img, config.hostname)
        launch.mounts = dns_mounts(pod, sb.dir, self.cluster.addresses.dns_service_ip,
                                   self.state_dir, launch.env)
        if config.mounts:
            launch.mounts += process_mounts.plan(config.mounts, sb.dir)
            if not process_mounts.available():
                log.warning("no mount namespaces here (unshare --mount --user failed): %s/%s runs "
                            "without its volumes", meta.get("namespace"), meta["name"])
        log_path = os.path.join(self.state_dir, "logs", f"{meta.get('namespace', '')}_{meta['name']}_{uid}",
                                config.name, f"{config.attempt}.log")
        cid = self._new_id()
        status = ContainerStatus(
            id=cid, pod_uid=uid, sandbox_id=sb.status.id, name=config.name, attempt=config.attempt,
            image=config.image.ref, image_id=config.image.repo_digest, state="created",
            created_at=self._now())
        self._containers[cid] = _Container(status, next(self._seq), img, launch, log_path,
                                           self.clock.loop.create_future(), spec=container)
        return cid

    async def start_container(self, container_id: str) -> None:
        c = self._get(container_id)
        if c.status.state != "created":
            raise ExecError(f"container {container_id} is not in created state")
        launch = c.launch
        try:
            if launch.kind == "function":
                self._start_function(c)
            elif launch.kind == "app":
                c.pid = await self.agent.run({"id": c.status.id, "log": c.log_path, "kind": "app",
                                              "app": launch.app})
            else:
                program = find_executable(launch.argv[0], launch.env, launch.cwd) if launch.argv else None
                if program is None:
                    raise AgentStartFailed(not_found_message(launch.argv[0] if launch.argv else ""))
                argv = self.memory.enter(c.status.id, c.spec or {}, self._in_pod(launch.argv, c, EXEC_SYNC))
                c.pid = await self.agent.run({"id": c.status.id, "log": c.log_path, "kind": "command",
                                              "argv": argv, "env": launch.env, "cwd": launch.cwd})
                self.memory.watch(c.status.id, c.spec or {}, c.pid, lambda: self._signal(c, 9))
        except (AgentStartFailed, OSError) as err:
            message = ("failed to create containerd task: failed to create shim task: OCI runtime "
                       "create failed: runc create failed: unable to start container process: "
                       f"{err}")
            self._exit(c, 128, "StartError", message)
            raise RuntimeError_("RunContainerError", message) from None
        if c.status.state == "created":
            c.status = c.status.with_(state="running", started_at=self._now())
        else:  # it exited at once, or was stopped while starting: make sure nothing runs
            self._signal(c, 9)

    def _start_function(self, c: _Container) -> None:
        b = c.resolved.behaviour
        assert b.handler is not None
        server = FunctionServer(b.handler, ip=c.launch.env["KUBENB_POD_IP"], ports=b.ports,
                                env=c.launch.env, log_path=c.log_path,
                                on_exit=lambda code: self._on_exit(c.status.id, code),
                                sigterm_code=b.sigterm_exit_code)
        server.start()
        c.server = server

    def _signal(self, c: _Container, sig: int) -> None:
        if c.server is not None:
            c.server.signal(sig)
        else:
            self.agent.signal(c.status.id, sig)

    async def stop_container(self, container_id: str, grace_seconds: float) -> None:
        c = self._get(container_id)
        if c.status.state == "created":
            self._exit(c, 0, "Completed")
        if c.status.state != "running":
            return
        if grace_seconds <= 0:
            self._signal(c, 9)
        else:
            kill_at = self.clock.monotonic() + grace_seconds
            if c.kill_at is None and not c.launch.ignores_sigterm:
                self._signal(c, 15)  # (apps in the agent decide themselves whether to ignore it)
            if c.kill_at is None or kill_at < c.kill_at:
                c.kill_at = kill_at
                if c.timer is not None:
                    c.timer.cancel()
                c.timer = self.clock.call_later(grace_seconds, self._signal, c, 9)
        await asyncio.shield(c.done)

    def _on_agent_exit(self, container_id: str, code: int) -> None:
        self._on_exit(container_id, code)

    def _on_exit(self, container_id: str, code: int) -> None:
        c = self._containers.get(container_id)
        if c is not None and self.memory.exited(container_id, code):
            self._exit(c, 137, "OOMKilled")  # process_cgroups.py
        elif c is not None:
            self._exit(c, code, "Completed" if code == 0 else "Error")

    def _on_agent_lost(self) -> None:
        log.warning("the node agent of %s exited unexpectedly; its containers are gone", self.node)
        for c in self._containers.values():
            if c.status.state in ("running", "created") and c.server is None:
                self._exit(c, 255, "Unknown")

    def _exit(self, c: _Container, code: int, reason: str, message: str = "") -> None:
        if c.status.state in ("exited", "unknown"):
            return
        if c.timer is not None:
            c.timer.cancel()
            c.timer = None
        now = self._now()
        c.status = c.status.with_(state="exited", exit_code=code, reason=reason, message=message,
                                  finished_at=now, started_at=c.status.started_at or now)
        c.execs.kill_all()  # its execs end with it
        if not c.done.done():
            c.done.set_result(c.status)

    async def remove_container(self, container_id: str) -> None:
        c = self._containers.get(container_id)
        if c is None:
            return
        if c.status.state == "running":
            await self.stop_container(container_id, 0)
        self.memory.release(container_id)
        self._exit(c, 137, "Error")
        self._containers.pop(container_id, None)
        try:
            os.unlink(c.log_path)
        except OSError:
            pass

    async def container_status(self, container_id: str) -> ContainerStatus:
        return self._get(container_id).status

    async def list_containers(self, pod_uid: str | None = None) -> list[ContainerStatus]:
        found = [c for c in self._containers.values() if pod_uid is None or c.status.pod_uid == pod_uid]
        found.sort(key=lambda c: -c.seq)
        return [c.status for c in found]

    async def wait_container(self, container_id: str) -> ContainerStatus:
        return await asyncio.shield(self._get(container_id).done)

    # ---- streams -----------------------------------------------------------------------

    def log_path(self, container_id: str) -> str:
        """The CRI log file of a container (for following it)."""
        return self._get(container_id).log_path

    async def logs(self, container_id: str, *, tail: int | None = None,
                   timestamps: bool = False) -> str:
        return read_log(self._get(container_id).log_path, tail=tail, timestamps=timestamps)

    async def exec(self, container_id: str, argv: list[str]) -> tuple[int, str]:
        c = self._get(container_id)
        if c.status.state != "running":
            raise ExecError("container not running (" + container_id + ")")
        if (c.launch.mounts or c.pidns) and argv:
            program = find_executable(argv[0], c.launch.env, c.launch.cwd)
            if program is None:
                raise exec_error(argv[0])
            argv = self._in_pod(argv, c, exec_argv0=True, gone=True)
        code, out = await run_exec(argv, c.launch.env, c.launch.cwd, group=c.execs)
        if (code, out) == (137, process_mounts.GONE):  # stopped and removed as the exec started
            raise ContainerNotFound(container_id)
        return code, out

    async def exec_start(self, container_id: str, argv: list[str]) -> ExecStart:
        c = self._get(container_id)
        if c.status.state != "running":
            raise ExecError("container not running (" + container_id + ")")
        if (c.launch.mounts or c.pidns) and argv and find_executable(argv[0], c.launch.env, c.launch.cwd) is None:
            raise exec_error(argv[0])  # (the namespace's script finds it on PATH itself)
        return exec_start(self._in_pod(argv, c, exec_argv0=True), c.launch.env, c.launch.cwd, c.execs)

    def _in_pod(self, argv: list[str], c: _Container, sync_fd: str = "",
                exec_argv0: bool = False, gone: bool = False) -> list[str]:
        """argv in a mount namespace with the pod's volumes and DNS files (process_mounts.py),
        if any, and for a command container a PID namespace where one can be made (an exec
        joins the container's); `exec_argv0`: an exec keeps the argv[0] the client sent."""
        program = find_executable(argv[0], c.launch.env, c.launch.cwd) if argv else None
        if program is None:  # left to fail as the runtime reports a missing program
            return argv
        pid = not exec_argv0 and process_mounts.pid_available()
        if not (c.launch.mounts or pid or c.pidns) or not process_mounts.available():
            return argv if exec_argv0 else [program, *argv[1:]]
        if exec_argv0 and c.pidns and c.pid:
            if gone and not _alive(c.pid):  # its PID 1 ended as the exec started
                raise ContainerNotFound(c.status.id)
            return process_mounts.join(argv, c.pid, c.launch.cwd, c.launch.env, program)
        c.pidns = c.pidns or pid  # (a container's argv[0] stays as written: `ps` shows `sh -c …`)
        return process_mounts.wrap(argv, c.launch.mounts, os.path.dirname(c.launch.root),
                                   c.launch.cwd, sync_fd, c.launch.env, program=program, pid=pid,
                                   gone=gone)

    async def container_stats(self, container_id: str) -> ContainerStats | None:
        """Measured with psutil (process_stats.py: what is measured for each kind)."""
        c = self._get(container_id)
        if c.status.state != "running":
            return None
        apps = sum(1 for o in self._containers.values()
                   if o.launch.kind == "app" and o.status.state == "running")
        return measure(c.launch.kind, c.pid, self.agent.pid, apps)

    # ---- node --------------------------------------------------------------------------

    async def close(self) -> None:
        """The node or the cluster stops: every container ends now and the agent exits."""
        running = [c for c in self._containers.values() if c.status.state in ("running", "created")]
        await asyncio.gather(*(self.stop_container(c.status.id, 0) for c in running))
        for uid, sandboxes in self._sandboxes.items():
            for sb in sandboxes:
                self._unready(uid, sb)
        await self.agent.close()
        self.memory.close()

    async def kill_all(self) -> None:
        await self.agent.kill()
        for c in self._containers.values():
            if c.status.state in ("running", "created"):
                self._exit(c, 255, "Unknown")
                if c.server is not None:
                    c.server.signal(9)  # its exit is already recorded: 255 stays
        for uid, sandboxes in self._sandboxes.items():
            for sb in sandboxes:
                self._unready(uid, sb)
        self.memory.close()

