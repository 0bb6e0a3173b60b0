"""PATCH semantics: RFC 7386 and RFC 6902 appendix examples, strategic merge patch cases
modelled on apimachinery's strategicpatch tests, kubectl apply's three-way patch, and the
API server's error words. Strategic cases are also checked against real
`kubectl patch --local` when kubectl is installed (it runs the same Go library)."""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
from typing import Any

import pytest

from kubenb.api.errors import ApiError, BadRequest, Invalid
from kubenb.api.patch import (
    PatchError,
    PatchRejected,
    UnsupportedMediaType,
    apply_patch,
    merge_patch_diff,
    three_way_strategic,
)
from kubenb.api.patch_diff import three_way
from kubenb.api.patch_schema import Schema, merging
from kubenb.api.patch_strategic import merge_map

# ---- RFC 7386 appendix A -------------------------------------------------------------------
# Each example is applied one level down ({"x": target} + {"x": patch}), which runs the
# same recursive MergePatch; a null result there means the key is gone.
RFC7386 = [
    ({"a": "b"}, {"a": "c"}, {"a": "c"}),
    ({"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}),
    ({"a": "b"}, {"a": None}, {}),
    ({"a": "b", "b": "c"}, {"a": None}, {"b": "c"}),
    ({"a": ["b"]}, {"a": "c"}, {"a": "c"}),
    ({"a": "c"}, {"a": ["b"]}, {"a": ["b"]}),
    ({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}, {"a": {"b": "d"}}),
    ({"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}),
    (["a", "b"], ["c", "d"], ["c", "d"]),
    ({"a": "b"}, ["c"], ["c"]),
    ({"a": "foo"}, None, None),
    ({"a": "foo"}, "bar", "bar"),
    ({"e": None}, {"a": 1}, {"e": None, "a": 1}),
    ([1, 2], {"a": "b", "c": None}, {"a": "b"}),
    ({}, {"a": {"bb": {"ccc": None}}}, {"a": {"bb": {}}}),
]


@pytest.mark.parametrize(("target", "patch", "result"), RFC7386)
def test_rfc7386_appendix(target: Any, patch: Any, result: Any) -> None:
    got = apply_patch({"x": target, "keep": 1}, {"x": patch}, "merge")
    assert got == ({"keep": 1} if result is None else {"x": result, "keep": 1})


@pytest.mark.parametrize(("body", "message"), [
    ("null", "Invalid JSON Patch"),
    ("[1]", "error decoding patch: json: cannot unmarshal array into Go value of type "
            "map[string]interface {}"),
    ("3", "error decoding patch: json: cannot unmarshal number into Go value of type "
          "map[string]interface {}"),
    ("{", "invalid JSON patch"),
])
def test_merge_patch_rejects_non_objects(body: str, message: str) -> None:
    with pytest.raises(BadRequest) as e:
        apply_patch({"a": 1}, body, "merge")
    assert e.value.message == message and e.value.code == 400


# ---- RFC 6902 appendix A -------------------------------------------------------------------
RFC6902 = [
    ("A.1 add member", {"foo": "bar"}, [{"op": "add", "path": "/baz", "value": "qux"}],
     {"baz": "qux", "foo": "bar"}),
    ("A.2 add element", {"foo": ["bar", "baz"]}, [{"op": "add", "path": "/foo/1", "value": "qux"}],
     {"foo": ["bar", "qux", "baz"]}),
    ("A.3 remove member", {"baz": "qux", "foo": "bar"}, [{"op": "remove", "path": "/baz"}],
     {"foo": "bar"}),
    ("A.4 remove element", {"foo": ["bar", "qux", "baz"]}, [{"op": "remove", "path": "/foo/1"}],
     {"foo": ["bar", "baz"]}),
    ("A.5 replace", {"baz": "qux", "foo": "bar"}, [{"op": "replace", "path": "/baz", "value": "boo"}],
     {"baz": "boo", "foo": "bar"}),
    ("A.6 move member", {"foo": {"bar": "baz", "waldo": "fred"}, "qux": {"corge": "grault"}},
     [{"op": "move", "from": "/foo/waldo", "path": "/qux/thud"}],
     {"foo": {"bar": "baz"}, "qux": {"corge": "grault", "thud": "fred"}}),
    ("A.7 move element", {"foo": ["all", "grass", "cows", "eat"]},
     [{"op": "move", "from": "/foo/1", "path": "/foo/3"}], {"foo": ["all", "cows", "eat", "grass"]}),
    ("A.8 test ok", {"baz": "qux", "foo": ["a", 2, "c"]},
     [{"op": "test", "path": "/baz", "value": "qux"}, {"op": "test", "path": "/foo/1", "value": 2}],
     {"baz": "qux", "foo": ["a", 2, "c"]}),
    ("A.10 add nested", {"foo": "bar"}, [{"op": "add", "path": "/child", "value": {"grandchild": {}}}],
     {"foo": "bar", "child": {"grandchild": {}}}),
    ("A.11 extra members", {"foo": "bar"}, [{"op": "add", "path": "/baz", "value": "qux", "xyz": 123}],
     {"foo": "bar", "baz": "qux"}),
    ("A.14 ~ escapes", {"/": 9, "~1": 10}, [{"op": "test", "path": "/~01", "value": 10}],
     {"/": 9, "~1": 10}),
    ("A.16 add array value", {"foo": ["bar"]}, [{"op": "add", "path": "/foo/-", "value": ["abc", "def"]}],
     {"foo": ["bar", ["abc", "def"]]}),
    ("~1 in a label key", {"l": {"a/b": "1"}}, [{"op": "replace", "path": "/l/a~1b", "value": "2"}],
     {"l": {"a/b": "2"}}),
    ("negative index", {"a": [1, 2]}, [{"op": "add", "path": "/a/-1", "value": 9}], {"a": [1, 2, 9]}),
    ("copy", {"a": {"b": 1}}, [{"op": "copy", "from": "/a", "path": "/c"}], {"a": {"b": 1}, "c": {"b": 1}}),
    # evanphx/json-patch v4 (what the server runs) lets replace add a missing object key.
    ("replace adds key", {"a": {}}, [{"op": "replace", "path": "/a/b", "value": 1}], {"a": {"b": 1}}),
    ("test missing is null", {"a": {}}, [{"op": "test", "path": "/a/b", "value": None}], {"a": {}}),
]


@pytest.mark.parametrize(("name", "doc", "ops", "result"), RFC6902, ids=[c[0] for c in RFC6902])
def test_rfc6902(name: str, doc: dict, ops: list, result: dict) -> None:
    assert apply_patch(doc, ops, "json") == result


RFC6902_FAIL = [
    ("A.9 test fails", {"baz": "qux"}, [{"op": "test", "path": "/baz", "value": "bar"}],
     "testing value /baz failed: test failed"),
    ("A.12 missing parent", {"foo": "bar"}, [{"op": "add", "path": "/baz/bat", "value": "qux"}],
     'add operation does not apply: doc is missing path: "/baz/bat": missing value'),
    ("A.15 string vs number", {"/": 9, "~1": 10}, [{"op": "test", "path": "/~01", "value": "10"}],
     "testing value /~01 failed: test failed"),
    ("remove missing", {"spec": {}}, [{"op": "remove", "path": "/spec/foo"}],
     "error in remove for path: '/spec/foo': Unable to remove nonexistent key: foo: missing value"),
    ("replace missing path", {"spec": {}}, [{"op": "replace", "path": "/spec/foo/x", "value": 1}],
     "replace operation does not apply: doc is missing path: /spec/foo/x: missing value"),
    ("index out of range", {"a": [1]}, [{"op": "add", "path": "/a/5", "value": 1}],
     "error in add for path: '/a/5': Unable to access invalid index: 5: invalid index referenced"),
    ("unknown op", {}, [{"op": "frob", "path": "/a"}], "Unexpected kind: frob"),
    ("no path", {}, [{"op": "add", "value": 1}], "add operation failed to decode path: missing value"),
    ("first op applies, second fails", {"a": 1},
     [{"op": "replace", "path": "/a", "value": 2}, {"op": "test", "path": "/a", "value": 1}],
     "testing value /a failed: test failed"),
]


@pytest.mark.parametrize(("name", "doc", "ops", "detail"), RFC6902_FAIL,
                         ids=[c[0] for c in RFC6902_FAIL])
def test_rfc6902_failures_are_422(name: str, doc: dict, ops: list, detail: str) -> None:
    before = copy.deepcopy(doc)
    with pytest.raises(PatchRejected) as e:
        apply_patch(doc, ops, "application/json-patch+json")
    err = e.value
    assert isinstance(err, Invalid) and err.code == 422 and err.reason == "Invalid"
    assert err.message == "the server rejected our request due to an error in our request"
    assert err.status()["message"] == err.message
    assert err.detail == detail
    assert doc == before


@pytest.mark.parametrize(("body", "message"), [
    ('{"op":"add"}', "error decoding patch: json: cannot unmarshal object into Go value of "
                     "type []handlers.jsonPatchOp"),
    ("[1]", "error decoding patch: json: cannot unmarshal number into Go value of type "
            "handlers.jsonPatchOp"),
    ('[{"op":"add","path":5}]', "error decoding patch: json: cannot unmarshal number into Go "
                                "struct field jsonPatchOp.path of type string"),
    ('[{"op": "add",', "invalid JSON patch"),
    (b"\xff", "invalid JSON patch"),
])
def test_json_patch_bad_documents_are_400(body: Any, message: str) -> None:
    with pytest.raises(BadRequest) as e:
        apply_patch({}, body, "json")
    assert e.value.message == message


# ---- strategic merge patch -----------------------------------------------------------------

def deployment() -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "labels": {"app": "web", "tier": "fe"},
                     "finalizers": ["a.io/x", "a.io/y"]},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"app": "web"}},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {
                    "containers": [
                        {"name": "c", "image": "img:v1",
                         "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
                         "ports": [{"containerPort": 80, "protocol": "TCP"}]},
                        {"name": "side", "image": "side:v1"},
                    ],
                    "volumes": [{"name": "v1", "emptyDir": {}}],
                    "tolerations": [{"key": "k", "operator": "Exists"}],
                },
            },
        },
    }


