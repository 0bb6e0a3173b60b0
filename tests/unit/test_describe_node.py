"""`kubectl describe node`: header, lease, conditions, the pods table and allocated resources."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from kubenb.cli.kubectl.describe import describe_node
from kubenb.cli.kubectl.describe.node import node_roles
from kubenb.cli.kubectl.describe.podresources import pod_limits, pod_requests, sum_totals

NOW = datetime(2025, 1, 6, 11, 0, 0, tzinfo=timezone.utc)
T0 = "2025-01-06T10:00:00Z"


def minikube_node() -> dict[str, Any]:
    return {
        "apiVersion": "v1", "kind": "Node",
        "metadata": {
            "name": "minikube", "creationTimestamp": T0,
            "labels": {"kubernetes.io/hostname": "minikube", "node-role.kubernetes.io/control-plane": ""},
            "annotations": {"node.alpha.kubernetes.io/ttl": "0"},
        },
        "spec": {"podCIDR": "10.244.0.0/24", "podCIDRs": ["10.244.0.0/24"]},
        "status": {
            "capacity": {"cpu": "2", "memory": "4000Mi", "pods": "110", "ephemeral-storage": "100Gi",
                         "hugepages-2Mi": "0"},
            "allocatable": {"cpu": "2", "memory": "4000Mi", "pods": "110", "ephemeral-storage": "100Gi",
                            "hugepages-2Mi": "0"},
            "conditions": [{"type": "Ready", "status": "True", "lastHeartbeatTime": "2025-01-06T10:59:00Z",
                            "lastTransitionTime": T0, "reason": "KubeletReady",
                            "message": "kubelet is posting ready status"}],
            "addresses": [{"type": "InternalIP", "address": "192.168.49.2"},
                          {"type": "Hostname", "address": "minikube"}],
            "nodeInfo": {"machineID": "m", "systemUUID": "u", "bootID": "b", "kernelVersion": "6.1.0",
                         "osImage": "Ubuntu 22.04.4 LTS", "operatingSystem": "linux", "architecture": "amd64",
                         "containerRuntimeVersion": "docker://27.4.1", "kubeletVersion": "v1.32.0",
                         "kubeProxyVersion": ""},
        },
    }


def pod(ns: str, name: str, node: str = "minikube", phase: str = "Running",
        requests: dict[str, str] | None = None, limits: dict[str, str] | None = None) -> dict[str, Any]:
    resources: dict[str, Any] = {}
    if requests:
        resources["requests"] = requests
    if limits:
        resources["limits"] = limits
    return {"metadata": {"namespace": ns, "name": name, "creationTimestamp": T0},
            "spec": {"nodeName": node, "containers": [{"name": "c", "image": "i", "resources": resources}]},
            "status": {"phase": phase}}


def lease() -> dict[str, Any]:
    return {"spec": {"holderIdentity": "minikube", "renewTime": "2025-01-06T10:59:58.123456Z"}}


def test_full_node_output() -> None:
    pods = [
        pod("kube-system", "etcd-minikube", requests={"cpu": "100m", "memory": "100Mi"}),
        pod("default", "web", requests={"cpu": "250m"}, limits={"cpu": "500m", "memory": "128Mi"}),
        pod("default", "done", phase="Succeeded", requests={"cpu": "1"}),
        pod("default", "elsewhere", node="m02", requests={"cpu": "1"}),
    ]
    assert describe_node(minikube_node(), pods, [], NOW, lease=lease()) == """\
Name:               minikube
Roles:              control-plane
Labels:             kubernetes.io/hostname=minikube
                    node-role.kubernetes.io/control-plane=
Annotations:        node.alpha.kubernetes.io/ttl: 0
CreationTimestamp:  Mon, 06 Jan 2025 10:00:00 +0000
Taints:             <none>
Unschedulable:      false
Lease:
  HolderIdentity:  minikube
  AcquireTime:     <unset>
  RenewTime:       Mon, 06 Jan 2025 10:59:58 +0000
Conditions:
  Type    Status  LastHeartbeatTime                 LastTransitionTime                Reason         Message
  ----    ------  -----------------                 ------------------                ------         -------
  Ready   True    Mon, 06 Jan 2025 10:59:00 +0000   Mon, 06 Jan 2025 10:00:00 +0000   KubeletReady   kubelet is posting ready status
