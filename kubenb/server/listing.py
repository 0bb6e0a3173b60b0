"""GET on a collection: a List (or Table) with kube-apiserver's resourceVersion and paging rules.

ListOptions are checked as apimachinery's ValidateListOptions does (422 `ListOptions.meta.k8s.io
"" is invalid: ...`). Which state is listed:

- no resourceVersion, or "0": the current one ("0" is the watch cache, which ignores `limit`);
- `resourceVersion=N` with `resourceVersionMatch=Exact` (or with a `limit` and no match, the
  legacy exact read): the state at N, from the store's change log — 410 `The resourceVersion
  for the provided list is too old.` once the log no longer reaches back (etcd compaction);
- N newer than the store: 504 `Too large resource version`.

`limit` cuts the list and adds a `continue` token encoded exactly as k8s.io/apiserver
storage.EncodeContinue does (base64url of `{"v":"meta.k8s.io/v1","rv":N,"start":"<key>\\u0000"}`)
and, without selectors, `remainingItemCount`. A continued list reads the same snapshot;
when that is too old the 410 carries a token with rv -1 that continues at the current state.
"""

from __future__ import annotations

import base64
import binascii
import json
import posixpath
from typing import TYPE_CHECKING, Any

from kubenb.api import conversion
from kubenb.api.errors import ApiError, BadRequest, Expired, FieldError, Invalid
from kubenb.server import negotiate
from kubenb.server.paths import Target

if TYPE_CHECKING:
    from kubenb.server.handler import ApiRequestHandler

EXPIRED = "The resourceVersion for the provided list is too old."
CONTINUE_EXPIRED = (
    "The provided continue parameter is too old to display a consistent list result. You can "
    "start a new list without the continue parameter, or use the continue token in this "
    "response to retrieve the remainder of the results. Continuing with the provided token "
    "results in an inconsistent list - objects that were created, modified, or deleted "
    "between the time the first chunk was returned and now may show up in the list.")
INVALID_KEY = "continue key is not valid"


class Timeout(ApiError):
    code, reason = 504, "Timeout"


class ContinueExpired(Expired):
    """410 for a stale continue token; the Status carries a token to go on inconsistently."""

    def __init__(self, token: str) -> None:
        super().__init__(CONTINUE_EXPIRED)
        self.token = token

    def status(self) -> dict[str, Any]:
        body = super().status()
        body["metadata"] = {"continue": self.token}
        return body


def too_large(wanted: int, current: int) -> Timeout:
    return Timeout(f"Too large resource version: {wanted}, current: {current}", details={
        "causes": [{"reason": "ResourceVersionTooLarge", "message": "Too large resource version"}],
        "retryAfterSeconds": 1})


def _key(t: Target, obj: dict[str, Any]) -> str:
    """The object's etcd key below the list's prefix."""
    meta = obj["metadata"]
    if t.resource.namespaced and t.namespace is None:
        return f"{meta.get('namespace', '')}/{meta['name']}"
    return str(meta["name"])


