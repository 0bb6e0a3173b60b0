"""`kubectl describe job` and `kubectl describe cronjob` (describe.go JobDescriber,
CronJobDescriber).

Both read only the object and its events: a Job's pod counts come from its status, a
CronJob's active jobs from `status.active`. Optional spec fields appear only when set, a
CronJob's unset ones print `<unset>`. Fed by the CLI's describe command.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kubenb.api.tables.duration import human_timedelta, parse_time
from kubenb.api.tables.model import selector_string
from kubenb.cli.kubectl.describe.common import (
    annotations_multiline,
    controlled_by,
    labels_multiline,
)
from kubenb.cli.kubectl.describe.events import write_events
from kubenb.cli.kubectl.describe.pod import write_pod_template
from kubenb.cli.kubectl.describe.writer import (
    DEFAULT_KUBECTL_MINOR,
    DescribeWriter,
    go_bool,
    meta,
    rfc1123z,
    title_bool,
)

#: kubectl shortens `Completed Indexes` after the first comma past this many characters.
INDEXES_SOFT_LIMIT = 50


def cap_indexes(indexes: str | None, soft_limit: int = INDEXES_SOFT_LIMIT) -> str:
    """capIndexesListOrNone: `<none>`, the list, or the list cut after a comma plus `...`."""
    if not indexes:
        return "<none>"
    cut = indexes.find(",", soft_limit)
    return indexes if cut < 0 else indexes[:cut + 1] + "..."


def describe_job(
    job: dict[str, Any], events: list[dict[str, Any]] | None, now: datetime,
    *, kubectl_minor: int = DEFAULT_KUBECTL_MINOR,
) -> str:
    """`kubectl describe job` text."""
    m, spec, status = meta(job), job.get("spec") or {}, job.get("status") or {}
    w = DescribeWriter()
    w.write(0, f"Name:\t{m.get('name', '')}\n")
    w.write(0, f"Namespace:\t{m.get('namespace', '')}\n")
    w.write(0, f"Selector:\t{selector_string(spec.get('selector'))}\n")
    labels_multiline(w, "Labels", m.get("labels"))
    annotations_multiline(w, "Annotations", m.get("annotations"))
    controlled_by(w, job)
    if spec.get("parallelism") is not None:
        w.write(0, f"Parallelism:\t{spec['parallelism']}\n")
    completions = spec.get("completions")
    w.write(0, f"Completions:\t{'<unset>' if completions is None else completions}\n")
    if spec.get("completionMode") is not None:
        w.write(0, f"Completion Mode:\t{spec['completionMode']}\n")
    if spec.get("suspend") is not None:
        w.write(0, f"Suspend:\t{go_bool(spec['suspend'])}\n")
    if spec.get("backoffLimit") is not None:
        w.write(0, f"Backoff Limit:\t{spec['backoffLimit']}\n")
    if spec.get("ttlSecondsAfterFinished") is not None:
        w.write(0, f"TTL Seconds After Finished:\t{spec['ttlSecondsAfterFinished']}\n")
    start, done = status.get("startTime"), status.get("completionTime")
    if start:
        w.write(0, f"Start Time:\t{rfc1123z(start)}\n")
    if done:
        w.write(0, f"Completed At:\t{rfc1123z(done)}\n")
    if start and done:
        began, ended = parse_time(start), parse_time(done)
        assert began is not None and ended is not None
        w.write(0, f"Duration:\t{human_timedelta(ended - began)}\n")
    if spec.get("activeDeadlineSeconds") is not None:
        w.write(0, f"Active Deadline Seconds:\t{spec['activeDeadlineSeconds']}s\n")
    active, succeeded, failed = status.get("active", 0), status.get("succeeded", 0), status.get("failed", 0)
    if status.get("ready") is None:
        w.write(0, f"Pods Statuses:\t{active} Active / {succeeded} Succeeded / {failed} Failed\n")
    else:
        w.write(0, f"Pods Statuses:\t{active} Active ({status['ready']} Ready) / {succeeded} Succeeded / "
                   f"{failed} Failed\n")
    if spec.get("completionMode") == "Indexed":
        w.write(0, f"Completed Indexes:\t{cap_indexes(status.get('completedIndexes'))}\n")
    write_pod_template(w, spec.get("template") or {}, kubectl_minor)
    if events is not None:
        write_events(w, events, now, field_path_prefix=kubectl_minor >= 35)
    return w.render()


def _or_unset(value: Any, suffix: str = "") -> str:
    return "<unset>" if value is None else f"{value}{suffix}"


def _write_job_template(w: DescribeWriter, template: dict[str, Any], minor: int) -> None:
    """describeJobTemplate: selector, parallelism, completions, deadline, pod template."""
    spec = template.get("spec") or {}
    selector = spec.get("selector")
    w.write(0, f"Selector:\t{'<unset>' if selector is None else selector_string(selector)}\n")
    w.write(0, f"Parallelism:\t{_or_unset(spec.get('parallelism'))}\n")
    w.write(0, f"Completions:\t{_or_unset(spec.get('completions'))}\n")
    if spec.get("activeDeadlineSeconds") is not None:
        w.write(0, f"Active Deadline Seconds:\t{spec['activeDeadlineSeconds']}s\n")
    write_pod_template(w, spec.get("template") or {}, minor)


def describe_cronjob(
    cj: dict[str, Any], events: list[dict[str, Any]] | None, now: datetime,
    *, kubectl_minor: int = DEFAULT_KUBECTL_MINOR,
) -> str:
    """`kubectl describe cronjob` text."""
    m, spec, status = meta(cj), cj.get("spec") or {}, cj.get("status") or {}
    w = DescribeWriter()
    w.write(0, f"Name:\t{m.get('name', '')}\n")
    w.write(0, f"Namespace:\t{m.get('namespace', '')}\n")
    labels_multiline(w, "Labels", m.get("labels"))
    annotations_multiline(w, "Annotations", m.get("annotations"))
    w.write(0, f"Schedule:\t{spec.get('schedule', '')}\n")
    w.write(0, f"Concurrency Policy:\t{spec.get('concurrencyPolicy', '')}\n")
    suspend = spec.get("suspend")
    w.write(0, f"Suspend:\t{'<unset>' if suspend is None else title_bool(suspend)}\n")
    w.write(0, f"Successful Job History Limit:\t{_or_unset(spec.get('successfulJobsHistoryLimit'))}\n")
    w.write(0, f"Failed Job History Limit:\t{_or_unset(spec.get('failedJobsHistoryLimit'))}\n")
    w.write(0, f"Starting Deadline Seconds:\t{_or_unset(spec.get('startingDeadlineSeconds'), 's')}\n")
    _write_job_template(w, spec.get("jobTemplate") or {}, kubectl_minor)
    last = status.get("lastScheduleTime")
    w.write(0, f"Last Schedule Time:\t{rfc1123z(last) if last else '<unset>'}\n")
    w.write(0, "Active Jobs:\t")
    active = status.get("active") or []
    w.line(", ".join(ref.get("name", "") for ref in active) if active else "<none>")
    if events is not None:
        write_events(w, events, now, field_path_prefix=kubectl_minor >= 35)
    return w.render()
