"""Cluster-wide parts and what a cluster hands them.

A `Component` is a part of a cluster that is neither a controller nor a kubelet: kube-proxy
and the port-forward sessions (kubenb/net/), the HTTP API server (kubenb/server/), a
`kubectl proxy` that must stop with its cluster. `kubenb.cluster.Cluster` starts its
components after its nodes and stops them before them, and tells them when a node goes down
or comes back.

A component is given a `ComponentHost` — the few things it may use of the cluster: the
store, the clock, the control-plane loop (`call`), the state directory — never the cluster
itself, so no component can reach its siblings or the kubelets behind the store's back.
A component that serves the Kubernetes API over HTTP is also a `ServedApi`: the cluster
reads its URL and credentials from there (`kubectl cluster-info`, `kubectl proxy`, the
kubeconfig). `ListenError` is what the port-forward component raises when a local port
cannot be bound, in kubectl's words. `Reconciler` is the "apply what is wanted, again while
changes come in" task a watching component runs on the loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, Protocol, TypeVar

from kubenb.api.store import Store
from kubenb.clock import Clock

T = TypeVar("T")


class ComponentHost(Protocol):
    """What a component may use of its cluster."""

    name: str
    store: Store
    clock: Clock
    state_dir: str

    def call(self, coro: Coroutine[Any, Any, T], timeout: float | None = 30) -> T:
        """Run a coroutine on the control-plane loop and wait for its result."""
        ...


class Component(Protocol):
    """A cluster-wide part started with the cluster.

    `start`/`stop` are called from the caller's thread once the control plane runs (use
    `host.call` to reach the loop); `node_down`/`node_up` follow `stop_node`/`start_node`
    (a dead node's kube-proxy stops answering too)."""

    def start(self, host: ComponentHost) -> None: ...

    def stop(self) -> None: ...

    def node_down(self, name: str) -> None: ...

    def node_up(self, name: str) -> None: ...


class ServedApi(Component, Protocol):
    """A component that serves the cluster's Kubernetes API over HTTPS."""

    running: bool
    url: str
    token: str
    ca_file: str
    ca_data: bytes


class ListenError(Exception):
    """No requested address could be bound for a forwarded port (kubectl's wording)."""


class StopHook:
    """A component whose only job is to call `on_stop` when its cluster stops (a `kubectl
    proxy` that must not outlive the cluster it forwards to). Not restarted with the
    cluster."""

    def __init__(self, on_stop: Callable[[], None]) -> None:
        self.on_stop = on_stop

    def start(self, host: ComponentHost) -> None:
        pass  # a restarted cluster does not restart what stopped with it

    def stop(self) -> None:
        self.on_stop()

    def node_down(self, name: str) -> None:
        pass

    def node_up(self, name: str) -> None:
        pass


class Reconciler:
    """A component's "apply what is wanted now" task on the loop: `kick()` (on the loop)
    marks a change and starts `work` unless it runs — it runs again while changes came in
    meanwhile; `settle()` waits until it is done (at stop too: a pass is not cut short)."""

    def __init__(self, work: Callable[[], Coroutine[Any, Any, None]], name: str) -> None:
        self.work, self.name = work, name
        self.dirty = False
        self.task: asyncio.Task[None] | None = None

    def kick(self) -> None:
        self.dirty = True
        if self.task is None or self.task.done():
            self.task = asyncio.get_running_loop().create_task(self._loop(), name=self.name)

    async def _loop(self) -> None:
        while self.dirty:
            self.dirty = False
            await self.work()

    async def settle(self) -> None:
        await asyncio.sleep(0)  # handlers already queued on the loop run first
        while self.task is not None and not self.task.done():
            await asyncio.shield(self.task)