Addresses:
  InternalIP:  192.168.49.2
  Hostname:    minikube
Capacity:
  cpu:                2
  ephemeral-storage:  100Gi
  hugepages-2Mi:      0
  memory:             4000Mi
  pods:               110
Allocatable:
  cpu:                2
  ephemeral-storage:  100Gi
  hugepages-2Mi:      0
  memory:             4000Mi
  pods:               110
System Info:
  Machine ID:                 m
  System UUID:                u
  Boot ID:                    b
  Kernel Version:             6.1.0
  OS Image:                   Ubuntu 22.04.4 LTS
  Operating System:           linux
  Architecture:               amd64
  Container Runtime Version:  docker://27.4.1
  Kubelet Version:            v1.32.0
  Kube-Proxy Version:         
PodCIDR:                      10.244.0.0/24
PodCIDRs:                     10.244.0.0/24
Non-terminated Pods:          (2 in total)
  Namespace                   Name             CPU Requests  CPU Limits  Memory Requests  Memory Limits  Age
  ---------                   ----             ------------  ----------  ---------------  -------------  ---
  default                     web              250m (12%)    500m (25%)  0 (0%)           128Mi (3%)     60m
  kube-system                 etcd-minikube    100m (5%)     0 (0%)      100Mi (2%)       0 (0%)         60m
Allocated resources:
  (Total limits may be over 100 percent, i.e., overcommitted.)
  Resource           Requests    Limits
  --------           --------    ------
  cpu                350m (17%)  500m (25%)
  memory             100Mi (2%)  128Mi (3%)
  ephemeral-storage  0 (0%)      0 (0%)
  hugepages-2Mi      0 (0%)      0 (0%)
Events:              <none>
"""  # noqa: W291 (kubectl prints these trailing spaces)


def test_no_lease_taints_unschedulable_and_newer_kubectl() -> None:
    node = minikube_node()
    node["spec"]["unschedulable"] = True
    node["spec"]["taints"] = [
        {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule", "timeAdded": T0},
        {"key": "dedicated", "value": "gpu", "effect": "NoExecute"},
    ]
    text = describe_node(node, [], None, NOW, kubectl_minor=36)
    assert ("Taints:             dedicated=gpu:NoExecute\n"
            "                    node.kubernetes.io/unschedulable:NoSchedule\n"
            "Unschedulable:      true\n"
            'Lease:              Failed to get lease: leases.coordination.k8s.io "minikube" not found\n') in text
    assert "Kube-Proxy Version" not in text
    assert "Non-terminated Pods:          (0 in total)\n" in text


@pytest.mark.parametrize(("labels", "roles"), [
    ({}, []),
    ({"node-role.kubernetes.io/worker": "", "node-role.kubernetes.io/": "x", "kubernetes.io/role": "infra"},
     ["infra", "worker"]),
])
def test_roles(labels: dict[str, str], roles: list[str]) -> None:
    assert node_roles({"metadata": {"labels": labels}}) == roles


def test_requests_with_init_and_sidecar_containers_and_overhead() -> None:
    p = {"spec": {
        "containers": [{"name": "a", "resources": {"requests": {"cpu": "100m", "memory": "64Mi"},
                                                   "limits": {"memory": "128Mi"}}}],
        "initContainers": [
            {"name": "sidecar", "restartPolicy": "Always", "resources": {"requests": {"cpu": "50m"}}},
            {"name": "big-init", "resources": {"requests": {"cpu": "500m", "memory": "32Mi"}}},
        ],
        "overhead": {"cpu": "10m", "memory": "1Mi"},
    }}
    reqs = pod_requests(p)
    # max(app 100m + sidecar 50m, init 500m + sidecar 50m) + overhead 10m
    assert reqs["cpu"].text() == "560m" and reqs["memory"].text() == "65Mi"
    limits = pod_limits(p)
    assert limits["memory"].text() == "129Mi" and "cpu" not in limits
    total_reqs, _ = sum_totals([p, p])
    assert total_reqs["cpu"].text() == "1120m" and total_reqs["memory"].text() == "130Mi"
