"""The in-process client: the Client protocol over a cluster in this Python process.

It reads and writes the cluster's store directly and reaches kubelets, metrics and the rest
through the `ClusterBackend` protocol (a `kubenb.Cluster` provides it). It hands callers
copies, never the store's own dicts, so nothing a command does to an object it read can
change the cluster behind the store's back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from kubenb.api.crd_registry import check_patch_type
from kubenb.api.csr import with_requester, write_approval
from kubenb.api.errors import BadRequest, Conflict
from kubenb.api.eviction import evict
from kubenb.api.managed_fields import Manager
from kubenb.api.objects import WatchEvent, clone
from kubenb.api.patch import apply_patch
from kubenb.api.rbac import ADMIN, UserInfo, impersonate
from kubenb.api.registry import Registry
from kubenb.api.reviews import REVIEW_KINDS, review
from kubenb.api.ssa import server_side_apply
from kubenb.api.store import Store
from kubenb.api.tokens import request_token
from kubenb.api.watch import QueueWatch
from kubenb.client.base import (
    NO_FORWARDING,
    NO_NODE_LIFECYCLE,
    ClusterBackend,
    Endpoint,
    NodeLifecycle,
    NotSupported,
    PatchType,
    PortForwarder,
)


class InProcessClient:
    def __init__(self, store: Store, cluster: ClusterBackend | None = None) -> None:
        """`cluster`: what stands behind the store (kubelets, metrics, API server); None
        for a bare store (tests of commands that only read and write objects)."""
        self.store = store
        self.cluster = cluster
        self.registry: Registry = store.registry
        self.local_store: Store | None = store
        self.cluster_name: str | None = cluster.name if cluster is not None else None
        # who asks: the kubeconfig's admin, as minikube's client certificate says
        self.user: UserInfo = ADMIN
        # who writes (managedFields): the command's --field-manager, else what the API
        # server makes of kubectl's User-Agent; `force_conflicts` for server-side apply
        self.field_manager: str | None = None
        self.force_conflicts = False

    def _writer(self, subresource: str | None = None) -> Manager:
        return Manager(self.field_manager or "kubectl", subresource or "")

    @classmethod
    def for_cluster(cls, cluster: ClusterBackend) -> InProcessClient:
        """The client of a running `kubenb.Cluster` (its store plus its kubelets)."""
        return cls(cluster.store, cluster)

    # ---- capabilities ------------------------------------------------------------------------

    def _backend(self) -> ClusterBackend:
        if self.cluster is None:
            raise BadRequest("this cluster has no kubelets to ask")
        return self.cluster

    def _capable(self) -> ClusterBackend:
        if self.cluster is None:
            raise NotSupported("a bare store has no cluster behind it")
        return self.cluster

    @property
    def server(self) -> str:
        return self._capable().server

    def endpoint(self) -> Endpoint:
        api = self.cluster.served_api() if self.cluster is not None else None
        if api is None:
            raise NotSupported("this cluster serves no HTTP API to proxy to (clusters "
                               "started with `%minikube start` do)")
        return Endpoint(api.url, api.token, api.ca_file)

    def version(self) -> dict[str, str]:
        return self._capable().version()

    def metrics(self, kind: str, namespace: str | None, name: str | None = None,
                label_selector: str | None = None) -> list[dict[str, Any]] | None:
        """The Metrics API of the cluster, or None when it has none (addon off)."""
        if self.cluster is None:
            return None
        return self.cluster.metrics(kind, namespace, name, label_selector)

    def port_forwarder(self) -> PortForwarder:
        forwards = self.cluster.port_forwards if self.cluster is not None else None
        if forwards is None:
            raise NotSupported(NO_FORWARDING)
        return forwards

    def node_lifecycle(self) -> NodeLifecycle:
        if self.cluster is None:
            raise NotSupported(NO_NODE_LIFECYCLE)
        return self.cluster

    def on_cluster_stop(self, callback: Callable[[], None]) -> Callable[[], None]:
        return self._capable().add_stop_hook(callback)

    # ---- objects -----------------------------------------------------------------------------

    def now(self) -> datetime:
        return self.store.clock.now()

    def get(self, kind: str, namespace: str | None, name: str) -> dict[str, Any]:
        return clone(self.store.get(kind, namespace, name))

    def list(
        self,
        kind: str,
        namespace: str | None = None,
        *,
        label_selector: str | None = None,
        field_selector: str | None = None,
        copy: bool = True,
    ) -> tuple[list[dict[str, Any]], str]:
        items, rv = self.store.list_with_version(
            kind, namespace, label_selector=label_selector, field_selector=field_selector)
        return ([clone(o) for o in items] if copy else items), rv

    def impersonating(self, name: str, groups: tuple[str, ...] = (),
                      uid: str = "") -> InProcessClient:
        from kubenb.client.impersonating import ImpersonatingClient

        return ImpersonatingClient(self, impersonate(self.store, self.user, name, groups, uid))

    def create(self, obj: dict[str, Any], *, dry_run: bool = False) -> dict[str, Any]:
        if obj.get("kind") in REVIEW_KINDS:  # answered, not stored
            return review(self.store, obj, self.user)
        if obj.get("kind") == "CertificateSigningRequest":
            obj = with_requester(obj, self.user)
        return clone(self.store.create(obj, dry_run=dry_run, manager=self._writer()))

    def update(
        self, obj: dict[str, Any], *, subresource: str | None = None, dry_run: bool = False
    ) -> dict[str, Any]:
        if subresource == "approval":
            return clone(write_approval(self.store, obj, dry_run=dry_run))
        return clone(self.store.update(obj, subresource=subresource, dry_run=dry_run,
                                       manager=self._writer(subresource)))

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
    ) -> dict[str, Any]:
        """Apply a patch to the current object, retrying on write races like the server."""
        rt = self.store.resource(kind)
        check_patch_type(rt, patch_type)
        if patch_type == "apply":
            return server_side_apply(self.store, rt, namespace, name, patch, self.field_manager
                                     or "kubectl", self.force_conflicts, subresource, dry_run)
        if subresource == "scale" and rt.custom is not None:
            replicas = (patch.get("spec") or {}).get("replicas")
            patch = {}
            rt.custom.set_replicas(patch, replicas)
        for _ in range(16):
            current = self.store.get(kind, namespace, name)
            patched = apply_patch(current, patch, patch_type)
            try:
                return clone(self.store.update(patched, subresource=subresource, dry_run=dry_run,
                                               manager=self._writer(subresource)))
            except Conflict:
                if patched["metadata"].get("resourceVersion") != current["metadata"]["resourceVersion"]:
                    raise  # the patch itself carried a stale resourceVersion precondition
                continue
        raise Conflict(self.store.resource(kind).qualified, name)

    def delete(
        self,
        kind: str,
        namespace: str | None,
        name: str,
        *,
        grace_period_seconds: int | None = None,
        propagation: str | None = None,
        dry_run: bool = False,
    ) -> dict[str, Any]:
        return clone(self.store.delete(
            kind, namespace, name, grace_period_seconds=grace_period_seconds,
            propagation=propagation, dry_run=dry_run))  # type: ignore[arg-type]

    def evict(self, namespace: str, name: str, *, grace_period_seconds: int | None = None,
              dry_run: bool = False) -> None:
        evict(self.store, namespace, name, grace_period_seconds=grace_period_seconds,
              dry_run=dry_run)

    def request_token(self, namespace: str, name: str,
                      request: dict[str, Any]) -> dict[str, Any]:
        return request_token(self.store, namespace, name, request)

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
        q = QueueWatch()
        q.watcher = self.store.watch(
            kind, q.deliver, namespace=namespace, label_selector=label_selector,
            field_selector=field_selector, resource_version=resource_version)
        clock = self.store.clock
        try:
            if clock.virtual and self.cluster is not None:
                events = self._drive(q, timeout)
            else:
                events = q.events(timeout)
            for ev in events:
                yield {"type": ev["type"], "object": clone(ev["object"])}
        finally:
            q.stop()

    def _drive(self, q: QueueWatch, timeout: float | None) -> Iterator[WatchEvent]:
        """On a virtual clock nothing moves unless the caller runs the loop: run the
        cluster until the next event arrives (or the timeout passes in cluster time)."""
        clock = self.store.clock
        end = clock.monotonic() + (3600.0 if timeout is None else timeout)
        while True:
            while not q.queue.empty():
                item = q.queue.get_nowait()
                if item is QueueWatch._END:
                    return
                yield item
            remaining = end - clock.monotonic()
            if remaining <= 0:
                return
            try:
                self._backend().wait_for(lambda: not q.queue.empty(), timeout=remaining)
            except TimeoutError:
                return

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
        return self._backend().pod_logs(namespace, pod, container, previous=previous, tail=tail,
                                      timestamps=timestamps)

    def follow_logs(self, namespace: str, pod: str, container: str | None = None, *,
                    tail: int | None = None, timestamps: bool = False) -> Iterator[str]:
        return self._backend().follow_pod_logs(namespace, pod, container, tail=tail,
                                             timestamps=timestamps)

    def exec(self, namespace: str, pod: str, container: str | None, argv: list[str]) -> tuple[int, str]:
        return self._backend().pod_exec(namespace, pod, container, argv)

    def exec_io(self, namespace: str, pod: str, container: str | None, argv: list[str],
                stdin: bytes | None = None) -> tuple[int, bytes, bytes]:
        return self._backend().pod_exec_io(namespace, pod, container, argv, stdin)
