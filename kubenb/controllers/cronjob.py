"""The cronjob controller: create Jobs on a schedule (Kubernetes pkg/controller/cronjob, controller v2).

Watches CronJobs (own key) and Jobs (the CronJob controlling them). `reconcile` reads the
CronJob and its Jobs, then, as syncCronJob does: drops finished Jobs from status.active
(SawCompletedJob, lastSuccessfulTime), removes the oldest finished Jobs beyond the history
limits (SuccessfulDelete), and — unless suspended — finds the most recent missed schedule
time (api/cron.py, in spec.timeZone via zoneinfo) on the cluster clock. Past the
startingDeadlineSeconds it is a MissSchedule; under Forbid with an active Job it waits
(JobAlreadyActive); under Replace it deletes the active Jobs first; then it creates the Job
`<cronjob>-<scheduled minutes since the epoch>` with the
`batch.kubernetes.io/cronjob-scheduled-timestamp` annotation (SuccessfulCreate) and
records status.lastScheduleTime. It returns the seconds until the next schedule, so the
work queue (on the cluster clock) wakes it then: on a VirtualClock an hourly CronJob runs
in milliseconds. The Jobs go to controllers/job.py.

A CronJob annotated `kubenb.io/schedule-speedup: "N"` (kubenb's own; real clusters ignore it)
has its schedule read on a clock that runs N times faster from the CronJob's creation — an
hourly schedule fires every 3600/N seconds — for lessons that show a schedule at work. Its
Jobs are named and annotated with those scheduled times (an hourly CronJob's Jobs stay one
hour apart), and `lastScheduleTime` records the cluster time it acted, so LAST SCHEDULE reads
as on any cluster.

Deviations: no informer resync; the "too many missed start times" warning is an Event
only (upstream also logs it).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from kubenb.api import cron
from kubenb.api.errors import AlreadyExists, ApiError, NotFound
from kubenb.api.objects import Key, Obj, clone
from kubenb.api.pods import controller_ref, owner_of
from kubenb.clock import parse_time, rfc3339
from kubenb.controllers.base import Controller, Watch, own_key, owner_keys
from kubenb.controllers.job import find_condition

SCHEDULED_TIMESTAMP = "batch.kubernetes.io/cronjob-scheduled-timestamp"
SPEEDUP = "kubenb.io/schedule-speedup"
NEXT_SCHEDULE_DELTA = 0.1  # upstream adds 100 ms to the wait so it wakes after the minute
TOO_MANY_MISSED = 100


def job_finished(job: Obj) -> tuple[bool, str]:
    """(finished, "Complete" | "Failed" | "")."""
    for ctype in ("Complete", "Failed"):
        c = find_condition(job, ctype)
        if c is not None and c.get("status") == "True":
            return True, ctype
    return False, ""


def _zone(cj: Obj, sched: cron.Schedule) -> timezone | ZoneInfo:
    name = cj["spec"].get("timeZone") or sched.tz
    if name:
        try:
            return ZoneInfo(name)
        except (KeyError, ValueError, OSError):
            pass
    return timezone.utc


def most_recent_schedule(cj: Obj, sched: cron.Schedule, now: datetime,
                         to_cron: Callable[[datetime], datetime] = lambda t: t,
                         ) -> tuple[datetime | None, int]:
    """mostRecentScheduleTime: (latest missed time <= now or None, how many were missed).
    `to_cron` turns the CronJob's recorded cluster times into schedule-clock times."""
    tz = _zone(cj, sched)
    meta, status = cj["metadata"], cj.get("status") or {}
    earliest = to_cron(parse_time(status["lastScheduleTime"]) if status.get("lastScheduleTime")
                       else parse_time(meta["creationTimestamp"]))
    deadline = cj["spec"].get("startingDeadlineSeconds")
    if deadline is not None:
        earliest = max(earliest, now - timedelta(seconds=int(deadline)))
    latest, missed = None, 0
    t = sched.next(earliest.astimezone(tz))
    while t is not None and t <= now:
        latest, missed = t, missed + 1
        if missed > TOO_MANY_MISSED:
            break
        t = sched.next(t)
    return latest, missed


