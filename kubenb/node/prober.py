"""The kubelet's prober: readiness, liveness and startup probes, on the cluster clock.

Only for runtimes whose pods answer real traffic (`runtime.real_network`); the sim
runtime keeps simulated readiness (podworker.py). The kubelet (kubelet.py) makes one
`ProbeManager` from the node's clock, runtime and event recorder, and hands it to its pod
workers; a pod worker calls `ProbeManager.add(pod_worker, container_spec, container_id)`
when it starts a container (the prober needs only a `ProbedPod` of it: uid, pod, wake). One
`ProbeWorker` per probe the container declares then runs, as pkg/kubelet/prober's worker does:

  first probe initialDelaySeconds after the start, then every periodSeconds (timers on the
  cluster clock, never sleeps); readiness/liveness wait until a startup probe succeeded;
  a result counts only after successThreshold successes / failureThreshold failures in a
  row (the initial value: readiness Failure, liveness Success, startup Unknown);
  every failed probe records `Warning Unhealthy "<Type> probe failed: <output>"` (errors:
  "<Type> probe errored: …"; an unfollowed redirect: `Warning ProbeWarning`);
  a liveness or startup Failure puts the worker on hold (no more probes for this
  container) — the pod worker sees `must_kill()` and kills the container through its
  normal path, which restarts it with the usual back-off;
  a startup Success ends the startup worker.

Every change of a result wakes the pod worker, which writes the container's `ready` and
`started` (kubelet_status.py), and so the Endpoints controller adds or drops the pod.
Probes themselves run in prober_run.py (`run_probe`, replaceable for tests).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Literal, Protocol

from kubenb.api.events import EventKind
from kubenb.clock import Clock
from kubenb.node.prober_run import ProbeOutcome, ProbeTarget, run_probe
from kubenb.node.runtime.base import Runtime, RuntimeError_

log = logging.getLogger("kubenb.prober")

ProbeKind = Literal["readiness", "liveness", "startup"]
Result = Literal["Success", "Failure", "Unknown"]
KINDS: tuple[ProbeKind, ...] = ("startup", "readiness", "liveness")
INITIAL: dict[ProbeKind, Result] = {"readiness": "Failure", "liveness": "Success",
                                    "startup": "Unknown"}
Runner = Callable[[dict[str, Any], ProbeTarget], Awaitable[ProbeOutcome]]


class EventFn(Protocol):
    """How the kubelet records an event about an object (`Kubelet.event`)."""

    def __call__(self, obj: dict[str, Any], type: EventKind, reason: str, message: str,
                 field_path: str | None = None) -> None: ...


class ProbedPod(Protocol):
    """What the prober needs of a pod worker: the pod, and a way to wake it on a change."""

    uid: str
    pod: dict[str, Any]

    def wake(self) -> None: ...


class ProbeWorker:
    """Probes one container with one of its probes (see the module docstring)."""

    def __init__(self, manager: ProbeManager, pod_worker: ProbedPod, container: dict[str, Any],
                 container_id: str, kind: ProbeKind) -> None:
        self.manager = manager
        self.pod_worker = pod_worker
        self.container = container
        self.container_id = container_id
        self.kind = kind
        self.spec: dict[str, Any] = container[f"{kind}Probe"]
        self.period = float(self.spec.get("periodSeconds") or 10)
        self.success_threshold = int(self.spec.get("successThreshold") or 1)
        self.failure_threshold = int(self.spec.get("failureThreshold") or 3)
        self.result: Result = INITIAL[kind]
        self.last: Result | None = None
        self.run = 0
        self.on_hold = False
        self.stopped = False
        self.task: asyncio.Task[None] | None = None
        self._timer: asyncio.TimerHandle | None = manager.clock.call_later(
            float(self.spec.get("initialDelaySeconds") or 0), self._tick)

    def stop(self) -> None:
        self.stopped = True
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self.task is not None and not self.task.done():
            self.task.cancel()

    def _tick(self) -> None:
        self._timer = None
        if self.stopped:
            return
        self._timer = self.manager.clock.call_later(self.period, self._tick)
        if self.task is None or self.task.done():  # a slow probe is not run twice at once
            self.task = self.manager.clock.loop.create_task(
                self._probe(), name=f"probe:{self.kind}:{self.container_id[:12]}")

    async def _probe(self) -> None:
        try:
            await self.do_probe()
        except asyncio.CancelledError:
            raise
        except Exception:  # a bug must not end probing for good
            log.exception("prober: %s probe of %s failed to run", self.kind, self.container_id)

    async def do_probe(self) -> None:
        """One probe round (worker.go doProbe)."""
        m = self.manager
        if self.on_hold or self.stopped:
            return
        try:
            status = await m.runtime.container_status(self.container_id)
        except RuntimeError_:  # the container is gone
            status = None
        if status is None or status.state != "running":
            self.stop()  # the next container of this name gets new workers
            return
        if self.kind == "startup" and self.result == "Success":
            return
        if self.kind != "startup" and not self.manager.started(self.container_id):
            return  # other probes wait for the startup probe
        sandbox = await m.runtime.sandbox_status(self.pod_worker.uid)
        target = ProbeTarget(self.container, self.container_id, sandbox.ip if sandbox else "",
                             m.runtime, m.kubernetes_version)
        outcome = await m.run(self.spec, target)
        if self.stopped:
            return
        label = self.kind.capitalize()
        name = self.container["name"]
        inits = (self.pod_worker.pod.get("spec") or {}).get("initContainers") or []
        path = f"spec.{'initContainers' if any(c.get('name') == name for c in inits) else 'containers'}{{{name}}}"
        pod = self.pod_worker.pod
        if outcome.error is not None:
            m.event(pod, "Warning", "Unhealthy", f"{label} probe errored: {outcome.error}", path)
            return  # an error throws the result away
        result: Result = "Failure" if outcome.result == "Failure" else "Success"
        if outcome.result == "Failure":
            m.event(pod, "Warning", "Unhealthy", f"{label} probe failed: {outcome.output}", path)
        elif outcome.result == "Warning":
            m.event(pod, "Warning", "ProbeWarning", f"{label} probe warning: {outcome.output}", path)
        if self.last == result:
            self.run += 1
        else:
            self.last, self.run = result, 1
        if (result == "Failure" and self.run < self.failure_threshold) or (
                result == "Success" and self.run < self.success_threshold):
            return  # below the threshold: the result stays what it was
        self._set(result)
        if (self.kind == "liveness" and result == "Failure") or self.kind == "startup":
            self.on_hold = True  # until a new container: it will be killed, or has started
            self.run = 0

    def _set(self, result: Result) -> None:
        if result != self.result:
            self.result = result
            self.pod_worker.wake()


class ProbeManager:
    """The probe workers of one kubelet, by container id.

    `clock` times the probes, `runtime` answers container and sandbox status (and runs exec
    probes), `event` records Unhealthy/ProbeWarning, `kubernetes_version` goes into the
    User-Agent of HTTP probes; `run` runs one probe (prober_run.py; tests replace it)."""

    def __init__(self, clock: Clock, runtime: Runtime, event: EventFn, *,
                 kubernetes_version: str, run: Runner = run_probe) -> None:
        self.clock = clock
        self.runtime = runtime
        self.event = event
        self.kubernetes_version = kubernetes_version
        self.run = run
        self._workers: dict[str, dict[ProbeKind, ProbeWorker]] = {}
        self._pods: dict[str, set[str]] = {}  # pod uid -> container ids

    def add(self, pod_worker: ProbedPod, container: dict[str, Any], container_id: str) -> None:
        """Start the probes of a container that just started."""
        workers = {kind: ProbeWorker(self, pod_worker, container, container_id, kind)
                   for kind in KINDS if container.get(f"{kind}Probe")}
        self._workers[container_id] = workers
        self._pods.setdefault(pod_worker.uid, set()).add(container_id)

    def _get(self, container_id: str, kind: ProbeKind) -> ProbeWorker | None:
        return self._workers.get(container_id, {}).get(kind)

    def started(self, container_id: str) -> bool:
        """`containerStatuses[].started`: no startup probe, or it succeeded."""
        w = self._get(container_id, "startup")
        return w is None or w.result == "Success"

    def ready(self, container_id: str) -> bool:
        """Readiness as probed (True without a readiness probe), once started."""
        w = self._get(container_id, "readiness")
        return self.started(container_id) and (w is None or w.result == "Success")

    def must_kill(self, container_id: str) -> str | None:
        """`liveness` or `startup` when that probe failed for good, else None."""
        for kind in ("liveness", "startup"):
            w = self._get(container_id, kind)  # type: ignore[arg-type]
            if w is not None and w.result == "Failure":
                return kind
        return None

    def remove(self, container_id: str) -> None:
        for w in self._workers.pop(container_id, {}).values():
            w.stop()

    def remove_pod(self, uid: str) -> None:
        for cid in self._pods.pop(uid, set()):
            self.remove(cid)

    def stop(self) -> None:
        for uid in list(self._pods):
            self.remove_pod(uid)
