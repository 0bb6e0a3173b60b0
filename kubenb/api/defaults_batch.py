"""Defaulting for batch/v1 Jobs and CronJobs (pkg/apis/batch/v1/defaults.go + the job strategy).

`default_job` is SetDefaults_Job plus the job registry strategy's generateSelector: unless
`spec.manualSelector` is true, the selector becomes `batch.kubernetes.io/controller-uid=<uid>`
and the template gets the controller-uid and job-name labels (both the
`batch.kubernetes.io/` and the legacy unprefixed keys). The store assigns the uid before
admission, so it is known here, as it is in upstream's strategy.Validate.
`default_cronjob` is SetDefaults_CronJob, and its jobTemplate gets the Job spec defaults
without a selector (the controller's Jobs get theirs when they are created).
Called from defaults.apply_defaults; validation_batch.py comes next.
"""

from __future__ import annotations

from kubenb.api.defaults_pod import default_pod_spec
from kubenb.api.objects import Obj

CONTROLLER_UID = "batch.kubernetes.io/controller-uid"
JOB_NAME = "batch.kubernetes.io/job-name"
LEGACY_CONTROLLER_UID = "controller-uid"
LEGACY_JOB_NAME = "job-name"
MAX_INT32 = 2**31 - 1


def default_job_spec(spec: Obj) -> None:
    """SetDefaults_Job for one spec (a Job's or a CronJob's jobTemplate's)."""
    if spec.get("completions") is None and spec.get("parallelism") is None:
        spec["completions"] = 1
        spec["parallelism"] = 1
    if spec.get("parallelism") is None:
        spec["parallelism"] = 1
    if spec.get("backoffLimit") is None:
        spec["backoffLimit"] = MAX_INT32 if spec.get("backoffLimitPerIndex") is not None else 6
    if not spec.get("completionMode"):
        spec["completionMode"] = "NonIndexed"
    if spec.get("suspend") is None:
        spec["suspend"] = False
    if spec.get("manualSelector") is None:
        spec["manualSelector"] = False
    if spec.get("podReplacementPolicy") is None:
        spec["podReplacementPolicy"] = "Failed" if spec.get("podFailurePolicy") else "TerminatingOrFailed"
    for rule in (spec.get("podFailurePolicy") or {}).get("rules") or []:
        for pattern in (rule or {}).get("onPodConditions") or []:
            if isinstance(pattern, dict) and not pattern.get("status"):
                pattern["status"] = "True"
    template = spec.get("template")
    if isinstance(template, dict):
        default_pod_spec(template.setdefault("spec", {}))


def _generate_selector(job: Obj) -> None:
    meta, spec = job["metadata"], job["spec"]
    uid, name = meta.get("uid"), meta.get("name")
    if not uid or spec.get("manualSelector") is True or spec.get("selector") is not None:
        return
    template = spec.setdefault("template", {})
    tmeta = template.setdefault("metadata", {})
    labels = tmeta.get("labels") if isinstance(tmeta.get("labels"), dict) else {}
    labels = {**labels}
    for key, value in ((CONTROLLER_UID, uid), (JOB_NAME, name),
                       (LEGACY_CONTROLLER_UID, uid), (LEGACY_JOB_NAME, name)):
        labels.setdefault(key, value)
    tmeta["labels"] = labels
    spec["selector"] = {"matchLabels": {CONTROLLER_UID: uid}}


def default_job(job: Obj) -> None:
    spec = job.setdefault("spec", {})
    if isinstance(spec, dict):
        default_job_spec(spec)
        _generate_selector(job)
    job.setdefault("metadata", {})
    if not isinstance(job.get("status"), dict):
        job["status"] = {}


def default_cronjob(cj: Obj) -> None:
    spec = cj.setdefault("spec", {})
    if not isinstance(spec, dict):
        return
    if not spec.get("concurrencyPolicy"):
        spec["concurrencyPolicy"] = "Allow"
    if spec.get("suspend") is None:
        spec["suspend"] = False
    if spec.get("successfulJobsHistoryLimit") is None:
        spec["successfulJobsHistoryLimit"] = 3
    if spec.get("failedJobsHistoryLimit") is None:
        spec["failedJobsHistoryLimit"] = 1
    job_spec = (spec.get("jobTemplate") or {}).get("spec")
    if isinstance(job_spec, dict):
        template = job_spec.get("template")
        if isinstance(template, dict):
            default_pod_spec(template.setdefault("spec", {}))
    if not isinstance(cj.get("status"), dict):
        cj["status"] = {}
