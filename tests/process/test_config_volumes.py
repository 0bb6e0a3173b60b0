"""configMap, secret, downwardAPI and projected volumes with programs: the files a container
reads at its mountPath, updates reaching them, items/modes, subPath, a missing ConfigMap,
and a projected token the API server accepts."""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from kubenb.api.tokens import user_for
from kubenb.node.runtime import process_mounts
from tests import builders
from tests.process.util import REQUIRES_LOOPBACK, pod, run_pod, status

pytestmark = [REQUIRES_LOOPBACK, pytest.mark.skipif(
    not process_mounts.available(), reason="no user + mount namespaces here (unshare --mount --user)")]

SLEEP = ["sleep", "600"]


def sleeper(name: str, volumes: list[dict[str, Any]], mounts: list[dict[str, Any]],
            **meta: Any) -> dict[str, Any]:
    p = pod(name, "busybox", command=SLEEP, volumeMounts=mounts, **meta)
    p["spec"]["volumes"] = volumes
    return p


def until(predicate: Callable[[], bool], timeout: float = 60) -> None:
    """A container's files change without a store change: look again every 0.2 s."""
    deadline, tick = time.monotonic() + timeout, threading.Event()
    while not predicate():
        assert time.monotonic() < deadline, "condition not met"
        tick.wait(0.2)


def cat(cluster: Any, name: str, path: str) -> tuple[int, str]:
    return tuple(cluster.pod_exec("default", name, None, ["cat", path]))  # type: ignore[return-value]


def test_a_configmap_file_follows_updates_and_sub_path_does_not(cluster: Any) -> None:
    cluster.store.create(builders.configmap("settings", {"key": "one", "other": "x"}))
    run_pod(cluster, sleeper("reader", [{"name": "cfg", "configMap": {"name": "settings"}}], [
        {"name": "cfg", "mountPath": "/etc/config"},
        {"name": "cfg", "mountPath": "/etc/single.conf", "subPath": "key"}]), timeout=60)
    assert cat(cluster, "reader", "/etc/config/key") == (0, "one")
    assert cat(cluster, "reader", "/etc/single.conf") == (0, "one")
    code, _ = cluster.pod_exec("default", "reader", None, ["sh", "-c", "echo no > /etc/config/key"])
    assert code != 0  # configMap volumes are read-only
    cm = copy.deepcopy(cluster.store.get("ConfigMap", "default", "settings"))
    cm["data"] = {"key": "two"}
    cluster.store.update(cm)
    until(lambda: cat(cluster, "reader", "/etc/config/key") == (0, "two"), timeout=60)
    assert cat(cluster, "reader", "/etc/config/other")[0] != 0  # a removed key's file goes
    assert cat(cluster, "reader", "/etc/single.conf") == (0, "one")  # subPath: as mounted


def test_items_and_modes(cluster: Any) -> None:
    cluster.store.create(builders.configmap("settings", {"a": "A", "b": "B"}))
    vol = {"name": "cfg", "configMap": {"name": "settings", "defaultMode": 0o600,
                                        "items": [{"key": "a", "path": "dir/a.txt"},
                                                  {"key": "b", "path": "b.sh", "mode": 0o755}]}}
    run_pod(cluster, sleeper("items", [vol], [{"name": "cfg", "mountPath": "/etc/config"}]), timeout=60)
    code, out = cluster.pod_exec("default", "items", None, [
        "sh", "-c", "cat /etc/config/dir/a.txt; stat -L -c ' %a' /etc/config/dir/a.txt /etc/config/b.sh; "
        "ls /etc/config"])
    assert (code, out) == (0, "A 600\n 755\nb.sh\ndir\n")


def test_a_missing_configmap_waits_then_the_pod_starts(cluster: Any) -> None:
    cluster.store.create(sleeper("later", [{"name": "cfg", "configMap": {"name": "late"}}],
                                 [{"name": "cfg", "mountPath": "/etc/config"}]))
    cluster.wait_for(lambda: any(e["reason"] == "FailedMount" for e in cluster.store.list("Event", "default")
                                 if e["involvedObject"]["name"] == "later"), timeout=60)
    event = next(e for e in cluster.store.list("Event", "default") if e["reason"] == "FailedMount")
    assert event["message"] == 'MountVolume.SetUp failed for volume "cfg" : configmap "late" not found'
    assert status(cluster, "later")["containerStatuses"][0]["state"]["waiting"]["reason"] == "ContainerCreating"
    cluster.store.create(builders.configmap("late", {"key": "here"}))
    cluster.wait_for(lambda: status(cluster, "later").get("phase") == "Running", timeout=60)
    assert cat(cluster, "later", "/etc/config/key") == (0, "here")


def test_downward_api_labels_and_a_projected_token(cluster: Any) -> None:
    volumes = [{"name": "info", "downwardAPI": {"items": [
                   {"path": "labels", "fieldRef": {"fieldPath": "metadata.labels"}}]}},
               {"name": "sa", "projected": {"sources": [
                   {"serviceAccountToken": {"path": "token", "expirationSeconds": 3600}},
                   {"downwardAPI": {"items": [{"path": "namespace",
                                               "fieldRef": {"fieldPath": "metadata.namespace"}}]}}]}}]
    run_pod(cluster, sleeper("meta", volumes, [{"name": "info", "mountPath": "/etc/podinfo"},
                                               {"name": "sa", "mountPath": "/var/run/secrets/tokens"}],
                             labels={"app": "meta", "tier": "back"}), timeout=60)
    assert cat(cluster, "meta", "/etc/podinfo/labels") == (0, 'app="meta"\ntier="back"')
    p = copy.deepcopy(cluster.store.get("Pod", "default", "meta"))
    p["metadata"]["labels"]["tier"] = "front"
    cluster.store.update(p)
    until(lambda: cat(cluster, "meta", "/etc/podinfo/labels") == (0, 'app="meta"\ntier="front"'),
                     timeout=60)
    assert cat(cluster, "meta", "/var/run/secrets/tokens/namespace") == (0, "default")
    code, token = cat(cluster, "meta", "/var/run/secrets/tokens/token")
    user = user_for(cluster.store, token)
    assert code == 0 and user is not None and user.name == "system:serviceaccount:default:default"
