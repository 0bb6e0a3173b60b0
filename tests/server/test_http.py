"""The API over raw https: auth, limits, discovery, CRUD, Status errors, Table, dryRun."""

from __future__ import annotations

import json
from typing import Any

import pytest

from kubenb.server import ApiServer
from kubenb.server.negotiate import DISCOVERY_TYPE, TABLE_TYPE
from tests import builders

from .conftest import Served

DEPLOY = "/apis/apps/v1/namespaces/default/deployments"


def deployment(name: str, replicas: int = 1) -> dict[str, Any]:
    return builders.deployment(name, replicas=replicas, namespace=None)


def configmap(name: str, **data: str) -> dict[str, Any]:
    return builders.configmap(name, data, namespace=None)


# ---- security ---------------------------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"},
                                     {"Authorization": "Basic eDp5"}])
def test_requests_without_the_token_get_401(served: Served, headers: dict[str, str]) -> None:
    r = served.request("GET", "/api/v1/namespaces/default/pods", token=False, headers=headers)
    assert r.status == 401
    assert r.json() == {"kind": "Status", "apiVersion": "v1", "metadata": {},
                        "status": "Failure", "message": "Unauthorized", "reason": "Unauthorized",
                        "code": 401}
    r = served.request("POST", "/api/v1/namespaces/default/configmaps", configmap("sneaky"),
                       token=False)
    assert r.status == 401 and served.store.try_get("ConfigMap", "default", "sneaky") is None


def test_version_and_health_are_public(served: Served) -> None:
    r = served.request("GET", "/version?timeout=5s", token=False)
    assert r.status == 200 and r.json()["gitVersion"] == "v1.32.0"
    assert set(r.json()) == {"major", "minor", "gitVersion", "gitCommit", "gitTreeState",
                             "buildDate", "goVersion", "compiler", "platform"}
    # what the v1.32.0 release's kube-apiserver reports (minikube v1.35.0's default)
    assert (r.json()["gitCommit"], r.json()["buildDate"], r.json()["goVersion"]) == (
        "70d3cc986aa8221cd1dfb1121852688902d3bf53", "2024-12-11T17:59:15Z", "go1.23.3")
    for path in ("/healthz", "/livez", "/readyz"):
        r = served.request("GET", path, token=False)
        assert (r.status, r.body) == (200, b"ok")


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.49.2", "10.0.0.1", "::", "example.com"])
def test_non_loopback_bind_is_refused(host: str) -> None:
    with pytest.raises(ValueError, match="loopback addresses only"):
        ApiServer(host=host)


def test_loopback_addresses_are_accepted() -> None:
    assert ApiServer(host="127.0.0.5").host == "127.0.0.5"
    assert ApiServer(host="localhost").host == "127.0.0.1"


def test_oversized_body_is_413_and_the_server_keeps_serving(served: Served) -> None:
    big = configmap("big", blob="x" * (served.api.max_body_bytes + 10))
    r = served.request("POST", "/api/v1/namespaces/default/configmaps", big)
    assert r.status == 413
    assert r.json()["reason"] == "RequestEntityTooLarge"
    assert r.json()["message"] == f"Request entity too large: limit is {served.api.max_body_bytes}"
    assert served.store.try_get("ConfigMap", "default", "big") is None
    assert served.request("GET", "/api/v1/namespaces/default/configmaps").status == 200


@pytest.mark.parametrize("body, ctype", [
    (b'{"kind": "ConfigMap", "metadata": {"name": ', "application/json"),
    (b"\xff\xfe", "application/json"),
    (b"[1, 2]", "application/json"),
    (b"k8s\x00\x0a\x99\x01", "application/vnd.kubernetes.protobuf"),
    (b"not protobuf", "application/vnd.kubernetes.protobuf"),
])
def test_malformed_bodies_are_400_and_the_server_keeps_serving(served: Served, body: bytes,
                                                                ctype: str) -> None:
    r = served.request("POST", "/api/v1/namespaces/default/configmaps", body,
                       headers={"Content-Type": ctype})
    assert r.status == 400
    status = r.json()
    assert (status["kind"], status["status"], status["reason"], status["code"]) == (
        "Status", "Failure", "BadRequest", 400)
    assert served.request("GET", "/api/v1/namespaces/default/configmaps").status == 200


