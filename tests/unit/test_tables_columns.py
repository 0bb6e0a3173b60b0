"""Server-side Table cells per kind (printers.go rules), checked as rendered `kubectl get` text."""

from datetime import datetime, timezone
from typing import Any

import pytest

from kubenb.api.tables.columns import table
from kubenb.api.tables.rows_pod import pod_status
from kubenb.cli.kubectl.printers.render import render_tables
from tests import builders

NOW = datetime(2025, 1, 6, 10, 12, 0, tzinfo=timezone.utc)
T0 = "2025-01-06T10:00:00Z"  # 12m before NOW


def meta(name: str, ns: str | None = "default", created: str = T0, **extra: Any) -> dict:
    m = {"name": name, "creationTimestamp": created, **extra}
    if ns:
        m["namespace"] = ns
    return m


def get(kind: str, objs: list[dict], **opts: Any) -> str:
    return render_tables([table(kind, objs, NOW)], **opts)


# -- Pods -------------------------------------------------------------------------------------
def running(name: str = "c", restarts: int = 0, ready: bool = True, **extra: Any) -> dict:
    return {"name": name, "ready": ready, "restartCount": restarts,
            "state": {"running": {"startedAt": T0}}, **extra}


def waiting(reason: str, name: str = "c", restarts: int = 0, **extra: Any) -> dict:
    return {"name": name, "ready": False, "restartCount": restarts,
            "state": {"waiting": {"reason": reason}}, **extra}


def terminated(reason: str | None, code: int, name: str = "c", signal: int = 0) -> dict:
    term: dict[str, Any] = {"exitCode": code}
    if reason:
        term["reason"] = reason
    if signal:
        term["signal"] = signal
    return {"name": name, "ready": False, "restartCount": 0, "state": {"terminated": term}}


def pod(statuses: list[dict] | None = None, phase: str = "Running", n: int = 1,
        init: list[dict] | None = None, init_statuses: list[dict] | None = None,
        conditions: list[dict] | None = None, **meta_extra: Any) -> dict:
    status = {k: v for k, v in (("containerStatuses", statuses), ("initContainerStatuses", init_statuses),
                                ("conditions", conditions)) if v is not None}
    spec = {} if init is None else {"initContainers": init}
    return builders.pod("p", meta={"creationTimestamp": T0, **meta_extra}, phase=phase, status=status,
                        containers=[builders.container(f"c{i}", "i") for i in range(n)], **spec)


READY_TRUE = [{"type": "Ready", "status": "True"}]
ONE_INIT = [{"name": "init", "image": "i"}]
SIDECAR = [{"name": "side", "image": "i", "restartPolicy": "Always"}]


