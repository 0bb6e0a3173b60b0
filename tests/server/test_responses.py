"""Response bodies byte for byte as kube-apiserver writes them: Status errors, DELETE answers
per kind, DeleteOptions and write options checks, dryRun on every verb, malformed and
hostile JSON bodies."""

from __future__ import annotations

import json
from typing import Any

import pytest
from kubernetes import client, config

from kubenb.server import gojson
from tests import builders

from .conftest import Served

CMS = "/api/v1/namespaces/default/configmaps"
SVCS = "/api/v1/namespaces/default/services"
DEPLOY = "/apis/apps/v1/namespaces/default/deployments"


def service(name: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name},
            "spec": {"selector": {"app": name}, "ports": [{"port": 80}]}}


def configmap(name: str) -> dict[str, Any]:
    return builders.configmap(name, {"k": "v"}, namespace=None)


# ---- Status bodies --------------------------------------------------------------------


def test_already_exists_status_is_the_apiservers_bytes(served: Served) -> None:
    served.request("POST", DEPLOY, builders.deployment("dup", namespace=None))
    r = served.request("POST", DEPLOY, builders.deployment("dup", namespace=None))
    assert r.status == 409
    assert r.body == (b'{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",'
                      b'"message":"deployments.apps \\"dup\\" already exists","reason":'
                      b'"AlreadyExists","details":{"name":"dup","group":"apps","kind":'
                      b'"deployments"},"code":409}\n')
    served.request("DELETE", f"{DEPLOY}/dup")


def test_not_found_status_for_a_core_kind(served: Served) -> None:
    r = served.request("GET", f"{SVCS}/nope")
    assert r.body == (b'{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",'
                      b'"message":"services \\"nope\\" not found","reason":"NotFound",'
                      b'"details":{"name":"nope","kind":"services"},"code":404}\n')


def test_invalid_status_has_group_kind_then_causes(served: Served) -> None:
    bad = builders.deployment("Bad_Name", namespace=None)
    r = served.request("POST", DEPLOY, bad)
    assert r.status == 422
    body = r.json()
    assert list(body) == ["kind", "apiVersion", "metadata", "status", "message", "reason",
                          "details", "code"]
    assert list(body["details"]) == ["name", "group", "kind", "causes"]
    assert body["details"]["causes"][0]["field"] == "metadata.name"
    assert r.body.endswith(b"}\n")


def test_object_bodies_end_with_a_newline(served: Served) -> None:
    r = served.request("GET", CMS)
    assert r.status == 200 and r.body.endswith(b"}\n") and not r.body.endswith(b"\n\n")


def test_version_is_indented_raw_json(served: Served) -> None:
    body = served.request("GET", "/version").body
    assert body.startswith(b'{\n  "major": "1",\n  "minor": "32",\n') and body.endswith(b"\n}")


# ---- DELETE ---------------------------------------------------------------------------


def test_delete_of_a_service_returns_the_service(served: Served) -> None:
    served.request("POST", SVCS, service("gone-svc"))
    r = served.request("DELETE", f"{SVCS}/gone-svc", {})
    assert r.status == 200
    body = r.json()
    assert (body["kind"], body["metadata"]["name"]) == ("Service", "gone-svc")
    assert served.store.try_get("Service", "default", "gone-svc") is None


def test_delete_of_a_configmap_returns_a_success_status(served: Served) -> None:
    uid = served.request("POST", CMS, configmap("gone-cm")).json()["metadata"]["uid"]
    r = served.request("DELETE", f"{CMS}/gone-cm")
    assert r.status == 200
    assert r.body == (b'{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success",'
                      b'"details":{"name":"gone-cm","kind":"configmaps","uid":"'
                      + uid.encode() + b'"}}\n')


def test_delete_of_a_deployment_status_names_the_group(served: Served) -> None:
    served.request("POST", DEPLOY, builders.deployment("gone-dep", namespace=None))
    body = served.request("DELETE", f"{DEPLOY}/gone-dep").json()
    assert body["status"] == "Success"
    assert list(body["details"]) == ["name", "group", "kind", "uid"]
    assert body["details"]["group"] == "apps" and body["details"]["kind"] == "deployments"