# ---- discovery and OpenAPI --------------------------------------------------------------


def test_aggregated_discovery_when_asked(served: Served) -> None:
    accept = f"{DISCOVERY_TYPE},application/json"
    r = served.request("GET", "/apis", headers={"Accept": accept})
    assert r.headers["content-type"] == DISCOVERY_TYPE
    doc = r.json()
    apps = [i for i in doc["items"] if i["metadata"]["name"] == "apps"][0]
    deploy = [x for x in apps["versions"][0]["resources"] if x["resource"] == "deployments"][0]
    assert deploy["shortNames"] == ["deploy"] and deploy["categories"] == ["all"]
    assert {"subresource": "scale", "responseKind": {"group": "autoscaling", "version": "v1",
                                                     "kind": "Scale"},
            "verbs": ["get", "patch", "update"]} in deploy["subresources"]
    core = served.request("GET", "/api", headers={"Accept": accept}).json()
    pods = [x for x in core["items"][0]["versions"][0]["resources"] if x["resource"] == "pods"][0]
    assert pods["scope"] == "Namespaced" and pods["shortNames"] == ["po"]


def test_legacy_discovery(served: Served) -> None:
    assert served.request("GET", "/api").json()["versions"] == ["v1"]
    groups = served.request("GET", "/apis").json()["groups"]
    assert [g["name"] for g in groups] == [  # kube-apiserver's order: by group priority
        "apiregistration.k8s.io", "apps", "authentication.k8s.io", "authorization.k8s.io",
        "autoscaling", "batch", "certificates.k8s.io", "networking.k8s.io", "policy",
        "rbac.authorization.k8s.io", "storage.k8s.io", "apiextensions.k8s.io", "coordination.k8s.io",
        "discovery.k8s.io"]
    v1 = served.request("GET", "/api/v1").json()
    names = {r["name"]: r for r in v1["resources"]}
    assert names["pods"]["singularName"] == "pod" and names["nodes"]["namespaced"] is False
    assert names["pods/eviction"]["group"] == "policy"
    assert "pods/exec" in names and "pods/log" in names and "services/proxy" in names
    apps = served.request("GET", "/apis/apps/v1").json()
    assert apps["groupVersion"] == "apps/v1"
    assert served.request("GET", "/apis/batch/v1").json()["groupVersion"] == "batch/v1"
    assert served.request("GET", "/apis/node.k8s.io/v1").status == 404


def test_metrics_group_appears_with_the_addon(served: Served) -> None:
    served.cluster.metrics_enabled = True
    try:
        groups = [g["name"] for g in served.request("GET", "/apis").json()["groups"]]
        assert groups[-2:] == ["discovery.k8s.io", "metrics.k8s.io"]
        nodes = served.request("GET", "/apis/metrics.k8s.io/v1beta1/nodes").json()
        assert nodes["kind"] == "NodeMetricsList" and len(nodes["items"]) == 2
    finally:
        served.cluster.metrics_enabled = False
    assert served.request("GET", "/apis/metrics.k8s.io/v1beta1/nodes").status == 404


def test_openapi_v3_lets_kubectl_leave_validation_to_the_server(served: Served) -> None:
    root = served.request("GET", "/openapi/v3").json()
    url = root["paths"]["apis/apps/v1"]["serverRelativeURL"]
    doc = served.request("GET", url).json()
    op = doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"]
    assert op["x-kubernetes-group-version-kind"] == {"group": "apps", "version": "v1",
                                                     "kind": "Deployment"}
    assert {"name": "fieldValidation", "in": "query"}.items() <= op["parameters"][0].items()
    assert served.request("GET", "/openapi/v2").status == 404


# ---- CRUD and Status errors -------------------------------------------------------------