def pod_spec(patch: dict[str, Any]) -> dict[str, Any]:
    return {"spec": {"template": {"spec": patch}}}


def containers(obj: dict[str, Any]) -> list[dict[str, Any]]:
    return obj["spec"]["template"]["spec"]["containers"]


C_V2 = {"name": "c", "image": "img:v2",
        "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
        "ports": [{"containerPort": 80, "protocol": "TCP"}]}
SIDE = {"name": "side", "image": "side:v1"}

# (name, object, patch, (path into the result, expected value))
STRATEGIC: list[tuple[str, dict, dict, tuple[tuple[str, ...], Any]]] = [
    ("set image with $setElementOrder", deployment(),
     pod_spec({"$setElementOrder/containers": [{"name": "c"}, {"name": "side"}],
               "containers": [{"image": "img:v2", "name": "c"}]}),
     (("spec", "template", "spec", "containers"), [C_V2, SIDE])),
    ("$setElementOrder reorders", deployment(),
     pod_spec({"$setElementOrder/containers": [{"name": "side"}, {"name": "c"}],
               "containers": [{"image": "img:v2", "name": "c"}]}),
     (("spec", "template", "spec", "containers"), [SIDE, C_V2])),
    ("new container goes first without an order", deployment(),
     pod_spec({"containers": [{"name": "new", "image": "n"}]}),
     (("spec", "template", "spec", "containers", "*", "name"), ["new", "c", "side"])),
    ("$patch: delete removes a container", deployment(),
     pod_spec({"containers": [{"name": "side", "$patch": "delete"}]}),
     (("spec", "template", "spec", "containers", "*", "name"), ["c"])),
    ("$patch: replace replaces the list", deployment(),
     pod_spec({"containers": [{"name": "z", "image": "z"}, {"$patch": "replace"}]}),
     (("spec", "template", "spec", "containers"), [{"name": "z", "image": "z"}])),
    ("env add and remove by name", deployment(),
     pod_spec({"containers": [{"name": "c", "env": [{"name": "C", "value": "3"},
                                                    {"name": "A", "$patch": "delete"}]}]}),
     (("spec", "template", "spec", "containers", "0", "env"),
      [{"name": "C", "value": "3"}, {"name": "B", "value": "2"}])),
    ("env value swapped for valueFrom", deployment(),
     pod_spec({"containers": [{"name": "c", "env": [
         {"name": "B", "value": None, "valueFrom": {"fieldRef": {"fieldPath": "x"}}}]}]}),
     (("spec", "template", "spec", "containers", "0", "env", "1"),
      {"name": "B", "valueFrom": {"fieldRef": {"fieldPath": "x"}}})),
    ("ports merge on containerPort", deployment(),
     pod_spec({"containers": [{"name": "c", "ports": [{"containerPort": 81}]}]}),
     (("spec", "template", "spec", "containers", "0", "ports"),
      [{"containerPort": 81}, {"containerPort": 80, "protocol": "TCP"}])),
    ("tolerations have no merge key: replaced", deployment(),
     pod_spec({"tolerations": [{"key": "j", "operator": "Exists"}]}),
     (("spec", "template", "spec", "tolerations"), [{"key": "j", "operator": "Exists"}])),
    ("$retainKeys on a volume", deployment(),
     pod_spec({"volumes": [{"name": "v1", "$retainKeys": ["name", "hostPath"],
                            "hostPath": {"path": "/x"}}]}),
     (("spec", "template", "spec", "volumes"), [{"name": "v1", "hostPath": {"path": "/x"}}])),
    ("$retainKeys on strategy (apply to Recreate)", deployment(),
     {"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate"}}},
     (("spec", "strategy"), {"type": "Recreate"})),
    ("null removes a label", deployment(),
     {"metadata": {"labels": {"tier": None, "new": "1"}}},
     (("metadata", "labels"), {"app": "web", "new": "1"})),
    ("finalizers merge as a set", deployment(),
     {"metadata": {"finalizers": ["a.io/z", "a.io/x"]}},
     (("metadata", "finalizers"), ["a.io/z", "a.io/x", "a.io/y"])),
    ("$deleteFromPrimitiveList", deployment(),
     {"metadata": {"$deleteFromPrimitiveList/finalizers": ["a.io/x"]}},
     (("metadata", "finalizers"), ["a.io/y"])),
    ("$setElementOrder on a primitive list", deployment(),
     {"metadata": {"$setElementOrder/finalizers": ["a.io/y", "a.io/z", "a.io/x"],
                   "finalizers": ["a.io/z"]}},
     (("metadata", "finalizers"), ["a.io/y", "a.io/z", "a.io/x"])),
    ("$patch: replace on a map", deployment(),
     {"metadata": {"labels": {"$patch": "replace", "only": "1"}}},
     (("metadata", "labels"), {"only": "1"})),
    ("$patch: delete on a map empties it", deployment(),
     {"spec": {"template": {"metadata": {"$patch": "delete"}}}},
     (("spec", "template", "metadata"), {})),
    ("pod conditions merge by type; containerStatuses replaced",
     {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
      "status": {"conditions": [{"type": "Ready", "status": "False"},
                                {"type": "PodScheduled", "status": "True"}],
                 "containerStatuses": [{"name": "c", "ready": False}, {"name": "d", "ready": True}]}},
     {"status": {"conditions": [{"type": "Ready", "status": "True"}],
                 "containerStatuses": [{"name": "c", "ready": True}]}},
     (("status",), {"conditions": [{"type": "Ready", "status": "True"},
                                   {"type": "PodScheduled", "status": "True"}],
                    "containerStatuses": [{"name": "c", "ready": True}]})),
    ("service ports merge on port",
     {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"},
      "spec": {"ports": [{"port": 80, "targetPort": 8080}, {"port": 443}]}},
     {"spec": {"ports": [{"port": 80, "targetPort": 9090}, {"port": 8443}]}},
     (("spec", "ports"), [{"port": 80, "targetPort": 9090}, {"port": 8443}, {"port": 443}])),
    ("node addresses merge by type; taints replaced",
     {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n"},
      "spec": {"taints": [{"key": "a", "effect": "NoSchedule"}]},
      "status": {"addresses": [{"type": "InternalIP", "address": "1"},
                               {"type": "Hostname", "address": "n"}]}},
     {"spec": {"taints": [{"key": "b", "effect": "NoSchedule"}]},
      "status": {"addresses": [{"type": "InternalIP", "address": "2"}]}},
     (("spec", "taints"), [{"key": "b", "effect": "NoSchedule"}])),
    ("replica set pod template maps to PodSpec",
     {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "r"},
      "spec": {"template": {"spec": {"containers": [{"name": "a", "image": "1"}]}}}},
     pod_spec({"containers": [{"name": "b", "image": "2"}]}),
     (("spec", "template", "spec", "containers", "*", "name"), ["b", "a"])),
]


