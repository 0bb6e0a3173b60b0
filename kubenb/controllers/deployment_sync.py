"""One sync of one Deployment: its ReplicaSets, their sizes, revisions and the status.

`DeploymentSync` is built by `deployment.DeploymentController.reconcile` from current
store state and carries the working copy of the Deployment plus the RSs it owns. Its
methods follow Kubernetes' sync.go: getNewReplicaSet (create `<name>-<hash>`, revision
max+1, collisionCount on a name clash), scale (proportional scaling), scaleReplicaSet
(+ ScalingReplicaSet events), cleanupDeployment (revisionHistoryLimit),
checkPausedConditions and the status writes. `deployment_rolling` drives the rollout
strategies with it. Every write goes through the store with the resourceVersion just
read or written, so a concurrent change surfaces as Conflict and the key is requeued.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kubenb.api.errors import AlreadyExists, ApiError, Forbidden, NotFound
from kubenb.api.hashing import POD_TEMPLATE_HASH_LABEL, pod_template_hash
from kubenb.api.objects import Obj, clone
from kubenb.api.pods import controller_ref, owner_of
from kubenb.controllers import deployment_status as ds
from kubenb.controllers import deployment_util as du

if TYPE_CHECKING:
    from kubenb.controllers.deployment import DeploymentController


class DeploymentSync:
    """State and steps of one reconcile of a Deployment."""

    def __init__(self, ctrl: DeploymentController, d: Obj, rs_list: list[Obj],
                 pod_map: dict[str, list[Obj]]) -> None:
        self.store = ctrl.store
        self.clock = ctrl.clock
        self.recorder = ctrl.recorder
        self.d = clone(d)
        self.rs_list = list(rs_list)
        self.pod_map = pod_map

    # ---- bookkeeping ------------------------------------------------------------------

    def latest(self, rs: Obj) -> Obj:
        """The freshest copy of `rs` this sync has seen (after its own writes)."""
        uid = rs["metadata"]["uid"]
        for r in self.rs_list:
            if r["metadata"]["uid"] == uid:
                return r
        return rs

    def _replace(self, rs: Obj) -> Obj:
        uid = rs["metadata"]["uid"]
        for i, r in enumerate(self.rs_list):
            if r["metadata"]["uid"] == uid:
                self.rs_list[i] = rs
                return rs
        self.rs_list.append(rs)
        return rs

    def write_deployment(self, *, meta: bool = False, status: bool = False) -> None:
        """Persist annotation and/or status changes made to the working copy."""
        if meta:
            stored = self.store.update(self.d)
            self.d["metadata"]["resourceVersion"] = stored["metadata"]["resourceVersion"]
        if status:
            stored = self.store.update(self.d, subresource="status")
            self.d["metadata"]["resourceVersion"] = stored["metadata"]["resourceVersion"]

    def event(self, type_: str, reason: str, message: str) -> None:
        self.recorder.event(self.d, type_, reason, message)  # type: ignore[arg-type]

    # ---- new / old ReplicaSets --------------------------------------------------------

    def get_all_rss_and_sync_revision(self, create: bool) -> tuple[Obj | None, list[Obj]]:
        """getAllReplicaSetsAndSyncRevision: (new RS or None, all old RSs)."""
        _, all_old = du.find_old_replica_sets(self.d, self.rs_list)
        new_rs = self.get_new_replica_set(all_old, create)
        return new_rs, all_old

    def get_new_replica_set(self, old_rss: list[Obj], create: bool) -> Obj | None:
        d = self.d
        existing = du.find_new_replica_set(d, self.rs_list)
        new_revision = du.max_revision(old_rss) + 1
        now = self.clock.now()
        if existing is not None:
            rs = clone(existing)
            changed = du.set_new_replica_set_annotations(d, rs, new_revision, exists=True)
            min_ready = d["spec"].get("minReadySeconds") or 0
            if changed or (rs["spec"].get("minReadySeconds") or 0) != min_ready:
                _set_min_ready(rs["spec"], min_ready)
                return self._replace(self.store.update(rs))
            meta = du.set_deployment_revision(d, du.annotations(rs).get(du.REVISION, ""))
            status = False
            if du.has_progress_deadline(d) and ds.get_condition(d.get("status") or {}, "Progressing") is None:
                msg = f"Found new replica set {du.go_quote(rs['metadata']['name'])}"
                ds.set_condition(d.setdefault("status", {}),
                                 ds.new_condition("Progressing", "True", du.REASON_FOUND_NEW_RS, msg, now))
                status = True
            self.write_deployment(meta=meta, status=status)
            return rs
        if not create:
            return None
        return self._create_new_replica_set(old_rss, new_revision)

    def _create_new_replica_set(self, old_rss: list[Obj], new_revision: int) -> Obj | None:
        d = self.d
        meta = d["metadata"]
        collision = (d.get("status") or {}).get("collisionCount")
        pod_hash = pod_template_hash(d["spec"]["template"], collision)
        template = du.template_with_hash(d["spec"]["template"], pod_hash)
        selector = clone(d["spec"].get("selector") or {})
        selector["matchLabels"] = {**(selector.get("matchLabels") or {}), POD_TEMPLATE_HASH_LABEL: pod_hash}
        new_rs: Obj = {
            "apiVersion": "apps/v1",
            "kind": "ReplicaSet",
            "metadata": {
                "name": f"{meta['name']}-{pod_hash}",
                "namespace": meta.get("namespace") or "default",
                "labels": dict(template["metadata"]["labels"]),
                "ownerReferences": [controller_ref(d)],
            },
            "spec": {"replicas": 0},
        }
        _set_min_ready(new_rs["spec"], d["spec"].get("minReadySeconds") or 0)
        new_rs["spec"].update(selector=selector, template=template)
        count = du.new_rs_new_replicas(d, [*old_rss, new_rs], new_rs)
        new_rs["spec"]["replicas"] = count
        du.set_new_replica_set_annotations(d, new_rs, new_revision, exists=False)
        now = self.clock.now()
        already_exists = False
        try:
            created = self.store.create(new_rs)
        except AlreadyExists:
            already_exists = True
            found = self.store.get("ReplicaSet", new_rs["metadata"]["namespace"], new_rs["metadata"]["name"])
            ref = owner_of(found)
            if not (ref and ref.get("uid") == meta["uid"]
                    and du.equal_ignore_hash(d["spec"]["template"], found["spec"].get("template") or {})):
                # A hash collision: bump collisionCount so the next sync hashes differently.
                d.setdefault("status", {})["collisionCount"] = (collision or 0) + 1
                self.write_deployment(status=True)
                raise
            created = found
        except Forbidden:
            raise  # the namespace is terminating: every create fails, nothing to report
        except ApiError as err:
            msg = f"Failed to create new replica set {du.go_quote(new_rs['metadata']['name'])}: {err}"
            if du.has_progress_deadline(d):
                ds.set_condition(d.setdefault("status", {}),
                                 ds.new_condition("Progressing", "False", du.REASON_FAILED_RS_CREATE, msg, now))
                try:
                    self.write_deployment(status=True)
                except ApiError:
                    pass  # the failure itself is what matters
            self.event("Warning", du.REASON_FAILED_RS_CREATE, msg)
            raise
        self._replace(created)
        if not already_exists and count > 0:
            self.event("Normal", "ScalingReplicaSet",
                       f"Scaled up replica set {created['metadata']['name']} from 0 to {count}")
        meta_changed = du.set_deployment_revision(d, str(new_revision))
        status_changed = False
        if not already_exists and du.has_progress_deadline(d):
            msg = f"Created new replica set {du.go_quote(created['metadata']['name'])}"
            ds.set_condition(d.setdefault("status", {}),
                             ds.new_condition("Progressing", "True", du.REASON_NEW_RS, msg, now))
            status_changed = True
        self.write_deployment(meta=meta_changed, status=status_changed)
        return created

    # ---- scaling ----------------------------------------------------------------------

    def scale_rs(self, rs: Obj, new_scale: int) -> tuple[bool, Obj]:
        """scaleReplicaSet: set spec.replicas and the replica annotations; event on a size change."""
        rs = self.latest(rs)
        d = self.d
        old_scale = du.replicas(rs)
        size_changed = old_scale != new_scale
        desired, maximum = du.replicas(d), du.replicas(d) + du.max_surge(d)
        if not size_changed and not du.replicas_annotations_need_update(rs, desired, maximum):
            return False, rs
        copy = clone(rs)
        copy["spec"]["replicas"] = new_scale
        du.set_replicas_annotations(copy, desired, maximum)
        updated = self._replace(self.store.update(copy))
        if size_changed:
            op = "up" if old_scale < new_scale else "down"
            self.event("Normal", "ScalingReplicaSet",
                       f"Scaled {op} replica set {rs['metadata']['name']} from {old_scale} to {new_scale}")
        return size_changed, updated

    def scale_rs_and_record(self, rs: Obj, new_scale: int) -> tuple[bool, Obj]:
        """scaleReplicaSetAndRecordEvent: nothing to do when the size is already right."""
        rs = self.latest(rs)
        if du.replicas(rs) == new_scale:
            return False, rs
        return self.scale_rs(rs, new_scale)

    def scale(self, new_rs: Obj | None, old_rss: list[Obj]) -> None:
        """scale: resize on a scaling event, proportionally across active RSs mid-rollout."""
        d = self.d
        want = du.replicas(d)
        target = du.find_active_or_latest(new_rs, old_rss)
        if target is not None:
            if du.replicas(self.latest(target)) != want:
                self.scale_rs_and_record(target, want)
            return
        if du.is_saturated(d, new_rs):
            for old in du.filter_active(old_rss):
                self.scale_rs_and_record(old, 0)
            return
        if not du.is_rolling_update(d):
            return
        all_rss = du.filter_active([*old_rss, new_rs])
        allowed = want + du.max_surge(d) if want > 0 else 0
        to_add = allowed - du.spec_replica_count(all_rss)
        if to_add > 0:
            all_rss = du.sort_by_size_newer(all_rss)
        elif to_add < 0:
            all_rss = du.sort_by_size_older(all_rss)
        added = 0
        sizes: dict[str, int] = {}
        for rs in all_rss:
            name = rs["metadata"]["name"]
            if to_add != 0:
                share = du.get_proportion(rs, d, to_add, added)
                sizes[name] = du.replicas(rs) + share
                added += share
            else:
                sizes[name] = du.replicas(rs)
        for i, rs in enumerate(all_rss):
            name = rs["metadata"]["name"]
            if i == 0 and to_add != 0:
                sizes[name] = max(0, sizes[name] + to_add - added)  # leftovers go to the largest
            self.scale_rs(rs, sizes[name])

    def is_scaling_event(self) -> bool:
        """An active RS records a desired-replicas other than spec.replicas."""
        new_rs, old_rss = self.get_all_rss_and_sync_revision(create=False)
        for rs in du.filter_active([*old_rss, new_rs]):
            desired = du.desired_replicas_annotation(self.latest(rs))
            if desired is not None and desired != du.replicas(self.d):
                return True
        return False

    # ---- cleanup, pause, status -------------------------------------------------------

    def cleanup(self, old_rss: list[Obj]) -> None:
        """cleanupDeployment: delete the oldest idle RSs beyond revisionHistoryLimit."""
        d = self.d
        if not du.has_revision_history_limit(d):
            return
        cleanable = [rs for rs in old_rss if not rs["metadata"].get("deletionTimestamp")]
        diff = len(cleanable) - int(d["spec"]["revisionHistoryLimit"])
        if diff <= 0:
            return
        for rs in du.sort_by_revision(cleanable)[:diff]:
            rs = self.latest(rs)
            observed = int((rs.get("status") or {}).get("observedGeneration") or 0)
            if (du.status_int(rs, "replicas") != 0 or du.replicas(rs) != 0
                    or int(rs["metadata"].get("generation") or 0) > observed
                    or rs["metadata"].get("deletionTimestamp")):
                continue
            try:
                self.store.delete("ReplicaSet", rs["metadata"]["namespace"], rs["metadata"]["name"])
            except NotFound:
                pass
            self.rs_list = [r for r in self.rs_list if r["metadata"]["uid"] != rs["metadata"]["uid"]]

    def check_paused_conditions(self) -> None:
        """Progressing Unknown DeploymentPaused / DeploymentResumed around a pause."""
        d = self.d
        if not du.has_progress_deadline(d):
            return
        status = d.setdefault("status", {})
        cond = ds.get_condition(status, "Progressing")
        if cond is not None and cond.get("reason") == du.REASON_TIMED_OUT:
            return
        paused_cond = cond is not None and cond.get("reason") == du.REASON_PAUSED
        paused = bool(d["spec"].get("paused"))
        now = self.clock.now()
        if paused and not paused_cond:
            ds.set_condition(status, ds.new_condition(
                "Progressing", "Unknown", du.REASON_PAUSED, "Deployment is paused", now))
        elif not paused and paused_cond:
            ds.set_condition(status, ds.new_condition(
                "Progressing", "Unknown", du.REASON_RESUMED, "Deployment is resumed", now))
        else:
            return
        self.write_deployment(status=True)

    def sync_deployment_status(self, all_rss: list[Obj | None], new_rs: Obj | None) -> None:
        """syncDeploymentStatus: counts and Available, no progress estimation."""
        status = ds.calculate_status(self._fresh(all_rss), self._fresh_one(new_rs), self.d, self.clock.now())
        if status != (self.d.get("status") or {}):
            self.d["status"] = status
            self.write_deployment(status=True)

    def sync_rollout_status(self, all_rss: list[Obj | None], new_rs: Obj | None) -> float | None:
        """syncRolloutStatus: status with progress estimation; returns the deadline requeue."""
        now = self.clock.now()
        status = ds.rollout_status(self._fresh(all_rss), self._fresh_one(new_rs), self.d, now)
        if status != (self.d.get("status") or {}):
            self.d["status"] = status
            self.write_deployment(status=True)
        return ds.requeue_after(self.d, status, now)

    def _fresh_one(self, rs: Obj | None) -> Obj | None:
        return None if rs is None else self.latest(rs)

    def _fresh(self, rss: list[Obj | None]) -> list[Obj | None]:
        return [self._fresh_one(rs) for rs in rss]


def _set_min_ready(spec: Obj, seconds: int) -> None:
    """minReadySeconds is omitempty in ReplicaSetSpec: 0 is not written."""
    if seconds:
        spec["minReadySeconds"] = seconds
    else:
        spec.pop("minReadySeconds", None)
