"""Row functions for batch/v1 Jobs and CronJobs (printers.go printJob, printCronJob, release-1.32).

Same contract as `rows_core.py`: every cell, wide ones included. Feeds `columns.table()`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .duration import age, human_timedelta, parse_time
from .model import container_cells, format_label_selector


def _has(conditions: list[dict[str, Any]], ctype: str) -> bool:
    return any(c.get("type") == ctype and c.get("status") == "True" for c in conditions)


def job_status(obj: dict[str, Any]) -> str:
    """The STATUS cell: Complete, Failed, Terminating, Suspended, FailureTarget, SuccessCriteriaMet, Running."""
    conditions = (obj.get("status") or {}).get("conditions") or []
    for ctype in ("Complete", "Failed"):
        if _has(conditions, ctype):
            return ctype
    if (obj.get("metadata") or {}).get("deletionTimestamp"):
        return "Terminating"
    for ctype in ("Suspended", "FailureTarget", "SuccessCriteriaMet"):
        if _has(conditions, ctype):
            return ctype
    return "Running"


def job_row(obj: dict[str, Any], now: datetime) -> list[str]:
    """NAME STATUS COMPLETIONS DURATION AGE CONTAINERS IMAGES SELECTOR."""
    meta, spec, status = obj.get("metadata") or {}, obj.get("spec") or {}, obj.get("status") or {}
    succeeded = status.get("succeeded", 0)
    if spec.get("completions") is not None:
        completions = f"{succeeded}/{spec['completions']}"
    elif spec.get("parallelism") is not None and spec["parallelism"] > 1:
        completions = f"{succeeded}/1 of {spec['parallelism']}"
    else:
        completions = f"{succeeded}/1"
    start, end = parse_time(status.get("startTime")), parse_time(status.get("completionTime"))
    duration = "" if start is None else human_timedelta((end or now) - start)
    names, images = container_cells(((spec.get("template") or {}).get("spec")) or {})
    return [meta.get("name", ""), job_status(obj), completions, duration,
            age(meta.get("creationTimestamp"), now), names, images, format_label_selector(spec.get("selector"))]


def cronjob_row(obj: dict[str, Any], now: datetime) -> list[str]:
    """NAME SCHEDULE TIMEZONE SUSPEND ACTIVE LAST SCHEDULE AGE CONTAINERS IMAGES SELECTOR."""
    meta, spec, status = obj.get("metadata") or {}, obj.get("spec") or {}, obj.get("status") or {}
    suspend = spec.get("suspend")
    job_spec = (spec.get("jobTemplate") or {}).get("spec") or {}
    names, images = container_cells(((job_spec.get("template") or {}).get("spec")) or {})
    last = status.get("lastScheduleTime")
    return [meta.get("name", ""), spec.get("schedule", ""), spec.get("timeZone") or "<none>",
            "<unset>" if suspend is None else str(bool(suspend)), str(len(status.get("active") or [])),
            age(last, now) if last else "<none>", age(meta.get("creationTimestamp"), now),
            names, images, format_label_selector(job_spec.get("selector"))]