def test_status_errors_are_the_apiservers(served: Served) -> None:
    r = served.request("GET", f"{DEPLOY}/missing")
    assert r.status == 404 and r.json() == {
        "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
        "message": 'deployments.apps "missing" not found', "reason": "NotFound",
        "details": {"name": "missing", "group": "apps", "kind": "deployments"}, "code": 404}
    assert served.request("POST", DEPLOY, deployment("dup")).status == 201
    r = served.request("POST", DEPLOY, deployment("dup"))
    assert (r.status, r.json()["reason"], r.json()["message"]) == (
        409, "AlreadyExists", 'deployments.apps "dup" already exists')
    stale = served.request("GET", f"{DEPLOY}/dup").json()
    fresh = dict(stale, spec={**stale["spec"], "replicas": 2})
    assert served.request("PUT", f"{DEPLOY}/dup", fresh).status == 200
    r = served.request("PUT", f"{DEPLOY}/dup", dict(stale, spec={**stale["spec"], "replicas": 5}))
    assert (r.status, r.json()["reason"]) == (409, "Conflict")
    assert r.json()["message"] == ('Operation cannot be fulfilled on deployments.apps "dup": the '
                                   "object has been modified; please apply your changes to the "
                                   "latest version and try again")
    bad = deployment("bad", replicas=-1)
    r = served.request("POST", DEPLOY, bad)
    assert (r.status, r.json()["reason"]) == (422, "Invalid")
    assert r.json()["details"]["causes"] == [
        {"reason": "FieldValueInvalid", "field": "spec.replicas",
         "message": "Invalid value: -1: must be greater than or equal to 0"}]
    assert served.request("GET", "/api/v1/namespaces/default/nothings").status == 404


def test_namespace_and_name_must_match_the_url(served: Served) -> None:
    obj = configmap("cm-x")
    obj["metadata"]["namespace"] = "kube-system"
    r = served.request("POST", "/api/v1/namespaces/default/configmaps", obj)
    assert r.status == 400 and "does not match the namespace" in r.json()["message"]
    r = served.request("PUT", "/api/v1/namespaces/default/configmaps/other", configmap("cm-x"))
    assert r.status == 400 and "does not match the name on the URL" in r.json()["message"]


def test_list_with_selectors_and_paging(served: Served) -> None:
    for i in range(5):
        served.request("POST", "/api/v1/namespaces/default/configmaps",
                       {**configmap(f"page-{i}"), "metadata": {
                           "name": f"page-{i}", "labels": {"page": "yes", "n": str(i % 2)}}})
    base = "/api/v1/namespaces/default/configmaps?labelSelector=page%3Dyes"
    got, token, pages = [], "", 0
    while True:
        r = served.request("GET", f"{base}&limit=2" + (f"&continue={token}" if token else ""))
        body = r.json()
        assert body["kind"] == "ConfigMapList" and len(body["items"]) <= 2
        got += [i["metadata"]["name"] for i in body["items"]]
        pages += 1
        token = body["metadata"].get("continue", "")
        if not token:
            break
    assert got == [f"page-{i}" for i in range(5)] and pages == 3
    odd = served.request("GET", f"{base},n=1").json()["items"]
    assert [i["metadata"]["name"] for i in odd] == ["page-1", "page-3"]
    field = served.request("GET", "/api/v1/configmaps?fieldSelector=metadata.name%3Dpage-4").json()
    assert [i["metadata"]["name"] for i in field["items"]] == ["page-4"]
    r = served.request("GET", "/api/v1/configmaps?fieldSelector=spec.bogus%3D1")
    assert r.status == 400 and r.json()["message"] == "field label not supported: spec.bogus"


