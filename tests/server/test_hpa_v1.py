"""autoscaling/v1 HorizontalPodAutoscalers over HTTP: discovery lists both versions (v2
preferred), every verb answers in v1 while the store keeps v2, and real kubectl 1.32's
`autoscale` (a protobuf autoscaling/v1 POST) creates an HPA that `get hpa` then prints."""

from __future__ import annotations

import json
import shutil
from typing import Any

import pytest

from .conftest import KUBECTL_132, Served
from .test_kubectl import ours
from .test_streams import Stream

V1 = "/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers"
V2 = "/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers"
TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io"


def v1_hpa(name: str, cpu: int | None = 60) -> dict[str, Any]:
    spec: dict[str, Any] = {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment",
                                               "name": "web"}, "maxReplicas": 4}
    if cpu is not None:
        spec["targetCPUUtilizationPercentage"] = cpu
    return {"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": name}, "spec": spec}


def test_discovery_lists_v2_then_v1(served: Served) -> None:
    group = served.request("GET", "/apis/autoscaling").json()
    assert [v["groupVersion"] for v in group["versions"]] == ["autoscaling/v2", "autoscaling/v1"]
    assert group["preferredVersion"]["version"] == "v2"
    listed = served.request("GET", "/apis/autoscaling/v1").json()
    names = [(r["name"], r["kind"]) for r in listed["resources"]]
    assert names == [("horizontalpodautoscalers", "HorizontalPodAutoscaler"),
                     ("horizontalpodautoscalers/status", "HorizontalPodAutoscaler")]
    agg = served.request("GET", "/apis", headers={"Accept": (
        "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList")}).json()
    autoscaling = next(i for i in agg["items"] if i["metadata"]["name"] == "autoscaling")
    assert [v["version"] for v in autoscaling["versions"]] == ["v2", "v1"]
    v1 = autoscaling["versions"][1]["resources"][0]
    assert v1["responseKind"] == {"group": "autoscaling", "version": "v1",
                                  "kind": "HorizontalPodAutoscaler"}
    assert v1["subresources"][0]["responseKind"]["version"] == "v1"
    doc = served.request("GET", "/openapi/v3/apis/autoscaling/v1").json()
    gvks = {op["x-kubernetes-group-version-kind"]["version"] for p in doc["paths"].values()
            for op in p.values()}
    assert gvks == {"v1"}


