"""The VolumeBinding plugin's PreFilter (kube-scheduler plugins/volumebinding), for claims.

A pod's persistentVolumeClaim volumes must name claims that exist, are not being deleted,
are not Lost and — for classes with Immediate binding — are already bound; otherwise the
pod is UnschedulableAndUnresolvable on every node with upstream's message
(`persistentvolumeclaim "x" not found`, `pod has unbound immediate PersistentVolumeClaims`).
Claims of a WaitForFirstConsumer class do not hold the pod here (kubenb does not provision
for a chosen node: see the README). The scheduler retries such pods on every claim change.
"""

from __future__ import annotations

from typing import Any

from kubenb.api.storage import claim_class
from kubenb.api.store import Store

UNBOUND_IMMEDIATE = "pod has unbound immediate PersistentVolumeClaims"


def claim_names(pod: dict[str, Any]) -> list[str]:
    return [v["persistentVolumeClaim"].get("claimName", "")
            for v in (pod.get("spec") or {}).get("volumes") or []
            if isinstance(v, dict) and isinstance(v.get("persistentVolumeClaim"), dict)]


def volume_prefilter(store: Store, pod: dict[str, Any]) -> str | None:
    """None when the pod's claims let it be scheduled, else the PreFilter status message."""
    names = claim_names(pod)
    if not names:
        return None
    namespace = pod["metadata"].get("namespace") or ""
    unbound = False
    for name in names:
        pvc = store.try_get("PersistentVolumeClaim", namespace, name)
        if pvc is None:
            return f'persistentvolumeclaim "{name}" not found'
        spec, status = pvc.get("spec") or {}, pvc.get("status") or {}
        if status.get("phase") == "Lost":
            return (f'persistentvolumeclaim "{name}" bound to non-existent persistentvolume '
                    f'"{spec.get("volumeName") or ""}"')
        if pvc["metadata"].get("deletionTimestamp"):
            return f'persistentvolumeclaim "{name}" is being deleted'
        if status.get("phase") == "Bound":
            continue
        sc = store.try_get("StorageClass", None, claim_class(pvc)) if claim_class(pvc) else None
        if sc is None or sc.get("volumeBindingMode") != "WaitForFirstConsumer":
            unbound = True
    return UNBOUND_IMMEDIATE if unbound else None
