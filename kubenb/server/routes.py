"""The server's URL table and the handlers that are not resource CRUD.

`routes(api)` lists, in match order: /version, the health checks, OpenAPI, discovery, the
metrics API, pods' exec (a WebSocket), then every other /api and /apis path, which
`ResourceHandler.dispatch` sends on to resources / subresources / watching / pods / proxy.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import tornado.web

from kubenb.api.errors import MethodNotAllowed, NotFound
from kubenb.api.reviews import REVIEW_KINDS
from kubenb.server import deletion, listing, negotiate, resources, reviews, subresources
from kubenb.server.exec_stream import AttachHandler, ExecHandler
from kubenb.server.handler import ApiRequestHandler
from kubenb.server.paths import NoRoute, parse
from kubenb.server.pods import serve_log
from kubenb.server.portforward_ws import PortForwardHandler
from kubenb.server.proxy import forward
from kubenb.server.watching import serve_watch

if TYPE_CHECKING:
    from kubenb.server.app import ApiServer

PUBLIC = ("/version", "/healthz", "/livez", "/readyz")  # anonymous, as the apiserver allows


class PublicHandler(ApiRequestHandler):
    def prepare(self) -> None:
        pass

    def get(self, path: str) -> None:
        if path.startswith("/version"):  # WriteRawJSON: indented, no trailing newline
            self.set_header("Content-Type", "application/json")
            self.finish(json.dumps(self.api.cluster.version(), indent=2).encode())
            return
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(b"ok")


class DiscoveryHandler(ApiRequestHandler):
    def get(self, path: str) -> None:
        d = self.api.discovery
        metrics = self.api.cluster.metrics_enabled
        parts = [p for p in path.split("/") if p]
        accept = self.request.headers.get("Accept")
        if parts in (["api"], ["apis"]) and negotiate.wants_aggregated(accept):
            self.send_json(d.aggregated(parts == ["api"], metrics), 200,
                           negotiate.DISCOVERY_TYPE)
            return
        doc: dict[str, Any] | None = None
        if parts == ["api"]:
            doc = d.api_versions()
        elif parts == ["apis"]:
            doc = d.api_group_list(metrics)
        elif parts[0] == "api" and len(parts) == 2:
            doc = d.resource_list("", parts[1], metrics)
        elif len(parts) == 2:
            doc = d.api_group(parts[1], metrics)
        elif len(parts) == 3:
            doc = d.resource_list(parts[1], parts[2], metrics)
        if doc is None:
            raise NoRoute()
        self.send_json(doc)


class OpenApiHandler(ApiRequestHandler):
    def get(self, path: str | None) -> None:
        d = self.api.discovery
        doc = d.openapi_root() if not (path or "").strip("/") else d.openapi_document(path or "")
        if doc is None:
            raise NoRoute()
        self.send_json(doc)


class MetricsHandler(ApiRequestHandler):
    """metrics.k8s.io/v1beta1 nodes and pods, from the cluster's metrics-server addon."""

    def get(self, path: str) -> None:
        parts = [p for p in path.split("/") if p]
        namespace = None
        if len(parts) >= 3 and parts[0] == "namespaces":
            namespace, parts = parts[1], parts[2:]
        if not parts or parts[0] not in ("nodes", "pods"):
            raise NoRoute()
        kind = "Node" if parts[0] == "nodes" else "Pod"
        name = parts[1] if len(parts) > 1 else None
        found = self.api.cluster.metrics(kind, namespace, name, self.query("labelSelector"))
        if found is None:
            raise NoRoute()
        if name is not None:
            if not found:
                from kubenb.api.errors import NotFound

                raise NotFound(f"{parts[0]}.metrics.k8s.io", name)
            self.send_json(found[0])
            return
        self.send_json({"kind": f"{kind}MetricsList", "apiVersion": "metrics.k8s.io/v1beta1",
                        "metadata": {}, "items": found})


class EndpointSliceHandler(ApiRequestHandler):
    """discovery.k8s.io/v1 endpointslices: a read-only view of Endpoints (list and get)."""

    def get(self, namespace: str | None, name: str | None) -> None:
        from kubenb.server import endpointslices as es

        found = es.slices(self.api.store, namespace, self.query("labelSelector"))
        if name:
            match = [s for s in found if s["metadata"]["name"] == name]
            if not match:
                raise NotFound(f"{es.PLURAL}.{es.GROUP}", name)
            self.send_json(match[0])
            return
        self.send_json({"kind": "EndpointSliceList", "apiVersion": f"{es.GROUP}/{es.VERSION}",
                        "metadata": {"resourceVersion": str(self.api.store.resource_version)},
                        "items": found})


