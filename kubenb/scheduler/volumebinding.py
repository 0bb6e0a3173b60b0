"""The VolumeBinding plugin's PreFilter (kube-scheduler plugins/volumebinding), for claims.

A pod's persistentVolumeClaim volumes must name claims that exist, are not being deleted,
are not Lost and — for classes with Immediate binding — are already bound; its ephemeral
volumes, claims the ephemeral volume controller made for it (api/ephemeral.py). Otherwise
the pod is UnschedulableAndUnresolvable on every node with upstream's message
(`persistentvolumeclaim "x" not found`, `waiting for ephemeral volume controller to create
the persistentvolumeclaim "p-x"`, `PVC default/p-x was not created for pod default/p (pod is
not owner)`, `pod has unbound immediate PersistentVolumeClaims`).
Claims of a WaitForFirstConsumer class do not hold the pod here: once a node is chosen,
`select_node` annotates them `volume.kubernetes.io/selected-node` (the binder then binds or
provisions them) and the scheduler binds the pod only when they are bound (PreBind). The
scheduler retries waiting pods on every claim change.
"""

from __future__ import annotations

from typing import Any

from kubenb.api.ephemeral import pod_claims, volume_is_for_pod
from kubenb.api.objects import clone
from kubenb.api.storage import ANN_SELECTED_NODE, claim_class
from kubenb.api.store import Store

UNBOUND_IMMEDIATE = "pod has unbound immediate PersistentVolumeClaims"


def claim_names(pod: dict[str, Any]) -> list[str]:
    return [c.claim for c in pod_claims(pod)]


def volume_prefilter(store: Store, pod: dict[str, Any]) -> str | None:
    """None when the pod's claims let it be scheduled, else the PreFilter status message."""
    claims = pod_claims(pod)
    if not claims:
        return None
    namespace = pod["metadata"].get("namespace") or ""
    unbound = False
    for _, name, ephemeral in claims:
        pvc = store.try_get("PersistentVolumeClaim", namespace, name)
        if pvc is None and ephemeral:
            return f'waiting for ephemeral volume controller to create the persistentvolumeclaim "{name}"'
        if pvc is None:
            return f'persistentvolumeclaim "{name}" not found'
        spec, status = pvc.get("spec") or {}, pvc.get("status") or {}
        if status.get("phase") == "Lost":
            return (f'persistentvolumeclaim "{name}" bound to non-existent persistentvolume '
                    f'"{spec.get("volumeName") or ""}"')
        if pvc["metadata"].get("deletionTimestamp"):
            return f'persistentvolumeclaim "{name}" is being deleted'
        not_ours = volume_is_for_pod(pod, pvc) if ephemeral else None
        if not_ours:
            return not_ours
        if status.get("phase") == "Bound":
            continue
        sc = store.try_get("StorageClass", None, claim_class(pvc)) if claim_class(pvc) else None
        if sc is None or sc.get("volumeBindingMode") != "WaitForFirstConsumer":
            unbound = True
    return UNBOUND_IMMEDIATE if unbound else None


def select_node(store: Store, pod: dict[str, Any], node: str) -> bool:
    """PreBind for WaitForFirstConsumer claims: True when the pod must wait for some claim
    to be bound (each unbound one is annotated with the chosen node first)."""
    namespace = pod["metadata"].get("namespace") or ""
    waiting = False
    for name in claim_names(pod):
        pvc = store.try_get("PersistentVolumeClaim", namespace, name)
        if pvc is None or (pvc.get("status") or {}).get("phase") == "Bound":
            continue
        waiting = True
        if (pvc["metadata"].get("annotations") or {}).get(ANN_SELECTED_NODE) != node:
            new = clone(pvc)
            new["metadata"].setdefault("annotations", {})[ANN_SELECTED_NODE] = node
            store.update(new)
    return waiting