def test_table_printing_uses_the_shared_columns(served: Served) -> None:
    served.request("POST", DEPLOY, deployment("tbl", replicas=0))
    accept = f"{TABLE_TYPE},application/json"
    r = served.request("GET", f"{DEPLOY}?limit=500", headers={"Accept": accept})
    assert r.headers["content-type"] == TABLE_TYPE
    table = r.json()
    assert [c["name"] for c in table["columnDefinitions"]][:5] == [
        "Name", "Ready", "Up-to-date", "Available", "Age"]
    row = [x for x in table["rows"] if x["cells"][0] == "tbl"][0]
    assert row["cells"][1:4] == ["0/0", 0, 0]
    assert row["object"]["kind"] == "PartialObjectMetadata" and "spec" not in row["object"]
    full = served.request("GET", f"{DEPLOY}/tbl?includeObject=Object",
                          headers={"Accept": accept}).json()
    assert full["rows"][0]["object"]["spec"]["replicas"] == 0
    assert full["rows"][0]["object"]["kind"] == "Deployment"
    bare = served.request("GET", f"{DEPLOY}/tbl?includeObject=None", headers={"Accept": accept})
    assert "object" not in bare.json()["rows"][0]


def test_dry_run_stores_nothing(served: Served) -> None:
    cms = "/api/v1/namespaces/default/configmaps"
    r = served.request("POST", f"{cms}?dryRun=All", configmap("dry", a="1"))
    assert r.status == 201 and r.json()["metadata"]["uid"]
    assert served.store.try_get("ConfigMap", "default", "dry") is None
    served.request("POST", cms, configmap("dry", a="1"))
    rv = served.store.get("ConfigMap", "default", "dry")["metadata"]["resourceVersion"]
    writes: list[tuple[str, str]] = []  # the cluster's own heartbeats write meanwhile

    def record(verb: str, kind: str, obj: dict[str, Any], sub: str | None) -> None:
        writes.append((kind, obj["metadata"]["name"]))

    served.store.write_listeners.append(record)
    try:
        r = served.request("PATCH", f"{cms}/dry?dryRun=All", {"data": {"a": "2"}},
                           headers={"Content-Type": "application/merge-patch+json"})
        assert r.json()["data"] == {"a": "2"}
        assert served.request("DELETE", f"{cms}/dry?dryRun=All").status == 200
        r = served.request("PUT", f"{cms}/dry?dryRun=All", configmap("dry", a="3"))
        assert r.status == 200 and r.json()["data"] == {"a": "3"}
    finally:
        served.store.write_listeners.remove(record)
    assert ("ConfigMap", "dry") not in writes
    stored = served.store.get("ConfigMap", "default", "dry")
    assert stored["data"] == {"a": "1"} and stored["metadata"]["resourceVersion"] == rv