class CronJobController(Controller):
    name = "cronjob-controller"

    @staticmethod
    def speedup(cj: Obj) -> float:
        """The annotation's N (1 without it, or when it is not a number from 1 to 10^6)."""
        value = ((cj["metadata"].get("annotations") or {}).get(SPEEDUP) or "").strip()
        try:
            n = float(value)
        except ValueError:
            return 1.0
        return n if 1 <= n <= 1_000_000 else 1.0

    def to_cron(self, cj: Obj, t: datetime) -> datetime:
        """A cluster time on the CronJob's schedule clock (the same time without a speedup)."""
        n = self.speedup(cj)
        if n == 1:
            return t
        start = parse_time(cj["metadata"]["creationTimestamp"])
        return start + (t - start) * n

    def to_cluster(self, cj: Obj, t: datetime) -> datetime:
        """A schedule-clock time as cluster time, rounded up to the second it is recorded in."""
        n = self.speedup(cj)
        if n == 1:
            return t
        start = parse_time(cj["metadata"]["creationTimestamp"])
        real = start + (t - start) / n
        return datetime.fromtimestamp(math.ceil(real.timestamp()), tz=timezone.utc)

    def watches(self) -> list[Watch]:
        return [Watch("CronJob", own_key), Watch("Job", owner_keys("CronJob"))]

    def _jobs(self, cj: Obj) -> list[Obj]:
        uid = cj["metadata"]["uid"]
        return [j for j in self.store.dependents(uid)
                if j.get("kind") == "Job" and (owner_of(j) or {}).get("uid") == uid]

    def reconcile(self, key: Key) -> float | None:
        stored = self.store.try_get("CronJob", key.namespace, key.name)
        if stored is None or stored["metadata"].get("deletionTimestamp"):
            return None
        cj = clone(stored)
        status = cj.setdefault("status", {})
        jobs = self._jobs(cj)
        now = self.clock.now()
        self._track_active(cj, jobs)
        self._clean_history(cj, jobs)
        again = self._schedule(cj, jobs, now)
        for k in ("active",):
            if not status.get(k):
                status.pop(k, None)
        if status != (stored.get("status") or {}):
            self.store.update(cj, subresource="status")
        return again

    def _track_active(self, cj: Obj, jobs: list[Obj]) -> None:
        status = cj["status"]
        by_uid = {j["metadata"]["uid"]: j for j in jobs}
        active: list[Obj] = []
        for ref in status.get("active") or []:
            job = by_uid.get(ref.get("uid"))
            if job is None:
                continue  # gone: deleted by someone, or never seen
            finished, ctype = job_finished(job)
            if not finished:
                active.append(ref)
                continue
            self.recorder.event(cj, "Normal", "SawCompletedJob",
                                f"Saw completed job: {job['metadata']['name']}, condition: {ctype}")
        for job in jobs:
            finished, ctype = job_finished(job)
            if finished and ctype == "Complete":
                done = job["status"].get("completionTime")
                if done and (not status.get("lastSuccessfulTime") or done > status["lastSuccessfulTime"]):
                    status["lastSuccessfulTime"] = done
            elif not finished and not any(r.get("uid") == job["metadata"]["uid"] for r in active):
                active.append(_ref(job))
        status["active"] = active

    def _clean_history(self, cj: Obj, jobs: list[Obj]) -> None:
        spec = cj["spec"]
        for ctype, limit in (("Complete", spec.get("successfulJobsHistoryLimit")),
                             ("Failed", spec.get("failedJobsHistoryLimit"))):
            if limit is None:
                continue
            done = [j for j in jobs if job_finished(j) == (True, ctype)]
            done.sort(key=lambda j: (j["status"].get("startTime") or j["metadata"]["creationTimestamp"],
                                     j["metadata"]["name"]))
            for job in done[:max(0, len(done) - int(limit))]:
                self._delete_job(cj, job)

    def _delete_job(self, cj: Obj, job: Obj) -> bool:
        name = job["metadata"]["name"]
        try:
            self.store.delete("Job", job["metadata"]["namespace"], name, propagation="Background")
        except NotFound:
            return True
        except ApiError as err:
            self.recorder.event(cj, "Warning", "FailedDelete", f"Deleted job: {err}")
            return False
        self.recorder.event(cj, "Normal", "SuccessfulDelete", f"Deleted job {name}")
        return True

    def _schedule(self, cj: Obj, jobs: list[Obj], now: datetime) -> float | None:
        spec, status = cj["spec"], cj["status"]
        try:
            sched = cron.parse(spec.get("schedule") or "")
        except cron.CronError as err:
            self.recorder.event(cj, "Warning", "UnparseableSchedule", f"unparseable schedule: {spec.get('schedule')!r} : {err}")
            return None
        if spec.get("suspend"):
            return None
        speed = self.speedup(cj)
        now = self.to_cron(cj, now)
        scheduled, missed = most_recent_schedule(cj, sched, now, lambda t: self.to_cron(cj, t))
        if missed > TOO_MANY_MISSED:
            self.recorder.event(cj, "Warning", "TooManyMissedTimes",
                                "too many missed start times. Set or decrease .spec.startingDeadlineSeconds "
                                "or check clock skew")
        nxt = sched.next(now.astimezone(_zone(cj, sched)))
        again = None if nxt is None else (nxt - now).total_seconds() / speed + NEXT_SCHEDULE_DELTA
        if scheduled is None:
            return again
        utc = scheduled.astimezone(timezone.utc)
        if status.get("lastScheduleTime") and self.to_cron(cj, parse_time(status["lastScheduleTime"])) >= utc:
            return again
        deadline = spec.get("startingDeadlineSeconds")
        if deadline is not None and utc + timedelta(seconds=int(deadline)) < now:
            self.recorder.event(cj, "Warning", "MissSchedule",
                                f"Missed scheduled time to start a job: {utc.strftime('%a, %d %b %Y %H:%M:%S +0000')}")
            return again
        active = status.get("active") or []
        policy = spec.get("concurrencyPolicy", "Allow")
        if policy == "Forbid" and active:
            self.recorder.event(cj, "Normal", "JobAlreadyActive",
                                "Not starting job because prior execution is running and concurrency policy is Forbid")
            return again
        if policy == "Replace":
            for ref in list(active):
                job = self.store.try_get("Job", cj["metadata"]["namespace"], ref["name"])
                if job is not None and self._delete_job(cj, job):
                    active.remove(ref)
        job = self._job_from_template(cj, utc)
        try:
            created = self.store.create(job, adopt=True)
        except AlreadyExists:
            status["lastScheduleTime"] = rfc3339(self.to_cluster(cj, utc))
            return again
        except ApiError as err:
            self.recorder.event(cj, "Warning", "FailedCreate", f"Error creating job: {err}")
            return again
        self.recorder.event(cj, "Normal", "SuccessfulCreate", f"Created job {created['metadata']['name']}")
        status["active"] = [*active, _ref(created)]
        status["lastScheduleTime"] = rfc3339(self.to_cluster(cj, utc))
        return again

    def _job_from_template(self, cj: Obj, scheduled: datetime) -> Obj:
        """getJobFromTemplate2."""
        template = cj["spec"].get("jobTemplate") or {}
        tmeta = template.get("metadata") or {}
        name = f"{cj['metadata']['name']}-{int(scheduled.timestamp()) // 60}"
        meta: Obj = {"name": name, "namespace": cj["metadata"]["namespace"],
                     "labels": clone(tmeta.get("labels") or {}),
                     "annotations": {**clone(tmeta.get("annotations") or {}),
                                     SCHEDULED_TIMESTAMP: scheduled.strftime("%Y-%m-%dT%H:%M:%SZ")},
                     "ownerReferences": [controller_ref(cj)]}
        if not meta["labels"]:
            del meta["labels"]
        return {"apiVersion": "batch/v1", "kind": "Job", "metadata": meta,
                "spec": clone(template.get("spec") or {})}


def _ref(job: Obj) -> Obj:
    meta = job["metadata"]
    return {"kind": "Job", "namespace": meta["namespace"], "name": meta["name"], "uid": meta["uid"],
            "apiVersion": "batch/v1", "resourceVersion": meta.get("resourceVersion", "")}
