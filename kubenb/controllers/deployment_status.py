"""Deployment status and conditions (Kubernetes sync.go calculateStatus, progress.go).

Pure functions: given the Deployment as read and its ReplicaSets, compute the status the
deployment controller should write — counts with Go's omitempty (zeros omitted), the
Available condition, and during a rollout the Progressing condition with its
lastUpdateTime / lastTransitionTime rules and the progressDeadlineSeconds check.
`requeue_after` says when to look again for a deadline. `deployment_sync` writes the result.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from kubenb.api.objects import Obj, clone
from kubenb.clock import parse_time, rfc3339
from kubenb.controllers import deployment_util as du

# ---- conditions -----------------------------------------------------------------------

def new_condition(ctype: str, status: str, reason: str, message: str, now: datetime) -> Obj:
    """NewDeploymentCondition, fields in the API's order."""
    stamp = rfc3339(now)
    return {
        "type": ctype,
        "status": status,
        "lastUpdateTime": stamp,
        "lastTransitionTime": stamp,
        "reason": reason,
        "message": message,
    }


def get_condition(status: Obj, ctype: str) -> Obj | None:
    for c in status.get("conditions") or []:
        if c.get("type") == ctype:
            return c
    return None


def set_condition(status: Obj, cond: Obj) -> None:
    """SetDeploymentCondition: same status and reason is a no-op; a kept status keeps lastTransitionTime."""
    current = get_condition(status, cond["type"])
    if current is not None and current.get("status") == cond["status"] and current.get("reason") == cond["reason"]:
        return
    cond = dict(cond)
    if current is not None and current.get("status") == cond["status"]:
        cond["lastTransitionTime"] = current.get("lastTransitionTime")
    others = [c for c in status.get("conditions") or [] if c.get("type") != cond["type"]]
    status["conditions"] = [*others, cond]


def remove_condition(status: Obj, ctype: str) -> None:
    conds = [c for c in status.get("conditions") or [] if c.get("type") != ctype]
    if conds:
        status["conditions"] = conds
    else:
        status.pop("conditions", None)


# ---- status ---------------------------------------------------------------------------

def make_status(
    observed_generation: int, replicas: int, updated: int, ready: int, available: int,
    unavailable: int, conditions: list[Obj], collision_count: int | None,
) -> Obj:
    """A DeploymentStatus as the API serializes it (omitempty: zeros and empties left out)."""
    status: Obj = {}
    for key, value in (
        ("observedGeneration", observed_generation), ("replicas", replicas),
        ("updatedReplicas", updated), ("readyReplicas", ready),
        ("availableReplicas", available), ("unavailableReplicas", unavailable),
    ):
        if value:
            status[key] = value
    if conditions:
        status["conditions"] = conditions
    if collision_count is not None:
        status["collisionCount"] = collision_count
    return status


def calculate_status(all_rss: list[Obj | None], new_rs: Obj | None, d: Obj, now: datetime) -> Obj:
    """calculateStatus: counts from the ReplicaSets plus the Available condition."""
    available = du.available_replica_count(all_rss)
    total = du.spec_replica_count(all_rss)
    old = d.get("status") or {}
    status = make_status(
        observed_generation=int(d["metadata"].get("generation") or 0),
        replicas=du.actual_replica_count(all_rss),
        updated=du.actual_replica_count([new_rs]),
        ready=du.ready_replica_count(all_rss),
        available=available,
        unavailable=max(0, total - available),
        conditions=clone(old.get("conditions") or []),
        collision_count=old.get("collisionCount"),
    )
    if available >= du.replicas(d) - du.max_unavailable(d):
        cond = new_condition("Available", "True", du.REASON_MIN_AVAILABLE,
                             "Deployment has minimum availability.", now)
    else:
        cond = new_condition("Available", "False", du.REASON_MIN_UNAVAILABLE,
                             "Deployment does not have minimum availability.", now)
    set_condition(status, cond)
    return status


def _count(status: Obj, key: str) -> int:
    return int(status.get(key) or 0)


def deployment_complete(d: Obj, status: Obj) -> bool:
    """All desired replicas updated and available, no old ones left, generation observed."""
    want = du.replicas(d)
    return (
        _count(status, "updatedReplicas") == want
        and _count(status, "replicas") == want
        and _count(status, "availableReplicas") == want
        and _count(status, "observedGeneration") >= int(d["metadata"].get("generation") or 0)
    )


