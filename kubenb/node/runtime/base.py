"""The runtime protocol: what a kubelet asks of a container runtime (a small CRI).

Every runtime — `sim` (no processes), `process` (real programs on loopback), `docker` —
implements `Runtime`; the kubelet (kubenb/node/kubelet.py, podworker.py) drives it and
never knows which one it has. All methods are coroutines on the control-plane loop; a
runtime that must block (Docker SDK calls) hands the work to a thread itself.

Images
  `image_status(ref)` → `ImageInfo | None` (present on the node?);
  `pull_image(ref)` → `ImageInfo`, or raises `ImagePullError(reason, message)` with the
  runtime's own words (containerd: `rpc error: code = NotFound desc = failed to pull and
  unpack image "…": … not found`); `list_images()` for the node's status.images.
  Concurrent pulls of one reference share one pull (containerd joins them): every runtime
  does that with `SingleFlight` below.
Sandboxes (one per pod: its network namespace and IP)
  `run_sandbox(pod)` → pod IP; `sandbox_status(uid)` → `SandboxStatus | None` (ready False
  once the node died under it); `stop_sandbox(uid)` (frees the IP); `remove_sandbox(uid)`.
Containers (ids are opaque strings; the API shows `<runtime>://<id>`)
  `create_container(pod, container, config)` → id; `start_container(id)`;
  `stop_container(id, grace_seconds)` (SIGTERM, then SIGKILL when the grace runs out;
  returns once the container has exited); `remove_container(id)`;
  `container_status(id)` and `list_containers(pod_uid)` → `ContainerStatus` (newest first);
  `wait_container(id)` waits for the exit and returns the final status.
Streams
  `logs(id, tail=None, timestamps=False)` → text; `exec(id, argv)` → (exit code, output)
  or raises `ExecError` when the executable does not exist; `exec_start(id, argv)` → an
  `ExecStart` for a streaming session (exec_session.py) whose `start()` runs on the loop
  that drives it — by default the command runs to completion here and is replayed.
Stats
  `container_stats(id)` → `ContainerStats | None` (CRI ContainerStats): cumulative CPU
  time and the memory working set of a running container, or None when the runtime measures
  nothing (sim). The metrics-server addon (kubenb/node/metrics_scraper.py) turns two samples
  into a rate.
Events
  `status_changed(pod_uid)`, set by the kubelet: a runtime calls it when a container's
  status changed without the kubelet waiting on it (docker: an OOM kill reported after
  the exit), so the pod's worker looks again (CRI's container events).
Node
  `kill_all()`: the node died — every container stops at once (exit 255, reason Unknown,
  as after a reboot), every sandbox becomes not ready. `version` is the node's
  containerRuntimeVersion (`sim://1.0`, `docker://28.4.0`), plus `os_image` and
  `kernel_version` for nodeInfo. `close()` (kubelet stop, node deletion) releases what the
  runtime holds outside the kernel; a later call starts afresh.
"""

from __future__ import annotations

import abc
import asyncio
import ipaddress
from collections.abc import Awaitable, Callable, Hashable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Generic, Literal, TypeVar

from kubenb.node.runtime.exec_session import BufferedStart, ExecStart

ContainerStateName = Literal["created", "running", "exited", "unknown"]
K = TypeVar("K", bound=Hashable)
T = TypeVar("T")


