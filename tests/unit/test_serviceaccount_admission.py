"""The ServiceAccount admission plugin's kube-api-access volume on a bare store: its exact
shape (TokenVolumeSource), a read-only mount in every container and init container, a
container with its own mount at the path left alone, and no volume when the pod, its
ServiceAccount or a mirror annotation says so."""

from __future__ import annotations

from typing import Any

from kubenb.api.serviceaccount_admission import MOUNT_PATH, ServiceAccountTokenMount
from kubenb.api.store import Store
from kubenb.clock import VirtualClock
from tests import builders


def _store() -> Store:
    store = Store(VirtualClock(), seed=1)
    store.ensure_namespaces()
    store.hooks.append(ServiceAccountTokenMount(store))
    return store


def _mounts(c: dict[str, Any]) -> list[dict[str, Any]]:
    return c.get("volumeMounts") or []


def test_every_container_mounts_the_token_volume() -> None:
    store = _store()
    p = builders.pod("p", container="app")
    p["spec"]["initContainers"] = [{"name": "init", "image": "busybox"}]
    p["spec"]["containers"].append({"name": "own", "image": "busybox", "volumeMounts": [
        {"name": "mine", "mountPath": MOUNT_PATH}]})
    p["spec"]["volumes"] = [{"name": "mine", "emptyDir": {}}]
    spec = store.create(p)["spec"]
    volume = spec["volumes"][-1]
    name = volume["name"]
    assert name.startswith("kube-api-access-") and len(name) == len("kube-api-access-") + 5
    assert volume == {"name": name, "projected": {"sources": [
        {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
        {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
        {"downwardAPI": {"items": [{"path": "namespace",
                                    "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}},
    ], "defaultMode": 420}}
    mount = {"name": name, "readOnly": True, "mountPath": MOUNT_PATH}
    assert _mounts(spec["initContainers"][0]) == [mount]
    assert _mounts(spec["containers"][0]) == [mount]
    assert _mounts(spec["containers"][1]) == [{"name": "mine", "mountPath": MOUNT_PATH}]


def test_automount_false_and_mirror_pods_get_nothing() -> None:
    store = _store()
    off = builders.pod("off")
    off["spec"]["automountServiceAccountToken"] = False
    assert "volumes" not in store.create(off)["spec"]
    store.create({"apiVersion": "v1", "kind": "ServiceAccount",
                  "metadata": {"name": "quiet", "namespace": "default"}, "automountServiceAccountToken": False})
    quiet = builders.pod("quiet", serviceAccountName="quiet")
    assert "volumes" not in store.create(quiet)["spec"]
    quiet_but_asks = builders.pod("asks", serviceAccountName="quiet", automountServiceAccountToken=True)
    assert store.create(quiet_but_asks)["spec"]["volumes"][0]["name"].startswith("kube-api-access-")
    mirror = builders.pod("etcd-minikube", annotations={"kubernetes.io/config.mirror": "abc"})
    assert "volumes" not in store.create(mirror)["spec"]