def dig(obj: Any, path: tuple[str, ...]) -> Any:
    for i, key in enumerate(path):
        if key == "*":
            return [dig(item, path[i + 1:]) for item in obj]
        obj = obj[int(key)] if isinstance(obj, list) else obj[key]
    return obj


@pytest.mark.parametrize(("name", "obj", "patch", "expect"), STRATEGIC,
                         ids=[c[0] for c in STRATEGIC])
def test_strategic(name: str, obj: dict, patch: dict, expect: tuple) -> None:
    before = copy.deepcopy(obj)
    patch_before = copy.deepcopy(patch)
    result = apply_patch(obj, json.dumps(patch), "strategic")
    path, value = expect
    assert dig(result, path) == value
    assert obj == before and patch == patch_before
    assert apply_patch(obj, patch, "application/strategic-merge-patch+json") == result


def test_kubectl_set_image_body_keeps_container_order() -> None:
    body = (b'{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"c"},'
            b'{"name":"side"}],"containers":[{"image":"img:v2","name":"c"}]}}}}')
    result = apply_patch(deployment(), body, "strategic")
    assert [c["name"] for c in containers(result)] == ["c", "side"]
    assert containers(result)[0]["image"] == "img:v2"
    assert containers(result)[1] == SIDE


def test_strategic_on_unknown_kind_is_a_merge_patch() -> None:
    obj = {"apiVersion": "x.io/v1", "kind": "Widget", "spec": {"items": [{"name": "a"}]}}
    result = apply_patch(obj, {"spec": {"items": [{"name": "b"}], "n": None}}, "strategic")
    assert result == {"apiVersion": "x.io/v1", "kind": "Widget", "spec": {"items": [{"name": "b"}]}}


