"""The structural schema of custom resources on their own: validation messages as
kube-openapi words them (mapped to field errors as apiextensions does), defaulting, pruning,
and the checks a CRD's own definition gets."""

from __future__ import annotations

from typing import Any

import pytest

from kubenb.api.crd import default_crd
from kubenb.api.crd import field_errors as crd_errors
from kubenb.api.crd_schema import default, go_number, prune, validate
from kubenb.api.errors import ErrorList
from tests.crd.crontab import crd

SCHEMA: dict[str, Any] = {"type": "object", "properties": {
    "spec": {"type": "object", "required": ["name"], "properties": {
        "name": {"type": "string", "minLength": 2, "maxLength": 5, "pattern": "^[a-z]+$"},
        "size": {"type": "integer", "minimum": 1, "maximum": 10, "default": 3},
        "ratio": {"type": "number", "exclusiveMaximum": True, "maximum": 1.5},
        "mode": {"type": "string", "enum": ["Fast", "Slow"]},
        "level": {"type": "integer", "enum": [1, 2]},
        "port": {"x-kubernetes-int-or-string": True},
        "note": {"type": "string", "nullable": True},
        "tags": {"type": "array", "maxItems": 2, "items": {"type": "string"}},
        "labels": {"type": "object", "additionalProperties": {"type": "string"}},
        "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
        "nested": {"type": "object", "default": {}, "properties": {
            "on": {"type": "boolean", "default": True}}},
    }},
}}


def messages(spec: dict[str, Any]) -> list[str]:
    return [str(e) for e in validate({"spec": spec}, SCHEMA)]


@pytest.mark.parametrize(("spec", "want"), [
    ({"name": "ab", "size": "3"},
     ['spec.size: Invalid value: "string": spec.size in body must be of type integer: "string"']),
    ({"name": "ab", "size": 11},
     ["spec.size: Invalid value: 11: spec.size in body should be less than or equal to 10"]),
    ({"name": "ab", "size": 0},
     ["spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1"]),
    ({"name": "ab", "ratio": 1.5},
     ["spec.ratio: Invalid value: 1.5: spec.ratio in body should be less than 1.5"]),
    ({"name": "x"}, ['spec.name: Invalid value: "x": spec.name in body should be at least 2 chars long']),
    ({"name": "abcdef"}, ["spec.name: Too long: may not be more than 5 bytes"]),
    ({"name": "AB"}, ["spec.name: Invalid value: \"AB\": spec.name in body should match '^[a-z]+$'"]),
    ({}, ["spec.name: Required value"]),
    ({"name": "ab", "mode": "Medium"},
     ['spec.mode: Unsupported value: "Medium": supported values: "Fast", "Slow"']),
    ({"name": "ab", "level": 3}, ['spec.level: Unsupported value: 3: supported values: "1", "2"']),
    ({"name": "ab", "port": True},
     ['spec.port: Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"']),
    ({"name": "ab", "port": 80}, []),
    ({"name": "ab", "port": "http"}, []),
    ({"name": "ab", "note": None}, []),
    ({"name": None},
     ['spec.name: Invalid value: "null": spec.name in body must be of type string: "null"']),
    ({"name": "ab", "tags": ["a", 1]},
     ['spec.tags[1]: Invalid value: "integer": spec.tags[1] in body must be of type string: "integer"']),
    ({"name": "ab", "tags": ["a", "b", "c"]}, ["spec.tags: Too many: 3: must have at most 2 items"]),
    ({"name": "ab", "labels": {"a": 1}},
     ['spec.labels.a: Invalid value: "integer": spec.labels.a in body must be of type string: "integer"']),
    ({"name": "ab", "free": {"anything": [1, {"x": None}]}}, []),
])
def test_validation_messages(spec: dict[str, Any], want: list[str]) -> None:
    assert messages(spec) == want


def test_defaults_fill_absent_and_null_fields_recursively() -> None:
    obj: dict[str, Any] = {"spec": {"name": "ab", "size": None}}
    default(obj, SCHEMA)
    assert obj["spec"]["size"] == 3 and obj["spec"]["nested"] == {"on": True}


def test_pruning_drops_what_the_schema_does_not_specify() -> None:
    obj: dict[str, Any] = {"apiVersion": "x/v1", "kind": "K", "metadata": {"name": "n"}, "extra": 1,
                           "spec": {"name": "ab", "bogus": 1, "free": {"kept": {"deep": 1}},
                                    "labels": {"any": "thing"}, "nested": {"off": 1}}}
    assert prune(obj, SCHEMA) == ["extra", "spec.bogus", "spec.nested.off"]
    assert obj == {"apiVersion": "x/v1", "kind": "K", "metadata": {"name": "n"},
                   "spec": {"name": "ab", "free": {"kept": {"deep": 1}}, "labels": {"any": "thing"},
                            "nested": {}}}


def test_go_number_formats_like_percent_v() -> None:
    assert [go_number(v) for v in (10.0, 1.5, 1e6, 1234567.0, 0.0001, 1e-05)] == [
        "10", "1.5", "1e+06", "1.234567e+06", "0.0001", "1e-05"]


def _crd_messages(obj: dict[str, Any], old: dict[str, Any] | None = None) -> list[str]:
    for o in (obj, old):
        if o is not None:
            default_crd(o)  # the store defaults before it validates
    errs: ErrorList = crd_errors(obj, old)
    return [str(e) for e in errs.errors]


def test_crd_definition_checks() -> None:
    assert _crd_messages(crd()) == []
    two_storage = crd()
    two_storage["spec"]["versions"].append({**two_storage["spec"]["versions"][0], "name": "v2"})
    assert _crd_messages(two_storage) == [
        'spec.versions: Invalid value: []apiextensions.CustomResourceDefinitionVersion{'
        'apiextensions.CustomResourceDefinitionVersion{Name:"v1", Served:true, Storage:true}, '
        'apiextensions.CustomResourceDefinitionVersion{Name:"v2", Served:true, Storage:true}}: '
        "must have exactly one version marked as storage version"]
    assert _crd_messages(crd(scope="Global")) == [
        'spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"']
    no_schema = crd()
    del no_schema["spec"]["versions"][0]["schema"]
    assert _crd_messages(no_schema) == ["spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required"]
    untyped = crd()
    untyped["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"]["x"] = {}
    assert _crd_messages(untyped) == [
        "spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[x].type: Required value: "
        "must not be empty for specified object fields"]
    bad_names = crd()
    bad_names["spec"]["names"]["shortNames"] = ["C_T"]
    assert _crd_messages(bad_names) == [
        'spec.names.shortNames[0]: Invalid value: "C_T": a DNS-1035 label must consist of lower case '
        "alphanumeric characters or '-', start with an alphabetic character, and end with an "
        "alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is "
        "'[a-z]([-a-z0-9]*[a-z0-9])?')"]
    renamed = crd()
    renamed["spec"]["group"] = "other.example.com"
    assert 'spec.group: Invalid value: "other.example.com": field is immutable' in _crd_messages(renamed, crd())
