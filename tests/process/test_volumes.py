"""Volumes with programs: the hostpath provisioner makes a real directory per claim, and
`minikube delete` takes every volume directory of the profile with it."""

from __future__ import annotations

import os
import threading
from typing import Any

import pytest

from kubenb.api.errors import BadRequest
from kubenb.node.runtime import process_mounts
from kubenb.profiles import Profiles
from tests import builders
from tests.process.util import REQUIRES_LOOPBACK, pod, run_pod, status

pytestmark = REQUIRES_LOOPBACK


def bound(cluster: Any, name: str) -> bool:
    pvc = cluster.store.try_get("PersistentVolumeClaim", "default", name)
    return pvc is not None and pvc["status"].get("phase") == "Bound"


def test_minikube_delete_leaves_no_volume_directories(tmp_path: Any) -> None:
    profiles = Profiles(home=str(tmp_path / "home"), register_atexit=False)
    try:
        cluster = profiles.create("pvdel", driver="process").cluster
        cluster.store.create(builders.pvc("data"))
        cluster.wait_for(lambda: bound(cluster, "data"), timeout=60)
        pv = cluster.store.get("PersistentVolume", None, cluster.store.get(
            "PersistentVolumeClaim", "default", "data")["spec"]["volumeName"])
        path = pv["spec"]["hostPath"]["path"]
        assert path == os.path.join(cluster.state_dir, "hostpath-provisioner", "default", "data")
        assert os.path.isdir(path)
        assert profiles.delete("pvdel")
        assert not os.path.exists(os.path.join(cluster.state_dir, "hostpath-provisioner"))
    finally:
        profiles.close()


needs_mount_ns = pytest.mark.skipif(not process_mounts.available(),
                                    reason="no user + mount namespaces here (unshare --mount --user)")


def succeeded(cluster: Any, name: str) -> bool:
    return status(cluster, name).get("phase") == "Succeeded"


@needs_mount_ns
def test_data_written_to_a_claim_is_read_by_the_next_pod(cluster: Any) -> None:
    cluster.store.create(builders.pvc("data"))
    cluster.wait_for(lambda: bound(cluster, "data"), timeout=60)
    volumes = [{"name": "d", "persistentVolumeClaim": {"claimName": "data"}}]
    mounts = [{"name": "d", "mountPath": "/data"}]
    writer = pod("writer", "busybox", command=["sh", "-c", "echo kept > /data/f"], restart="Never",
                 volumeMounts=mounts)
    writer["spec"]["volumes"] = volumes
    cluster.store.create(writer)
    cluster.wait_for(lambda: succeeded(cluster, "writer"), timeout=60)
    reader = pod("reader", "python:3.12", command=["python", "-c", "import time; time.sleep(300)"],
                 volumeMounts=mounts)
    reader["spec"]["volumes"] = volumes
    run_pod(cluster, reader, timeout=60)
    assert cluster.pod_exec("default", "reader", None, ["cat", "/data/f"]) == (0, "kept\n")
    code, out = cluster.pod_exec("default", "reader", None,
                                 ["python", "-c", "print(open('/data/f').read().strip())"])
    assert (code, out) == (0, "kept\n")
    assert not os.path.exists("/data/f")  # the host's / is untouched


@needs_mount_ns
def test_an_empty_dir_is_shared_by_the_pods_containers_and_goes_with_the_pod(cluster: Any) -> None:
    manifest = builders.pod("two", containers=[
        builders.container("a", "busybox", command=["sh", "-c", "echo from-a > /cache/x; sleep 300"],
                           volumeMounts=[{"name": "cache", "mountPath": "/cache"}]),
        builders.container("b", "busybox", command=["sleep", "300"],
                           volumeMounts=[{"name": "cache", "mountPath": "/scratch/cache", "readOnly": True}])],
        volumes=[{"name": "cache", "emptyDir": {}}])
    cluster.store.create(manifest)
    cluster.wait_for(lambda: all(s.get("state", {}).get("running") for s in
                                 status(cluster, "two").get("containerStatuses") or [{}]), timeout=60)
    cluster.wait_for(lambda: cluster.pod_exec("default", "two", "b", ["cat", "/scratch/cache/x"]) == (0, "from-a\n"),
                     timeout=30)
    code, _ = cluster.pod_exec("default", "two", "b", ["sh", "-c", "echo no > /scratch/cache/y"])
    assert code != 0  # readOnly
    uid = cluster.store.get("Pod", "default", "two")["metadata"]["uid"]
    pod_dir = os.path.join(cluster.state_dir, "pods", uid)
    assert os.path.isfile(os.path.join(pod_dir, "volumes", "kubernetes.io~empty-dir", "cache", "x"))
    cluster.store.delete("Pod", "default", "two", grace_period_seconds=0)
    cluster.wait_for(lambda: not os.path.exists(pod_dir), timeout=60)


