"""The job controller: run pods to completion (Kubernetes pkg/controller/job, 1.32 semantics).

Watches Jobs (own key) and Pods (the Job controlling them). `reconcile` reads the Job and
the pods it owns, then, as syncJob does:

1. counts finished pods through the `batch.kubernetes.io/job-tracking` finalizer: a
   terminal pod still holding it goes into status.uncountedTerminatedPods (flushed), the
   finalizer is removed, and the pod moves into status.succeeded / status.failed (or is
   dropped when the podFailurePolicy says Ignore);
2. decides whether the Job is finished: a FailJob podFailurePolicy rule, failed >
   backoffLimit (BackoffLimitExceeded), activeDeadlineSeconds (DeadlineExceeded) give the
   interim FailureTarget condition; enough successes give SuccessCriteriaMet
   (CompletionsReached). Active pods are deleted; once none is terminating and nothing
   is uncounted, the terminal Failed / Complete condition follows, with the Warning event
   of the failure reason or `Completed`;
3. otherwise manages pods (manageJob): suspend deletes every active pod (condition
   Suspended), resume resets startTime; else it creates pods up to
   min(parallelism, completions - succeeded) — the lowest pending indexes for Indexed
   Jobs — after the failed-pod back-off (Timings.job_backoff_initial doubling per failure
   since the last success, capped at job_backoff_max), or deletes the extras.

Pods go to the scheduler and kubelets; finished Jobs go to the TTL controller
(controllers/ttlafterfinished.py) and the cronjob controller.

Deviations: no expectations (the store is read consistently); while a back-off delays a
pod creation status.active keeps counting the running pods (upstream reports 0 there);
no backoffLimitPerIndex, successPolicy or managedBy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from kubenb.api.errors import ApiError, NotFound
from kubenb.api.objects import Key, Obj, clone
from kubenb.api.pods import is_pod_active, is_pod_ready, owner_of
from kubenb.clock import parse_time, rfc3339
from kubenb.controllers import job_pods as jp
from kubenb.controllers.base import Controller, Watch, own_key, owner_keys
from kubenb.controllers.podcontrol import create_pod, delete_pod

BACKOFF_EXCEEDED = ("BackoffLimitExceeded", "Job has reached the specified backoff limit")
DEADLINE_EXCEEDED = ("DeadlineExceeded", "Job was active longer than specified deadline")
COMPLETIONS_REACHED = ("CompletionsReached", "Reached expected number of succeeded pods")


@dataclass
class _Backoff:
    """podBackoffStore's record: failures since the last success, and when the last one ended."""

    failures: int = 0
    last_failure: datetime | None = None
    seen: set[str] = field(default_factory=set)


def find_condition(job: Obj, ctype: str) -> Obj | None:
    return next((c for c in (job.get("status") or {}).get("conditions") or [] if c.get("type") == ctype), None)


def is_finished(job: Obj) -> bool:
    """IsJobFinished: a true Complete or Failed condition."""
    return any(c.get("type") in ("Complete", "Failed") and c.get("status") == "True"
               for c in (job.get("status") or {}).get("conditions") or [])


def _ensure_condition(conditions: list[Obj], ctype: str, status: str, reason: str, message: str,
                      now: str) -> bool:
    """ensureJobConditionStatus: append (if true) or update; True when something changed."""
    for c in conditions:
        if c.get("type") == ctype:
            if c.get("status") == status and c.get("reason") == reason and c.get("message") == message:
                return False
            if c.get("status") != status:
                c["lastTransitionTime"] = now
            c.update({"status": status, "reason": reason, "message": message, "lastProbeTime": now})
            return True
    if status == "True":
        conditions.append({"type": ctype, "status": status, "lastProbeTime": now,
                           "lastTransitionTime": now, "reason": reason, "message": message})
        return True
    return False


