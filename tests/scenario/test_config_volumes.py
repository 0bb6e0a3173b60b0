"""configMap/secret/projected volumes on a virtual-clock cluster (sim runtime): the kubelet
holds a pod whose ConfigMap or Secret is missing in ContainerCreating with FailedMount
events in its own words, and starts it as soon as the object appears."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest

from kubenb.clock import VirtualClock
from kubenb.cluster import Cluster
from tests import builders


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    c = Cluster(clock=VirtualClock(), seed=3)
    c.start()
    c.wait_for(lambda: len(c.store.list("Node")) == 1, timeout=30)
    yield c
    c.stop()
    c.clock.loop.close()


def mounting(name: str, volume: dict[str, Any]) -> dict[str, Any]:
    p = builders.pod(name, volumes=[{"name": "cfg", **volume}])
    p["spec"]["containers"][0]["volumeMounts"] = [{"name": "cfg", "mountPath": "/etc/config"}]
    return p


def events(c: Cluster, name: str, reason: str) -> list[str]:
    return [e["message"] for e in c.store.list("Event", "default")
            if e["involvedObject"]["name"] == name and e["reason"] == reason]


def waiting(c: Cluster, name: str) -> str | None:
    st = (c.store.get("Pod", "default", name).get("status") or {}).get("containerStatuses") or [{}]
    return ((st[0].get("state") or {}).get("waiting") or {}).get("reason")


def phase(c: Cluster, name: str) -> str | None:
    return (c.store.get("Pod", "default", name).get("status") or {}).get("phase")


def test_a_missing_configmap_holds_the_pod_until_it_is_created(cluster: Cluster) -> None:
    cluster.store.create(mounting("web", {"configMap": {"name": "settings"}}))
    cluster.advance(5)
    assert events(cluster, "web", "FailedMount")[0] == (
        'MountVolume.SetUp failed for volume "cfg" : configmap "settings" not found')
    assert (phase(cluster, "web"), waiting(cluster, "web")) == ("Pending", "ContainerCreating")
    assert not events(cluster, "web", "Started")
    cluster.store.create(builders.configmap("settings", {"k": "v"}))
    cluster.wait_for(lambda: phase(cluster, "web") == "Running", timeout=30)


def test_a_missing_key_and_a_missing_secret_in_the_kubelets_words(cluster: Cluster) -> None:
    cluster.store.create(builders.configmap("settings", {"k": "v"}))
    cluster.store.create(mounting("keys", {"configMap": {"name": "settings",
                                                         "items": [{"key": "nope", "path": "x"}]}}))
    cluster.store.create(mounting("sec", {"secret": {"secretName": "creds"}}))
    cluster.advance(5)
    assert events(cluster, "keys", "FailedMount")[0] == (
        'MountVolume.SetUp failed for volume "cfg" : configmap references non-existent config key: nope')
    assert events(cluster, "sec", "FailedMount")[0] == (
        'MountVolume.SetUp failed for volume "cfg" : secret "creds" not found')
    cluster.store.create({"apiVersion": "v1", "kind": "Secret",
                          "metadata": {"name": "creds", "namespace": "default"},
                          "data": {"p": base64.b64encode(b"x").decode()}})
    cluster.wait_for(lambda: phase(cluster, "sec") == "Running", timeout=30)
    assert waiting(cluster, "keys") == "ContainerCreating"


def test_optional_sources_and_downward_api_do_not_hold_the_pod(cluster: Cluster) -> None:
    cluster.store.create(mounting("opt", {"projected": {"sources": [
        {"configMap": {"name": "absent", "optional": True}},
        {"downwardAPI": {"items": [{"path": "labels", "fieldRef": {"fieldPath": "metadata.labels"}}]}}]}}))
    cluster.wait_for(lambda: phase(cluster, "opt") == "Running", timeout=30)
    assert not events(cluster, "opt", "FailedMount")


def test_a_kube_api_access_style_volume_mounts_with_the_namespaces_root_ca(cluster: Cluster) -> None:
    cluster.wait_for(lambda: cluster.store.try_get("ConfigMap", "default", "kube-root-ca.crt") is not None
                     and cluster.store.try_get("ServiceAccount", "default", "default") is not None, timeout=30)
    cluster.store.create(mounting("api", {"projected": {"defaultMode": 420, "sources": [
        {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
        {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
        {"downwardAPI": {"items": [{"path": "namespace", "fieldRef": {"apiVersion": "v1",
                                                                      "fieldPath": "metadata.namespace"}}]}}]}}))
    cluster.wait_for(lambda: phase(cluster, "api") == "Running", timeout=30)
    assert not events(cluster, "api", "FailedMount")
