"""CRUD on every kind of the registry: get, list, create, replace, patch, delete.

A handler has already parsed the path into a `Target`; these functions turn the request
into store calls and the store's answer (or its `ApiError`) into the apiserver's response:
a List (with `limit`/`continue` paging), a Table when asked, 201 on create (DELETE is
`deletion`). `dryRun=All` reaches every write as `dry_run=True`
(nothing stored; the answer is what would have been). PATCH maps the Content-Type onto
`kubenb.api.patch` and retries on write races as the apiserver does; `apply-patch+yaml`
(server-side apply) goes to `kubenb.api.ssa`; every write names its field manager
(`apply.writer`). A path naming another served
version of a kind (autoscaling/v1 HPAs) reads and writes that version: objects are converted
by `kubenb.api.conversion` on the way out (`served`) and in (`_object_body`), and patches
apply to the served view of the live object.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from kubenb.api import conversion, ssa
from kubenb.api.crd_registry import check_patch_type
from kubenb.api.errors import BadRequest, Conflict, NotFound
from kubenb.api.managed_fields import Manager
from kubenb.api.objects import clone, stamp
from kubenb.api.patch import CONTENT_TYPES, UnsupportedMediaType, apply_patch
from kubenb.api.registry import ResourceType
from kubenb.server import negotiate
from kubenb.server.apply import check_patch_options, writer
from kubenb.server.decoding import patch_body
from kubenb.server.fields import check_applied, check_body, check_patched
from kubenb.server.paths import Target

if TYPE_CHECKING:
    from kubenb.server.handler import ApiRequestHandler

APPLY_PATCH = "application/apply-patch+yaml"


def served(t: Target, obj: dict[str, Any]) -> dict[str, Any]:
    """A stored object in the version the request's path names."""
    return conversion.to_version(obj, t.api_version)


def served_type(t: Target) -> ResourceType:
    """The resource type as the request's version has it (its fields are that version's)."""
    rt = t.resource
    if t.version and t.version != rt.version:
        return dataclasses.replace(rt, version=t.version)
    return rt


def respond_object(h: ApiRequestHandler, t: Target, obj: dict[str, Any], code: int = 200) -> None:
    """An object (as stored), or its one-row Table when the client asked for one."""
    if negotiate.wants_table(h.request.headers.get("Accept")):
        include = negotiate.include_object(h.query("includeObject"))
        body = negotiate.table_body(t.kind, [obj], h.api.store.clock.now(), include,
                                    obj["metadata"].get("resourceVersion"),
                                    convert=lambda o: served(t, o), rt=t.resource,
                                    version=t.version)
        h.send_json(body, code, negotiate.TABLE_TYPE)
        return
    h.send_json(served(t, obj), code)


def get_item(h: ApiRequestHandler, t: Target) -> None:
    assert t.name is not None
    respond_object(h, t, h.api.store.get(t.kind, t.namespace, t.name))


def check_type_meta(obj: dict[str, Any], t: Target) -> None:
    """The body's kind and apiVersion against the URL's, as the apiserver's decoder sees them:
    missing, null or empty ones take the URL's (so a POST without apiVersion is accepted, as
    kube-apiserver accepts it); others must match."""
    if not obj.get("kind"):
        obj["kind"] = t.resource.kind
    if not obj.get("apiVersion"):
        obj["apiVersion"] = t.api_version
    if obj["apiVersion"] != t.api_version:
        raise BadRequest(f"the API version in the data ({obj['apiVersion']}) does not match the "
                         f"expected API version ({t.api_version})")
    if obj["kind"] != t.resource.kind:
        raise BadRequest(f"the kind in the data ({obj['kind']}) does not match the expected kind "
                         f"({t.resource.kind})")


def _object_body(h: ApiRequestHandler, t: Target, obj: Any = None) -> dict[str, Any]:
    """The request's object (or `obj`, already decoded), checked against the URL, in the
    form the store keeps."""
    if obj is None:
        obj = h.body_object()
    if not isinstance(obj, dict):
        raise BadRequest("the body of the request was not a JSON object")
    rt = t.resource
    check_type_meta(obj, t)
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
    dry = h.dry_run()  # the options are checked before the body is read
    obj = _object_body(h, t)
    check_body(h, t.resource, obj)
    created = h.api.store.create(obj, dry_run=dry, manager=writer(h))
    h.send_json(served(t, created), 201)


def replace(h: ApiRequestHandler, t: Target) -> None:
    assert t.name is not None
    dry = h.dry_run()
    obj = _object_body(h, t)
    name = obj["metadata"].get("name")
    if name != t.name:
        raise BadRequest(f"the name of the object ({name}) does not match the name on the "
                         f"URL ({t.name})")
    check_body(h, t.resource, obj)
    sub = t.subresource if t.subresource == "status" else None
    h.send_json(served(t, h.api.store.update(obj, subresource=sub, dry_run=dry,
                                             manager=writer(h, sub))))


def patch(h: ApiRequestHandler, t: Target) -> None:
    assert t.name is not None
    ctype = h.content_type()
    if ctype != APPLY_PATCH and ctype not in CONTENT_TYPES:
        raise UnsupportedMediaType(
            f'the body of the request was in an unknown format - accepted media types include: '
            f'{", ".join([*CONTENT_TYPES, APPLY_PATCH])}')
    check_patch_type(t.resource, ctype)
    store = h.api.store
    dry = h.dry_run()
    sub = "status" if t.subresource == "status" else None
    force = check_patch_options(h, ctype == APPLY_PATCH)
    body = h.body_object() if ctype == APPLY_PATCH else patch_body(h.body, CONTENT_TYPES[ctype])
    if ctype == APPLY_PATCH:
        check_applied(served_type(t), body)
        config = ssa.check_config(body, t.resource, t.api_version)
    manager = writer(h, sub)
    for _ in range(16):
        current = store.try_get(t.kind, t.namespace, t.name)
        if ctype == APPLY_PATCH:
            name = h.query("fieldManager") or ""
            now = stamp(store.clock.now())
            applied = Manager(name, sub or "", "Apply", precomputed=True)
            if current is None:
                obj = _object_body(h, t, ssa.apply(None, clone(config), t.resource, name,
                                                   t.api_version, now, subresource=sub or ""))
                if obj["metadata"].setdefault("name", t.name) != t.name:
                    raise BadRequest(f"the name of the object ({obj['metadata']['name']}) does "
                                     f"not match the name on the URL ({t.name})")
                h.send_json(served(t, store.create(obj, dry_run=dry, manager=applied)), 201)
                return
            patched = ssa.apply(served(t, current), clone(config), t.resource, name,
                                t.api_version, now, force=force, subresource=sub or "")
            manager = applied
        else:
            if current is None:
                raise NotFound(t.resource.qualified, t.name)
            live = served(t, current)
            patched = apply_patch(live, body, ctype)
            check_patched(h, served_type(t), live, patched, body, CONTENT_TYPES[ctype])
        patched = conversion.from_version(patched, t.api_version)
        meta = patched.setdefault("metadata", {})
        if meta.get("name") != t.name:
            raise BadRequest(f"the name of the object ({meta.get('name')}) does not match "
                             f"the name on the URL ({t.name})")
        try:
            updated = store.update(patched, subresource=sub, dry_run=dry, manager=manager)
        except Conflict:
            if meta.get("resourceVersion") != current["metadata"]["resourceVersion"]:
                raise
            continue
        h.send_json(served(t, updated))
        return
    raise Conflict(t.resource.qualified, t.name)
