"""Pod status as the kubelet reports it, from what the runtime says (pkg/kubelet/status).

`generate_pod_status()` is a pure function: the pod as stored, the runtime's sandbox and
containers for it (newest first), the pod worker's last start failures (the "reason
cache": ErrImagePull, CrashLoopBackOff …) and readiness → the `status` dict the API serves:
phase (getPhase), the kubelet's conditions in upstream order (PodReadyToStartContainers,
Initialized, Ready, ContainersReady, PodScheduled kept from the scheduler), host and pod IPs,
startTime, containerStatuses/initContainerStatuses with state and lastState. Native sidecars
(init containers with `restartPolicy: Always`) count as initialized once started, are Ready by
their readiness, join ContainersReady, and never decide the phase by their exit code (1.32
getPhase); `view.failed` fails the whole pod (activeDeadlineSeconds). A condition's
lastTransitionTime moves only when its status changes. podworker.py writes the result
when it differs from what is stored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kubenb.api.objects import stamp
from kubenb.node.runtime.base import ContainerStatus, SandboxStatus

KUBELET_CONDITIONS = ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady",
                      "PodScheduled")


@dataclass
class PodView:
    """What the kubelet knows about one pod besides the API object."""

    host_ip: str
    sandbox: SandboxStatus | None
    records: list[ContainerStatus]  # this pod's containers, newest first
    reasons: dict[str, tuple[str, str]] = field(default_factory=dict)
    ready: dict[str, bool] = field(default_factory=dict)  # container id -> readiness
    terminal: bool = False  # no container will run again
    started: dict[str, bool] = field(default_factory=dict)  # container id -> startup probe passed
    failed: tuple[str, str] | None = None  # the pod failed as a whole: (reason, message)


def is_sidecar(container: dict[str, Any] | None) -> bool:
    """A native sidecar: an init container with `restartPolicy: Always`."""
    return bool(container) and (container or {}).get("restartPolicy") == "Always"


def should_restart(policy: str, exit_code: int | None) -> bool:
    return policy == "Always" or (policy == "OnFailure" and exit_code != 0)


def by_name(records: list[ContainerStatus]) -> dict[str, list[ContainerStatus]]:
    out: dict[str, list[ContainerStatus]] = {}
    for r in records:
        out.setdefault(r.name, []).append(r)
    return out


def _state(r: ContainerStatus, uri: Callable[[str], str]) -> dict[str, Any]:
    if r.state == "running":
        return {"running": {"startedAt": stamp(r.started_at or r.created_at)}}
    if r.state in ("exited", "unknown"):
        term: dict[str, Any] = {"exitCode": r.exit_code if r.exit_code is not None else 255,
                                "reason": r.reason or "Unknown"}
        if r.message:
            term["message"] = r.message
        term["startedAt"] = stamp(r.started_at) if r.started_at else None
        term["finishedAt"] = stamp(r.finished_at) if r.finished_at else None
        term["containerID"] = uri(r.id)
        return {"terminated": term}
    return {"waiting": {"reason": "ContainerCreating"}}


def _container_statuses(
    containers: list[dict[str, Any]],
    view: PodView,
    old: dict[str, dict[str, Any]],
    uri: Callable[[str], str],
    default_reason: str,
    init: bool,
) -> list[dict[str, Any]]:
    history = by_name(view.records)
    out = []
    for c in containers:
        name = c["name"]
        recs = history.get(name, [])
        st: dict[str, Any] = {"name": name, "state": {"waiting": {"reason": default_reason}},
                              "lastState": {}, "ready": False, "restartCount": 0,
                              "image": c.get("image", ""), "imageID": "", "started": False}
        if recs:
            latest = recs[0]
            st.update(state=_state(latest, uri), restartCount=latest.attempt, image=latest.image,
                      imageID=latest.image_id, containerID=uri(latest.id))
            if len(recs) > 1:
                st["lastState"] = _state(recs[1], uri)
            running = latest.state == "running"
            st["started"] = running and view.started.get(latest.id, True)
            if init and not is_sidecar(c):
                st["ready"] = latest.state == "exited" and latest.exit_code == 0
            else:
                st["ready"] = running and view.ready.get(latest.id, False)
        elif name in old:
            prev = old[name]
            st["restartCount"] = prev.get("restartCount", 0)
            st["lastState"] = prev.get("lastState") or {}
            if "running" in (prev.get("state") or {}) or "terminated" in (prev.get("state") or {}):
                st["lastState"] = {"terminated": {
                    "exitCode": 137, "reason": "ContainerStatusUnknown",
                    "message": "The container could not be located when the pod was terminated",
                    "startedAt": None, "finishedAt": None}}
                st["restartCount"] += 1
        reason = view.reasons.get(name)
        if reason is not None and not (recs and recs[0].state == "running") and not view.terminal:
            if "terminated" in st["state"]:
                st["lastState"] = st["state"]
            waiting = {"reason": reason[0]}
            if reason[1]:
                waiting["message"] = reason[1]
            st["state"] = {"waiting": waiting}
        out.append(st)
    return out


def pod_phase(pod: dict[str, Any], inits: list[dict[str, Any]], apps: list[dict[str, Any]],
              terminal: bool) -> str:
    """getPhase from pkg/kubelet/kubelet_pods.go (1.32, with native sidecars)."""
    spec = pod.get("spec") or {}
    policy = spec.get("restartPolicy") or "Always"
    sidecars = {c["name"] for c in spec.get("initContainers") or [] if is_sidecar(c)}
    pending_init = failed_init = pending_sidecars = 0
    running = waiting = stopped = succeeded = 0
    for s in inits:
        state, last = s["state"], s["lastState"].get("terminated")
        if s["name"] in sidecars:
            if "running" in state:
                running += 1
                pending_sidecars += not s.get("started")
            elif "waiting" in state and last is None:
                pending_sidecars += 1
            continue
        if "terminated" in state:
            failed_init += state["terminated"].get("exitCode") != 0
        elif "waiting" in state and last is not None:
            failed_init += last.get("exitCode") != 0
        else:
            pending_init += 1
    for s in apps:
        state = s["state"]
        if "running" in state:
            running += 1
        elif "terminated" in state:
            stopped += 1
            succeeded += state["terminated"].get("exitCode") == 0
        elif s["lastState"].get("terminated"):
            stopped += 1  # waiting to restart after it ran (upstream counts it as stopped)
        else:
            waiting += 1
    if failed_init and policy == "Never":
        return "Failed"
    if pending_init or pending_sidecars or waiting:
        return "Pending"
    if running:
        return "Running"
    if stopped:
        if terminal:
            return "Succeeded" if stopped == succeeded else "Failed"
        if policy == "Always":
            return "Running"
        if stopped == succeeded:
            return "Succeeded"
        return "Failed" if policy == "Never" else "Running"
    return "Pending"


def _condition(old: dict[str, dict[str, Any]], ctype: str, status: str, now: str,
               reason: str | None = None, message: str | None = None) -> dict[str, Any]:
    prev = old.get(ctype)
    since = prev["lastTransitionTime"] if prev and prev.get("status") == status else now
    c: dict[str, Any] = {"type": ctype, "status": status, "lastProbeTime": None,
                         "lastTransitionTime": since}
    if reason:
        c["reason"] = reason
    if message:
        c["message"] = message
    return c


def generate_pod_status(pod: dict[str, Any], view: PodView, uri: Callable[[str], str],
                        now: str) -> dict[str, Any]:
    spec = pod.get("spec") or {}
    old = pod.get("status") or {}
    old_conds = {c["type"]: c for c in old.get("conditions") or []}
    old_cs = {s["name"]: s for s in old.get("containerStatuses") or []}
    old_ics = {s["name"]: s for s in old.get("initContainerStatuses") or []}
    init_specs = spec.get("initContainers") or []
    sidecars = {c["name"] for c in init_specs if is_sidecar(c)}
    inits = _container_statuses(init_specs, view, old_ics, uri, "PodInitializing", True)
    app_names = {c["name"] for c in spec.get("containers") or []}
    app_ran = any(r.name in app_names for r in view.records)
    pending_init = [s["name"] for s in inits if not app_ran and not (
        s["started"] if s["name"] in sidecars else s["ready"])]
    apps = _container_statuses(spec.get("containers") or [], view, old_cs, uri,
                               "PodInitializing" if pending_init else "ContainerCreating", False)
    if view.failed is not None:
        phase = "Failed"
    elif old.get("phase") in ("Succeeded", "Failed"):
        phase = old["phase"]
    else:
        phase = pod_phase(pod, inits, apps, view.terminal)
    done = phase == "Succeeded"

    sandbox_ready = view.sandbox is not None and view.sandbox.ready and phase not in (
        "Succeeded", "Failed")
    conds = [c for c in old.get("conditions") or [] if c["type"] not in KUBELET_CONDITIONS]
    conds.append(_condition(old_conds, "PodReadyToStartContainers",
                            "True" if sandbox_ready else "False", now))
    if not pending_init:
        conds.append(_condition(old_conds, "Initialized", "True", now,
                                "PodCompleted" if done and init_specs else None))
    else:
        conds.append(_condition(old_conds, "Initialized", "False", now, "ContainersNotInitialized",
                                f"containers with incomplete status: [{' '.join(pending_init)}]"))
    unready = [s["name"] for s in inits if s["name"] in sidecars and not s["ready"]]
    unready += [s["name"] for s in apps if not s["ready"]]
    for ctype in ("Ready", "ContainersReady"):
        if done:
            conds.append(_condition(old_conds, ctype, "False", now, "PodCompleted"))
        elif unready:
            conds.append(_condition(old_conds, ctype, "False", now, "ContainersNotReady",
                                    f"containers with unready status: [{' '.join(unready)}]"))
        else:
            conds.append(_condition(old_conds, ctype, "True", now))
    scheduled = old_conds.get("PodScheduled")
    conds.append(scheduled if scheduled else _condition({}, "PodScheduled", "True", now))

    status: dict[str, Any] = {"phase": phase, "conditions": conds}
    if view.failed is not None:
        status["reason"], status["message"] = view.failed
    elif old.get("phase") in ("Succeeded", "Failed"):
        status.update({k: old[k] for k in ("reason", "message") if k in old})
    if view.host_ip:
        status["hostIP"] = view.host_ip
        status["hostIPs"] = [{"ip": view.host_ip}]
    if view.sandbox is not None and view.sandbox.ready:
        status["podIP"] = view.sandbox.ip
        status["podIPs"] = [{"ip": view.sandbox.ip}]
    elif old.get("podIP"):
        status["podIP"] = old["podIP"]
        status["podIPs"] = old.get("podIPs") or [{"ip": old["podIP"]}]
    status["startTime"] = old.get("startTime") or now
    if inits:
        status["initContainerStatuses"] = inits
    status["containerStatuses"] = apps
    for key in ("qosClass", "nominatedNodeName"):
        if key in old:
            status[key] = old[key]
    return status
