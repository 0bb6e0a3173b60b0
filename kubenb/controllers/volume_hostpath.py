"""minikube's storage-provisioner addon: the default StorageClass `standard` and the
`k8s.io/minikube-hostpath` provisioner (minikube's cmd/storage-provisioner on
sig-storage-lib-external-provisioner).

`ensure_default_class` creates `standard` as minikube's default-storageclass addon applies it
(default-class annotation, reclaim Delete, Immediate binding). The provisioner watches
claims and volumes. A Pending claim that the binder (persistentvolume.py) annotated with
`volume.kubernetes.io/storage-provisioner: k8s.io/minikube-hostpath` gets a directory
`<root>/<namespace>/<claim>` (root: `<profile state dir>/hostpath-provisioner`, as minikube
uses /tmp/hostpath-provisioner on its node) and a PersistentVolume `pvc-<claim uid>` with
that hostPath, the claim's access modes and request as capacity, the class's reclaim policy,
pre-bound to the claim (events Provisioning, ProvisioningSucceeded); the binder binds them.
A Released volume it provisioned with reclaim policy Delete loses its directory and is
deleted; Retain leaves both. `make_dirs=False` (the sim runtime, which runs no programs)
keeps the disk untouched.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Hashable
from typing import Any

from kubenb.api.errors import AlreadyExists, NotFound
from kubenb.api.objects import Key, WatchEvent
from kubenb.api.storage import (
    ANN_DYNAMICALLY_PROVISIONED,
    ANN_STORAGE_PROVISIONER,
    DEFAULT_CLASS_ANNOTATION,
)
from kubenb.api.store import Store
from kubenb.config import Context
from kubenb.controllers.base import Controller, Watch, own_key
from kubenb.controllers.persistentvolume import key_of_volume

PROVISIONER = "k8s.io/minikube-hostpath"
DEFAULT_CLASS = "standard"
_APPLIED = ('{"apiVersion":"storage.k8s.io/v1","kind":"StorageClass","metadata":{"annotations":'
            '{"storageclass.kubernetes.io/is-default-class":"true"},"labels":{"addonmanager.kubernetes.io/mode":'
            '"EnsureExists"},"name":"standard"},"provisioner":"k8s.io/minikube-hostpath"}\n')


def ensure_default_class(store: Store) -> None:
    """The default-storageclass addon (kubectl apply of minikube's storageclass.yaml)."""
    if store.try_get("StorageClass", None, DEFAULT_CLASS) is not None:
        return
    try:
        store.create({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {
            "name": DEFAULT_CLASS, "labels": {"addonmanager.kubernetes.io/mode": "EnsureExists"},
            "annotations": {"kubectl.kubernetes.io/last-applied-configuration": _APPLIED,
                            DEFAULT_CLASS_ANNOTATION: "true"}},
            "provisioner": PROVISIONER})
    except AlreadyExists:
        pass


def volume_root(state_dir: str) -> str:
    """Where the provisioner keeps a profile's volumes (`minikube delete` removes it)."""
    return os.path.join(state_dir, "hostpath-provisioner")


class HostPathProvisioner(Controller):
    def __init__(self, ctx: Context, root: str, *, node: str = "minikube", make_dirs: bool = True) -> None:
        super().__init__(ctx)
        # minikube draws a fresh uuid per start; a name-derived one keeps seeded output stable
        identity = str(uuid.uuid5(uuid.NAMESPACE_URL, f"kubenb:{root}:{node}"))
        self.identity = identity
        self.name = f"{PROVISIONER}_{node}_{identity}"
        self.recorder = ctx.recorder(self.name)
        self.root = root
        self.make_dirs = make_dirs

    def watches(self) -> list[Watch]:
        return [Watch("PersistentVolumeClaim", own_key), Watch("PersistentVolume", self._volume_keys)]

    def _volume_keys(self, event: WatchEvent) -> list[Hashable]:
        return [] if event["type"] == "DELETED" else [key_of_volume(event["object"])]

    def reconcile(self, key: Key) -> float | None:
        if key.kind == "PersistentVolume":
            volume = self.store.try_get("PersistentVolume", None, key.name)
            if volume is not None:
                self.maybe_delete(volume)
            return None
        claim = self.store.try_get("PersistentVolumeClaim", key.namespace, key.name)
        if claim is not None:
            self.maybe_provision(claim)
        return None

    def path_for(self, claim: dict[str, Any]) -> str:
        return os.path.join(self.root, claim["metadata"]["namespace"], claim["metadata"]["name"])

    def maybe_provision(self, claim: dict[str, Any]) -> None:
        meta, spec = claim["metadata"], claim.get("spec") or {}
        if (meta.get("deletionTimestamp") or spec.get("volumeName")
                or (meta.get("annotations") or {}).get(ANN_STORAGE_PROVISIONER) != PROVISIONER
                or (claim.get("status") or {}).get("phase") != "Pending"):
            return
        sc = self.store.try_get("StorageClass", None, spec.get("storageClassName") or "")
        if sc is None or sc.get("provisioner") != PROVISIONER:
            return
        name = f"pvc-{meta['uid']}"
        if self.store.try_get("PersistentVolume", None, name) is not None:
            return
        ns_name = f"{meta['namespace']}/{meta['name']}"
        self.recorder.event(claim, "Normal", "Provisioning",
                            f'External provisioner is provisioning volume for claim "{ns_name}"')
        path = self.path_for(claim)
        if self.make_dirs:
            try:
                os.makedirs(path, exist_ok=True)
                os.chmod(path, 0o777)
            except OSError as err:
                self.recorder.event(claim, "Warning", "ProvisioningFailed",
                                    f"failed to provision volume with StorageClass \"{sc['metadata']['name']}\": {err}")
                return
        volume = {"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {
            "name": name, "annotations": {"hostPathProvisionerIdentity": self.identity,
                                          ANN_DYNAMICALLY_PROVISIONED: PROVISIONER}},
            "spec": {"accessModes": list(spec.get("accessModes") or []),
                     "capacity": {"storage": (spec.get("resources") or {}).get("requests", {}).get("storage")},
                     "claimRef": {"kind": "PersistentVolumeClaim", "namespace": meta["namespace"],
                                  "name": meta["name"], "uid": meta["uid"], "apiVersion": "v1",
                                  "resourceVersion": meta.get("resourceVersion", "")},
                     "hostPath": {"path": path, "type": ""},
                     "persistentVolumeReclaimPolicy": sc.get("reclaimPolicy") or "Delete",
                     "storageClassName": sc["metadata"]["name"],
                     "volumeMode": spec.get("volumeMode") or "Filesystem"}}
        try:
            self.store.create(volume)
        except AlreadyExists:
            return
        self.recorder.event(claim, "Normal", "ProvisioningSucceeded", f"Successfully provisioned volume {name}")

    def maybe_delete(self, volume: dict[str, Any]) -> None:
        meta, spec = volume["metadata"], volume.get("spec") or {}
        if ((meta.get("annotations") or {}).get(ANN_DYNAMICALLY_PROVISIONED) != PROVISIONER
                or spec.get("persistentVolumeReclaimPolicy") != "Delete"
                or (volume.get("status") or {}).get("phase") != "Released"):
            return
        path = (spec.get("hostPath") or {}).get("path") or ""
        if self.make_dirs and path and os.path.commonpath([self.root, os.path.abspath(path)]) == self.root:
            shutil.rmtree(path, ignore_errors=True)
        try:
            self.store.delete("PersistentVolume", None, meta["name"], uid=meta.get("uid"))
        except NotFound:
            pass
