"""OpenAPI v3 structural schemas of CustomResourceDefinitions: checking, defaulting, pruning.

`validate_schema_definition` checks a CRD version's `openAPIV3Schema` is structural (a type
everywhere a field is specified, `object` at the root). For custom objects, in the order the
apiserver applies them on every write: `prune` drops fields the schema does not know (keeping
`apiVersion`, `kind`, `metadata` at the root and under `x-kubernetes-embedded-resource`, and
everything under `x-kubernetes-preserve-unknown-fields`), returning their paths for
`fieldValidation`; `default` fills `default`s in (also where a non-nullable field is null);
`validate` checks types, `required`, `enum`, bounds, lengths, `pattern`, `nullable`,
`x-kubernetes-int-or-string`, giving kube-openapi's messages mapped to field errors as
apiextensions' kubeOpenAPIResultToFieldErrors does
(`spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"`).
"""

from __future__ import annotations

import copy
import json
import re
from decimal import Decimal
from functools import lru_cache
from typing import Any

from kubenb.api.errors import ErrorList, FieldError, GoText

Schema = dict[str, Any]
_ROOT_KEEP = ("apiVersion", "kind", "metadata")
_TYPES = ("array", "boolean", "integer", "number", "object", "string")


# ---- the schema itself ---------------------------------------------------------------------


def validate_schema_definition(errs: ErrorList, schema: Any, path: str, status_on: bool) -> None:
    if not isinstance(schema, dict):
        errs.invalid(path, GoText(str(schema)), "must be an object")
        return
    typ = schema.get("type", "")
    if not typ:
        errs.required(f"{path}.type", "must not be empty at the root")
    elif typ != "object":
        errs.invalid(f"{path}.type", typ, "must be object at the root")
    if status_on:
        extra = sorted(set(schema) - {"properties", "required", "description", "type",
                                      "x-kubernetes-preserve-unknown-fields"})
        if extra:
            errs.invalid(path, GoText(""), 'must only have "properties", "required" or '
                         '"description" at the root if the status subresource is enabled')
    _check_node(errs, schema, path, root=True)


def _check_node(errs: ErrorList, s: Schema, path: str, root: bool = False) -> None:
    typ = s.get("type", "")
    if typ and typ not in _TYPES:
        errs.not_supported(f"{path}.type", typ, list(_TYPES))
    if s.get("uniqueItems") is True:
        errs.forbidden(f"{path}.uniqueItems",
                       "uniqueItems cannot be set to true since the runtime complexity becomes quadratic")
    if s.get("properties") and isinstance(s.get("additionalProperties"), dict):
        errs.forbidden(f"{path}.additionalProperties",
                       "additionalProperties and properties are mutual exclusive")
    if "pattern" in s:
        try:
            _regex(str(s["pattern"]))
        except re.error as exc:
            errs.invalid(f"{path}.pattern", s["pattern"], f"must be a valid regular expression, but isn't: {exc}")
    for name, child in (s.get("properties") or {}).items():
        if not isinstance(child, dict):
            continue
        cpath = f"{path}.properties[{name}]"
        if not child.get("type") and not child.get("x-kubernetes-int-or-string") \
                and not child.get("x-kubernetes-preserve-unknown-fields"):
            errs.required(f"{cpath}.type", "must not be empty for specified object fields")
        _check_node(errs, child, cpath)
    items = s.get("items")
    if isinstance(items, dict):
        if not items.get("type") and not items.get("x-kubernetes-int-or-string") \
                and not items.get("x-kubernetes-preserve-unknown-fields"):
            errs.required(f"{path}.items.type", "must not be empty for specified array items")
        _check_node(errs, items, f"{path}.items")
    elif typ == "array":
        errs.required(f"{path}.items", "must be specified")
    extra = s.get("additionalProperties")
    if isinstance(extra, dict):
        _check_node(errs, extra, f"{path}.additionalProperties")


@lru_cache(maxsize=256)
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


# ---- pruning -------------------------------------------------------------------------------


def prune(obj: Any, schema: Schema) -> list[str]:
    """Drop the fields `schema` does not specify, in place; their paths (`spec.foo`)."""
    found: list[str] = []
    _prune(obj, schema, "", found, root=True)
    return found


