"""Expectations about workloads and nodes: Deployments, running pods, one pod, a node.

Used by the Basics lessons' check cells (`kubenb.expect.deployment(...)` and friends).
"""

from __future__ import annotations

from typing import Any

from kubenb.api.errors import NotFound
from kubenb.cli.findings import Expectation, Finding, find, missing, plural, t


def deployment(name: str, *, namespace: str = "default", replicas: int | None = None,
               available: int | None = None, image: str | None = None) -> Expectation:
    """The Deployment exists, with `replicas` desired, `available` available, running `image`."""

    def evaluate(client: Any) -> list[Finding]:
        obj = find(client, "Deployment", namespace, name)
        if obj is None:
            return [missing("Deployment", name, namespace)]
        out: list[Finding] = []
        spec, status = obj.get("spec") or {}, obj.get("status") or {}
        if replicas is not None:
            have = int(spec.get("replicas", 1))
            out.append((have == replicas, t(
                f"deployment/{name} wants {have} replica{plural(have)}" + ("" if have == replicas else f", not {replicas}"),
                f"Deployment {name} 期望 {have} 个副本" + ("" if have == replicas else f"，而不是 {replicas} 个"))))
        if available is not None:
            have = int(status.get("availableReplicas") or 0)
            out.append((have == available, t(
                f"deployment/{name} has {have} available replica{plural(have)}" + (
                    "" if have == available else f", {available} wanted"),
                f"Deployment {name} 有 {have} 个可用副本" + (
                    "" if have == available else f"，需要 {available} 个"))))
        if image is not None:
            images = [c.get("image") for c in ((spec.get("template") or {}).get("spec") or {})
                      .get("containers") or []]
            ok = image in images
            out.append((ok, t(
                f"deployment/{name} runs {', '.join(map(str, images))}" + ("" if ok else f", not {image}"),
                f"Deployment {name} 运行的镜像是 {', '.join(map(str, images))}" + (
                    "" if ok else f"，而不是 {image}"))))
        return out

    return evaluate


def pods(selector: str = "", *, namespace: str = "default", node: str | None = None,
         count: int | None = None, at_least: int | None = None,
         image: str | None = None) -> Expectation:
    """Running pods matching the label `selector` (on `node`, if given): exactly `count`, or
    `at_least` that many; with `image`, every one of them runs it. Terminating pods do not count."""

    def evaluate(client: Any) -> list[Finding]:
        items, _ = client.list("Pod", namespace, label_selector=selector or None)
        running = [p for p in items if not (p.get("metadata") or {}).get("deletionTimestamp")
                   and (p.get("status") or {}).get("phase") == "Running"
                   and (node is None or (p.get("spec") or {}).get("nodeName") == node)]
        n = len(running)
        ok = (count is None or n == count) and (at_least is None or n >= at_least)
        want_en = f"{count}" if count is not None else f"at least {at_least}"
        want_zh = f" {count} 个" if count is not None else f"至少 {at_least} 个"
        where_en = f" on {node}" if node else ""
        where_zh = f"在 {node} 上" if node else ""
        labels_en = f" with labels {selector}" if selector else ""
        labels_zh = f"带标签 {selector} 的" if selector else ""
        out: list[Finding] = []
        if count is not None or at_least is not None or image is None:
            out.append((ok, t(
                f"{n} running pod{plural(n)}{labels_en}{where_en}" + ("" if ok else f", {want_en} wanted"),
                f"{where_zh}有 {n} 个{labels_zh}运行中的 Pod" + ("" if ok else f"，需要{want_zh}"))))
        if image is not None:
            others = sorted({i for p in running for i in _images(p)} - {image})
            k = sum(1 for p in running if set(_images(p)) == {image})
            fine = n > 0 and k == n
            rest_en = f", the others run {', '.join(others)}" if others else ""
            rest_zh = f"，其余运行的是 {'、'.join(others)}" if others else ""
            out.append((fine, t(
                f"{k} of {n} running pod{plural(n)}{labels_en}{where_en} run {image}" + ("" if fine else rest_en),
                f"{where_zh}{n} 个{labels_zh}运行中的 Pod 里有 {k} 个运行镜像 {image}" + (
                    "" if fine else rest_zh))))
        return out

    return evaluate


def _images(pod: dict[str, Any]) -> list[str]:
    return [str(c.get("image")) for c in (pod.get("spec") or {}).get("containers") or []]


def pod(name: str, *, namespace: str = "default", running: bool = True) -> Expectation:
    """The pod `name` runs (`running=True`), or is gone or terminating (`running=False`)."""

    def evaluate(client: Any) -> list[Finding]:
        try:
            obj = client.get("Pod", namespace, name)
        except NotFound:
            state = "gone"
        else:
            state = ("terminating" if (obj.get("metadata") or {}).get("deletionTimestamp")
                     else "running" if (obj.get("status") or {}).get("phase") == "Running"
                     else str((obj.get("status") or {}).get("phase") or "Pending").lower())
        ok = (state == "running") == running
        zh_state = {"gone": "已不存在", "terminating": "正在终止", "running": "正在运行",
                    "pending": "等待中（Pending）"}.get(state, f"处于 {state.title()} 状态")
        return [(ok, t(
            f"pod/{name} is {state}" + ("" if ok else (", it should run" if running else ", it should be gone")),
            f"Pod {name} {zh_state}" + ("" if ok else ("，它应当在运行" if running else "，它应当已被删除"))))]

    return evaluate


def node(name: str, *, ready: bool | None = None, schedulable: bool | None = None) -> Expectation:
    """The node exists; it is Ready (or not), and accepts new pods (or is cordoned)."""

    def evaluate(client: Any) -> list[Finding]:
        try:
            obj = client.get("Node", None, name)
        except NotFound:
            return [(False, t(f"node/{name} does not exist", f"没有名为 {name} 的节点"))]
        out: list[Finding] = []
        if ready is not None:
            have = any(c.get("type") == "Ready" and c.get("status") == "True"
                       for c in (obj.get("status") or {}).get("conditions") or [])
            ok = have == ready
            out.append((ok, t(
                f"node/{name} is {'Ready' if have else 'NotReady'}" + (
                    "" if ok else f", {'Ready' if ready else 'NotReady'} wanted"),
                f"节点 {name} {'已就绪（Ready）' if have else '未就绪（NotReady）'}" + (
                    "" if ok else f"，需要{'已就绪' if ready else '未就绪'}"))))
        if schedulable is not None:
            have = not (obj.get("spec") or {}).get("unschedulable")
            ok = have == schedulable
            out.append((ok, t(
                f"node/{name} " + ("accepts new pods" if have else "is cordoned (SchedulingDisabled)") + (
                    "" if ok else (", it should accept new pods" if schedulable else ", it should be cordoned")),
                f"节点 {name} " + ("可以调度新的 Pod" if have else "已被封锁（SchedulingDisabled）") + (
                    "" if ok else ("，它应当可以调度新的 Pod" if schedulable else "，它应当被封锁")))))
        return out

    return evaluate
