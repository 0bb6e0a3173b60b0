"""Stopping a pod's containers as the kubelet's killContainer/killPod do.

`stop_containers(node, pod, records, grace, hooked, announce)` stops every running container
of a pod within `grace` seconds: app (and regular init) containers together, then native
sidecars one by one, the last declared first (upstream's termination order since sidecars
went beta). Per container: `Killing "Stopping container c"` when `announce` is set, the
preStop hook (kubelet_hooks.py; at most once per container — `hooked` remembers which ran)
bounded by the grace period, then the runtime's `stop_container` with what is left of it
(SIGTERM, SIGKILL at the end; never less than upstream's minimal shutdown window of 2 s once
a grace period was given — a sidecar stopped after the app containers used it all up gets
those 2 s).

`active_deadline(pod, now)` is the kubelet's activeDeadlineHandler: the seconds left before
`spec.activeDeadlineSeconds` counted from `status.startTime` runs out (≤ 0: exceeded), or
None without a deadline. podworker.py then fails the pod (reason DeadlineExceeded).
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import TYPE_CHECKING, Any

from kubenb.clock import parse_time
from kubenb.node.kubelet_hooks import HookTarget, run_hook
from kubenb.node.podworker_plan import stop_order
from kubenb.node.runtime.base import ContainerStatus, RuntimeError_

if TYPE_CHECKING:
    from kubenb.node.podworker import NodeServices

MIN_GRACE = 2.0  # minimumGracePeriodInSeconds
DEADLINE_REASON = "DeadlineExceeded"
DEADLINE_MESSAGE = "Pod was active on the node longer than the specified deadline"


def _specs(pod: dict[str, Any]) -> dict[str, tuple[dict[str, Any], str]]:
    spec = pod.get("spec") or {}
    out = {c["name"]: (c, "containers") for c in spec.get("containers") or []}
    out.update({c["name"]: (c, "initContainers") for c in spec.get("initContainers") or []})
    return out


def pod_ref(pod: dict[str, Any]) -> str:
    """format.Pod: `name_namespace(uid)`."""
    meta = pod["metadata"]
    return f"{meta['name']}_{meta.get('namespace', '')}({meta.get('uid', '')})"


async def _stop_one(node: NodeServices, pod: dict[str, Any], r: ContainerStatus, deadline: float,
                    hooked: set[str], announce: bool, graceful: bool) -> None:
    clock = node.clock
    c, key = _specs(pod).get(r.name, ({"name": r.name}, "containers"))
    path = f"spec.{key}{{{r.name}}}"
    if announce:
        node.event(pod, "Normal", "Killing", f"Stopping container {r.name}", path)
    pre_stop = (c.get("lifecycle") or {}).get("preStop")
    grace = deadline - clock.monotonic()
    if pre_stop and r.state == "running" and grace > 0 and r.id not in hooked:
        hooked.add(r.id)
        sandbox = await node.runtime.sandbox_status(r.pod_uid)
        target = HookTarget(c, r.id, pod_ref(pod), sandbox.ip if sandbox else "", node.runtime, clock)
        try:
            message = await asyncio.wait_for(run_hook(pre_stop, target), grace)
        except asyncio.TimeoutError:
            message = None  # the grace period is over: the kill comes now
        if message:
            node.event(pod, "Warning", "FailedPreStopHook", message, path)
        grace = deadline - clock.monotonic()
    if graceful:  # "always give containers a minimal shutdown window"
        grace = max(grace, MIN_GRACE)
    try:
        await node.runtime.stop_container(r.id, max(grace, 0.0))
    except RuntimeError_:
        pass  # already gone


async def stop_containers(node: NodeServices, pod: dict[str, Any], records: list[ContainerStatus],
                          grace: float, hooked: set[str], announce: bool) -> None:
    """Stop the running containers of `records` within `grace` (see the module docstring)."""
    deadline = node.clock.monotonic() + grace
    first, later = stop_order(pod.get("spec") or {}, records)
    graceful = grace > 0
    await asyncio.gather(*(_stop_one(node, pod, r, deadline, hooked, announce, graceful)
                           for r in first))
    for r in later:
        await _stop_one(node, pod, r, deadline, hooked, announce, graceful)


def active_deadline(pod: dict[str, Any], now: datetime) -> float | None:
    """Seconds until `activeDeadlineSeconds` runs out (≤ 0: it has), or None."""
    limit = (pod.get("spec") or {}).get("activeDeadlineSeconds")
    start = (pod.get("status") or {}).get("startTime")
    if limit is None or not start:
        return None
    return float(limit) - (now - parse_time(start)).total_seconds()