def encode_continue(start: str, rv: int) -> str:
    data = json.dumps({"v": "meta.k8s.io/v1", "rv": rv, "start": start},
                      separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(data.encode()).decode().rstrip("=")


def decode_continue(token: str) -> tuple[str, int]:
    """(start key, resourceVersion) of a continue token, refused as DecodeContinue does."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        data = json.loads(raw)
        version = str(data.get("v") or "")
        rv, start = int(data.get("rv") or 0), str(data.get("start") or "")
    except (binascii.Error, ValueError, TypeError, AttributeError) as e:
        raise BadRequest(f"invalid continue token: {INVALID_KEY}: {e}") from None
    if version != "meta.k8s.io/v1":
        raise BadRequest(f"invalid continue token: {INVALID_KEY}: server does not recognize "
                         f"this encoded version {version}")
    if rv == 0:
        raise BadRequest(f"invalid continue token: {INVALID_KEY}: incorrect encoded start "
                         "resourceVersion (version meta.k8s.io/v1)")
    if not start:
        raise BadRequest(f"invalid continue token: {INVALID_KEY}: encoded start key empty "
                         "(version meta.k8s.io/v1)")
    key = start if start.startswith("/") else "/" + start
    if posixpath.normpath(key) != key:
        raise BadRequest(f"invalid continue token: {INVALID_KEY}: start key is not valid: "
                         f"{start}")
    return start, rv


def _check(h: ApiRequestHandler) -> None:
    match, rv, cont = (h.query("resourceVersionMatch") or "", h.query("resourceVersion") or "",
                       h.query("continue") or "")
    errors: list[FieldError] = []
    if match:
        if not rv:
            errors.append(FieldError("Forbidden", "resourceVersionMatch", detail=(
                "resourceVersionMatch is forbidden unless resourceVersion is provided")))
        if cont:
            errors.append(FieldError("Forbidden", "resourceVersionMatch", detail=(
                "resourceVersionMatch is forbidden when continue is provided")))
        if match not in ("Exact", "NotOlderThan"):
            errors.append(FieldError("NotSupported", "resourceVersionMatch", match,
                                     supported=["Exact", "NotOlderThan", ""]))
        if match == "Exact" and rv == "0":
            errors.append(FieldError("Forbidden", "resourceVersionMatch", detail=(
                'resourceVersionMatch "exact" is forbidden for resourceVersion "0"')))
    if h.query("sendInitialEvents") is not None:
        errors.append(FieldError("Forbidden", "sendInitialEvents",
                                 detail="sendInitialEvents is forbidden for list"))
    if errors:
        raise Invalid("ListOptions", "meta.k8s.io", "", errors)


def check_watch(h: ApiRequestHandler) -> None:
    """A watch's ListOptions, checked as validateWatchOptions does (WatchList enabled)."""
    match, send = h.query("resourceVersionMatch") or "", h.query("sendInitialEvents")
    errors: list[FieldError] = []
    if send is not None and match != "NotOlderThan":
        errors.append(FieldError("Forbidden", "resourceVersionMatch", detail=(
            "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan")))
    if match:
        if send is None:
            errors.append(FieldError("Forbidden", "resourceVersionMatch", detail=(
                "resourceVersionMatch is forbidden for watch unless sendInitialEvents is "
                "provided")))
        if match != "NotOlderThan":
            errors.append(FieldError("NotSupported", "resourceVersionMatch", match,
                                     supported=["NotOlderThan"]))
        if h.query("continue"):
            errors.append(FieldError("Forbidden", "resourceVersionMatch", detail=(
                "resourceVersionMatch is forbidden when continue is provided")))
    if errors:
        raise Invalid("ListOptions", "meta.k8s.io", "", errors)


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise BadRequest(f'strconv.ParseInt: parsing "{value}": invalid syntax') from None


def list_items(h: ApiRequestHandler, t: Target) -> None:
    _check(h)
    store = h.api.store
    labels, fields = h.query("labelSelector"), h.query("fieldSelector")
    rv_param, match = h.query("resourceVersion") or "", h.query("resourceVersionMatch") or ""
    token = h.query("continue") or ""
    limit = _int(h.query("limit") or "0")
    current = int(store.resource_version)
    start = ""
    if token:
        if rv_param not in ("", "0"):
            raise BadRequest("specifying resource version is not allowed when using continue")
        start, at = decode_continue(token)
        try:
            items = store.list_at(t.kind, t.namespace, at if at > 0 else current,
                                  label_selector=labels, field_selector=fields)
        except Expired:
            raise ContinueExpired(encode_continue(start, -1)) from None
        list_rv = at if at > 0 else current
    elif rv_param not in ("", "0") and (match == "Exact" or (not match and limit > 0)):
        at = _int(rv_param)
        if at > current:
            raise too_large(at, current)
        try:
            items = store.list_at(t.kind, t.namespace, at, label_selector=labels,
                                  field_selector=fields)
        except Expired:
            raise Expired(EXPIRED) from None
        list_rv = at
    else:
        if rv_param not in ("", "0") and _int(rv_param) > current:
            raise too_large(_int(rv_param), current)
        items, version = store.list_with_version(t.kind, t.namespace, label_selector=labels,
                                                 field_selector=fields)
        list_rv = int(version)
        if rv_param == "0":
            limit = 0  # the watch cache answers whole lists
    items = sorted(items, key=lambda o: _key(t, o))
    if start:
        items = [o for o in items if _key(t, o) >= start]
    meta: dict[str, Any] = {"resourceVersion": str(list_rv)}
    if 0 < limit < len(items):
        meta["continue"] = encode_continue(_key(t, items[limit - 1]) + "\x00", list_rv)
        if not labels and not fields:
            meta["remainingItemCount"] = len(items) - limit
        items = items[:limit]
    if negotiate.wants_table(h.request.headers.get("Accept")):
        include = negotiate.include_object(h.query("includeObject"))
        body = negotiate.table_body(t.kind, items, store.clock.now(), include,
                                    convert=lambda o: conversion.to_version(o, t.api_version),
                                    rt=t.resource, version=t.version)
        body["metadata"] = meta
        h.send_json(body, 200, negotiate.TABLE_TYPE)
        return
    h.send_json({"kind": f"{t.kind}List", "apiVersion": t.api_version, "metadata": meta,
                 "items": [conversion.to_version(o, t.api_version) for o in items]})
