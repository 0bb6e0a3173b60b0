"""Expectations about batch work: a Job's completions and parallelism, a CronJob's state.

Used by the Jobs chapter's check cells (`kubenb.expect.job(...)`, `kubenb.expect.cronjob(...)`).
Reads Jobs, CronJobs and the Jobs a CronJob owns; writes nothing and never waits.
"""

from __future__ import annotations

from typing import Any

from kubenb.cli.findings import Expectation, Finding, find, missing, plural, t


def _condition(obj: dict[str, Any], ctype: str) -> bool:
    return any(c.get("type") == ctype and c.get("status") == "True"
               for c in (obj.get("status") or {}).get("conditions") or [])


def job(name: str, *, namespace: str = "default", completions: int | None = None,
        parallelism: int | None = None, succeeded: int | None = None,
        complete: bool | None = None) -> Expectation:
    """The Job exists, asks for `completions` and `parallelism`, has `succeeded` pods and
    (with `complete=True`) its Complete condition."""

    def evaluate(client: Any) -> list[Finding]:
        obj = find(client, "Job", namespace, name)
        if obj is None:
            return [missing("Job", name, namespace)]
        spec, status = obj.get("spec") or {}, obj.get("status") or {}
        out: list[Finding] = []
        for field, want, unit, zh in (("completions", completions, "completion{}", "完成 {} 次"),
                                      ("parallelism", parallelism, "pod{} at a time", "同时运行 {} 个 Pod")):
            if want is None:
                continue
            have = int(spec[field]) if spec.get(field) is not None else 1
            out.append((have == want, t(
                f"job/{name} asks for {have} {unit.format(plural(have))}" + ("" if have == want else f", not {want}"),
                f"Job {name} 要求{zh.format(have)}" + ("" if have == want else f"，而不是 {want}"))))
        if succeeded is not None:
            have = int(status.get("succeeded") or 0)
            out.append((have == succeeded, t(
                f"job/{name} has {have} succeeded pod{plural(have)}" + (
                    "" if have == succeeded else f", {succeeded} wanted"),
                f"Job {name} 有 {have} 个成功的 Pod" + ("" if have == succeeded else f"，需要 {succeeded} 个"))))
        if complete is not None:
            done = _condition(obj, "Complete")
            out.append((done == complete, t(
                f"job/{name} is {'complete' if done else 'not complete'}",
                f"Job {name} {'已完成' if done else '尚未完成'}")))
        return out

    return evaluate


def cronjob(name: str, *, namespace: str = "default", schedule: str | None = None,
            suspended: bool | None = None, has_run: bool | None = None) -> Expectation:
    """The CronJob exists, with `schedule`, suspended or not, and (`has_run=True`) at least
    one Job of its own: scheduled, or created from it with `kubectl create job --from`."""

    def evaluate(client: Any) -> list[Finding]:
        obj = find(client, "CronJob", namespace, name)
        if obj is None:
            return [missing("CronJob", name, namespace)]
        spec = obj.get("spec") or {}
        out: list[Finding] = []
        if schedule is not None:
            have = spec.get("schedule", "")
            out.append((have == schedule, t(
                f'cronjob/{name} runs on "{have}"' + ("" if have == schedule else f', not "{schedule}"'),
                f'CronJob {name} 的调度是 "{have}"' + ("" if have == schedule else f'，而不是 "{schedule}"'))))
        if suspended is not None:
            have = bool(spec.get("suspend"))
            out.append((have == suspended, t(
                f"cronjob/{name} is {'suspended' if have else 'not suspended'}",
                f"CronJob {name} {'已暂停' if have else '没有暂停'}")))
        if has_run is not None:
            uid = obj["metadata"].get("uid")
            jobs, _ = client.list("Job", namespace)
            n = sum(1 for j in jobs if any(r.get("uid") == uid
                                           for r in (j.get("metadata") or {}).get("ownerReferences") or []))
            out.append(((n > 0) == has_run, t(
                f"cronjob/{name} has {n} job{plural(n)}",
                f"CronJob {name} 有 {n} 个 Job")))
        return out

    return evaluate
