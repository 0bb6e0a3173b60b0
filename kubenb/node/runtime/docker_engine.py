"""The Docker engine as the Docker runtime sees it: client, labels, network, cleanup.

`check_engine()` answers `minikube start --driver=docker` before anything is created: it
raises `EngineUnavailable` in minikube's words (PROVIDER_DOCKER_NOT_RUNNING …) when the
engine does not answer. `Engine` wraps one Docker SDK client and a small thread pool; the
runtime (docker.py) hands every blocking call to `Engine.run` so the control-plane loop
never waits on Docker.

Ownership. Everything kubenb creates carries `kubenb.profile`, `kubenb.node`, … (see
`labels()`) plus the owning kernel: `kubenb.owner` = `<host>/<pid>/<process start time>`.
`reap_orphans()` removes the containers and networks whose owner process is gone (a kernel
killed with SIGKILL never ran its cleanup); `remove_by_labels()` is the orderly cleanup of
one node or one profile. The profile's pods live on one user-defined bridge network,
`kubenb-<profile>`, created by `ensure_network()` with a /16 whose /24s are the nodes' pod
ranges (10.244.0.0/16 for the first profile, as minikube's pod network, then 10.245, …).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import ipaddress
import logging
import os
import socket
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import psutil

from kubenb.node.runtime.base import ContainerNotFound, ExecError

log = logging.getLogger("kubenb.docker")
T = TypeVar("T")

PREFIX = "kubenb."
L_PROFILE, L_NODE, L_NAMESPACE = "kubenb.profile", "kubenb.node", "kubenb.namespace"
L_POD, L_POD_UID, L_CONTAINER = "kubenb.pod", "kubenb.pod-uid", "kubenb.container"
L_ATTEMPT, L_OWNER, L_SANDBOX = "kubenb.attempt", "kubenb.owner", "kubenb.sandbox"
L_RUNTIME = "kubenb.runtime"
DOCS = "https://minikube.sigs.k8s.io/docs/drivers/docker/"


class EngineUnavailable(Exception):
    """The Docker engine cannot be used; the fields are minikube's exit message parts."""

    def __init__(self, reason_id: str, message: str, suggestion: str, url: str = DOCS) -> None:
        super().__init__(f"{reason_id}: {message}")
        self.reason_id = reason_id
        self.message = message
        self.suggestion = suggestion
        self.url = url

    def minikube_lines(self) -> list[str]:
        """What minikube prints (without the style prefixes)."""
        return [f"Exiting due to {self.reason_id}: {self.message}",
                f"Suggestion: {self.suggestion}", f"Documentation: {self.url}"]


def _docker_host() -> str:
    return os.environ.get("DOCKER_HOST") or "unix:///var/run/docker.sock"


def new_client(timeout: float = 60) -> Any:
    """A Docker SDK client for $DOCKER_HOST, or EngineUnavailable in minikube's words."""
    try:
        import docker
        import docker.errors
    except ImportError:
        raise EngineUnavailable(
            "PROVIDER_DOCKER_NOT_FOUND",
            "The 'docker' provider was not found: the Python package 'docker' is not "
            "installed (pip install 'kubenb[docker]')",
            "Install Docker and the docker Python package") from None
    try:
        client = docker.from_env(timeout=int(timeout))
        client.ping()
        return client
    except Exception as err:  # noqa: BLE001 - any failure to reach the engine means "not running"
        raise EngineUnavailable(
            "PROVIDER_DOCKER_NOT_RUNNING",
            '"docker version --format <no value>-<no value>:<no value>" exit status 1: '
            f"Cannot connect to the Docker daemon at {_docker_host()}. "
            "Is the docker daemon running?",
            "Start the Docker service (as root: dockerd > /var/log/dockerd.log 2>&1 &, or "
            "systemctl start docker)") from err


def check_engine() -> str:
    """The engine's version when it answers; EngineUnavailable (minikube's words) when not."""
    client = new_client(timeout=10)
    try:
        return str(client.version().get("Version", ""))
    finally:
        client.close()


