"""`kubectl get` decoration and grouping rules, and the `-w` printer."""

from datetime import datetime, timezone

from kubenb.api.tables.columns import table
from kubenb.cli.kubectl.printers.render import (
    WatchPrinter,
    label_headers,
    multiple_kinds,
    no_resources_message,
    render_tables,
)
from tests import builders

NOW = datetime(2025, 1, 6, 10, 12, 0, tzinfo=timezone.utc)


def pod(name: str, ns: str = "default", phase: str = "Running", labels: dict | None = None,
        created: str = "2025-01-06T10:07:00Z", ready: bool = True) -> dict:
    return builders.pod(name, "i", namespace=ns, meta={"creationTimestamp": created, "labels": labels or {}},
                        phase=phase, status={"containerStatuses": [
                            {"name": "c", "ready": ready, "restartCount": 0, "state": {"running": {}}}]})


def svc(name: str) -> dict:
    return builders.service(name, type="ClusterIP", selector={}, ports=[{"port": 443, "protocol": "TCP"}],
                            meta={"creationTimestamp": "2025-01-06T10:00:00Z"}, clusterIPs=["10.96.0.1"])


def dep(name: str) -> dict:
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "namespace": "default",
                         "creationTimestamp": "2025-01-06T10:07:00Z"},
            "spec": {"replicas": 1},
            "status": {"replicas": 1, "readyReplicas": 1, "updatedReplicas": 1,
                       "availableReplicas": 1}}


def node(name: str) -> dict:
    return builders.node(name, meta={"creationTimestamp": "2025-01-06T10:00:00Z"},
                         conditions=[builders.condition("Ready")],
                         status={"nodeInfo": {"kubeletVersion": "v1.36.2"}})


BOOTCAMP = "kubernetes-bootcamp"


def test_get_all_prefixes_kinds_and_separates_groups_once() -> None:
    groups = [
        table("Pod", [pod(f"{BOOTCAMP}-5485cc6795-m5t2x")], NOW),
        table("ReplicationController", [], NOW),
        table("Service", [svc("kubernetes")], NOW),
        table("DaemonSet", [], NOW),
        table("Deployment", [dep(BOOTCAMP)], NOW),
    ]
    assert multiple_kinds(groups)
    assert render_tables(groups, show_kind=True) == (
        "NAME                                       READY   STATUS    RESTARTS   AGE\n"
        "pod/kubernetes-bootcamp-5485cc6795-m5t2x   1/1     Running   0          5m\n"
        "\n"
        "NAME                 TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE\n"
        "service/kubernetes   ClusterIP   10.96.0.1    <none>        443/TCP   12m\n"
        "\n"
        "NAME                                  READY   UP-TO-DATE   AVAILABLE   AGE\n"
        "deployment.apps/kubernetes-bootcamp   1/1     1            1           5m\n"
    )


def test_no_headers_drops_separators_too() -> None:
    groups = [table("Pod", [pod("a")], NOW), table("Service", [svc("kubernetes")], NOW)]
    assert render_tables(groups, no_headers=True) == (
        "a     1/1   Running   0     5m\n"
        "kubernetes   ClusterIP   10.96.0.1   <none>   443/TCP   12m\n"
    )


def test_empty_tables_print_nothing() -> None:
    assert render_tables([table("Pod", [], NOW)]) == ""
    assert render_tables([table("Pod", [], NOW), table("Service", [], NOW)], show_kind=True) == ""
    assert not multiple_kinds([table("Pod", [], NOW), table("Pod", [], NOW)])


def test_same_kind_tables_share_header_and_widths() -> None:
    # `kubectl get pod a pod-with-long-name`: one info per object, one header
    groups = [table("Pod", [pod("a")], NOW), table("Pod", [pod("pod-with-long-name")], NOW)]
    assert render_tables(groups) == (
        "NAME                 READY   STATUS    RESTARTS   AGE\n"
        "a                    1/1     Running   0          5m\n"
        "pod-with-long-name   1/1     Running   0          5m\n"
    )


def test_all_namespaces_labels_and_label_columns() -> None:
    pods = [pod("web", "default", labels={"app.kubernetes.io/name": "web", "tier": "fe"}),
            pod("dns", "kube-system")]
    assert label_headers(["app.kubernetes.io/name", "tier"]) == ["NAME", "TIER"]
    out = render_tables([table("Pod", pods, NOW)], with_namespace=True, show_labels=True,
                        label_columns=["app.kubernetes.io/name", "tier"])
    assert out == (
        "NAMESPACE     NAME   READY   STATUS    RESTARTS   AGE   NAME   TIER   LABELS\n"
        "default       web    1/1     Running   0          5m    web    fe     "
        "app.kubernetes.io/name=web,tier=fe\n"
        "kube-system   dns    1/1     Running   0          5m                  <none>\n"
    )


def test_all_namespaces_skips_cluster_scoped_kinds() -> None:
    out = render_tables([table("Node", [node("minikube")], NOW)], with_namespace=True)
    assert out == "NAME       STATUS   ROLES    AGE   VERSION\nminikube   Ready    <none>   12m   v1.36.2\n"


def test_wide_columns_come_before_label_columns() -> None:
    out = render_tables([table("Deployment", [dep("x")], NOW)], wide=True, label_columns=["app"])
    assert out.splitlines()[0] == (
        "NAME   READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   IMAGES   SELECTOR   APP")


def test_multiline_cells_are_cut() -> None:
    ev = {"apiVersion": "v1", "kind": "Event",
          "metadata": {"name": "e", "namespace": "default"}, "type": "Warning",
          "reason": "Failed", "involvedObject": {"kind": "Pod", "name": "p"},
          "message": "first line\nsecond line", "lastTimestamp": "2025-01-06T10:11:00Z"}
    assert render_tables([table("Event", [ev], NOW)]).splitlines()[1] == (
        "60s         Warning   Failed   pod/p    first line...")


def test_no_resources_messages() -> None:
    assert no_resources_message("default") == "No resources found in default namespace.\n"
    assert no_resources_message(None) == "No resources found\n"


def test_watch_keeps_widths_and_prints_header_once() -> None:
    w = WatchPrinter()
    assert w.initial(table("Pod", [pod("web-1", ready=False)], NOW)) == (
        "NAME    READY   STATUS    RESTARTS   AGE\n"
        "web-1   0/1     Running   0          5m\n"
    )
    deleting = pod("web-1")
    deleting["metadata"]["deletionTimestamp"] = "2025-01-06T10:12:00Z"
    assert w.event("MODIFIED", table("Pod", [deleting], NOW)) == (
        "web-1   1/1     Terminating   0          5m\n")
    assert w.event("ADDED", table("Pod", [pod("b", created="2025-01-06T10:12:00Z")], NOW)) == (
        "b       1/1     Running       0          0s\n")


def test_watch_with_event_column_and_namespace() -> None:
    w = WatchPrinter(output_watch_events=True, with_namespace=True)
    assert w.initial(table("Pod", [], NOW)) == ""
    assert w.event("ADDED", table("Pod", [pod("web-1")], NOW)) == (
        "EVENT      NAMESPACE   NAME    READY   STATUS    RESTARTS   AGE\n"
        "ADDED      default     web-1   1/1     Running   0          5m\n"
    )
    assert w.event("DELETED", table("Pod", [pod("web-1")], NOW)) == (
        "DELETED    default     web-1   1/1     Running   0          5m\n")