class RuntimeError_(Exception):
    """A runtime call failed; `reason` is the kubelet's word for it (CreateContainerError …)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


class ImagePullError(RuntimeError_):
    """A pull failed; `message` is what the runtime said (shown in events and status)."""

    def __init__(self, message: str, reason: str = "ErrImagePull") -> None:
        super().__init__(reason, message)


class ContainerNotFound(RuntimeError_):
    def __init__(self, container_id: str) -> None:
        super().__init__("NotFound", f"container {container_id!r} not found")


class ExecError(RuntimeError_):
    """An exec could not start (no such executable, container not running)."""

    def __init__(self, message: str) -> None:
        super().__init__("ExecError", message)


@dataclass(frozen=True)
class RuntimeCluster:
    """What a runtime knows of its cluster: the profile name (for markers and labels), a
    state directory for per-pod files, and the address plan (kubenb/net/addresses.py)."""

    name: str
    state_dir: str
    addresses: Any  # kubenb.net.addresses.AddressPlan
    # called (from any thread) when the runtime gains an address its containers reach the
    # cluster's DNS server on (`dns_addresses()`: the docker runtime's bridge gateway)
    dns_changed: Any = None  # Callable[[], None] | None


@dataclass(frozen=True)
class ImageInfo:
    """An image on the node. `repo_digest` is what pod status shows as imageID."""

    ref: str  # docker.io/library/nginx:latest
    repo_digest: str  # docker.io/library/nginx@sha256:…
    id: str  # sha256:… (the image config digest)
    size: int
    repo_tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mount:
    """A volume mount the kubelet resolved: `source` is a directory on the host (hostPath,
    the directory of a claim's volume) or, for an emptyDir, empty — the runtime keeps that
    directory with the pod (`volume` names it) and removes it with the pod. `files` (path,
    content, mode) is the payload of a configMap/secret/downwardAPI/projected volume: the
    runtime writes it atomically into the pod's `volumes/<plugin>/<volume>` and binds that."""

    volume: str
    container_path: str
    source: str = ""
    read_only: bool = False
    sub_path: str = ""
    files: tuple[tuple[str, bytes, int], ...] | None = None
    plugin: str = ""


@dataclass(frozen=True)
class ContainerConfig:
    """What the kubelet decided about a container before creating it (CRI ContainerConfig)."""

    name: str
    image: ImageInfo
    command: tuple[str, ...] = ()
    args: tuple[str, ...] = ()
    env: tuple[tuple[str, str], ...] = ()
    working_dir: str = ""
    hostname: str = ""
    attempt: int = 0
    annotations: dict[str, str] = field(default_factory=dict)
    mounts: tuple[Mount, ...] = ()


@dataclass(frozen=True)
class ContainerStatus:
    """A container as the runtime sees it. Times are timezone-aware datetimes."""

    id: str
    pod_uid: str
    sandbox_id: str
    name: str
    attempt: int
    image: str  # the image reference it was created from (normalised)
    image_id: str  # repo digest
    state: ContainerStateName
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    exit_code: int | None = None
    reason: str = ""
    message: str = ""
    unhealthy: bool = False  # the runtime's own health view (sim: an annotation)

    def with_(self, **changes: Any) -> ContainerStatus:
        return replace(self, **changes)


@dataclass(frozen=True)
class ContainerStats:
    """What the runtime measured of a running container (CRI ContainerStats): CPU seconds
    used since it started (cumulative, like usageCoreNanoSeconds) and its memory working set.
    `shared` says the numbers are an equal share of a process hosting several containers."""

    cpu_seconds: float
    memory_bytes: int
    shared: bool = False


@dataclass(frozen=True)
class SandboxStatus:
    id: str
    pod_uid: str
    ip: str
    ready: bool
    created_at: datetime


class PodIPs:
    """Pod addresses of one node: the lowest free one of the pod CIDR from `.2` up; a
    released address is reused."""

    def __init__(self, cidr: str) -> None:
        self.network = ipaddress.ip_network(cidr, strict=False)
        self._used: set[int] = set()

    def allocate(self) -> str:
        base = int(self.network.network_address)
        for offset in range(2, self.network.num_addresses - 1):
            if offset not in self._used:
                self._used.add(offset)
                return str(ipaddress.ip_address(base + offset))
        raise RuntimeError_("CreatePodSandboxError", f"no free pod IPs left in {self.network}")

    def release(self, ip: str) -> None:
        if ip:
            self._used.discard(int(ipaddress.ip_address(ip)) - int(self.network.network_address))

    def release_all(self) -> None:
        self._used.clear()


def _pull_cancelled() -> Exception:
    return ImagePullError("cancelled")


class SingleFlight(Generic[K, T]):
    """Concurrent calls for one key share one call: the image pull every runtime does.

    `await run(key, work)` runs `work()` when no call for `key` is under way; otherwise it
    waits for the one that is (shielded: a cancelled waiter does not cancel it). The first
    caller gets its own result or exception; every waiter gets the same. When the first
    caller is cancelled, waiters get `cancelled()` (an `ImagePullError("cancelled")` unless
    told otherwise). The key is forgotten once the call ends: the next call runs afresh."""

    def __init__(self, cancelled: Callable[[], Exception] = _pull_cancelled) -> None:
        self._cancelled = cancelled
        self._pending: dict[K, asyncio.Future[T]] = {}

    async def run(self, key: K, work: Callable[[], Awaitable[T]]) -> T:
        pending = self._pending.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        fut: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._pending[key] = fut
        try:
            result = await work()
            fut.set_result(result)
            return result
        except BaseException as err:
            if not fut.done():
                fut.set_exception(err if isinstance(err, Exception) else self._cancelled())
                fut.exception()  # retrieved: waiters get it, nobody logs "never retrieved"
            raise
        finally:
            self._pending.pop(key, None)


class Runtime(abc.ABC):
    """The protocol above, as an abstract base class. See the module docstring."""

    name: str = "runtime"
    version: str = "runtime://0"
    # True when pods answer real traffic on their IPs (process, docker): the kubelet's
    # prober then sends real httpGet/tcpSocket probes, and kube-proxy serves Services.
    # False for sim, whose probes are simulated.
    real_network: bool = False
    # False for the cluster's own components (component.py): their configMap/secret/
    # projected volumes are not resolved (their ConfigMaps are not in the store).
    mounts_payloads: bool = True
    os_image: str = "Ubuntu 22.04.5 LTS"
    kernel_version: str = "5.15.0-139-generic"
    # the kubelet's hook: a container of this pod changed on its own (see Events above)
    status_changed: Callable[[str], None] | None = None

    # -- images
    @abc.abstractmethod
    async def image_status(self, ref: str) -> ImageInfo | None: ...

    @abc.abstractmethod
    async def pull_image(self, ref: str) -> ImageInfo: ...

    @abc.abstractmethod
    async def list_images(self) -> list[ImageInfo]: ...

    # -- sandboxes
    @abc.abstractmethod
    async def run_sandbox(self, pod: dict[str, Any]) -> str: ...

    @abc.abstractmethod
    async def sandbox_status(self, pod_uid: str) -> SandboxStatus | None: ...

    @abc.abstractmethod
    async def stop_sandbox(self, pod_uid: str) -> None: ...

    @abc.abstractmethod
    async def remove_sandbox(self, pod_uid: str) -> None: ...

    # -- containers
    @abc.abstractmethod
    async def create_container(
        self, pod: dict[str, Any], container: dict[str, Any], config: ContainerConfig
    ) -> str: ...

    @abc.abstractmethod
    async def start_container(self, container_id: str) -> None: ...

    @abc.abstractmethod
    async def stop_container(self, container_id: str, grace_seconds: float) -> None: ...

    @abc.abstractmethod
    async def remove_container(self, container_id: str) -> None: ...

    @abc.abstractmethod
    async def container_status(self, container_id: str) -> ContainerStatus: ...

    @abc.abstractmethod
    async def list_containers(self, pod_uid: str | None = None) -> list[ContainerStatus]: ...

    @abc.abstractmethod
    async def wait_container(self, container_id: str) -> ContainerStatus: ...

    # -- streams
    @abc.abstractmethod
    async def logs(
        self, container_id: str, *, tail: int | None = None, timestamps: bool = False
    ) -> str: ...

    @abc.abstractmethod
    async def exec(self, container_id: str, argv: list[str]) -> tuple[int, str]: ...

    async def exec_start(self, container_id: str, argv: list[str]) -> ExecStart:
        """A streaming exec; runtimes without one run the command now and replay it."""
        code, output = await self.exec(container_id, argv)
        return BufferedStart(code, output.encode("utf-8"))

    # -- stats
    async def container_stats(self, container_id: str) -> ContainerStats | None:
        """CPU time and working set of a running container; None if nothing is measured."""
        return None

    # -- node
    @abc.abstractmethod
    async def kill_all(self) -> None: ...

    async def refresh_volumes(self, pod_uid: str, mounts: Iterable[Mount]) -> None:
        """Write the current payload of the pod's configMap/secret/downwardAPI/projected
        volumes (the kubelet's periodic volume sync); runtimes without files ignore it."""
        return None

    def pod_ips(self) -> PodIPs | None:
        """The node's pod address pool, shared with the kubelet's in-kernel component
        runtime (runtime/component.py) so no address is handed out twice; None while the
        runtime does not know its network yet."""
        return None

    async def close(self) -> None:
        """The node stops for good or the cluster stops: release what the runtime holds
        outside the kernel (Docker containers and networks). A later call starts afresh."""
        return None

    def container_uri(self, container_id: str) -> str:
        """`sim://<id>`: how pod status names a container."""
        return f"{self.name}://{container_id}"
