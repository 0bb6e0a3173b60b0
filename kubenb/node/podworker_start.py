"""Starting one container of a pod, as the kubelet's startContainer does (a PodWorker part).

`ContainerStarter._start(pod, container, history, field_path)` — called by the pod worker
(podworker.py) for each container the plan (podworker_plan.py) says to start — goes:
crash back-off first (Warning BackOff, waiting CrashLoopBackOff with upstream's message), the
image (kubelet_images.py: ErrImagePull / ImagePullBackOff), the environment (kubelet_env.py:
CreateContainerConfigError), the mounts (kubelet_volumes.py: FailedMount), create (Created,
CreateContainerError) and start (Started, RunContainerError), then the postStart hook
(kubelet_hooks.py: a failure is Warning FailedPostStartHook, the container is killed —
Killing FailedPostStartHook — and waits as PostStartHookError until it is restarted; the
pod's deletion cancels a hook still running, as upstream cancels the sync). A
started container gets its probes (prober.py: app containers and native sidecars) and a
task that wakes the worker when it exits. Failures land in `reasons` (the reason cache the
status shows) with a timer to try again.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from kubenb.node.kubelet_backoff import go_duration
from kubenb.node.kubelet_env import ConfigError, command_line, container_env
from kubenb.node.kubelet_hooks import POST_START_ERROR, HookTarget, run_hook
from kubenb.node.kubelet_status import is_sidecar
from kubenb.node.kubelet_volumes import MountError, container_mounts
from kubenb.node.podworker_stop import pod_ref
from kubenb.node.runtime.base import ContainerConfig, ContainerStatus, RuntimeError_

if TYPE_CHECKING:
    from kubenb.node.podworker import NodeServices


class ContainerStarter:
    """The container-starting half of a PodWorker (see the module docstring)."""

    node: NodeServices
    uid: str
    pod: dict[str, Any]
    reasons: dict[str, tuple[str, str]]
    ready_at: dict[str, float]
    _waiters: dict[str, asyncio.Task[Any]]
    hook: asyncio.Task[str | None] | None = None  # a postStart hook under way

    def wake(self) -> None:
        raise NotImplementedError

    def wake_after(self, delay: float) -> None:
        raise NotImplementedError

    def _grace(self, pod: dict[str, Any]) -> float:
        raise NotImplementedError

    async def _start(self, pod: dict[str, Any], c: dict[str, Any], history: list[ContainerStatus],
                     field_path: str) -> None:
        n, name = self.node, c["name"]
        prev = history[0] if history else None
        if prev is not None and prev.state == "exited" and prev.finished_at is not None:
            key = f"{self.uid}/{name}"
            now, ts = n.clock.now().timestamp(), prev.finished_at.timestamp()
            if n.crash_backoff.in_backoff_since(key, ts, now):
                delay = n.crash_backoff.get(key)
                ref = pod_ref(pod)
                n.event(pod, "Warning", "BackOff",
                        f"Back-off restarting failed container {name} in pod {ref}", field_path)
                self.reasons[name] = ("CrashLoopBackOff", f"back-off {go_duration(delay)} "
                                      f"restarting failed container={name} pod={ref}")
                self.wake_after(ts + delay - now)
                return
            n.crash_backoff.next(key, ts, now)
        image, reason, message = await n.images.ensure(pod, c, field_path)
        if image is None:
            n.event(pod, "Warning", "Failed", f"Error: {reason}", field_path)
            self.reasons[name] = (reason, message)
            if reason == "ImagePullBackOff":
                self.wake_after(n.images.backoff_remaining(pod, c.get("image") or ""))
            else:
                self.wake_after(n.timings.pod_error_resync)
            return
        sandbox = await n.runtime.sandbox_status(self.uid)
        pod_ip = sandbox.ip if sandbox else ""
        try:
            env = container_env(n.store, pod, c, n.address, pod_ip)
        except ConfigError as err:
            n.event(pod, "Warning", "Failed", f"Error: {err}", field_path)
            self.reasons[name] = ("CreateContainerConfigError", str(err))
            self.wake_after(n.timings.pod_error_resync)
            return
        try:
            mounts = container_mounts(n.store, pod, c, payloads=n.runtime.mounts_payloads)
        except MountError as err:
            n.event(pod, "Warning", "FailedMount", str(err))
            self.reasons[name] = ("ContainerCreating", "")
            self.wake_after(n.timings.pod_error_resync)
            return
        command, args = command_line(c, dict(env))
        attempt = prev.attempt + 1 if prev else self._attempt_from_api(name)
        config = ContainerConfig(
            name=name, image=image, command=command, args=args, env=tuple(env),
            working_dir=c.get("workingDir") or "", hostname=pod["metadata"]["name"][:63],
            attempt=attempt, annotations=dict(pod["metadata"].get("annotations") or {}), mounts=mounts)
        try:
            cid = await n.runtime.create_container(pod, c, config)
        except RuntimeError_ as err:
            n.event(pod, "Warning", "Failed", f"Error: {err.message}", field_path)
            self.reasons[name] = ("CreateContainerError", err.message)
            self.wake_after(n.timings.pod_error_resync)
            return
        n.event(pod, "Normal", "Created", f"Created container: {name}", field_path)
        try:
            await n.runtime.start_container(cid)
        except RuntimeError_ as err:
            n.event(pod, "Warning", "Failed", f"Error: {err.message}", field_path)
            self.reasons[name] = ("RunContainerError", err.message)
            self.wake_after(n.timings.pod_error_resync)
            return
        n.event(pod, "Normal", "Started", f"Started container {name}", field_path)
        self.reasons.pop(name, None)
        if prev is not None:
            n.prober.remove(prev.id)
        post_start = (c.get("lifecycle") or {}).get("postStart")
        if post_start and not await self._post_start(pod, c, cid, post_start, field_path):
            return
        sidecar = is_sidecar(c) and field_path.startswith("spec.initContainers")
        if sidecar:
            self.wake()  # the next init container may start once this one runs
        probe = c.get("readinessProbe")
        if n.runtime.real_network:
            if sidecar or not field_path.startswith("spec.initContainers"):
                n.prober.add(self, c, cid)
        elif probe:
            delay = float(probe.get("initialDelaySeconds") or 0)
            self.ready_at[cid] = n.clock.monotonic() + delay
            if delay > 0:
                self.wake_after(delay)
        self._waiters[cid] = n.clock.loop.create_task(self._await_exit(cid))

    async def _post_start(self, pod: dict[str, Any], c: dict[str, Any], cid: str,
                          handler: dict[str, Any], field_path: str) -> bool:
        """Run the postStart hook; a failure kills the container (startContainer, step 4)."""
        n = self.node
        sandbox = await n.runtime.sandbox_status(self.uid)
        target = HookTarget(c, cid, pod_ref(pod), sandbox.ip if sandbox else "", n.runtime, n.clock)
        hook = n.clock.loop.create_task(run_hook(handler, target))
        self.hook = hook  # the pod's deletion cancels it (PodWorker.update)
        try:
            await asyncio.wait([hook])
        except asyncio.CancelledError:
            hook.cancel()
            raise
        finally:
            self.hook = None
        if hook.cancelled():
            return False  # the pod is being deleted: the termination stops the container
        message = hook.result()
        if message is None:
            return True
        n.event(pod, "Warning", "FailedPostStartHook", "PostStartHook failed", field_path)
        n.event(pod, "Normal", "Killing", "FailedPostStartHook", field_path)
        self.reasons[c["name"]] = (POST_START_ERROR, message)
        await n.runtime.stop_container(cid, self._grace(pod))
        self.wake()
        return False

    def _attempt_from_api(self, name: str) -> int:
        """After the runtime lost a container, continue counting from what the API shows."""
        status = self.pod.get("status") or {}
        for s in (status.get("containerStatuses") or []) + (status.get("initContainerStatuses") or []):
            if s.get("name") == name and s.get("containerID"):
                return int(s.get("restartCount", 0)) + 1
        return 0

    async def _await_exit(self, cid: str) -> None:
        try:
            await self.node.runtime.wait_container(cid)
        except RuntimeError_:
            pass
        finally:
            self._waiters.pop(cid, None)
        self.wake()
