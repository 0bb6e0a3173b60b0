"""Expectations about StatefulSets and storage: a StatefulSet's replicas, a claim's phase,
a pod mounting a claim.

Used by the StatefulSets chapter's check cells (`kubenb.expect.statefulset(...)` and friends);
each reads the objects once through the profile's client.
"""

from __future__ import annotations

from typing import Any

from kubenb.api.errors import NotFound
from kubenb.cli.findings import Expectation, Finding, find, missing, plural, t


def statefulset(name: str, *, namespace: str = "default", replicas: int | None = None,
                ready: int | None = None) -> Expectation:
    """The StatefulSet exists, with `replicas` desired and `ready` ready pods."""

    def evaluate(client: Any) -> list[Finding]:
        obj = find(client, "StatefulSet", namespace, name)
        if obj is None:
            return [missing("StatefulSet", name, namespace)]
        out: list[Finding] = []
        if replicas is not None:
            have = int((obj.get("spec") or {}).get("replicas", 1))
            out.append((have == replicas, t(
                f"statefulset/{name} wants {have} replica{plural(have)}" + (
                    "" if have == replicas else f", not {replicas}"),
                f"StatefulSet {name} 期望 {have} 个副本" + ("" if have == replicas else f"，而不是 {replicas} 个"))))
        if ready is not None:
            have = int((obj.get("status") or {}).get("readyReplicas") or 0)
            out.append((have == ready, t(
                f"statefulset/{name} has {have} ready replica{plural(have)}" + (
                    "" if have == ready else f", {ready} wanted"),
                f"StatefulSet {name} 有 {have} 个就绪副本" + ("" if have == ready else f"，需要 {ready} 个"))))
        return out

    return evaluate


def claim(name: str, *, namespace: str = "default", bound: bool = True) -> Expectation:
    """The PersistentVolumeClaim exists and is Bound (`bound=True`), or is not bound or gone."""

    def evaluate(client: Any) -> list[Finding]:
        try:
            obj = client.get("PersistentVolumeClaim", namespace, name)
        except NotFound:
            return [(not bound, t(f"persistentvolumeclaim/{name} does not exist in namespace {namespace}",
                                  f"命名空间 {namespace} 中没有 PersistentVolumeClaim {name}"))]
        phase = str((obj.get("status") or {}).get("phase") or "Pending")
        volume = (obj.get("spec") or {}).get("volumeName") or ""
        ok = (phase == "Bound") == bound
        to_en = f" to {volume}" if phase == "Bound" and volume else ""
        to_zh = f"，绑定到 {volume}" if phase == "Bound" and volume else ""
        return [(ok, t(
            f"persistentvolumeclaim/{name} is {phase}{to_en}" + (
                "" if ok else (", Bound wanted" if bound else ", it should not be bound")),
            f"PersistentVolumeClaim {name} 的状态是 {phase}{to_zh}" + (
                "" if ok else ("，需要 Bound" if bound else "，它不应当已绑定"))))]

    return evaluate


def pod_claim(pod: str, claim_name: str, *, namespace: str = "default") -> Expectation:
    """The pod exists and one of its volumes is the PersistentVolumeClaim `claim_name`."""

    def evaluate(client: Any) -> list[Finding]:
        obj = find(client, "Pod", namespace, pod)
        if obj is None:
            return [missing("Pod", pod, namespace)]
        claims = [str((v.get("persistentVolumeClaim") or {}).get("claimName"))
                  for v in (obj.get("spec") or {}).get("volumes") or [] if v.get("persistentVolumeClaim")]
        ok = claim_name in claims
        if ok:
            return [(True, t(f"pod/{pod} mounts claim {claim_name}", f"Pod {pod} 挂载了申领 {claim_name}"))]
        have_en = f"its claims are {', '.join(claims)}" if claims else "it mounts no claim"
        have_zh = f"它的申领是 {'、'.join(claims)}" if claims else "它没有挂载任何申领"
        return [(False, t(f"pod/{pod} does not mount claim {claim_name}: {have_en}",
                          f"Pod {pod} 没有挂载申领 {claim_name}：{have_zh}"))]

    return evaluate
