"""autoscaling/v1 <-> v2 HorizontalPodAutoscaler conversion (pkg/apis/autoscaling/v1/conversion.go)."""

from __future__ import annotations

import json
from typing import Any

from kubenb.api import conversion
from kubenb.api.conversion_autoscaling import (
    BEHAVIOR,
    CONDITIONS,
    CURRENT_METRICS,
    METRICS,
    from_v1,
    go_json,
    to_v1,
)

REF = {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}
T = "2025-01-06T10:00:00Z"


def v2(metrics: list[dict[str, Any]], **spec: Any) -> dict[str, Any]:
    return {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "web", "namespace": "default", "resourceVersion": "7"},
            "spec": {"scaleTargetRef": REF, "minReplicas": 1, "maxReplicas": 5,
                     "metrics": metrics, **spec},
            "status": {"currentReplicas": 2, "desiredReplicas": 2}}


CPU50 = {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization",
                                                                    "averageUtilization": 50}}}
MEMORY = {"type": "Resource", "resource": {"name": "memory", "target": {
    "type": "AverageValue", "averageValue": "100Mi"}}}
PODS = {"type": "Pods", "pods": {"metric": {"name": "qps"}, "target": {
    "type": "AverageValue", "averageValue": "10"}}}
OBJECT = {"type": "Object", "object": {
    "describedObject": {"kind": "Ingress", "name": "main", "apiVersion": "networking.k8s.io/v1"},
    "metric": {"name": "rps", "selector": {"matchLabels": {"a": "b"}}},
    "target": {"type": "Value", "value": "2k"}}}
EXTERNAL = {"type": "External", "external": {"metric": {"name": "queue"}, "target": {
    "type": "AverageValue", "averageValue": "30"}}}
CONTAINER = {"type": "ContainerResource", "containerResource": {
    "name": "cpu", "container": "app", "target": {"type": "Utilization",
                                                  "averageUtilization": 60}}}


def test_cpu_target_becomes_target_cpu_utilization_percentage() -> None:
    v1 = to_v1(v2([CPU50]))
    assert v1["apiVersion"] == "autoscaling/v1"
    assert v1["spec"] == {"scaleTargetRef": {"kind": "Deployment", "name": "web",
                                             "apiVersion": "apps/v1"},
                          "minReplicas": 1, "maxReplicas": 5,
                          "targetCPUUtilizationPercentage": 50}
    assert v1["status"] == {"currentReplicas": 2, "desiredReplicas": 2}
    assert "annotations" not in v1["metadata"]
    assert v1["metadata"]["resourceVersion"] == "7"
    assert from_v1(v1)["spec"]["metrics"] == [CPU50]


def test_v1_without_target_gets_the_80_percent_default() -> None:
    v1 = {"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler",
          "metadata": {"name": "web"}, "spec": {"scaleTargetRef": REF, "maxReplicas": 3}}
    back = from_v1(v1)
    assert back["spec"]["metrics"] == [{"type": "Resource", "resource": {
        "name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}}}]
    assert "minReplicas" not in back["spec"]  # defaulting, not conversion, sets it


def test_other_metrics_travel_in_the_metrics_annotation_and_round_trip() -> None:
    metrics = [MEMORY, CPU50, PODS, OBJECT, EXTERNAL, CONTAINER]
    v1 = to_v1(v2(metrics))
    assert v1["spec"]["targetCPUUtilizationPercentage"] == 50
    raw = v1["metadata"]["annotations"][METRICS]
    assert raw.startswith('[{"type":"Resource","resource":{"name":"memory",'
                          '"targetAverageValue":"100Mi"}},{"type":"Pods","pods":{"metricName":'
                          '"qps","targetAverageValue":"10"}},')
    assert json.loads(raw)[2] == {"type": "Object", "object": {
        "target": {"kind": "Ingress", "name": "main", "apiVersion": "networking.k8s.io/v1"},
        "metricName": "rps", "targetValue": "2k", "selector": {"matchLabels": {"a": "b"}}}}
    back = from_v1(v1)
    # upstream puts the annotation's metrics first and the CPU target last
    assert back["spec"]["metrics"] == [MEMORY, PODS, OBJECT, EXTERNAL, CONTAINER, CPU50]
    assert "annotations" not in back["metadata"]


def test_status_behavior_and_conditions_round_trip() -> None:
    obj = v2([CPU50], behavior={"scaleDown": {"stabilizationWindowSeconds": 60,
                                              "selectPolicy": "Min", "policies": [
                                                  {"type": "Pods", "value": 1,
                                                   "periodSeconds": 30}]}})
    obj["status"] = {"observedGeneration": 3, "lastScaleTime": T, "currentReplicas": 2,
                     "desiredReplicas": 3,
                     "currentMetrics": [{"type": "Resource", "resource": {
                         "name": "cpu", "current": {"averageValue": "120m",
                                                    "averageUtilization": 91}}}],
                     "conditions": [{"type": "AbleToScale", "status": "True",
                                     "lastTransitionTime": T, "reason": "ReadyForNewScale",
                                     "message": "recommended size matches current size"}]}
    obj["metadata"]["annotations"] = {"team": "a", CONDITIONS: "stale"}
    v1 = to_v1(obj)
    notes = v1["metadata"]["annotations"]
    assert v1["status"] == {"observedGeneration": 3, "lastScaleTime": T, "currentReplicas": 2,
                            "desiredReplicas": 3, "currentCPUUtilizationPercentage": 91}
    assert notes[CURRENT_METRICS] == ('[{"type":"Resource","resource":{"name":"cpu",'
                                      '"currentAverageUtilization":91,'
                                      '"currentAverageValue":"120m"}}]')
    assert notes[BEHAVIOR] == ('{"ScaleUp":null,"ScaleDown":{"StabilizationWindowSeconds":60,'
                               '"SelectPolicy":"Min","Policies":[{"Type":"Pods","Value":1,'
                               '"PeriodSeconds":30}]}}')
    assert notes[CONDITIONS] == (
        '[{"type":"AbleToScale","status":"True","lastTransitionTime":"2025-01-06T10:00:00Z",'
        '"reason":"ReadyForNewScale","message":"recommended size matches current size"}]')
    assert notes["team"] == "a"
    back = from_v1(v1)
    assert back["spec"] == obj["spec"]
    assert back["status"] == obj["status"]
    assert back["metadata"]["annotations"] == {"team": "a"}


def test_conversion_leaves_its_input_alone_and_dispatches_by_version() -> None:
    obj = v2([MEMORY])
    before = json.dumps(obj, sort_keys=True)
    v1 = conversion.to_version(obj, "autoscaling/v1")
    assert json.dumps(obj, sort_keys=True) == before
    assert conversion.to_version(obj, "autoscaling/v2") is obj
    assert conversion.from_version(v1, "autoscaling/v1")["apiVersion"] == "autoscaling/v2"
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}}
    assert conversion.to_version(pod, "v1") is pod


def test_malformed_round_trip_annotations_are_dropped() -> None:
    v1 = to_v1(v2([CPU50]))
    v1["metadata"]["annotations"] = {METRICS: "{not json", BEHAVIOR: "[]"}
    back = from_v1(v1)
    assert back["spec"]["metrics"] == [CPU50]
    assert "behavior" not in back["spec"] and "annotations" not in back["metadata"]


def test_go_json_escapes_html_characters() -> None:
    assert go_json({"a": "<&>"}) == '{"a":"\\u003c\\u0026\\u003e"}'
