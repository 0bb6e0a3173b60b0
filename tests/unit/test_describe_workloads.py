"""`kubectl describe deployment` and `replicaset`: the reference sample and the RS lookup."""

from __future__ import annotations

import copy
from datetime import datetime, timezone
from typing import Any

from kubenb.cli.kubectl.describe import describe_deployment, describe_replicaset
from kubenb.cli.kubectl.describe.workloads import split_replicasets, templates_equal_ignoring_hash

NOW = datetime(2025, 1, 6, 10, 2, 0, tzinfo=timezone.utc)
IMAGE = "gcr.io/google-samples/kubernetes-bootcamp:v1"
RS_NAME = "kubernetes-bootcamp-5485cc6795"

# Reference §9 deployment sample (kubectl-output.md).
SAMPLE = """\
Name:                   kubernetes-bootcamp
Namespace:              default
CreationTimestamp:      Mon, 06 Jan 2025 10:00:00 +0000
Labels:                 app=kubernetes-bootcamp
Annotations:            deployment.kubernetes.io/revision: 1
Selector:               app=kubernetes-bootcamp
Replicas:               1 desired | 1 updated | 1 total | 1 available | 0 unavailable
StrategyType:           RollingUpdate
MinReadySeconds:        0
RollingUpdateStrategy:  25% max unavailable, 25% max surge
Pod Template:
  Labels:  app=kubernetes-bootcamp
  Containers:
   kubernetes-bootcamp:
    Image:         gcr.io/google-samples/kubernetes-bootcamp:v1
    Port:          <none>
    Host Port:     <none>
    Environment:   <none>
    Mounts:        <none>
  Volumes:         <none>
  Node-Selectors:  <none>
  Tolerations:     <none>
Conditions:
  Type           Status  Reason
  ----           ------  ------
  Available      True    MinimumReplicasAvailable
  Progressing    True    NewReplicaSetAvailable
OldReplicaSets:  <none>
NewReplicaSet:   kubernetes-bootcamp-5485cc6795 (1/1 replicas created)
Events:
  Type    Reason             Age   From                   Message
  ----    ------             ----  ----                   -------
  Normal  ScalingReplicaSet  2m    deployment-controller  Scaled up replica set kubernetes-bootcamp-5485cc6795 from 0 to 1
"""


def template(image: str = IMAGE, pod_hash: str | None = None) -> dict[str, Any]:
    labels = {"app": "kubernetes-bootcamp"}
    if pod_hash:
        labels["pod-template-hash"] = pod_hash
    return {
        "metadata": {"creationTimestamp": None, "labels": labels},
        "spec": {
            "containers": [{"name": "kubernetes-bootcamp", "image": image, "resources": {},
                            "imagePullPolicy": "IfNotPresent", "terminationMessagePath": "/dev/termination-log"}],
            "restartPolicy": "Always", "dnsPolicy": "ClusterFirst", "securityContext": {},
        },
    }


def deployment(image: str = IMAGE) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "kubernetes-bootcamp", "namespace": "default", "uid": "dep-uid",
                     "creationTimestamp": "2025-01-06T10:00:00Z", "labels": {"app": "kubernetes-bootcamp"},
                     "annotations": {"deployment.kubernetes.io/revision": "1"}},
        "spec": {
            "replicas": 1, "selector": {"matchLabels": {"app": "kubernetes-bootcamp"}},
            "template": template(image),
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}},
            "revisionHistoryLimit": 10, "progressDeadlineSeconds": 600,
        },
        "status": {
            "replicas": 1, "updatedReplicas": 1, "readyReplicas": 1, "availableReplicas": 1,
            "conditions": [
                {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable"},
                {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable"},
            ],
        },
    }


def replicaset(name: str, pod_hash: str, image: str, replicas: int, created: str,
               owner_uid: str = "dep-uid", status_replicas: int | None = None) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1", "kind": "ReplicaSet",
        "metadata": {"name": name, "namespace": "default", "uid": f"{name}-uid", "creationTimestamp": created,
                     "labels": {"app": "kubernetes-bootcamp", "pod-template-hash": pod_hash},
                     "annotations": {"deployment.kubernetes.io/revision": "1"},
                     "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment",
                                          "name": "kubernetes-bootcamp", "uid": owner_uid, "controller": True}]},
        "spec": {"replicas": replicas,
                 "selector": {"matchLabels": {"app": "kubernetes-bootcamp", "pod-template-hash": pod_hash}},
                 "template": template(image, pod_hash)},
        "status": {"replicas": replicas if status_replicas is None else status_replicas},
    }


def scaling_event() -> dict[str, Any]:
    return {
        "involvedObject": {"kind": "Deployment", "namespace": "default", "name": "kubernetes-bootcamp"},
        "reason": "ScalingReplicaSet", "type": "Normal", "count": 1,
        "message": f"Scaled up replica set {RS_NAME} from 0 to 1",
        "source": {"component": "deployment-controller"},
        "firstTimestamp": "2025-01-06T10:00:00Z", "lastTimestamp": "2025-01-06T10:00:00Z",
    }