@pytest.mark.parametrize(
    ("obj", "ready", "status"),
    [
        (pod(phase="Pending"), "0/1", "Pending"),
        (pod([waiting("ContainerCreating")], phase="Pending"), "0/1", "ContainerCreating"),
        (pod([running()]), "1/1", "Running"),
        (pod([waiting("ImagePullBackOff")], phase="Pending"), "0/1", "ImagePullBackOff"),
        (pod([terminated("Completed", 0)], phase="Succeeded"), "0/1", "Completed"),
        (pod([terminated(None, 3)], phase="Failed"), "0/1", "ExitCode:3"),
        (pod([terminated(None, 137, signal=9)], phase="Failed"), "0/1", "Signal:9"),
        (pod(phase="Failed", reason="Evicted"), "0/1", "Evicted"),  # status.reason below
        # app containers are walked last to first, so the first one with a reason wins
        (pod([waiting("CrashLoopBackOff", "a"), waiting("ErrImagePull", "b")], n=2),
         "0/2", "CrashLoopBackOff"),
        (pod([running("a"), terminated("Completed", 0, "b")], n=2, conditions=READY_TRUE),
         "1/2", "Running"),
        (pod([running("a"), terminated("Completed", 0, "b")], n=2), "1/2", "NotReady"),
        (pod([terminated("Completed", 0, "a"), terminated("Error", 1, "b")], n=2,
             phase="Failed"), "0/2", "Error"),
        (pod([waiting("PodInitializing")], phase="Pending", init=ONE_INIT,
             init_statuses=[waiting("PodInitializing", "init")]), "0/1", "Init:0/1"),
        (pod(phase="Pending", init=ONE_INIT,
             init_statuses=[waiting("CrashLoopBackOff", "init")]), "0/1", "Init:CrashLoopBackOff"),
        (pod(phase="Pending", init=ONE_INIT,
             init_statuses=[terminated("Error", 1, "init")]), "0/1", "Init:Error"),
        (pod(phase="Pending", init=ONE_INIT,
             init_statuses=[terminated(None, 2, "init")]), "0/1", "Init:ExitCode:2"),
        (pod([running()], init=SIDECAR, conditions=[*READY_TRUE, {"type": "Initialized",
             "status": "True"}], init_statuses=[running("side", started=True)]), "2/2", "Running"),
        (pod([running()], deletionTimestamp=T0), "1/1", "Terminating"),
        (pod([running()], deletionTimestamp=T0, phase="Unknown"), "1/1", "Terminating"),
        (pod([terminated("Completed", 0)], phase="Succeeded", deletionTimestamp=T0),
         "0/1", "Completed"),
        (pod(phase="Pending", conditions=[{"type": "PodScheduled", "status": "False",
             "reason": "SchedulingGated"}]), "0/1", "SchedulingGated"),
    ],
)
def test_pod_status(obj: dict, ready: str, status: str) -> None:
    if status == "Evicted":
        obj["status"]["reason"] = "Evicted"
    assert pod_status(obj)[:2] == (ready, status)


def test_pod_node_lost_is_unknown() -> None:
    obj = pod([running()], deletionTimestamp=T0)
    obj["status"]["reason"] = "NodeLost"
    assert pod_status(obj)[1] == "Unknown"


def test_pods_table_with_restarts_and_wide() -> None:
    crash = pod([waiting("CrashLoopBackOff", restarts=3,
                         lastState={"terminated": {"exitCode": 1,
                                                   "finishedAt": "2025-01-06T10:07:00Z"}})])
    crash["metadata"]["name"] = "web-2"
    ok = pod([running()])
    ok["metadata"]["name"] = "kubernetes-bootcamp-5485cc6795-m5t2x"
    ok["metadata"]["creationTimestamp"] = "2025-01-06T10:01:00Z"
    ok["spec"]["nodeName"] = "minikube"
    ok["status"]["podIPs"] = [{"ip": "10.244.0.5"}]
    assert get("Pod", [ok, crash]) == (
        "NAME                                   READY   STATUS             RESTARTS     AGE\n"
        "kubernetes-bootcamp-5485cc6795-m5t2x   1/1     Running            0            11m\n"
        "web-2                                  0/1     CrashLoopBackOff   3 (5m ago)   12m\n"
    )
    assert get("Pod", [ok], wide=True) == (
        "NAME                                   READY   STATUS    RESTARTS   AGE   IP           "
        "NODE       NOMINATED NODE   READINESS GATES\n"
        "kubernetes-bootcamp-5485cc6795-m5t2x   1/1     Running   0          11m   10.244.0.5   "
        "minikube   <none>           <none>\n"
    )


def test_readiness_gates_count_true_conditions() -> None:
    obj = pod([running()], conditions=[{"type": "example.com/gate", "status": "True"}])
    obj["spec"]["readinessGates"] = [{"conditionType": "example.com/gate"},
                                     {"conditionType": "example.com/other"}]
    assert table("Pod", [obj], NOW).rows[0].cells[5:] == ["<none>", "<none>", "<none>", "1/2"]


# -- Workloads --------------------------------------------------------------------------------
def deployment(name: str, replicas: int, status: dict) -> dict:
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta(name),
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                     "template": {"spec": {"containers": [
                         {"name": "app", "image": "nginx"}, {"name": "log", "image": "busybox"}]}}},
            "status": status}


