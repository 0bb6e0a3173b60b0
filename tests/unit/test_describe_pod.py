"""`kubectl describe pod`: the reference sample byte for byte, and each optional key."""

from __future__ import annotations

import copy
from datetime import datetime, timezone
from typing import Any

import pytest

from kubenb.cli.kubectl.describe import describe_pod
from kubenb.cli.kubectl.describe.containers import describe_probe

NOW = datetime(2025, 1, 6, 10, 1, 0, tzinfo=timezone.utc)
POD_NAME = "kubernetes-bootcamp-5485cc6795-m5t2x"
IMAGE = "gcr.io/google-samples/kubernetes-bootcamp:v1"

# Reference §9 pod sample (kubectl-output.md), laid out by upstream's rules.
SAMPLE = """\
Name:             kubernetes-bootcamp-5485cc6795-m5t2x
Namespace:        default
Priority:         0
Service Account:  default
Node:             minikube/192.168.49.2
Start Time:       Mon, 06 Jan 2025 10:00:00 +0000
Labels:           app=kubernetes-bootcamp
                  pod-template-hash=5485cc6795
Annotations:      <none>
Status:           Running
IP:               10.244.0.5
IPs:
  IP:           10.244.0.5
Controlled By:  ReplicaSet/kubernetes-bootcamp-5485cc6795
Containers:
  kubernetes-bootcamp:
    Container ID:   docker://3f0c...
    Image:          gcr.io/google-samples/kubernetes-bootcamp:v1
    Image ID:       docker-pullable://gcr.io/google-samples/kubernetes-bootcamp@sha256:...
    Port:           <none>
    Host Port:      <none>
    State:          Running
      Started:      Mon, 06 Jan 2025 10:00:05 +0000
    Ready:          True
    Restart Count:  0
    Environment:    <none>
    Mounts:
      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-9xkq2 (ro)
Conditions:
  Type                        Status
  PodReadyToStartContainers   True 
  Initialized                 True 
  Ready                       True 
  ContainersReady             True 
  PodScheduled                True 
Volumes:
  kube-api-access-9xkq2:
    Type:                    Projected (a volume that contains injected data from multiple sources)
    TokenExpirationSeconds:  3607
    ConfigMapName:           kube-root-ca.crt
    Optional:                false
    DownwardAPI:             true
QoS Class:                   BestEffort
Node-Selectors:              <none>
Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
Events:
  Type    Reason     Age   From               Message
  ----    ------     ----  ----               -------
  Normal  Scheduled  60s   default-scheduler  Successfully assigned default/kubernetes-bootcamp-5485cc6795-m5t2x to minikube
  Normal  Started    58s   kubelet            spec.containers{kubernetes-bootcamp}: Started container kubernetes-bootcamp
"""  # noqa: W291 (kubectl prints these trailing spaces)


def event(reason: str, message: str, at: str, component: str, field_path: str = "",
          etype: str = "Normal", count: int = 1, first: str | None = None) -> dict[str, Any]:
    involved: dict[str, Any] = {"kind": "Pod", "namespace": "default", "name": POD_NAME}
    if field_path:
        involved["fieldPath"] = field_path
    return {
        "kind": "Event", "apiVersion": "v1",
        "metadata": {"name": f"{POD_NAME}.{reason}", "namespace": "default"},
        "involvedObject": involved, "reason": reason, "message": message,
        "source": {"component": component}, "firstTimestamp": first or at, "lastTimestamp": at,
        "count": count, "type": etype,
    }


