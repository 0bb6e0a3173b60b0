"""Expectations about DaemonSets: how many nodes should run the daemon pod, and how many do.

Reads the DaemonSet's status (written by the DaemonSet controller) through `client.get`; which
nodes run its pods is `kubenb.expect.pods(selector, node=...)` (expect_workloads).
"""

from __future__ import annotations

from typing import Any

from kubenb.cli.findings import Expectation, Finding, find, missing, plural, t


def daemonset(name: str, *, namespace: str = "default", desired: int | None = None,
              ready: int | None = None, image: str | None = None) -> Expectation:
    """The DaemonSet exists; `desired` nodes should run its pod (DESIRED), `ready` of them run a
    ready one (READY); its pod template runs `image`."""

    def evaluate(client: Any) -> list[Finding]:
        obj = find(client, "DaemonSet", namespace, name)
        if obj is None:
            return [missing("DaemonSet", name, namespace)]
        out: list[Finding] = []
        spec, status = obj.get("spec") or {}, obj.get("status") or {}
        if desired is not None:
            have = int(status.get("desiredNumberScheduled") or 0)
            out.append((have == desired, t(
                f"daemonset/{name} should run on {have} node{plural(have)}" + (
                    "" if have == desired else f", not {desired}"),
                f"DaemonSet {name} 应当运行在 {have} 个节点上" + (
                    "" if have == desired else f"，而不是 {desired} 个"))))
        if ready is not None:
            have = int(status.get("numberReady") or 0)
            out.append((have == ready, t(
                f"daemonset/{name} has {have} ready pod{plural(have)}" + (
                    "" if have == ready else f", {ready} wanted"),
                f"DaemonSet {name} 有 {have} 个就绪的 Pod" + (
                    "" if have == ready else f"，需要 {ready} 个"))))
        if image is not None:
            images = [str(c.get("image")) for c in ((spec.get("template") or {}).get("spec") or {})
                      .get("containers") or []]
            ok = image in images
            out.append((ok, t(
                f"daemonset/{name} runs {', '.join(images)}" + ("" if ok else f", not {image}"),
                f"DaemonSet {name} 运行的镜像是 {', '.join(images)}" + ("" if ok else f"，而不是 {image}"))))
        return out

    return evaluate
