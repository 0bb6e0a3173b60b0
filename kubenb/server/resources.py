"""CRUD on every kind of the registry: get, list, create, replace, patch, delete.

A handler has already parsed the path into a `Target`; these functions turn the request
into store calls and the store's answer (or its `ApiError`) into the apiserver's response:
a List (with `limit`/`continue` paging), a Table when asked, 201 on create, the deleted
object or a Success Status on delete. `dryRun=All` reaches every write as `dry_run=True`
(nothing stored; the answer is what would have been). PATCH maps the Content-Type onto
`kubenb.api.patch` and retries on write races as the apiserver does; `apply-patch+yaml`
(server-side apply) goes to `apply.server_side_apply`. A path naming another served
version of a kind (autoscaling/v1 HPAs) reads and writes that version: objects are converted
by `kubenb.api.conversion` on the way out (`served`) and in (`_object_body`), and patches
apply to the served view of the live object.
"""

from __future__ import annotations

import base64
import json
from typing import TYPE_CHECKING, Any

from kubenb.api import conversion
from kubenb.api.errors import BadRequest, Conflict, NotFound
from kubenb.api.objects import clone
from kubenb.api.patch import CONTENT_TYPES, UnsupportedMediaType, apply_patch
from kubenb.server import negotiate
from kubenb.server.apply import server_side_apply
from kubenb.server.handler import status_success
from kubenb.server.paths import Target

if TYPE_CHECKING:
    from kubenb.server.handler import ApiRequestHandler

APPLY_PATCH = "application/apply-patch+yaml"


def served(t: Target, obj: dict[str, Any]) -> dict[str, Any]:
    """A stored object in the version the request's path names."""
    return conversion.to_version(obj, t.api_version)


def respond_object(h: ApiRequestHandler, t: Target, obj: dict[str, Any], code: int = 200) -> None:
    """An object (as stored), or its one-row Table when the client asked for one."""
    if negotiate.wants_table(h.request.headers.get("Accept")):
        include = negotiate.include_object(h.query("includeObject"))
        body = negotiate.table_body(t.kind, [obj], h.api.store.clock.now(), include,
                                    obj["metadata"].get("resourceVersion"),
                                    convert=lambda o: served(t, o))
        h.send_json(body, code, negotiate.TABLE_TYPE)
        return
    h.send_json(served(t, obj), code)


def get_item(h: ApiRequestHandler, t: Target) -> None:
    assert t.name is not None
    respond_object(h, t, h.api.store.get(t.kind, t.namespace, t.name))


def _continue_key(token: str) -> tuple[str, str]:
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode()).decode())
        return str(data["ns"]), str(data["name"])
    except (ValueError, KeyError, TypeError):
        raise BadRequest("continue key is not valid: incorrect encoded start resourceVersion "
                         "(version meta.k8s.io/v1)") from None


def _key(obj: dict[str, Any]) -> tuple[str, str]:
    meta = obj["metadata"]
    return meta.get("namespace") or "", meta["name"]


def list_items(h: ApiRequestHandler, t: Target) -> None:
    store = h.api.store
    items, rv = store.list_with_version(
        t.kind, t.namespace, label_selector=h.query("labelSelector"),
        field_selector=h.query("fieldSelector"))
    token = h.query("continue")
    if token:
        start = _continue_key(token)
        items = [o for o in items if _key(o) > start]
    meta: dict[str, Any] = {"resourceVersion": str(rv)}
    limit = h.query("limit")
    if limit:
        try:
            n = int(limit)
        except ValueError:
            raise BadRequest(f'invalid limit "{limit}"') from None
        if 0 < n < len(items):
            last = _key(items[n - 1])
            meta["continue"] = base64.urlsafe_b64encode(
                json.dumps({"ns": last[0], "name": last[1], "rv": rv}).encode()).decode()
            meta["remainingItemCount"] = len(items) - n
            items = items[:n]
    if negotiate.wants_table(h.request.headers.get("Accept")):
        include = negotiate.include_object(h.query("includeObject"))
        body = negotiate.table_body(t.kind, items, store.clock.now(), include,
                                    convert=lambda o: served(t, o))
        body["metadata"] = meta
        h.send_json(body, 200, negotiate.TABLE_TYPE)
        return
    h.send_json({"kind": f"{t.kind}List", "apiVersion": t.api_version, "metadata": meta,
                 "items": [served(t, o) for o in items]})