def test_delete_of_a_serviceaccount_returns_it(served: Served) -> None:
    sa = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "gone-sa"}}
    served.request("POST", "/api/v1/namespaces/default/serviceaccounts", sa)
    body = served.request("DELETE", "/api/v1/namespaces/default/serviceaccounts/gone-sa").json()
    assert body["kind"] == "ServiceAccount"


def test_delete_of_a_namespace_returns_it_terminating(served: Served) -> None:
    served.request("POST", "/api/v1/namespaces",
                   {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "gone-ns"}})
    r = served.request("DELETE", "/api/v1/namespaces/gone-ns")
    assert r.status == 200
    body = r.json()
    assert body["kind"] == "Namespace" and body["status"]["phase"] == "Terminating"
    assert body["metadata"]["deletionTimestamp"]


def test_delete_with_a_finalizer_returns_the_object_with_its_deletion_timestamp(
        served: Served) -> None:
    cm = configmap("held")
    cm["metadata"]["finalizers"] = ["example.com/hold"]
    served.request("POST", CMS, cm)
    r = served.request("DELETE", f"{CMS}/held", {"propagationPolicy": "Background"})
    assert r.status == 200
    assert r.json()["kind"] == "ConfigMap" and r.json()["metadata"]["deletionTimestamp"]
    r = served.request("DELETE", f"{CMS}/held", {"orphanDependents": False})
    assert r.status == 202  # still there, and the client asked for cascading deletion
    served.request("PATCH", f"{CMS}/held", b'{"metadata":{"finalizers":null}}',
                   headers={"Content-Type": "application/merge-patch+json"})
    assert served.store.try_get("ConfigMap", "default", "held") is None


def test_delete_collection_returns_the_list_it_deleted(served: Served) -> None:
    for n in ("col-a", "col-b"):
        cm = configmap(n)
        cm["metadata"]["labels"] = {"set": "col"}
        served.request("POST", CMS, cm)
    r = served.request("DELETE", f"{CMS}?labelSelector=set%3Dcol")
    assert r.status == 200
    body = r.json()
    assert body["kind"] == "ConfigMapList"
    assert [i["metadata"]["name"] for i in body["items"]] == ["col-a", "col-b"]
    assert served.store.list("ConfigMap", "default", label_selector="set=col") == []


def test_namespaces_have_no_delete_collection(served: Served) -> None:
    r = served.request("DELETE", "/api/v1/namespaces")
    assert (r.status, r.json()["reason"]) == (405, "MethodNotAllowed")
    assert served.store.try_get("Namespace", "", "default") is not None


@pytest.mark.parametrize(("options", "message"), [
    ({"propagationPolicy": "Sideways"},
     'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: '
     '"Sideways": supported values: "Foreground", "Background", "Orphan", "nil"'),
    ({"propagationPolicy": "Orphan", "orphanDependents": True},
     'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Invalid value: "Orphan": '
     "orphanDependents and deletionPropagation cannot be both set"),
    ({"dryRun": ["Some"]},
     'DeleteOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"Some"}: '
     'supported values: "All"'),
])
def test_bad_delete_options_are_invalid(served: Served, options: dict[str, Any],
                                        message: str) -> None:
    served.request("POST", CMS, configmap("opts"))
    r = served.request("DELETE", f"{CMS}/opts", options)
    assert r.status == 422 and r.json()["message"] == message
    assert r.json()["details"] == {"group": "meta.k8s.io", "kind": "DeleteOptions",
                                   "causes": r.json()["details"]["causes"]}
    assert served.store.try_get("ConfigMap", "default", "opts") is not None
    served.request("DELETE", f"{CMS}/opts")