@tornado.web.stream_request_body
class ResourceHandler(ApiRequestHandler):
    SUPPORTED_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")

    async def get(self, *_: str) -> None:
        await self.dispatch()

    async def post(self, *_: str) -> None:
        await self.dispatch()

    async def put(self, *_: str) -> None:
        await self.dispatch()

    async def patch(self, *_: str) -> None:
        await self.dispatch()

    async def delete(self, *_: str) -> None:
        await self.dispatch()

    async def head(self, *_: str) -> None:
        await self.dispatch()

    async def options(self, *_: str) -> None:
        await self.dispatch()

    async def dispatch(self) -> None:
        t = parse(self.request.path, self.api.store.registry)
        if t is None:
            raise NoRoute()
        method = self.request.method
        sub = t.subresource
        if t.kind in REVIEW_KINDS:
            if method == "POST" and t.name is None:
                return reviews.review(self, t)
        elif t.kind == "CertificateSigningRequest" and method == "POST" and t.name is None:
            return reviews.create_csr(self, t)
        elif sub == "approval" and t.kind == "CertificateSigningRequest":
            if method == "PUT":
                return reviews.approval(self, t)
        elif sub is None and t.name is None:
            if method == "GET":
                if self.flag("watch"):
                    listing.check_watch(self)
                    await serve_watch(self, t)
                else:
                    listing.list_items(self, t)
                return
            if method == "POST":
                return resources.create(self, t)
            if method == "DELETE":
                return deletion.delete_collection(self, t)
        elif sub is None or sub == "status":
            if sub == "status" and "status" not in t.resource.subresources:
                raise NoRoute()
            action = {"GET": resources.get_item, "PUT": resources.replace,
                      "PATCH": resources.patch, "DELETE": deletion.delete if sub is None
                      else None}.get(method or "")
            if action is not None:
                return action(self, t)
        elif sub == "scale" and "scale" in t.resource.subresources:
            if method in ("GET", "PUT", "PATCH"):
                return subresources.scale(self, t)
        elif sub == "log" and t.kind == "Pod":
            if method == "GET":
                return await serve_log(self, t)
        elif sub == "proxy" and t.kind in ("Pod", "Service"):
            return await forward(self, t)
        elif sub == "binding" and t.kind == "Pod":
            if method == "POST":
                return subresources.binding(self, t)
        elif sub == "eviction" and t.kind == "Pod":
            if method == "POST":
                return subresources.eviction(self, t)
        elif sub == "token" and t.kind == "ServiceAccount":
            if method == "POST":
                return reviews.token(self, t)
        else:
            raise NoRoute()
        raise MethodNotAllowed("the server does not allow this method on the requested "
                               "resource")


class FallbackHandler(ApiRequestHandler):
    def get(self, *_: str) -> None:
        raise NoRoute()

    post = put = patch = delete = get


def routes(api: ApiServer) -> list[tuple[str, type, dict[str, Any]]]:
    kw = {"api": api}
    return [
        (r"(/version/?|/healthz.*|/livez.*|/readyz.*)", PublicHandler, kw),
        (r"/openapi/v3(/.*)?", OpenApiHandler, kw),
        (r"(/api/?|/apis/?|/api/[^/]+/?|/apis/[^/]+/?|/apis/[^/]+/[^/]+/?)",
         DiscoveryHandler, kw),
        (r"/apis/metrics\.k8s\.io/v1beta1/(.*)", MetricsHandler, kw),
        (r"/apis/discovery\.k8s\.io/v1/(?:namespaces/([^/]+)/)?endpointslices(?:/([^/]+))?/?",
         EndpointSliceHandler, kw),
        (r"/api/v1/namespaces/[^/]+/pods/[^/]+/exec/?", ExecHandler, kw),
        (r"/api/v1/namespaces/[^/]+/pods/[^/]+/attach/?", AttachHandler, kw),
        (r"/api/v1/namespaces/[^/]+/pods/[^/]+/portforward/?", PortForwardHandler, kw),
        (r"/(api|apis)/(.*)", ResourceHandler, kw),
        (r"(.*)", FallbackHandler, kw),
    ]