def bootcamp_pod() -> dict[str, Any]:
    volume = "kube-api-access-9xkq2"
    return {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {
            "name": POD_NAME, "namespace": "default", "uid": "pod-uid",
            "creationTimestamp": "2025-01-06T10:00:00Z",
            "labels": {"pod-template-hash": "5485cc6795", "app": "kubernetes-bootcamp"},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet",
                                 "name": "kubernetes-bootcamp-5485cc6795", "uid": "rs-uid",
                                 "controller": True, "blockOwnerDeletion": True}],
        },
        "spec": {
            "containers": [{
                "name": "kubernetes-bootcamp", "image": IMAGE, "imagePullPolicy": "IfNotPresent",
                "resources": {},
                "volumeMounts": [{"name": volume, "readOnly": True,
                                  "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"}],
            }],
            "nodeName": "minikube", "priority": 0, "serviceAccountName": "default",
            "tolerations": [
                {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute",
                 "tolerationSeconds": 300},
                {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute",
                 "tolerationSeconds": 300},
            ],
            "volumes": [{"name": volume, "projected": {"defaultMode": 420, "sources": [
                {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
                {"downwardAPI": {"items": [{"path": "namespace",
                                            "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}},
            ]}}],
        },
        "status": {
            "phase": "Running", "hostIP": "192.168.49.2", "podIP": "10.244.0.5",
            "podIPs": [{"ip": "10.244.0.5"}], "startTime": "2025-01-06T10:00:00Z", "qosClass": "BestEffort",
            "conditions": [{"type": t, "status": "True"} for t in (
                "PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled")],
            "containerStatuses": [{
                "name": "kubernetes-bootcamp", "ready": True, "restartCount": 0, "image": IMAGE,
                "imageID": "docker-pullable://gcr.io/google-samples/kubernetes-bootcamp@sha256:...",
                "containerID": "docker://3f0c...",
                "state": {"running": {"startedAt": "2025-01-06T10:00:05Z"}},
            }],
        },
    }


def bootcamp_events() -> list[dict[str, Any]]:
    # Given newest first: the describer must sort them oldest first.
    return [
        event("Started", "Started container kubernetes-bootcamp", "2025-01-06T10:00:02Z", "kubelet",
              "spec.containers{kubernetes-bootcamp}"),
        event("Scheduled", f"Successfully assigned default/{POD_NAME} to minikube",
              "2025-01-06T10:00:00Z", "default-scheduler"),
    ]


def test_reference_sample_byte_for_byte() -> None:
    assert describe_pod(bootcamp_pod(), bootcamp_events(), NOW) == SAMPLE


def test_kubectl_132_bare_messages_and_pointer_optional() -> None:
    text = describe_pod(bootcamp_pod(), bootcamp_events(), NOW, kubectl_minor=32)
    assert "kubelet            Started container kubernetes-bootcamp\n" in text
    assert "    ConfigMapName:           kube-root-ca.crt\n    ConfigMapOptional:       <nil>\n" in text


def test_no_events_and_events_omitted() -> None:
    assert describe_pod(bootcamp_pod(), [], NOW).endswith(
        "                             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s\n"
        "Events:                      <none>\n")
    assert "Events" not in describe_pod(bootcamp_pod(), None, NOW)


def test_pending_pod_without_node_ips_or_statuses() -> None:
    pod = bootcamp_pod()
    pod["spec"].pop("nodeName")
    pod["status"] = {"phase": "Pending", "qosClass": "BestEffort",
                     "conditions": [{"type": "PodScheduled", "status": "False"}]}
    text = describe_pod(pod, [], NOW)
    assert "Node:             <none>\n" in text
    assert "Start Time" not in text
    assert "IP:               \nIPs:              <none>\n" in text
    assert "Container ID" not in text and "Restart Count" not in text
    assert "  PodScheduled   False \n" in text


def test_terminating_pod_shows_grace_period() -> None:
    pod = bootcamp_pod()
    pod["metadata"]["deletionTimestamp"] = "2025-01-06T10:00:30Z"
    pod["metadata"]["deletionGracePeriodSeconds"] = 30
    text = describe_pod(pod, [], NOW)
    assert "Status:                    Terminating (lasts 30s)\nTermination Grace Period:  30s\n" in text
    # A deletion timestamp in the future is what kubectl calls <invalid>.
    pod["metadata"]["deletionTimestamp"] = "2025-01-06T10:01:30Z"
    assert "Terminating (lasts <invalid>)" in describe_pod(pod, [], NOW)
    pod["status"]["phase"] = "Succeeded"
    assert "Status:           Succeeded\n" in describe_pod(pod, [], NOW)


def test_reason_message_and_priority_class() -> None:
    pod = bootcamp_pod()
    pod["spec"]["priorityClassName"] = "high"
    pod["status"].update(phase="Failed", reason="Evicted", message="The node was low on resource: memory.")
    text = describe_pod(pod, [], NOW)
    assert "Priority:             0\nPriority Class Name:  high\n" in text
    assert "Status:               Failed\nReason:               Evicted\n" in text
    assert "Message:              The node was low on resource: memory.\n" in text


def container_block(container: dict[str, Any], status: dict[str, Any] | None = None) -> str:
    pod = bootcamp_pod()
    pod["spec"]["containers"] = [container]
    pod["status"]["containerStatuses"] = [status] if status else []
    text = describe_pod(pod, None, NOW)
    return text[text.index("Containers:\n"):text.index("Conditions:\n")]


def test_container_ports_command_args_resources_probes_env_mounts() -> None:
    container = {
        "name": "web", "image": "nginx",
        "ports": [{"containerPort": 8080, "protocol": "TCP"}],
        "command": ["sh", "-c"], "args": ["echo hi\necho there"],
        "resources": {"limits": {"memory": "128Mi", "cpu": "500m"}, "requests": {"cpu": "250m"}},
        "livenessProbe": {"httpGet": {"path": "/", "port": 8080, "scheme": "HTTP"}, "timeoutSeconds": 1,
                          "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3},
        "readinessProbe": {"tcpSocket": {"port": "http"}, "initialDelaySeconds": 5, "timeoutSeconds": 1,
                           "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3},
        "envFrom": [{"configMapRef": {"name": "cfg"}}, {"prefix": "S_", "secretRef": {"name": "sec"}}],
        "env": [
            {"name": "PLAIN", "value": "a\nb"},
            {"name": "POD_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}}},
            {"name": "NODE", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "spec.nodeName"}}},
            {"name": "CPU", "valueFrom": {"resourceFieldRef": {"resource": "limits.cpu", "divisor": "1m"}}},
            {"name": "MEM", "valueFrom": {"resourceFieldRef": {"resource": "limits.memory", "divisor": "1Mi"}}},
            {"name": "EPH", "valueFrom": {"resourceFieldRef": {"resource": "limits.ephemeral-storage"}}},
            {"name": "PW", "valueFrom": {"secretKeyRef": {"name": "sec", "key": "pw"}}},
            {"name": "MODE", "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "mode", "optional": True}}},
        ],
        "volumeMounts": [{"name": "data", "mountPath": "/data", "subPath": "sub"},
                         {"name": "cfg", "mountPath": "/etc/cfg", "readOnly": True}],
    }
    assert container_block(container) == """\
Containers:
  web:
    Image:      nginx
    Port:       8080/TCP
    Host Port:  0/TCP
    Command:
      sh
      -c
    Args:
      echo hi
      echo there
    Limits:
      cpu:     500m
      memory:  128Mi
    Requests:
      cpu:      250m
    Liveness:   http-get http://:8080/ delay=0s timeout=1s period=10s #success=1 #failure=3
    Readiness:  tcp-socket :http delay=5s timeout=1s period=10s #success=1 #failure=3
    Environment Variables from:
      cfg  ConfigMap                Optional: false
      sec  Secret with prefix 'S_'  Optional: false
    Environment:
      PLAIN:     a
                 b
      POD_NAME:  kubernetes-bootcamp-5485cc6795-m5t2x (v1:metadata.name)
      NODE:       (v1:spec.nodeName)
      CPU:       500 (limits.cpu)
      MEM:       128 (limits.memory)
      EPH:       0 (limits.ephemeral-storage)
      PW:        <set to the key 'pw' in secret 'sec'>        Optional: false
      MODE:      <set to the key 'mode' of config map 'cfg'>  Optional: true
    Mounts:
      /data from data (rw,path="sub")
      /etc/cfg from cfg (ro)
"""


def test_limits_without_value_resolve_to_node_allocatable() -> None:
    block = container_block({"name": "c", "image": "busybox", "env": [
        {"name": "CPU", "valueFrom": {"resourceFieldRef": {"resource": "limits.cpu"}}}]})
    assert "    Environment:\n      CPU:   node allocatable (limits.cpu)\n    Mounts:  <none>\n" in block


@pytest.mark.parametrize(("minor", "ports", "expected"), [
    (35, [{"containerPort": 80, "protocol": "TCP", "name": "http"}],
     "    Port:         80/TCP (http)\n    Host Port:    0/TCP (http)\n"),
    (32, [{"containerPort": 80, "protocol": "TCP", "name": "http"}],
     "    Port:         80/TCP\n    Host Port:    0/TCP\n"),
    (35, [{"containerPort": 80, "protocol": "TCP"}, {"containerPort": 53, "protocol": "UDP", "hostPort": 53}],
     "    Ports:        80/TCP, 53/UDP\n    Host Ports:   0/TCP, 53/UDP\n"),
])
def test_ports(minor: int, ports: list[dict[str, Any]], expected: str) -> None:
    pod = bootcamp_pod()
    pod["spec"]["containers"] = [{"name": "c", "image": "i", "ports": ports}]
    pod["status"]["containerStatuses"] = []
    text = describe_pod(pod, None, NOW, kubectl_minor=minor)
    assert expected in text


def test_waiting_and_terminated_states_with_last_state() -> None:
    status = {
        "name": "c", "ready": False, "restartCount": 4, "image": "i", "imageID": "", "containerID": "cri://1",
        "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off"}},
        "lastState": {"terminated": {"exitCode": 1, "reason": "Error", "startedAt": "2025-01-06T10:00:10Z",
                                     "finishedAt": "2025-01-06T10:00:11Z"}},
    }
    block = container_block({"name": "c", "image": "i"}, status)
    assert """\
    State:          Waiting
      Reason:       CrashLoopBackOff
    Last State:     Terminated
      Reason:       Error
      Exit Code:    1
      Started:      Mon, 06 Jan 2025 10:00:10 +0000
      Finished:     Mon, 06 Jan 2025 10:00:11 +0000
    Ready:          False
    Restart Count:  4
""" in block
    status = copy.deepcopy(status)
    status["state"] = {"terminated": {"exitCode": 0, "reason": "Completed", "message": "done", "signal": 9}}
    status["lastState"] = {}
    block = container_block({"name": "c", "image": "i"}, status)
    assert ("    State:          Terminated\n      Reason:       Completed\n      Message:      done\n"
            "      Exit Code:    0\n      Signal:       9\n"
            "      Started:      Mon, 01 Jan 0001 00:00:00 +0000\n") in block
    assert "Last State" not in block


@pytest.mark.parametrize(("probe", "minor", "expected"), [
    ({"exec": {"command": ["cat", "/tmp/healthy"]}, "periodSeconds": 5},
     35, "exec [cat /tmp/healthy] delay=0s timeout=0s period=5s #success=0 #failure=0"),
    ({"httpGet": {"path": "/healthz", "port": 8080, "host": "10.0.0.1", "scheme": "HTTPS"},
      "timeoutSeconds": 1, "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3},
     37, "http-get https://10.0.0.1:8080/healthz delay=0s timeout=1s period=10s "
         "successThreshold=1 failureThreshold=3"),
    ({"grpc": {"port": 2379, "service": "x"}}, 35, "grpc <pod>:2379 x delay=0s timeout=0s period=0s #success=0 #failure=0"),
    ({}, 35, "unknown delay=0s timeout=0s period=0s #success=0 #failure=0"),
])
def test_probe_text(probe: dict[str, Any], minor: int, expected: str) -> None:
    assert describe_probe(probe, minor) == expected


def test_init_containers_readiness_gates_node_selector_and_tolerations() -> None:
    pod = bootcamp_pod()
    pod["spec"]["initContainers"] = [{"name": "init", "image": "busybox"}]
    pod["spec"]["readinessGates"] = [{"conditionType": "example.com/ready"}]
    pod["spec"]["nodeSelector"] = {"disk": "ssd", "zone": "a"}
    pod["spec"]["tolerations"] = [{"operator": "Exists"}, {"key": "k", "operator": "Equal", "value": "v",
                                                           "effect": "NoSchedule"}]
    text = describe_pod(pod, None, NOW)
    assert "Init Containers:\n  init:\n    Image:" in text
    assert "Readiness Gates:\n  Type                Status\n  example.com/ready   <none> \n" in text
    assert "Node-Selectors:              disk=ssd\n                             zone=a\n" in text
    assert "Tolerations:                 op=Exists\n                             k=v:NoSchedule\n" in text


def test_volumes_of_common_sources() -> None:
    pod = bootcamp_pod()
    pod["spec"]["volumes"] = [
        {"name": "scratch", "emptyDir": {}},
        {"name": "mem", "emptyDir": {"medium": "Memory", "sizeLimit": "64Mi"}},
        {"name": "host", "hostPath": {"path": "/data", "type": "Directory"}},
        {"name": "cfg", "configMap": {"name": "app-config"}},
        {"name": "sec", "secret": {"secretName": "app-secret", "optional": True}},
        {"name": "claim", "persistentVolumeClaim": {"claimName": "data"}},
        {"name": "odd", "gitRepo": {"repository": "x"}},
    ]
    text = describe_pod(pod, None, NOW)
    volumes = text[text.index("Volumes:\n"):text.index("QoS Class:")]
    assert volumes == """\
Volumes:
  scratch:
    Type:       EmptyDir (a temporary directory that shares a pod's lifetime)
    Medium:     
    SizeLimit:  <unset>
  mem:
    Type:       EmptyDir (a temporary directory that shares a pod's lifetime)
    Medium:     Memory
    SizeLimit:  64Mi
  host:
    Type:          HostPath (bare host directory volume)
    Path:          /data
    HostPathType:  Directory
  cfg:
    Type:      ConfigMap (a volume populated by a ConfigMap)
    Name:      app-config
    Optional:  false
  sec:
    Type:        Secret (a volume populated by a Secret)
    SecretName:  app-secret
    Optional:    true
  claim:
    Type:       PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)
    ClaimName:  data
    ReadOnly:   false
  odd:
  <unknown>
"""  # noqa: W291 (kubectl prints these trailing spaces)
    pod["spec"]["volumes"] = []
    # The condition rows above share the column, so the widest condition sets the width.
    assert "  PodScheduled                True \nVolumes:                      <none>\n" in describe_pod(
        pod, None, NOW)


def test_annotations_skip_last_applied_and_wrap_long_values() -> None:
    pod = bootcamp_pod()
    pod["metadata"]["annotations"] = {
        "kubectl.kubernetes.io/last-applied-configuration": "{}",
        "a": "1",
        "long": "x" * 150,
        "multi": "line1\nline2\n",
    }
    text = describe_pod(pod, None, NOW)
    assert ("Annotations:      a: 1\n"
            "                  long:\n"
            f"                    {'x' * 138}...\n"
            "                  multi:\n"
            "                    line1\n"
            "                    line2\n") in text


def test_terminal_escapes_are_neutralised() -> None:
    pod = bootcamp_pod()
    pod["status"]["message"] = "evil\x1b[31m\rred"
    assert "Message:          evil^[[31m\\rred\n" in describe_pod(pod, None, NOW)
