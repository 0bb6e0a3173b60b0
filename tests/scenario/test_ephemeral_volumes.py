"""Generic ephemeral volumes on a virtual-clock cluster: the ephemeral volume controller makes
the claim `<pod>-<volume>` from the template, owned by the pod; the provisioner binds it, the
pod runs; the garbage collector deletes the claim (and the provisioner its directory) with
the pod; a claim of that name the pod does not own keeps the pod from starting, in
upstream's words; the API server refuses bad templates as kube-apiserver does."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kubenb.api.errors import Invalid
from kubenb.cluster import Cluster
from kubenb.scheduler.volumebinding import volume_prefilter
from tests import builders
from tests.scenario.virtual import storage_cluster

PREEMPTION = " preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling."


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    """One node; the provisioner makes real directories under `tmp_path` (as with programs)."""
    yield from storage_cluster(str(tmp_path))


def template(**meta: Any) -> dict[str, Any]:
    return {"metadata": meta, "spec": {"accessModes": ["ReadWriteOnce"],
                                       "resources": {"requests": {"storage": "1Gi"}}}}


def eph_pod(name: str, tmpl: dict[str, Any] | None = None) -> dict[str, Any]:
    pod = builders.pod(name, volumes=[{"name": "scratch", "ephemeral": {
        "volumeClaimTemplate": tmpl or template()}}])
    pod["spec"]["containers"][0]["volumeMounts"] = [{"name": "scratch", "mountPath": "/scratch"}]
    return pod


def phase(obj: dict[str, Any] | None) -> str | None:
    return None if obj is None else (obj.get("status") or {}).get("phase")


def pod_events(c: Cluster, name: str) -> list[tuple[str, str, str]]:
    return [(e["reason"], e["source"].get("component", ""), e["message"]) for e in c.store.list("Event", "default")
            if e["involvedObject"]["name"] == name and e["involvedObject"]["kind"] == "Pod"]


def test_the_controller_makes_the_pods_claim_from_the_template(cluster: Cluster) -> None:
    pod = cluster.store.create(eph_pod("p", template(labels={"tier": "cache"}, annotations={"note": "x"})))
    cluster.wait_for(lambda: phase(cluster.store.get("Pod", "default", "p")) == "Running", timeout=60)
    pvc = cluster.store.get("PersistentVolumeClaim", "default", "p-scratch")
    assert pvc["metadata"]["ownerReferences"] == [{
        "apiVersion": "v1", "kind": "Pod", "name": "p", "uid": pod["metadata"]["uid"],
        "controller": True, "blockOwnerDeletion": True}]
    assert pvc["metadata"]["labels"] == {"tier": "cache"}
    assert pvc["metadata"]["annotations"]["note"] == "x"
    assert pvc["spec"]["accessModes"] == ["ReadWriteOnce"]
    assert pvc["spec"]["storageClassName"] == "standard"  # DefaultStorageClass admission
    assert phase(pvc) == "Bound"


def test_the_claim_and_its_directory_go_with_the_pod(cluster: Cluster, tmp_path: Path) -> None:
    cluster.store.create(eph_pod("p"))
    cluster.wait_for(lambda: phase(cluster.store.get("Pod", "default", "p")) == "Running", timeout=60)
    pv = cluster.store.get("PersistentVolumeClaim", "default", "p-scratch")["spec"]["volumeName"]
    path = tmp_path / "hostpath-provisioner" / "default" / "p-scratch"
    assert path.is_dir()
    cluster.store.delete("Pod", "default", "p")
    cluster.wait_for(lambda: cluster.store.try_get("PersistentVolumeClaim", "default", "p-scratch") is None,
                     timeout=90)
    cluster.wait_for(lambda: cluster.store.try_get("PersistentVolume", None, pv) is None, timeout=60)
    assert not path.exists()


def test_a_claim_deleted_under_its_running_pod_waits_for_the_pod(cluster: Cluster) -> None:
    cluster.store.create(eph_pod("p"))
    cluster.wait_for(lambda: phase(cluster.store.get("Pod", "default", "p")) == "Running", timeout=60)
    old = cluster.store.get("PersistentVolumeClaim", "default", "p-scratch")["metadata"]["uid"]
    cluster.store.delete("PersistentVolumeClaim", "default", "p-scratch")
    cluster.advance(10)
    # in use: pvc-protection holds it Terminating, so nothing is made again yet
    assert cluster.store.get("PersistentVolumeClaim", "default", "p-scratch")["metadata"]["uid"] == old
    cluster.store.delete("Pod", "default", "p")
    cluster.wait_for(lambda: cluster.store.try_get("PersistentVolumeClaim", "default", "p-scratch") is None,
                     timeout=90)


def test_a_foreign_claim_of_that_name_keeps_the_pod_from_starting(cluster: Cluster) -> None:
    cluster.store.create(builders.pvc("p-scratch"))
    cluster.store.create(eph_pod("p"))
    cluster.advance(10)
    pod = cluster.store.get("Pod", "default", "p")
    assert not pod["spec"].get("nodeName")
    cond = pod["status"]["conditions"][0]
    assert (cond["reason"], cond["message"]) == ("Unschedulable", (
        "0/1 nodes are available: PVC default/p-scratch was not created for pod default/p "
        "(pod is not owner)." + PREEMPTION))
    assert ("FailedBinding", "ephemeral_volume",
            "ephemeral volume scratch: PVC default/p-scratch was not created for pod default/p "
            "(pod is not owner)") in pod_events(cluster, "p")
    assert not cluster.store.get("PersistentVolumeClaim", "default", "p-scratch")["metadata"].get("ownerReferences")


def test_the_kubelet_refuses_a_foreign_claim_of_a_pod_bound_by_hand(cluster: Cluster) -> None:
    cluster.store.create(builders.pvc("p-scratch"))
    cluster.wait_for(lambda: phase(cluster.store.get("PersistentVolumeClaim", "default", "p-scratch")) == "Bound",
                     timeout=30)
    pod = eph_pod("p")
    pod["spec"]["nodeName"] = "minikube"
    cluster.store.create(pod)
    cluster.advance(10)
    pod = cluster.store.get("Pod", "default", "p")
    assert pod["status"]["containerStatuses"][0]["state"]["waiting"]["reason"] == "ContainerCreating"
    assert ("FailedMount", "kubelet",
            'MountVolume.SetUp failed for volume "scratch" : PVC default/p-scratch was not created for '
            "pod default/p (pod is not owner)") in pod_events(cluster, "p")


def test_the_scheduler_waits_for_the_controller_in_upstreams_words(cluster: Cluster) -> None:
    pod = eph_pod("q")  # (not created: the claim is not made yet, as just after creation)
    pod["metadata"]["uid"] = "u-1"
    assert volume_prefilter(cluster.store, pod) == (
        'waiting for ephemeral volume controller to create the persistentvolumeclaim "q-scratch"')


@pytest.mark.parametrize(("volume", "message"), [
    ({"ephemeral": {}}, "spec.volumes[0].ephemeral.volumeClaimTemplate: Required value"),
    ({"emptyDir": {}, "ephemeral": {"volumeClaimTemplate": template()}},
     "spec.volumes[0].ephemeral: Forbidden: may not specify more than 1 volume type"),
    ({"ephemeral": {"volumeClaimTemplate": template(name="x")}},
     "spec.volumes[0].ephemeral.volumeClaimTemplate.metadata.name: Forbidden: cannot be set"),
    ({"ephemeral": {"volumeClaimTemplate": {"spec": {"accessModes": ["ReadWriteOnce"]}}}},
     "spec.volumes[0].ephemeral.volumeClaimTemplate.spec.resources[storage]: Required value"),
])
def test_bad_templates_are_refused_in_the_api_servers_words(cluster: Cluster, volume: dict[str, Any],
                                                            message: str) -> None:
    pod = builders.pod("bad", volumes=[{"name": "scratch", **volume}])
    with pytest.raises(Invalid) as err:
        cluster.store.create(pod)
    assert str(err.value) == f'Pod "bad" is invalid: {message}'
    assert cluster.store.try_get("Pod", "default", "bad") is None


def test_a_claim_name_too_long_is_refused(cluster: Cluster) -> None:
    name = "p" * 250
    with pytest.raises(Invalid) as err:
        cluster.store.create(eph_pod(name))
    assert str(err.value) == (  # (an invalid volume is not there for the mount, as upstream)
        f'Pod "{name}" is invalid: [spec.volumes[0].name: Invalid value: "scratch": PVC name '
        f'"{name}-scratch": must be no more than 253 characters, '
        'spec.containers[0].volumeMounts[0].name: Not found: "scratch"]')


def test_a_foreground_deletion_of_the_pod_takes_its_claim_first(cluster: Cluster) -> None:
    cluster.store.create(eph_pod("p"))
    cluster.wait_for(lambda: phase(cluster.store.get("Pod", "default", "p")) == "Running", timeout=60)
    assert phase(cluster.store.get("PersistentVolumeClaim", "default", "p-scratch")) == "Bound"
    cluster.store.delete("Pod", "default", "p", propagation="Foreground")
    cluster.wait_for(lambda: cluster.store.try_get("Pod", "default", "p") is None, timeout=120)
    assert cluster.store.try_get("PersistentVolumeClaim", "default", "p-scratch") is None


def test_a_wait_for_first_consumer_class_binds_once_the_pod_has_a_node(cluster: Cluster) -> None:
    cluster.store.create({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
                          "metadata": {"name": "late"}, "provisioner": "k8s.io/minikube-hostpath",
                          "volumeBindingMode": "WaitForFirstConsumer"})
    tmpl = template()
    tmpl["spec"]["storageClassName"] = "late"
    cluster.store.create(eph_pod("p", tmpl))
    cluster.wait_for(lambda: phase(cluster.store.get("Pod", "default", "p")) == "Running", timeout=60)
    pvc = cluster.store.get("PersistentVolumeClaim", "default", "p-scratch")
    assert phase(pvc) == "Bound"
    assert pvc["metadata"]["annotations"]["volume.kubernetes.io/selected-node"] == "minikube"
