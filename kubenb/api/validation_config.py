"""Validation of ConfigMaps and Secrets (create and update).

Mirrors ValidateConfigMap(+Update) and ValidateSecret(+Update) from
pkg/apis/core/validation/validation.go (Kubernetes 1.36): data keys, the 1 MiB limit,
the `immutable` flag, and the keys each Secret type requires. Secret data arrives
base64-encoded, as in JSON.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from kubenb.api import names
from kubenb.api.errors import ErrorList, FieldError
from kubenb.api.objects import Obj
from kubenb.api.validation_meta import (
    as_dict,
    name_is_dns_subdomain,
    semantic_equal,
    validate_immutable,
    validate_object_meta,
    validate_object_meta_update,
)

MAX_SECRET_SIZE = 1024 * 1024
IMMUTABLE_WHEN_SET = "field is immutable when `immutable` is set"


def _decoded_len(value: Any) -> int:
    try:
        return len(base64.b64decode(str(value), validate=True))
    except (binascii.Error, ValueError):
        return len(str(value))


def _immutable_data(errs: ErrorList, obj: Obj, old: Obj, keys: tuple[str, ...]) -> None:
    if old.get("immutable") is True:
        if obj.get("immutable") is not True:
            errs.forbidden("immutable", IMMUTABLE_WHEN_SET)
        for key in keys:
            if not semantic_equal(obj.get(key), old.get(key)):
                errs.forbidden(key, IMMUTABLE_WHEN_SET)


def validate_config_map(errs: ErrorList, obj: Obj, old: Obj | None) -> None:
    if old is not None:
        validate_object_meta_update(errs, obj.get("metadata"), old.get("metadata"))
        _immutable_data(errs, obj, old, ("data", "binaryData"))
    validate_object_meta(errs, obj.get("metadata"), True, name_is_dns_subdomain)
    data, binary = as_dict(obj.get("data")), as_dict(obj.get("binaryData"))
    total = 0
    for key in sorted(data):
        for msg in names.config_map_key_errors(key):
            errs.invalid(f"data[{key}]", key, msg)
        if key in binary:
            errs.invalid(f"data[{key}]", key, "duplicate of key present in binaryData")
        total += len(str(data[key]).encode())
    for key in sorted(binary):
        for msg in names.config_map_key_errors(key):
            errs.invalid(f"binaryData[{key}]", key, msg)
        total += _decoded_len(binary[key])
    if total > MAX_SECRET_SIZE:
        errs.add(FieldError("TooLong", "[]", detail=f"may not be more than {MAX_SECRET_SIZE} bytes"))


def _secret_json_key(errs: ErrorList, data: Obj, key: str) -> None:
    if key not in data:
        errs.required(f"data[{key}]")
        return
    try:
        parsed = json.loads(base64.b64decode(str(data[key])))
        if not isinstance(parsed, dict):
            raise ValueError("json: cannot unmarshal into Go value of type map[string]interface {}")
    except (ValueError, binascii.Error) as exc:
        errs.invalid(f"data[{key}]", "<secret contents redacted>", str(exc))


def validate_secret(errs: ErrorList, obj: Obj, old: Obj | None) -> None:
    if old is not None:
        validate_object_meta_update(errs, obj.get("metadata"), old.get("metadata"))
        validate_immutable(errs, obj.get("type") or "", old.get("type") or "", "type")
        _immutable_data(errs, obj, old, ("data",))
    validate_object_meta(errs, obj.get("metadata"), True, name_is_dns_subdomain)
    data, total = as_dict(obj.get("data")), 0
    for key in sorted(data):
        for msg in names.config_map_key_errors(key):
            errs.invalid(f"data[{key}]", key, msg)
        total += _decoded_len(data[key])
    if total > MAX_SECRET_SIZE:
        errs.add(FieldError("TooLong", "data", detail=f"may not be more than {MAX_SECRET_SIZE} bytes"))
    stype = obj.get("type") or ""
    annotations = as_dict(as_dict(obj.get("metadata")).get("annotations"))
    if stype == "kubernetes.io/service-account-token":
        if not annotations.get("kubernetes.io/service-account.name"):
            errs.required("metadata.annotations[kubernetes.io/service-account.name]")
    elif stype == "kubernetes.io/dockercfg":
        _secret_json_key(errs, data, ".dockercfg")
    elif stype == "kubernetes.io/dockerconfigjson":
        _secret_json_key(errs, data, ".dockerconfigjson")
    elif stype == "kubernetes.io/basic-auth":
        if "username" not in data and "password" not in data:
            errs.required("data[username]")
            errs.required("data[password]")
    elif stype == "kubernetes.io/ssh-auth":
        if not data.get("ssh-privatekey"):
            errs.required("data[ssh-privatekey]")
    elif stype == "kubernetes.io/tls":
        for key in ("tls.crt", "tls.key"):
            if key not in data:
                errs.required(f"data[{key}]")