def _prune(value: Any, s: Schema, path: str, found: list[str], root: bool = False) -> None:
    if isinstance(value, dict):
        props = s.get("properties") or {}
        extra = s.get("additionalProperties")
        preserve = s.get("x-kubernetes-preserve-unknown-fields") is True
        embedded = root or s.get("x-kubernetes-embedded-resource") is True
        for key in list(value):
            at = f"{path}.{key}" if path else key
            if key in props:
                _prune(value[key], props[key], at, found)
            elif embedded and key in _ROOT_KEEP:
                continue
            elif isinstance(extra, dict):
                _prune(value[key], extra, at, found)
            elif extra is True or preserve:
                continue
            else:
                found.append(at)
                del value[key]
    elif isinstance(value, list):
        items = s.get("items")
        if isinstance(items, dict):
            for i, item in enumerate(value):
                _prune(item, items, f"{path}[{i}]", found)


# ---- defaulting ----------------------------------------------------------------------------


def default(value: Any, s: Schema) -> None:
    """Fill `default`s in, in place: absent fields, and non-nullable fields that are null."""
    if isinstance(value, dict):
        for key, child in (s.get("properties") or {}).items():
            if not isinstance(child, dict):
                continue
            if "default" in child and (key not in value or (value[key] is None
                                                            and not child.get("nullable"))):
                value[key] = copy.deepcopy(child["default"])
            if key in value:
                default(value[key], child)
        extra = s.get("additionalProperties")
        if isinstance(extra, dict):
            for key in value:
                if key not in (s.get("properties") or {}):
                    default(value[key], extra)
    elif isinstance(value, list) and isinstance(s.get("items"), dict):
        for item in value:
            default(item, s["items"])


# ---- validation ----------------------------------------------------------------------------


def _type_name(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int):
        return "integer"
    if isinstance(v, float):
        return "integer" if v.is_integer() else "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    return "object"


