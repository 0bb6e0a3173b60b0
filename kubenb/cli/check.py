"""`kubenb.check(...)`: the check cell of an exercise — what is right, what is missing.

An exercise says in words what the learner should do ("scale to 3 so that every node runs
one"); its check cell states the same as expectations and reads the cluster once:

    kubenb.check(kubenb.expect.deployment("web", replicas=3, available=3),
                 kubenb.expect.pods("app=web", node="minikube-m02", at_least=1), lang="zh")

Each expectation reads what it needs through the current profile's client (the kubeconfig's
context, like `%kubectl`) and yields one line per fact: `✔` what is right, `✘` what is still
missing, with the value found and the value wanted, in the lesson's language ("en" or "zh").
A last line sums up. Nothing waits and nothing is random: the same cluster state prints the
same lines, so a notebook can run both the failing and the passing path under nbval.
The lines go to stdout; the returned `Report` (`.passed`, `.lines`) displays as nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from kubenb.api.errors import NotFound

LANGS = ("en", "zh")
Text = dict[str, str]
Finding = tuple[bool, Text]
Expectation = Callable[[Any], list[Finding]]


@dataclass
class Report:
    """The result of a check: every line printed, and whether all expectations hold."""

    passed: bool
    lines: list[str] = field(default_factory=list)

    def _ipython_display_(self) -> None:  # already printed
        return None

    def __bool__(self) -> bool:
        return self.passed


def _t(en: str, zh: str) -> Text:
    return {"en": en, "zh": zh}


def deployment(name: str, *, namespace: str = "default", replicas: int | None = None,
               available: int | None = None, image: str | None = None) -> Expectation:
    """The Deployment exists, with `replicas` desired, `available` available, running `image`."""

    def evaluate(client: Any) -> list[Finding]:
        try:
            obj = client.get("Deployment", namespace, name)
        except NotFound:
            return [(False, _t(f"deployment/{name} does not exist in namespace {namespace}",
                               f"命名空间 {namespace} 中没有 Deployment {name}"))]
        out: list[Finding] = []
        spec, status = obj.get("spec") or {}, obj.get("status") or {}
        if replicas is not None:
            have = int(spec.get("replicas", 1))
            out.append((have == replicas, _t(
                f"deployment/{name} wants {have} replica{_s(have)}" + ("" if have == replicas else f", not {replicas}"),
                f"Deployment {name} 期望 {have} 个副本" + ("" if have == replicas else f"，而不是 {replicas} 个"))))
        if available is not None:
            have = int(status.get("availableReplicas") or 0)
            out.append((have == available, _t(
                f"deployment/{name} has {have} available replica{_s(have)}" + (
                    "" if have == available else f", {available} wanted"),
                f"Deployment {name} 有 {have} 个可用副本" + (
                    "" if have == available else f"，需要 {available} 个"))))
        if image is not None:
            images = [c.get("image") for c in ((spec.get("template") or {}).get("spec") or {})
                      .get("containers") or []]
            ok = image in images
            out.append((ok, _t(
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
            out.append((ok, _t(
                f"{n} running pod{_s(n)}{labels_en}{where_en}" + ("" if ok else f", {want_en} wanted"),
                f"{where_zh}有 {n} 个{labels_zh}运行中的 Pod" + ("" if ok else f"，需要{want_zh}"))))
        if image is not None:
            others = sorted({i for p in running for i in _images(p)} - {image})
            k = sum(1 for p in running if set(_images(p)) == {image})
            fine = n > 0 and k == n
            rest_en = f", the others run {', '.join(others)}" if others else ""
            rest_zh = f"，其余运行的是 {'、'.join(others)}" if others else ""
            out.append((fine, _t(
                f"{k} of {n} running pod{_s(n)}{labels_en}{where_en} run {image}" + ("" if fine else rest_en),
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
        return [(ok, _t(
            f"pod/{name} is {state}" + ("" if ok else (", it should run" if running else ", it should be gone")),
            f"Pod {name} {zh_state}" + ("" if ok else ("，它应当在运行" if running else "，它应当已被删除"))))]

    return evaluate


def node(name: str, *, ready: bool | None = None, schedulable: bool | None = None) -> Expectation:
    """The node exists; it is Ready (or not), and accepts new pods (or is cordoned)."""

    def evaluate(client: Any) -> list[Finding]:
        try:
            obj = client.get("Node", None, name)
        except NotFound:
            return [(False, _t(f"node/{name} does not exist", f"没有名为 {name} 的节点"))]
        out: list[Finding] = []
        if ready is not None:
            have = any(c.get("type") == "Ready" and c.get("status") == "True"
                       for c in (obj.get("status") or {}).get("conditions") or [])
            ok = have == ready
            out.append((ok, _t(
                f"node/{name} is {'Ready' if have else 'NotReady'}" + (
                    "" if ok else f", {'Ready' if ready else 'NotReady'} wanted"),
                f"节点 {name} {'已就绪（Ready）' if have else '未就绪（NotReady）'}" + (
                    "" if ok else f"，需要{'已就绪' if ready else '未就绪'}"))))
        if schedulable is not None:
            have = not (obj.get("spec") or {}).get("unschedulable")
            ok = have == schedulable
            out.append((ok, _t(
                f"node/{name} " + ("accepts new pods" if have else "is cordoned (SchedulingDisabled)") + (
                    "" if ok else (", it should accept new pods" if schedulable else ", it should be cordoned")),
                f"节点 {name} " + ("可以调度新的 Pod" if have else "已被封锁（SchedulingDisabled）") + (
                    "" if ok else ("，它应当可以调度新的 Pod" if schedulable else "，它应当被封锁")))))
        return out

    return evaluate


expect = SimpleNamespace(deployment=deployment, pods=pods, pod=pod, node=node)


def check(*expectations: Expectation, lang: str = "en", client: Any = None,
          out: Any = None) -> Report:
    """Evaluate the expectations against the cluster; print one line per fact and a summary."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}")
    stream = out if out is not None else sys.stdout
    if client is None:
        from kubenb.cli import session

        client = session.current_client()
        if client is None:
            line = {"en": "✘ no cluster is running: start one with %minikube start",
                    "zh": "✘ 没有正在运行的集群：先用 %minikube start 启动一个"}[lang]
            stream.write(line + "\n")
            return Report(False, [line])
    findings = [f for e in expectations for f in e(client)]
    lines = explain(findings, lang)
    failed = sum(1 for ok, _ in findings if not ok)
    lines.append(_summary(failed, len(findings))[lang])
    stream.write("".join(line + "\n" for line in lines))
    return Report(failed == 0, lines)


def _s(n: int) -> str:
    return "" if n == 1 else "s"


def _summary(failed: int, total: int) -> Text:
    if failed == 0:
        return _t("All done.", "全部完成。")
    return _t(f"Not yet: {failed} of {total} checks fail.",
              f"还没完成：{total} 项检查中有 {failed} 项未通过。")


def explain(findings: Iterable[Finding], lang: str) -> list[str]:
    """The lines for findings, as `check` prints them (for tests and other front ends)."""
    return [("✔ " if ok else "✘ ") + text[lang] for ok, text in findings]