def test_delete_options_of_the_wrong_type_fail_to_decode(served: Served) -> None:
    served.request("POST", CMS, configmap("typed"))
    r = served.request("DELETE", f"{CMS}/typed", {"gracePeriodSeconds": "soon"})
    assert r.status == 500
    assert r.json() == {"kind": "Status", "apiVersion": "v1", "metadata": {},
                        "status": "Failure", "message": "json: cannot unmarshal string into "
                        "Go struct field DeleteOptions.gracePeriodSeconds of type int64",
                        "code": 500}
    assert served.store.try_get("ConfigMap", "default", "typed") is not None
    served.request("DELETE", f"{CMS}/typed")


def test_delete_options_in_the_body_win_over_the_query(served: Served) -> None:
    served.request("POST", CMS, configmap("bodywins"))
    r = served.request("DELETE", f"{CMS}/bodywins?dryRun=All", {})
    assert r.status == 200
    assert served.store.try_get("ConfigMap", "default", "bodywins") is None


# ---- dryRun and write options ----------------------------------------------------------


def test_dry_run_leaves_the_store_unchanged_for_every_verb(served: Served) -> None:
    store = served.store
    r = served.request("POST", f"{CMS}?dryRun=All", configmap("dry"))
    assert r.status == 201 and store.try_get("ConfigMap", "default", "dry") is None
    served.request("POST", CMS, configmap("dry"))
    before = store.get("ConfigMap", "default", "dry")
    changed = {**before, "data": {"k": "changed"}}
    assert served.request("PUT", f"{CMS}/dry?dryRun=All", changed).json()["data"] == \
        {"k": "changed"}
    r = served.request("PATCH", f"{CMS}/dry?dryRun=All", b'{"data":{"k":"patched"}}',
                       headers={"Content-Type": "application/merge-patch+json"})
    assert r.json()["data"] == {"k": "patched"}
    assert served.request("DELETE", f"{CMS}/dry?dryRun=All").status == 200
    assert served.request("DELETE", f"{CMS}/dry", {"dryRun": ["All"]}).status == 200
    assert served.request("DELETE", f"{CMS}?dryRun=All").status == 200
    assert store.get("ConfigMap", "default", "dry") == before
    served.request("POST", DEPLOY, builders.deployment("dryscale", namespace=None))
    r = served.request("PATCH", f"{DEPLOY}/dryscale/scale?dryRun=All",
                       b'{"spec":{"replicas":5}}',
                       headers={"Content-Type": "application/merge-patch+json"})
    assert r.json()["spec"]["replicas"] == 5
    assert store.get("Deployment", "default", "dryscale")["spec"]["replicas"] == 1
    served.request("DELETE", f"{DEPLOY}/dryscale")
    served.request("DELETE", f"{CMS}/dry")


@pytest.mark.parametrize(("method", "kind"), [("POST", "CreateOptions"),
                                              ("PUT", "UpdateOptions"),
                                              ("PATCH", "PatchOptions")])
def test_bad_dry_run_values_are_invalid_options(served: Served, method: str,
                                                kind: str) -> None:
    path = CMS if method == "POST" else f"{CMS}/nodry"
    r = served.request(method, f"{path}?dryRun=Client", configmap("nodry"),
                       headers={"Content-Type": "application/merge-patch+json"}
                       if method == "PATCH" else None)
    assert r.status == 422
    assert r.json()["message"] == (f'{kind}.meta.k8s.io "" is invalid: dryRun: Unsupported '
                                   'value: []string{"Client"}: supported values: "All"')


def test_unknown_field_validation_value_is_invalid(served: Served) -> None:
    r = served.request("POST", f"{CMS}?fieldValidation=Loud", configmap("fv"))
    assert r.status == 422
    assert r.json()["message"] == ('CreateOptions.meta.k8s.io "" is invalid: fieldValidation: '
                                   'Unsupported value: "Loud": supported values: "", "Ignore", '
                                   '"Strict", "Warn"')


# ---- malformed and hostile bodies -------------------------------------------------------


