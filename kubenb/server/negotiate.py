"""Content negotiation: which representation a client's Accept header asks for.

kubectl asks for a server-side Table (`application/json;as=Table;v=v1;g=meta.k8s.io`) when
it prints `get` output, and for aggregated discovery
(`application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList`) on `/api` and
`/apis`. Typed clients offer protobuf first; the server always answers JSON.
`table_body()` builds the Table from `kubenb.api.tables` — the cells `%kubectl get` prints.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from kubenb.api.errors import BadRequest
from kubenb.api.registry import ResourceType
from kubenb.api.tables import table

TABLE_TYPE = "application/json;as=Table;v=v1;g=meta.k8s.io"
DISCOVERY_TYPE = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"


def _media_ranges(accept: str | None) -> list[dict[str, str]]:
    out = []
    for item in (accept or "").split(","):
        parts = [p.strip() for p in item.split(";")]
        if not parts[0]:
            continue
        params = {"type": parts[0]}
        for p in parts[1:]:
            k, _, v = p.partition("=")
            params[k.strip()] = v.strip()
        out.append(params)
    return out


def wants_table(accept: str | None) -> bool:
    """True when the first acceptable JSON range asks for a meta.k8s.io Table."""
    for r in _media_ranges(accept):
        if r.get("as") == "Table" and r.get("g") == "meta.k8s.io" and r.get("v") in ("v1", "v1beta1"):
            return True
        if r["type"] in ("application/json", "*/*", "application/*") and "as" not in r:
            return False
    return False


def wants_aggregated(accept: str | None) -> bool:
    for r in _media_ranges(accept):
        if r.get("as") == "APIGroupDiscoveryList" and r.get("g") == "apidiscovery.k8s.io" \
                and r.get("v") == "v2":
            return True
        if r["type"] in ("application/json", "*/*") and "as" not in r:
            return False
    return False


def include_object(value: str | None) -> str:
    value = value or "Metadata"
    if value not in ("None", "Metadata", "Object"):
        raise BadRequest(f'unrecognized includeObject value: "{value}"')
    return value


def table_body(kind: str, objects: list[dict[str, Any]], now: datetime, include: str,
               resource_version: str | None = None, columns: bool = True,
               convert: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
               rt: ResourceType | None = None, version: str | None = None) -> dict[str, Any]:
    """The meta.k8s.io/v1 Table of `objects` (as stored); rows carry objects with kind and
    apiVersion, passed through `convert` (the requested version) when included whole."""
    body = table(kind, objects, now, rt, version).to_json(include)
    if include == "Object":
        for row in body["rows"]:
            obj = row["object"]
            if "kind" not in obj:
                obj = {"kind": kind, **obj}
            row["object"] = convert(obj) if convert is not None else obj
    if resource_version is not None:
        body["metadata"] = {"resourceVersion": resource_version}
    if not columns:
        body["columnDefinitions"] = None
    return body
