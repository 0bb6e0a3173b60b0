"""One pod's worker: bring the runtime in line with the pod spec, then report status.

The kubelet (kubelet.py) keeps one `PodWorker` per pod bound to its node and hands each
the node's `NodeServices` (runtime, store, clock, prober, back-offs, image manager, event
recorder; the worker never sees the kubelet itself). It wakes the worker on every change of
the pod; the worker also wakes on a container's exit (the runtime's `wait_container`) and on
timers it sets itself (back-off expiry, a readiness delay) — never by polling. Each wake
runs `sync()`, level-triggered like the kubelet's SyncPod (kuberuntime_manager.go):

  removed from the API  → remove sandbox and containers, forget back-offs, end.
  deletionTimestamp     → stop every running container within the deletion grace period
                          (podworker_stop.py: Killing `Stopping container c`, preStop hooks,
                          SIGTERM, SIGKILL when it runs out; app containers first, native
                          sidecars after them, the last one first), stop the sandbox, write
                          the containers' terminated states once (Ready False, a terminal
                          phase — what watchers waiting for the kill see), then finish the
                          deletion with grace 0.
  terminal phase        → make sure nothing runs.
  activeDeadlineSeconds → past `startTime + activeDeadlineSeconds`: Normal DeadlineExceeded,
                          stop everything, phase Failed with reason DeadlineExceeded.
  otherwise             → report status (ContainerCreating first); (re)create the sandbox
                          (SandboxChanged after a node restart); start what the plan says
                          (podworker_plan.py: init containers one by one, native sidecars
                          kept running, then the app containers) the way podworker_start.py
                          does (crash back-off, image, env, mounts, create, start, postStart
                          hook); decide whether the pod is terminal (then stop the sidecars);
                          report status again.

Readiness: with a runtime whose pods answer real traffic (`runtime.real_network`) the
kubelet's prober (prober.py) probes each started container and wakes the worker when a
result changes; a container whose liveness or startup probe failed is killed first
(`Killing … failed liveness probe, will be restarted`) and then restarted like any exited
container (restart count, crash back-off). The sim runtime keeps simulated readiness: Ready
once a readinessProbe's initialDelaySeconds passed, unless the runtime says unhealthy.

Status is written only when it differs from the stored one (kubelet_status.py computes it).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kubenb.api.errors import ApiError, Conflict, NotFound
from kubenb.api.objects import stamp
from kubenb.api.store import Store
from kubenb.clock import Clock
from kubenb.config import Timings
from kubenb.node.kubelet_backoff import Backoff
from kubenb.node.kubelet_images import ImageManager
from kubenb.node.kubelet_projection import token_refresh_after
from kubenb.node.kubelet_status import PodView, by_name, generate_pod_status, is_sidecar
from kubenb.node.kubelet_volumes import MountError, pod_mounts
from kubenb.node.podworker_plan import is_terminal, plan_starts
from kubenb.node.podworker_start import ContainerStarter
from kubenb.node.podworker_stop import (
    DEADLINE_MESSAGE,
    DEADLINE_REASON,
    active_deadline,
    stop_containers,
)
from kubenb.node.prober import EventFn, ProbeManager
from kubenb.node.runtime.base import (
    ContainerStatus,
    Runtime,
    SandboxStatus,
)

log = logging.getLogger("kubenb.kubelet")


@dataclass(frozen=True)
class NodeServices:
    """What a pod worker uses of its node; the kubelet builds it once and shares it."""

    name: str  # the node's name (log lines)
    address: str  # the node's IP: status.hostIP, and env fieldRef status.hostIP
    runtime: Runtime
    store: Store
    clock: Clock
    timings: Timings
    event: EventFn
    prober: ProbeManager
    crash_backoff: Backoff  # container restarts, key `<pod uid>/<container>`
    images: ImageManager
    forget_worker: Callable[[PodWorker], None]  # a worker ended: the kubelet drops it


class PodWorker(ContainerStarter):
    def __init__(self, node: NodeServices, pod: dict[str, Any]) -> None:
        self.node = node
        self.pod = pod
        self.uid: str = pod["metadata"]["uid"]
        self.removed = False
        self.finished = False
        self.reasons: dict[str, tuple[str, str]] = {}
        self.ready_at: dict[str, float] = {}  # container id -> when its readiness delay ends
        self.written_rv: str | None = None
        self.terminating_grace: float | None = None
        self.hooked: set[str] = set()  # containers whose preStop hook ran
        self._wake = asyncio.Event()
        self._wake.set()
        self._timer: asyncio.TimerHandle | None = None
        self._timer_when = 0.0
        self._waiters: dict[str, asyncio.Task[Any]] = {}
        self.task = node.clock.loop.create_task(self._run(), name=f"pod:{self.uid}")

    # ---- wake-ups ----------------------------------------------------------------------

    def update(self, pod: dict[str, Any]) -> None:
        self.pod = pod
        if pod["metadata"].get("resourceVersion") == self.written_rv:
            return  # our own status write coming back
        grace = pod["metadata"].get("deletionGracePeriodSeconds")
        if pod["metadata"].get("deletionTimestamp") and self.hook is not None:
            self.hook.cancel()  # a postStart hook must not hold up the termination
        if self.terminating_grace is not None and grace is not None and grace < self.terminating_grace:
            self.terminating_grace = grace
            self.node.clock.loop.create_task(self._stop_running(grace))
        self.wake()

    def remove(self) -> None:
        self.removed = True
        if self.hook is not None:
            self.hook.cancel()
        self.wake()

    def wake(self) -> None:
        self._wake.set()

    def wake_after(self, delay: float) -> None:
        when = self.node.clock.monotonic() + max(0.0, delay)
        if self._timer is not None and self._timer_when <= when:
            return
        if self._timer is not None:
            self._timer.cancel()
        self._timer_when = when
        self._timer = self.node.clock.call_later(max(0.0, delay), self._on_timer)

    def _on_timer(self) -> None:
        self._timer = None
        self.wake()

    def cancel(self) -> None:
        self.task.cancel()
        self.node.prober.remove_pod(self.uid)
        for t in self._waiters.values():
            t.cancel()
        if self._timer is not None:
            self._timer.cancel()

    async def _run(self) -> None:
        while not self.finished:
            await self._wake.wait()
            self._wake.clear()
            try:
                await self.sync()
            except asyncio.CancelledError:
                raise
            except (Conflict, NotFound):
                self.wake_after(0.1)
            except Exception:  # a bug must not kill the node: log, retry later
                log.exception("kubelet %s: sync of pod %s failed", self.node.name, self.uid)
                self.wake_after(self.node.timings.image_backoff_initial)
        self.node.forget_worker(self)

    # ---- sync --------------------------------------------------------------------------

    async def sync(self) -> None:
        rt = self.node.runtime
        if self.removed:
            await self._teardown()
            return
        pod = self.node.store.try_get("Pod", self.pod["metadata"]["namespace"], self.pod["metadata"]["name"])
        if pod is None or pod["metadata"]["uid"] != self.uid:
            await self._teardown()
            return
        self.pod = pod
        if pod["metadata"].get("deletionTimestamp"):
            await self._terminate(pod)
            return
        if (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
            self.node.prober.remove_pod(self.uid)
            await self._stop_running(0)
            await rt.stop_sandbox(self.uid)
            return
        left = active_deadline(pod, self.node.clock.now())
        if left is not None and left <= 0:
            await self._fail_deadline(pod)
            return
        records = await rt.list_containers(self.uid)
        sandbox = await rt.sandbox_status(self.uid)
        self._write_status(sandbox, records, terminal=False)
        if rt.real_network and await self._kill_unhealthy(pod, records):
            records = await rt.list_containers(self.uid)
        await self._act(pod, sandbox, records)
        await self._refresh_volumes(pod, records)
        records = await rt.list_containers(self.uid)
        sandbox = await rt.sandbox_status(self.uid)
        terminal = self._is_terminal(pod, records)
        if terminal:
            self.reasons.clear()
            await self._stop_running(self._grace(pod), pod)  # the sidecars, last one first
            await rt.stop_sandbox(self.uid)
            records = await rt.list_containers(self.uid)
            sandbox = await rt.sandbox_status(self.uid)
        self._write_status(sandbox, records, terminal)
        left = active_deadline(self.pod, self.node.clock.now())  # startTime is written now
        if left is not None and not terminal:
            self.wake_after(left)

    async def _refresh_volumes(self, pod: dict[str, Any], records: list[ContainerStatus]) -> None:
        """The kubelet's volume sync: configMap/secret/downwardAPI/projected files follow
        their sources (the kubelet wakes this worker when one changes; tokens are renewed)."""
        if not records or not self.node.runtime.mounts_payloads:
            return
        try:
            mounts = pod_mounts(self.node.store, pod)
        except MountError:
            return  # a source went away: the files stay as they were (as upstream)
        if mounts:
            await self.node.runtime.refresh_volumes(self.uid, mounts)
        renew = token_refresh_after(pod)
        if renew is not None:
            self.wake_after(renew)

    def _policy(self, pod: dict[str, Any]) -> str:
        return (pod.get("spec") or {}).get("restartPolicy") or "Always"

    async def _act(self, pod: dict[str, Any], sandbox: SandboxStatus | None,
                   records: list[ContainerStatus]) -> None:
        policy = self._policy(pod)
        history = by_name(records)
        if sandbox is None or not sandbox.ready:
            if records and policy == "Never":
                return  # its containers ran in the old sandbox; Never means no second run
            if sandbox is not None:
                self.node.event(pod, "Normal", "SandboxChanged",
                             "Pod sandbox changed, it will be killed and re-created.")
            await self.node.runtime.run_sandbox(pod)
            sandbox = await self.node.runtime.sandbox_status(self.uid)
            assert sandbox is not None
        def current(name: str) -> ContainerStatus | None:
            for r in history.get(name, []):
                return r if r.sandbox_id == sandbox.id else None
            return None

        started = self._started(records)
        plan = plan_starts(pod.get("spec") or {}, policy, current, history,
                           lambda cid: started.get(cid, True))
        for c, path in plan.start:
            await self._start(pod, c, history.get(c["name"], []), path)

    def _is_terminal(self, pod: dict[str, Any], records: list[ContainerStatus]) -> bool:
        return is_terminal(pod.get("spec") or {}, self._policy(pod), records)

    # ---- status ------------------------------------------------------------------------

    def _readiness(self, records: list[ContainerStatus]) -> dict[str, bool]:
        if self.node.runtime.real_network:
            prober = self.node.prober
            return {r.id: r.state == "running" and not r.unhealthy and prober.ready(r.id)
                    for r in records}
        now = self.node.clock.monotonic()
        return {r.id: r.state == "running" and not r.unhealthy and now >= self.ready_at.get(r.id, now)
                for r in records}

    async def _kill_unhealthy(self, pod: dict[str, Any], records: list[ContainerStatus]) -> bool:
        """Kill every running container whose liveness/startup probe failed (computePodActions)."""
        n, killed = self.node, False
        spec = pod.get("spec") or {}
        specs = {c["name"]: (c, "containers") for c in spec.get("containers") or []}
        specs.update({c["name"]: (c, "initContainers") for c in spec.get("initContainers") or []
                      if is_sidecar(c)})
        for name, recs in by_name(records).items():
            latest = recs[0]
            kind = n.prober.must_kill(latest.id) if latest.state == "running" else None
            if kind is None or name not in specs:
                continue
            c, key = specs[name]
            message = f"Container {name} failed {kind} probe"
            if self._policy(pod) != "Never" or key == "initContainers":
                message += ", will be restarted"
            n.event(pod, "Normal", "Killing", message, f"spec.{key}{{{name}}}")
            n.prober.remove(latest.id)
            probe = c.get(f"{kind}Probe") or {}
            grace = probe.get("terminationGracePeriodSeconds")
            if grace is None:
                grace = (pod.get("spec") or {}).get("terminationGracePeriodSeconds", 30)
            await n.runtime.stop_container(latest.id, float(grace))
            killed = True
        return killed

    def _started(self, records: list[ContainerStatus]) -> dict[str, bool]:
        if not self.node.runtime.real_network:
            return {}
        return {r.id: self.node.prober.started(r.id) for r in records}

    def _write_status(self, sandbox: SandboxStatus | None, records: list[ContainerStatus],
                      terminal: bool, *, deleting: bool = False,
                      failed: tuple[str, str] | None = None) -> None:
        n = self.node
        pod = n.store.try_get("Pod", self.pod["metadata"]["namespace"], self.pod["metadata"]["name"])
        if pod is None or pod["metadata"]["uid"] != self.uid or (
                pod["metadata"].get("deletionTimestamp") and not deleting):
            return
        view = PodView(n.address, sandbox, records, self.reasons, self._readiness(records), terminal,
                       self._started(records), failed)
        status = generate_pod_status(pod, view, n.runtime.container_uri, stamp(n.clock.now()))
        if status == pod.get("status"):
            return
        meta = pod["metadata"]
        written = n.store.update({"apiVersion": "v1", "kind": "Pod", "metadata": {
            "name": meta["name"], "namespace": meta["namespace"]}, "status": status},
            subresource="status", adopt=True)  # status is freshly generated, never reused
        self.written_rv = written["metadata"]["resourceVersion"]
        self.pod = written

    # ---- endings -----------------------------------------------------------------------

    async def _stop_running(self, grace: float, announce: dict[str, Any] | None = None) -> None:
        records = await self.node.runtime.list_containers(self.uid)
        await stop_containers(self.node, announce or self.pod, records, grace, self.hooked,
                              announce is not None)

    def _grace(self, pod: dict[str, Any]) -> float:
        grace = pod["metadata"].get("deletionGracePeriodSeconds")
        if grace is None:
            grace = (pod.get("spec") or {}).get("terminationGracePeriodSeconds", 30)
        return float(grace)

    async def _terminate(self, pod: dict[str, Any]) -> None:
        """Stop everything within the deletion's grace period, publish the containers'
        terminated states (Ready False) for watchers, then finish the deletion."""
        meta = pod["metadata"]
        grace = self._grace(pod)
        first = self.terminating_grace is None
        self.terminating_grace = grace
        self.node.prober.remove_pod(self.uid)  # liveness and startup stop with the deletion
        await self._stop_running(grace, pod if first else None)
        await self.node.runtime.stop_sandbox(self.uid)
        records = await self.node.runtime.list_containers(self.uid)
        self.reasons.clear()
        self._write_status(await self.node.runtime.sandbox_status(self.uid), records, True,
                           deleting=True)
        try:
            self.node.store.delete("Pod", meta["namespace"], meta["name"], grace_period_seconds=0,
                                uid=self.uid)
        except (NotFound, Conflict):
            pass
        except ApiError as err:
            log.warning("kubelet %s: finishing deletion of %s: %s", self.node.name, meta["name"], err)

    async def _fail_deadline(self, pod: dict[str, Any]) -> None:
        """activeDeadlineSeconds ran out: the pod fails (DeadlineExceeded), nothing runs."""
        self.node.event(pod, "Normal", DEADLINE_REASON, DEADLINE_MESSAGE)
        self.node.prober.remove_pod(self.uid)
        await self._stop_running(self._grace(pod), pod)
        await self.node.runtime.stop_sandbox(self.uid)
        self.reasons.clear()
        records = await self.node.runtime.list_containers(self.uid)
        self._write_status(await self.node.runtime.sandbox_status(self.uid), records, True,
                           failed=(DEADLINE_REASON, DEADLINE_MESSAGE))

    async def _teardown(self) -> None:
        self.finished = True
        for t in list(self._waiters.values()):
            t.cancel()
        if self._timer is not None:
            self._timer.cancel()
        self.node.prober.remove_pod(self.uid)
        if self.terminating_grace is None:  # gone from the API without a graceful deletion
            # (`--force --grace-period=0`): upstream's effective grace period is then the
            # pod's own terminationGracePeriodSeconds — the containers still get SIGTERM
            grace = (self.pod.get("spec") or {}).get("terminationGracePeriodSeconds", 30)
            await self._stop_running(max(float(grace), 1.0), self.pod)
        await self.node.runtime.remove_sandbox(self.uid)
        self.node.crash_backoff.forget_prefix(f"{self.uid}/")
        self.node.images.forget(self.uid)
