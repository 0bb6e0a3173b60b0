"""Pure helpers of the deployment controller (Kubernetes pkg/controller/deployment/util).

Everything here reads Deployment and ReplicaSet dicts and returns numbers, booleans or
new dicts; nothing writes to the store. `deployment_sync` (RS creation and scaling),
`deployment_rolling` (RollingUpdate / Recreate) and `deployment_status` (status and
conditions) build on these; `kubenb.api.rollback` reuses the revision helpers.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from kubenb.api.hashing import POD_TEMPLATE_HASH_LABEL, canonical_template
from kubenb.api.objects import Obj, clone
from kubenb.clock import parse_time

REVISION = "deployment.kubernetes.io/revision"
REVISION_HISTORY = "deployment.kubernetes.io/revision-history"
DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas"
MAX_REPLICAS = "deployment.kubernetes.io/max-replicas"
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
DEPRECATED_ROLLBACK_TO = "deprecated.deployment.rollback.to"
CHANGE_CAUSE = "kubernetes.io/change-cause"
# Annotations a Deployment keeps for itself: never copied to its ReplicaSets (nor back by undo).
ANNOTATIONS_TO_SKIP = frozenset(
    {LAST_APPLIED, REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS, DEPRECATED_ROLLBACK_TO}
)
MAX_REV_HISTORY_CHARS = 2000
MAX_INT32 = 2147483647

# Condition reasons (deployment_util.go).
REASON_RS_UPDATED = "ReplicaSetUpdated"
REASON_FAILED_RS_CREATE = "ReplicaSetCreateError"
REASON_NEW_RS = "NewReplicaSetCreated"
REASON_FOUND_NEW_RS = "FoundNewReplicaSet"
REASON_NEW_RS_AVAILABLE = "NewReplicaSetAvailable"
REASON_TIMED_OUT = "ProgressDeadlineExceeded"
REASON_PAUSED = "DeploymentPaused"
REASON_RESUMED = "DeploymentResumed"
REASON_MIN_AVAILABLE = "MinimumReplicasAvailable"
REASON_MIN_UNAVAILABLE = "MinimumReplicasUnavailable"


def go_quote(s: str) -> str:
    """Go's %q for the ASCII names Kubernetes objects carry."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def replicas(obj: Obj) -> int:
    """spec.replicas (defaulted to 1 by the API server)."""
    value = (obj.get("spec") or {}).get("replicas")
    return 1 if value is None else int(value)


def status_int(obj: Obj | None, field: str) -> int:
    if obj is None:
        return 0
    return int((obj.get("status") or {}).get(field) or 0)


def annotations(obj: Obj) -> dict[str, str]:
    return obj["metadata"].get("annotations") or {}


def revision(obj: Obj) -> int:
    """The revision annotation as an int (0 when absent); ValueError when it is not a number."""
    value = annotations(obj).get(REVISION)
    return 0 if value is None else int(value)


def max_revision(rss: Iterable[Obj]) -> int:
    best = 0
    for rs in rss:
        try:
            best = max(best, revision(rs))
        except ValueError:
            continue  # unparsable revisions are skipped, as upstream does
    return best


# ---- ordering -------------------------------------------------------------------------

def _created(obj: Obj) -> datetime:
    return parse_time(obj["metadata"]["creationTimestamp"])


def by_creation(rs: Obj) -> tuple[datetime, str]:
    """ReplicaSetsByCreationTimestamp: creation time, then name."""
    return _created(rs), rs["metadata"]["name"]


def sort_by_revision(rss: list[Obj]) -> list[Obj]:
    """ReplicaSetsByRevision: revision; ties and bad revisions fall back to creation time."""

    def less(a: Obj, b: Obj) -> int:
        try:
            ra, rb = revision(a), revision(b)
        except ValueError:
            ra = rb = None
        if ra is None or ra == rb:
            return -1 if by_creation(a) < by_creation(b) else (1 if by_creation(b) < by_creation(a) else 0)
        return -1 if ra < rb else 1

    return sorted(rss, key=functools.cmp_to_key(less))


def sort_by_size_newer(rss: list[Obj]) -> list[Obj]:
    """ReplicaSetsBySizeNewer: larger first, newer first on ties (used when scaling up)."""
    newest_first = sorted(rss, key=by_creation, reverse=True)
    return sorted(newest_first, key=lambda rs: -replicas(rs))


def sort_by_size_older(rss: list[Obj]) -> list[Obj]:
    """ReplicaSetsBySizeOlder: larger first, older first on ties (used when scaling down)."""
    oldest_first = sorted(rss, key=by_creation)
    return sorted(oldest_first, key=lambda rs: -replicas(rs))


def filter_active(rss: Iterable[Obj | None]) -> list[Obj]:
    """FilterActiveReplicaSets: the ones with spec.replicas > 0."""
    return [rs for rs in rss if rs is not None and replicas(rs) > 0]


# ---- templates and finding the new ReplicaSet ----------------------------------------

