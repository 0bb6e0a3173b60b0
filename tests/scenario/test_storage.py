"""Persistent storage on a virtual-clock cluster, as minikube has it: the default class
`standard`, dynamic provisioning by the hostpath provisioner, binding of volumes made by
hand (size, access modes, class), Retain against Delete, and the scheduler holding pods
whose claims are missing or unbound."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kubenb.api.errors import Invalid
from kubenb.cluster import Cluster
from tests import builders
from tests.scenario.virtual import storage_cluster

UNBOUND = ("0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: "
           "0/1 nodes are available: 1 Preemption is not helpful for scheduling.")


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    """One node; the provisioner makes real directories under `tmp_path` (as with programs)."""
    yield from storage_cluster(str(tmp_path))


def claim(c: Cluster, name: str) -> dict[str, Any]:
    return c.store.get("PersistentVolumeClaim", "default", name)


def phase(obj: dict[str, Any] | None) -> str | None:
    return None if obj is None else (obj.get("status") or {}).get("phase")


def reasons(c: Cluster, name: str) -> list[str]:
    return [e["reason"] for e in c.store.list("Event", "default") if e["involvedObject"]["name"] == name]


def pod_with_claim(name: str, claim_name: str) -> dict[str, Any]:
    return builders.pod(name, volumes=[{"name": "data", "persistentVolumeClaim": {"claimName": claim_name}}])


def test_a_fresh_cluster_has_minikubes_default_class(cluster: Cluster) -> None:
    sc = cluster.store.get("StorageClass", None, "standard")
    assert (sc["provisioner"], sc["reclaimPolicy"], sc["volumeBindingMode"]) == (
        "k8s.io/minikube-hostpath", "Delete", "Immediate")
    assert sc["metadata"]["annotations"]["storageclass.kubernetes.io/is-default-class"] == "true"


def test_dynamic_provisioning_binds_a_new_volume_and_delete_removes_it(cluster: Cluster, tmp_path: Path) -> None:
    created = cluster.store.create(builders.pvc("data", "2Gi"))
    assert created["spec"]["storageClassName"] == "standard"  # DefaultStorageClass admission
    cluster.wait_for(lambda: phase(claim(cluster, "data")) == "Bound", timeout=30)
    pvc = claim(cluster, "data")
    name = f"pvc-{pvc['metadata']['uid']}"
    assert pvc["spec"]["volumeName"] == name
    assert pvc["status"]["capacity"] == {"storage": "2Gi"}
    assert pvc["metadata"]["annotations"]["pv.kubernetes.io/bind-completed"] == "yes"
    pv = cluster.store.get("PersistentVolume", None, name)
    path = tmp_path / "hostpath-provisioner" / "default" / "data"
    assert pv["spec"]["hostPath"] == {"path": str(path), "type": ""}
    assert (pv["spec"]["claimRef"]["name"], phase(pv)) == ("data", "Bound")
    assert pv["metadata"]["annotations"]["pv.kubernetes.io/provisioned-by"] == "k8s.io/minikube-hostpath"
    assert path.is_dir()
    assert reasons(cluster, "data") == ["ExternalProvisioning", "Provisioning", "ProvisioningSucceeded"]
    cluster.store.delete("PersistentVolumeClaim", "default", "data")
    cluster.wait_for(lambda: cluster.store.try_get("PersistentVolume", None, name) is None, timeout=30)
    assert not path.exists()


def test_retain_keeps_the_volume_released_with_its_directory(cluster: Cluster, tmp_path: Path) -> None:
    cluster.store.create({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
                          "metadata": {"name": "keep"}, "provisioner": "k8s.io/minikube-hostpath",
                          "reclaimPolicy": "Retain"})
    cluster.store.create(builders.pvc("data", storageClassName="keep"))
    cluster.wait_for(lambda: phase(claim(cluster, "data")) == "Bound", timeout=30)
    name = claim(cluster, "data")["spec"]["volumeName"]
    path = tmp_path / "hostpath-provisioner" / "default" / "data"
    (path / "f").write_text("kept")
    cluster.store.delete("PersistentVolumeClaim", "default", "data")
    cluster.wait_for(lambda: phase(cluster.store.get("PersistentVolume", None, name)) == "Released", timeout=30)
    cluster.advance(30)
    assert phase(cluster.store.get("PersistentVolume", None, name)) == "Released"
    assert (path / "f").read_text() == "kept"


def test_a_volume_made_by_hand_binds_by_class_size_and_access_mode(cluster: Cluster) -> None:
    for pv in (builders.pv("small", "1Gi", storageClassName="manual"),
               builders.pv("rox", "5Gi", storageClassName="manual", access_modes=("ReadOnlyMany",)),
               builders.pv("other", "5Gi", storageClassName="fast"),
               builders.pv("big", "10Gi", storageClassName="manual"),
               builders.pv("right", "5Gi", storageClassName="manual")):
        cluster.store.create(pv)
    cluster.wait_for(lambda: all(phase(v) == "Available" for v in cluster.store.list("PersistentVolume")))
    cluster.store.create(builders.pvc("want", "3Gi", storageClassName="manual"))
    cluster.wait_for(lambda: phase(claim(cluster, "want")) == "Bound", timeout=30)
    assert claim(cluster, "want")["spec"]["volumeName"] == "right"  # the smallest that fits
    assert claim(cluster, "want")["status"]["capacity"] == {"storage": "5Gi"}
    right = cluster.store.get("PersistentVolume", None, "right")
    assert right["metadata"]["annotations"]["pv.kubernetes.io/bound-by-controller"] == "yes"
    assert phase(right) == "Bound"
    assert {v["metadata"]["name"] for v in cluster.store.list("PersistentVolume")
            if phase(v) == "Available"} == {"small", "rox", "other", "big"}
    # a manual volume with reclaim policy Delete has no deleter: Failed, as upstream
    cluster.store.create(builders.pv("gone", "1Gi", storageClassName="x", persistentVolumeReclaimPolicy="Delete"))
    cluster.store.create(builders.pvc("takes", "1Gi", storageClassName="x"))
    cluster.wait_for(lambda: phase(claim(cluster, "takes")) == "Bound", timeout=30)
    cluster.store.delete("PersistentVolumeClaim", "default", "takes")
    cluster.wait_for(lambda: phase(cluster.store.get("PersistentVolume", None, "gone")) == "Failed", timeout=30)
    assert cluster.store.get("PersistentVolume", None, "gone")["status"]["message"] == (
        'error getting deleter volume plugin for volume "gone": no deletable volume plugin matched')


def test_a_claim_without_a_match_and_without_a_class_stays_pending(cluster: Cluster) -> None:
    cluster.store.create(builders.pvc("none", storageClassName=""))
    cluster.store.create(builders.pvc("missing", storageClassName="nope"))
    cluster.advance(10)
    assert (phase(claim(cluster, "none")), phase(claim(cluster, "missing"))) == ("Pending", "Pending")
    assert "FailedBinding" in reasons(cluster, "none")
    assert "ProvisioningFailed" in reasons(cluster, "missing")


def test_a_pod_waits_for_its_claim_then_runs(cluster: Cluster) -> None:
    cluster.store.create(pod_with_claim("p", "later"))
    cluster.advance(3)
    cond = cluster.store.get("Pod", "default", "p")["status"]["conditions"][0]
    assert (cond["reason"], cond["message"]) == ("Unschedulable", (
        '0/1 nodes are available: persistentvolumeclaim "later" not found. preemption: '
        "0/1 nodes are available: 1 Preemption is not helpful for scheduling."))
    cluster.store.create(builders.pvc("later", storageClassName="manual"))
    cluster.advance(3)
    pod = cluster.store.get("Pod", "default", "p")
    assert pod["status"]["conditions"][0]["message"] == UNBOUND
    assert not pod["spec"].get("nodeName")
    cluster.store.create(builders.pv("disk", "1Gi", storageClassName="manual"))
    cluster.wait_for(lambda: phase(cluster.store.get("Pod", "default", "p")) == "Running", timeout=60)


def test_statefulset_claims_are_bound_before_its_pods_run(cluster: Cluster) -> None:
    bound_when_scheduled: list[bool] = []

    def on_pod(ev: dict[str, Any]) -> None:
        pod = ev["object"]
        if (ev["type"] == "MODIFIED" and pod["spec"].get("nodeName") and not bound_when_scheduled
                and pod["metadata"]["name"].startswith("web-")):
            pvc = cluster.store.try_get("PersistentVolumeClaim", "default", f"www-{pod['metadata']['name']}")
            bound_when_scheduled.append(phase(pvc) == "Bound")

    cluster.store.watch("Pod", on_pod)
    cluster.store.create(builders.statefulset("web", replicas=2))
    cluster.wait_for(lambda: (cluster.store.get("StatefulSet", "default", "web").get("status") or {})
                     .get("readyReplicas") == 2, timeout=120)
    assert bound_when_scheduled == [True]
    assert {phase(c) for c in cluster.store.list("PersistentVolumeClaim", "default")} == {"Bound"}


def test_an_invalid_claim_is_refused_in_the_api_servers_words(cluster: Cluster) -> None:
    with pytest.raises(Invalid) as err:
        cluster.store.create(builders.pvc("bad", None))
    assert str(err.value) == 'PersistentVolumeClaim "bad" is invalid: spec.resources[storage]: Required value'
    with pytest.raises(Invalid) as err:
        cluster.store.create({"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "bad"},
                              "spec": {}})
    assert str(err.value) == ('PersistentVolume "bad" is invalid: [spec.accessModes: Required value, '
                              "spec.capacity: Required value, spec: Required value: must specify a volume type]")
    with pytest.raises(Invalid) as err:
        cluster.store.create({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
                              "metadata": {"name": "bad"}})
    assert str(err.value) == 'StorageClass.storage.k8s.io "bad" is invalid: provisioner: Required value'
    assert cluster.store.try_get("PersistentVolumeClaim", "default", "bad") is None
    assert os.path.isdir(cluster.state_dir)


def test_a_claim_in_use_stays_terminating_until_its_pod_is_gone(cluster: Cluster) -> None:
    cluster.store.create(builders.pvc("used"))
    cluster.wait_for(lambda: phase(claim(cluster, "used")) == "Bound", timeout=30)
    assert claim(cluster, "used")["metadata"]["finalizers"] == ["kubernetes.io/pvc-protection"]
    name = claim(cluster, "used")["spec"]["volumeName"]
    assert cluster.store.get("PersistentVolume", None, name)["metadata"]["finalizers"] == [
        "kubernetes.io/pv-protection"]
    cluster.store.create(pod_with_claim("p", "used"))
    cluster.wait_for(lambda: phase(cluster.store.get("Pod", "default", "p")) == "Running", timeout=60)
    cluster.store.delete("PersistentVolumeClaim", "default", "used")
    cluster.advance(30)
    assert claim(cluster, "used")["metadata"].get("deletionTimestamp")  # Terminating
    cluster.store.delete("Pod", "default", "p")
    cluster.wait_for(lambda: cluster.store.try_get("PersistentVolumeClaim", "default", "used") is None, timeout=60)
    cluster.wait_for(lambda: cluster.store.try_get("PersistentVolume", None, name) is None, timeout=60)


def test_a_bound_volume_deleted_by_hand_waits_for_its_claim(cluster: Cluster) -> None:
    cluster.store.create(builders.pv("disk", storageClassName="manual"))
    cluster.store.create(builders.pvc("mine", storageClassName="manual"))
    cluster.wait_for(lambda: phase(claim(cluster, "mine")) == "Bound", timeout=30)
    cluster.store.delete("PersistentVolume", None, "disk")
    cluster.advance(30)
    assert cluster.store.get("PersistentVolume", None, "disk")["metadata"].get("deletionTimestamp")
    cluster.store.delete("PersistentVolumeClaim", "default", "mine")
    cluster.wait_for(lambda: cluster.store.try_get("PersistentVolume", None, "disk") is None, timeout=60)


def test_wait_for_first_consumer_binds_when_a_pod_is_scheduled(cluster: Cluster) -> None:
    cluster.store.create({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
                          "metadata": {"name": "late"}, "provisioner": "k8s.io/minikube-hostpath",
                          "volumeBindingMode": "WaitForFirstConsumer"})
    cluster.store.create(builders.pvc("lazy", storageClassName="late"))
    cluster.advance(20)
    assert phase(claim(cluster, "lazy")) == "Pending"
    assert "WaitForFirstConsumer" in reasons(cluster, "lazy")
    cluster.store.create(pod_with_claim("first", "lazy"))
    cluster.wait_for(lambda: phase(cluster.store.get("Pod", "default", "first")) == "Running", timeout=60)
    pvc = claim(cluster, "lazy")
    assert phase(pvc) == "Bound"
    assert pvc["metadata"]["annotations"]["volume.kubernetes.io/selected-node"] == "minikube"
