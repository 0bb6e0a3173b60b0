"""The HTTP client: the Client protocol against any Kubernetes API server.

`HttpClient.from_kubeconfig(path, context)` (or a kubeconfig document) connects through the
official `kubernetes` client's auth and TLS handling (`http_transport.Transport`) and sends
raw JSON requests on the generic paths the resource registry gives
(`/apis/apps/v1/namespaces/default/deployments/web/scale`). It returns plain dicts exactly
like `InProcessClient`, and raises the same `kubenb.api.errors` exceptions (translated from
the server's Status by `http_errors`), so every kubectl command prints the same text over
HTTP as in-process. Watches, logs and exec are streams (`http_streams`).

Semantics kept equal to the in-process client:
- `watch(resource_version=None)` means "changes from now" (a watch without a
  resourceVersion would replay every object as ADDED), so it first asks a one-item list for
  the current resourceVersion.
- `now()` is the server's clock (the Date header of its latest answer), so AGE columns
  and deadlines follow the cluster even when that cluster runs on a virtual clock.
- `patch` sends the patch to the server, which applies it (and retries write races).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from kubenb.api.errors import BadRequest, NotFound
from kubenb.api.objects import WatchEvent
from kubenb.api.registry import REGISTRY, Registry, ResourceType, UnknownResource
from kubenb.client.base import (
    NO_NODE_LIFECYCLE,
    ClusterBackend,
    Endpoint,
    NodeLifecycle,
    NotSupported,
    PatchType,
    PortForwarder,
)
from kubenb.client.http_discovery import DiscoveringRegistry
from kubenb.client.http_local import LocalCluster
from kubenb.client.http_streams import (
    current_version,
    exec_in_pod,
    exec_io_in_pod,
    follow_log,
    watch_events,
)
from kubenb.client.http_transport import Transport, api_client_for, resource_path

PATCH_CONTENT_TYPES: dict[str, str] = {
    "merge": "application/merge-patch+json",
    "json": "application/json-patch+json",
    "strategic": "application/strategic-merge-patch+json",
    "apply": "application/apply-patch+yaml",
}
METRICS = "/apis/metrics.k8s.io/v1beta1"


class HttpClient:
    """kubectl's view of a cluster behind an API server URL."""

    local_store = None  # the widget follows an HTTP cluster through watches
    cluster_name = None

    def __init__(self, transport: Transport, *, registry: Registry | None = None,
                 context: str = "", local: ClusterBackend | None = None) -> None:
        """`local`: the kubenb cluster serving behind this server when it lives in this
        process (a virtual-clock one is paced by `http_local`); None for any other.
        `registry` None: the built-in kinds and the server's custom resources, found as
        they are asked for (http_discovery)."""
        self.transport = transport
        # who writes (the `fieldManager` of every write; None: the User-Agent names it) and
        # server-side apply's `force`, set by kubectl for the time of one command
        self.field_manager: str | None = None
        self.force_conflicts = False
        self.registry: Registry = registry if registry is not None else DiscoveringRegistry(self._crds)
        self.context = context
        self.cluster = local
        self.local = LocalCluster(local) if local is not None and local.store.clock.virtual \
            else None

    @classmethod
    def from_kubeconfig(cls, path: str | None = None, context: str | None = None, *,
                        config: dict[str, Any] | None = None,
                        local: ClusterBackend | None = None) -> HttpClient:
        """Connect to a kubeconfig context: `path` (None: `$KUBECONFIG` or ~/.kube/config)
        or the `config` document; `context` None means the config's current-context.
        Raises `http_transport.ConfigError` when the context cannot be used."""
        return cls(Transport(api_client_for(path, context, config)), context=context or "",
                   local=local)

    def close(self) -> None:
        self.transport.close()

    def impersonating(self, name: str, groups: tuple[str, ...] = (), uid: str = "") -> HttpClient:
        """A client whose requests carry kubectl's Impersonate-* headers."""
        if len(groups) > 1:
            raise NotSupported("kubenb's kubectl sends at most one --as-group over HTTP")
        headers = {"Impersonate-User": name}
        if groups:
            headers["Impersonate-Group"] = groups[0]
        if uid:
            headers["Impersonate-Uid"] = uid
        return HttpClient(self.transport.with_headers(headers), registry=self.registry,
                          context=self.context, local=self.cluster)

    def _crds(self) -> list[dict[str, Any]]:
        doc = self.transport.json("GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
                                  what=("list", "customresourcedefinitions.apiextensions.k8s.io", ""))
        return list((doc or {}).get("items") or [])

    def __repr__(self) -> str:
        return f"HttpClient({self.server!r}, context={self.context!r})"

    # ---- what commands ask besides objects ---------------------------------------------

    @property
    def server(self) -> str:
        """The API server URL (`kubectl cluster-info`)."""
        return self.transport.host

    def endpoint(self) -> Endpoint:
        """The server and the credentials this client uses (`kubectl proxy` forwards there)."""
        cfg = self.transport.configuration
        auth = cfg.get_api_key_with_prefix("BearerToken", alias="authorization") or ""
        token = auth[len("Bearer "):] if auth.startswith("Bearer ") else auth
        return Endpoint(cfg.host, token, cfg.ssl_ca_cert, cfg.cert_file, cfg.key_file,
                        bool(cfg.verify_ssl))

    def version(self) -> dict[str, str]:
        """The server's `/version` document."""
        doc = self.transport.json("GET", "/version", what=("get", "", ""))
        return dict(doc or {})

    def port_forwarder(self) -> PortForwarder:
        raise NotSupported("%kubectl port-forward reaches pods of clusters in this kernel "
                           "only; for another cluster run the kubectl binary "
                           "(`!kubectl port-forward …`)")

    def node_lifecycle(self) -> NodeLifecycle:
        raise NotSupported(NO_NODE_LIFECYCLE)

    def on_cluster_stop(self, callback: Callable[[], None]) -> Callable[[], None]:
        """A kubenb cluster of this process behind the server: when it stops; else never."""
        if self.cluster is not None:
            return self.cluster.add_stop_hook(callback)
        return lambda: None

    def now(self) -> datetime:
        if self.local is not None:
            return self.local.now()
        return self.transport.server_now()

    def metrics(self, kind: str, namespace: str | None, name: str | None = None,
                label_selector: str | None = None) -> list[dict[str, Any]] | None:
        """The Metrics API (metrics.k8s.io/v1beta1), or None when the server has none."""
        plural = "nodes" if kind == "Node" else "pods"
        path = METRICS + (f"/namespaces/{namespace}" if namespace and kind != "Node" else "")
        path += f"/{plural}" + (f"/{name}" if name else "")
        query = [("labelSelector", label_selector)] if label_selector else []
        try:
            doc = self.transport.json("GET", path, query=query, what=("get", plural, name or ""))
        except NotFound:
            if name and self._metrics_served():
                return []  # the API is there, the object has no metrics (yet)
            return None
        return list(doc.get("items") or []) if not name else [doc]

    def _metrics_served(self) -> bool:
        try:
            self.transport.json("GET", METRICS)
        except NotFound:
            return False
        return True

    # ---- objects ---------------------------------------------------------------------------

    def _rt(self, kind: str) -> ResourceType:
        try:
            return self.registry.by_kind(kind)
        except UnknownResource:
            raise BadRequest(f'no kind "{kind}" is registered') from None

    def _item_path(self, obj: dict[str, Any], subresource: str | None = None,
                   *, item: bool = True) -> tuple[ResourceType, str, str, str]:
        rt = self._rt(obj.get("kind", ""))
        meta = obj.get("metadata")
        if not isinstance(meta, dict):
            raise BadRequest(f'{rt.kind} in version "{rt.version}" cannot be handled as a '
                             f"{rt.kind}: metadata must be an object")
        ns = (meta.get("namespace") or "default") if rt.namespaced else None
        name = str(meta.get("name") or "")
        version = str(obj.get("apiVersion", "")).rpartition("/")[2]
        if rt.custom is not None and version in rt.versions and version != rt.version:
            rt = dataclasses.replace(rt, version=version)  # sent in the version it is written in
        path = resource_path(rt, ns, name if item else None, subresource if item else None)
        return rt, path, ns or "", name

    def get(self, kind: str, namespace: str | None, name: str) -> dict[str, Any]:
        rt = self._rt(kind)
        ns = (namespace or "default") if rt.namespaced else None
        return self.transport.json("GET", resource_path(rt, ns, name),  # type: ignore[no-any-return]
                                   what=("get", rt.qualified, name))

    def list(
        self,
        kind: str,
        namespace: str | None = None,
        *,
        label_selector: str | None = None,
        field_selector: str | None = None,
        copy: bool = True,
    ) -> tuple[list[dict[str, Any]], str]:
        rt = self._rt(kind)
        items: list[dict[str, Any]] = []
        query = _selectors(label_selector, field_selector)
        token = ""
        while True:  # follow `continue` when the server pages
            page = query + ([("continue", token)] if token else [])
            doc = self.transport.json("GET", resource_path(rt, namespace), query=page,
                                      what=("list", rt.qualified, ""))
            for obj in doc.get("items") or []:
                obj.setdefault("kind", rt.kind)  # list items omit them on the wire
                obj.setdefault("apiVersion", rt.api_version)
                items.append(obj)
            meta = doc.get("metadata") or {}
            token = meta.get("continue") or ""
            if not token:
                return items, str(meta.get("resourceVersion") or "")

    def _write_query(self, dry_run: bool) -> list[tuple[str, str]]:
        # kubectl without a manager of its own is named `kubectl` after its User-Agent
        return [*_dry(dry_run), ("fieldManager", self.field_manager or "kubectl")]

    def create(self, obj: dict[str, Any], *, dry_run: bool = False) -> dict[str, Any]:
        rt, path, _, name = self._item_path(obj, item=False)
        return self.transport.json("POST", path, query=self._write_query(dry_run), body=obj,  # type: ignore[no-any-return]
                                   content_type="application/json",
                                   what=("post", rt.qualified, name))

    def update(
        self, obj: dict[str, Any], *, subresource: str | None = None, dry_run: bool = False
    ) -> dict[str, Any]:
        rt, path, _, name = self._item_path(obj, subresource)
        return self.transport.json("PUT", path, query=self._write_query(dry_run), body=obj,  # type: ignore[no-any-return]
                                   content_type="application/json",
                                   what=("put", rt.qualified, name))

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
        rt = self._rt(kind)
        ns = (namespace or "default") if rt.namespaced else None
        query = self._write_query(dry_run)
        if patch_type == "apply":
            query.append(("force", "true" if self.force_conflicts else "false"))
        body = json.loads(patch) if isinstance(patch, (str, bytes)) else patch
        return self.transport.json(  # type: ignore[no-any-return]
            "PATCH", resource_path(rt, ns, name, subresource), query=query, body=body,
            content_type=PATCH_CONTENT_TYPES[patch_type], what=("patch", rt.qualified, name))

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
        rt = self._rt(kind)
        ns = (namespace or "default") if rt.namespaced else None
        options: dict[str, Any] = {"kind": "DeleteOptions", "apiVersion": "v1"}
        if grace_period_seconds is not None:
            options["gracePeriodSeconds"] = grace_period_seconds
        if propagation:
            options["propagationPolicy"] = propagation
        if dry_run:
            options["dryRun"] = ["All"]
        doc = self.transport.json("DELETE", resource_path(rt, ns, name), query=_dry(dry_run),
                                  body=options, content_type="application/json",
                                  what=("delete", rt.qualified, name))
        if isinstance(doc, dict) and doc.get("kind") == "Status":
            # Some servers answer a finished delete with a Status: hand back what went.
            details = doc.get("details") or {}
            return {"kind": kind, "apiVersion": rt.api_version,
                    "metadata": {"name": details.get("name", name), "uid": details.get("uid", ""),
                                 **({"namespace": ns} if ns else {})}}
        return doc  # type: ignore[no-any-return]

    def evict(self, namespace: str, name: str, *, grace_period_seconds: int | None = None,
              dry_run: bool = False) -> None:
        options: dict[str, Any] = {}
        if grace_period_seconds is not None:
            options["gracePeriodSeconds"] = grace_period_seconds
        if dry_run:
            options["dryRun"] = ["All"]
        body = {"apiVersion": "policy/v1", "kind": "Eviction",
                "metadata": {"name": name, "namespace": namespace}, "deleteOptions": options}
        self.transport.json("POST", resource_path(self._rt("Pod"), namespace, name, "eviction"),
                            query=_dry(dry_run), body=body, content_type="application/json",
                            what=("create", "pods", name))

    def request_token(self, namespace: str, name: str,
                      request: dict[str, Any]) -> dict[str, Any]:
        return self.transport.json("POST", resource_path(self._rt("ServiceAccount"), namespace,
                                                         name, "token"),
                                   body=request, content_type="application/json",
                                   what=("create", "serviceaccounts", name))

    # ---- streams ---------------------------------------------------------------------------

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
        rt = self._rt(kind)
        query = _selectors(label_selector, field_selector)
        path = resource_path(rt, namespace)
        if self.local is None:
            return watch_events(self.transport, rt, path, query, resource_version, timeout)
        rv = resource_version or current_version(self.transport, rt, path, query)
        return self.local.watch(
            lambda cancel: watch_events(self.transport, rt, path, query, rv, None, cancel),
            kind, namespace, label_selector, field_selector, rv, timeout)

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
        query = _log_query(container, previous, tail, timestamps)
        data = self.transport.fetch("GET", _pod_path(namespace, pod, "log"), query=query,
                                    accept="*/*", what=("get", "pods", pod))
        return data.decode("utf-8", "replace")

    def follow_logs(self, namespace: str, pod: str, container: str | None = None, *,
                    tail: int | None = None, timestamps: bool = False) -> Iterator[str]:
        """`logs -f`: the log so far (or its last `tail` lines), then every new line as it
        is written, until the container stops or the caller closes the iterator."""
        query = _log_query(container, False, tail, timestamps) + [("follow", "true")]
        return follow_log(self.transport, _pod_path(namespace, pod, "log"), query, pod)

    def exec(self, namespace: str, pod: str, container: str | None, argv: list[str]) -> tuple[int, str]:
        query: list[tuple[str, Any]] = [("command", a) for a in argv]
        if container:
            query.append(("container", container))
        query += [("stdout", "true"), ("stderr", "true")]
        return exec_in_pod(self.transport, _pod_path(namespace, pod, "exec"), query, pod)

    def exec_io(self, namespace: str, pod: str, container: str | None, argv: list[str],
                stdin: bytes | None = None) -> tuple[int, bytes, bytes]:
        query: list[tuple[str, Any]] = [("command", a) for a in argv]
        if container:
            query.append(("container", container))
        if stdin is not None:
            query.append(("stdin", "true"))
        query += [("stdout", "true"), ("stderr", "true")]
        return exec_io_in_pod(self.transport, _pod_path(namespace, pod, "exec"), query, pod, stdin)


def _pod_path(namespace: str, pod: str, sub: str) -> str:
    return resource_path(REGISTRY.by_kind("Pod"), namespace, pod, sub)


def _log_query(container: str | None, previous: bool, tail: int | None,
               timestamps: bool) -> list[tuple[str, Any]]:
    query: list[tuple[str, Any]] = []
    if container:
        query.append(("container", container))
    if previous:
        query.append(("previous", "true"))
    if tail is not None and tail >= 0:
        query.append(("tailLines", str(tail)))
    if timestamps:
        query.append(("timestamps", "true"))
    return query


def _selectors(label_selector: str | None, field_selector: str | None) -> list[tuple[str, Any]]:
    query: list[tuple[str, Any]] = []
    if label_selector:
        query.append(("labelSelector", label_selector))
    if field_selector:
        query.append(("fieldSelector", field_selector))
    return query


def _dry(dry_run: bool) -> list[tuple[str, Any]]:
    return [("dryRun", "All")] if dry_run else []
