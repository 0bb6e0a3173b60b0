"""What the Docker runtime remembers of one node: containers, sandboxes, pod IPs, exits.

`NodeState` holds the app containers the runtime created (`Rec`: the last known status, a
sequence number for "newest first", the future `wait_container` awaits, and the exit the
node's death imposes) and each pod's sandboxes (newest first), and hands out pod IPs from the
node's /24 of the profile network (base.py's `PodIPs`, as sim and process do: lowest free
first, from .2). `EventWatch` is the one `docker events` stream per node (a daemon thread)
that reports container deaths to the control-plane loop; docker.py turns each into an
inspect and a status update.
"""

from __future__ import annotations

import asyncio
import ipaddress
import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kubenb.node.runtime.base import ContainerStatus, PodIPs, SandboxStatus


@dataclass
class Rec:
    status: ContainerStatus
    seq: int
    done: asyncio.Future[ContainerStatus]
    override: tuple[int, str] | None = None  # (exit code, reason) after a node failure

    def finish(self, status: ContainerStatus) -> None:
        self.status = status
        if status.state == "exited" and not self.done.done():
            self.done.set_result(status)


@dataclass
class Sandbox:
    status: SandboxStatus
    container_id: str


@dataclass
class NodeState:
    ips: PodIPs | None = None  # known once the profile network is (`use_subnet`)
    recs: dict[str, Rec] = field(default_factory=dict)
    oom_killed: set[str] = field(default_factory=set)  # containers the engine reported `oom` for
    sandboxes: dict[str, list[Sandbox]] = field(default_factory=dict)
    seq: Any = field(default_factory=lambda: itertools.count(1))

    # ---- pod IPs ---------------------------------------------------------------------------

    def use_subnet(self, subnet: ipaddress.IPv4Network) -> None:
        """The node's /24, once the profile network is known (again after a restart: the
        same /24 keeps what it handed out)."""
        if self.ips is None or self.ips.network != subnet:
            self.ips = PodIPs(str(subnet))

    def allocate_ip(self) -> str:
        assert self.ips is not None
        return self.ips.allocate()

    def release_ip(self, ip: str) -> None:
        if ip and self.ips is not None and ipaddress.ip_address(ip) in self.ips.network:
            self.ips.release(ip)

    # ---- sandboxes -------------------------------------------------------------------------

    def current_sandbox(self, pod_uid: str) -> Sandbox | None:
        found = self.sandboxes.get(pod_uid)
        return found[0] if found else None

    def sandbox_down(self, sb: Sandbox) -> None:
        if sb.status.ready:
            self.release_ip(sb.status.ip)
            s = sb.status
            sb.status = SandboxStatus(s.id, s.pod_uid, s.ip, False, s.created_at)

    def sandbox_of_container(self, container_id: str) -> Sandbox | None:
        for sbs in self.sandboxes.values():
            for sb in sbs:
                if sb.container_id == container_id:
                    return sb
        return None

    def ready_sandboxes(self) -> list[Sandbox]:
        return [sb for sbs in self.sandboxes.values() for sb in sbs if sb.status.ready]

    # ---- containers ------------------------------------------------------------------------

    def add(self, status: ContainerStatus, done: asyncio.Future[ContainerStatus]) -> Rec:
        rec = Rec(status, next(self.seq), done)
        self.recs[status.id] = rec
        return rec

    def newest_first(self, pod_uid: str | None = None, name: str | None = None) -> list[Rec]:
        found = [r for r in self.recs.values()
                 if (pod_uid is None or r.status.pod_uid == pod_uid)
                 and (name is None or r.status.name == name)]
        found.sort(key=lambda r: -r.seq)
        return found

    def in_sandbox(self, sandbox_id: str, state: str) -> list[Rec]:
        return [r for r in self.recs.values()
                if r.status.sandbox_id == sandbox_id and r.status.state == state]

    def forget_all(self) -> None:
        for rec in self.recs.values():
            if not rec.done.done():
                rec.done.set_result(rec.status)
        self.recs.clear()
        self.sandboxes.clear()
        if self.ips is not None:
            self.ips.release_all()


class EventWatch:
    """A `docker events` stream of container deaths and OOM kills, read on a daemon thread.

    `stream` is what the SDK's `client.events(decode=True, …)` returned (the engine has
    subscribed by then, so no death after it is missed); `on_event(action, id)` runs on
    `loop` for each `die` and `oom`."""

    ACTIONS = ("die", "oom")

    def __init__(self, stream: Any, loop: asyncio.AbstractEventLoop,
                 on_event: Callable[[str, str], None], name: str) -> None:
        self.stream = stream
        self.thread = threading.Thread(target=self._read, args=(loop, on_event), name=name,
                                       daemon=True)
        self.thread.start()

    def _read(self, loop: asyncio.AbstractEventLoop, on_event: Callable[[str, str], None]) -> None:
        try:
            for ev in self.stream:
                action = ev.get("Action") or ev.get("status")
                if action in self.ACTIONS:
                    loop.call_soon_threadsafe(on_event, action, ev.get("id", ""))
        except Exception:  # noqa: BLE001 - the stream ends when closed
            pass

    def close(self) -> None:
        try:
            self.stream.close()
        except Exception:  # noqa: BLE001 - already closed
            pass
        self.thread.join(5)
