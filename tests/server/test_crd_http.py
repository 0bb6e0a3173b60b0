"""CustomResourceDefinitions over HTTP: real kubectl 1.32 against the API server (printer
columns by the server-side Table, errors as kubenb's kubectl prints them), the HTTP API
(discovery, CRUD, selectors, watch, the status and scale subresources, generation, cluster
scope) and the official Python client's CustomObjectsApi."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from kubernetes import client, config, watch

from tests.crd.crontab import CRONTAB_CRD, crd, crontab

from .conftest import KUBECTL_132, Served
from .test_kubectl import ours, words

pytestmark = pytest.mark.skipif(not __import__("shutil").which(KUBECTL_132), reason="no kubectl 1.32")
CT = "/apis/stable.example.com/v1/namespaces/default/crontabs"


def k132(served: Served, *args: str, rc: int = 0, stdin: str | None = None) -> str:
    run = served.kubectl(*args, binary=KUBECTL_132, stdin=stdin)
    assert run.rc == rc, f"kubectl {' '.join(args)}: {run.out}{run.err}"
    return run.out + run.err


def _served_kind(served: Served, kind: str) -> bool:
    return any(rt.kind == kind for rt in served.store.registry)


@pytest.fixture
def crontabs(served: Served) -> Iterator[None]:
    k132(served, "apply", "-f", "-", stdin=json.dumps(CRONTAB_CRD))
    served.cluster.wait_for(lambda: _served_kind(served, "CronTab"), timeout=30)
    yield
    k132(served, "delete", "crd", "crontabs.stable.example.com", "--ignore-not-found")
    served.cluster.wait_for(lambda: not _served_kind(served, "CronTab"), timeout=30)


def test_real_kubectl_gets_printer_columns_and_errors(served: Served, crontabs: None) -> None:
    assert k132(served, "apply", "-f", "-", stdin=json.dumps(crontab())) == (
        "crontab.stable.example.com/my-new-cron-object created\n")
    created = served.store.get("CustomResourceDefinition", None, "crontabs.stable.example.com")
    assert k132(served, "get", "crd") == (  # a timestamp, not an age, as the default convertor's
        "NAME                          CREATED AT\n"
        f"crontabs.stable.example.com   {created['metadata']['creationTimestamp']}\n")
    assert k132(served, "get", "crd") == ours(served, "get", "crd")
    for args in (["get", "crontabs"], ["get", "ct", "-o", "wide"], ["get", "crontab"],
                 ["get", "crontabs.stable.example.com"], ["get", "ct", "-L", "x"],
                 ["get", "all"]):
        assert words(k132(served, *args)) == words(ours(served, *args)), args
    assert words(k132(served, "get", "ct", "-o", "wide")) == [
        ["NAME", "SPEC", "REPLICAS", "AGE", "IMAGE"],
        ["my-new-cron-object", "*", "*", "*", "*", "*/5", "1", "AGE", "my-awesome-cron-image"]]
    for args in (["describe", "ct", "my-new-cron-object"], ["api-resources", "--api-group=stable.example.com"],
                 ["get", "ct", "my-new-cron-object", "-o", "yaml"]):
        assert k132(served, *args) == ours(served, *args), args
    bad = json.dumps(crontab("bad", cronSpec="* * * *", replicas=15))
    real = k132(served, "apply", "-f", "-", stdin=bad, rc=1)
    assert real == ('The CronTab "bad" is invalid: \n'
                    "* spec.cronSpec: Invalid value: \"* * * *\": spec.cronSpec in body should match "
                    "'^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$'\n"
                    "* spec.replicas: Invalid value: 15: spec.replicas in body should be less than "
                    "or equal to 10\n")
    unknown = json.dumps(crontab("odd", foo=1))
    assert k132(served, "create", "-f", "-", stdin=unknown, rc=1) == (
        'Error from server (BadRequest): error when creating "STDIN": CronTab in version "v1" cannot be '
        'handled as a CronTab: strict decoding error: unknown field "spec.foo"\n')
    assert k132(served, "apply", "--server-side", "-f", "-", stdin=unknown, rc=1) == (
        "Error from server: failed to create typed patch object (default/odd; stable.example.com/v1, "
        "Kind=CronTab): .spec.foo: field not declared in schema\n")
    assert k132(served, "get", "ct", "--field-selector", "spec.image=x", rc=1) == (
        'Error from server (BadRequest): Unable to find "stable.example.com/v1, Resource=crontabs" that match '
        'label selector "", field selector "spec.image=x": field label not supported: spec.image\n')
    patch = json.dumps({"spec": {"image": "x"}})
    assert k132(served, "patch", "ct", "my-new-cron-object", "-p", patch, rc=1) == ours(
        served, "patch", "ct", "my-new-cron-object", "-p", patch)
    assert k132(served, "scale", "ct", "my-new-cron-object", "--replicas=3") == (
        "crontab.stable.example.com/my-new-cron-object scaled\n")
    assert served.store.get("CronTab", "default", "my-new-cron-object")["spec"]["replicas"] == 3
    assert k132(served, "delete", "crd", "crontabs.stable.example.com") == (
        'customresourcedefinition.apiextensions.k8s.io "crontabs.stable.example.com" deleted\n')
    served.cluster.wait_for(lambda: not _served_kind(served, "CronTab"), timeout=30)
    # kubectl's discovery cache still maps `ct`; the list itself finds nothing at that path
    assert k132(served, "get", "ct", rc=1) == (
        'Error from server (NotFound): Unable to list "stable.example.com/v1, Resource=crontabs": '
        "the server could not find the requested resource\n")


def test_discovery_names_the_custom_group(served: Served, crontabs: None) -> None:
    group = served.request("GET", "/apis/stable.example.com").json()
    assert group["preferredVersion"] == {"groupVersion": "stable.example.com/v1", "version": "v1"}
    resources = served.request("GET", "/apis/stable.example.com/v1").json()["resources"]
    assert resources[0] == {"name": "crontabs", "singularName": "crontab", "namespaced": True, "kind": "CronTab",
                            "verbs": ["delete", "deletecollection", "get", "list", "patch", "create", "update",
                                      "watch"], "shortNames": ["ct"], "categories": ["all"]}
    assert [r["name"] for r in resources] == ["crontabs", "crontabs/scale", "crontabs/status"]
    names = [g["name"] for g in served.request("GET", "/apis").json()["groups"]]
    assert "stable.example.com" in names
    accept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
    agg = served.request("GET", "/apis", headers={"Accept": accept}).json()
    entry = [i for i in agg["items"] if i["metadata"]["name"] == "stable.example.com"][0]
    assert entry["versions"][0]["resources"][0]["shortNames"] == ["ct"]


def test_crud_selectors_status_scale_and_generation(served: Served, crontabs: None) -> None:
    r = served.request("POST", CT, {**crontab("a"), "status": {"replicas": 9}})
    assert r.status == 201
    created = r.json()
    assert "status" not in created and created["metadata"]["generation"] == 1
    assert created["spec"]["replicas"] == 1
    labelled = crontab("b")
    labelled["metadata"]["labels"] = {"tier": "x"}
    assert served.request("POST", CT, labelled).status == 201
    names = [o["metadata"]["name"] for o in served.request("GET", f"{CT}?labelSelector=tier%3Dx").json()["items"]]
    assert names == ["b"]
    everywhere = "/apis/stable.example.com/v1/crontabs?fieldSelector=metadata.name%3Da"
    assert [o["metadata"]["name"] for o in served.request("GET", everywhere).json()["items"]] == ["a"]
    by_ns = "/apis/stable.example.com/v1/crontabs?fieldSelector=metadata.namespace%3Ddefault"
    assert len(served.request("GET", by_ns).json()["items"]) == 2
    # status through /status only; spec changes bump the generation, status changes do not
    obj = served.request("GET", f"{CT}/a").json()
    obj["status"] = {"replicas": 2, "labelSelector": "tier=x"}
    after = served.request("PUT", f"{CT}/a/status", obj).json()
    assert after["status"] == {"replicas": 2, "labelSelector": "tier=x"}
    assert after["metadata"]["generation"] == 1
    after["status"] = {"replicas": 5}
    after["spec"]["image"] = "new"
    main = served.request("PUT", f"{CT}/a", after).json()
    assert main["status"] == {"replicas": 2, "labelSelector": "tier=x"} and main["metadata"]["generation"] == 2
    bad = dict(main, status={"replicas": "many"})
    r = served.request("PUT", f"{CT}/a/status", bad)
    assert r.status == 422 and r.json()["message"] == (
        'CronTab.stable.example.com "a" is invalid: status.replicas: Invalid value: "string": '
        'status.replicas in body must be of type integer: "string"')
    scale = served.request("GET", f"{CT}/a/scale").json()
    assert (scale["spec"], scale["status"]) == ({"replicas": 1}, {"replicas": 2, "selector": "tier=x"})
    r = served.request("PATCH", f"{CT}/a/scale", {"spec": {"replicas": 4}},
                       headers={"Content-Type": "application/merge-patch+json"})
    assert r.json()["spec"]["replicas"] == 4
    assert served.store.get("CronTab", "default", "a")["spec"]["replicas"] == 4
    r = served.request("PATCH", f"{CT}/a", {"spec": {"image": "y"}},
                       headers={"Content-Type": "application/strategic-merge-patch+json"})
    assert (r.status, r.json()["reason"]) == (415, "UnsupportedMediaType")
    gone = served.request("DELETE", f"{CT}/a").json()
    assert (gone["kind"], gone["details"]["kind"]) == ("Status", "crontabs")


def test_watch_sees_custom_objects_and_the_crd_delete(served: Served, crontabs: None) -> None:
    events: list[tuple[str, str]] = []
    conn = served.connection()
    conn.request("GET", f"{CT}?watch=true", headers={"Authorization": f"Bearer {served.api.token}"})
    resp = conn.getresponse()
    got_all = threading.Event()

    def read() -> None:
        for line in resp:
            ev = json.loads(line)
            events.append((ev["type"], ev["object"]["metadata"]["name"]))
            if ev["type"] == "DELETED":
                got_all.set()
                return

    t = threading.Thread(target=read, daemon=True)
    t.start()
    served.request("POST", CT, crontab("w"))
    served.request("DELETE", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/crontabs.stable.example.com")
    assert got_all.wait(30)
    conn.close()
    assert events == [("ADDED", "w"), ("DELETED", "w")]


def test_cluster_scoped_custom_resources(served: Served) -> None:
    cluster_crd = crd(scope="Cluster")
    cluster_crd["spec"]["names"] = {"plural": "widgets", "singular": "widget", "kind": "Widget"}
    cluster_crd["metadata"]["name"] = "widgets.stable.example.com"
    cluster_crd["spec"]["versions"][0]["subresources"] = {}
    cluster_crd["spec"]["versions"][0].pop("additionalPrinterColumns")
    assert served.request("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", cluster_crd).status == 201
    served.cluster.wait_for(lambda: _served_kind(served, "Widget"), timeout=30)
    try:
        w = {"apiVersion": "stable.example.com/v1", "kind": "Widget", "metadata": {"name": "w1"},
             "spec": {"image": "i"}, "status": {"replicas": 3}}
        r = served.request("POST", "/apis/stable.example.com/v1/widgets", w)
        assert r.status == 201 and "namespace" not in r.json()["metadata"]
        assert r.json()["status"] == {"replicas": 3}  # no status subresource: status is kept
        assert served.request("GET", "/apis/stable.example.com/v1/namespaces/default/widgets").status == 404
        assert words(k132(served, "get", "widgets")) == [["NAME", "AGE"], ["w1", "AGE"]]
        again = dict(r.json(), status={"replicas": 4})
        assert served.request("PUT", "/apis/stable.example.com/v1/widgets/w1", again).json()["metadata"][
            "generation"] == 2  # without a status subresource, status changes bump it too
    finally:
        served.request("DELETE", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.stable.example.com")
        served.cluster.wait_for(lambda: not _served_kind(served, "Widget"), timeout=30)


@pytest.fixture
def api_client(served: Served) -> Iterator[client.ApiClient]:
    cfg = client.Configuration()
    config.load_kube_config(config_file=str(served.kubeconfig), client_configuration=cfg)
    with client.ApiClient(cfg) as api:
        yield api


def test_python_client_custom_objects_api(served: Served, api_client: client.ApiClient) -> None:
    ext = client.ApiextensionsV1Api(api_client)
    ext.create_custom_resource_definition(CRONTAB_CRD)
    served.cluster.wait_for(lambda: _served_kind(served, "CronTab"), timeout=30)
    try:
        read = ext.read_custom_resource_definition("crontabs.stable.example.com")
        assert [c.type for c in read.status.conditions] == ["NamesAccepted", "Established"]
        api = client.CustomObjectsApi(api_client)
        args: tuple[Any, ...] = ("stable.example.com", "v1", "default", "crontabs")
        made = api.create_namespaced_custom_object(*args, crontab("py"))
        assert made["spec"]["replicas"] == 1
        items = api.list_namespaced_custom_object(*args)["items"]
        assert [i["metadata"]["name"] for i in items] == ["py"]
        patched = api.patch_namespaced_custom_object(*args, "py", {"spec": {"image": "other"}})
        assert patched["spec"]["image"] == "other" and patched["metadata"]["generation"] == 2
        api.patch_namespaced_custom_object_status(*args, "py", {"status": {"replicas": 1}})
        scale = api.get_namespaced_custom_object_scale(*args, "py")
        assert scale["status"]["replicas"] == 1
        stream = watch.Watch().stream(api.list_namespaced_custom_object, *args, timeout_seconds=5)
        first = next(stream)
        assert (first["type"], first["object"]["metadata"]["name"]) == ("ADDED", "py")
        status = api.delete_namespaced_custom_object(*args, "py")
        assert status["status"] == "Success"
        assert api.list_namespaced_custom_object(*args)["items"] == []
    finally:
        ext.delete_custom_resource_definition("crontabs.stable.example.com")
        served.cluster.wait_for(lambda: not _served_kind(served, "CronTab"), timeout=30)


def test_explain_over_http_matches_kubenbs_explain(served: Served, crontabs: None) -> None:
    k132(served, "get", "ct")  # refreshes kubectl's discovery cache
    for args in (["explain", "ct"], ["explain", "ct.spec"], ["explain", "crontabs.spec.replicas"],
                 ["explain", "ct", "--recursive"], ["explain", "ct.metadata.labels"]):
        assert k132(served, *args) == ours(served, *args), args
    doc = served.request("GET", "/openapi/v3/apis/stable.example.com/v1").json()
    schema = doc["components"]["schemas"]["com.example.stable.v1.CronTab"]
    assert schema["x-kubernetes-group-version-kind"] == [
        {"group": "stable.example.com", "kind": "CronTab", "version": "v1"}]
    assert schema["properties"]["spec"]["properties"]["replicas"]["maximum"] == 10


def test_a_second_version_is_served_with_its_own_columns(served: Served) -> None:
    two = crd()
    v1 = two["spec"]["versions"][0]
    beta = {**json.loads(json.dumps(v1)), "name": "v1beta1", "storage": False}
    beta["additionalPrinterColumns"] = [{"name": "Image", "type": "string", "jsonPath": ".spec.image"}]
    two["spec"]["versions"] = [beta, v1]
    k132(served, "apply", "-f", "-", stdin=json.dumps(two))
    served.cluster.wait_for(lambda: _served_kind(served, "CronTab"), timeout=30)
    try:
        b1 = dict(crontab("b1"), apiVersion="stable.example.com/v1beta1")
        assert served.request("POST", CT.replace("/v1/", "/v1beta1/"), b1).json()[
            "apiVersion"] == "stable.example.com/v1beta1"
        assert served.request("GET", f"{CT}/b1").json()["apiVersion"] == "stable.example.com/v1"
        assert served.request("GET", "/apis/stable.example.com").json()["versions"] == [
            {"groupVersion": "stable.example.com/v1", "version": "v1"},
            {"groupVersion": "stable.example.com/v1beta1", "version": "v1beta1"}]
        assert words(k132(served, "get", "crontabs.v1beta1.stable.example.com")) == [
            ["NAME", "IMAGE"], ["b1", "my-awesome-cron-image"]]
        assert words(k132(served, "get", "crontabs")) == [
            ["NAME", "SPEC", "REPLICAS", "AGE"], ["b1", "*", "*", "*", "*", "*/5", "1", "AGE"]]
    finally:
        k132(served, "delete", "crd", "crontabs.stable.example.com")
        served.cluster.wait_for(lambda: not _served_kind(served, "CronTab"), timeout=30)
