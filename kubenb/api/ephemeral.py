"""Generic ephemeral volumes as every component sees them (component-helpers/storage/ephemeral).

A pod volume `data` with `ephemeral.volumeClaimTemplate` is backed by the claim
`<pod name>-data` in the pod's namespace, which the ephemeral volume controller
(controllers/ephemeral.py) makes from the template with the pod as its controller owner. A
claim of that name the pod does not control is not its volume: the scheduler, the kubelet
and the controller refuse it with `volume_is_for_pod`'s words. `pod_claims` lists every
claim a pod uses — its persistentVolumeClaim volumes and its ephemeral ones — for the
scheduler's VolumeBinding check, the pvc-protection controller and the kubelet.
"""

from __future__ import annotations

from typing import Any, NamedTuple

Obj = dict[str, Any]


class PodClaim(NamedTuple):
    volume: str  # the pod volume's name
    claim: str  # the PersistentVolumeClaim's name
    ephemeral: bool  # made from the volume's claim template


def volume_claim_name(pod: Obj, volume: Obj) -> str:
    """VolumeClaimName: `<pod name>-<volume name>`."""
    return f"{pod['metadata'].get('name') or ''}-{volume.get('name') or ''}"


def volume_is_for_pod(pod: Obj, pvc: Obj) -> str | None:
    """VolumeIsForPod: None when the pod controls `pvc`, else the error message."""
    meta, pmeta = pvc["metadata"], pod["metadata"]
    owned = any(ref.get("controller") and ref.get("uid") == pmeta.get("uid")
                for ref in meta.get("ownerReferences") or [])
    if meta.get("namespace") != pmeta.get("namespace") or not owned:
        return (f"PVC {meta.get('namespace')}/{meta.get('name')} was not created for pod "
                f"{pmeta.get('namespace')}/{pmeta.get('name')} (pod is not owner)")
    return None


def pod_claims(pod: Obj) -> list[PodClaim]:
    """Every claim the pod's volumes use, in volume order."""
    out = []
    for v in (pod.get("spec") or {}).get("volumes") or []:
        if not isinstance(v, dict):
            continue
        if isinstance(v.get("persistentVolumeClaim"), dict):
            out.append(PodClaim(v.get("name") or "", v["persistentVolumeClaim"].get("claimName") or "", False))
        elif isinstance(v.get("ephemeral"), dict):
            out.append(PodClaim(v.get("name") or "", volume_claim_name(pod, v), True))
    return out


def claim_template(volume: Obj) -> Obj | None:
    """The volume's `ephemeral.volumeClaimTemplate`, if it is an ephemeral volume."""
    source = volume.get("ephemeral")
    template = source.get("volumeClaimTemplate") if isinstance(source, dict) else None
    return template if isinstance(template, dict) else None