def deployment_progressing(d: Obj, new: Obj) -> bool:
    """More updated/ready/available pods, or fewer old ones, than the status read."""
    old = d.get("status") or {}
    old_old = _count(old, "replicas") - _count(old, "updatedReplicas")
    new_old = _count(new, "replicas") - _count(new, "updatedReplicas")
    return (
        _count(new, "updatedReplicas") > _count(old, "updatedReplicas")
        or new_old < old_old
        or _count(new, "readyReplicas") > _count(old, "readyReplicas")
        or _count(new, "availableReplicas") > _count(old, "availableReplicas")
    )


def deployment_timed_out(d: Obj, new: Obj, now: datetime) -> bool:
    """The Progressing condition has not moved for progressDeadlineSeconds."""
    if not du.has_progress_deadline(d):
        return False
    cond = get_condition(new, "Progressing")
    if cond is None or cond.get("reason") == du.REASON_NEW_RS_AVAILABLE:
        return False
    if cond.get("reason") == du.REASON_TIMED_OUT:
        return True
    since = parse_time(cond["lastUpdateTime"])
    return since + timedelta(seconds=int(d["spec"]["progressDeadlineSeconds"])) < now


def replica_failures(all_rss: list[Obj | None], new_rs: Obj | None) -> list[Obj]:
    """ReplicaFailure conditions of the RSs (the new one first) as deployment conditions."""

    def convert(rs: Obj | None) -> list[Obj]:
        out = []
        for c in ((rs or {}).get("status") or {}).get("conditions") or []:
            if c.get("type") == "ReplicaFailure":
                out.append({
                    "type": "ReplicaFailure", "status": c.get("status"),
                    "lastUpdateTime": c.get("lastTransitionTime"),
                    "lastTransitionTime": c.get("lastTransitionTime"),
                    "reason": c.get("reason"), "message": c.get("message"),
                })
        return out

    found = convert(new_rs)
    if found:
        return found
    return [c for rs in all_rss for c in convert(rs)]


def rollout_status(all_rss: list[Obj | None], new_rs: Obj | None, d: Obj, now: datetime) -> Obj:
    """The status syncRolloutStatus would write (progress estimation included)."""
    new = calculate_status(all_rss, new_rs, d, now)
    if not du.has_progress_deadline(d):
        remove_condition(new, "Progressing")
    current = get_condition(d.get("status") or {}, "Progressing")
    complete_already = (
        _count(new, "replicas") == _count(new, "updatedReplicas")
        and current is not None and current.get("reason") == du.REASON_NEW_RS_AVAILABLE
    )
    name = d["metadata"]["name"]
    if du.has_progress_deadline(d) and not complete_already:
        if deployment_complete(d, new):
            msg = (f"ReplicaSet {du.go_quote(new_rs['metadata']['name'])} has successfully progressed."
                   if new_rs else f"Deployment {du.go_quote(name)} has successfully progressed.")
            set_condition(new, new_condition("Progressing", "True", du.REASON_NEW_RS_AVAILABLE, msg, now))
        elif deployment_progressing(d, new):
            msg = (f"ReplicaSet {du.go_quote(new_rs['metadata']['name'])} is progressing."
                   if new_rs else f"Deployment {du.go_quote(name)} is progressing.")
            cond = new_condition("Progressing", "True", du.REASON_RS_UPDATED, msg, now)
            if current is not None:
                if current.get("status") == "True":
                    cond["lastTransitionTime"] = current.get("lastTransitionTime")
                remove_condition(new, "Progressing")
            set_condition(new, cond)
        elif deployment_timed_out(d, new, now):
            msg = (f"ReplicaSet {du.go_quote(new_rs['metadata']['name'])} has timed out progressing."
                   if new_rs else f"Deployment {du.go_quote(name)} has timed out progressing.")
            set_condition(new, new_condition("Progressing", "False", du.REASON_TIMED_OUT, msg, now))
    failures = replica_failures(all_rss, new_rs)
    if failures:
        set_condition(new, failures[0])
    else:
        remove_condition(new, "ReplicaFailure")
    return new


def requeue_after(d: Obj, new: Obj, now: datetime) -> float | None:
    """requeueStuckDeployment: seconds until the progress deadline could pass (plus one)."""
    current = get_condition(d.get("status") or {}, "Progressing")
    if not du.has_progress_deadline(d) or current is None:
        return None
    if deployment_complete(d, new) or current.get("reason") == du.REASON_TIMED_OUT:
        return None
    deadline = parse_time(current["lastUpdateTime"]) + timedelta(
        seconds=int(d["spec"]["progressDeadlineSeconds"]))
    after = (deadline - now).total_seconds()
    # Upstream requeues now (rate limited) under a second, else after+1s; a virtual clock
    # must see time move, so both become "at least a second from now".
    return max(after, 0.0) + 1.0
