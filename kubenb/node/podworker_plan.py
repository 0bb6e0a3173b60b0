"""Which containers of a pod to start next, and when the pod is done (computePodActions).

Pure functions over the pod spec and the runtime's records of the pod's current sandbox;
podworker.py acts on the answer. Init containers run one by one in spec order:

  regular init container  running → wait; exited 0 → the next one; exited non-zero →
                          restart it (the pod's restartPolicy), or, with Never, stop: the
                          pod has failed.
  native sidecar          an init container with `restartPolicy: Always`: started, then the
                          next init container starts once it is running and its startup probe
                          (if any) passed; it keeps running beside the app containers and is
                          restarted whenever it exits, whatever the pod's restartPolicy, until
                          the pod terminates.

Once every init container is done, each app container runs or is restarted as the pod's
restartPolicy says. The pod is terminal once no app container will run again (sidecars do
not count: the kubelet then stops them, last one first), or a regular init container failed
under `restartPolicy: Never`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kubenb.node.kubelet_status import by_name, is_sidecar, should_restart
from kubenb.node.runtime.base import ContainerStatus

Current = Callable[[str], "ContainerStatus | None"]


def field_path(container: dict[str, Any], init: bool) -> str:
    return f"spec.{'initContainers' if init else 'containers'}{{{container['name']}}}"


@dataclass
class Plan:
    """What to start now, in order: (container spec, field path)."""

    start: list[tuple[dict[str, Any], str]] = field(default_factory=list)
    initialized: bool = False


def _alive(r: ContainerStatus | None) -> bool:
    return r is not None and r.state in ("running", "created")


def plan_starts(spec: dict[str, Any], policy: str, current: Current,
                history: dict[str, list[ContainerStatus]], started: Callable[[str], bool]) -> Plan:
    """The containers to start now; `current(name)` is the newest record in this sandbox,
    `history` every record by name (newest first), `started(id)` the startup probe's word."""
    plan = Plan()
    for c in spec.get("initContainers") or []:
        latest = current(c["name"])
        if is_sidecar(c):
            if _alive(latest):
                assert latest is not None
                if latest.state == "running" and started(latest.id):
                    continue
                return plan  # wait until it has started
            plan.start.append((c, field_path(c, True)))
            if latest is None:
                return plan  # its first start: the next one waits for it
            continue  # a restart of a sidecar that had started: the pod goes on
        if _alive(latest):
            return plan
        if latest is not None and latest.exit_code == 0:
            continue
        if latest is not None and policy == "Never":
            return plan
        plan.start.append((c, field_path(c, True)))
        return plan
    plan.initialized = True
    for c in spec.get("containers") or []:
        latest = current(c["name"])
        if _alive(latest):
            continue
        if latest is not None and not should_restart(policy, latest.exit_code):
            continue
        old = history.get(c["name"], [])
        if latest is None and old and policy == "OnFailure" and old[0].exit_code == 0:
            continue
        plan.start.append((c, field_path(c, False)))
    return plan


def is_terminal(spec: dict[str, Any], policy: str, records: list[ContainerStatus]) -> bool:
    """No app container will run again (sidecars aside), or initialisation failed for good."""
    history = by_name(records)
    for c in spec.get("initContainers") or []:
        recs = history.get(c["name"])
        if is_sidecar(c) or not recs:
            continue
        if recs[0].state == "exited" and recs[0].exit_code != 0 and policy == "Never":
            return True
    for c in spec.get("containers") or []:
        recs = history.get(c["name"])
        if not recs or recs[0].state in ("running", "created"):
            return False
        if should_restart(policy, recs[0].exit_code):
            return False
    return True


def stop_order(spec: dict[str, Any], records: list[ContainerStatus]) -> tuple[
        list[ContainerStatus], list[ContainerStatus]]:
    """Running containers to stop: (app and regular init containers, all at once; then the
    sidecars, the last declared first)."""
    running = [r for r in records if r.state in ("running", "created")]
    sidecars = [c["name"] for c in spec.get("initContainers") or [] if is_sidecar(c)]
    first = [r for r in running if r.name not in sidecars]
    later = sorted((r for r in running if r.name in sidecars),
                   key=lambda r: -sidecars.index(r.name))
    return first, later
