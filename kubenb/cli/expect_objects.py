"""Expectations about any object by the name a learner types: `exists("webapp", "shop")`.

For kinds without an expectation of their own, custom resources among them: the resource is
resolved as `kubectl get` resolves it (plural, singular, short name, kind), through the
client's registry, which knows the custom resources the cluster serves.
"""

from __future__ import annotations

from typing import Any

from kubenb.api.errors import NotFound
from kubenb.api.registry import UnknownResource
from kubenb.cli.findings import Expectation, Finding, t


def exists(resource: str, name: str, *, namespace: str = "default") -> Expectation:
    """The object `resource/name` exists (and is not being deleted)."""

    def evaluate(client: Any) -> list[Finding]:
        try:
            rt = client.registry.lookup(resource)
        except UnknownResource:
            return [(False, t(f'the server doesn\'t have a resource type "{resource}"',
                              f"服务器上没有资源类型 {resource}"))]
        ns = namespace if rt.namespaced else None
        where_en = f" in namespace {ns}" if ns else ""
        where_zh = f"命名空间 {ns} 中" if ns else ""
        try:
            obj = client.get(rt.kind, ns, name)
        except NotFound:
            return [(False, t(f"{rt.singular}/{name} does not exist{where_en}",
                              f"{where_zh}没有 {rt.kind} {name}"))]
        if (obj.get("metadata") or {}).get("deletionTimestamp"):
            return [(False, t(f"{rt.singular}/{name} is being deleted{where_en}",
                              f"{where_zh}的 {rt.kind} {name} 正在被删除"))]
        return [(True, t(f"{rt.singular}/{name} exists{where_en}", f"{where_zh}有 {rt.kind} {name}"))]

    return evaluate
