"""The client protocol: how commands, the widget and tests talk to a cluster.

Two implementations follow it: `InProcessClient` (a cluster in this kernel, through its
store and kubelets) and `HttpClient` (any Kubernetes API server: kubenb's own, or a real
cluster's). Commands only ever see this protocol, so every command that works in-process
works against a real cluster too.

Beyond CRUD and watch, a command may need what only some clusters offer. Each such
capability is a typed method of the protocol that either does the job or raises
`NotSupported` with the words kubectl (or minikube) would print for that cluster:

  server / endpoint()   the API server's URL, and its URL plus credentials (`kubectl proxy`)
  version()             the `/version` document
  metrics(…)            the Metrics API (None while no metrics server runs)
  port_forwarder()      local ports relayed to pods (`kubectl port-forward`)
  node_lifecycle()      stop/start/add/delete a node (`minikube node …`, the widget's buttons)
  on_cluster_stop(fn)   run `fn` when the cluster behind the client stops
  local_store           the store itself when the cluster lives in this process (the widget
                        follows its callbacks instead of watch threads), else None
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, Protocol

from kubenb.api.objects import WatchEvent
from kubenb.api.registry import Registry

if TYPE_CHECKING:
    from kubenb.api.store import Store

PatchType = Literal["merge", "json", "strategic"]


class NotSupported(Exception):
    """The cluster behind the client cannot do this; the message is the tool's own words."""


class Unreachable(Exception):
    """No API server answers: kubectl prints the message as it is and exits 1."""


@dataclass(frozen=True)
class Endpoint:
    """Where a cluster's API answers, with the credentials to use it."""

    url: str
    token: str = ""
    ca_file: str | None = None
    cert_file: str | None = None
    key_file: str | None = None
    verify: bool = True


class PortForwarder(Protocol):
    """`kubectl port-forward` sessions of one cluster."""

    def open(self, namespace: str, pod: str, uid: str, pod_ip: str,
             ports: list[tuple[int, int]], addresses: list[str]) -> list[str]:
        """Relay each `(local, remote)` port to the pod; kubectl's `Forwarding from …`
        lines. Raises `kubenb.component.ListenError` when a port cannot be bound."""
        ...

    def close_all(self) -> int:
        """Stop every session; how many there were."""
        ...


class NodeLifecycle(Protocol):
    """Machines of a cluster that kubenb runs: what `minikube node …` does to them."""

    def add_node(self) -> str: ...

    def stop_node(self, name: str) -> None: ...

    def start_node(self, name: str) -> None: ...

    def delete_node(self, name: str) -> None: ...


