"""Volumes on Docker: a claim's directory is bind-mounted, so what one pod writes the next
reads; an emptyDir and an ephemeral volume are shared by a pod's containers (the ephemeral
volume's claim goes with the pod); a configMap volume follows its ConfigMap."""

from __future__ import annotations

import copy
import threading
import time

import pytest

from kubenb.cluster import Cluster
from tests import builders
from tests.docker.conftest import pod

pytestmark = pytest.mark.docker


def phase(c: Cluster, name: str) -> str:
    p = c.store.try_get("Pod", "default", name)
    return str(((p or {}).get("status") or {}).get("phase"))


def test_data_written_to_a_claim_is_read_by_the_next_pod(dcluster: Cluster) -> None:
    dcluster.store.create(builders.pvc("data"))
    dcluster.wait_for(lambda: dcluster.store.get("PersistentVolumeClaim", "default", "data")
                      ["status"].get("phase") == "Bound", timeout=30)
    vols = [{"name": "d", "persistentVolumeClaim": {"claimName": "data"}}]
    mounts = [{"name": "d", "mountPath": "/data"}]
    pod(dcluster, "writer", [{"name": "c", "image": "busybox", "command": ["sh", "-c", "echo kept > /data/f"],
                              "volumeMounts": mounts}], volumes=vols, restartPolicy="Never")
    dcluster.wait_for(lambda: phase(dcluster, "writer") == "Succeeded", timeout=60)
    pod(dcluster, "reader", [{"name": "c", "image": "busybox", "command": ["sleep", "3600"],
                              "volumeMounts": mounts},
                             {"name": "side", "image": "busybox", "command": ["sleep", "3600"],
                              "volumeMounts": [{"name": "tmp", "mountPath": "/shared"}]}],
        volumes=[*vols, {"name": "tmp", "emptyDir": {}}])
    dcluster.wait_for(lambda: phase(dcluster, "reader") == "Running", timeout=60)
    assert dcluster.pod_exec("default", "reader", "c", ["cat", "/data/f"]) == (0, "kept\n")
    assert dcluster.pod_exec("default", "reader", "side", ["sh", "-c", "echo hi > /shared/x && cat /shared/x"]) \
        == (0, "hi\n")
    for name in ("writer", "reader"):
        dcluster.store.delete("Pod", "default", name, grace_period_seconds=0)
    dcluster.store.delete("PersistentVolumeClaim", "default", "data")
    dcluster.wait_for(lambda: not dcluster.store.list("PersistentVolume"), timeout=60)
    dcluster.wait_for(lambda: not dcluster.store.list("Pod", "default"), timeout=60)


def test_an_ephemeral_volume_is_shared_by_the_pods_containers_and_goes_with_it(dcluster: Cluster) -> None:
    claim = {"spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "64Mi"}}}}
    mount = [{"name": "work", "mountPath": "/work"}]
    pod(dcluster, "eph", [{"name": "a", "image": "busybox", "command": ["sh", "-c", "echo from-a > /work/x; "
                                                                        "sleep 3600"], "volumeMounts": mount},
                          {"name": "b", "image": "busybox", "command": ["sleep", "3600"], "volumeMounts": mount}],
        volumes=[{"name": "work", "ephemeral": {"volumeClaimTemplate": claim}}])
    dcluster.wait_for(lambda: phase(dcluster, "eph") == "Running", timeout=60)
    dcluster.wait_for(lambda: dcluster.pod_exec("default", "eph", "b", ["cat", "/work/x"]) == (0, "from-a\n"),
                      timeout=30)
    assert dcluster.store.get("PersistentVolumeClaim", "default", "eph-work")["status"]["phase"] == "Bound"
    dcluster.store.delete("Pod", "default", "eph", grace_period_seconds=0)
    dcluster.wait_for(lambda: dcluster.store.try_get("PersistentVolumeClaim", "default", "eph-work") is None,
                      timeout=60)
    dcluster.wait_for(lambda: not dcluster.store.list("PersistentVolume"), timeout=60)


def test_a_configmap_volume_follows_its_configmap_and_sub_path_keeps_the_first(dcluster: Cluster) -> None:
    dcluster.store.create(builders.configmap("settings", {"key": "one"}))
    vols = [{"name": "cfg", "configMap": {"name": "settings", "items": [{"key": "key", "path": "key",
                                                                          "mode": 0o600}]}}]
    pod(dcluster, "cm", [{"name": "c", "image": "busybox", "command": ["sleep", "3600"], "volumeMounts": [
        {"name": "cfg", "mountPath": "/etc/config"},
        {"name": "cfg", "mountPath": "/etc/single.conf", "subPath": "key"}]}], volumes=vols)
    dcluster.wait_for(lambda: phase(dcluster, "cm") == "Running", timeout=60)
    assert dcluster.pod_exec("default", "cm", "c", ["sh", "-c", "cat /etc/config/key; stat -L -c ' %a' "
                                                    "/etc/config/key"]) == (0, "one 600\n")
    cm = copy.deepcopy(dcluster.store.get("ConfigMap", "default", "settings"))
    cm["data"] = {"key": "two"}
    dcluster.store.update(cm)
    deadline, tick = time.monotonic() + 60, threading.Event()
    while dcluster.pod_exec("default", "cm", "c", ["cat", "/etc/config/key"]) != (0, "two"):
        assert time.monotonic() < deadline, "the update did not reach the file"
        tick.wait(0.2)
    assert dcluster.pod_exec("default", "cm", "c", ["cat", "/etc/single.conf"]) == (0, "one")
    dcluster.store.delete("Pod", "default", "cm", grace_period_seconds=0)
    dcluster.wait_for(lambda: not dcluster.store.list("Pod", "default"), timeout=60)


def test_an_exec_into_a_container_that_just_stopped_finds_no_container(dcluster: Cluster) -> None:
    """The engine refuses an exec into a stopped container (409 `is not running`): the
    container is not found, so the kubelet answers as it does for any container that is not
    running, never with the engine's own words."""
    import docker

    from kubenb.node.runtime.base import ContainerNotFound
    from kubenb.node.runtime.docker_engine import exec_run

    pod(dcluster, "halts", [{"name": "c", "image": "busybox", "command": ["sleep", "3600"]}])
    dcluster.wait_for(lambda: phase(dcluster, "halts") == "Running", timeout=60)
    cid = dcluster.store.get("Pod", "default", "halts")["status"]["containerStatuses"][0]["containerID"]
    client = docker.from_env()
    try:
        client.api.kill(cid.split("://")[1])
        client.api.wait(cid.split("://")[1], timeout=30)
        with pytest.raises(ContainerNotFound):
            exec_run(client, cid.split("://")[1], ["true"])
    finally:
        client.close()
    dcluster.store.delete("Pod", "default", "halts", grace_period_seconds=0)
    dcluster.wait_for(lambda: dcluster.store.try_get("Pod", "default", "halts") is None, timeout=60)