def equal_ignore_hash(t1: Obj, t2: Obj) -> bool:
    """EqualIgnoreHash: pod templates equal but for the pod-template-hash label.

    apimachinery's semantic equality treats absent and empty maps/lists alike; the
    canonical form of kubenb.api.hashing drops them on both sides.
    """
    return canonical_template(t1 or {}) == canonical_template(t2 or {})


def find_new_replica_set(d: Obj, rs_list: list[Obj]) -> Obj | None:
    """The oldest ReplicaSet whose template matches the Deployment's."""
    template = d["spec"].get("template") or {}
    for rs in sorted(rs_list, key=by_creation):
        if equal_ignore_hash(rs["spec"].get("template") or {}, template):
            return rs
    return None


def find_old_replica_sets(d: Obj, rs_list: list[Obj]) -> tuple[list[Obj], list[Obj]]:
    """(old RSs with replicas, all old RSs)."""
    new = find_new_replica_set(d, rs_list)
    new_uid = new["metadata"]["uid"] if new else None
    all_old = [rs for rs in rs_list if rs["metadata"]["uid"] != new_uid]
    return [rs for rs in all_old if replicas(rs) != 0], all_old


def find_active_or_latest(new_rs: Obj | None, old_rss: list[Obj]) -> Obj | None:
    """The only active RS, or the newest when none is active; None if several are active."""
    if new_rs is None and not old_rss:
        return None
    old_sorted = sorted(old_rss, key=by_creation, reverse=True)
    active = filter_active([*old_sorted, new_rs])
    if not active:
        return new_rs if new_rs is not None else old_sorted[0]
    return active[0] if len(active) == 1 else None


# ---- surge / unavailable --------------------------------------------------------------

def scaled_value(value: int | str | None, total: int, round_up: bool) -> int:
    """intstr.GetScaledValueFromIntOrPercent."""
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    text = str(value)
    if not text.endswith("%"):
        raise ValueError(f"invalid value for IntOrString: invalid type: string is not a percentage: {text}")
    pct = int(text[:-1])
    exact = pct * total / 100
    return math.ceil(exact) if round_up else math.floor(exact)


def is_rolling_update(d: Obj) -> bool:
    return ((d["spec"].get("strategy") or {}).get("type") or "RollingUpdate") == "RollingUpdate"


def resolve_fenceposts(max_surge: int | str | None, max_unavailable: int | str | None,
                       desired: int) -> tuple[int, int]:
    """ResolveFenceposts: surge rounds up, unavailable down; both 0 gives unavailable 1."""
    surge = scaled_value(max_surge if max_surge is not None else 0, desired, True)
    unavailable = scaled_value(max_unavailable if max_unavailable is not None else 0, desired, False)
    if surge == 0 and unavailable == 0:
        unavailable = 1
    return surge, unavailable


def _rolling_params(d: Obj) -> tuple[Any, Any]:
    ru = (d["spec"].get("strategy") or {}).get("rollingUpdate") or {}
    return ru.get("maxSurge"), ru.get("maxUnavailable")


def max_surge(d: Obj) -> int:
    if not is_rolling_update(d):
        return 0
    return resolve_fenceposts(*_rolling_params(d), replicas(d))[0]


def max_unavailable(d: Obj) -> int:
    if not is_rolling_update(d) or replicas(d) == 0:
        return 0
    return min(resolve_fenceposts(*_rolling_params(d), replicas(d))[1], replicas(d))


def has_progress_deadline(d: Obj) -> bool:
    pds = d["spec"].get("progressDeadlineSeconds")
    return pds is not None and pds != MAX_INT32


def has_revision_history_limit(d: Obj) -> bool:
    limit = d["spec"].get("revisionHistoryLimit")
    return limit is not None and limit != MAX_INT32


# ---- replica annotations and counts ---------------------------------------------------

def _int_annotation(rs: Obj, key: str) -> int | None:
    try:
        return int(annotations(rs)[key])
    except (KeyError, ValueError):
        return None


def desired_replicas_annotation(rs: Obj) -> int | None:
    return _int_annotation(rs, DESIRED_REPLICAS)


def replicas_annotations_need_update(rs: Obj, desired: int, maximum: int) -> bool:
    ann = annotations(rs)
    return ann.get(DESIRED_REPLICAS) != str(desired) or ann.get(MAX_REPLICAS) != str(maximum)


def set_replicas_annotations(rs: Obj, desired: int, maximum: int) -> bool:
    ann = rs["metadata"].setdefault("annotations", {})
    changed = False
    for key, value in ((DESIRED_REPLICAS, str(desired)), (MAX_REPLICAS, str(maximum))):
        if ann.get(key) != value:
            ann[key] = value
            changed = True
    return changed


def spec_replica_count(rss: Iterable[Obj | None]) -> int:
    """GetReplicaCountForReplicaSets: sum of spec.replicas."""
    return sum(replicas(rs) for rs in rss if rs is not None)


def actual_replica_count(rss: Iterable[Obj | None]) -> int:
    return sum(status_int(rs, "replicas") for rs in rss if rs is not None)