def go_number(v: Any) -> str:
    """A number as Go's %v prints it (a float64 in shortest form, %e from exponent 6 or
    below -4: 10, 1.5, 1e+06)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if not isinstance(v, float):
        return str(v)
    if v != v or v in (float("inf"), float("-inf")):
        return {"nan": "NaN", "inf": "+Inf", "-inf": "-Inf"}[repr(v)]
    if v == 0:
        return "0"
    sign, digits, exponent = Decimal(repr(v)).normalize().as_tuple()
    text = "".join(map(str, digits))
    exp = len(text) + int(exponent) - 1
    lead = "-" if sign else ""
    if exp < -4 or exp >= 6:
        mant = text[0] + ("." + text[1:] if len(text) > 1 else "")
        return f"{lead}{mant}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    if exp < 0:
        return f"{lead}0.{'0' * (-exp - 1)}{text}"
    whole, frac = text[:exp + 1].ljust(exp + 1, "0"), text[exp + 1:]
    return f"{lead}{whole}.{frac}" if frac else f"{lead}{whole}"


def _shown(v: Any) -> Any:
    """A bad value as field.Error shows it: numbers bare, strings quoted, the rest as Go maps."""
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, (dict, list)):
        return GoText(_go(v))
    return v


def _go(v: Any) -> str:
    if isinstance(v, dict):
        return "map[string]interface {}{" + ", ".join(
            f"{json.dumps(k)}:{_go(v[k])}" for k in sorted(v)) + "}"
    if isinstance(v, list):
        return "[]interface {}{" + ", ".join(_go(x) for x in v) + "}"
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if v is None:
        return "interface {}(nil)"
    return go_number(v)


def validate(obj: Any, schema: Schema) -> list[FieldError]:
    errs: list[FieldError] = []
    _validate(obj, schema, "", errs)
    return errs


def _name(path: str) -> str:
    return path or "."


def _validate(v: Any, s: Schema, path: str, errs: list[FieldError]) -> None:
    name = path
    typ = s.get("type", "")
    int_or_string = s.get("x-kubernetes-int-or-string") is True
    actual = _type_name(v)
    if v is None:
        if s.get("nullable") or (not typ and not int_or_string):
            return
        want = "integer,string" if int_or_string else typ
        errs.append(FieldError("Invalid", name, "null",
                               f'{_name(name)} in body must be of type {want}: "null"'))
        return
    if int_or_string:
        if actual not in ("integer", "string"):
            errs.append(FieldError("Invalid", name, actual,
                                   f'{_name(name)} in body must be of type integer,string: "{actual}"'))
            return
    elif typ and not (actual == typ or (typ == "number" and actual == "integer")):
        errs.append(FieldError("Invalid", name, actual,
                               f'{_name(name)} in body must be of type {typ}: "{actual}"'))
        return
    if "enum" in s and isinstance(s["enum"], list) and v not in s["enum"]:
        errs.append(FieldError("NotSupported", name, _shown(v), supported=[
            e if isinstance(e, str) else json.dumps(e, separators=(",", ":")) for e in s["enum"]]))
    if isinstance(v, str):
        _validate_string(v, s, name, errs)
    elif actual in ("integer", "number"):
        _validate_number(v, s, name, errs)
    elif isinstance(v, list):
        _validate_array(v, s, name, errs)
    elif isinstance(v, dict):
        _validate_object(v, s, name, errs)


def _validate_string(v: str, s: Schema, name: str, errs: list[FieldError]) -> None:
    if "maxLength" in s and len(v) > s["maxLength"]:
        n = s["maxLength"]
        errs.append(FieldError("TooLong", name, v,
                               f"may not be more than {n} byte{'s' if n != 1 else ''}"))
    if "minLength" in s and len(v) < s["minLength"]:
        errs.append(FieldError("Invalid", name, v,
                               f"{_name(name)} in body should be at least {s['minLength']} chars long"))
    if "pattern" in s:
        try:
            ok = _regex(str(s["pattern"])).search(v) is not None
        except re.error:
            ok = True
        if not ok:
            errs.append(FieldError("Invalid", name, v,
                                   f"{_name(name)} in body should match '{s['pattern']}'"))


def _validate_number(v: float, s: Schema, name: str, errs: list[FieldError]) -> None:
    shown = _shown(v)
    if "maximum" in s:
        m = s["maximum"]
        if (v >= m) if s.get("exclusiveMaximum") else (v > m):
            word = "less than" if s.get("exclusiveMaximum") else "less than or equal to"
            errs.append(FieldError("Invalid", name, shown,
                                   f"{_name(name)} in body should be {word} {go_number(m)}"))
    if "minimum" in s:
        m = s["minimum"]
        if (v <= m) if s.get("exclusiveMinimum") else (v < m):
            word = "greater than" if s.get("exclusiveMinimum") else "greater than or equal to"
            errs.append(FieldError("Invalid", name, shown,
                                   f"{_name(name)} in body should be {word} {go_number(m)}"))
    factor = s.get("multipleOf")
    if factor and (v / factor) != int(v / factor):
        errs.append(FieldError("Invalid", name, shown,
                               f"{_name(name)} in body should be a multiple of {go_number(factor)}"))


def _validate_array(v: list[Any], s: Schema, name: str, errs: list[FieldError]) -> None:
    if "maxItems" in s and len(v) > s["maxItems"]:
        errs.append(FieldError("TooMany", name, len(v), f"must have at most {s['maxItems']} items"))
    if "minItems" in s and len(v) < s["minItems"]:
        errs.append(FieldError("Invalid", name, len(v),
                               f"{_name(name)} in body should have at least {s['minItems']} items"))
    items = s.get("items")
    if isinstance(items, dict):
        for i, item in enumerate(v):
            _validate(item, items, f"{name}[{i}]", errs)


def _validate_object(v: dict[str, Any], s: Schema, name: str, errs: list[FieldError]) -> None:
    if "minProperties" in s and len(v) < s["minProperties"]:
        errs.append(FieldError("Invalid", name, len(v),
                               f"{_name(name)} in body should have at least {s['minProperties']} properties"))
        return
    if "maxProperties" in s and len(v) > s["maxProperties"]:
        errs.append(FieldError("TooMany", name, len(v),
                               f"must have at most {s['maxProperties']} items"))
        return
    props = s.get("properties") or {}
    for key in sorted(v):
        at = f"{name}.{key}" if name else key
        if key in props and isinstance(props[key], dict):
            if not name and key == "metadata":
                continue  # ObjectMeta is validated as metadata, not by the schema
            _validate(v[key], props[key], at, errs)
        elif isinstance(s.get("additionalProperties"), dict):
            _validate(v[key], s["additionalProperties"], at, errs)
    for key in s.get("required") or []:  # after the properties, as kube-openapi checks
        if key not in v:
            errs.append(FieldError("Required", f"{name}.{key}" if name else key))
