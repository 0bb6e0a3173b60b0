"""The `sim` runtime: containers without processes, for thousands of pods on a laptop.

It implements kubenb/node/runtime/base.py's protocol in memory. Images come from the
offline catalog (kubenb/node/images.py); pulls, creates and starts take
`ctx.timings.image_pull / container_create / container_start` on the cluster clock; pod
IPs come from the node's pod CIDR, `.2` upward, the lowest free one first (a released IP is
reused). What a container does is a `Program` (kubenb/node/stages.py): the image's server
runs until stopped and prints its log lines; `sh -c "exit 3"`, `false`, `true`, `echo`,
`sleep` and simple `while` loops run as written (an exit takes at least `container_start`);
a command sim cannot read runs until stopped.

What sim fakes, and the pod annotations that steer it (`sim.kubenb.io/<key>` for every
container, `sim.kubenb.io/<key>.<container>` for one):
  exit-code: N         the container exits with N (after run-seconds, default at once)
  run-seconds: S       the container exits after S seconds (code: exit-code, default 0)
  ignore-sigterm: true|false   whether SIGTERM is ignored (then the kill comes at the end
                       of the grace period, exit 137); the catalog says what each image's
                       server does (the bootcamp app ignores it, like its real node PID 1); a
                       command is a container's PID 1, which ignores SIGTERM unless it handles
                       it (stages.py `handles_sigterm`: a `trap … TERM`, Python's
                       `signal.SIGTERM`), and then ends with 143
  not-ready: true      the container reports itself unhealthy, so the kubelet keeps it
                       not Ready (a failing readiness probe, without probing)
`exec` runs the small shell of stages.py: no sleeping, no stdin; a command that would never
end returns what it printed so far with exit code 0. `kill_all` (a node failure) ends every
container with exit code 255, reason Unknown, as containers look after a reboot.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from kubenb.config import Context
from kubenb.node.images import (
    CATALOG,
    Catalog,
    ImageNotFound,
    InvalidReference,
    ResolvedImage,
    normalize,
    pull_error_message,
)
from kubenb.node.runtime.base import (
    ContainerConfig,
    ContainerNotFound,
    ContainerStatus,
    ExecError,
    ImageInfo,
    ImagePullError,
    PodIPs,
    Runtime,
    RuntimeCluster,
    SandboxStatus,
    SingleFlight,
)
from kubenb.node.stages import Program, Shell, handles_sigterm, program_for, sim_annotation


@dataclass
class _Sandbox:
    status: SandboxStatus
    seq: int


@dataclass
class _Container:
    status: ContainerStatus
    seq: int
    program: Program
    shell: Shell
    resolved: ResolvedImage
    annotations: dict[str, str]
    done: asyncio.Future[ContainerStatus]
    timer: asyncio.TimerHandle | None = None
    kill_at: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _info(img: ResolvedImage) -> ImageInfo:
    return ImageInfo(img.ref, img.repo_digest, img.image_id, img.size,
                     (f"{img.repository}:{img.tag}",))


class SimRuntime(Runtime):
    """An in-memory container runtime on the cluster clock."""

    name = "sim"
    version = "sim://1.0"

    def __init__(self, ctx: Context, node: str, *, pod_cidr: str = "10.244.0.0/24",
                 catalog: Catalog = CATALOG, cluster: RuntimeCluster | None = None) -> None:
        self.ctx = ctx
        self.clock = ctx.clock
        self.node = node
        self.catalog = catalog
        self._ips = PodIPs(pod_cidr)
        self.network = self._ips.network
        self._images: dict[str, tuple[ImageInfo, ResolvedImage]] = {}
        self._pulls: SingleFlight[str, ImageInfo] = SingleFlight()  # containerd joins pulls
        self._sandboxes: dict[str, list[_Sandbox]] = {}
        self._containers: dict[str, _Container] = {}
        self._by_pod: dict[str, dict[str, _Container]] = {}  # pod uid -> its containers by id
        self._seq = itertools.count(1)

    # ---- helpers -----------------------------------------------------------------------

    def _new_id(self) -> str:
        return hashlib.sha256(f"{self.node}/{next(self._seq)}".encode()).hexdigest()

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

    # ---- images ------------------------------------------------------------------------

    def _key(self, ref: str) -> str:
        return str(normalize(ref))

    async def image_status(self, ref: str) -> ImageInfo | None:
        try:
            key = self._key(ref)
        except InvalidReference:
            return None
        found = self._images.get(key)
        return found[0] if found else None

    async def pull_image(self, ref: str) -> ImageInfo:
        try:
            key = self._key(ref)
        except InvalidReference as err:
            raise ImagePullError(str(err), reason="InvalidImageName") from None
        return await self._pulls.run(key, lambda: self._pull(key))

    async def _pull(self, key: str) -> ImageInfo:
        await self.clock.sleep(self.ctx.timings.image_pull)
        try:
            img = self.catalog.resolve(key)
        except ImageNotFound as err:
            raise ImagePullError(pull_error_message(err.ref, err.repo_missing)) from None
        info = _info(img)
        self._images[key] = (info, img)
        return info

    async def list_images(self) -> list[ImageInfo]:
        return [info for info, _ in self._images.values()]

    # ---- sandboxes ---------------------------------------------------------------------

    async def run_sandbox(self, pod: dict[str, Any]) -> str:
        uid = pod["metadata"]["uid"]
        current = self._sandboxes.get(uid)
        if current and current[0].status.ready:
            return current[0].status.ip
        status = SandboxStatus(self._new_id(), uid, self._allocate_ip(), True, self._now())
        self._sandboxes.setdefault(uid, []).insert(0, _Sandbox(status, next(self._seq)))
        return status.ip

    async def sandbox_status(self, pod_uid: str) -> SandboxStatus | None:
        found = self._sandboxes.get(pod_uid)
        return found[0].status if found else None

    async def stop_sandbox(self, pod_uid: str) -> None:
        for sb in self._sandboxes.get(pod_uid, []):
            for c in list(self._by_pod.get(pod_uid, {}).values()):
                if c.status.sandbox_id == sb.status.id and c.status.state == "running":
                    self._exit(c, 137, "Error")
            if sb.status.ready:
                self._release_ip(sb.status.ip)
                sb.status = SandboxStatus(sb.status.id, pod_uid, sb.status.ip, False,
                                          sb.status.created_at)

    async def remove_sandbox(self, pod_uid: str) -> None:
        await self.stop_sandbox(pod_uid)
        self._sandboxes.pop(pod_uid, None)
        for cid in self._by_pod.pop(pod_uid, {}):
            del self._containers[cid]

    # ---- containers --------------------------------------------------------------------

    async def create_container(
        self, pod: dict[str, Any], container: dict[str, Any], config: ContainerConfig
    ) -> str:
        uid = pod["metadata"]["uid"]
        sandboxes = self._sandboxes.get(uid)
        if not sandboxes or not sandboxes[0].status.ready:
            raise ExecError(f"pod sandbox for {uid} is not ready")
        await self.clock.sleep(self.ctx.timings.container_create)
        found = self._images.get(self._key(config.image.ref))
        img = found[1] if found else self.catalog.resolve(config.image.ref)
        annotations = dict(pod["metadata"].get("annotations") or {})
        env: dict[str, str] = {}
        image_env = dict(img.behaviour.env)
        env["PATH"] = image_env.pop("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
        env["HOSTNAME"] = config.hostname
        env.update(config.env)
        for k, v in image_env.items():
            env.setdefault(k, v)
        env.setdefault("HOME", "/root")
        files = dict(img.behaviour.files)
        files["/etc/hostname"] = config.hostname + "\n"
        cid = self._new_id()
        status = ContainerStatus(
            id=cid, pod_uid=uid, sandbox_id=sandboxes[0].status.id, name=config.name,
            attempt=config.attempt, image=config.image.ref, image_id=config.image.repo_digest,
            state="created", created_at=self._now(),
            unhealthy=(sim_annotation(annotations, "not-ready", config.name) or "") == "true",
        )
        program = program_for(img.behaviour, config.command, config.args, annotations, config.name)
        shell = Shell(img.behaviour, env, self._now(), files)
        self._containers[cid] = self._by_pod.setdefault(uid, {})[cid] = _Container(
            status, next(self._seq), program, shell, img, annotations, self.clock.loop.create_future())
        return cid

    async def start_container(self, container_id: str) -> None:
        c = self._get(container_id)
        if c.status.state != "created":
            raise ExecError(f"container {container_id} is not in created state")
        await self.clock.sleep(self.ctx.timings.container_start)
        if c.status.state != "created":  # killed meanwhile
            return
        now = self._now()
        c.shell.started = now
        c.status = c.status.with_(state="running", started_at=now)
        end = c.program.end(c.shell, minimum=self.ctx.timings.container_start)
        if end is not None:
            after, code = end
            c.timer = self.clock.call_later(after, self._exit, c, code,
                                            "Completed" if code == 0 else "Error")

    def _ignores_sigterm(self, c: _Container) -> bool:
        flag = sim_annotation(c.annotations, "ignore-sigterm", c.status.name)
        if flag is not None:
            return flag == "true"
        if c.program.argv is None:
            return c.resolved.behaviour.sigterm == "ignore"
        return not handles_sigterm(c.program.argv)  # PID 1 without a handler: SIGTERM ignored

    async def stop_container(self, container_id: str, grace_seconds: float) -> None:
        c = self._get(container_id)
        if c.status.state == "created":
            self._exit(c, 0, "Completed")
        if c.status.state != "running":
            return
        if grace_seconds <= 0:
            self._exit(c, 137, "Error")
        elif not self._ignores_sigterm(c):
            code = c.resolved.behaviour.sigterm_exit_code if c.program.argv is None else 143
            self._exit(c, code, "Completed" if code == 0 else "Error")
        else:
            kill_at = self.clock.monotonic() + grace_seconds
            if c.kill_at is None or kill_at < c.kill_at:
                c.kill_at = kill_at
                if c.timer is not None:
                    c.timer.cancel()
                c.timer = self.clock.call_later(grace_seconds, self._exit, c, 137, "Error")
        await asyncio.shield(c.done)

    def _exit(self, c: _Container, code: int, reason: str) -> None:
        if c.status.state in ("exited", "unknown"):
            return
        if c.timer is not None:
            c.timer.cancel()
            c.timer = None
        now = self._now()
        c.status = c.status.with_(state="exited", exit_code=code, reason=reason, finished_at=now,
                                  started_at=c.status.started_at or now)
        if not c.done.done():
            c.done.set_result(c.status)

    async def remove_container(self, container_id: str) -> None:
        c = self._containers.pop(container_id, None)
        if c is not None:
            self._by_pod.get(c.status.pod_uid, {}).pop(container_id, None)
            self._exit(c, 137, "Error")

    async def container_status(self, container_id: str) -> ContainerStatus:
        return self._get(container_id).status

    async def list_containers(self, pod_uid: str | None = None) -> list[ContainerStatus]:
        found = list((self._containers if pod_uid is None else self._by_pod.get(pod_uid, {})).values())
        found.sort(key=lambda c: -c.seq)
        return [c.status for c in found]

    async def wait_container(self, container_id: str) -> ContainerStatus:
        return await asyncio.shield(self._get(container_id).done)

    # ---- streams -----------------------------------------------------------------------

    async def logs(self, container_id: str, *, tail: int | None = None,
                   timestamps: bool = False) -> str:
        c = self._get(container_id)
        st = c.status
        if st.started_at is None or c.program.exit_override is not None:
            return ""
        end = st.finished_at or self._now()
        lines = c.program.output(c.shell, (end - st.started_at).total_seconds())
        if tail is not None:
            lines = lines[-tail:] if tail > 0 else []
        if timestamps:
            return "".join(f"{_nano(st.started_at + timedelta(seconds=t))} {text}" for t, text in lines)
        return "".join(text for _, text in lines)

    async def exec(self, container_id: str, argv: list[str]) -> tuple[int, str]:
        c = self._get(container_id)
        if c.status.state != "running":
            raise ExecError("container not running (" + container_id + ")")
        if not argv or not c.shell.has(argv[0]):
            name = argv[0] if argv else ""
            raise ExecError(
                "OCI runtime exec failed: exec failed: unable to start container process: "
                f'exec: "{name}": executable file not found in $PATH: unknown')
        shell = Shell(c.shell.behaviour, c.shell.env, c.shell.started, c.shell.files, sleeps=False)
        out: list[str] = []
        code = 0
        for _, kind, text in Program(tuple(argv), c.resolved.behaviour).timeline(shell):
            if kind == "out":
                out.append(text)
            elif kind == "exit":
                code = int(text)
                break
            elif kind == "forever":
                break
        return code, "".join(out)

    # ---- node --------------------------------------------------------------------------

    async def kill_all(self) -> None:
        for c in self._containers.values():
            if c.status.state in ("running", "created"):
                self._exit(c, 255, "Unknown")
        for uid, sandboxes in self._sandboxes.items():
            for sb in sandboxes:
                if sb.status.ready:
                    self._release_ip(sb.status.ip)
                    sb.status = SandboxStatus(sb.status.id, uid, sb.status.ip, False,
                                              sb.status.created_at)


def _nano(t: datetime) -> str:
    t = t.astimezone(timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond:06d}000Z"