def test_values_added_from_the_patch_lose_nulls_and_directives() -> None:
    result = apply_patch(deployment(), pod_spec(
        {"containers": [{"name": "n", "image": "i", "command": None}],
         "initContainers": [{"name": "i", "env": [{"name": "x", "$patch": "delete"}]}]}),
        "strategic")
    assert containers(result)[0] == {"name": "n", "image": "i"}
    assert result["spec"]["template"]["spec"]["initContainers"] == [{"name": "i", "env": []}]


STRATEGIC_ERRORS = [
    ("missing merge key", pod_spec({"containers": [{"image": "q"}]}), PatchError,
     "map: map[image:q] does not contain declared merge key: name"),
    ("patch item outside $setElementOrder",
     pod_spec({"$setElementOrder/containers": [{"name": "side"}],
               "containers": [{"image": "v2", "name": "c"}]}), PatchError,
     "The order in patch list:\n[map[image:v2 name:c]]\n doesn't match $setElementOrder "
     "list:\n[map[name:side]]\n"),
    ("field outside $retainKeys",
     {"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate",
                            "rollingUpdate": {"maxSurge": 1}}}},
     BadRequest, "invalid patch format of retainKeys"),
    ("$retainKeys not a list", {"spec": {"strategy": {"$retainKeys": "type"}}}, BadRequest,
     "invalid patch format of retainKeys"),
    ("$deleteFromPrimitiveList without a field", {"metadata": {"$deleteFromPrimitiveList": ["x"]}},
     BadRequest, "invalid patch format of primitive list"),
    ("$patch: merge in a map", {"metadata": {"labels": {"$patch": "merge"}}}, PatchError,
     "unknown patch type: merge in map: map[$patch:merge]"),
    ("$patch: merge in a list", pod_spec({"containers": [{"$patch": "merge"}]}), PatchError,
     "merging lists cannot yet be specified in the patch"),
    ("mixed element types", {"metadata": {"finalizers": [["x"]]}}, PatchError,
     "list element types are not identical: [[a.io/x a.io/y] [[x]]]"),
    ("not an object", [1], BadRequest,
     "json: cannot unmarshal array into Go value of type map[string]interface {}"),
]