def test_every_verb_in_v1(served: Served) -> None:
    created = served.request("POST", V1, v1_hpa("cpu60"))
    assert created.status == 201, created.body
    obj = created.json()
    assert obj["apiVersion"] == "autoscaling/v1"
    assert obj["spec"] == {"scaleTargetRef": {"kind": "Deployment", "name": "web",
                                              "apiVersion": "apps/v1"},
                           "minReplicas": 1, "maxReplicas": 4,
                           "targetCPUUtilizationPercentage": 60}
    stored = served.store.get("HorizontalPodAutoscaler", "default", "cpu60")
    assert stored["apiVersion"] == "autoscaling/v2"
    assert stored["spec"]["metrics"] == [{"type": "Resource", "resource": {
        "name": "cpu", "target": {"type": "Utilization", "averageUtilization": 60}}}]

    got = served.request("GET", f"{V1}/cpu60").json()
    assert got["apiVersion"] == "autoscaling/v1" and got["spec"]["targetCPUUtilizationPercentage"] == 60
    assert served.request("GET", f"{V2}/cpu60").json()["apiVersion"] == "autoscaling/v2"

    listed = served.request("GET", V1).json()
    assert listed["kind"] == "HorizontalPodAutoscalerList"
    assert listed["apiVersion"] == "autoscaling/v1"
    assert {i["apiVersion"] for i in listed["items"]} == {"autoscaling/v1"}

    got["spec"]["maxReplicas"] = 6
    replaced = served.request("PUT", f"{V1}/cpu60", got)
    assert replaced.status == 200, replaced.body
    assert replaced.json()["spec"]["maxReplicas"] == 6
    assert served.store.get("HorizontalPodAutoscaler", "default", "cpu60")["spec"]["maxReplicas"] == 6

    for ctype in ("application/merge-patch+json", "application/strategic-merge-patch+json"):
        patched = served.request("PATCH", f"{V1}/cpu60", json.dumps(
            {"spec": {"targetCPUUtilizationPercentage": 70}}).encode(),
            headers={"Content-Type": ctype})
        assert patched.status == 200, patched.body
        assert patched.json()["spec"]["targetCPUUtilizationPercentage"] == 70
    patched = served.request("PATCH", f"{V1}/cpu60", json.dumps(
        [{"op": "replace", "path": "/spec/minReplicas", "value": 2}]).encode(),
        headers={"Content-Type": "application/json-patch+json"})
    assert patched.json()["spec"]["minReplicas"] == 2
    metrics = served.store.get("HorizontalPodAutoscaler", "default", "cpu60")["spec"]["metrics"]
    assert metrics[0]["resource"]["target"]["averageUtilization"] == 70

    status = served.request("PUT", f"{V1}/cpu60/status", {
        **patched.json(), "status": {"currentReplicas": 2, "desiredReplicas": 3,
                                     "currentCPUUtilizationPercentage": 91}})
    assert status.status == 200, status.body
    assert status.json()["status"]["currentCPUUtilizationPercentage"] == 91
    current = served.store.get("HorizontalPodAutoscaler", "default", "cpu60")["status"]
    assert current["currentMetrics"] == [{"type": "Resource", "resource": {
        "name": "cpu", "current": {"averageUtilization": 91}}}]

    deleted = served.request("DELETE", f"{V1}/cpu60")
    assert deleted.status == 200 and deleted.json()["status"] == "Success"
    assert served.store.try_get("HorizontalPodAutoscaler", "default", "cpu60") is None


def test_v1_view_keeps_v2_only_fields_in_annotations(served: Served) -> None:
    v2 = {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
          "metadata": {"name": "mem", "annotations": {"team": "a"}},
          "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment",
                                      "name": "web"}, "maxReplicas": 3,
                   "metrics": [{"type": "Resource", "resource": {"name": "memory", "target": {
                       "type": "AverageValue", "averageValue": "100Mi"}}}],
                   "behavior": {"scaleDown": {"stabilizationWindowSeconds": 60}}}}
    assert served.request("POST", V2, v2).status == 201
    v1 = served.request("GET", f"{V1}/mem").json()
    notes = v1["metadata"]["annotations"]
    assert "targetCPUUtilizationPercentage" not in v1["spec"]
    assert notes["team"] == "a"
    assert json.loads(notes["autoscaling.alpha.kubernetes.io/metrics"]) == [
        {"type": "Resource", "resource": {"name": "memory", "targetAverageValue": "100Mi"}}]
    assert json.loads(notes["autoscaling.alpha.kubernetes.io/behavior"])["ScaleDown"][
        "StabilizationWindowSeconds"] == 60
    # a read-modify-write in v1 keeps the v2 fields; the annotations are not stored
    v1["metadata"]["labels"] = {"x": "y"}
    assert served.request("PUT", f"{V1}/mem", v1).status == 200
    stored = served.store.get("HorizontalPodAutoscaler", "default", "mem")
    assert stored["metadata"]["annotations"] == {"team": "a"}
    assert stored["spec"]["metrics"] == v2["spec"]["metrics"]
    assert stored["spec"]["behavior"]["scaleDown"]["stabilizationWindowSeconds"] == 60
    served.request("DELETE", f"{V1}/mem")


