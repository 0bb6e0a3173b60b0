"""Workloads and HorizontalPodAutoscalers → the `workload` and `hpa` records of the
ClusterView protocol (labextension/PROTOCOL.md §2).

Pure functions, like `records.py`: a workload (Job, CronJob, DaemonSet, StatefulSet,
ReplicationController, or a ReplicaSet without a Deployment) with its pod count, colour and
HPA becomes one legend entry; the summary text reuses the cells `kubectl get` prints
(`kubenb.api.tables`), so legend and table agree. `hpa_text` is the one line the HTML
snapshot and the matplotlib figure print beside the HPA's target (the front end formats
the same way in layout.ts).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from kubenb.api.tables.rows_apps import replicaset_row, statefulset_row
from kubenb.api.tables.rows_autoscaling import format_hpa_metrics
from kubenb.api.tables.rows_batch import cronjob_row, job_row
from kubenb.api.tables.rows_daemon import replicationcontroller_row

from .owners import workload_key, workload_label

Record = dict[str, Any]
# The rows' time-dependent cells (AGE, DURATION) are not used: any instant will do.
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def workload_summary(obj: Mapping[str, Any]) -> str:
    """What the legend says about a workload, in kubectl's words: `Complete 1/1` (STATUS,
    COMPLETIONS), `*/1 * * * *, 1 active`, `3/3 ready` (READY, or READY/DESIRED)."""
    kind, o = obj.get("kind"), dict(obj)
    if kind == "Job":
        row = job_row(o, _EPOCH)
        return f"{row[1]} {row[2]}"
    if kind == "CronJob":
        row = cronjob_row(o, _EPOCH)
        text = f"{row[1]}, {row[4]} active"
        return text + (", suspended" if row[3] == "True" else "")
    if kind == "DaemonSet":
        status = obj.get("status") or {}
        return f"{status.get('numberReady', 0)}/{status.get('desiredNumberScheduled', 0)} ready"
    if kind == "StatefulSet":
        return f"{statefulset_row(o, _EPOCH)[1]} ready"
    row = (replicaset_row if kind == "ReplicaSet" else replicationcontroller_row)(o, _EPOCH)
    return f"{row[3]}/{row[1]} ready"


def hpa_record(hpa: Mapping[str, Any]) -> Record:
    """min/max replicas, current/desired replicas and the TARGETS cell of `kubectl get hpa`."""
    spec, status = hpa.get("spec") or {}, hpa.get("status") or {}
    return {
        "name": (hpa.get("metadata") or {}).get("name", ""),
        "min": spec.get("minReplicas", 1),
        "max": spec.get("maxReplicas", 0),
        "current": status.get("currentReplicas") or 0,
        "desired": status.get("desiredReplicas") or 0,
        "targets": format_hpa_metrics(spec.get("metrics") or [], status.get("currentMetrics") or []),
    }


def hpa_text(hpa: Mapping[str, Any] | None) -> str:
    """`hpa 2/3 of 1–10 (cpu: 45%/50%)`: current/desired replicas, min–max, targets."""
    if not hpa:
        return ""
    return (f"hpa {hpa['current']}/{hpa['desired']} of {hpa['min']}–{hpa['max']} "
            f"({hpa['targets']})")


def hpa_target(hpa: Mapping[str, Any]) -> str | None:
    """The workload key an HPA scales (`spec.scaleTargetRef`), or None."""
    ref = (hpa.get("spec") or {}).get("scaleTargetRef") or {}
    if not ref.get("kind") or not ref.get("name"):
        return None
    return workload_key(ref["kind"], (hpa.get("metadata") or {}).get("namespace", ""), ref["name"])


def workload_record(obj: Mapping[str, Any], pods: int, color: int,
                    hpa: Mapping[str, Any] | None) -> Record:
    """One legend entry; `pods`: the workload's pods in the view (any phase)."""
    meta = obj.get("metadata") or {}
    key = workload_key(str(obj.get("kind", "")), meta.get("namespace", ""), meta.get("name", ""))
    return {
        "key": key,
        "kind": obj.get("kind", ""),
        "name": meta.get("name", ""),
        "namespace": meta.get("namespace", ""),
        "label": workload_label(key),
        "color": color,
        "summary": workload_summary(obj),
        "pods": pods,
        "hpa": dict(hpa) if hpa else None,
    }