@pytest.mark.parametrize(("name", "patch", "error", "message"), STRATEGIC_ERRORS,
                         ids=[c[0] for c in STRATEGIC_ERRORS])
def test_strategic_errors(name: str, patch: Any, error: type[ApiError], message: str) -> None:
    with pytest.raises(error) as e:
        apply_patch(deployment(), patch, "strategic")
    assert e.value.message == message
    if error is PatchError:
        assert e.value.code == 500 and e.value.reason == ""


def test_list_of_lists_is_422() -> None:
    node = {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n"}, "spec": {"podCIDRs": []}}
    with pytest.raises(PatchRejected) as e:
        apply_patch(node, {"spec": {"podCIDRs": [["10.0.0.0/24"]]}}, "strategic")
    assert e.value.code == 422 and e.value.detail == "lists of lists are not supported"


def test_unknown_patch_type_is_415() -> None:
    with pytest.raises(UnsupportedMediaType) as e:
        apply_patch({}, {}, "application/yaml")
    assert e.value.code == 415


# ---- list order rules, on apimachinery's test struct ---------------------------------------
# MergeItem from strategicpatch's tests: mergingList merges by name, mergingIntList is a set.
MERGE_ITEM = Schema("MergeItem", {"MergeItem": {
    "mergingList": merging("name", "MergeItem"),
    "mergingIntList": merging(),
    "retainKeysMergingList": merging("name", "MergeItem", retain=True),
}})


def names(items: list[dict]) -> list[Any]:
    return [i["name"] for i in items]


ORDER_CASES = [
    # server-only items stay where the live list had them, between ordered patch items
    ("server-only items keep their place",
     {"mergingList": [{"name": 1}, {"name": 2}, {"name": 7}, {"name": 9}, {"name": 8},
                      {"name": 3}, {"name": 4}]},
     {"$setElementOrder/mergingList": [{"name": 2}, {"name": 1}, {"name": 4}, {"name": 3}]},
     [2, 1, 7, 9, 8, 4, 3]),
    # upstream reads the live list after Go deleted and appended in place
    ("add and delete with a server-only item",
     {"mergingList": [{"name": 1}, {"name": 2}, {"name": 4}]},
     {"$setElementOrder/mergingList": [{"name": 2}, {"name": 3}],
      "mergingList": [{"name": 3}, {"name": 1, "$patch": "delete"}]},
     [2, 4, 3]),
    ("order names an item the list lacks",
     {"mergingList": [{"name": 1}, {"name": 3}]},
     {"$setElementOrder/mergingList": [{"name": 3}, {"name": 2}, {"name": 1}]},
     [3, 1]),
]


@pytest.mark.parametrize(("name", "live", "patch", "order"), ORDER_CASES,
                         ids=[c[0] for c in ORDER_CASES])
def test_list_order(name: str, live: dict, patch: dict, order: list) -> None:
    assert names(merge_map(copy.deepcopy(live), copy.deepcopy(patch), MERGE_ITEM)["mergingList"]) \
        == order


def test_scalar_set_merge_three_way() -> None:
    original, modified, current = ({"mergingIntList": [1, 2]}, {"mergingIntList": [1, 2, 3]},
                                   {"mergingIntList": [1, 2, 4]})
    patch = three_way(original, modified, current, MERGE_ITEM)
    assert patch == {"$setElementOrder/mergingIntList": [1, 2, 3], "mergingIntList": [3]}
    assert merge_map(current, patch, MERGE_ITEM) == {"mergingIntList": [1, 2, 3, 4]}


def test_three_way_retain_keys_in_merging_list() -> None:
    original = {"retainKeysMergingList": [{"name": "bar"}, {"name": "foo", "value": "a"}]}
    current = {"retainKeysMergingList": [{"name": "bar"},
                                         {"name": "foo", "value": "a", "other": "x"}]}
    patch = three_way(original, copy.deepcopy(original), current, MERGE_ITEM)
    assert patch == {
        "$setElementOrder/retainKeysMergingList": [{"name": "bar"}, {"name": "foo"}],
        "retainKeysMergingList": [{"$retainKeys": ["name", "value"], "name": "foo"}],
    }
    assert merge_map(current, patch, MERGE_ITEM) == original


# ---- kubectl apply's three-way patch on real kinds ----------------------------------------

def manifest(image: str, env: list[dict], **spec: Any) -> dict[str, Any]:
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "labels": {"app": "web"}},
            "spec": {"replicas": 2, **spec, "template": {"metadata": {"labels": {"app": "web"}},
                     "spec": {"containers": [{"name": "c", "image": image, "env": env}]}}}}


