"""Discovery and OpenAPI documents, all derived from the resource registry.

`/api` and `/apis` answer aggregated discovery (apidiscovery.k8s.io/v2) when the client
asks for it, else the legacy APIVersions / APIGroupList; `/api/v1` and `/apis/G/V` give
APIResourceLists. `/openapi/v3` is the minimum kubectl needs for `apply -f`/`create -f`:
one document per group-version whose PATCH operations name their group-version-kind and
take `fieldValidation`, so kubectl leaves validation to the server. The metrics API
(metrics.k8s.io/v1beta1) appears while the cluster's metrics-server addon is on;
discovery.k8s.io/v1 endpointslices (read-only, `endpointslices.py`) always.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from kubenb.api.apiservices import group_priority
from kubenb.api.explain import docs as explain_docs
from kubenb.api.registry import REGISTRY, Registry, ResourceType
from kubenb.server.openapi_builtin import builtin_schemas
from kubenb.server.openapi_custom import custom_schemas

# Subresources the server serves beyond the registry's (pods' and services' proxy).
EXTRA_SUBRESOURCES = {"Pod": ("proxy",), "Service": ("proxy",)}
METRICS_GROUP, METRICS_VERSION = "metrics.k8s.io", "v1beta1"
SLICES_GROUP = "discovery.k8s.io"  # endpointslices, a read-only view (endpointslices.py)
_SUB = {  # subresource -> (group, version, kind or None for the parent's, verbs)
    "status": (None, None, None, ("get", "patch", "update")),
    "scale": ("autoscaling", "v1", "Scale", ("get", "patch", "update")),
    "log": (None, None, None, ("get",)),
    "exec": ("", "v1", "PodExecOptions", ("create", "get")),
    "binding": ("", "v1", "Binding", ("create",)),
    "eviction": ("policy", "v1", "Eviction", ("create",)),
    "proxy": ("", "v1", "{kind}ProxyOptions", ("create", "delete", "get", "patch", "update")),
}


def _subs(rt: ResourceType, served: str | None = None
          ) -> list[tuple[str, str, str, str, tuple[str, ...]]]:
    """(subresource, group, version, kind, verbs) of `rt` served in version `served`."""
    out = []
    for sub in sorted({*rt.subresources, *EXTRA_SUBRESOURCES.get(rt.kind, ())}):
        group, version, kind, verbs = _SUB.get(sub, (None, None, None, ("get",)))
        kind = (kind or rt.kind).replace("{kind}", rt.kind)
        out.append((sub, rt.group if group is None else group,
                    (served or rt.version) if version is None else version, kind, verbs))
    return out


def _slice_resources() -> list[dict[str, Any]]:
    return [{"name": "endpointslices", "singularName": "endpointslice", "namespaced": True,
             "kind": "EndpointSlice", "verbs": ["get", "list"]}]


def _metrics_resources() -> list[dict[str, Any]]:
    return [
        {"name": "nodes", "singularName": "", "namespaced": False, "kind": "NodeMetrics",
         "verbs": ["get", "list"]},
        {"name": "pods", "singularName": "", "namespaced": True, "kind": "PodMetrics",
         "verbs": ["get", "list"]},
    ]


class Discovery:
    """Discovery documents of one server (the registry, plus metrics when enabled)."""

    def __init__(self, registry: Registry = REGISTRY, address: str = "127.0.0.1:443") -> None:
        self.registry = registry
        self.address = address

    def grouped(self, metrics: bool) -> list[tuple[str, list[str]]]:
        """(group, served versions, preferred first) of every named group, in discovery
        order."""
        seen: dict[str, list[str]] = {}
        for rt in self.registry:
            if rt.group:
                versions = seen.setdefault(rt.group, [])
                versions += [v for v in rt.versions if v not in versions]
        seen[SLICES_GROUP] = ["v1"]
        if metrics:
            seen[METRICS_GROUP] = [METRICS_VERSION]
        # as kube-apiserver: by the group's APIService priority (of its preferred version),
        # highest first, then by name
        return sorted(seen.items(), key=lambda gv: (-group_priority(gv[0], gv[1][0]), gv[0]))

    def groups(self, metrics: bool) -> list[tuple[str, str]]:
        """(group, version) of every served group-version, in discovery order."""
        return [(g, v) for g, versions in self.grouped(metrics) for v in versions]

    def of(self, group: str, version: str) -> list[ResourceType]:
        return [r for r in self.registry if r.group == group and version in r.versions]

    # ---- legacy -------------------------------------------------------------------------

    def api_versions(self) -> dict[str, Any]:
        return {"kind": "APIVersions", "versions": ["v1"],
                "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0",
                                                "serverAddress": self.address}]}

    @staticmethod
    def _group(g: str, versions: list[str]) -> dict[str, Any]:
        gvs = [{"groupVersion": f"{g}/{v}", "version": v} for v in versions]
        return {"name": g, "versions": gvs, "preferredVersion": gvs[0]}

    def api_group_list(self, metrics: bool) -> dict[str, Any]:
        return {"kind": "APIGroupList", "apiVersion": "v1",
                "groups": [self._group(g, vs) for g, vs in self.grouped(metrics)]}

    def api_group(self, group: str, metrics: bool) -> dict[str, Any] | None:
        for g, versions in self.grouped(metrics):
            if g == group:
                return {"kind": "APIGroup", "apiVersion": "v1", **self._group(g, versions)}
        return None

    def resource_list(self, group: str, version: str, metrics: bool) -> dict[str, Any] | None:
        gv = f"{group}/{version}" if group else version
        if metrics and (group, version) == (METRICS_GROUP, METRICS_VERSION):
            resources = _metrics_resources()
        elif (group, version) == (SLICES_GROUP, "v1"):
            resources = _slice_resources()
        else:
            rts = self.of(group, version)
            if not rts:
                return None
            resources = []
            for rt in sorted(rts, key=lambda r: r.plural):
                entry: dict[str, Any] = {"name": rt.plural, "singularName": rt.singular,
                                         "namespaced": rt.namespaced, "kind": rt.kind,
                                         "verbs": list(rt.verbs)}
                if rt.short_names:
                    entry["shortNames"] = list(rt.short_names)
                if rt.categories:
                    entry["categories"] = list(rt.categories)
                resources.append(entry)
                for sub, sg, sv, kind, verbs in _subs(rt, version):
                    s: dict[str, Any] = {"name": f"{rt.plural}/{sub}", "singularName": "",
                                         "namespaced": rt.namespaced, "kind": kind,
                                         "verbs": list(verbs)}
                    if (sg, sv) != (rt.group, version):
                        s["group"], s["version"] = sg, sv
                    resources.append(s)
        return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv,
                "resources": resources}

    # ---- aggregated (apidiscovery.k8s.io/v2) ----------------------------------------------

    def _agg_resources(self, rts: Iterable[ResourceType], version: str) -> list[dict[str, Any]]:
        out = []
        for rt in sorted(rts, key=lambda r: r.plural):
            entry: dict[str, Any] = {
                "resource": rt.plural, "singularResource": rt.singular,
                "scope": "Namespaced" if rt.namespaced else "Cluster",
                "responseKind": {"group": rt.group, "version": version, "kind": rt.kind},
                "verbs": list(rt.verbs)}
            if rt.short_names:
                entry["shortNames"] = list(rt.short_names)
            if rt.categories:
                entry["categories"] = list(rt.categories)
            subs = [{"subresource": sub, "responseKind": {"group": g, "version": v, "kind": k},
                     "verbs": list(verbs)} for sub, g, v, k, verbs in _subs(rt, version)]
            if subs:
                entry["subresources"] = subs
            out.append(entry)
        return out

    def _metrics_agg(self) -> list[dict[str, Any]]:
        return [
            {"resource": "nodes", "singularResource": "", "scope": "Cluster",
             "responseKind": {"group": METRICS_GROUP, "version": METRICS_VERSION,
                              "kind": "NodeMetrics"}, "verbs": ["get", "list"]},
            {"resource": "pods", "singularResource": "", "scope": "Namespaced",
             "responseKind": {"group": METRICS_GROUP, "version": METRICS_VERSION,
                              "kind": "PodMetrics"}, "verbs": ["get", "list"]},
        ]

    def aggregated(self, core: bool, metrics: bool) -> dict[str, Any]:
        if core:
            items = [{"metadata": {}, "versions": [{
                "version": "v1", "resources": self._agg_resources(self.of("", "v1"), "v1"),
                "freshness": "Current"}]}]
        else:
            items = []
            for g, versions in self.grouped(metrics):
                entries = []
                for v in versions:
                    if g == METRICS_GROUP:
                        resources = self._metrics_agg()
                    elif g == SLICES_GROUP:
                        resources = [{"resource": "endpointslices",
                                      "singularResource": "endpointslice",
                                      "scope": "Namespaced",
                                      "responseKind": {"group": SLICES_GROUP, "version": "v1",
                                                       "kind": "EndpointSlice"},
                                      "verbs": ["get", "list"]}]
                    else:
                        resources = self._agg_resources(self.of(g, v), v)
                    entries.append({"version": v, "resources": resources,
                                    "freshness": "Current"})
                items.append({"metadata": {"name": g}, "versions": entries})
        return {"kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2",
                "metadata": {}, "items": items}

    # ---- OpenAPI v3 ---------------------------------------------------------------------

    def openapi_document(self, gv_path: str) -> dict[str, Any] | None:
        """The per-group-version document (`api/v1`, `apis/apps/v1`)."""
        parts = gv_path.strip("/").split("/")
        if parts[0] == "api" and len(parts) == 2:
            group, version = "", parts[1]
        elif parts[0] == "apis" and len(parts) == 3:
            group, version = parts[1], parts[2]
        else:
            return None
        rts = self.of(group, version)
        if not rts:
            return None
        paths: dict[str, Any] = {}
        param = [{"name": "fieldValidation", "in": "query", "schema": {"type": "string"},
                  "description": "Ignore, Warn or Strict"}]
        schemas: dict[str, Any] = {}
        for rt in rts:
            gvk = {"group": rt.group, "version": version, "kind": rt.kind}
            prefix = f"/{gv_path.strip('/')}"
            item = (f"{prefix}/namespaces/{{namespace}}/{rt.plural}/{{name}}" if rt.namespaced
                    else f"{prefix}/{rt.plural}/{{name}}")
            if rt.custom is not None:  # a CRD's schema, as apiextensions publishes it
                schemas.update(custom_schemas(rt, version))
            op = {"x-kubernetes-group-version-kind": gvk, "parameters": param,
                  "responses": {"200": {"description": "OK"}}}
            paths[item] = {"get": {"x-kubernetes-group-version-kind": gvk,
                                   "responses": {"200": {"description": "OK"}}},
                           "put": op, "patch": op, "delete": op}
            for sub, *_rest in _subs(rt, version):
                if sub in ("status", "scale"):
                    paths[f"{item}/{sub}"] = {"patch": {**op, "x-kubernetes-group-version-kind":
                                                        gvk if sub == "status" else
                                                        {"group": "autoscaling", "version": "v1",
                                                         "kind": "Scale"}}}
        schemas.update(builtin_schemas(rts, group, version, explain_docs.SCHEMAS))
        return {"openapi": "3.0.0", "info": {"title": "Kubernetes", "version": "v1.32.0"},
                "paths": paths, "components": {"schemas": schemas}}

    def openapi_root(self) -> dict[str, Any]:
        paths = {}
        for gv in ["api/v1"] + [f"apis/{g}/{v}" for g, v in self.groups(False) if self.of(g, v)]:
            doc = self.openapi_document(gv)
            digest = hashlib.sha512(json.dumps(doc, sort_keys=True).encode()).hexdigest()[:128]
            paths[gv] = {"serverRelativeURL": f"/openapi/v3/{gv}?hash={digest.upper()}"}
        return {"paths": paths}
