"""The two rollout strategies (Kubernetes rolling.go and recreate.go).

RollingUpdate: grow the new ReplicaSet up to replicas+maxSurge pods in total, then
shrink old ones — unhealthy replicas first — while at least replicas-maxUnavailable stay
available. Recreate: scale every old ReplicaSet to 0, wait until none of their pods
exists any more, then create/scale the new one. Both end by writing the rollout status;
the requeue they return is the progress-deadline check. Called from
`deployment.DeploymentController.reconcile` with a `deployment_sync.DeploymentSync`.
"""

from __future__ import annotations

from kubenb.api.objects import Obj
from kubenb.controllers import deployment_status as ds
from kubenb.controllers import deployment_util as du
from kubenb.controllers.deployment_sync import DeploymentSync


def rollout_rolling(s: DeploymentSync) -> float | None:
    """rolloutRolling: one step of a rolling update."""
    new_rs, old_rss = s.get_all_rss_and_sync_revision(create=True)
    assert new_rs is not None  # create=True either returns the RS or raises
    all_rss: list[Obj | None] = [*old_rss, new_rs]
    if reconcile_new_replica_set(s, all_rss, new_rs):
        return s.sync_rollout_status(all_rss, new_rs)
    if reconcile_old_replica_sets(s, all_rss, du.filter_active(old_rss), new_rs):
        return s.sync_rollout_status(all_rss, new_rs)
    if ds.deployment_complete(s.d, s.d.get("status") or {}):
        s.cleanup(old_rss)
    return s.sync_rollout_status(all_rss, new_rs)


def reconcile_new_replica_set(s: DeploymentSync, all_rss: list[Obj | None], new_rs: Obj) -> bool:
    new_rs = s.latest(new_rs)
    want = du.replicas(s.d)
    if du.replicas(new_rs) == want:
        return False
    if du.replicas(new_rs) > want:
        return s.scale_rs_and_record(new_rs, want)[0]
    count = du.new_rs_new_replicas(s.d, s._fresh(all_rss), new_rs)
    return s.scale_rs_and_record(new_rs, count)[0]


def reconcile_old_replica_sets(s: DeploymentSync, all_rss: list[Obj | None], old_rss: list[Obj],
                               new_rs: Obj) -> bool:
    """Scale old RSs down as far as maxUnavailable allows (unhealthy replicas first)."""
    old_rss = [s.latest(rs) for rs in old_rss]
    new_rs = s.latest(new_rs)
    if du.spec_replica_count(old_rss) == 0:
        return False
    all_count = du.spec_replica_count(s._fresh(all_rss))
    min_available = du.replicas(s.d) - du.max_unavailable(s.d)
    new_unavailable = du.replicas(new_rs) - du.status_int(new_rs, "availableReplicas")
    max_scaled_down = all_count - min_available - new_unavailable
    if max_scaled_down <= 0:
        return False
    old_rss, cleaned = cleanup_unhealthy_replicas(s, old_rss, max_scaled_down)
    scaled = scale_down_old_replica_sets(s, [*old_rss, new_rs], old_rss)
    return cleaned + scaled > 0


def cleanup_unhealthy_replicas(s: DeploymentSync, old_rss: list[Obj], max_cleanup: int) -> tuple[list[Obj], int]:
    """Scale old RSs down by their unavailable replicas (oldest RS first)."""
    old_rss = sorted(old_rss, key=du.by_creation)
    total = 0
    for i, rs in enumerate(old_rss):
        if total >= max_cleanup:
            break
        size = du.replicas(rs)
        available = du.status_int(rs, "availableReplicas")
        if size == 0 or size == available:
            continue
        down = min(max_cleanup - total, size - available)
        _, old_rss[i] = s.scale_rs_and_record(rs, size - down)
        total += down
    return old_rss, total


def scale_down_old_replica_sets(s: DeploymentSync, all_rss: list[Obj], old_rss: list[Obj]) -> int:
    """scaleDownOldReplicaSetsForRollingUpdate: keep replicas-maxUnavailable available."""
    min_available = du.replicas(s.d) - du.max_unavailable(s.d)
    available = du.available_replica_count(all_rss)
    if available <= min_available:
        return 0
    total = 0
    budget = available - min_available
    for rs in sorted(old_rss, key=du.by_creation):
        if total >= budget:
            break
        rs = s.latest(rs)
        size = du.replicas(rs)
        if size == 0:
            continue
        down = min(size, budget - total)
        s.scale_rs_and_record(rs, size - down)
        total += down
    return total


# ---- Recreate -------------------------------------------------------------------------

def rollout_recreate(s: DeploymentSync) -> float | None:
    """rolloutRecreate: old to zero, wait for their pods to go, then the new RS."""
    new_rs, old_rss = s.get_all_rss_and_sync_revision(create=False)
    all_rss: list[Obj | None] = [*old_rss, new_rs]
    scaled = False
    for rs in du.filter_active(old_rss):
        if s.scale_rs_and_record(rs, 0)[0]:
            scaled = True
    if scaled:
        return s.sync_rollout_status(all_rss, new_rs)
    if old_pods_running(s, new_rs, old_rss):
        return s.sync_rollout_status(all_rss, new_rs)
    if new_rs is None:
        new_rs, old_rss = s.get_all_rss_and_sync_revision(create=True)
        all_rss = [*old_rss, new_rs]
    assert new_rs is not None
    s.scale_rs_and_record(new_rs, du.replicas(s.d))
    if ds.deployment_complete(s.d, s.d.get("status") or {}):
        s.cleanup(old_rss)
    return s.sync_rollout_status(all_rss, new_rs)


def old_pods_running(s: DeploymentSync, new_rs: Obj | None, old_rss: list[Obj]) -> bool:
    """Any old RS reports pods, or any pod of an old RS is not yet terminal or gone."""
    if du.actual_replica_count([s.latest(rs) for rs in old_rss]) > 0:
        return True
    new_uid = new_rs["metadata"]["uid"] if new_rs else None
    for rs_uid, pods in s.pod_map.items():
        if rs_uid == new_uid:
            continue
        for pod in pods:
            if (pod.get("status") or {}).get("phase") in ("Failed", "Succeeded"):
                continue
            return True
    return False