def _object_body(h: ApiRequestHandler, t: Target, obj: Any = None) -> dict[str, Any]:
    """The request's object (or `obj`, already decoded), checked against the URL, in the
    form the store keeps."""
    if obj is None:
        obj = h.body_object()
    if not isinstance(obj, dict):
        raise BadRequest("the body of the request was not a JSON object")
    rt = t.resource
    kind = obj.setdefault("kind", rt.kind)
    api_version = obj.setdefault("apiVersion", t.api_version)
    if api_version != t.api_version:
        raise BadRequest(f"the API version in the data ({api_version}) does not match the "
                         f"expected API version ({t.api_version})")
    if kind != rt.kind:
        raise BadRequest(f"the kind in the data ({kind}) does not match the expected kind "
                         f"({rt.kind})")
    meta = obj.get("metadata")
    if meta is None:
        meta = obj["metadata"] = {}
    if not isinstance(meta, dict):
        raise BadRequest(f'{rt.kind} in version "{t.version or rt.version}" cannot be '
                         f"handled as a {rt.kind}: metadata must be an object")
    if rt.namespaced and t.namespace is not None:
        if meta.get("namespace") and meta["namespace"] != t.namespace:
            raise BadRequest("the namespace of the provided object does not match the "
                             "namespace sent on the request")
        meta["namespace"] = t.namespace
    return conversion.from_version(obj, t.api_version)


def create(h: ApiRequestHandler, t: Target) -> None:
    if t.resource.namespaced and t.namespace is None:
        raise NotFound("", "")  # POST /api/v1/pods: no such route
    obj = _object_body(h, t)
    created = h.api.store.create(obj, dry_run=h.dry_run())
    h.send_json(served(t, created), 201)


def replace(h: ApiRequestHandler, t: Target) -> None:
    assert t.name is not None
    obj = _object_body(h, t)
    name = obj["metadata"].get("name")
    if name != t.name:
        raise BadRequest(f"the name of the object ({name}) does not match the name on the "
                         f"URL ({t.name})")
    sub = t.subresource if t.subresource == "status" else None
    h.send_json(served(t, h.api.store.update(obj, subresource=sub, dry_run=h.dry_run())))


def patch(h: ApiRequestHandler, t: Target) -> None:
    assert t.name is not None
    ctype = h.content_type()
    if ctype != APPLY_PATCH and ctype not in CONTENT_TYPES:
        raise UnsupportedMediaType(
            f'the body of the request was in an unknown format - accepted media types include: '
            f'{", ".join([*CONTENT_TYPES, APPLY_PATCH])}')
    store = h.api.store
    dry = h.dry_run()
    sub = "status" if t.subresource == "status" else None
    body = h.body_object() if ctype == APPLY_PATCH else h.body
    for _ in range(16):
        current = store.try_get(t.kind, t.namespace, t.name)
        if ctype == APPLY_PATCH:
            manager = h.query("fieldManager")
            if not manager:
                raise BadRequest("PATCH, application/apply-patch+yaml requires fieldManager "
                                 "to be set")
            if current is None:
                obj = _object_body(h, t, clone(body))
                if obj["metadata"].setdefault("name", t.name) != t.name:
                    raise BadRequest(f"the name of the object ({obj['metadata']['name']}) does "
                                     f"not match the name on the URL ({t.name})")
                h.send_json(served(t, store.create(obj, dry_run=dry)), 201)
                return
            patched = server_side_apply(served(t, current), body, t.resource, t.api_version)
        else:
            if current is None:
                raise NotFound(t.resource.qualified, t.name)
            patched = apply_patch(served(t, current), body, ctype)
        patched = conversion.from_version(patched, t.api_version)
        meta = patched.setdefault("metadata", {})
        if meta.get("name") != t.name:
            raise BadRequest(f"the name of the object ({meta.get('name')}) does not match "
                             f"the name on the URL ({t.name})")
        try:
            updated = store.update(patched, subresource=sub, dry_run=dry)
        except Conflict:
            if meta.get("resourceVersion") != current["metadata"]["resourceVersion"]:
                raise
            continue
        h.send_json(served(t, updated))
        return
    raise Conflict(t.resource.qualified, t.name)


