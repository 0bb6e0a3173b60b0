"""Map an API request path onto what it names: a resource type, namespace, name, subresource.

    /api/v1/pods                                     every namespace's pods
    /api/v1/namespaces/NS/pods/NAME/log              one pod's log
    /apis/apps/v1/namespaces/NS/deployments/N/scale  a subresource
    /api/v1/namespaces/NS/pods/NAME:8080/proxy/x     pods/proxy with the rest of the path

`parse(path)` returns a `Target`, or None for paths that are not resource paths (discovery,
/version); unknown resources raise NotFound with the apiserver's words.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote

from kubenb.api.errors import NoRoute
from kubenb.api.registry import REGISTRY, Registry, ResourceType


@dataclass(frozen=True)
class Target:
    resource: ResourceType
    namespace: str | None  # None: cluster-scoped, or every namespace of a namespaced kind
    name: str | None  # None: the collection
    subresource: str | None = None
    rest: str = ""  # what follows `proxy/`
    version: str = ""  # the version the path names ("" or the resource's own: stored form)

    @property
    def kind(self) -> str:
        return self.resource.kind

    @property
    def api_version(self) -> str:
        """The apiVersion of the objects this request reads and writes."""
        return self.resource.api_version_of(self.version or self.resource.version)


def group_version(parts: list[str]) -> tuple[str, str, list[str]] | None:
    """(group, version, rest) of /api/v1/… or /apis/G/V/…; None if neither."""
    if len(parts) >= 2 and parts[0] == "api":
        return "", parts[1], parts[2:]
    if len(parts) >= 3 and parts[0] == "apis":
        return parts[1], parts[2], parts[3:]
    return None


def _find(registry: Registry, group: str, version: str, plural: str) -> ResourceType:
    for rt in registry:
        if rt.group == group and version in rt.versions and rt.plural == plural:
            return rt
    raise NoRoute()


def parse(path: str, registry: Registry = REGISTRY) -> Target | None:
    raw = [unquote(p) for p in path.split("?")[0].split("/")]
    parts = [p for p in raw[1:]]
    if parts and parts[-1] == "":
        parts.pop()
    gv = group_version(parts)
    if gv is None:
        return None
    group, version, rest = gv
    if not rest:
        return None  # the group-version's discovery document
    namespace: str | None = None
    if rest[0] == "namespaces" and len(rest) >= 3 and rest[2] not in ("status", "finalize"):
        namespace, rest = rest[1], rest[2:]
    rt = _find(registry, group, version, rest[0])
    if namespace is not None and not rt.namespaced:
        raise NoRoute()
    name = rest[1] if len(rest) > 1 else None
    sub = rest[2] if len(rest) > 2 else None
    tail = "/".join(rest[3:])
    if sub is None and len(rest) > 3:
        raise NoRoute()
    if sub != "proxy" and len(rest) > 3:
        raise NoRoute()
    if name == "":
        raise NoRoute()
    return Target(rt, namespace, name, sub, tail, version)