class Client(Protocol):
    """What a kubectl command needs from a cluster."""

    registry: Registry
    local_store: Store | None
    cluster_name: str | None

    def now(self) -> datetime:
        """The cluster's current time (AGE columns are computed from it)."""
        ...

    def get(self, kind: str, namespace: str | None, name: str) -> dict[str, Any]: ...

    def list(
        self,
        kind: str,
        namespace: str | None = None,
        *,
        label_selector: str | None = None,
        field_selector: str | None = None,
        copy: bool = True,
    ) -> tuple[list[dict[str, Any]], str]:
        """Objects in API order plus the list's resourceVersion. `copy=False`: the caller
        only reads them (an in-process client then hands out the stored objects)."""
        ...

    def create(self, obj: dict[str, Any], *, dry_run: bool = False) -> dict[str, Any]: ...

    def update(
        self, obj: dict[str, Any], *, subresource: str | None = None, dry_run: bool = False
    ) -> dict[str, Any]: ...

    def patch(
        self,
        kind: str,
        namespace: str | None,
        name: str,
        patch: Any,
        patch_type: PatchType,
        *,
        subresource: str | None = None,
        dry_run: bool = False,
    ) -> dict[str, Any]: ...

    def delete(
        self,
        kind: str,
        namespace: str | None,
        name: str,
        *,
        grace_period_seconds: int | None = None,
        propagation: str | None = None,
        dry_run: bool = False,
    ) -> dict[str, Any]: ...

    def evict(self, namespace: str, name: str, *, grace_period_seconds: int | None = None,
              dry_run: bool = False) -> None:
        """POST pods/NAME/eviction: a delete a PodDisruptionBudget may refuse (TooManyRequests)."""
        ...

    def impersonating(self, name: str, groups: tuple[str, ...] = (), uid: str = "") -> Client:
        """This client acting as `name` (kubectl --as/--as-group/--as-uid)."""
        ...

    def request_token(self, namespace: str, name: str,
                      request: dict[str, Any]) -> dict[str, Any]:
        """POST serviceaccounts/NAME/token: the TokenRequest, answered with its token."""
        ...

    def watch(
        self,
        kind: str,
        namespace: str | None = None,
        *,
        label_selector: str | None = None,
        field_selector: str | None = None,
        resource_version: str | None = None,
        timeout: float | None = None,
    ) -> Iterator[WatchEvent]:
        """Changes after `resource_version`, for at most `timeout` seconds (None: until closed)."""
        ...

    def logs(
        self,
        namespace: str,
        pod: str,
        container: str | None = None,
        *,
        previous: bool = False,
        tail: int | None = None,
        timestamps: bool = False,
    ) -> str:
        """A container's output so far (the pods/log subresource)."""
        ...

    def follow_logs(
        self,
        namespace: str,
        pod: str,
        container: str | None = None,
        *,
        tail: int | None = None,
        timestamps: bool = False,
    ) -> Iterator[str]:
        """`kubectl logs -f`: the container's output so far (its last `tail` lines when
        given), then each piece of new output as it is written; the iterator ends when the
        container stops (after its last output) or the pod goes away. Closing the iterator
        (`close()`, or leaving the `for` loop) ends the stream. Errors before the first
        chunk are the same as `logs()` raises. Over HTTP this is `GET
        …/pods/NAME/log?follow=true` (plus `tailLines`, `timestamps`, `container`), read as
        the chunked response arrives."""
        ...

    def exec(self, namespace: str, pod: str, container: str | None, argv: list[str]) -> tuple[int, str]:
        """Run a command in a container: (exit code, combined output)."""
        ...

    def exec_io(self, namespace: str, pod: str, container: str | None, argv: list[str],
                stdin: bytes | None = None) -> tuple[int, bytes, bytes]:
        """Run a command with `stdin` (None: none) to its end: (exit code, stdout, stderr) as
        bytes (`kubectl cp`'s tar). Over HTTP the exec WebSocket with v5's close of stdin."""
        ...

    # ---- capabilities ----------------------------------------------------------------------

    @property
    def server(self) -> str:
        """The API server's URL, as `kubectl cluster-info` prints it."""
        ...

    def endpoint(self) -> Endpoint:
        """The API server's URL and credentials; NotSupported when none serves HTTP."""
        ...

    def version(self) -> dict[str, str]:
        """The server's `/version` document."""
        ...

    def metrics(self, kind: str, namespace: str | None, name: str | None = None,
                label_selector: str | None = None) -> list[dict[str, Any]] | None:
        """NodeMetrics / PodMetrics as the Metrics API serves them; None without one."""
        ...

    def port_forwarder(self) -> PortForwarder:
        """Port forwarding to this cluster's pods; NotSupported in kubectl's words."""
        ...

    def node_lifecycle(self) -> NodeLifecycle:
        """The cluster's machines; NotSupported for clusters kubenb does not run."""
        ...

    def on_cluster_stop(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Call `callback` when the cluster behind the client stops (never, for clusters
        kubenb does not run); returns the function that undoes this."""
        ...


class ClusterBackend(NodeLifecycle, Protocol):
    """What the clients need from a cluster that runs in this process (a `Cluster`)."""

    name: str
    store: Store
    metrics_enabled: bool
    port_forwards: PortForwarder | None

    @property
    def server(self) -> str: ...

    def served_api(self) -> ServedApiView | None: ...

    def version(self) -> dict[str, str]: ...

    def metrics(self, kind: str, namespace: str | None, name: str | None = None,
                label_selector: str | None = None) -> list[dict[str, Any]] | None: ...

    def pod_logs(self, namespace: str, pod_name: str, container: str | None = None, *,
                 previous: bool = False, tail: int | None = None,
                 timestamps: bool = False) -> str: ...

    def pod_exec(self, namespace: str, pod_name: str, container: str | None,
                 argv: list[str]) -> tuple[int, str]: ...

    def pod_exec_io(self, namespace: str, pod_name: str, container: str | None,
                    argv: list[str], stdin: bytes | None) -> tuple[int, bytes, bytes]: ...

    def follow_pod_logs(self, namespace: str, pod_name: str, container: str | None = None, *,
                        tail: int | None = None, timestamps: bool = False) -> Iterator[str]: ...

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 60.0) -> None: ...

    def add_stop_hook(self, on_stop: Callable[[], None]) -> Callable[[], None]: ...


class ServedApiView(Protocol):
    """The parts of a cluster's HTTP API server a client hands on (kubenb/component.py)."""

    url: str
    token: str
    ca_file: str


NO_FORWARDING = ("kubectl port-forward needs pods that answer real TCP, and this cluster's "
                 "pods are simulated (the sim driver): start one with `minikube start "
                 "--driver=process`")
NO_NODE_LIFECYCLE = ("this cluster's machines are not run by kubenb: `minikube node` and the "
                     "view's node buttons work on clusters started with `%minikube start`")


class DisconnectedClient:
    """The client when no cluster is configured: every request fails as kubectl's would."""

    local_store = None
    cluster_name = None

    def __init__(self, message: str) -> None:
        from kubenb.api.registry import REGISTRY

        self.message = message
        self.registry: Registry = REGISTRY

    def __getattr__(self, name: str) -> Any:
        def fail(*_args: Any, **_kw: Any) -> Any:
            raise Unreachable(self.message)

        return fail
