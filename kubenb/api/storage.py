"""Persistent storage in the API server: PersistentVolume and StorageClass defaults
(SetDefaults_PersistentVolume in core/v1, SetDefaults_StorageClass in storage/v1), the
DefaultStorageClass admission plugin, and the annotation names and small helpers that the
PV controller (controllers/persistentvolume.py), the scheduler's volume binding check and
the printers share.

A PV gets reclaim policy Retain, volumeMode Filesystem, status.phase Pending and a hostPath
`type: ""`; a StorageClass reclaim policy Delete and binding mode Immediate. The admission
plugin gives a new claim without `spec.storageClassName` the cluster's default class (the
newest of those annotated `storageclass.kubernetes.io/is-default-class: "true"`); a claim
that says `storageClassName: ""` asks for no class and keeps it. StorageObjectInUseProtection
puts the protection finalizers on new claims and volumes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kubenb.api.objects import Obj

if TYPE_CHECKING:  # the store imports this module's defaulters
    from kubenb.api.store import Op, Store

DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class"
BETA_DEFAULT_CLASS_ANNOTATION = "storageclass.beta.kubernetes.io/is-default-class"
BETA_CLASS_ANNOTATION = "volume.beta.kubernetes.io/storage-class"
# the PV controller's annotations (pkg/controller/volume/persistentvolume/util)
ANN_BIND_COMPLETED = "pv.kubernetes.io/bind-completed"
ANN_BOUND_BY_CONTROLLER = "pv.kubernetes.io/bound-by-controller"
ANN_DYNAMICALLY_PROVISIONED = "pv.kubernetes.io/provisioned-by"
ANN_STORAGE_PROVISIONER = "volume.kubernetes.io/storage-provisioner"
ANN_BETA_STORAGE_PROVISIONER = "volume.beta.kubernetes.io/storage-provisioner"
ANN_SELECTED_NODE = "volume.kubernetes.io/selected-node"
PV_PROTECTION = "kubernetes.io/pv-protection"
PVC_PROTECTION = "kubernetes.io/pvc-protection"


def is_default_class(sc: Obj) -> bool:
    """storageutil.IsDefaultAnnotation: the GA annotation, else the beta one, is "true"."""
    ann = (sc.get("metadata") or {}).get("annotations") or {}
    return ann.get(DEFAULT_CLASS_ANNOTATION) == "true" or ann.get(BETA_DEFAULT_CLASS_ANNOTATION) == "true"


def volume_class(pv: Obj) -> str:
    """GetPersistentVolumeClass: the beta annotation first, then spec.storageClassName."""
    ann = (pv.get("metadata") or {}).get("annotations") or {}
    if BETA_CLASS_ANNOTATION in ann:
        return str(ann[BETA_CLASS_ANNOTATION])
    return str((pv.get("spec") or {}).get("storageClassName") or "")


def claim_class(pvc: Obj) -> str:
    """GetPersistentVolumeClaimClass: the beta annotation first, then spec.storageClassName."""
    ann = (pvc.get("metadata") or {}).get("annotations") or {}
    if BETA_CLASS_ANNOTATION in ann:
        return str(ann[BETA_CLASS_ANNOTATION])
    return str((pvc.get("spec") or {}).get("storageClassName") or "")


def default_class(store: Store) -> Obj | None:
    """GetDefaultClass: the newest default class (ties: the name that sorts first)."""
    found = [sc for sc in store.list("StorageClass") if is_default_class(sc)]
    if not found:
        return None
    found.sort(key=lambda sc: sc["metadata"]["name"])
    found.sort(key=lambda sc: sc["metadata"].get("creationTimestamp") or "", reverse=True)
    return found[0]


def default_persistent_volume(pv: Obj) -> None:
    spec = pv.setdefault("spec", {})
    if not spec.get("persistentVolumeReclaimPolicy"):
        spec["persistentVolumeReclaimPolicy"] = "Retain"
    if not spec.get("volumeMode"):
        spec["volumeMode"] = "Filesystem"
    host_path = spec.get("hostPath")
    if isinstance(host_path, dict) and host_path.get("type") is None:
        host_path["type"] = ""
    status = pv.get("status")
    if not isinstance(status, dict):
        status = pv["status"] = {}
    if not status.get("phase"):
        status["phase"] = "Pending"


def default_storage_class(sc: Obj) -> None:
    if not sc.get("reclaimPolicy"):
        sc["reclaimPolicy"] = "Delete"
    if not sc.get("volumeBindingMode"):
        sc["volumeBindingMode"] = "Immediate"


class DefaultStorageClass:
    """The DefaultStorageClass admission plugin (plugin/pkg/admission/storage/storageclass/setdefault)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def admit(self, op: Op, obj: dict[str, Any], old: dict[str, Any] | None) -> None:
        if obj.get("kind") != "PersistentVolumeClaim" or op != "CREATE":
            return
        spec = obj.get("spec")
        if not isinstance(spec, dict) or spec.get("storageClassName") is not None:
            return
        if BETA_CLASS_ANNOTATION in ((obj.get("metadata") or {}).get("annotations") or {}):
            return
        sc = default_class(self.store)
        if sc is not None:
            spec["storageClassName"] = sc["metadata"]["name"]

    def release(self, obj: dict[str, Any]) -> None:
        return None


class StorageObjectInUseProtection:
    """The StorageObjectInUseProtection admission plugin: every new claim gets the
    `kubernetes.io/pvc-protection` finalizer and every new volume `kubernetes.io/pv-protection`
    (controllers/volume_protection.py removes them once nothing uses the object)."""

    FINALIZERS = {"PersistentVolumeClaim": PVC_PROTECTION, "PersistentVolume": PV_PROTECTION}

    def admit(self, op: Op, obj: dict[str, Any], old: dict[str, Any] | None) -> None:
        finalizer = self.FINALIZERS.get(obj.get("kind", ""))
        if finalizer is None or op != "CREATE":
            return
        meta = obj.setdefault("metadata", {})
        finalizers = meta.get("finalizers") or []
        if finalizer not in finalizers:
            meta["finalizers"] = [*finalizers, finalizer]

    def release(self, obj: dict[str, Any]) -> None:
        return None