def _delete_options(h: ApiRequestHandler) -> dict[str, Any]:
    opts: dict[str, Any] = {}
    if h.body:
        body = h.body_object()
        if not isinstance(body, dict):
            raise BadRequest("the body of the request was not a JSON object")
        opts.update(body)
    for name in ("gracePeriodSeconds", "propagationPolicy", "orphanDependents"):
        value = h.query(name)
        if value is not None:
            opts[name] = value
    grace = opts.get("gracePeriodSeconds")
    if grace is not None:
        try:
            opts["gracePeriodSeconds"] = int(grace)
        except (TypeError, ValueError):
            raise BadRequest(f'invalid gracePeriodSeconds "{grace}"') from None
    if opts.get("orphanDependents") in (True, "true") and not opts.get("propagationPolicy"):
        opts["propagationPolicy"] = "Orphan"
    policy = opts.get("propagationPolicy")
    if policy not in (None, "Background", "Foreground", "Orphan"):
        raise BadRequest(f'propagationPolicy: Unsupported value: "{policy}": supported '
                         'values: "Foreground", "Background", "Orphan"')
    if "All" in (opts.get("dryRun") or []):
        opts["dry"] = True
    return opts


def delete_one(h: ApiRequestHandler, t: Target, name: str, opts: dict[str, Any],
               dry: bool) -> tuple[dict[str, Any], bool]:
    """Delete one object; (the answer, whether the object is gone)."""
    store = h.api.store
    pre = opts.get("preconditions") or {}
    if pre.get("resourceVersion"):
        current = store.get(t.kind, t.namespace, name)
        if current["metadata"]["resourceVersion"] != pre["resourceVersion"]:
            raise Conflict(t.resource.qualified, name, (
                "Precondition failed: ResourceVersion in precondition: "
                f"{pre['resourceVersion']}, ResourceVersion in object meta: "
                f"{current['metadata']['resourceVersion']}"))
    obj = store.delete(t.kind, t.namespace, name,
                       grace_period_seconds=opts.get("gracePeriodSeconds"),
                       propagation=opts.get("propagationPolicy"), uid=pre.get("uid"),
                       dry_run=dry)
    gone = dry or store.try_get(t.kind, t.namespace, name) is None
    return obj, gone and not obj["metadata"].get("deletionTimestamp")


def delete(h: ApiRequestHandler, t: Target) -> None:
    assert t.name is not None
    opts = _delete_options(h)
    dry = h.dry_run() or bool(opts.get("dry"))
    obj, gone = delete_one(h, t, t.name, opts, dry)
    if not gone or t.kind == "Pod":
        h.send_json(served(t, obj))
        return
    rt = t.resource
    details = {"name": t.name, "kind": rt.plural, "uid": obj["metadata"].get("uid")}
    if rt.group:
        details["group"] = rt.group
    h.send_json(status_success(details))


def delete_collection(h: ApiRequestHandler, t: Target) -> None:
    opts = _delete_options(h)
    dry = h.dry_run() or bool(opts.get("dry"))
    items = h.api.store.list(t.kind, t.namespace, label_selector=h.query("labelSelector"),
                             field_selector=h.query("fieldSelector"))
    deleted = []
    for obj in items:
        try:
            deleted.append(served(t, delete_one(h, t, obj["metadata"]["name"], opts, dry)[0]))
        except NotFound:
            continue
    h.send_json({"kind": f"{t.kind}List", "apiVersion": t.api_version,
                 "metadata": {"resourceVersion": str(h.api.store.resource_version)},
                 "items": deleted})