@needs_mount_ns
def test_a_pod_with_volumes_gets_only_its_own_environment(cluster: Any) -> None:
    """The mount-namespace helper is a Python program: the locale coercion of the Python
    running it (LC_CTYPE=C.UTF-8 under the C locale) must reach neither the container's
    process nor `kubectl exec`."""
    manifest = builders.pod("envy", containers=[
        builders.container("a", "busybox", command=["sh", "-c", "env > /cache/env; tr '\\0' '\\n' < /proc/self/environ > /cache/proc; sleep 300"],
                           env=[{"name": "GREETING", "value": "hi"}],
                           volumeMounts=[{"name": "cache", "mountPath": "/cache"}])],
        volumes=[{"name": "cache", "emptyDir": {}}])
    cluster.store.create(manifest)
    cluster.wait_for(lambda: all(s.get("state", {}).get("running") for s in
                                 status(cluster, "envy").get("containerStatuses") or [{}]), timeout=60)
    cluster.wait_for(lambda: cluster.pod_exec("default", "envy", None, ["cat", "/cache/env"])[0] == 0,
                     timeout=60)
    # the env shim, the container's process as started (no shim), exec with and without shim
    for argv in (["cat", "/cache/env"], ["cat", "/cache/proc"], ["env"],
                 ["sh", "-c", "tr '\\0' '\\n' < /proc/self/environ"]):
        code, out = cluster.pod_exec("default", "envy", None, argv)
        names = {line.split("=", 1)[0] for line in out.splitlines()}
        assert code == 0 and {"GREETING", "HOSTNAME", "PATH"} <= names, (argv, out)
        # (the raw environment also has the runtime's own KUBENB_*/PYTHONPATH; env hides them)
        assert not names & {"LC_CTYPE", "LC_ALL", "LANG"}, (argv, sorted(names))


def test_a_new_cluster_after_delete_finds_no_old_logs(tmp_path: Any) -> None:
    """Pods of a seeded profile get the same uids every time: after `minikube delete` the
    next cluster's pod must not read the old pod's log lines (they went with the delete)."""
    from kubenb.client.inprocess import InProcessClient

    profiles = Profiles(home=str(tmp_path / "home"), register_atexit=False)
    try:
        for _ in range(2):
            cluster = profiles.create("logs", driver="process", seed=3).cluster
            run_pod(cluster, pod("talker", "busybox", command=["sh", "-c", "echo said once; sleep 3600"]),
                    timeout=60)
            client = InProcessClient(cluster.store, cluster)
            cluster.wait_for(lambda c=client: "said once" in c.logs("default", "talker", "main"),
                             timeout=30)
            assert client.logs("default", "talker", "main") == "said once\n"
            assert profiles.delete("logs")
            assert not os.path.exists(os.path.join(cluster.state_dir, "logs"))
    finally:
        profiles.close()