def test_malformed_json_gets_the_apiservers_400(served: Served) -> None:
    r = served.request("POST", CMS, b'{"apiVersion": "v1", "kind": "ConfigMap",,}')
    assert r.status == 400
    assert r.json()["message"] == (
        "the object provided is unrecognized (must be of type ConfigMap): couldn't get "
        "version/kind; json parse error: invalid character ',' looking for beginning of "
        'object key string ({"apiVersion": "v1", "kind": " ...)')
    r = served.request("POST", CMS, b"[1,")
    assert r.json()["message"] == (
        "the object provided is unrecognized (must be of type ConfigMap): couldn't get "
        "version/kind; json parse error: unexpected end of JSON input (5b312c)")


def test_json_nested_past_ten_thousand_is_a_400_not_a_500(served: Served) -> None:
    deep = b'{"a":' * 100_000 + b"1" + b"}" * 100_000
    for method, path, ctype in (("POST", CMS, "application/json"),
                                ("PUT", f"{CMS}/x", "application/json"),
                                ("PATCH", f"{CMS}/x", "application/strategic-merge-patch+json"),
                                ("DELETE", f"{CMS}/x", "application/json")):
        r = served.request(method, path, deep, headers={"Content-Type": ctype})
        assert r.status == 400, (method, r.body[:200])
        assert "invalid character '{' exceeded max depth" in r.json()["message"]
    r = served.request("PATCH", f"{CMS}/x", deep,
                       headers={"Content-Type": "application/merge-patch+json"})
    assert (r.status, r.json()["message"]) == (400, "Invalid JSON Patch")


def test_go_json_reader_accepts_nesting_up_to_the_limit() -> None:
    ok = "[" * 10_000 + "]" * 10_000
    assert gojson.syntax_error(ok) is None
    assert gojson.syntax_error("[" + ok + "]") == "invalid character '[' exceeded max depth"


@pytest.mark.parametrize(("text", "message"), [
    ("", "unexpected end of JSON input"),
    ('{"a" 1}', "invalid character '1' after object key"),
    ('{"a":1 "b":2}', "invalid character '\"' after object key:value pair"),
    ("[1 2]", "invalid character '2' after array element"),
    ("[1,]", "invalid character ']' looking for beginning of value"),
    ("trux", "invalid character 'x' in literal true (expecting 'e')"),
    ("-x", "invalid character 'x' in numeric literal"),
    ("1.e", "invalid character 'e' after decimal point in numeric literal"),
    ('"\\q"', "invalid character 'q' in string escape code"),
    ('"a\tb"', "invalid character '\\t' in string literal"),
    ("NaN", "invalid character 'N' looking for beginning of value"),
    ("{} x", "invalid character 'x' after top-level value"),
])
def test_go_json_syntax_errors(text: str, message: str) -> None:
    assert gojson.syntax_error(text) == message


def test_go_json_reader_reads_what_python_reads() -> None:
    doc = {"a": [1, -2.5e3, {"b": None, "c": True}], "d": "é\n\"", "e": {}, "f": []}
    text = json.dumps(doc)
    assert gojson._Parser(text).parse() == doc


# ---- the official Python client -----------------------------------------------------------


def test_python_client_reads_every_delete_answer(served: Served) -> None:
    cfg = client.Configuration()
    config.load_kube_config(config_file=str(served.kubeconfig), client_configuration=cfg)
    with client.ApiClient(cfg) as api:
        core = client.CoreV1Api(api)
        core.create_namespaced_service("default", service("py-svc"))
        deleted = core.delete_namespaced_service("py-svc", "default", body={})
        assert isinstance(deleted, client.V1Service) and deleted.metadata.name == "py-svc"
        core.create_namespaced_config_map("default", configmap("py-cm"))
        status = core.delete_namespaced_config_map("py-cm", "default")
        assert status["status"] == "Success" and status["details"]["kind"] == "configmaps"
        core.create_namespace({"metadata": {"name": "py-ns"}})
        ns = core.delete_namespace("py-ns")
        assert ns["kind"] == "Namespace" and ns["status"]["phase"] == "Terminating"
        page = core.list_config_map_for_all_namespaces(limit=1)
        assert len(page.items) == 1 and page.metadata._continue
