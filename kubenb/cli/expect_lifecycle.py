"""Expectations about a pod's lifecycle and resources: QoS class, probes, restarts, budgets.

Used by the lifecycle chapter's check cells (`kubenb.expect.qos(...)` and friends). Reads Pods,
Deployments and PodDisruptionBudgets; writes nothing.
"""

from __future__ import annotations

from typing import Any

from kubenb.cli.findings import Expectation, Finding, find, missing, plural, t

_PROBES = ("liveness", "readiness", "startup")


def qos(pod: str, qos_class: str, *, namespace: str = "default") -> Expectation:
    """The pod's `status.qosClass` is `qos_class` (Guaranteed, Burstable or BestEffort)."""

    def evaluate(client: Any) -> list[Finding]:
        obj = find(client, "Pod", namespace, pod)
        if obj is None:
            return [missing("Pod", pod, namespace)]
        have = (obj.get("status") or {}).get("qosClass") or "(none)"
        ok = have == qos_class
        return [(ok, t(f"pod/{pod} has QoS class {have}" + ("" if ok else f", not {qos_class}"),
                       f"Pod {pod} 的 QoS 类别是 {have}" + ("" if ok else f"，而不是 {qos_class}")))]

    return evaluate


def probe(kind: str, name: str, probe_type: str, *, container: str | None = None,
          namespace: str = "default") -> Expectation:
    """A container of the Pod or of the pod template of the `kind` object (Deployment, …)
    named `name` has a `probe_type` probe (liveness, readiness or startup); with `container`,
    that container."""
    if probe_type not in _PROBES:
        raise ValueError(f"probe_type must be one of {', '.join(_PROBES)}, not {probe_type!r}")

    def evaluate(client: Any) -> list[Finding]:
        obj = find(client, kind, namespace, name)
        if obj is None:
            return [missing(kind, name, namespace)]
        spec = obj.get("spec") or {}
        if kind != "Pod":
            spec = (spec.get("template") or {}).get("spec") or {}
        containers = [c for c in spec.get("containers") or []
                      if container is None or c.get("name") == container]
        with_probe = [str(c.get("name")) for c in containers if c.get(f"{probe_type}Probe")]
        ok = bool(with_probe)
        what = f"{kind.lower()}/{name}"
        if ok:
            return [(True, t(f"{what}: container {', '.join(with_probe)} has a {probe_type} probe",
                             f"{kind} {name}：容器 {', '.join(with_probe)} 有 {probe_type} 探针"))]
        if container:
            return [(False, t(f"{what}: container {container} has no {probe_type} probe",
                              f"{kind} {name}：容器 {container} 没有 {probe_type} 探针"))]
        return [(False, t(f"{what}: no container has a {probe_type} probe",
                          f"{kind} {name}：没有容器带 {probe_type} 探针"))]

    return evaluate


def restarts(pod: str, *, container: str | None = None, at_least: int = 1,
             reason: str | None = None, namespace: str = "default") -> Expectation:
    """The pod's container (the first, unless `container`) restarted at least `at_least`
    times; with `reason`, its last termination had that reason (OOMKilled, Error, …)."""

    def evaluate(client: Any) -> list[Finding]:
        obj = find(client, "Pod", namespace, pod)
        if obj is None:
            return [missing("Pod", pod, namespace)]
        statuses = (obj.get("status") or {}).get("containerStatuses") or []
        st = next((s for s in statuses if container is None or s.get("name") == container), {})
        n = int(st.get("restartCount") or 0)
        ok = n >= at_least
        out: list[Finding] = [(ok, t(
            f"pod/{pod} restarted {n} time{plural(n)}" + ("" if ok else f", at least {at_least} wanted"),
            f"Pod {pod} 重启了 {n} 次" + ("" if ok else f"，需要至少 {at_least} 次")))]
        if reason is not None:
            last = ((st.get("lastState") or {}).get("terminated") or {}).get("reason") or "(none)"
            fine = last == reason
            out.append((fine, t(
                f"pod/{pod} last terminated with reason {last}" + ("" if fine else f", not {reason}"),
                f"Pod {pod} 上次终止的原因是 {last}" + ("" if fine else f"，而不是 {reason}"))))
        return out

    return evaluate


def pdb(name: str, *, allowed: int | None = None, namespace: str = "default") -> Expectation:
    """The PodDisruptionBudget exists; with `allowed`, it allows exactly that many disruptions."""

    def evaluate(client: Any) -> list[Finding]:
        obj = find(client, "PodDisruptionBudget", namespace, name)
        if obj is None:
            return [missing("PodDisruptionBudget", name, namespace)]
        have = int((obj.get("status") or {}).get("disruptionsAllowed") or 0)
        if allowed is None:
            return [(True, t(f"poddisruptionbudget/{name} allows {have} disruption{plural(have)}",
                             f"PodDisruptionBudget {name} 允许 {have} 次干扰"))]
        ok = have == allowed
        return [(ok, t(
            f"poddisruptionbudget/{name} allows {have} disruption{plural(have)}" + ("" if ok else f", {allowed} wanted"),
            f"PodDisruptionBudget {name} 允许 {have} 次干扰" + ("" if ok else f"，需要 {allowed} 次")))]

    return evaluate