def test_patch_types(served: Served) -> None:
    served.request("POST", DEPLOY, deployment("pt"))
    smp = {"spec": {"template": {"spec": {"$setElementOrder/containers": [{"name": "c"}],
                                          "containers": [{"name": "c", "image": "nginx:2"}]}}}}
    r = served.request("PATCH", f"{DEPLOY}/pt", smp,
                       headers={"Content-Type": "application/strategic-merge-patch+json"})
    assert r.status == 200 and r.json()["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:2"
    r = served.request("PATCH", f"{DEPLOY}/pt", [{"op": "replace", "path": "/spec/replicas",
                                                "value": 3}],
                       headers={"Content-Type": "application/json-patch+json"})
    assert r.json()["spec"]["replicas"] == 3
    r = served.request("PATCH", f"{DEPLOY}/pt", {"metadata": {"labels": {"x": "y"}}},
                       headers={"Content-Type": "application/merge-patch+json"})
    assert r.json()["metadata"]["labels"] == {"app": "pt", "x": "y"}
    r = served.request("PATCH", f"{DEPLOY}/pt", {"a": 1}, headers={"Content-Type": "text/plain"})
    assert r.status == 415
    r = served.request("PATCH", f"{DEPLOY}/pt", [{"op": "test", "path": "/spec/replicas",
                                                "value": 9}],
                       headers={"Content-Type": "application/json-patch+json"})
    assert r.status == 422
    stale = {"metadata": {"resourceVersion": "1"}, "spec": {"replicas": 7}}
    r = served.request("PATCH", f"{DEPLOY}/pt", stale,
                       headers={"Content-Type": "application/merge-patch+json"})
    assert r.status == 409


def test_server_side_apply_creates_then_merges(served: Served) -> None:
    ssa = {"Content-Type": "application/apply-patch+yaml"}
    cfg = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: '1'\n"
    path = "/api/v1/namespaces/default/configmaps/ssa"
    r = served.request("PATCH", path, cfg.encode(), headers=ssa)
    assert r.status == 422 and r.json()["message"] == (
        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for '
        "apply patch")
    r = served.request("PATCH", f"{path}?fieldManager=me", cfg.encode(), headers=ssa)
    assert r.status == 201 and r.json()["data"] == {"a": "1"}
    served.request("PATCH", path, {"data": {"other": "x"}},
                   headers={"Content-Type": "application/merge-patch+json"})
    r = served.request("PATCH", f"{path}?fieldManager=me", cfg.replace("'1'", "'2'").encode(),
                       headers=ssa)
    assert r.status == 200 and r.json()["data"] == {"a": "2", "other": "x"}


def test_delete_answers_like_the_apiserver(served: Served) -> None:
    served.request("POST", DEPLOY, deployment("gone"))
    uid = served.store.get("Deployment", "default", "gone")["metadata"]["uid"]
    r = served.request("DELETE", f"{DEPLOY}/gone", {"propagationPolicy": "Background"})
    assert r.status == 200 and r.json() == {
        "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success",
        "details": {"name": "gone", "group": "apps", "kind": "deployments", "uid": uid}}
    assert served.request("DELETE", f"{DEPLOY}/gone").status == 404
    served.request("POST", "/api/v1/namespaces/default/configmaps", configmap("pre"))
    r = served.request("DELETE", "/api/v1/namespaces/default/configmaps/pre",
                       {"preconditions": {"uid": "not-it"}})
    assert r.status == 409 and "Precondition failed" in r.json()["message"]


def test_delete_collection(served: Served) -> None:
    for i in range(3):
        served.request("POST", "/api/v1/namespaces/default/configmaps",
                       {**configmap(f"dc-{i}"), "metadata": {"name": f"dc-{i}",
                                                           "labels": {"dc": "1"}}})
    r = served.request("DELETE", "/api/v1/namespaces/default/configmaps?labelSelector=dc%3D1")
    assert r.status == 200 and len(r.json()["items"]) == 3
    assert served.store.list("ConfigMap", "default", label_selector="dc=1") == []


def test_unknown_method_on_a_subresource(served: Served) -> None:
    served.request("POST", DEPLOY, deployment("meth", replicas=0))
    r = served.request("DELETE", f"{DEPLOY}/meth/scale")
    assert r.status == 405 and r.json()["reason"] == "MethodNotAllowed"
    assert json.loads(served.request("GET", "/nowhere").body)["code"] == 404


def test_endpointslices_mirror_the_endpoints(served: Served) -> None:
    store = served.store
    store.create({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "sliced"},
                  "spec": {"ports": [{"name": "http", "port": 80}]}})
    store.create({"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": "sliced"},
                  "subsets": [{"addresses": [{"ip": "10.1.0.1", "nodeName": "minikube"}],
                               "notReadyAddresses": [{"ip": "10.1.0.2"}],
                               "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}]}]})
    r = served.request("GET", "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices"
                       "?labelSelector=kubernetes.io%2Fservice-name%3Dsliced")
    body = r.json()
    assert body["kind"] == "EndpointSliceList" and len(body["items"]) == 1
    s = body["items"][0]
    assert s["addressType"] == "IPv4" and s["ports"] == [{"name": "http", "port": 8080,
                                                          "protocol": "TCP"}]
    assert [(e["addresses"], e["conditions"]["ready"]) for e in s["endpoints"]] == [
        (["10.1.0.1"], True), (["10.1.0.2"], False)]
    one = served.request("GET", "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/"
                         + s["metadata"]["name"])
    assert one.json() == s
    missing = served.request("GET", "/apis/discovery.k8s.io/v1/namespaces/default/"
                             "endpointslices/nope")
    assert missing.status == 404