def test_v1_table_watch_and_errors(served: Served) -> None:
    served.request("POST", V1, v1_hpa("tbl", cpu=None))
    table = served.request("GET", f"{V1}?includeObject=Object", headers={"Accept": TABLE}).json()
    assert [c["name"] for c in table["columnDefinitions"]][:3] == ["Name", "Reference", "Targets"]
    row = next(r for r in table["rows"] if r["cells"][0] == "tbl")
    assert row["object"]["apiVersion"] == "autoscaling/v1"
    assert row["object"]["spec"]["targetCPUUtilizationPercentage"] == 80  # the v1 default
    wrong = served.request("POST", V1, {**v1_hpa("x"), "apiVersion": "autoscaling/v2"})
    assert wrong.status == 400
    assert wrong.json()["message"] == ("the API version in the data (autoscaling/v2) does not "
                                       "match the expected API version (autoscaling/v1)")

    stream = Stream(served, f"{V1}?watch=true&fieldSelector=metadata.name%3Dtbl")
    try:
        events = [stream.next()]
        served.request("DELETE", f"{V1}/tbl")
        events.append(stream.next())
    finally:
        stream.close()
    assert [e and e["type"] for e in events] == ["ADDED", "DELETED"]
    assert {e and e["object"]["apiVersion"] for e in events} == {"autoscaling/v1"}


@pytest.mark.skipif(not shutil.which(KUBECTL_132), reason="needs kubectl 1.32")
def test_real_kubectl_autoscale(served: Served) -> None:
    web = served.kubectl("create", "deployment", "web", "--image=nginx", binary=KUBECTL_132)
    assert web.rc == 0, web.err
    run = served.kubectl("autoscale", "deployment", "web", "--cpu-percent=50", "--min=1",
                         "--max=5", binary=KUBECTL_132)
    assert (run.rc, run.out, run.err) == (0, "horizontalpodautoscaler.autoscaling/web autoscaled\n", "")
    stored = served.store.get("HorizontalPodAutoscaler", "default", "web")
    assert stored["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"] == 50
    assert stored["spec"]["maxReplicas"] == 5
    got = served.kubectl("get", "hpa", binary=KUBECTL_132)
    assert got.rc == 0, got.err
    lines = got.out.splitlines()
    assert lines[0].split() == ["NAME", "REFERENCE", "TARGETS", "MINPODS", "MAXPODS", "REPLICAS",
                                "AGE"]
    assert lines[1].split()[:6] == ["web", "Deployment/web", "cpu:", "<unknown>/50%", "1", "5"]
    as_v1 = served.kubectl("get", "horizontalpodautoscalers.v1.autoscaling", "web", "-o",
                           "jsonpath={.apiVersion} {.spec.targetCPUUtilizationPercentage}",
                           binary=KUBECTL_132)
    assert as_v1.out == "autoscaling/v1 50"
    again = served.kubectl("autoscale", "deployment", "web", "--max=5", binary=KUBECTL_132)
    assert again.rc == 1
    assert again.err == ('Error from server (AlreadyExists): horizontalpodautoscalers.autoscaling '
                         '"web" already exists\n')
    assert served.kubectl("delete", "hpa", "web", binary=KUBECTL_132).rc == 0
    # the object printed after creation is the server's v1 answer (the 80 % default filled in),
    # and kubenb's own kubectl prints the same
    args = ("autoscale", "deployment", "web", "--max=3", "-o", "json")
    real = served.kubectl(*args, binary=KUBECTL_132)
    assert json.loads(real.out)["spec"]["targetCPUUtilizationPercentage"] == 80
    served.kubectl("delete", "hpa", "web", binary=KUBECTL_132)
    mine = json.loads(ours(served, *args))
    theirs = json.loads(real.out)
    for obj in (mine, theirs):
        for key in ("uid", "resourceVersion", "creationTimestamp", "managedFields"):
            obj["metadata"].pop(key, None)
    assert mine == theirs
    served.kubectl("delete", "hpa", "web", binary=KUBECTL_132)
    served.kubectl("delete", "deployment", "web", binary=KUBECTL_132)
