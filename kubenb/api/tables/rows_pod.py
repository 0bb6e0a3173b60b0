"""The Pod row: READY, STATUS and RESTARTS exactly as the apiserver's `printPod` computes them.

Feeds `columns.table()`. The STATUS walk follows Kubernetes v1.35 printers.go: init containers
in order (sidecars count towards READY), then app containers from last to first, then the
deletion rules. RESTARTS gets ` (<age> ago)` from the newest lastState.terminated.finishedAt.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .duration import age, parse_time


def _restartable(container: dict[str, Any] | None) -> bool:
    return bool(container) and container.get("restartPolicy") == "Always"


def _condition_true(conditions: list[dict[str, Any]], ctype: str) -> bool:
    for c in conditions:
        if c.get("type") == ctype:
            return c.get("status") == "True"
    return False


def _terminated_reason(term: dict[str, Any], prefix: str = "") -> str:
    if term.get("reason"):
        return prefix + term["reason"]
    if term.get("signal"):
        return f"{prefix}Signal:{term['signal']}"
    return f"{prefix}ExitCode:{term.get('exitCode', 0)}"


def _later(current: str | None, candidate: str | None) -> str | None:
    c, n = parse_time(current), parse_time(candidate)
    if n is None:
        return current
    if c is None or c < n:
        return candidate
    return current


def pod_status(pod: dict[str, Any]) -> tuple[str, str, int, str | None]:
    """Return (READY, STATUS, restarts, last restart time) for a pod."""
    spec = pod.get("spec") or {}
    status = pod.get("status") or {}
    meta = pod.get("metadata") or {}
    conditions = status.get("conditions") or []
    restarts = 0
    sidecar_restarts = 0
    total = len(spec.get("containers") or [])
    ready = 0
    last_restart: str | None = None
    last_sidecar_restart: str | None = None

    phase = status.get("phase", "")
    reason = status.get("reason") or phase
    for c in conditions:
        if c.get("type") == "PodScheduled" and c.get("reason") == "SchedulingGated":
            reason = "SchedulingGated"

    init_specs = {c.get("name"): c for c in spec.get("initContainers") or []}
    total += sum(1 for c in init_specs.values() if _restartable(c))
    n_init = len(spec.get("initContainers") or [])

    initializing = False
    for i, cs in enumerate(status.get("initContainerStatuses") or []):
        state = cs.get("state") or {}
        last_term = (cs.get("lastState") or {}).get("terminated")
        restarts += cs.get("restartCount", 0)
        if last_term is not None:
            last_restart = _later(last_restart, last_term.get("finishedAt"))
        sidecar = _restartable(init_specs.get(cs.get("name")))
        if sidecar:
            sidecar_restarts += cs.get("restartCount", 0)
            if last_term is not None:
                last_sidecar_restart = _later(last_sidecar_restart, last_term.get("finishedAt"))
        term, waiting = state.get("terminated"), state.get("waiting")
        if term is not None and term.get("exitCode", 0) == 0:
            continue
        if sidecar and cs.get("started"):
            if cs.get("ready"):
                ready += 1
            continue
        if term is not None:
            reason = _terminated_reason(term, "Init:")
        elif waiting is not None and waiting.get("reason") and waiting["reason"] != "PodInitializing":
            reason = "Init:" + waiting["reason"]
        else:
            reason = f"Init:{i}/{n_init}"
        initializing = True
        break

    if not initializing or _condition_true(conditions, "Initialized"):
        restarts = sidecar_restarts
        last_restart = last_sidecar_restart
        has_running = False
        error_reason = ""
        for cs in reversed(status.get("containerStatuses") or []):
            state = cs.get("state") or {}
            restarts += cs.get("restartCount", 0)
            last_term = (cs.get("lastState") or {}).get("terminated")
            if last_term is not None:
                last_restart = _later(last_restart, last_term.get("finishedAt"))
            waiting, term = state.get("waiting"), state.get("terminated")
            if waiting is not None and waiting.get("reason"):
                reason = waiting["reason"]
            elif term is not None:
                reason = _terminated_reason(term)
                if term.get("exitCode", 0) != 0:
                    error_reason = reason
            elif cs.get("ready") and state.get("running") is not None:
                has_running = True
                ready += 1
        if reason == "Completed":
            if has_running and _condition_true(conditions, "Ready"):
                reason = "Running"
            elif error_reason:
                reason = error_reason
            elif has_running:
                reason = "NotReady"

    if meta.get("deletionTimestamp") and status.get("reason") == "NodeLost":
        reason = "Unknown"
    elif meta.get("deletionTimestamp") and phase not in ("Succeeded", "Failed"):
        reason = "Terminating"
    return f"{ready}/{total}", reason, restarts, last_restart


def pod_row(pod: dict[str, Any], now: datetime) -> list[str]:
    """NAME READY STATUS RESTARTS AGE IP NODE NOMINATED-NODE READINESS-GATES."""
    meta = pod.get("metadata") or {}
    spec = pod.get("spec") or {}
    status = pod.get("status") or {}
    ready, reason, restarts, last_restart = pod_status(pod)
    restarts_cell = str(restarts)
    if restarts != 0 and parse_time(last_restart) is not None:
        restarts_cell = f"{restarts} ({age(last_restart, now)} ago)"
    pod_ips = status.get("podIPs") or []
    ip = (pod_ips[0].get("ip") if pod_ips else "") or "<none>"
    gates = spec.get("readinessGates") or []
    gates_cell = "<none>"
    if gates:
        conds = status.get("conditions") or []
        true = 0
        for gate in gates:
            for c in conds:
                if c.get("type") == gate.get("conditionType"):
                    true += c.get("status") == "True"
                    break
        gates_cell = f"{true}/{len(gates)}"
    return [
        meta.get("name", ""), ready, reason, restarts_cell,
        age(meta.get("creationTimestamp"), now),
        ip, spec.get("nodeName") or "<none>", status.get("nominatedNodeName") or "<none>",
        gates_cell,
    ]