def test_deployments() -> None:
    objs = [deployment("kubernetes-bootcamp", 1,
                       {"readyReplicas": 1, "updatedReplicas": 1, "availableReplicas": 1}),
            deployment("new", 1, {})]
    assert get("Deployment", objs) == (
        "NAME                  READY   UP-TO-DATE   AVAILABLE   AGE\n"
        "kubernetes-bootcamp   1/1     1            1           12m\n"
        "new                   0/1     0            0           12m\n"
    )
    assert get("Deployment", objs[1:], wide=True) == (
        "NAME   READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   IMAGES          SELECTOR\n"
        "new    0/1     0            0           12m   app,log      nginx,busybox   app=new\n"
    )


def test_replicasets_and_set_based_selector() -> None:
    rs = {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": meta("x-5485cc6795"),
          "spec": {"replicas": 3, "selector": {
              "matchLabels": {"pod-template-hash": "5485cc6795", "app": "x"},
              "matchExpressions": [{"key": "tier", "operator": "In", "values": ["web", "api"]},
                                   {"key": "canary", "operator": "DoesNotExist"}]},
              "template": {"spec": {"containers": [{"name": "x", "image": "x:v1"}]}}},
          "status": {"replicas": 3, "readyReplicas": 2}}
    old = {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": meta("x-644c5687f4"),
           "spec": {"replicas": 0}, "status": {"replicas": 0}}
    assert get("ReplicaSet", [rs, old]) == (
        "NAME           DESIRED   CURRENT   READY   AGE\n"
        "x-5485cc6795   3         3         2       12m\n"
        "x-644c5687f4   0         0         0       12m\n"
    )
    assert table("ReplicaSet", [rs, old], NOW).rows[0].cells[7] == (
        "app=x,!canary,pod-template-hash=5485cc6795,tier in (api,web)")
    assert table("ReplicaSet", [old], NOW).rows[0].cells[5:] == ["", "", "<none>"]


# -- Services ---------------------------------------------------------------------------------
def service(name: str, stype: str, spec: dict, status: dict | None = None,
            created: str = T0) -> dict:
    svc = builders.service(name, type=stype, selector={}, ports=[], meta={"creationTimestamp": created},
                           status=status or {})
    svc["spec"].update(spec)
    return svc


def test_services() -> None:
    objs = [
        service("kubernetes", "ClusterIP", {"clusterIPs": ["10.96.0.1"],
                "ports": [{"port": 443, "protocol": "TCP"}]}),
        service("kubernetes-bootcamp", "NodePort", {
            "clusterIPs": ["10.104.218.133"], "selector": {"app": "kubernetes-bootcamp"},
            "ports": [{"port": 8080, "nodePort": 31728, "protocol": "TCP"}]},
            created="2025-01-06T10:11:55Z"),
        service("lb", "LoadBalancer", {"clusterIPs": ["10.96.0.9"], "ports": [
            {"port": 80, "nodePort": 30001, "protocol": "TCP"},
            {"port": 53, "nodePort": 30002, "protocol": "UDP"}]}),
        service("lb2", "LoadBalancer", {"clusterIPs": ["10.96.0.10"], "ports": []},
                {"loadBalancer": {"ingress": [{"ip": "192.0.2.20"}, {"hostname": "a.example"},
                                              {"ip": "192.0.2.3"}]}}),
        service("headless", "ClusterIP", {"clusterIPs": ["None"], "externalIPs": ["1.2.3.4",
                "5.6.7.8"]}),
        service("ext", "ExternalName", {"externalName": "example.com"}),
    ]
    assert get("Service", objs) == (
        "NAME                  TYPE           CLUSTER-IP       EXTERNAL-IP                      "
        "PORT(S)                     AGE\n"
        "kubernetes            ClusterIP      10.96.0.1        <none>                           "
        "443/TCP                     12m\n"
        "kubernetes-bootcamp   NodePort       10.104.218.133   <none>                           "
        "8080:31728/TCP              5s\n"
        "lb                    LoadBalancer   10.96.0.9        <pending>                        "
        "80:30001/TCP,53:30002/UDP   12m\n"
        "lb2                   LoadBalancer   10.96.0.10       192.0.2.20,192.0.2.3,a.example   "
        "<none>                      12m\n"
        "headless              ClusterIP      None             1.2.3.4,5.6.7.8                  "
        "<none>                      12m\n"
        "ext                   ExternalName   <none>           example.com                      "
        "<none>                      12m\n"
    )
    assert [r.cells[6] for r in table("Service", objs[:2], NOW).rows] == [
        "<none>", "app=kubernetes-bootcamp"]


