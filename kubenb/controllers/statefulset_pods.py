"""StatefulSet pod identity and storage: names, labels, claims (stateful_set_utils.go).

Pure functions over JSON dicts, used by `kubenb.controllers.statefulset`:

- a pod `web-3` is ordinal 3 of set `web`; it carries the labels
  `statefulset.kubernetes.io/pod-name`, `apps.kubernetes.io/pod-index` and
  `controller-revision-hash` (the ControllerRevision's name), `hostname: web-3` and
  `subdomain: <serviceName>`;
- each volumeClaimTemplate `www` becomes the claim `www-web-3` (labels: the template's
  plus the selector's matchLabels) and a pod volume `www` that mounts it;
- the pod health predicates the controller waits on (created, running and ready,
  available after minReadySeconds, terminating).
"""

from __future__ import annotations

import re
from datetime import datetime

from kubenb.api.objects import Obj, clone
from kubenb.api.pods import controller_ref, is_pod_ready
from kubenb.api.stateful_history import REVISION_LABEL
from kubenb.controllers.replicaset import available_in

POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name"
POD_INDEX_LABEL = "apps.kubernetes.io/pod-index"
_ORDINAL = re.compile(r"^(.*)-([0-9]+)$")


def parent_and_ordinal(pod: Obj) -> tuple[str, int]:
    """getParentNameAndOrdinal: ("web", 3) for `web-3`, ("", -1) when the name has no ordinal."""
    m = _ORDINAL.match(pod["metadata"].get("name") or "")
    if m is None:
        return "", -1
    return m.group(1), int(m.group(2))


def ordinal_of(pod: Obj) -> int:
    return parent_and_ordinal(pod)[1]


def is_member_of(sts: Obj, pod: Obj) -> bool:
    return parent_and_ordinal(pod)[0] == sts["metadata"]["name"]


def pod_name(sts: Obj, ordinal: int) -> str:
    return f"{sts['metadata']['name']}-{ordinal}"


def claim_name(template_name: str, sts: Obj, ordinal: int) -> str:
    """getPersistentVolumeClaimName: `<template>-<set>-<ordinal>`."""
    return f"{template_name}-{sts['metadata']['name']}-{ordinal}"


def pod_revision(pod: Obj) -> str:
    return (pod["metadata"].get("labels") or {}).get(REVISION_LABEL, "")


# ---- health ---------------------------------------------------------------------------

def is_created(pod: Obj) -> bool:
    return bool((pod.get("status") or {}).get("phase"))


def is_terminating(pod: Obj) -> bool:
    return bool(pod["metadata"].get("deletionTimestamp"))


def is_failed(pod: Obj) -> bool:
    return (pod.get("status") or {}).get("phase") == "Failed"


def is_succeeded(pod: Obj) -> bool:
    return (pod.get("status") or {}).get("phase") == "Succeeded"


def is_running_and_ready(pod: Obj) -> bool:
    return (pod.get("status") or {}).get("phase") == "Running" and is_pod_ready(pod)


def is_running_and_available(pod: Obj, min_ready: int, now: datetime) -> bool:
    return is_running_and_ready(pod) and available_in(pod, min_ready, now) == 0


def is_healthy(pod: Obj) -> bool:
    return is_running_and_ready(pod) and not is_terminating(pod)


# ---- claims ---------------------------------------------------------------------------

def claim_templates(sts: Obj) -> list[Obj]:
    return [t for t in (sts.get("spec") or {}).get("volumeClaimTemplates") or [] if isinstance(t, dict)]


