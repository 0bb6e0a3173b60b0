"""The persistent volume binder (kube-controller-manager's pkg/controller/volume/persistentvolume).

Watches PersistentVolumeClaims, PersistentVolumes and StorageClasses. A claim event queues
the claim; a volume event queues the volume and the claim it references; a new class queues
every Pending claim. `reconcile(key)` is syncClaim or syncVolume:

- an unbound claim (no `pv.kubernetes.io/bind-completed`) gets the volume pre-bound to it,
  else the smallest Available volume of its class that has its access modes, volume mode,
  label selector and at least its storage request; it is bound both ways (volume
  `spec.claimRef` + `bound-by-controller`, phase Bound; claim `spec.volumeName` +
  `bind-completed`, phase Bound with the volume's capacity and access modes). With no
  match, a class with a provisioner and Immediate binding gets the claim annotated
  `volume.kubernetes.io/storage-provisioner` and an ExternalProvisioning event (the
  provisioner — controllers/volume_hostpath.py — takes it from there); no class gives
  FailedBinding, a missing class ProvisioningFailed. A claim of a WaitForFirstConsumer class
  gets its event and waits until the scheduler annotates it `volume.kubernetes.io/
  selected-node`; then it is matched or provisioned like any other.
  An unbound claim is synced again every 15 s (the binder's resync period), which is how a
  volume created later finds a waiting claim.
- a bound claim whose volume is gone turns Lost (ClaimLost).
- a volume without a claim reference is Available; one whose claim is gone (or was
  replaced: another uid) turns Released, and then its reclaim policy acts: Retain keeps it,
  Delete of a volume some provisioner made is that provisioner's work, Delete of any other
  volume fails (VolumeFailedDelete), as with no deleter plugin upstream.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from kubenb.api.errors import NotFound
from kubenb.api.objects import Key, WatchEvent, clone
from kubenb.api.quantity import parse_quantity
from kubenb.api.selectors import from_label_selector
from kubenb.api.storage import (
    ANN_BETA_STORAGE_PROVISIONER,
    ANN_BIND_COMPLETED,
    ANN_BOUND_BY_CONTROLLER,
    ANN_DYNAMICALLY_PROVISIONED,
    ANN_SELECTED_NODE,
    ANN_STORAGE_PROVISIONER,
    claim_class,
    volume_class,
)
from kubenb.clock import rfc3339
from kubenb.controllers.base import Controller, Watch, own_key

Obj = dict[str, Any]
SYNC_PERIOD = 15.0  # --pvclaimbinder-sync-period: unbound claims are looked at again this often
NO_DELETER = 'error getting deleter volume plugin for volume "{}": no deletable volume plugin matched'
EXTERNAL_PROVISIONING = ("Waiting for a volume to be created either by the external provisioner '{}' or "
                         "manually by the system administrator. If volume creation is delayed, please "
                         "verify that the provisioner is running and correctly registered.")


def _storage(obj: Obj, *path: str) -> Any:
    for p in path:
        obj = (obj or {}).get(p) or {}
    return obj


def request_of(claim: Obj) -> Any:
    try:
        return parse_quantity(_storage(claim, "spec", "resources", "requests").get("storage", "0"))
    except (ValueError, TypeError):
        return 0


def capacity_of(volume: Obj) -> Any:
    try:
        return parse_quantity(_storage(volume, "spec", "capacity").get("storage", "0"))
    except (ValueError, TypeError):
        return 0


def claim_ref_matches(volume: Obj, claim: Obj) -> bool:
    """IsVolumeBoundToClaim: same namespace and name, and uid if the reference has one."""
    ref = (volume.get("spec") or {}).get("claimRef") or {}
    meta = claim["metadata"]
    if ref.get("name") != meta["name"] or ref.get("namespace") != meta.get("namespace"):
        return False
    return not ref.get("uid") or ref["uid"] == meta.get("uid")


def volume_fits(volume: Obj, claim: Obj) -> bool:
    """checkVolumeSatisfyClaim plus the matcher's class, access mode and selector checks."""
    vspec, cspec = volume.get("spec") or {}, claim.get("spec") or {}
    if volume["metadata"].get("deletionTimestamp"):
        return False
    if volume_class(volume) != claim_class(claim):
        return False
    if not set(cspec.get("accessModes") or []) <= set(vspec.get("accessModes") or []):
        return False
    if (vspec.get("volumeMode") or "Filesystem") != (cspec.get("volumeMode") or "Filesystem"):
        return False
    if cspec.get("selector") is not None and not from_label_selector(cspec["selector"]).matches(
            volume["metadata"].get("labels") or {}):
        return False
    return capacity_of(volume) >= request_of(claim)


