"""Validation of batch/v1 Jobs and CronJobs (create and update), in the API server's words.

Mirrors pkg/apis/batch/validation (ValidateJob, ValidateJobSpec, ValidateJobSpecUpdate,
ValidatePodTemplateSpecForJob, ValidateCronJobCreate/Update, validateScheduleFormat,
validateTimeZone). Schedules are parsed by api/cron.py, whose errors are robfig/cron's;
time zones by zoneinfo (Go's time.LoadLocation reads the same tz database). Registered in
validation._VALIDATORS.
"""

from __future__ import annotations

import zoneinfo
from typing import Any

from kubenb.api import cron
from kubenb.api.errors import ErrorList
from kubenb.api.objects import Obj
from kubenb.api.validation_meta import (
    as_dict,
    as_list,
    name_is_dns_subdomain,
    selector_is_empty,
    selector_matches,
    validate_immutable,
    validate_label_selector,
    validate_nonnegative,
    validate_object_meta,
    validate_object_meta_update,
)
from kubenb.api.validation_pod import validate_pod_template_spec
from kubenb.api.validation_workload import invalid_template_labels, validate_template_restart

COMPLETION_MODES = ["NonIndexed", "Indexed"]
RESTART_POLICIES = ["OnFailure", "Never"]
CONCURRENCY_POLICIES = ["Allow", "Forbid", "Replace"]
POD_FAILURE_ACTIONS = ["Count", "FailIndex", "FailJob", "Ignore"]
EXIT_CODE_OPERATORS = ["In", "NotIn"]
POD_REPLACEMENT_POLICIES = ["Failed", "TerminatingOrFailed"]
MAX_COMPLETIONS_INDEXED = 100_000
CRONJOB_NAME_MAX = 52  # 63 minus the 11-character "-<minutes>" suffix of its Jobs


def _validate_template_for_job(errs: ErrorList, template: Any, path: str) -> None:
    validate_pod_template_spec(errs, template, path)
    validate_template_restart(errs, as_dict(as_dict(template).get("spec")), path, RESTART_POLICIES)


def _validate_pod_failure_policy(errs: ErrorList, spec: Obj, path: str) -> None:
    policy = spec.get("podFailurePolicy")
    if policy is None:
        return
    restart = as_dict(as_dict(spec.get("template")).get("spec")).get("restartPolicy")
    if restart != "Never":
        errs.invalid(f"{path}.template.spec.restartPolicy", restart or "",
                     'only "Never" is supported when podFailurePolicy is specified')
    for i, rule in enumerate(as_list(as_dict(policy).get("rules"))):
        rpath = f"{path}.podFailurePolicy.rules[{i}]"
        rule = as_dict(rule)
        if rule.get("action") not in POD_FAILURE_ACTIONS:
            errs.not_supported(f"{rpath}.action", rule.get("action") or "", POD_FAILURE_ACTIONS)
        on_codes, on_conds = rule.get("onExitCodes"), rule.get("onPodConditions")
        if on_codes is None and on_conds is None:
            errs.invalid(rpath, "", "specifying one of OnExitCodes and OnPodConditions is required")
        if on_codes is not None:
            codes = as_dict(on_codes)
            if codes.get("operator") not in EXIT_CODE_OPERATORS:
                errs.not_supported(f"{rpath}.onExitCodes.operator", codes.get("operator") or "",
                                   EXIT_CODE_OPERATORS)
            values = as_list(codes.get("values"))
            if not values:
                errs.required(f"{rpath}.onExitCodes.values", "at least one value is required")
            for j, v in enumerate(values):
                if codes.get("operator") == "In" and v == 0:
                    errs.invalid(f"{rpath}.onExitCodes.values[{j}]", 0,
                                 "must not be 0 for the In operator")
                if j and values[j - 1] >= v:
                    errs.invalid(f"{rpath}.onExitCodes.values[{j}]", v, "must be ordered")


def validate_job_spec(errs: ErrorList, spec: Any, path: str = "spec", *, selector: bool = True) -> None:
    """ValidateJobSpec (selector=False: a CronJob's jobTemplate, which has none yet)."""
    spec = as_dict(spec)
    for key in ("parallelism", "completions", "activeDeadlineSeconds", "backoffLimit",
                "ttlSecondsAfterFinished"):
        if spec.get(key) is not None:
            validate_nonnegative(errs, spec[key], f"{path}.{key}")
    mode = spec.get("completionMode")
    if mode is not None and mode not in COMPLETION_MODES:
        errs.not_supported(f"{path}.completionMode", mode, COMPLETION_MODES)
    if mode == "Indexed":
        if spec.get("completions") is None:
            errs.required(f"{path}.completions", "when completion mode is Indexed")
        elif spec["completions"] > MAX_COMPLETIONS_INDEXED:
            errs.invalid(f"{path}.completions", spec["completions"],
                         f"must be less than or equal to {MAX_COMPLETIONS_INDEXED} when completion mode is Indexed")
    _validate_pod_failure_policy(errs, spec, path)
    policy = spec.get("podReplacementPolicy")
    if policy is not None and policy not in POD_REPLACEMENT_POLICIES:
        errs.not_supported(f"{path}.podReplacementPolicy", policy, POD_REPLACEMENT_POLICIES)
    _validate_template_for_job(errs, spec.get("template"), f"{path}.template")
    if not selector:
        return
    sel = spec.get("selector")
    if sel is None:
        errs.required(f"{path}.selector")
        return
    validate_label_selector(errs, sel, f"{path}.selector")
    labels = as_dict(as_dict(spec.get("template")).get("metadata")).get("labels")
    if selector_is_empty(sel) or not selector_matches(sel, labels):
        invalid_template_labels(errs, f"{path}.template", labels)