class JobController(Controller):
    name = "job-controller"

    def __init__(self, ctx: object) -> None:
        super().__init__(ctx)  # type: ignore[arg-type]
        self._backoff: dict[Key, _Backoff] = {}

    def watches(self) -> list[Watch]:
        return [Watch("Job", own_key),
                Watch("Pod", owner_keys("Job"), coalesce=self.ctx.timings.controller_coalesce)]

    # ---- reading ----------------------------------------------------------------------

    def _pods(self, job: Obj) -> list[Obj]:
        uid = job["metadata"]["uid"]
        return [p for p in self.store.dependents(uid)
                if p.get("kind") == "Pod" and (owner_of(p) or {}).get("uid") == uid]

    def _backoff_wait(self, key: Key, job: Obj, pods: list[Obj]) -> float:
        """Seconds before another pod may be created (getRemainingTime)."""
        rec = self._backoff.setdefault(key, _Backoff())
        now = self.clock.now()
        fresh = [p for p in pods if p["metadata"]["uid"] not in rec.seen
                 and ((p.get("status") or {}).get("phase") == "Succeeded" or jp.is_pod_failed(p, job))]
        for p in sorted(fresh, key=lambda p: jp.finish_time(p, now)):
            rec.seen.add(p["metadata"]["uid"])
            if (p.get("status") or {}).get("phase") == "Succeeded":
                rec.failures, rec.last_failure = 0, None
            else:
                rec.failures += 1
                t = jp.finish_time(p, now)
                rec.last_failure = t if rec.last_failure is None or t > rec.last_failure else rec.last_failure
        if rec.failures == 0 or rec.last_failure is None:
            return 0.0
        t = self.ctx.timings
        delay = min(t.job_backoff_initial * 2 ** (rec.failures - 1), t.job_backoff_max)
        return max(0.0, (rec.last_failure + timedelta(seconds=delay) - now).total_seconds())

    # ---- reconcile --------------------------------------------------------------------

    def reconcile(self, key: Key) -> float | None:
        stored = self.store.try_get("Job", key.namespace, key.name)
        if stored is None or is_finished(stored):
            self._backoff.pop(key, None)
            return None
        job = clone(stored)
        spec = job["spec"]
        status = job.setdefault("status", {})
        now = self.clock.now()
        stamp = rfc3339(now)
        pods = self._pods(job)
        active = [p for p in pods if is_pod_active(p)]
        terminating = sum(1 for p in pods if jp.is_pod_terminating(p))
        completions = spec.get("completions")
        indexed = spec.get("completionMode") == "Indexed"
        suspended = bool(spec.get("suspend"))
        uncounted = status.get("uncountedTerminatedPods") or {}
        unc_ok, unc_failed = list(uncounted.get("succeeded") or []), list(uncounted.get("failed") or [])
        if status.get("startTime") is None and not suspended:
            status["startTime"] = stamp
        again: float | None = None

        # 1. what finished, and how the podFailurePolicy judges it
        fail_message: str | None = None
        to_unfinalize: list[Obj] = []
        for p in pods:
            if jp.TRACKING_FINALIZER not in (p["metadata"].get("finalizers") or []):
                continue
            uid = p["metadata"]["uid"]
            if (p.get("status") or {}).get("phase") == "Succeeded":
                if uid not in unc_ok:
                    unc_ok.append(uid)
                to_unfinalize.append(p)
            elif jp.is_pod_failed(p, job):
                message, counts, _ = jp.match_pod_failure_policy(job, p)
                fail_message = fail_message or message
                if counts and uid not in unc_failed:
                    unc_failed.append(uid)
                to_unfinalize.append(p)
        succeeded = int(status.get("succeeded") or 0) + len(unc_ok)
        failed = int(status.get("failed") or 0) + len(unc_failed)
        done_indexes: set[int] = set()
        if indexed:
            done_indexes = jp.parse_indexes(status.get("completedIndexes"), int(completions or 0))
            done_indexes |= {i for p in pods if (p.get("status") or {}).get("phase") == "Succeeded"
                             for i in [jp.completion_index(p)] if i is not None and i < int(completions or 0)}
            succeeded = len(done_indexes)

        # 2. is it finished?
        conditions: list[Obj] = status.setdefault("conditions", [])
        finished: tuple[str, str, str] | None = None  # (interim type, reason, message)
        criteria = find_condition(job, "SuccessCriteriaMet") or find_condition(job, "FailureTarget")
        if criteria is not None and criteria.get("status") == "True":
            finished = (criteria["type"], criteria.get("reason", ""), criteria.get("message", ""))
        elif fail_message is not None:
            finished = ("FailureTarget", "PodFailurePolicy", fail_message)
        elif failed > int(spec.get("backoffLimit", 6)) or self._past_backoff_on_failure(job, pods):
            finished = ("FailureTarget", *BACKOFF_EXCEEDED)
        elif spec.get("activeDeadlineSeconds") is not None and not suspended and status.get("startTime"):
            left = (parse_time(status["startTime"]) + timedelta(seconds=spec["activeDeadlineSeconds"])
                    - now).total_seconds()
            if left <= 0:
                finished = ("FailureTarget", *DEADLINE_EXCEEDED)
            else:
                again = left

        if finished is not None:
            terminating += self._delete(job, active)
            active = []
        else:
            if not job["metadata"].get("deletionTimestamp"):
                active, terminating, wait = self._manage(key, job, pods, active, terminating, succeeded,
                                                         done_indexes)
                if wait is not None:
                    again = wait if again is None else min(again, wait)
            complete = (succeeded > 0 if completions is None else succeeded >= completions) and not active
            if complete:
                finished = ("SuccessCriteriaMet", *COMPLETIONS_REACHED)
            elif suspended:
                if _ensure_condition(conditions, "Suspended", "True", "JobSuspended", "Job suspended", stamp):
                    self.recorder.event(job, "Normal", "Suspended", "Job suspended")
            elif _ensure_condition(conditions, "Suspended", "False", "JobResumed", "Job resumed", stamp):
                self.recorder.event(job, "Normal", "Resumed", "Job resumed")
                status["startTime"] = stamp
        if finished is not None:
            _ensure_condition(conditions, finished[0], "True", finished[1], finished[2], stamp)

        # 3. flush uncounted pods, release their finalizers, count them
        status.update({"active": len(active), "ready": sum(1 for p in active if is_pod_ready(p)),
                       "terminating": terminating})
        if indexed:
            status["completedIndexes"] = jp.format_indexes(done_indexes)
        status["uncountedTerminatedPods"] = {k: v for k, v in (("succeeded", unc_ok), ("failed", unc_failed)) if v}
        job = self._write_status(stored, job)
        if to_unfinalize:
            for p in to_unfinalize:
                self._remove_finalizer(p)
            flushed = clone(job)
            status = flushed["status"]
            status["succeeded"] = int(status.get("succeeded") or 0) + len(unc_ok)
            status["failed"] = int(status.get("failed") or 0) + len(unc_failed)
            status["uncountedTerminatedPods"] = {}
            job = self._write_status(job, flushed)
        # 4. the terminal condition, once every pod is gone and counted
        if finished is not None and not status["uncountedTerminatedPods"] and not terminating:
            self._finish(job, finished, stamp)
            return None
        return again

    def _past_backoff_on_failure(self, job: Obj, pods: list[Obj]) -> bool:
        """pastBackoffLimitOnFailure: container restarts count for restartPolicy OnFailure."""
        tspec = (job["spec"].get("template") or {}).get("spec") or {}
        if tspec.get("restartPolicy") != "OnFailure":
            return False
        restarts = sum(int(c.get("restartCount") or 0)
                       for p in pods if (p.get("status") or {}).get("phase") in ("Running", "Pending")
                       for c in ((p.get("status") or {}).get("initContainerStatuses") or [])
                       + ((p.get("status") or {}).get("containerStatuses") or []))
        limit = int(job["spec"].get("backoffLimit", 6))
        return restarts > 0 if limit == 0 else restarts >= limit

    def _manage(self, key: Key, job: Obj, pods: list[Obj], active: list[Obj], terminating: int,
                succeeded: int, done_indexes: set[int]) -> tuple[list[Obj], int, float | None]:
        """manageJob: returns (active pods, terminating count, seconds to look again)."""
        spec = job["spec"]
        if spec.get("suspend"):
            return [], terminating + self._delete(job, active), None
        parallelism = int(spec.get("parallelism", 1))
        completions = spec.get("completions")
        if completions is None:
            want = len(active) if succeeded > 0 else parallelism
        else:
            want = max(0, min(parallelism, int(completions) - succeeded))
        if len(active) > want:
            victims = sorted(active, key=lambda p: (bool(p["spec"].get("nodeName")), is_pod_ready(p),
                                                    p["metadata"].get("creationTimestamp", "")), reverse=False)
            gone = victims[:len(active) - want]
            return [p for p in active if p not in gone], terminating + self._delete(job, gone), None
        if spec.get("podReplacementPolicy") == "Failed":
            want -= terminating
        diff = want - len(active)
        if diff <= 0:
            return active, terminating, None
        wait = self._backoff_wait(key, job, pods)
        if wait > 0:
            return active, terminating, wait
        indexes: list[int | None] = [None] * diff
        if spec.get("completionMode") == "Indexed":
            busy = {jp.completion_index(p) for p in active} | done_indexes
            indexes = [i for i in range(int(completions or 0)) if i not in busy][:diff]  # type: ignore[misc]
        created = list(active)
        for index in indexes:
            try:
                pod = create_pod(self.store, self.recorder, job, jp.pod_from_template(job, index))
            except ApiError:
                break
            assert pod is not None
            created.append(pod)
        return created, terminating, None

    # ---- writes -----------------------------------------------------------------------

    def _delete(self, job: Obj, pods: list[Obj]) -> int:
        deleted = 0
        for p in pods:
            try:
                deleted += delete_pod(self.store, self.recorder, job, p)
            except ApiError:
                continue
        return deleted

    def _remove_finalizer(self, pod: Obj) -> None:
        fresh = self.store.try_get("Pod", pod["metadata"]["namespace"], pod["metadata"]["name"])
        if fresh is None or jp.TRACKING_FINALIZER not in (fresh["metadata"].get("finalizers") or []):
            return
        new = clone(fresh)
        new["metadata"]["finalizers"] = [f for f in new["metadata"]["finalizers"] if f != jp.TRACKING_FINALIZER]
        if not new["metadata"]["finalizers"]:
            del new["metadata"]["finalizers"]
        try:
            self.store.update(new)
        except NotFound:
            pass

    def _write_status(self, old: Obj, job: Obj) -> Obj:
        status = job["status"]
        if not status.get("conditions"):
            status.pop("conditions", None)
        for k in ("succeeded", "failed"):
            if not status.get(k):
                status.pop(k, None)
        if status == (old.get("status") or {}):
            return job
        return clone(self.store.update(job, subresource="status"))

    def _finish(self, job: Obj, finished: tuple[str, str, str], stamp: str) -> None:
        """enactJobFinished + recordJobFinished."""
        job = clone(job)
        conditions = job["status"].setdefault("conditions", [])
        if finished[0] == "SuccessCriteriaMet":
            _ensure_condition(conditions, "Complete", "True", finished[1], finished[2], stamp)
            job["status"]["completionTime"] = stamp
        else:
            _ensure_condition(conditions, "Failed", "True", finished[1], finished[2], stamp)
        self.store.update(job, subresource="status")
        if finished[0] == "SuccessCriteriaMet":
            self.recorder.event(job, "Normal", "Completed", "Job completed")
        else:
            self.recorder.event(job, "Warning", finished[1], finished[2])