def owner_id() -> str:
    """`<hostname>/<pid>/<start time>`: this kernel process, and no later one with its pid."""
    me = psutil.Process()
    return f"{socket.gethostname()}/{me.pid}/{int(me.create_time())}"


def owner_alive(owner: str) -> bool:
    host, _, rest = owner.partition("/")
    pid_text, _, started = rest.partition("/")
    if host != socket.gethostname():
        return True  # another machine's engine user: not ours to judge
    try:
        proc = psutil.Process(int(pid_text))
        return not started or int(proc.create_time()) == int(started)
    except (psutil.NoSuchProcess, ValueError):
        return False
    except psutil.AccessDenied:
        return True


def labels(profile: str, **more: str) -> dict[str, str]:
    out = {L_PROFILE: profile, L_OWNER: owner_id()}
    out.update({k: v for k, v in more.items() if v is not None})
    return out


class Engine:
    """One SDK client and the threads that run its blocking calls."""

    def __init__(self, client: Any | None = None, workers: int = 8) -> None:
        self.client = client or new_client()
        self.pool = concurrent.futures.ThreadPoolExecutor(workers, thread_name_prefix="kubenb-docker")
        self.version = str(self.client.version().get("Version", ""))
        self.closed = False

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        try:
            fut = loop.run_in_executor(self.pool, lambda: fn(*args, **kwargs))
        except RuntimeError:  # the interpreter is exiting (a cluster stopped by atexit):
            return fn(*args, **kwargs)  # no new work for threads; the loop may block now
        return await fut

    def close(self) -> None:
        self.closed = True
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.client.close()


# ---- cleanup ------------------------------------------------------------------------------


def label_filters(match: dict[str, str]) -> dict[str, Any]:
    return {"label": [f"{k}={v}" for k, v in match.items()]}


def remove_by_labels(client: Any, match: dict[str, str], *, networks: bool,
                     parallel: bool = True) -> int:
    """Remove every container (and with `networks`, network) carrying all of `match`.

    `parallel=False` at interpreter exit, when no new thread may start."""
    import docker.errors

    def remove(container_id: str) -> int:
        try:
            client.api.remove_container(container_id, force=True)
            return 1
        except docker.errors.NotFound:
            return 0
        except docker.errors.APIError as err:
            log.warning("removing container %s: %s", container_id[:12], err)
            return 0

    ids = [c["Id"] for c in client.api.containers(all=True, filters=label_filters(match))]
    if parallel and len(ids) > 1:
        with concurrent.futures.ThreadPoolExecutor(8, thread_name_prefix="kubenb-docker-rm") as pool:
            removed = sum(pool.map(remove, ids))
    else:
        removed = sum(map(remove, ids))
    if networks:
        for n in client.api.networks(filters=label_filters(match)):
            remove_network(client, n["Id"])
    return removed


def remove_network(client: Any, network_id: str) -> bool:
    """Remove a network unless containers still use it (another node of the profile)."""
    import docker.errors

    try:
        client.api.remove_network(network_id)
        return True
    except docker.errors.NotFound:
        return True
    except docker.errors.APIError:
        return False  # still has endpoints


def reap_orphans(client: Any) -> list[str]:
    """Remove what kernels that died without cleaning up left behind; the owners reaped."""
    dead: set[str] = set()
    for c in client.api.containers(all=True, filters={"label": [L_OWNER]}):
        owner = (c.get("Labels") or {}).get(L_OWNER, "")
        if owner and owner not in dead and not owner_alive(owner):
            dead.add(owner)
    for n in client.api.networks(filters={"label": [L_OWNER]}):
        owner = (n.get("Labels") or {}).get(L_OWNER, "")
        if owner and not owner_alive(owner):
            dead.add(owner)
    for owner in sorted(dead):
        remove_by_labels(client, {L_OWNER: owner}, networks=True)
    return sorted(dead)


