"""The ephemeral volume controller (pkg/controller/volume/ephemeral).

Watches pods and claims. For each pod not being deleted, each `ephemeral` volume gets its
claim `<pod>-<volume>` (api/ephemeral.py) made from the volume's `volumeClaimTemplate`:
the template's labels and annotations, its spec, and the pod as controller owner with
`blockOwnerDeletion`, so the garbage collector deletes it once the pod is gone. A claim of
that name the pod does not control is left alone: the pod gets a Warning `FailedBinding`
event (`ephemeral volume data: PVC default/p-data was not created for pod default/p (pod is
not owner)`) and is looked at again with back-off, as upstream requeues it; the scheduler
holds such a pod (scheduler/volumebinding.py). A deleted claim a live pod still needs is
made again. Only a pod's creation queues it, as upstream: its spec cannot change.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from kubenb.api.ephemeral import claim_template, pod_claims, volume_claim_name, volume_is_for_pod
from kubenb.api.errors import AlreadyExists, ApiError
from kubenb.api.objects import Key, WatchEvent, clone
from kubenb.api.pods import controller_ref
from kubenb.controllers.base import Controller, Watch


class VolumeFailed(ApiError):
    """An ephemeral volume's claim is not the pod's or could not be made (retried with back-off)."""


class EphemeralVolumeController(Controller):
    name = "ephemeral_volume"

    def watches(self) -> list[Watch]:
        return [Watch("Pod", self._pod_keys), Watch("PersistentVolumeClaim", self._claim_keys)]

    def _pod_keys(self, event: WatchEvent) -> list[Hashable]:
        pod = event["object"]
        if event["type"] != "ADDED" or pod["metadata"].get("deletionTimestamp"):
            return []
        if not any(c.ephemeral for c in pod_claims(pod)):
            return []
        return [Key("Pod", pod["metadata"].get("namespace") or "", pod["metadata"]["name"])]

    def _claim_keys(self, event: WatchEvent) -> list[Hashable]:
        """onPVCDelete: the pods whose ephemeral volume this claim was."""
        if event["type"] != "DELETED":
            return []
        meta = event["object"]["metadata"]
        ns, name = meta.get("namespace") or "", meta["name"]
        return [Key("Pod", ns, p["metadata"]["name"]) for p in self.store.list("Pod", ns)
                if any(c.ephemeral and c.claim == name for c in pod_claims(p))]

    def reconcile(self, key: Key) -> float | None:
        pod = self.store.try_get("Pod", key.namespace, key.name)
        if pod is None or pod["metadata"].get("deletionTimestamp"):
            return None
        for volume in (pod.get("spec") or {}).get("volumes") or []:
            template = claim_template(volume) if isinstance(volume, dict) else None
            if template is None:
                continue
            err = self._handle(pod, volume, template)
            if err is not None:
                self.recorder.event(pod, "Warning", "FailedBinding", f"ephemeral volume {volume['name']}: {err}")
                raise VolumeFailed(f"pod {key.namespace}/{key.name}, ephemeral volume {volume['name']}: {err}")
        return None

    def _handle(self, pod: dict[str, Any], volume: dict[str, Any], template: dict[str, Any]) -> str | None:
        """handleVolume: None when the claim exists for the pod (made now if missing)."""
        namespace = pod["metadata"].get("namespace") or "default"
        name = volume_claim_name(pod, volume)
        existing = self.store.try_get("PersistentVolumeClaim", namespace, name)
        if existing is not None:
            return volume_is_for_pod(pod, existing)
        tmeta = template.get("metadata") or {}
        meta: dict[str, Any] = {"name": name, "namespace": namespace,
                                "ownerReferences": [controller_ref(pod)]}
        for field in ("labels", "annotations"):
            if tmeta.get(field):
                meta[field] = clone(tmeta[field])
        claim = {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": meta,
                 "spec": clone(template.get("spec") or {})}
        try:
            self.store.create(claim)
        except AlreadyExists:
            return None  # made meanwhile: looked at on the next event
        except ApiError as err:
            return f"create PVC {name}: {err}"
        return None