def test_reference_sample_byte_for_byte() -> None:
    rss = [replicaset(RS_NAME, "5485cc6795", IMAGE, 1, "2025-01-06T10:00:00Z")]
    assert describe_deployment(deployment(), rss, [scaling_event()], NOW) == SAMPLE


def test_old_and_new_replicasets_after_an_update() -> None:
    rss = [
        replicaset("kb-new", "bbb", "nginx:2", 1, "2025-01-06T10:01:00Z", status_replicas=1),
        replicaset("kb-old", "aaa", IMAGE, 1, "2025-01-06T10:00:00Z", status_replicas=1),
        replicaset("kb-older", "ccc", "nginx:0", 0, "2025-01-06T09:00:00Z"),  # scaled to 0: hidden
        replicaset("other", "ddd", "nginx:2", 3, "2025-01-06T09:00:00Z", owner_uid="someone-else"),
    ]
    text = describe_deployment(deployment("nginx:2"), rss, None, NOW)
    assert text.endswith("OldReplicaSets:  kb-old (1/1 replicas created)\n"
                         "NewReplicaSet:   kb-new (1/1 replicas created)\n")
    old, new = split_replicasets(deployment("nginx:2"), rss)
    assert [r["metadata"]["name"] for r in old] == ["kb-old"] and new is not None


def test_no_replicasets_omits_the_lines_and_mid_rollout_has_no_new() -> None:
    text = describe_deployment(deployment(), [], [], NOW)
    assert "OldReplicaSets" not in text and text.endswith("  Progressing   True    NewReplicaSetAvailable\nEvents:         <none>\n")
    rss = [replicaset("kb-old", "aaa", "nginx:1", 2, "2025-01-06T10:00:00Z")]
    text = describe_deployment(deployment(), rss, None, NOW)
    assert "OldReplicaSets:  kb-old (2/2 replicas created)\nNewReplicaSet:   <none>\n" in text


def test_template_equality_ignores_hash_and_empty_values() -> None:
    a = template(IMAGE, "abc")
    b = copy.deepcopy(template(IMAGE))
    b["spec"]["volumes"] = []
    assert templates_equal_ignoring_hash(a, b)
    b["spec"]["containers"][0]["image"] = "other"
    assert not templates_equal_ignoring_hash(a, b)


def test_recreate_strategy_has_no_rolling_line_and_int_values_print_as_numbers() -> None:
    d = deployment()
    d["spec"]["strategy"] = {"type": "Recreate"}
    assert "RollingUpdateStrategy" not in describe_deployment(d, [], None, NOW)
    d["spec"]["strategy"] = {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1}}
    assert "RollingUpdateStrategy:  0 max unavailable, 1 max surge\n" in describe_deployment(d, [], None, NOW)


def pod(name: str, phase: str, owner_uid: str, pod_hash: str = "5485cc6795") -> dict[str, Any]:
    return {
        "metadata": {"name": name, "namespace": "default",
                     "labels": {"app": "kubernetes-bootcamp", "pod-template-hash": pod_hash},
                     "ownerReferences": [{"kind": "ReplicaSet", "name": RS_NAME, "uid": owner_uid,
                                          "controller": True}]},
        "status": {"phase": phase},
    }


def test_replicaset_describe() -> None:
    rs = replicaset(RS_NAME, "5485cc6795", IMAGE, 3, "2025-01-06T10:00:00Z", status_replicas=3)
    uid = rs["metadata"]["uid"]
    pods = [pod("a", "Running", uid), pod("b", "Running", uid), pod("c", "Pending", uid),
            pod("d", "Failed", uid), pod("e", "Running", "other-uid"), pod("f", "Running", uid, "zzz")]
    events = [{
        "involvedObject": {"kind": "ReplicaSet", "name": RS_NAME}, "reason": "SuccessfulCreate",
        "type": "Normal", "count": 1, "message": f"Created pod: {RS_NAME}-abcde",
        "source": {"component": "replicaset-controller"},
        "firstTimestamp": "2025-01-06T10:00:00Z", "lastTimestamp": "2025-01-06T10:00:00Z",
    }]
    assert describe_replicaset(rs, pods, events, NOW) == f"""\
Name:           {RS_NAME}
Namespace:      default
Selector:       app=kubernetes-bootcamp,pod-template-hash=5485cc6795
Labels:         app=kubernetes-bootcamp
                pod-template-hash=5485cc6795
Annotations:    deployment.kubernetes.io/revision: 1
Controlled By:  Deployment/kubernetes-bootcamp
Replicas:       3 current / 3 desired
Pods Status:    2 Running / 1 Waiting / 0 Succeeded / 1 Failed
Pod Template:
  Labels:  app=kubernetes-bootcamp
           pod-template-hash=5485cc6795
  Containers:
   kubernetes-bootcamp:
    Image:         {IMAGE}
    Port:          <none>
    Host Port:     <none>
    Environment:   <none>
    Mounts:        <none>
  Volumes:         <none>
  Node-Selectors:  <none>
  Tolerations:     <none>
Events:
  Type    Reason            Age   From                   Message
  ----    ------            ----  ----                   -------
  Normal  SuccessfulCreate  2m    replicaset-controller  Created pod: {RS_NAME}-abcde
"""
