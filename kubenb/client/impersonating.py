"""The in-process client acting as another user: `kubectl --as=jane …` on a kubenb profile.

`ImpersonatingClient(store, cluster, user)` is an InProcessClient whose every call is first
put to the RBAC authorizer (api/rbac.py) as the API server would put the request: `get`,
`list`, `watch`, `create`, `update` (or its subresource), `patch`, `delete`, `pods/eviction`,
`pods/log`, `pods/exec`, `serviceaccounts/token`, and the metrics API. A refusal is the API
server's Forbidden, which kubectl prints as `Error from server (Forbidden): …`. Access
reviews are answered for the impersonated user. Built by `InProcessClient.impersonating`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kubenb.api.objects import WatchEvent
from kubenb.api.rbac import Attributes, UserInfo, authorize
from kubenb.api.reviews import REVIEW_KINDS, review
from kubenb.client.inprocess import InProcessClient


class ImpersonatingClient(InProcessClient):
    def __init__(self, base: InProcessClient, user: UserInfo) -> None:
        super().__init__(base.store, base.cluster)
        self.user = user

    def _check(self, verb: str, kind: str, namespace: str | None, name: str = "",
               sub: str = "") -> None:
        rt = self.registry.by_kind(kind)
        authorize(self.store, Attributes(self.user, verb, namespace or "", rt.group, rt.plural,
                                         sub, name))

    def get(self, kind: str, namespace: str | None, name: str) -> dict[str, Any]:
        self._check("get", kind, namespace, name)
        return super().get(kind, namespace, name)

    def list(self, kind: str, namespace: str | None = None, **kw: Any) -> tuple[list[dict[str, Any]], str]:
        self._check("list", kind, namespace)
        return super().list(kind, namespace, **kw)

    def watch(self, kind: str, namespace: str | None = None, **kw: Any) -> Iterator[WatchEvent]:
        self._check("watch", kind, namespace)
        return super().watch(kind, namespace, **kw)

    def create(self, obj: dict[str, Any], *, dry_run: bool = False) -> dict[str, Any]:
        kind = obj.get("kind", "")
        if kind in REVIEW_KINDS:
            self._check("create", kind, (obj.get("metadata") or {}).get("namespace"))
            return review(self.store, obj, self.user)
        self._check("create", kind, (obj.get("metadata") or {}).get("namespace"))
        return super().create(obj, dry_run=dry_run)

    def update(self, obj: dict[str, Any], *, subresource: str | None = None,
               dry_run: bool = False) -> dict[str, Any]:
        meta = obj.get("metadata") or {}
        self._check("update", obj.get("kind", ""), meta.get("namespace"), meta.get("name", ""),
                    subresource or "")
        return super().update(obj, subresource=subresource, dry_run=dry_run)

    def patch(self, kind: str, namespace: str | None, name: str, patch: Any, patch_type: Any,
              *, subresource: str | None = None, dry_run: bool = False) -> dict[str, Any]:
        self._check("patch", kind, namespace, name, subresource or "")
        return super().patch(kind, namespace, name, patch, patch_type, subresource=subresource,
                             dry_run=dry_run)

    def delete(self, kind: str, namespace: str | None, name: str, **kw: Any) -> dict[str, Any]:
        self._check("delete", kind, namespace, name)
        return super().delete(kind, namespace, name, **kw)

    def evict(self, namespace: str, name: str, **kw: Any) -> None:
        self._check("create", "Pod", namespace, name, "eviction")
        super().evict(namespace, name, **kw)

    def request_token(self, namespace: str, name: str,
                      request: dict[str, Any]) -> dict[str, Any]:
        self._check("create", "ServiceAccount", namespace, name, "token")
        return super().request_token(namespace, name, request)

    def logs(self, namespace: str, pod: str, container: str | None = None, **kw: Any) -> str:
        self._check("get", "Pod", namespace, pod, "log")
        return super().logs(namespace, pod, container, **kw)

    def follow_logs(self, namespace: str, pod: str, container: str | None = None,
                    **kw: Any) -> Iterator[str]:
        self._check("get", "Pod", namespace, pod, "log")
        return super().follow_logs(namespace, pod, container, **kw)

    def exec(self, namespace: str, pod: str, container: str | None,
             argv: list[str]) -> tuple[int, str]:
        self._check("create", "Pod", namespace, pod, "exec")
        return super().exec(namespace, pod, container, argv)

    def exec_io(self, namespace: str, pod: str, container: str | None, argv: list[str],
                stdin: bytes | None = None) -> tuple[int, bytes, bytes]:
        self._check("create", "Pod", namespace, pod, "exec")
        return super().exec_io(namespace, pod, container, argv, stdin)

    def metrics(self, kind: str, namespace: str | None, name: str | None = None,
                **kw: Any) -> Any:
        plural = "nodes" if kind in ("Node", "NodeMetrics") else "pods"
        authorize(self.store, Attributes(self.user, "get" if name else "list", namespace or "",
                                         "metrics.k8s.io", plural, "", name or ""))
        return super().metrics(kind, namespace, name, **kw)