def find_best_match(volumes: list[Obj], claim: Obj, *, pre_bound_only: bool = False) -> Obj | None:
    """findBestMatchForClaim: a volume pre-bound to the claim, else the smallest that fits
    (not for a claim whose binding waits for its first consumer)."""
    best: Obj | None = None
    for v in volumes:
        ref = (v.get("spec") or {}).get("claimRef")
        if ref:
            if claim_ref_matches(v, claim) and volume_fits(v, claim):
                return v
            continue
        if pre_bound_only or (v.get("status") or {}).get("phase") not in ("Available", "Pending", None):
            continue
        if volume_fits(v, claim) and (best is None or capacity_of(v) < capacity_of(best)):
            best = v
    return best


class PersistentVolumeController(Controller):
    name = "persistentvolume-controller"

    def watches(self) -> list[Watch]:
        return [Watch("PersistentVolumeClaim", self._claim_keys), Watch("PersistentVolume", self._volume_keys),
                Watch("StorageClass", self._class_keys)]

    def _claim_keys(self, event: WatchEvent) -> list[Hashable]:
        """The claim; a deleted claim's volume (deleteClaim: it is to be released)."""
        if event["type"] != "DELETED":
            return own_key(event)
        volume = (event["object"].get("spec") or {}).get("volumeName")
        return [Key("PersistentVolume", "", volume)] if volume else []

    def _volume_keys(self, event: WatchEvent) -> list[Hashable]:
        volume = event["object"]
        keys: list[Hashable] = [] if event["type"] == "DELETED" else [key_of_volume(volume)]
        ref = (volume.get("spec") or {}).get("claimRef") or {}
        if ref.get("name"):
            keys.append(Key("PersistentVolumeClaim", ref.get("namespace") or "", ref["name"]))
        return keys

    def _class_keys(self, event: WatchEvent) -> list[Hashable]:
        return [Key("PersistentVolumeClaim", c["metadata"]["namespace"], c["metadata"]["name"])
                for c in self.store.list("PersistentVolumeClaim")
                if (c.get("status") or {}).get("phase") == "Pending"]

    def reconcile(self, key: Key) -> float | None:
        if key.kind == "PersistentVolume":
            volume = self.store.try_get("PersistentVolume", None, key.name)
            if volume is not None:
                self.sync_volume(volume)
            return None
        claim = self.store.try_get("PersistentVolumeClaim", key.namespace, key.name)
        if claim is None or claim["metadata"].get("deletionTimestamp"):
            return None
        if ANN_BIND_COMPLETED in (claim["metadata"].get("annotations") or {}):
            self.sync_bound_claim(claim)
            return None
        self.sync_unbound_claim(claim)
        return SYNC_PERIOD  # the periodic resync finds volumes made by hand later

    # ---- claims --------------------------------------------------------------------------

    def sync_unbound_claim(self, claim: Obj) -> None:
        name = (claim.get("spec") or {}).get("volumeName")
        if name:  # the user asked for this volume
            volume = self.store.try_get("PersistentVolume", None, name)
            if volume is None:
                self._claim_phase(claim, "Pending")
                return
            if (volume.get("spec") or {}).get("claimRef") and not claim_ref_matches(volume, claim):
                self.recorder.event(claim, "Warning", "FailedBinding",
                                    f'volume "{name}" already bound to a different claim.')
                self._claim_phase(claim, "Pending")
                return
            self.bind(volume, claim)
            return
        delayed = self._delayed(claim)
        volume = find_best_match(self.store.list("PersistentVolume"), claim, pre_bound_only=delayed)
        if volume is not None:
            self.bind(volume, claim)
            return
        self._claim_phase(claim, "Pending")
        self._provision(claim)

    def _provision(self, claim: Obj) -> None:
        klass = claim_class(claim)
        if not klass:
            self.recorder.event(claim, "Normal", "FailedBinding",
                                "no persistent volumes available for this claim and no storage class is set")
            return
        sc = self.store.try_get("StorageClass", None, klass)
        if sc is None:
            self.recorder.event(claim, "Warning", "ProvisioningFailed",
                                f'storageclass.storage.k8s.io "{klass}" not found')
            return
        if self._delayed(claim):
            self.recorder.event(claim, "Normal", "WaitForFirstConsumer",
                                "waiting for first consumer to be created before binding")
            return
        provisioner = sc.get("provisioner") or ""
        if provisioner == "kubernetes.io/no-provisioner":
            self.recorder.event(claim, "Normal", "FailedBinding",
                                "no persistent volumes available for this claim and no storage class is set")
            return
        ann = claim["metadata"].get("annotations") or {}
        if ann.get(ANN_STORAGE_PROVISIONER) != provisioner:
            new = clone(claim)
            anns = new["metadata"].setdefault("annotations", {})
            anns[ANN_STORAGE_PROVISIONER] = anns[ANN_BETA_STORAGE_PROVISIONER] = provisioner
            self.store.update(new)
        self.recorder.event(claim, "Normal", "ExternalProvisioning", EXTERNAL_PROVISIONING.format(provisioner))

    def _delayed(self, claim: Obj) -> bool:
        """IsDelayBindingMode and no node chosen yet: the scheduler picks the volume's node."""
        sc = self.store.try_get("StorageClass", None, claim_class(claim)) if claim_class(claim) else None
        return (sc is not None and sc.get("volumeBindingMode") == "WaitForFirstConsumer"
                and ANN_SELECTED_NODE not in (claim["metadata"].get("annotations") or {}))

    def sync_bound_claim(self, claim: Obj) -> None:
        name = (claim.get("spec") or {}).get("volumeName") or ""
        volume = self.store.try_get("PersistentVolume", None, name) if name else None
        if volume is None:
            if self._claim_phase(claim, "Lost"):
                self.recorder.event(claim, "Warning", "ClaimLost",
                                    "Bound claim has lost reference to PersistentVolume. Data on the volume is lost!")
            return
        if claim_ref_matches(volume, claim) or not (volume.get("spec") or {}).get("claimRef"):
            self.bind(volume, claim)
            return
        if self._claim_phase(claim, "Lost"):
            self.recorder.event(claim, "Warning", "ClaimMisbound",
                                "Two claims are bound to the same volume, this one is bound incorrectly")

    def bind(self, volume: Obj, claim: Obj) -> None:
        """bind(): the volume to the claim, its phase, the claim to the volume, its status."""
        volume = self._bind_volume(volume, claim)
        if (volume.get("status") or {}).get("phase") != "Bound":
            self._volume_phase(volume, "Bound")
        meta = claim["metadata"]
        anns = meta.get("annotations") or {}
        vname = volume["metadata"]["name"]
        if (claim.get("spec") or {}).get("volumeName") != vname or anns.get(ANN_BIND_COMPLETED) != "yes":
            new = clone(claim)
            by_controller = not (claim.get("spec") or {}).get("volumeName")
            new["spec"]["volumeName"] = vname
            nanns = new["metadata"].setdefault("annotations", {})
            nanns[ANN_BIND_COMPLETED] = "yes"
            if by_controller:
                nanns[ANN_BOUND_BY_CONTROLLER] = "yes"
            claim = self.store.update(new)
        status = claim.get("status") or {}
        vspec = volume.get("spec") or {}
        want = {"phase": "Bound", "accessModes": list(vspec.get("accessModes") or []),
                "capacity": dict(vspec.get("capacity") or {})}
        if any(status.get(k) != v for k, v in want.items()):
            new = clone(claim)
            new.setdefault("status", {}).update(want)
            self.store.update(new, subresource="status")

    def _bind_volume(self, volume: Obj, claim: Obj) -> Obj:
        meta = claim["metadata"]
        ref = (volume.get("spec") or {}).get("claimRef") or {}
        if ref.get("uid") == meta.get("uid") and ref.get("name") == meta["name"]:
            return volume
        new = clone(volume)
        if not ref:
            new["metadata"].setdefault("annotations", {})[ANN_BOUND_BY_CONTROLLER] = "yes"
        new["spec"]["claimRef"] = {"kind": "PersistentVolumeClaim", "namespace": meta["namespace"],
                                   "name": meta["name"], "uid": meta["uid"], "apiVersion": "v1",
                                   "resourceVersion": meta.get("resourceVersion", "")}
        return self.store.update(new)

    def _claim_phase(self, claim: Obj, phase: str) -> bool:
        if (claim.get("status") or {}).get("phase") == phase:
            return False
        new = clone(claim)
        new.setdefault("status", {})["phase"] = phase
        self.store.update(new, subresource="status")
        return True

    # ---- volumes -------------------------------------------------------------------------

    def sync_volume(self, volume: Obj) -> None:
        ref = (volume.get("spec") or {}).get("claimRef")
        if not ref:
            self._volume_phase(volume, "Available")
            return
        if not ref.get("uid"):  # pre-bound by the admin: waits for its claim
            self._volume_phase(volume, "Available")
            return
        claim = self.store.try_get("PersistentVolumeClaim", ref.get("namespace") or "", ref.get("name") or "")
        if claim is not None and claim["metadata"].get("uid") == ref["uid"]:
            if (claim.get("spec") or {}).get("volumeName") in (None, "", volume["metadata"]["name"]):
                self._volume_phase(volume, "Bound")
            return
        # the claim is gone: release the volume and reclaim it
        phase = (volume.get("status") or {}).get("phase")
        if phase not in ("Released", "Failed"):
            volume = self._volume_phase(volume, "Released")
        self.reclaim(volume)

    def reclaim(self, volume: Obj) -> None:
        policy = (volume.get("spec") or {}).get("persistentVolumeReclaimPolicy")
        if policy != "Delete" or (volume.get("status") or {}).get("phase") != "Released":
            return
        if ANN_DYNAMICALLY_PROVISIONED in (volume["metadata"].get("annotations") or {}):
            return  # the provisioner that made it deletes it
        msg = NO_DELETER.format(volume["metadata"]["name"])
        self._volume_phase(volume, "Failed", msg)
        self.recorder.event(volume, "Warning", "VolumeFailedDelete", msg)

    def _volume_phase(self, volume: Obj, phase: str, message: str = "") -> Obj:
        status = volume.get("status") or {}
        if status.get("phase") == phase and (status.get("message") or "") == message:
            return volume
        new = clone(volume)
        new["status"] = {"phase": phase, **({"message": message} if message else {}),
                         "lastPhaseTransitionTime": rfc3339(self.clock.now())}
        try:
            return self.store.update(new, subresource="status")
        except NotFound:
            return volume


def key_of_volume(volume: Obj) -> Key:
    return Key("PersistentVolume", "", volume["metadata"]["name"])