# ---- the profile's network ----------------------------------------------------------------


def network_name(profile: str) -> str:
    return f"kubenb-{profile}"


def _candidate_subnets(subnet: int) -> list[str]:
    """10.244.0.0/16 for minikube's first network (192.168.49), 10.245 for the next, …"""
    k = max(0, (subnet - 49) // 9)
    first = [244 + k] if 244 + k <= 255 else []
    return [f"10.{o}.0.0/16" for o in first + [o for o in range(200, 244) if o != 244 + k]]


_NETWORK_LOCK = threading.Lock()  # the nodes of a profile ask at once; one creates


def ensure_network(client: Any, profile: str, subnet: int) -> tuple[str, ipaddress.IPv4Network]:
    """The profile's bridge network (created when missing): its id and its /16."""
    with _NETWORK_LOCK:
        return _ensure_network(client, profile, subnet)


def _ensure_network(client: Any, profile: str, subnet: int) -> tuple[str, ipaddress.IPv4Network]:
    import docker.errors
    import docker.types

    name = network_name(profile)
    for n in client.api.networks(names=[name]):
        if n.get("Name") == name:
            info = client.api.inspect_network(n["Id"])
            configs = (info.get("IPAM") or {}).get("Config") or []
            if configs and configs[0].get("Subnet"):
                return info["Id"], ipaddress.ip_network(configs[0]["Subnet"])
            remove_network(client, n["Id"])  # not one of ours: no subnet to place pods in
    last: Exception | None = None
    for cidr in _candidate_subnets(subnet):
        net = ipaddress.ip_network(cidr)
        gateway = str(net.network_address + 1)
        ipam = docker.types.IPAMConfig(pool_configs=[docker.types.IPAMPool(subnet=cidr, gateway=gateway)])
        try:
            created = client.api.create_network(
                name, driver="bridge", ipam=ipam, check_duplicate=True,
                labels=labels(profile), options={"com.docker.network.bridge.enable_icc": "true"})
            return created["Id"], net
        except docker.errors.APIError as err:
            if "overlap" not in str(err).lower():
                raise
            last = err
    raise RuntimeError(f"no free 10.x.0.0/16 for network {name}: {last}")


# ---- containers ---------------------------------------------------------------------------


def create(client: Any, params: dict[str, Any], start: bool, suffix: str) -> dict[str, Any]:
    """Create (and start) a container from docker_spec's params; its inspect result.

    A name already taken (another cluster with the same pod uid) gets `suffix` appended."""
    import docker.errors

    api = client.api
    params = dict(params)
    host = api.create_host_config(**params.pop("host_config"))
    net = params.pop("networking_config", None)
    if net is not None:
        net = api.create_networking_config(
            {k: api.create_endpoint_config(**v) for k, v in net.items()})
    try:
        created = api.create_container(host_config=host, networking_config=net, **params)
    except docker.errors.APIError as err:
        if err.status_code != 409:
            raise
        params["name"] += suffix
        created = api.create_container(host_config=host, networking_config=net, **params)
    if start:
        api.start(created["Id"])
    return api.inspect_container(created["Id"])


def exec_run(client: Any, container_id: str, argv: list[str]) -> tuple[int, str]:
    """`docker exec`: (exit code, stdout and stderr as they came). A container that stopped
    or went just before (the engine's 409 `is not running`, 404) is not found: the kubelet
    then answers as for a container that is not running."""
    import docker.errors

    api = client.api
    try:
        ex = api.exec_create(container_id, argv, stdout=True, stderr=True)
    except docker.errors.APIError as err:
        text = str(err.explanation or err)
        if err.status_code == 404 or (err.status_code == 409 and "is not running" in text):
            raise ContainerNotFound(container_id) from None
        raise ExecError(text) from None
    out = b"".join(api.exec_start(ex["Id"], stream=True))
    code = api.exec_inspect(ex["Id"]).get("ExitCode")
    return (126 if code is None else int(code)), out.decode("utf-8", "replace")
