"""Expectations about autoscaling: a HorizontalPodAutoscaler's spec, and the replicas it runs.

Used by the autoscaling chapter's check cells (`kubenb.expect.hpa(...)`,
`kubenb.expect.hpa_replicas(...)`). Reads HorizontalPodAutoscalers (autoscaling/v2) and,
for the replicas, the status the HPA controller writes.
"""

from __future__ import annotations

from typing import Any

from kubenb.cli.findings import Expectation, Finding, find, missing, plural, t


def _cpu_target(spec: dict[str, Any]) -> int | None:
    for m in spec.get("metrics") or []:
        res = m.get("resource") or {}
        if m.get("type") == "Resource" and res.get("name") == "cpu":
            value = (res.get("target") or {}).get("averageUtilization")
            return None if value is None else int(value)
    return None


def hpa(name: str, *, namespace: str = "default", target: str | None = None,
        min_replicas: int | None = None, max_replicas: int | None = None,
        cpu_percent: int | None = None) -> Expectation:
    """The HPA exists; it scales `target` (`Deployment/NAME`), between `min_replicas` and
    `max_replicas`, aiming at `cpu_percent` of the pods' CPU requests."""

    def evaluate(client: Any) -> list[Finding]:
        obj = find(client, "HorizontalPodAutoscaler", namespace, name)
        if obj is None:
            return [missing("HorizontalPodAutoscaler", name, namespace)]
        spec = obj.get("spec") or {}
        out: list[Finding] = []
        if target is not None:
            ref = spec.get("scaleTargetRef") or {}
            have = f"{ref.get('kind')}/{ref.get('name')}"
            out.append((have == target, t(
                f"hpa/{name} scales {have}" + ("" if have == target else f", not {target}"),
                f"HPA {name} 扩缩的是 {have}" + ("" if have == target else f"，而不是 {target}"))))
        for want, have, en, zh in (
                (min_replicas, int(spec.get("minReplicas") or 1), "at least", "最少"),
                (max_replicas, int(spec.get("maxReplicas") or 0), "at most", "最多")):
            if want is None:
                continue
            out.append((have == want, t(
                f"hpa/{name} runs {en} {have} replica{plural(have)}" + ("" if have == want else f", {want} wanted"),
                f"HPA {name} {zh}运行 {have} 个副本" + ("" if have == want else f"，需要 {want} 个"))))
        if cpu_percent is not None:
            have_cpu = _cpu_target(spec)
            shown = "no CPU target" if have_cpu is None else f"a CPU target of {have_cpu}%"
            shown_zh = "没有 CPU 目标" if have_cpu is None else f"的 CPU 目标是 {have_cpu}%"
            ok = have_cpu == cpu_percent
            out.append((ok, t(f"hpa/{name} has {shown}" + ("" if ok else f", {cpu_percent}% wanted"),
                              f"HPA {name} {shown_zh}" + ("" if ok else f"，需要 {cpu_percent}%"))))
        return out

    return evaluate


def hpa_replicas(name: str, *, namespace: str = "default", at_least: int | None = None,
                 at_most: int | None = None) -> Expectation:
    """The HPA's current replicas (its status) lie between `at_least` and `at_most`; by
    default between its own minReplicas and maxReplicas."""

    def evaluate(client: Any) -> list[Finding]:
        obj = find(client, "HorizontalPodAutoscaler", namespace, name)
        if obj is None:
            return [missing("HorizontalPodAutoscaler", name, namespace)]
        spec = obj.get("spec") or {}
        low = int(spec.get("minReplicas") or 1) if at_least is None else at_least
        high = int(spec.get("maxReplicas") or 0) if at_most is None else at_most
        have = int((obj.get("status") or {}).get("currentReplicas") or 0)
        ok = low <= have <= high
        return [(ok, t(
            f"hpa/{name} has {have} current replica{plural(have)}"
            + (f", within {low}–{high}" if ok else f", {low}–{high} wanted"),
            f"HPA {name} 当前有 {have} 个副本" + (f"，在 {low}–{high} 之间" if ok else f"，需要在 {low}–{high} 之间")))]

    return evaluate