def test_three_way_apply_changes_deletes_and_keeps_server_fields() -> None:
    last = manifest("img:v1", [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}])
    last["metadata"]["labels"]["old"] = "x"
    live = copy.deepcopy(last)
    live["metadata"]["uid"] = "u-1"
    live["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"] = "IfNotPresent"
    live["spec"]["strategy"] = {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%"}}
    new = manifest("img:v2", [{"name": "A", "value": "1"}], strategy={"type": "Recreate"})

    patch = three_way_strategic(last, new, live, "Deployment")
    assert patch == {
        "metadata": {"labels": {"old": None}},
        "spec": {
            "strategy": {"$retainKeys": ["type"], "type": "Recreate"},
            "template": {"spec": {
                "$setElementOrder/containers": [{"name": "c"}],
                "containers": [{"name": "c", "image": "img:v2",
                                "$setElementOrder/env": [{"name": "A"}],
                                "env": [{"name": "B", "$patch": "delete"}]}],
            }},
        },
    }
    result = apply_patch(live, patch, "strategic")
    assert result["metadata"] == {"name": "web", "labels": {"app": "web"}, "uid": "u-1"}
    assert result["spec"]["strategy"] == {"type": "Recreate"}
    assert containers(result) == [{"name": "c", "image": "img:v2", "imagePullPolicy": "IfNotPresent",
                                   "env": [{"name": "A", "value": "1"}]}]


def test_three_way_unchanged_is_empty() -> None:
    last = manifest("img:v1", [{"name": "A", "value": "1"}])
    live = copy.deepcopy(last)
    live["status"] = {"replicas": 2}
    assert three_way_strategic(last, copy.deepcopy(last), live, "Deployment") == {}


def test_three_way_without_last_applied_never_deletes() -> None:
    live = deployment()
    new = manifest("img:v3", [])
    patch = three_way_strategic(None, new, live, "Deployment")
    result = apply_patch(live, patch, "strategic")
    assert result["metadata"]["labels"] == {"app": "web", "tier": "fe"}
    assert [c["name"] for c in containers(result)] == ["c", "side"]
    assert containers(result)[0]["image"] == "img:v3"


def test_three_way_unknown_kind_uses_jsonmerging() -> None:
    last = {"kind": "Widget", "spec": {"a": 1, "b": [1]}}
    new = {"kind": "Widget", "spec": {"b": [2]}}
    live = {"kind": "Widget", "spec": {"a": 1, "b": [1], "c": 3}}
    assert three_way_strategic(last, new, live) == {"spec": {"a": None, "b": [2]}}


# ---- merge_patch_diff ----------------------------------------------------------------------
DIFFS = [
    ({"a": 1, "b": {"c": 1, "d": 2}}, {"a": 1, "b": {"c": 2}}, {"b": {"c": 2, "d": None}}),
    ({"l": [1, 2]}, {"l": [1, 2]}, {}),
    ({"l": [1, 2]}, {"l": [2, 1]}, {"l": [2, 1]}),
    ({"n": 1}, {"n": 1.0}, {}),
    ({"x": {"y": 1}}, {"x": "s"}, {"x": "s"}),
    ({}, {"new": {"k": "v"}}, {"new": {"k": "v"}}),
]


@pytest.mark.parametrize(("original", "modified", "expected"), DIFFS)
def test_merge_patch_diff(original: dict, modified: dict, expected: dict) -> None:
    patch = merge_patch_diff(original, modified)
    assert patch == expected
    assert apply_patch(original, patch, "merge") == modified


# ---- referee: real kubectl runs the same Go code (`kubectl patch --local`) ---------------
KUBECTL = shutil.which("kubectl")


@pytest.mark.skipif(KUBECTL is None, reason="kubectl not installed")
@pytest.mark.parametrize(("name", "obj", "patch", "expect"), STRATEGIC,
                         ids=[c[0] for c in STRATEGIC])
def test_strategic_matches_kubectl(tmp_path: Any, name: str, obj: dict, patch: dict,
                                   expect: tuple) -> None:
    source = tmp_path / "obj.json"
    source.write_text(json.dumps(obj))
    run = subprocess.run(
        [KUBECTL, "patch", "-f", str(source), "--local", "--type", "strategic",
         "-p", json.dumps(patch), "-o", "json"],
        capture_output=True, text=True, timeout=60,
        env={**os.environ, "KUBECONFIG": os.devnull}, check=True,
    )
    assert apply_patch(obj, patch, "strategic") == json.loads(run.stdout)