def ready_replica_count(rss: Iterable[Obj | None]) -> int:
    return sum(status_int(rs, "readyReplicas") for rs in rss if rs is not None)


def available_replica_count(rss: Iterable[Obj | None]) -> int:
    return sum(status_int(rs, "availableReplicas") for rs in rss if rs is not None)


def new_rs_new_replicas(d: Obj, all_rss: list[Obj | None], new_rs: Obj) -> int:
    """NewRSNewReplicas: how big the new RS may be now."""
    if not is_rolling_update(d):
        return replicas(d)
    surge = scaled_value(_rolling_params(d)[0], replicas(d), True)
    # Upstream counts spec.replicas only, so pods an old ReplicaSet has not deleted yet can
    # briefly push the pod count past maxSurge. Counting pods that still exist as well keeps
    # the promise about pods, not only about replica counts.
    current = sum(max(replicas(rs), status_int(rs, "replicas")) for rs in all_rss if rs)
    max_total = replicas(d) + surge
    if current >= max_total:
        return replicas(new_rs)
    scale_up = min(max_total - current, replicas(d) - replicas(new_rs))
    return replicas(new_rs) + scale_up


def is_saturated(d: Obj, rs: Obj | None) -> bool:
    """The new RS owns all desired replicas, believes so, and all of them are available."""
    if rs is None:
        return False
    desired = desired_replicas_annotation(rs)
    if desired is None:
        return False
    want = replicas(d)
    return replicas(rs) == want and desired == want and status_int(rs, "availableReplicas") == want


def _round_half_away(x: float) -> int:
    return int(math.floor(x + 0.5)) if x >= 0 else -int(math.floor(-x + 0.5))


def get_proportion(rs: Obj | None, d: Obj, to_add: int, added: int) -> int:
    """GetProportion: this RS's share of a scaling event during a rollout."""
    if rs is None or replicas(rs) == 0 or to_add == 0 or to_add == added:
        return 0
    fraction = _replica_set_fraction(rs, d)
    allowed = to_add - added
    return min(fraction, allowed) if to_add > 0 else max(fraction, allowed)


def _replica_set_fraction(rs: Obj, d: Obj) -> int:
    if replicas(d) == 0:
        return -replicas(rs)
    deployment_replicas = replicas(d) + max_surge(d)
    annotated = _int_annotation(rs, MAX_REPLICAS)
    if annotated is None:
        annotated = status_int(d, "replicas")
    if annotated == 0:
        return 0  # Go divides by zero here; nothing sensible to add
    return _round_half_away(replicas(rs) * deployment_replicas / annotated) - replicas(rs)


# ---- revision annotations -------------------------------------------------------------

def copy_deployment_annotations(d: Obj, rs: Obj) -> bool:
    """copyDeploymentAnnotationsToReplicaSet (all but ANNOTATIONS_TO_SKIP)."""
    ann = rs["metadata"].setdefault("annotations", {})
    changed = False
    for k, v in annotations(d).items():
        if k in ANNOTATIONS_TO_SKIP or ann.get(k) == v:
            continue
        ann[k] = v
        changed = True
    return changed


def set_new_replica_set_annotations(d: Obj, rs: Obj, new_revision: int, exists: bool) -> bool:
    """SetNewReplicaSetAnnotations: copy annotations, raise the revision, keep its history."""
    changed = copy_deployment_annotations(d, rs)
    ann = rs["metadata"].setdefault("annotations", {})
    old_text = ann.get(REVISION)
    try:
        old = int(old_text) if old_text is not None else 0
    except ValueError:
        if old_text != "":
            return False
        old = 0
    if old < new_revision:
        ann[REVISION] = str(new_revision)
        changed = True
        if old_text is not None:  # an old RS becoming new again: a rollback; keep history
            history = ann.get(REVISION_HISTORY, "")
            if not history:
                ann[REVISION_HISTORY] = old_text
            else:
                parts = history.split(",")
                total = len(history) + len(old_text) + 1
                start = 0
                while total > MAX_REV_HISTORY_CHARS and start < len(parts):
                    total -= len(parts[start]) + 1
                    start += 1
                if total <= MAX_REV_HISTORY_CHARS:
                    ann[REVISION_HISTORY] = ",".join([*parts[start:], old_text])
    if not exists and set_replicas_annotations(rs, replicas(d), replicas(d) + max_surge(d)):
        changed = True
    return changed


def set_deployment_revision(d: Obj, rev: str) -> bool:
    ann = d["metadata"].setdefault("annotations", {})
    if ann.get(REVISION) != rev:
        ann[REVISION] = rev
        return True
    return False


def template_with_hash(template: Obj, pod_hash: str) -> Obj:
    """A copy of `template` whose labels carry pod-template-hash."""
    out = clone(template)
    meta = out.setdefault("metadata", {})
    meta["labels"] = {**(meta.get("labels") or {}), POD_TEMPLATE_HASH_LABEL: pod_hash}
    return out