# -- Nodes ------------------------------------------------------------------------------------
def node(name: str, ready: str | None, labels: dict, unschedulable: bool = False,
         info: dict | None = None) -> dict:
    conditions = None if ready is None else [builders.condition("MemoryPressure", False),
                                             builders.condition("Ready", ready)]
    return builders.node(name, meta={"creationTimestamp": T0, "labels": labels},
                         spec={"unschedulable": unschedulable}, conditions=conditions,
                         status={"nodeInfo": info or {"kubeletVersion": "v1.36.2"},
                                 "addresses": [{"type": "InternalIP", "address": "192.168.49.2"},
                                               {"type": "Hostname", "address": name}]})


def test_nodes() -> None:
    objs = [
        node("minikube", "True", {"node-role.kubernetes.io/control-plane": "",
                                  "kubernetes.io/hostname": "minikube"}),
        node("minikube-m02", "Unknown", {"kubernetes.io/role": "worker",
                                         "node-role.kubernetes.io/infra": ""}, True),
        node("minikube-m03", None, {}),
    ]
    assert get("Node", objs, with_namespace=True) == (
        "NAME           STATUS                        ROLES           AGE   VERSION\n"
        "minikube       Ready                         control-plane   12m   v1.36.2\n"
        "minikube-m02   NotReady,SchedulingDisabled   infra,worker    12m   v1.36.2\n"
        "minikube-m03   Unknown                       <none>          12m   v1.36.2\n"
    )
    wide = table("Node", objs[:1], NOW).rows[0].cells[5:]
    assert wide == ["192.168.49.2", "<none>", "<unknown>", "<unknown>", "<unknown>"]


# -- Endpoints, events, small kinds ----------------------------------------------------------------
def endpoints(name: str, subsets: list[dict] | None) -> dict:
    obj: dict[str, Any] = {"apiVersion": "v1", "kind": "Endpoints", "metadata": meta(name)}
    if subsets is not None:
        obj["subsets"] = subsets
    return obj


def test_endpoints() -> None:
    addrs = [{"ip": f"10.244.0.{i}"} for i in range(5, 9)]
    objs = [
        endpoints("kubernetes", [{"addresses": [{"ip": "192.168.49.2"}],
                                  "ports": [{"name": "https", "port": 8443}]}]),
        endpoints("many", [{"addresses": addrs, "ports": [{"port": 8080}]}]),
        endpoints("none", None),
        endpoints("notready", [{"notReadyAddresses": [{"ip": "10.244.0.9"}],
                                "ports": [{"port": 80}]}]),
        endpoints("v6", [{"addresses": [{"ip": "fd00::1"}], "ports": [{"port": 80}]}]),
    ]
    cells = [r.cells[1] for r in table("Endpoints", objs, NOW).rows]
    assert cells == ["192.168.49.2:8443",
                     "10.244.0.5:8080,10.244.0.6:8080,10.244.0.7:8080 + 1 more...",
                     "<none>", "", "[fd00::1]:80"]


def event(name: str, **fields: Any) -> dict:
    return {"apiVersion": "v1", "kind": "Event", "metadata": meta(name), **fields}


