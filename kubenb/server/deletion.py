"""DELETE of one object and of a collection, answered as kube-apiserver answers.

Reads the request's DeleteOptions — from the body when there is one, else from the query
(handlers/delete.go never merges the two) — and checks them as ValidateDeleteOptions does
(422 `DeleteOptions.meta.k8s.io "" is invalid: ...`). Writes through `Store.delete`.

The answer follows registry/generic/registry/store.go: an object that is not gone yet
(finalizers, a pod's grace period, a terminating namespace) comes back as it now is; one
that is gone comes back whole for the kinds whose storage sets `ReturnDeletedObject`, else
as a Success `Status` naming it. 202 instead of 200 when the object stays and the client
asked for `orphanDependents: false`. DELETE on a collection deletes what it lists and
answers with that List.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kubenb.api import conversion
from kubenb.api.errors import BadRequest, Conflict, FieldError, MethodNotAllowed, NotFound
from kubenb.api.patch_common import json_kind
from kubenb.server.fields import UnknownStatusError
from kubenb.server.handler import status_success
from kubenb.server.options import dry_run_errors, invalid_options
from kubenb.server.paths import Target

if TYPE_CHECKING:
    from kubenb.server.handler import ApiRequestHandler

# (group, resource) whose storage has ReturnDeletedObject: true (pkg/registry/*/storage; the
# OpenAPI's DELETE responses name the object for exactly these), plus namespaces, whose own
# Delete hands back the Namespace.
RETURNS_DELETED_OBJECT = frozenset({
    ("", "pods"), ("", "podtemplates"), ("", "resourcequotas"), ("", "services"),
    ("", "serviceaccounts"), ("", "namespaces"), ("", "persistentvolumes"),
    ("", "persistentvolumeclaims"),
    ("storage.k8s.io", "csidrivers"), ("storage.k8s.io", "csinodes"),
    ("storage.k8s.io", "storageclasses"), ("storage.k8s.io", "volumeattachments"),
    ("storage.k8s.io", "volumeattributesclasses"),
    ("resource.k8s.io", "deviceclasses"), ("resource.k8s.io", "resourceclaims"),
    ("resource.k8s.io", "resourceclaimtemplates"), ("resource.k8s.io", "resourceslices"),
    ("resource.k8s.io", "devicetaintrules"),
})
PROPAGATION = ("Foreground", "Background", "Orphan")


def _query_options(h: ApiRequestHandler) -> dict[str, Any]:
    opts: dict[str, Any] = {}
    grace = h.query("gracePeriodSeconds")
    if grace is not None:
        try:
            opts["gracePeriodSeconds"] = int(grace)
        except ValueError:
            raise BadRequest(f'strconv.ParseInt: parsing "{grace}": invalid syntax') from None
    policy = h.query("propagationPolicy")
    if policy is not None:
        opts["propagationPolicy"] = policy
    orphan = h.query("orphanDependents")
    if orphan is not None:
        if orphan.lower() not in ("true", "false", "1", "0", "t", "f"):
            raise BadRequest(f'strconv.ParseBool: parsing "{orphan}": invalid syntax')
        opts["orphanDependents"] = orphan.lower() in ("true", "1", "t")
    dry = h.get_query_arguments("dryRun")
    if dry:
        opts["dryRun"] = dry
    return opts


# DeleteOptions fields: the JSON type each must have, and the Go type named when it has not
_FIELD_TYPES: dict[str, tuple[tuple[type, ...], str]] = {
    "gracePeriodSeconds": ((int,), "int64"), "propagationPolicy": ((str,), "v1.DeletionPropagation"),
    "orphanDependents": ((bool,), "bool"), "dryRun": ((list,), "[]string"),
    "preconditions": ((dict,), "v1.Preconditions"),
}


def _check_types(opts: dict[str, Any]) -> None:
    """A DeleteOptions body the Go struct cannot hold fails to decode; delete.go hands the
    plain error on (a 500 without a reason)."""
    for name, (types, go_type) in _FIELD_TYPES.items():
        value = opts.get(name)
        if value is None:
            continue
        ok = isinstance(value, types) and not (go_type == "int64" and isinstance(value, bool))
        if ok and name == "dryRun":
            ok = all(isinstance(v, str) for v in value)
        if not ok:
            raise UnknownStatusError(f"json: cannot unmarshal {json_kind(value)} into Go struct "
                                     f"field DeleteOptions.{name} of type {go_type}")


def delete_options(h: ApiRequestHandler) -> dict[str, Any]:
    """The request's DeleteOptions, validated."""
    if h.body:
        opts = h.body_object()
        if not isinstance(opts, dict):
            raise BadRequest("decoded object cannot be converted to DeleteOptions")
        _check_types(opts)
    else:
        opts = _query_options(h)
    errors: list[FieldError] = []
    policy = opts.get("propagationPolicy")
    if opts.get("orphanDependents") is not None and policy is not None:
        errors.append(FieldError("Invalid", "propagationPolicy", policy,
                                 "orphanDependents and deletionPropagation cannot be both set"))
    if policy is not None and policy not in PROPAGATION:
        errors.append(FieldError("NotSupported", "propagationPolicy", policy,
                                 supported=[*PROPAGATION, "nil"]))
    errors += dry_run_errors(list(opts.get("dryRun") or []))
    if errors:
        raise invalid_options("DeleteOptions", errors)
    if policy is None and opts.get("orphanDependents") is not None:
        opts["propagationPolicy"] = "Orphan" if opts["orphanDependents"] else "Background"
    return opts


def _delete_one(h: ApiRequestHandler, t: Target, name: str,
                opts: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """Delete one object; (the object as it now is or was last, whether it is gone)."""
    store = h.api.store
    dry = bool(opts.get("dryRun"))
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
    if obj["metadata"].get("deletionTimestamp"):
        return obj, False
    return obj, dry or store.try_get(t.kind, t.namespace, name) is None


def delete(h: ApiRequestHandler, t: Target) -> None:
    assert t.name is not None
    opts = delete_options(h)
    obj, gone = _delete_one(h, t, t.name, opts)
    rt = t.resource
    code = 202 if not gone and opts.get("orphanDependents") is False else 200
    if not gone or (rt.group, rt.plural) in RETURNS_DELETED_OBJECT:
        h.send_json(conversion.to_version(obj, t.api_version), code)
        return
    details: dict[str, Any] = {"name": obj["metadata"]["name"]}
    if rt.group:
        details["group"] = rt.group
    details["kind"] = rt.plural  # the resource, as StatusDetails.Kind carries it here
    details["uid"] = obj["metadata"].get("uid")
    h.send_json(status_success(details), code)


def delete_collection(h: ApiRequestHandler, t: Target) -> None:
    if "deletecollection" not in t.resource.verbs:  # namespaces: no such route upstream
        raise MethodNotAllowed("the server does not allow this method on the requested "
                               "resource")
    opts = delete_options(h)
    items, rv = h.api.store.list_with_version(
        t.kind, t.namespace, label_selector=h.query("labelSelector"),
        field_selector=h.query("fieldSelector"))
    for obj in items:
        try:
            _delete_one(h, t, obj["metadata"]["name"], opts)
        except NotFound:
            continue
    h.send_json({"kind": f"{t.kind}List", "apiVersion": t.api_version,
                 "metadata": {"resourceVersion": str(rv)},
                 "items": [conversion.to_version(o, t.api_version) for o in items]})
