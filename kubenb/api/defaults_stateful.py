"""Defaulting for StatefulSets and PersistentVolumeClaims (SetDefaults_StatefulSet,
SetDefaults_PersistentVolumeClaim{,Spec} in pkg/apis/apps/v1 and core/v1 defaults.go).

Called through `defaults.apply_defaults`; each function mutates the object in place and is
idempotent. A StatefulSet gets podManagementPolicy OrderedReady, updateStrategy
RollingUpdate with partition 0, persistentVolumeClaimRetentionPolicy Retain/Retain,
replicas 1, revisionHistoryLimit 10, its pod template the defaults every template gets,
and each volumeClaimTemplate the claim defaults (volumeMode Filesystem, status.phase
Pending). The DefaultStorageClass admission plugin is in storage.py. Not done: the
pvc-protection finalizer.
"""

from __future__ import annotations

from collections.abc import Callable

from kubenb.api.objects import Obj


def default_claim_spec(spec: Obj) -> None:
    if not spec.get("volumeMode"):
        spec["volumeMode"] = "Filesystem"


def default_claim(pvc: Obj) -> None:
    default_claim_spec(pvc.setdefault("spec", {}))
    status = pvc.get("status")
    if not isinstance(status, dict):
        status = pvc["status"] = {}
    if not status.get("phase"):
        status["phase"] = "Pending"


def make_statefulset_defaulter(default_template: Callable[[Obj | None], None]) -> Callable[[Obj], None]:
    """The StatefulSet defaulter, given the pod template defaulter of defaults.py."""

    def default_statefulset(sts: Obj) -> None:
        spec = sts.setdefault("spec", {})
        if not spec.get("podManagementPolicy"):
            spec["podManagementPolicy"] = "OrderedReady"
        strategy = spec.get("updateStrategy")
        if not isinstance(strategy, dict):
            strategy = spec["updateStrategy"] = {}
        if not strategy.get("type"):
            strategy["type"] = "RollingUpdate"
            if strategy.get("rollingUpdate") is None:
                strategy["rollingUpdate"] = {}
        ru = strategy.get("rollingUpdate")
        if strategy["type"] == "RollingUpdate" and isinstance(ru, dict) and ru.get("partition") is None:
            ru["partition"] = 0
        policy = spec.get("persistentVolumeClaimRetentionPolicy")
        if not isinstance(policy, dict):
            policy = spec["persistentVolumeClaimRetentionPolicy"] = {}
        for key in ("whenDeleted", "whenScaled"):
            if not policy.get(key):
                policy[key] = "Retain"
        if spec.get("replicas") is None:
            spec["replicas"] = 1
        if spec.get("revisionHistoryLimit") is None:
            spec["revisionHistoryLimit"] = 10
        default_template(spec.get("template"))
        for claim in spec.get("volumeClaimTemplates") or []:
            if isinstance(claim, dict):
                default_claim(claim)

    return default_statefulset