def test_events_normal_and_wide() -> None:
    objs = [
        event("p.181", type="Normal", reason="Scheduled", count=1,
              involvedObject={"kind": "Pod", "name": "p"},
              source={"component": "default-scheduler"},
              message="Successfully assigned default/p to minikube  ",
              firstTimestamp="2025-01-06T10:11:00Z", lastTimestamp="2025-01-06T10:11:00Z"),
        event("p.182", type="Warning", reason="BackOff", count=5,
              involvedObject={"kind": "Pod", "name": "p", "fieldPath": "spec.containers{app}"},
              source={"component": "kubelet", "host": "minikube"},
              message="Back-off restarting failed container app in pod p",
              firstTimestamp="2025-01-06T10:02:00Z", lastTimestamp="2025-01-06T10:10:00Z"),
        event("x.183", type="Normal", reason="ScalingReplicaSet",
              involvedObject={"kind": "Deployment", "name": "x"},
              reportingComponent="deployment-controller", message="Scaled up replica set x-1 from 0 to 1",
              eventTime="2025-01-06T10:09:30.000000Z"),
    ]
    assert get("Event", objs) == (
        "LAST SEEN   TYPE      REASON              OBJECT         MESSAGE\n"
        "60s         Normal    Scheduled           pod/p          Successfully assigned default/p to minikube\n"
        "2m          Warning   BackOff             pod/p          Back-off restarting failed container app in pod p\n"
        "2m30s       Normal    ScalingReplicaSet   deployment/x   Scaled up replica set x-1 from 0 to 1\n"
    )
    rows = [r.cells for r in table("Event", objs, NOW).rows]
    assert rows[1][4:] == ["spec.containers{app}", "kubelet, minikube",
                           "Back-off restarting failed container app in pod p", "10m", "5", "p.182"]
    assert rows[2][5] == "deployment-controller" and rows[2][8] == "1"


def test_namespaces_configmaps_secrets_serviceaccounts_and_default() -> None:
    ns = [{"apiVersion": "v1", "kind": "Namespace", "metadata": meta(n, None),
           "status": {"phase": "Active"}} for n in ("default", "kube-node-lease")]
    assert get("Namespace", ns) == (
        "NAME              STATUS   AGE\ndefault           Active   12m\nkube-node-lease   Active   12m\n")
    cms = [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta("kube-root-ca.crt"),
            "data": {"ca.crt": "x"}},
           {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta("c"),
            "data": {"a": "1"}, "binaryData": {"b": "AA=="}}]
    assert get("ConfigMap", cms) == (
        "NAME               DATA   AGE\nkube-root-ca.crt   1      12m\nc                  2      12m\n")
    sec = {"apiVersion": "v1", "kind": "Secret", "metadata": meta("s"), "type": "Opaque",
           "data": {"k": "dg==", "j": "dg=="}}
    assert get("Secret", [sec]) == "NAME   TYPE     DATA   AGE\ns      Opaque   2      12m\n"
    sa = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta("default")}
    assert get("ServiceAccount", [sa]) == "NAME      SECRETS   AGE\ndefault   0         12m\n"
    other = {"apiVersion": "example.com/v1", "kind": "Widget",
             "metadata": meta("w", created="")}
    t = table("Widget", [other], NOW)
    assert (t.group, t.namespaced) == ("example.com", True)
    assert render_tables([t]) == "NAME   AGE\nw      <unknown>\n"


def test_table_json_carries_integers_and_partial_metadata() -> None:
    rs = {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": meta("r"),
          "spec": {"replicas": 2}, "status": {"replicas": 1}}
    body = table("ReplicaSet", [rs], NOW).to_json()
    assert body["kind"] == "Table" and body["apiVersion"] == "meta.k8s.io/v1"
    assert body["rows"][0]["cells"][:5] == ["r", 2, 1, 0, "12m"]
    assert body["rows"][0]["object"]["metadata"]["name"] == "r"
    assert [c["priority"] for c in body["columnDefinitions"]] == [0, 0, 0, 0, 0, 1, 1, 1]