def _validate_job_spec_update(errs: ErrorList, new: Obj, old: Obj, path: str = "spec") -> None:
    validate_job_spec(errs, new, path)
    indexed = new.get("completionMode") == "Indexed"
    if new.get("completions") != old.get("completions"):
        if indexed and old.get("completionMode") == "Indexed":
            if new.get("completions") != new.get("parallelism"):
                errs.invalid(f"{path}.completions", new.get("completions"),
                             "can only be modified in tandem with spec.parallelism")
        else:
            validate_immutable(errs, new.get("completions"), old.get("completions"), f"{path}.completions")
    validate_immutable(errs, new.get("selector"), old.get("selector"), f"{path}.selector")
    validate_immutable(errs, new.get("template"), old.get("template"), f"{path}.template")
    validate_immutable(errs, new.get("completionMode"), old.get("completionMode"), f"{path}.completionMode")
    validate_immutable(errs, new.get("podFailurePolicy"), old.get("podFailurePolicy"), f"{path}.podFailurePolicy")


def validate_job(errs: ErrorList, obj: Obj, old: Obj | None) -> None:
    if old is None:
        validate_object_meta(errs, obj.get("metadata"), True, name_is_dns_subdomain)
        validate_job_spec(errs, obj.get("spec"))
        return
    validate_object_meta_update(errs, obj.get("metadata"), old.get("metadata"))
    _validate_job_spec_update(errs, as_dict(obj.get("spec")), as_dict(old.get("spec")))


def _validate_schedule(errs: ErrorList, spec: Obj, path: str, allow_tz: bool) -> None:
    schedule = spec.get("schedule")
    if not schedule:
        errs.required(f"{path}.schedule")
        return
    message = cron.parse_errors(schedule)
    if message is not None:
        errs.invalid(f"{path}.schedule", schedule, message)
    if "TZ" in schedule:
        if allow_tz and spec.get("timeZone") is not None:
            errs.invalid(f"{path}.schedule", schedule, "cannot use both timeZone field and TZ or CRON_TZ in schedule")
        elif not allow_tz:
            errs.invalid(f"{path}.schedule", schedule,
                         "cannot use TZ or CRON_TZ in schedule, use timeZone field instead")


def time_zone_error(tz: str) -> str | None:
    """Go's time.LoadLocation error for `tz` (validateTimeZone), None if it loads."""
    if tz.lower() == "local":
        return "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"
    if tz in ("", "UTC"):
        return None
    try:
        zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return f"unknown time zone {tz}"
    return None


def _validate_cronjob_spec(errs: ErrorList, spec: Any, allow_tz: bool, path: str = "spec") -> None:
    spec = as_dict(spec)
    _validate_schedule(errs, spec, path, allow_tz)
    if spec.get("startingDeadlineSeconds") is not None:
        validate_nonnegative(errs, spec["startingDeadlineSeconds"], f"{path}.startingDeadlineSeconds")
    policy = spec.get("concurrencyPolicy")
    if policy not in CONCURRENCY_POLICIES:
        if not policy:
            errs.required(f"{path}.concurrencyPolicy")
        else:
            errs.not_supported(f"{path}.concurrencyPolicy", policy, CONCURRENCY_POLICIES)
    tz = spec.get("timeZone")
    if tz is not None:
        message = time_zone_error(tz)
        if message is not None:
            errs.invalid(f"{path}.timeZone", tz, message)
    for key in ("successfulJobsHistoryLimit", "failedJobsHistoryLimit"):
        if spec.get(key) is not None:
            validate_nonnegative(errs, spec[key], f"{path}.{key}")
    job_spec = as_dict(as_dict(spec.get("jobTemplate")).get("spec"))
    validate_job_spec(errs, job_spec, f"{path}.jobTemplate.spec", selector=False)


def validate_cronjob(errs: ErrorList, obj: Obj, old: Obj | None) -> None:
    meta = as_dict(obj.get("metadata"))
    if old is None:
        validate_object_meta(errs, meta, True, name_is_dns_subdomain)
        name = meta.get("name") or ""
        if len(name) > CRONJOB_NAME_MAX:
            errs.invalid("metadata.name", name, f"must be no more than {CRONJOB_NAME_MAX} characters")
        _validate_cronjob_spec(errs, obj.get("spec"), allow_tz=False)
        return
    validate_object_meta_update(errs, meta, old.get("metadata"))
    old_schedule = as_dict(old.get("spec")).get("schedule") or ""
    _validate_cronjob_spec(errs, obj.get("spec"), allow_tz="TZ" in old_schedule)