@needs_mount_ns
def test_an_ephemeral_volume_is_shared_by_the_pods_containers_and_goes_with_the_pod(cluster: Any) -> None:
    claim = {"spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "64Mi"}}}}
    manifest = builders.pod("eph", containers=[
        builders.container("a", "busybox", command=["sh", "-c", "echo from-a > /work/x; sleep 300"],
                           volumeMounts=[{"name": "work", "mountPath": "/work"}]),
        builders.container("b", "busybox", command=["sleep", "300"],
                           volumeMounts=[{"name": "work", "mountPath": "/in/work"}])],
        volumes=[{"name": "work", "ephemeral": {"volumeClaimTemplate": claim}}])
    cluster.store.create(manifest)
    cluster.wait_for(lambda: all(s.get("state", {}).get("running") for s in
                                 status(cluster, "eph").get("containerStatuses") or [{}]), timeout=60)
    cluster.wait_for(lambda: cluster.pod_exec("default", "eph", "b", ["cat", "/in/work/x"]) == (0, "from-a\n"),
                     timeout=30)
    pvc = cluster.store.get("PersistentVolumeClaim", "default", "eph-work")
    path = os.path.join(cluster.state_dir, "hostpath-provisioner", "default", "eph-work")
    assert cluster.store.get("PersistentVolume", None, pvc["spec"]["volumeName"])["spec"]["hostPath"]["path"] == path
    with open(os.path.join(path, "x")) as f:  # the claim's own directory, not the pod's
        assert f.read() == "from-a\n"
    cluster.store.delete("Pod", "default", "eph", grace_period_seconds=0)
    cluster.wait_for(lambda: cluster.store.try_get("PersistentVolumeClaim", "default", "eph-work") is None,
                     timeout=60)
    cluster.wait_for(lambda: not os.path.exists(path), timeout=60)


def running_with_a_volume(cluster: Any, name: str) -> str:
    """Run a pod whose one container sleeps with an emptyDir at /v; its uid."""
    cluster.store.create(builders.pod(name, containers=[
        builders.container("c", "busybox", command=["sleep", "300"],
                           volumeMounts=[{"name": "v", "mountPath": "/v"}])],
        volumes=[{"name": "v", "emptyDir": {}}]))
    cluster.wait_for(lambda: status(cluster, name).get("phase") == "Running", timeout=60)
    return str(cluster.store.get("Pod", "default", name)["metadata"]["uid"])


@needs_mount_ns
def test_an_exec_whose_pod_sandbox_went_away_finds_no_container(cluster: Any, monkeypatch: Any) -> None:
    """The race of an exec with a pod's deletion: the container stops and its sandbox (the
    pod's directory) is removed while the exec's namespace is being set up. The exec did not
    run: the kubelet says so as it does for a container that is gone, never a mount error.
    (Where the container has a PID namespace an exec joins it instead: the next test.)"""
    monkeypatch.setattr(process_mounts, "pid_available", lambda: False)
    uid = running_with_a_volume(cluster, "going")
    assert cluster.pod_exec("default", "going", None, ["echo", "hi"]) == (0, "hi\n")
    pod_dir = os.path.join(cluster.state_dir, "pods", uid)
    os.rename(pod_dir, pod_dir + ".gone")  # as remove_sandbox does it, at that moment
    try:
        with pytest.raises(BadRequest) as err:
            cluster.pod_exec("default", "going", None, ["echo", "hi"])
        assert err.value.message == 'unable to upgrade connection: container not found ("c")'
    finally:
        os.rename(pod_dir + ".gone", pod_dir)
    cluster.store.delete("Pod", "default", "going", grace_period_seconds=0)
    cluster.wait_for(lambda: not os.path.exists(pod_dir), timeout=60)


@pytest.mark.skipif(not process_mounts.pid_available(), reason="no PID namespaces here (unshare --pid)")
def test_an_exec_whose_containers_pid_1_ended_finds_no_container(cluster: Any, monkeypatch: Any) -> None:
    """With a PID namespace the same race is the container's PID 1 ending as the exec starts:
    there is no namespace left to join, and the kubelet says the container is not found."""
    from kubenb.node.runtime import process

    running_with_a_volume(cluster, "ended")
    assert cluster.pod_exec("default", "ended", None, ["echo", "hi"]) == (0, "hi\n")
    monkeypatch.setattr(process, "_alive", lambda pid: False)  # PID 1 gone, not yet noticed
    with pytest.raises(BadRequest) as err:
        cluster.pod_exec("default", "ended", None, ["echo", "hi"])
    assert err.value.message == 'unable to upgrade connection: container not found ("c")'
    monkeypatch.undo()
    cluster.store.delete("Pod", "default", "ended", grace_period_seconds=0)


@needs_mount_ns
def test_an_exec_ends_with_its_container(cluster: Any) -> None:
    """A command exec'd into a container lives in it: when the pod is deleted under it, it is
    killed with the container (exit 137, as the kernel empties a container's PID namespace)."""
    uid = running_with_a_volume(cluster, "short")
    flag = os.path.join(cluster.state_dir, "pods", uid, "volumes", "kubernetes.io~empty-dir", "v", "flag")
    results: list[tuple[int, bytes, bytes]] = []
    streaming = threading.Thread(target=lambda: results.append(cluster.pod_exec_io(
        "default", "short", None, ["sh", "-c", "echo up > /v/flag; sleep 40; echo done"], None)))
    streaming.start()
    cluster.wait_for(lambda: os.path.exists(flag), timeout=30)
    cluster.store.delete("Pod", "default", "short", grace_period_seconds=0)
    streaming.join(timeout=120)
    assert results == [(137, b"", b"")]
