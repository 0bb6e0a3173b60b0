"""kube-system as minikube shows it, on a virtual clock: the static pods' mirror pods, CoreDNS,
kube-proxy and the storage provisioner — present and Ready after start, recreated by their
owners (ReplicaSet, DaemonSet, kubelet) when deleted, following nodes, drained as upstream."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from kubenb.api.pods import is_pod_ready
from kubenb.clock import VirtualClock
from kubenb.cluster import Cluster
from tests.conftest import Kube, run_cluster

Obj = dict[str, Any]
STATIC = ("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler")


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    yield from run_cluster(Cluster(nodes=2, clock=VirtualClock(), seed=1), nodes=2)


def system_pods(c: Cluster) -> list[Obj]:
    return [p for p in c.store.list("Pod", "kube-system")
            if not p["metadata"].get("deletionTimestamp")]


def all_ready(c: Cluster, count: int) -> bool:
    pods = system_pods(c)
    return len(pods) == count and all(is_pod_ready(p) for p in pods)


def pod(c: Cluster, name: str) -> Obj:
    return c.store.get("Pod", "kube-system", name)


def names(c: Cluster) -> list[str]:
    return sorted(p["metadata"]["name"] for p in system_pods(c))


def node_ip(c: Cluster, node: str) -> str:
    addresses = c.store.get("Node", None, node)["status"]["addresses"]
    return next(a["address"] for a in addresses if a["type"] == "InternalIP")


def test_fresh_cluster_has_minikubes_system_pods_running_and_ready(cluster: Cluster) -> None:
    cluster.wait_for(lambda: all_ready(cluster, 8))
    got = names(cluster)
    assert [n for n in got if not n.startswith(("coredns-", "kube-proxy-"))] == [
        "etcd-minikube", "kube-apiserver-minikube", "kube-controller-manager-minikube",
        "kube-scheduler-minikube", "storage-provisioner"]
    [dns] = [n for n in got if n.startswith("coredns-")]
    assert re.fullmatch(r"coredns-[a-z0-9]{8,10}-[a-z0-9]{5}", dns)
    proxies = [n for n in got if n.startswith("kube-proxy-")]
    assert len(proxies) == 2 and all(re.fullmatch(r"kube-proxy-[a-z0-9]{5}", n) for n in proxies)
    version = cluster.ctx.kubernetes_version
    images = {p["metadata"]["name"]: p["spec"]["containers"][0]["image"] for p in system_pods(cluster)}
    assert images["kube-apiserver-minikube"] == f"registry.k8s.io/kube-apiserver:{version}"
    assert images["etcd-minikube"] == "registry.k8s.io/etcd:3.5.16-0"
    assert images[dns] == "registry.k8s.io/coredns/coredns:v1.11.3"
    assert images["storage-provisioner"] == "gcr.io/k8s-minikube/storage-provisioner:v5"
    assert all(images[p] == f"registry.k8s.io/kube-proxy:{version}" for p in proxies)
    for p in system_pods(cluster):  # restart counts and ages of a fresh cluster
        assert p["status"]["containerStatuses"][0]["restartCount"] == 0
        assert p["status"]["startTime"] >= p["metadata"]["creationTimestamp"]


def test_static_pods_are_mirror_pods_owned_by_the_node(cluster: Cluster) -> None:
    cluster.wait_for(lambda: all_ready(cluster, 8))
    node = cluster.store.get("Node", None, "minikube")
    for component in STATIC:
        p = pod(cluster, f"{component}-minikube")
        meta, spec = p["metadata"], p["spec"]
        annotations = meta["annotations"]
        assert annotations["kubernetes.io/config.source"] == "file"
        assert re.fullmatch(r"[0-9a-f]{32}", annotations["kubernetes.io/config.mirror"])
        assert annotations["kubernetes.io/config.hash"] == annotations["kubernetes.io/config.mirror"]
        assert meta["labels"] == {"component": component, "tier": "control-plane"}
        assert meta["ownerReferences"] == [{"apiVersion": "v1", "controller": True, "kind": "Node",
                                            "name": "minikube", "uid": node["metadata"]["uid"]}]
        assert spec["priorityClassName"] == "system-node-critical"
        assert spec["priority"] == 2000001000
        assert spec["hostNetwork"] is True and spec["nodeName"] == "minikube"
        assert "serviceAccountName" not in spec  # no service account for mirror pods
        assert p["status"]["podIP"] == node_ip(cluster, "minikube")
    requests = {c: pod(cluster, f"{c}-minikube")["spec"]["containers"][0]["resources"]["requests"]
                for c in STATIC}
    assert requests == {"etcd": {"cpu": "100m", "memory": "100Mi"}, "kube-apiserver": {"cpu": "250m"},
                        "kube-controller-manager": {"cpu": "200m"}, "kube-scheduler": {"cpu": "100m"}}


def test_scheduler_binds_coredns_but_never_sees_mirror_pods(cluster: Cluster) -> None:
    cluster.wait_for(lambda: all_ready(cluster, 8))
    scheduled = {e["involvedObject"]["name"] for e in cluster.store.list("Event", "kube-system")
                 if e["reason"] == "Scheduled"}
    [dns] = [p for p in system_pods(cluster) if p["metadata"]["name"].startswith("coredns-")]
    assert dns["metadata"]["name"] in scheduled and "storage-provisioner" in scheduled
    assert not any(name.endswith("-minikube") for name in scheduled)
    assert dns["metadata"]["labels"]["k8s-app"] == "kube-dns"
    assert dns["metadata"]["ownerReferences"][0]["kind"] == "ReplicaSet"
    assert dns["spec"]["priority"] == 2000000000
    assert dns["spec"]["nodeName"] == "minikube"  # placed before the other nodes joined
    assert dns["status"]["podIP"] == "10.244.0.2"  # a pod address, not the node's
    endpoints = cluster.store.get("Endpoints", "kube-system", "kube-dns")
    assert [a["ip"] for a in endpoints["subsets"][0]["addresses"]] == ["10.244.0.2"]


def test_deleted_coredns_pod_is_recreated_by_its_replicaset(cluster: Cluster) -> None:
    cluster.wait_for(lambda: all_ready(cluster, 8))
    [old] = [n for n in names(cluster) if n.startswith("coredns-")]
    cluster.store.delete("Pod", "kube-system", old)
    cluster.wait_for(lambda: all_ready(cluster, 8) and old not in names(cluster))
    [new] = [n for n in names(cluster) if n.startswith("coredns-")]
    assert new.rsplit("-", 1)[0] == old.rsplit("-", 1)[0]  # the same ReplicaSet


def test_deleted_kube_proxy_pod_is_recreated_by_the_daemonset(cluster: Cluster) -> None:
    cluster.wait_for(lambda: all_ready(cluster, 8))
    old = next(p for p in system_pods(cluster) if p["metadata"]["name"].startswith("kube-proxy-")
               and p["spec"]["nodeName"] == "minikube-m02")
    cluster.store.delete("Pod", "kube-system", old["metadata"]["name"])
    cluster.wait_for(lambda: all_ready(cluster, 8) and old["metadata"]["name"] not in names(cluster))
    new = next(p for p in system_pods(cluster) if p["metadata"]["name"].startswith("kube-proxy-")
               and p["spec"]["nodeName"] == "minikube-m02")
    assert new["metadata"]["ownerReferences"][0]["kind"] == "DaemonSet"
    assert new["status"]["podIP"] == node_ip(cluster, "minikube-m02")


def test_deleted_mirror_pod_is_recreated_by_the_kubelet(cluster: Cluster) -> None:
    cluster.wait_for(lambda: all_ready(cluster, 8))
    old_uid = pod(cluster, "kube-scheduler-minikube")["metadata"]["uid"]
    cluster.store.delete("Pod", "kube-system", "kube-scheduler-minikube")  # graceful, as kubectl

    def recreated() -> bool:
        p = cluster.store.try_get("Pod", "kube-system", "kube-scheduler-minikube")
        return p is not None and p["metadata"]["uid"] != old_uid and is_pod_ready(p)

    cluster.wait_for(recreated)
    new = pod(cluster, "kube-scheduler-minikube")
    assert new["metadata"]["annotations"]["kubernetes.io/config.source"] == "file"
    assert not new["metadata"].get("deletionTimestamp")
    cluster.advance(30)
    assert all_ready(cluster, 8)


def test_deleted_storage_provisioner_stays_deleted(cluster: Cluster) -> None:
    cluster.wait_for(lambda: all_ready(cluster, 8))
    cluster.store.delete("Pod", "kube-system", "storage-provisioner")
    cluster.wait_for(lambda: "storage-provisioner" not in
                     [p["metadata"]["name"] for p in cluster.store.list("Pod", "kube-system")])
    cluster.advance(120)
    assert "storage-provisioner" not in names(cluster) and len(system_pods(cluster)) == 7


def test_kube_proxy_follows_nodes_added_and_deleted(cluster: Cluster) -> None:
    cluster.wait_for(lambda: all_ready(cluster, 8))

    def proxy_nodes() -> list[str]:
        return sorted(p["spec"]["nodeName"] for p in system_pods(cluster)
                      if p["metadata"]["name"].startswith("kube-proxy-") and is_pod_ready(p))

    added = cluster.add_node()
    cluster.wait_for(lambda: proxy_nodes() == ["minikube", "minikube-m02", added])
    cluster.delete_node(added)
    cluster.wait_for(lambda: len([p for p in cluster.store.list("Pod", "kube-system")
                                  if p["spec"].get("nodeName") == added]) == 0)
    assert proxy_nodes() == ["minikube", "minikube-m02"]
    ds = cluster.store.get("DaemonSet", "kube-system", "kube-proxy")
    assert ds["status"]["desiredNumberScheduled"] == 2


def test_drain_reports_daemonset_pods_and_skips_mirror_pods(cluster: Cluster) -> None:
    cluster.wait_for(lambda: all_ready(cluster, 8))
    kube = Kube(cluster)
    proxy = next(p["metadata"]["name"] for p in system_pods(cluster)
                 if p["metadata"]["name"].startswith("kube-proxy-")
                 and p["spec"]["nodeName"] == "minikube-m02")
    r = kube("drain minikube-m02")
    assert r.rc == 1
    assert r.out == "node/minikube-m02 cordoned\n"
    assert r.err == (
        'error: unable to drain node "minikube-m02" due to error: cannot delete DaemonSet-managed '
        f"Pods (use --ignore-daemonsets to ignore): kube-system/{proxy}, continuing command...\n"
        "There are pending nodes to be drained:\n minikube-m02\n"
        f"cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): kube-system/{proxy}\n")
    r = kube("drain minikube-m02 --ignore-daemonsets")
    assert r.rc == 0
    assert r.err == f"Warning: ignoring DaemonSet-managed Pods: kube-system/{proxy}\n"
    assert r.out == "node/minikube-m02 already cordoned\nnode/minikube-m02 drained\n"
    # the control-plane node: mirror pods are skipped without a word; the bare
    # storage-provisioner pod needs --force, as on minikube
    r = kube("drain minikube --ignore-daemonsets")
    assert r.rc == 1
    assert "cannot delete Pods that declare no controller (use --force to override): " \
           "kube-system/storage-provisioner" in r.err
    assert "-minikube" not in r.err.replace("minikube-m02", "")
    local = next(p["metadata"]["name"] for p in system_pods(cluster)
                 if p["metadata"]["name"].startswith("kube-proxy-")
                 and p["spec"]["nodeName"] == "minikube")
    r = kube("drain minikube --ignore-daemonsets --force")
    assert r.rc == 0, r.err
    assert r.err == (f"Warning: ignoring DaemonSet-managed Pods: kube-system/{local}; deleting "
                     "Pods that declare no controller: kube-system/storage-provisioner\n")
    assert "evicting pod kube-system/coredns-" in r.out
    assert all(f"{c}-minikube" in names(cluster) for c in STATIC)


def test_component_logs_and_exec(cluster: Cluster) -> None:
    cluster.wait_for(lambda: all_ready(cluster, 8))
    kube = Kube(cluster)
    r = kube("logs -n kube-system kube-scheduler-minikube")
    assert r.rc == 0 and r.err == ""
    assert '"Starting Kubernetes Scheduler" version="v1.32.0"' in r.out
    assert re.match(r"I\d{4} \d\d:\d\d:\d\d\.\d{6}       1 serving\.go:386\] ", r.out)
    for name in names(cluster):
        r = kube(f"logs -n kube-system {name}")
        assert r.rc == 0 and r.out and r.err == "", name
    r = kube("exec -n kube-system kube-apiserver-minikube -- sh")
    assert r.rc == 1
    assert r.err.startswith("error: Internal error occurred: error executing command in container:")
    assert r.err.endswith('exec: "sh": executable file not found in $PATH: unknown\n')


def test_restarted_cluster_gets_its_addons_back(cluster: Cluster) -> None:
    cluster.wait_for(lambda: all_ready(cluster, 8))
    cluster.store.delete("Pod", "kube-system", "storage-provisioner")
    cluster.wait_for(lambda: cluster.store.try_get("Pod", "kube-system", "storage-provisioner") is None)
    cluster.stop()
    cluster.start()  # `minikube start` of a stopped profile re-applies its addons
    cluster.wait_for(lambda: all_ready(cluster, 8))
