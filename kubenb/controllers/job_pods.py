"""Pod facts the job controller reads (pkg/controller/job: utils, indexed_job_utils, pod_failure_policy).

Pure functions over Kubernetes JSON: the pod a Job creates (`pod_from_template`, with the
tracking finalizer and, for Indexed Jobs, the completion index as annotation, label,
hostname and JOB_COMPLETION_INDEX env), whether a pod counts as failed (`is_pod_failed`),
how the podFailurePolicy judges it (`match_pod_failure_policy`), completion-index
interval strings (`parse_indexes` / `format_indexes`), and when a pod finished
(`finish_time`, for the failure back-off). controllers/job.py is the only caller.
"""

from __future__ import annotations

from datetime import datetime

from kubenb.api.objects import Obj, clone
from kubenb.api.pods import controller_ref
from kubenb.clock import parse_time

TRACKING_FINALIZER = "batch.kubernetes.io/job-tracking"
COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index"
INDEX_ENV = "JOB_COMPLETION_INDEX"


def completion_index(pod: Obj) -> int | None:
    """The pod's index annotation, None if absent or not a non-negative integer."""
    value = (pod["metadata"].get("annotations") or {}).get(COMPLETION_INDEX)
    if value is None or not str(value).isdigit():
        return None
    return int(value)


def _add_index_env(container: Obj) -> None:
    env = [e for e in container.get("env") or [] if e.get("name") != INDEX_ENV]
    env.append({"name": INDEX_ENV, "valueFrom": {"fieldRef": {
        "apiVersion": "v1", "fieldPath": f"metadata.annotations['{COMPLETION_INDEX}']"}}})
    container["env"] = env


def pod_from_template(job: Obj, index: int | None) -> Obj:
    """controller.GetPodFromTemplate plus the job controller's additions."""
    name = job["metadata"]["name"]
    template = job["spec"].get("template") or {}
    tmeta = template.get("metadata") or {}
    meta: Obj = {"generateName": f"{name}-" if index is None else f"{name}-{index}-",
                 "namespace": job["metadata"]["namespace"]}
    for field in ("labels", "annotations"):
        if tmeta.get(field):
            meta[field] = clone(tmeta[field])
    meta["finalizers"] = [*(tmeta.get("finalizers") or []), TRACKING_FINALIZER]
    meta["ownerReferences"] = [controller_ref(job)]
    spec = clone(template.get("spec") or {})
    if index is not None:
        meta["annotations"] = {**meta.get("annotations", {}), COMPLETION_INDEX: str(index)}
        meta["labels"] = {**meta.get("labels", {}), COMPLETION_INDEX: str(index)}
        spec["hostname"] = f"{name}-{index}"
        for key in ("initContainers", "containers"):
            for c in spec.get(key) or []:
                _add_index_env(c)
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}


def is_pod_failed(pod: Obj, job: Obj) -> bool:
    """isPodFailed: Failed, or (unless only failed pods are replaced) deleted before succeeding."""
    phase = (pod.get("status") or {}).get("phase")
    if phase == "Failed":
        return True
    if job["spec"].get("podReplacementPolicy") == "Failed":
        return False
    return bool(pod["metadata"].get("deletionTimestamp")) and phase != "Succeeded"


def is_pod_terminating(pod: Obj) -> bool:
    """controller.CountTerminatingPods: being deleted and not yet finished."""
    phase = (pod.get("status") or {}).get("phase")
    return bool(pod["metadata"].get("deletionTimestamp")) and phase not in ("Failed", "Succeeded")


def _exit_code_matches(rule: Obj, pod: Obj) -> tuple[str, int] | None:
    req = rule.get("onExitCodes") or {}
    values = set(req.get("values") or [])
    container_name = req.get("containerName")
    status = pod.get("status") or {}
    for c in (status.get("initContainerStatuses") or []) + (status.get("containerStatuses") or []):
        if container_name and c.get("name") != container_name:
            continue
        terminated = (c.get("state") or {}).get("terminated")
        if not terminated or not terminated.get("exitCode"):
            continue
        code = int(terminated["exitCode"])
        if (req.get("operator") == "In") == (code in values):
            return c.get("name", ""), code
    return None


def match_pod_failure_policy(job: Obj, pod: Obj) -> tuple[str | None, bool, str | None]:
    """(FailJob message or None, whether the failure counts, the matched action)."""
    policy = job["spec"].get("podFailurePolicy")
    if not policy:
        return None, True, None
    ns, name = pod["metadata"]["namespace"], pod["metadata"]["name"]
    for i, rule in enumerate(policy.get("rules") or []):
        action = rule.get("action")
        matched: str | None = None
        if rule.get("onExitCodes") is not None:
            found = _exit_code_matches(rule, pod)
            if found is not None:
                matched = (f"Container {found[0]} for pod {ns}/{name} failed with exit code {found[1]} "
                           f"matching {action} rule at index {i}")
        for pattern in rule.get("onPodConditions") or []:
            for cond in (pod.get("status") or {}).get("conditions") or []:
                if cond.get("type") == pattern.get("type") and cond.get("status") == pattern.get("status", "True"):
                    matched = f"Pod {ns}/{name} has condition {cond['type']} matching {action} rule at index {i}"
        if matched is None:
            continue
        if action == "FailJob":
            return matched, True, action
        if action == "Ignore":
            return None, False, action
        return None, True, action
    return None, True, None


def parse_indexes(text: str | None, completions: int) -> set[int]:
    """`1,3-5,7` → {1, 3, 4, 5, 7}, ignoring indexes outside [0, completions)."""
    out: set[int] = set()
    for part in (text or "").split(","):
        if not part:
            continue
        lo, _, hi = part.partition("-")
        if lo.isdigit() and (not hi or hi.isdigit()):
            out.update(i for i in range(int(lo), int(hi or lo) + 1) if i < completions)
    return out


def format_indexes(indexes: set[int]) -> str:
    """{1, 3, 4, 5, 7} → `1,3-5,7` (status.completedIndexes)."""
    parts: list[str] = []
    run: list[int] = []
    for i in sorted(indexes):
        if run and i == run[-1] + 1:
            run.append(i)
            continue
        if run:
            parts.append(str(run[0]) if len(run) == 1 else f"{run[0]}-{run[-1]}")
        run = [i]
    if run:
        parts.append(str(run[0]) if len(run) == 1 else f"{run[0]}-{run[-1]}")
    return ",".join(parts)


def finish_time(pod: Obj, fallback: datetime) -> datetime:
    """getFinishedTime: the last container termination, else the deletion time, else `fallback`."""
    latest: datetime | None = None
    status = pod.get("status") or {}
    for c in (status.get("initContainerStatuses") or []) + (status.get("containerStatuses") or []):
        finished = ((c.get("state") or {}).get("terminated") or {}).get("finishedAt")
        if finished:
            t = parse_time(finished)
            latest = t if latest is None or t > latest else latest
    if latest is not None:
        return latest
    deleted = pod["metadata"].get("deletionTimestamp")
    return parse_time(deleted) if deleted else fallback
