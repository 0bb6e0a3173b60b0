"""The pvc-protection and pv-protection controllers (pkg/controller/volume/pvcprotection,
pvprotection).

Watches claims, volumes and pods. A claim being deleted keeps its
`kubernetes.io/pvc-protection` finalizer while a pod that is not finished (Succeeded or
Failed) names it in a persistentVolumeClaim volume or owns it as an ephemeral volume's
claim — `kubectl get pvc` shows it Terminating — and loses it when the last such pod is gone, so the store can delete it. A volume being
deleted keeps `kubernetes.io/pv-protection` while it is Bound. A pod's change queues the
claims it names; the StorageObjectInUseProtection admission plugin (api/storage.py) adds
the finalizers.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from kubenb.api.ephemeral import pod_claims, volume_is_for_pod
from kubenb.api.objects import Key, WatchEvent, clone
from kubenb.api.pods import is_pod_terminal
from kubenb.api.storage import PV_PROTECTION, PVC_PROTECTION
from kubenb.controllers.base import Controller, Watch, own_key


def _claims_of(pod: dict[str, Any]) -> list[str]:
    return [c.claim for c in pod_claims(pod)]


def _uses(pod: dict[str, Any], pvc: dict[str, Any]) -> bool:
    """podUsesPVC: a claim volume naming it, or an ephemeral volume it was made for."""
    name = pvc["metadata"]["name"]
    return any(c.claim == name and (not c.ephemeral or volume_is_for_pod(pod, pvc) is None)
               for c in pod_claims(pod))


class VolumeProtectionController(Controller):
    name = "pvc-protection-controller"

    def watches(self) -> list[Watch]:
        return [Watch("PersistentVolumeClaim", own_key), Watch("PersistentVolume", own_key),
                Watch("Pod", self._pod_keys)]

    def _pod_keys(self, event: WatchEvent) -> list[Hashable]:
        pod = event["object"]
        ns = pod["metadata"].get("namespace") or ""
        return [Key("PersistentVolumeClaim", ns, name) for name in _claims_of(pod)]

    def reconcile(self, key: Key) -> float | None:
        if key.kind == "PersistentVolume":
            pv = self.store.try_get("PersistentVolume", None, key.name)
            if pv is not None and pv["metadata"].get("deletionTimestamp") \
                    and (pv.get("status") or {}).get("phase") != "Bound":
                self._release(pv, PV_PROTECTION)
            return None
        pvc = self.store.try_get("PersistentVolumeClaim", key.namespace, key.name)
        if pvc is None or not pvc["metadata"].get("deletionTimestamp"):
            return None
        in_use = any(_uses(p, pvc) and not is_pod_terminal(p)
                     for p in self.store.list("Pod", key.namespace))
        if not in_use:
            self._release(pvc, PVC_PROTECTION)
        return None

    def _release(self, obj: dict[str, Any], finalizer: str) -> None:
        if finalizer not in (obj["metadata"].get("finalizers") or []):
            return
        new = clone(obj)
        new["metadata"]["finalizers"] = [f for f in new["metadata"]["finalizers"] if f != finalizer]
        self.store.update(new)