def claims_for(sts: Obj, ordinal: int) -> list[tuple[str, Obj]]:
    """getPersistentVolumeClaims: (template name, claim to create) per template, in order."""
    spec = sts.get("spec") or {}
    match_labels = (spec.get("selector") or {}).get("matchLabels") or {}
    policy = spec.get("persistentVolumeClaimRetentionPolicy") or {}
    out = []
    for template in claim_templates(sts):
        tmeta = template.get("metadata") or {}
        meta: Obj = {k: clone(v) for k, v in tmeta.items()
                     if k in ("labels", "annotations", "finalizers") and v}
        meta["name"] = claim_name(tmeta.get("name") or "", sts, ordinal)
        meta["namespace"] = sts["metadata"].get("namespace") or "default"
        meta["labels"] = {**(meta.get("labels") or {}), **match_labels}
        if not meta["labels"]:
            del meta["labels"]
        if policy.get("whenDeleted") == "Delete":
            # claimOwnerMatchesSetAndPod: a plain (non-controller) reference to the set
            ref = controller_ref(sts)
            meta["ownerReferences"] = [{k: ref[k] for k in ("apiVersion", "kind", "name", "uid")}]
        out.append((tmeta.get("name") or "", {
            "apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": meta,
            "spec": clone(template.get("spec") or {})}))
    return out


def storage_matches(sts: Obj, pod: Obj) -> bool:
    """storageMatches: every claim template is mounted as its ordinal's claim."""
    ordinal = ordinal_of(pod)
    if ordinal < 0:
        return False
    volumes = {v.get("name"): v for v in pod["spec"].get("volumes") or []}
    for name, claim in claims_for(sts, ordinal):
        v = volumes.get(name)
        if v is None or (v.get("persistentVolumeClaim") or {}).get("claimName") != claim["metadata"]["name"]:
            return False
    return True


def update_storage(sts: Obj, pod: Obj) -> None:
    """updateStorage: claim volumes first, then the pod's other volumes."""
    claims = claims_for(sts, ordinal_of(pod))
    names = {name for name, _ in claims}
    volumes = [{"name": name, "persistentVolumeClaim": {"claimName": claim["metadata"]["name"]}}
               for name, claim in claims]
    volumes += [v for v in pod["spec"].get("volumes") or [] if v.get("name") not in names]
    if volumes:
        pod["spec"]["volumes"] = volumes


# ---- identity -------------------------------------------------------------------------

def identity_matches(sts: Obj, pod: Obj) -> bool:
    parent, ordinal = parent_and_ordinal(pod)
    meta = pod["metadata"]
    return (ordinal >= 0 and parent == sts["metadata"]["name"]
            and meta.get("namespace") == sts["metadata"].get("namespace")
            and (meta.get("labels") or {}).get(POD_NAME_LABEL) == meta["name"]
            and (meta.get("labels") or {}).get(POD_INDEX_LABEL) == str(ordinal))


def update_identity(sts: Obj, pod: Obj, ordinal: int) -> None:
    meta = pod["metadata"]
    meta["name"] = pod_name(sts, ordinal)
    meta["namespace"] = sts["metadata"].get("namespace") or "default"
    labels = meta.setdefault("labels", {})
    labels[POD_NAME_LABEL] = meta["name"]
    labels[POD_INDEX_LABEL] = str(ordinal)


def new_pod(sts: Obj, revision: Obj, ordinal: int) -> Obj:
    """newVersionedStatefulSetPod: the template of `revision`'s set as pod `ordinal`.

    `sts` is the set as of that revision (its template is the revision's)."""
    template = (sts.get("spec") or {}).get("template") or {}
    tmeta = template.get("metadata") or {}
    meta: Obj = {"generateName": sts["metadata"]["name"] + "-"}
    for field in ("labels", "annotations", "finalizers"):
        if tmeta.get(field):
            meta[field] = clone(tmeta[field])
    meta["ownerReferences"] = [controller_ref(sts)]
    pod: Obj = {"apiVersion": "v1", "kind": "Pod", "metadata": meta,
                "spec": clone(template.get("spec") or {})}
    update_identity(sts, pod, ordinal)
    pod["spec"]["hostname"] = meta["name"]
    service = (sts.get("spec") or {}).get("serviceName")
    if service:
        pod["spec"]["subdomain"] = service
    update_storage(sts, pod)
    meta["labels"][REVISION_LABEL] = revision["metadata"]["name"]
    return pod
